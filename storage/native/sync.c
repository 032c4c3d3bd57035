/*
 * One shared flush for log writes on one block device (storage/segment/device-sync.ts), which
 * Node cannot express: sync_file_range(2) has no binding. writeSynced(fds, buffers, positions)
 * runs one job in the threadpool that
 *   1. writes each buffer at its position (pwrite, to the page cache) and starts its writeback
 *      (sync_file_range WRITE), so the device gets every range at once;
 *   2. waits for each range's writeback to complete (WAIT_BEFORE | WRITE | WAIT_AFTER): the
 *      data is then in the device, possibly only in its volatile cache;
 *   3. calls fdatasync on the first descriptor. On the filesystems device-sync.ts allows
 *      (ext4, ordered or writeback data mode) fdatasync always ends with a cache flush of the
 *      device, even with nothing left to write, and the flush makes every write the device
 *      completed before it durable: the ranges of all the files, not only this one's.
 * It resolves with one errno per buffer (0: written and durable), step 3's failing them all.
 *
 * writeDirect(fds, buffers, positions) does the same for descriptors opened O_DIRECT, whose
 * buffers and positions are multiples of DIRECT_ALIGN: step 1 copies each buffer into aligned
 * memory and hands every write to the device in one io_submit(2) (Linux native AIO), so the
 * kernel queues them together (one notification of a virtual disk instead of one per file:
 * a round of six took 0.33–0.40 ms and 170–230 µs of CPU, against 0.40–1.0 ms and 340–560 µs
 * with steps 1 and 2 as above); step 2 waits for all of them to complete (io_getevents); step 3
 * is the same fdatasync.
 *
 * writeSyncedNow and writeDirectNow run the same job on the calling thread, blocking it until the
 * writes are durable, and return the errnos: for a thread with nothing else to do meanwhile (the
 * storage worker), which then wakes no threadpool thread to start the job and is woken by no
 * completion message (each a cross-CPU wake-up, tens of µs of CPU on a virtual machine).
 * Built by server/native/build.ts; optional (without it each log syncs its own writes).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/** What writeDirect's buffers and positions are multiples of (a page: any device's block). */
#define DIRECT_ALIGN 4096
/** Writes handed to the kernel per io_submit (and the size of each thread's AIO context). */
#define AIO_BATCH 64

typedef struct {
  int fd;
  const char *data;
  size_t length;
  int64_t position;
  int error;
  napi_ref buffer;
} Op;

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  size_t count;
  Op *ops;
  int flushError;
  int direct;
} Job;

/** Steps 1 and 2 through the page cache: pwrite, then start and wait for each range's writeback. */
static void write_buffered(Job *job) {
  const unsigned wait =
      SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER;
  for (size_t i = 0; i < job->count; i++) {
    Op *op = &job->ops[i];
    for (size_t done = 0; done < op->length;) {
      ssize_t n = pwrite(op->fd, op->data + done, op->length - done, op->position + done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        op->error = n < 0 ? errno : EIO;
        break;
      }
      done += (size_t)n;
    }
    if (op->error == 0 && sync_file_range(op->fd, op->position, op->length,
                                          SYNC_FILE_RANGE_WRITE) != 0) {
      op->error = errno;
    }
  }
  for (size_t i = 0; i < job->count; i++) {
    Op *op = &job->ops[i];
    if (op->error == 0 && sync_file_range(op->fd, op->position, op->length, wait) != 0) {
      op->error = errno;
    }
  }
}

/** This threadpool thread's AIO context, set up on its first direct job (0: not yet). */
static __thread aio_context_t aio_context = 0;

/** Steps 1 and 2 for O_DIRECT descriptors: up to AIO_BATCH writes per io_submit, then reaped. */
static void write_direct(Job *job) {
  if (aio_context == 0 && syscall(SYS_io_setup, AIO_BATCH, &aio_context) != 0) {
    int error = errno;
    aio_context = 0;
    for (size_t i = 0; i < job->count; i++) job->ops[i].error = error;
    return;
  }
  for (size_t first = 0; first < job->count; first += AIO_BATCH) {
    size_t n = job->count - first < AIO_BATCH ? job->count - first : AIO_BATCH;
    struct iocb blocks[AIO_BATCH];
    struct iocb *list[AIO_BATCH];
    void *copies[AIO_BATCH];
    size_t queued = 0;
    for (size_t i = 0; i < n; i++) {
      Op *op = &job->ops[first + i];
      copies[i] = NULL;
      if (op->length % DIRECT_ALIGN != 0 || op->position % DIRECT_ALIGN != 0) {
        op->error = EINVAL;
        continue;
      }
      if (posix_memalign(&copies[i], DIRECT_ALIGN, op->length == 0 ? 1 : op->length) != 0) {
        copies[i] = NULL;
        op->error = ENOMEM;
        continue;
      }
      memcpy(copies[i], op->data, op->length);
      struct iocb *block = &blocks[queued];
      memset(block, 0, sizeof *block);
      block->aio_fildes = (uint32_t)op->fd;
      block->aio_lio_opcode = IOCB_CMD_PWRITE;
      block->aio_buf = (uint64_t)(uintptr_t)copies[i];
      block->aio_nbytes = op->length;
      block->aio_offset = op->position;
      block->aio_data = first + i;
      list[queued++] = block;
    }
    // io_submit takes the blocks in order and stops at one it refuses (a bad descriptor):
    // that one fails with the errno, and the blocks after it are submitted again.
    size_t next = 0, submitted = 0;
    while (next < queued) {
      long taken = syscall(SYS_io_submit, aio_context, (long)(queued - next), list + next);
      if (taken < 0 && errno == EINTR) continue;
      if (taken <= 0) {
        job->ops[list[next]->aio_data].error = taken < 0 ? errno : EIO;
        next++;
        continue;
      }
      next += (size_t)taken;
      submitted += (size_t)taken;
    }
    struct io_event events[AIO_BATCH];
    for (size_t reaped = 0; reaped < submitted;) {
      long got =
          syscall(SYS_io_getevents, aio_context, 1L, (long)(submitted - reaped), events, NULL);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) { // cannot happen with a valid context; the writes' fate is then unknown
        int error = errno;
        for (size_t i = 0; i < queued; i++) {
          if (job->ops[list[i]->aio_data].error == 0) job->ops[list[i]->aio_data].error = error;
        }
        return; // the copies are left allocated: the device may still read them
      }
      for (long k = 0; k < got; k++) {
        Op *op = &job->ops[events[k].data];
        int64_t result = events[k].res;
        if (result < 0) op->error = (int)-result;
        else if ((size_t)result != op->length) op->error = EIO;
      }
      reaped += (size_t)got;
    }
    for (size_t i = 0; i < n; i++) free(copies[i]);
  }
}

static void execute(napi_env env, void *data) {
  (void)env;
  Job *job = data;
  if (job->direct) write_direct(job);
  else write_buffered(job);
  if (job->count > 0 && fdatasync(job->ops[0].fd) != 0) job->flushError = errno;
}

/** The errno of each op: its own failure, else the flush's (0: written and durable). */
static int op_result(const Job *job, size_t i) {
  return job->ops[i].error != 0 ? job->ops[i].error : job->flushError;
}

static void complete(napi_env env, napi_status status, void *data) {
  Job *job = data;
  napi_value errors;
  napi_create_array_with_length(env, job->count, &errors);
  for (size_t i = 0; i < job->count; i++) {
    Op *op = &job->ops[i];
    int error = op_result(job, i);
    if (status != napi_ok && error == 0) error = EIO;
    napi_value value;
    napi_create_int32(env, error, &value);
    napi_set_element(env, errors, (uint32_t)i, value);
    napi_delete_reference(env, op->buffer);
  }
  napi_resolve_deferred(env, job->deferred, errors);
  napi_delete_async_work(env, job->work);
  free(job->ops);
  free(job);
}

static napi_value fail(napi_env env, const char *message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}

/**
 * A job of the call's three arrays (fds, buffers, positions), `direct` from the function's data;
 * with `keep`, each buffer is referenced until `complete` (the job runs later). NULL when it
 * threw (a usage error, or out of memory).
 */
static Job *read_job(napi_env env, napi_callback_info info, int keep) {
  const char *usage = "writeSynced/writeDirect[Now](fds, buffers, positions): three arrays of "
                      "one length";
  void *direct = NULL;
  size_t argc = 3;
  napi_value argv[3];
  uint32_t count = 0, buffers = 0, positions = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, &direct) != napi_ok || argc < 3 ||
      napi_get_array_length(env, argv[0], &count) != napi_ok ||
      napi_get_array_length(env, argv[1], &buffers) != napi_ok ||
      napi_get_array_length(env, argv[2], &positions) != napi_ok || buffers != count ||
      positions != count) {
    fail(env, usage);
    return NULL;
  }
  Job *job = calloc(1, sizeof(Job));
  Op *ops = calloc(count == 0 ? 1 : count, sizeof(Op));
  if (job == NULL || ops == NULL) {
    free(job);
    free(ops);
    napi_throw_error(env, "ENOMEM", "writeSynced: out of memory");
    return NULL;
  }
  job->ops = ops;
  job->direct = direct != NULL;
  for (uint32_t i = 0; i < count; i++) {
    napi_value fd, buffer, position;
    void *bytes = NULL;
    int64_t at = -1;
    bool isBuffer = false;
    if (napi_get_element(env, argv[0], i, &fd) != napi_ok ||
        napi_get_element(env, argv[1], i, &buffer) != napi_ok ||
        napi_get_element(env, argv[2], i, &position) != napi_ok ||
        napi_get_value_int32(env, fd, &ops[i].fd) != napi_ok || ops[i].fd < 0 ||
        napi_is_buffer(env, buffer, &isBuffer) != napi_ok || !isBuffer ||
        napi_get_buffer_info(env, buffer, &bytes, &ops[i].length) != napi_ok ||
        napi_get_value_int64(env, position, &at) != napi_ok || at < 0) {
      if (keep) {
        for (uint32_t j = 0; j < job->count; j++) napi_delete_reference(env, ops[j].buffer);
      }
      free(ops);
      free(job);
      fail(env, usage);
      return NULL;
    }
    ops[i].data = bytes;
    ops[i].position = at;
    if (keep) napi_create_reference(env, buffer, 1, &ops[i].buffer);
    job->count = i + 1;
  }
  return job;
}

/** writeSynced and writeDirect: the job in the threadpool; a promise of the errnos. */
static napi_value write_job(napi_env env, napi_callback_info info) {
  Job *job = read_job(env, info, 1);
  if (job == NULL) return NULL;
  napi_value promise, name;
  napi_create_promise(env, &job->deferred, &promise);
  napi_create_string_utf8(env, "borealis.writeSynced", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, execute, complete, job, &job->work);
  napi_queue_async_work(env, job->work);
  return promise;
}

/**
 * writeSyncedNow and writeDirectNow: the job on the calling thread, which it blocks until the
 * writes are durable; returns the errnos. No thread is woken to start it or to report it.
 */
static napi_value write_now(napi_env env, napi_callback_info info) {
  Job *job = read_job(env, info, 0);
  if (job == NULL) return NULL;
  execute(env, job);
  napi_value errors;
  napi_create_array_with_length(env, job->count, &errors);
  for (size_t i = 0; i < job->count; i++) {
    napi_value value;
    napi_create_int32(env, op_result(job, i), &value);
    napi_set_element(env, errors, (uint32_t)i, value);
  }
  free(job->ops);
  free(job);
  return errors;
}

/**
 * probeDirect(fd): 0 when native AIO can be set up and `fd` (opened O_DIRECT) takes a write of
 * DIRECT_ALIGN aligned bytes at 0, else the errno; synchronous, once per device at start-up.
 */
static napi_value probe_direct(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int fd = -1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) {
    return fail(env, "probeDirect(fd)");
  }
  int error = 0;
  aio_context_t context = 0;
  if (syscall(SYS_io_setup, 1, &context) != 0) {
    error = errno;
  } else {
    syscall(SYS_io_destroy, context);
    void *block = NULL;
    if (posix_memalign(&block, DIRECT_ALIGN, DIRECT_ALIGN) != 0) {
      error = ENOMEM;
    } else {
      memset(block, 0, DIRECT_ALIGN);
      ssize_t n = pwrite(fd, block, DIRECT_ALIGN, 0);
      if (n != DIRECT_ALIGN) error = n < 0 ? errno : EIO;
      free(block);
    }
  }
  napi_value result;
  napi_create_int32(env, error, &result);
  return result;
}

NAPI_MODULE_INIT() {
  static int direct = 1;
  napi_value fn;
  napi_create_function(env, "writeSynced", NAPI_AUTO_LENGTH, write_job, NULL, &fn);
  napi_set_named_property(env, exports, "writeSynced", fn);
  napi_create_function(env, "writeDirect", NAPI_AUTO_LENGTH, write_job, &direct, &fn);
  napi_set_named_property(env, exports, "writeDirect", fn);
  napi_create_function(env, "writeSyncedNow", NAPI_AUTO_LENGTH, write_now, NULL, &fn);
  napi_set_named_property(env, exports, "writeSyncedNow", fn);
  napi_create_function(env, "writeDirectNow", NAPI_AUTO_LENGTH, write_now, &direct, &fn);
  napi_set_named_property(env, exports, "writeDirectNow", fn);
  napi_create_function(env, "probeDirect", NAPI_AUTO_LENGTH, probe_direct, NULL, &fn);
  napi_set_named_property(env, exports, "probeDirect", fn);
  return exports;
}
