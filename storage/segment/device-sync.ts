/**
 * One flush for the hot logs of a block device (issue 8). The six embedded storage nodes keep
 * six hot logs in one data directory, so on one disk: synced each on its own (six O_DSYNC
 * writes), an acknowledgement costs four of six device cache flushes, and flushes of one device
 * do not overlap (measured on a virtual disk: a round of six took 0.8–2.1 ms, four flushes, where
 * one synced write took 0.2–0.3 ms). Here the logs of one device hand their batches to one
 * DeviceSync, which writes every batch queued in a turn and makes them durable with one flush
 * (storage/native/sync.c): 0.4–0.45 ms a round of six, one flush. Where the device takes direct
 * I/O (probed once: O_DIRECT and Linux native AIO), the round's writes go to it in one
 * submission instead of one writeback per file (DIRECT_ALIGN): a round of six then took
 * 0.33–0.40 ms and 170–230 µs of CPU where the page-cache round took 0.40–1.0 ms and 340–560 µs
 * (conformance/bench/profile/device-round.mjs).
 *
 * Why one flush makes every log's batch durable: each batch is written to the page cache and
 * its writeback waited for (sync_file_range), so the device has completed it — into its volatile
 * cache at worst — before the flush is sent; a device cache flush makes every completed write
 * durable, whichever file it belongs to. What the writes need besides their data must already be
 * durable, so only filesystems that overwrite in place qualify, in files whose blocks are
 * allocated and synced before use: ext4 in ordered or writeback data mode (its fdatasync sends
 * the flush even with nothing left to write: measured, one device flush per call), with the hot
 * log's files preallocated by zeros and then fdatasync'ed (hot-log.ts). Other filesystems
 * (copy-on-write ones allocate on every write; tmpfs has no device), ext4 with data=journal, or
 * no native helper: each log syncs its own writes, as before. (Mounted without barriers, ext4
 * sends no flush at all: then neither way is durable against power loss.)
 *
 * A direct write replaces whole blocks of DIRECT_ALIGN bytes, so the log gives it the bytes it
 * already wrote in its last partial block again, unchanged (hot-log.ts): whichever of a block's
 * sectors a crash leaves old or new, those bytes read back the same.
 *
 * Invariants:
 *   (DS1) A write resolves only after its bytes were written, their writeback (or direct write)
 *         completed, and a device cache flush issued after that completed (H1 for the hot log).
 *   (DS2) One round in flight per device; writes queued while it runs go in the next round, so
 *         a log's later batch is never written before its earlier one is durable (H2 holds per
 *         log, since each log has one batch in flight).
 *   (DS3) A failure (of a write, its writeback, or the flush) rejects the writes it concerns
 *         with the errno as a Node error; the hot log makes it sticky (H6).
 */
import assert from 'node:assert/strict';
import { closeSync, constants, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { getSystemErrorName } from 'node:util';

/** The native job (storage/native/sync.c): one errno per buffer, 0 when durable. */
export type WriteSynced = (
  fds: readonly number[],
  buffers: readonly Buffer[],
  positions: readonly number[],
) => Promise<number[]>;

/** Where the built helper is: beside this file in dist, or (under vitest, from .ts) in dist. */
const HELPER = import.meta.url.endsWith('.ts')
  ? '../../dist/storage/native/sync.node'
  : '../native/sync.node';

/** A native job run on the calling thread, which it blocks until the writes are durable. */
export type WriteNow = (
  fds: readonly number[],
  buffers: readonly Buffer[],
  positions: readonly number[],
) => number[];

/**
 * How a device's rounds run: in libuv's threadpool, or on the thread that owns the DeviceSync,
 * blocking it for the round (`here`: see deviceSyncFor).
 */
export type RoundJob =
  | { readonly kind: 'threadpool'; readonly write: WriteSynced }
  | { readonly kind: 'here'; readonly write: WriteNow };

/** What sync.c exports. */
interface Helper {
  readonly writeSynced: WriteSynced;
  /** The same job for O_DIRECT descriptors, buffers and positions multiples of DIRECT_ALIGN. */
  readonly writeDirect: WriteSynced;
  /** writeSynced and writeDirect on the calling thread. */
  readonly writeSyncedNow: WriteNow;
  readonly writeDirectNow: WriteNow;
  /** 0 when this thread can set up native AIO and `fd` (O_DIRECT) takes an aligned write. */
  readonly probeDirect: (fd: number) => number;
}

function loadHelper(): Helper | null {
  try {
    return createRequire(import.meta.url)(HELPER) as Helper;
  } catch {
    return null;
  }
}

const helper = loadHelper();

/** The helper's page-cache job, or null when it was not built (no C compiler). */
export const nativeWriteSynced: WriteSynced | null = helper?.writeSynced ?? null;
/** The helper's direct job (null without the helper). */
export const nativeWriteDirect: WriteSynced | null = helper?.writeDirect ?? null;

/** A direct write's buffer and position are multiples of this (sync.c's DIRECT_ALIGN). */
export const DIRECT_ALIGN = 4096;

interface Queued {
  readonly fd: number;
  readonly buffer: Buffer;
  readonly position: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

function errnoError(errno: number): Error {
  const code = getSystemErrorName(-errno);
  return Object.assign(new Error(`${code}: hot log write or sync failed`), { code, errno: -errno });
}

/** The shared flush of one device's logs (DS1–DS3). */
export class DeviceSync {
  private queue: Queued[] = [];
  private inFlight = false;
  private kickQueued = false;
  /** Rounds run so far (tests, and how many flushes the writes cost). */
  rounds = 0;

  /**
   * With `align` (DIRECT_ALIGN), `job` is the direct one: its writes' descriptors are opened
   * O_DIRECT, and their buffers and positions are multiples of `align`.
   */
  constructor(
    private readonly job: RoundJob,
    readonly align: number | null = null,
  ) {}

  /** Writes `buffer` at `position` of `fd`; resolves once it is durable (DS1). */
  write(fd: number, buffer: Buffer, position: number): Promise<void> {
    if (this.align !== null) {
      assert(position % this.align === 0 && buffer.length % this.align === 0, 'direct: aligned');
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ fd, buffer, position, resolve, reject });
      if (this.kickQueued || this.inFlight) return;
      this.kickQueued = true;
      setImmediate(() => {
        this.kickQueued = false;
        this.kick();
      });
    });
  }

  /** DS2: starts the next round unless one is in flight. */
  private kick(): void {
    if (this.inFlight || this.queue.length === 0) return;
    const round = this.queue;
    this.queue = [];
    this.inFlight = true;
    this.rounds++;
    const settle = (errors: readonly number[]): void => {
      round.forEach((q, i) => {
        const errno = errors[i] ?? 0;
        if (errno === 0) q.resolve();
        else q.reject(errnoError(errno));
      });
    };
    const fail = (error: unknown): void => {
      for (const q of round) q.reject(error);
    };
    const fds = round.map((q) => q.fd);
    const buffers = round.map((q) => q.buffer);
    const positions = round.map((q) => q.position);
    if (this.job.kind === 'here') {
      // Nothing can queue while the job blocks this thread; what the writes' continuations
      // queue (microtasks, later) starts a round of its own.
      try {
        settle(this.job.write(fds, buffers, positions));
      } catch (error) {
        fail(error);
      } finally {
        this.inFlight = false;
      }
      return;
    }
    this.job
      .write(fds, buffers, positions)
      .then(settle, fail)
      .finally(() => {
        this.inFlight = false;
        this.kick();
      });
  }
}

/**
 * Whether the filesystem holding `dir` qualifies (see the file comment): ext4, not mounted
 * with data=journal, found in /proc/self/mountinfo by the directory's device number.
 */
export function sharedFlushAllowed(dir: string, mountinfo = readMountinfo()): boolean {
  return qualifies(statSync(dir, { bigint: true }).dev, mountinfo);
}

/** sharedFlushAllowed for the device number `dev`. */
function qualifies(dev: bigint, mountinfo: string | null): boolean {
  if (mountinfo === null) return false;
  // Linux's dev_t: the major number in bits 8–19 and 32–63, the minor in 0–7 and 20–31.
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  for (const line of mountinfo.split('\n')) {
    // id parent major:minor root mount-point options [optional…] - type source super-options
    const fields = line.split(' ');
    if (fields[2] !== `${major}:${minor}`) continue;
    const dash = fields.indexOf('-');
    if (dash < 0) continue;
    const type = fields[dash + 1];
    const superOptions = (fields[dash + 3] ?? '').split(',');
    return type === 'ext4' && !superOptions.includes('data=journal');
  }
  return false;
}

function readMountinfo(): string | null {
  try {
    return readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return null;
  }
}

/** One DeviceSync per device number and way of running rounds, in this thread. */
const byDevice = new Map<string, DeviceSync>();

/**
 * Whether the device holding `dir` takes the direct job: a file there opens O_DIRECT, takes an
 * aligned write, and this thread sets up native AIO (not every kernel or sandbox allows it).
 */
export function directWorks(dir: string): boolean {
  if (helper === null) return false;
  const probe = join(dir, `.direct-probe-${process.pid}`);
  let fd: number;
  try {
    fd = openSync(probe, constants.O_RDWR | constants.O_CREAT | constants.O_DIRECT);
  } catch {
    return false;
  }
  try {
    return helper.probeDirect(fd) === 0;
  } finally {
    closeSync(fd);
    rmSync(probe, { force: true });
  }
}

/**
 * The DeviceSync the logs in `dir` share, or null when they must sync on their own (no helper,
 * or a filesystem that does not qualify). It runs the direct job where the device takes it.
 * With `blockingRounds` its rounds run on this thread, blocking it until the writes are
 * durable (0.3–0.6 ms), instead of in the threadpool: for a thread that has nothing else to do
 * meanwhile (the storage worker: each write waits for the round anyway), which then wakes no
 * threadpool thread and is woken by no completion message. Measured on a 2-core virtual
 * machine: oltp_insert 1 thread x1.11 (9 of 10 interleaved slices), 32 threads x1.04.
 */
export function deviceSyncFor(dir: string, blockingRounds = false): DeviceSync | null {
  if (helper === null) return null;
  const dev = statSync(dir, { bigint: true }).dev;
  if (!qualifies(dev, readMountinfo())) return null;
  const key = `${dev}:${blockingRounds}`;
  let shared = byDevice.get(key);
  if (shared === undefined) {
    const direct = directWorks(dir);
    const job: RoundJob = blockingRounds
      ? { kind: 'here', write: direct ? helper.writeDirectNow : helper.writeSyncedNow }
      : { kind: 'threadpool', write: direct ? helper.writeDirect : helper.writeSynced };
    shared = new DeviceSync(job, direct ? DIRECT_ALIGN : null);
    byDevice.set(key, shared);
  }
  return shared;
}
