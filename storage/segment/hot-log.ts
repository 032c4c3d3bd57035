/**
 * The hot log: a storage node's append-only redo log in front of its LMDB environment (Aurora's
 * "hot log"). Every write call of the node's store (lmdb-store.ts) becomes one frame of key
 * writes; a frame is acknowledged once it is on stable storage, and its writes go to LMDB later,
 * many frames per transaction, off the acknowledgement path.
 *
 * Files: two preallocated files, hot-log-0 and hot-log-1, in the environment's directory. Frames
 * of generation g go to file g % 2 from offset 0; LMDB keeps `durableGen` (lmdb-store.ts).
 *
 *   frame     OFFSET SIZE DESCRIPTION
 *             0      4    magic 'BHL1'
 *             4      4    n: body length
 *             8      8    generation (u32 high, u32 low)
 *             16     4    crc32 of bytes 0..16 then of the body
 *             20     n    body: ops, each u8 db, u8 kind (1 put, 0 remove), u16 key length k,
 *                         u32 value length v, k key bytes, v value bytes
 *
 * Write path (group commit): write() encodes the frame and queues it; while one batch (one
 * positional write of all its frames, made durable with the other logs of its device by one shared
 * flush (device-sync.ts) where the filesystem allows, as a direct write of whole blocks (H7)
 * where the device takes one; else into a file opened O_DSYNC,
 * asynchronous, in the libuv threadpool; or a write then an fdatasync, through the LogFs seam) is
 * in flight, frames from every segment of the node queue for the next batch. The files are extended
 * with zeros a megabyte at a time, synced, and reused, so a sync seldom has a file size to write,
 * and the shared flush never has one. When a batch is synced its frames are applied, in order, to
 * the overlay (hot-log-overlay.ts), which reads merge over LMDB, and then their promises resolve. A
 * flush (FLUSH_INTERVAL_MS after a frame, or once the overlay's active layer holds FLUSH_BYTES or
 * FLUSH_OPS) switches new frames to generation durableGen + 1 in the other file, waits for the
 * batch in flight, freezes the overlay's layer and writes it plus the new durableGen to LMDB in one
 * synced transaction; then the overlay drops that layer. On open, the frames of durableGen and
 * durableGen + 1 are replayed into LMDB, with durableGen + 2, in one synced transaction, before the
 * store serves anything: recovery reads at most the frames of about two flush intervals (or 2 x
 * FLUSH_BYTES), whatever the size of the data.
 *
 * Invariants:
 *   (H1) A frame is acknowledged (its promise resolves) only after all its bytes are on stable
 *        storage (the shared flush, an O_DSYNC write, or a write then an fdatasync, has
 *        completed), and only then do reads see its writes (ST1).
 *   (H2) One batch at a time: batches are written and synced in the order frames were queued,
 *        each at the offset where the previous one ended, so a synced frame never follows a
 *        frame that is not synced, and the node's durable state after a crash is the effect of a
 *        prefix of its write calls, in call order (ST2: a frame is one call, all or nothing).
 *   (H3) Synced frames are applied to the overlay in log order, so it holds, per key, the value
 *        of the newest synced frame that wrote it.
 *   (H4) With LMDB at durableGen D, LMDB holds the effect of every frame of the generations
 *        below D and of a prefix of D's; frames are written only under D or D + 1 (a flush moves
 *        new frames to D + 1, and commits D + 1 only once every frame of D is synced and in its
 *        snapshot); each generation is written once, from offset 0 of file g % 2, whose older
 *        contents (generation g - 2 or below) LMDB already holds.
 *   (H5) Replay applies the frames of durableGen then durableGen + 1, each file up to its first
 *        frame with a bad magic, generation, length or crc (a torn tail, or an older generation's
 *        leftovers); ops are puts and removes of whole keys, so applying a prefix again changes
 *        nothing (idempotent), and the result is LMDB plus the log's frames, in order.
 *   (H6) A failed write or sync is sticky: that frame and every later one is refused, because
 *        the file may now hold a hole before frames that would otherwise be acknowledged. So is
 *        a failed flush (H4 would no longer hold for the next one); reads go on.
 *   (H7) With direct writes (LogFs.align) a batch is written as whole blocks: from the start of
 *        the block where it begins, whose bytes before it (the tail) are written again exactly
 *        as the last batch wrote them, to the end of the block where it ends, padded with
 *        zeros. A torn block then holds, before the batch, the same bytes whether each sector
 *        is old or new, and replay (H5) stops at the padding (no magic) as at a file's end.
 */
import assert from 'node:assert/strict';
import {
  closeSync,
  constants,
  fdatasync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  openSync,
  readSync,
  write,
} from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { deviceSyncFor } from './device-sync.js';
import { type Layer, OP_HEADER_SIZE, type Op, Overlay, forEachOp } from './hot-log-overlay.js';

export type { Op } from './hot-log-overlay.js';

const MAGIC = 0x42484c31;
const HEADER_SIZE = 20;
/**
 * Flush the overlay into LMDB this long after a frame is synced. It bounds recovery (the frames
 * of about two intervals are replayed) and the overlay; each flush is one LMDB commit, whose
 * page writes and two syncs cost about 0.5 ms of threadpool CPU, so per node per second that is
 * 1000 / FLUSH_INTERVAL_MS commits instead of one per append. A longer interval also writes each
 * B-tree page that the records touch once for more records: at 200 ms (about a thousand records
 * per flush per node under load) LMDB cost about 3.4 µs of CPU per record, at 1 s about 2.1 µs;
 * sysbench oltp_write_only spent a quarter less threadpool CPU per transaction.
 */
export const FLUSH_INTERVAL_MS = 1000;
/** ...or as soon as the overlay holds this many value bytes. */
export const FLUSH_BYTES = 4 << 20;
/**
 * ...or this many ops (key writes). A record's key is its page's (lmdb-store.ts), so a flush
 * dirties about one LMDB page per distinct data page its records touch: on a table of a few
 * hundred pages (1 x 10k sysbench rows) LMDB's cost per record stops falling at a few thousand
 * records per flush, but on thousands of pages (4 x 100k) it keeps falling with longer layers
 * (issue 8, sysbench oltp_write_only 8 on 4 x 100k, 8192 -> 32768 ops: LMDB's threads 0.094 ->
 * 0.051 ms of CPU a transaction, the disk 63.5 -> 42.7 KB and 9.8 -> 5.3 write requests; no
 * change on 1 x 10k). The overlay's maps cost more per op as they grow, and FLUSH_BYTES and
 * FLUSH_INTERVAL_MS still bound the layer (and so recovery's replay).
 */
export const FLUSH_OPS = 32768;
/** The log files grow by this much, written as zeros, so an fdatasync rarely changes the size. */
export const PREALLOCATE_BYTES = 1 << 20;
const ZEROS = Buffer.alloc(PREALLOCATE_BYTES);
const EMPTY = Buffer.alloc(0);

/**
 * The file operations the log needs: the seam tests instrument (H1). With `dsync` the files are
 * opened O_DSYNC, so a write returns only once its data (and the metadata needed to read it
 * back) is on stable storage, as a write followed by fdatasync would: one system call and one
 * trip through the threadpool instead of two, and `datasync` is not called.
 */
export interface LogFs {
  readonly dsync: boolean;
  write(fd: number, buf: Buffer, position: number): Promise<number>;
  datasync(fd: number): Promise<void>;
  /**
   * When present (with `dsync` false), a batch is written and made durable by this one call
   * instead of write and datasync: the shared flush of the file's device (device-sync.ts).
   */
  readonly writeDurable?: (fd: number, buf: Buffer, position: number) => Promise<void>;
  /**
   * With writeDurable: its writes are direct (device-sync.ts), given a descriptor opened
   * O_DIRECT and whole blocks of this many bytes (H7).
   */
  readonly align?: number;
}

export const nodeLogFs: LogFs = {
  dsync: true,
  write: (fd, buf, position) =>
    new Promise((resolve, reject) => {
      write(fd, buf, 0, buf.length, position, (error, n) => (error ? reject(error) : resolve(n)));
    }),
  datasync: (fd) =>
    new Promise((resolve, reject) => {
      fdatasync(fd, (error) => (error ? reject(error) : resolve()));
    }),
};

/**
 * The logs in `dir` share their device's flush where it qualifies, else write O_DSYNC; with
 * `blockingRounds`, the device's rounds block this thread (device-sync.ts deviceSyncFor).
 */
export function defaultLogFs(dir: string, blockingRounds = false): LogFs {
  const shared = deviceSyncFor(dir, blockingRounds);
  if (shared === null) return nodeLogFs;
  return {
    dsync: false,
    write: nodeLogFs.write,
    datasync: nodeLogFs.datasync,
    writeDurable: (fd, buf, position) => shared.write(fd, buf, position),
    ...(shared.align === null ? {} : { align: shared.align }),
  };
}

/**
 * How a log's batches become durable: device-sync.ts (direct writes, or through the page cache),
 * O_DSYNC files, or write then fdatasync.
 */
export type SyncMode = 'shared-direct' | 'shared-flush' | 'o-dsync' | 'fdatasync';

export interface HotLogOptions {
  readonly fs?: LogFs;
  /** Without `fs`: a shared flush's rounds block this thread (deviceSyncFor). */
  readonly blockingRounds?: boolean;
  readonly flushIntervalMs?: number;
  readonly flushBytes?: number;
  readonly flushOps?: number;
}

/** Writes a frozen layer's entries and the new durable generation in one synced transaction. */
export type Persist = (layer: Layer, durableGen: number) => Promise<void>;

export function logPath(dir: string, gen: number): string {
  return join(dir, `hot-log-${gen % 2}`);
}

/** The bytes an op takes in a frame's body. */
export function opSize(keyLength: number, valueLength: number | undefined): number {
  return OP_HEADER_SIZE + keyLength + (valueLength ?? 0);
}

/**
 * Builds one frame in place, so a store writes each op's key and value straight into the frame
 * (no key, value or op object per write on the append path). The body's size is given up front
 * (the sum of opSize of its ops); `finish` checks that the ops filled it exactly.
 */
export class FrameBuilder {
  readonly frame: Buffer;
  private at = HEADER_SIZE;

  constructor(bodySize: number) {
    this.frame = Buffer.allocUnsafe(HEADER_SIZE + bodySize);
  }

  /** Starts a put: writes its header; its key goes at the offset returned, its value after. */
  put(db: number, keyLength: number, valueLength: number): number {
    return this.op(db, 1, keyLength, valueLength);
  }

  /** Starts a removal: writes its header; its key goes at the offset returned. */
  remove(db: number, keyLength: number): number {
    return this.op(db, 0, keyLength, 0);
  }

  /** A frame with its header still blank but for its magic and length (sealFrame fills it in). */
  finish(): Buffer {
    assert.equal(this.at, this.frame.length, 'FrameBuilder: every byte written');
    this.frame.writeUInt32BE(MAGIC, 0);
    this.frame.writeUInt32BE(this.frame.length - HEADER_SIZE, 4);
    return this.frame;
  }

  private op(db: number, kind: number, keyLength: number, valueLength: number): number {
    assert(keyLength <= 0xffff, 'hot log: key length');
    const at = this.at;
    assert(at + OP_HEADER_SIZE + keyLength + valueLength <= this.frame.length, 'frame size');
    this.frame[at] = db;
    this.frame[at + 1] = kind;
    this.frame.writeUInt16BE(keyLength, at + 2);
    this.frame.writeUInt32BE(valueLength, at + 4);
    this.at = at + OP_HEADER_SIZE + keyLength + valueLength;
    return at + OP_HEADER_SIZE;
  }
}

/** A frame of these ops, with its header still blank but for its magic and length. */
export function encodeFrame(ops: readonly Op[]): Buffer {
  let size = 0;
  for (const op of ops) size += opSize(op.key.length, op.value?.length);
  const builder = new FrameBuilder(size);
  for (const op of ops) {
    if (op.value === undefined) {
      op.key.copy(builder.frame, builder.remove(op.db, op.key.length));
    } else {
      const at = builder.put(op.db, op.key.length, op.value.length);
      op.value.copy(builder.frame, at + op.key.copy(builder.frame, at));
    }
  }
  return builder.finish();
}

/** Stamps a frame with its generation and crc (at batch time: the generation is known then). */
export function sealFrame(frame: Buffer, gen: number): void {
  frame.writeUInt32BE(Math.floor(gen / 0x1_0000_0000), 8);
  frame.writeUInt32BE(gen >>> 0, 12);
  frame.writeUInt32BE(frameCrc(frame.subarray(0, 16), frame.subarray(HEADER_SIZE)), 16);
}

function frameCrc(head: Buffer, body: Buffer): number {
  return crc32(body, crc32(head));
}

export function decodeOps(body: Buffer): Op[] {
  const ops: Op[] = [];
  forEachOp(body, (db, key, keyEnd, valueEnd) => {
    const value = valueEnd < 0 ? undefined : body.subarray(keyEnd, valueEnd);
    ops.push({ db, key: body.subarray(key, keyEnd), value });
  });
  return ops;
}

/** H5: the ops of the good frames of generation `gen` in its file, in order. */
export function readGeneration(dir: string, gen: number): Op[][] {
  let fd: number;
  try {
    fd = openSync(logPath(dir, gen), constants.O_RDONLY);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  try {
    const size = fstatSync(fd).size;
    const frames: Op[][] = [];
    const head = Buffer.alloc(HEADER_SIZE);
    for (let at = 0; at + HEADER_SIZE <= size; ) {
      if (readSync(fd, head, 0, HEADER_SIZE, at) !== HEADER_SIZE) break;
      const n = head.readUInt32BE(4);
      const frameGen = head.readUInt32BE(8) * 0x1_0000_0000 + head.readUInt32BE(12);
      if (head.readUInt32BE(0) !== MAGIC || frameGen !== gen) break;
      if (at + HEADER_SIZE + n > size) break;
      const body = Buffer.alloc(n);
      if (readSync(fd, body, 0, n, at + HEADER_SIZE) !== n) break;
      if (frameCrc(head.subarray(0, 16), body) !== head.readUInt32BE(16)) break;
      frames.push(decodeOps(body));
      at += HEADER_SIZE + n;
    }
    return frames;
  } finally {
    closeSync(fd);
  }
}

/** H5: what a node replays on open, given LMDB's durableGen. */
export function readHotLog(dir: string, durableGen: number): Op[][] {
  return [...readGeneration(dir, durableGen), ...readGeneration(dir, durableGen + 1)];
}

/** H7: a direct write's blocks, from `start` in the file; the frames in them end at `end`. */
interface DirectWrite {
  readonly start: number;
  readonly end: number;
  readonly bytes: Buffer;
}

interface Pending {
  readonly frame: Buffer;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class HotLog {
  readonly overlay: Overlay;
  /** Sticky (H6). */
  failure: Error | undefined;
  private readonly fs: LogFs;
  private readonly fds: number[];
  /** With fs.align: the files opened again O_DIRECT, for the batches' writes. */
  private readonly directFds: number[];
  /**
   * With fs.align: where direct writes are built (H7). The current generation's last partial
   * block, as written, is at tailStart, tailLength bytes (0: the last batch ended on a block).
   */
  private stage: Buffer = EMPTY;
  private tailStart = 0;
  private tailLength = 0;
  private readonly allocated: number[];
  private readonly flushIntervalMs: number;
  private readonly flushBytes: number;
  private readonly flushOps: number;
  /** The generation new batches are written under: durableGen or durableGen + 1 (H4). */
  private gen: number;
  private offset = 0;
  private queue: Pending[] = [];
  private inFlight: Promise<void> | undefined;
  private flushChain: Promise<void> = Promise.resolve();
  private flushing = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private kickQueued = false;

  /** `durableGen` is already committed in LMDB, and LMDB holds every frame of older ones. */
  constructor(
    dir: string,
    private durableGen: number,
    dbCount: number,
    private readonly persist: Persist,
    options: HotLogOptions = {},
  ) {
    this.overlay = new Overlay(dbCount);
    this.fs = options.fs ?? defaultLogFs(dir, options.blockingRounds);
    this.flushIntervalMs = options.flushIntervalMs ?? FLUSH_INTERVAL_MS;
    this.flushBytes = options.flushBytes ?? FLUSH_BYTES;
    this.flushOps = options.flushOps ?? FLUSH_OPS;
    this.gen = durableGen;
    const flags = constants.O_RDWR | constants.O_CREAT | (this.fs.dsync ? constants.O_DSYNC : 0);
    this.fds = [0, 1].map((i) => openSync(logPath(dir, i), flags));
    const direct = constants.O_RDWR | constants.O_DIRECT;
    this.directFds =
      this.fs.align === undefined ? [] : [0, 1].map((i) => openSync(logPath(dir, i), direct));
    this.allocated = this.fds.map((fd) => fstatSync(fd).size);
    // What a crash may have left unsynced of the files' size and blocks is synced before their
    // preallocated space is trusted: the shared flush syncs no metadata.
    if (this.fs.writeDurable !== undefined) for (const fd of this.fds) fdatasyncSync(fd);
    if (this.allocated.some((size) => size === 0)) syncDirectory(dir);
  }

  get syncMode(): SyncMode {
    if (this.fs.align !== undefined) return 'shared-direct';
    if (this.fs.writeDurable !== undefined) return 'shared-flush';
    return this.fs.dsync ? 'o-dsync' : 'fdatasync';
  }

  /** Queues one frame of writes; resolves once it is synced (H1). */
  write(ops: readonly Op[]): Promise<void> {
    return this.writeFrame(encodeFrame(ops));
  }

  /** Queues one frame, as FrameBuilder.finish (or encodeFrame) made it; resolves once synced. */
  writeFrame(frame: Buffer): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('hot log: the store is closed'));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ frame, resolve, reject });
      if (this.kickQueued) return;
      this.kickQueued = true;
      setImmediate(() => {
        this.kickQueued = false;
        this.kick();
      });
    });
  }

  /** Writes everything synced so far into LMDB (and what is in flight now); H6 on failure. */
  flush(): Promise<void> {
    const next = this.flushChain
      .then(() => this.flushOnce())
      .catch((error: unknown) => {
        this.fail(error);
        throw this.failure;
      });
    this.flushChain = next.catch(() => undefined);
    return next;
  }

  /**
   * @internal What a crash leaves (tests): closes the files, flushing nothing; frames still
   * queued fail (the batch in flight, if any, completes first: its fd must stay valid). The
   * node must not use the store afterwards.
   */
  async abandon(): Promise<void> {
    this.closed = true;
    this.fail(new Error('hot log: abandoned'));
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
    for (const fd of [...this.fds, ...this.directFds]) closeSync(fd);
  }

  /** Waits for every queued frame, flushes, and closes the files; later writes are refused. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.inFlight !== undefined) await this.inFlight;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    try {
      if (this.failure === undefined) await this.flush();
    } finally {
      await this.flushChain;
      for (const fd of [...this.fds, ...this.directFds]) closeSync(fd);
    }
  }

  /** H2: starts the next batch unless one is in flight. */
  private kick(): void {
    if (this.inFlight !== undefined || this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.inFlight = this.writeBatch(batch).finally(() => {
      this.inFlight = undefined;
      this.kick();
    });
  }

  /** H2: one write and one fdatasync for every queued frame, then apply and acknowledge. */
  private async writeBatch(batch: readonly Pending[]): Promise<void> {
    const gen = this.gen;
    assert(gen === this.durableGen || gen === this.durableGen + 1, 'H4: D or D + 1');
    const file = gen % 2;
    const at = this.offset;
    for (const p of batch) sealFrame(p.frame, gen);
    // H7: direct writes take whole blocks, built in the stage; else the frames themselves.
    const direct = this.fs.align === undefined ? undefined : this.blocks(at, batch);
    const bytes =
      direct?.bytes ??
      (batch.length === 1 ? batch[0]!.frame : Buffer.concat(batch.map((p) => p.frame)));
    const position = direct?.start ?? at;
    this.offset = direct?.end ?? at + bytes.length;
    try {
      if (this.failure !== undefined) throw this.failure;
      const fd = this.fds[file]!;
      // One await for the usual batch (written whole by one call, in a preallocated file).
      const end = position + bytes.length;
      if (end > this.allocated[file]!) await this.preallocate(file, end);
      if (direct !== undefined) {
        await this.fs.writeDurable!(this.directFds[file]!, bytes, position);
      } else if (this.fs.writeDurable !== undefined) {
        await this.fs.writeDurable(fd, bytes, at);
      } else {
        const n = await this.fs.write(fd, bytes, at);
        assert(n > 0, 'hot log: a write made progress');
        if (n < bytes.length) await this.writeAll(fd, bytes.subarray(n), at + n);
        if (!this.fs.dsync) await this.fs.datasync(fd);
      }
    } catch (error) {
      this.fail(error);
      for (const p of batch) p.reject(this.failure);
      return;
    }
    for (const p of batch) this.overlay.applyFrame(p.frame.subarray(HEADER_SIZE)); // H3: in order
    for (const p of batch) p.resolve(); // H1: synced, and visible to reads, before the ack
    this.scheduleFlush();
  }

  /**
   * H7: the whole blocks a direct write of the batch's frames at `at` covers — the generation's
   * last partial block as written before, the frames, zeros to the block's end — built in the
   * log's staging buffer (no buffer per batch; the write in flight is the only reader, and the
   * next batch is built only once it has settled, H2); `end` is where the frames end.
   */
  private blocks(at: number, batch: readonly Pending[]): DirectWrite {
    const align = this.fs.align!;
    const tail = this.tailLength;
    const start = at - tail;
    assert.equal(start % align, 0, 'H7: the tail starts a block');
    let end = at;
    for (const p of batch) end += p.frame.length;
    const size = Math.ceil(end / align) * align - start;
    if (size > this.stage.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(size, 2 * this.stage.length));
      this.stage.copy(grown, 0, this.tailStart, this.tailStart + tail);
      this.stage = grown;
    } else {
      this.stage.copyWithin(0, this.tailStart, this.tailStart + tail);
    }
    let to = tail;
    for (const p of batch) to += p.frame.copy(this.stage, to);
    this.stage.fill(0, to, size);
    const last = Math.floor(end / align) * align;
    this.tailStart = last - start;
    this.tailLength = end - last;
    return { start, end, bytes: this.stage.subarray(0, size) };
  }

  /** Extends a file with zeros so that an fdatasync within it need not write its size. */
  private async preallocate(file: number, end: number): Promise<void> {
    const size = this.allocated[file]!;
    if (end <= size) return;
    const target = Math.ceil(end / PREALLOCATE_BYTES) * PREALLOCATE_BYTES;
    for (let at = size; at < target; at += PREALLOCATE_BYTES) {
      await this.writeAll(this.fds[file]!, ZEROS.subarray(0, target - at), at);
    }
    // The shared flush syncs no metadata: the new size and blocks are made durable first. (An
    // O_DSYNC file's writes were synced each; a batch's own fdatasync syncs the size with it.)
    if (this.fs.writeDurable !== undefined) await this.fs.datasync(this.fds[file]!);
    this.allocated[file] = target;
  }

  private async writeAll(fd: number, buf: Buffer, position: number): Promise<void> {
    for (let done = 0; done < buf.length; ) {
      const n = await this.fs.write(fd, buf.subarray(done), position + done);
      assert(n > 0, 'hot log: a write made progress');
      done += n;
    }
  }

  private fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = error instanceof Error ? error : new Error(String(error));
    const queued = this.queue;
    this.queue = [];
    for (const p of queued) p.reject(this.failure);
  }

  private scheduleFlush(): void {
    if (this.flushing || this.closed) return;
    const active = this.overlay.active;
    if (active.bytes >= this.flushBytes || active.size >= this.flushOps) {
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = undefined;
      this.backgroundFlush();
      return;
    }
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.backgroundFlush();
    }, this.flushIntervalMs);
    this.timer.unref();
  }

  private backgroundFlush(): void {
    this.flush().catch(() => undefined); // sticky (H6): the next write reports it
  }

  /** H4: switch to the next generation, wait for the old one's batch, persist the overlay. */
  private async flushOnce(): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    if (this.overlay.active.size === 0 && this.inFlight === undefined) return;
    assert.equal(this.gen, this.durableGen, 'H4: one generation ahead of LMDB at most');
    this.flushing = true;
    try {
      const old = this.inFlight;
      this.gen = this.durableGen + 1;
      this.offset = 0;
      this.tailLength = 0;
      if (old !== undefined) await old;
      if (this.failure !== undefined) throw this.failure;
      const layer = this.overlay.freeze();
      await this.persist(layer, this.gen);
      this.durableGen = this.gen;
      this.overlay.release(layer); // O2
    } finally {
      this.flushing = false;
    }
    if (this.overlay.active.size > 0) this.scheduleFlush();
  }
}

/** A new file's name is durable only once its directory is synced. */
function syncDirectory(dir: string): void {
  const fd = openSync(dir, constants.O_RDONLY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
