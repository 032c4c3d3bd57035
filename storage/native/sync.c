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
 * Built by server/native/build.ts; optional (without it each log syncs its own writes).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

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
} Job;

static void execute(napi_env env, void *data) {
  (void)env;
  Job *job = data;
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
  if (job->count > 0 && fdatasync(job->ops[0].fd) != 0) job->flushError = errno;
}

static void complete(napi_env env, napi_status status, void *data) {
  Job *job = data;
  napi_value errors;
  napi_create_array_with_length(env, job->count, &errors);
  for (size_t i = 0; i < job->count; i++) {
    Op *op = &job->ops[i];
    int error = op->error != 0 ? op->error : job->flushError;
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

static napi_value write_synced(napi_env env, napi_callback_info info) {
  const char *usage = "writeSynced(fds, buffers, positions): three arrays of one length";
  size_t argc = 3;
  napi_value argv[3];
  uint32_t count = 0, buffers = 0, positions = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 ||
      napi_get_array_length(env, argv[0], &count) != napi_ok ||
      napi_get_array_length(env, argv[1], &buffers) != napi_ok ||
      napi_get_array_length(env, argv[2], &positions) != napi_ok || buffers != count ||
      positions != count) {
    return fail(env, usage);
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
      for (uint32_t j = 0; j < job->count; j++) napi_delete_reference(env, ops[j].buffer);
      free(ops);
      free(job);
      return fail(env, usage);
    }
    ops[i].data = bytes;
    ops[i].position = at;
    napi_create_reference(env, buffer, 1, &ops[i].buffer); // kept alive until `complete`
    job->count = i + 1;
  }
  napi_value promise, name;
  napi_create_promise(env, &job->deferred, &promise);
  napi_create_string_utf8(env, "borealis.writeSynced", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, execute, complete, job, &job->work);
  napi_queue_async_work(env, job->work);
  return promise;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "writeSynced", NAPI_AUTO_LENGTH, write_synced, NULL, &fn);
  napi_set_named_property(env, exports, "writeSynced", fn);
  return exports;
}
