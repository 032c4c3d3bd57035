/**
 * LmdbSegmentStore: a storage node's NodeStore on one LMDB environment, with a hot log in front
 * of it (hot-log.ts). The only importer of 'lmdb' in the project.
 *
 * One environment (directory) per node holds the segments of every protection group the node
 * serves, in five databases. Keys are big-endian so byte order is numeric order (ST3); values
 * are our own bytes (encoding 'binary'), never msgpack'd objects, so we own the on-disk format.
 *
 *   database  key                                   value
 *   records   u32 group, u32 pageId, u64 lsn        the encoded redo record (redo.ts)
 *   index     u32 group, u64 lsn                    u64 prevLsn, u32 pageId, u8 flags (store.ts)
 *   images    u32 group, u32 pageId, u64 lsn        u32 crc32 + a 16 KiB page image
 *   meta      u32 group                             segment metadata (store.ts)
 *             u32 group, u8 1                       its epoch history and time marks (encodeApart)
 *   node      UTF-8 name                            node-level values: its id, its membership
 *   hot-log   'durableGen'                          u32 high, u32 low: the hot log's generation
 *
 * Writes: every write call (append, putMeta, putPageImage, putRecord, removePageImage, purge,
 * collect, putNodeValue) is turned into its key writes (puts and removes of whole keys, computed
 * from what reads see at call time, as before) and handed to the hot log as one frame: it
 * resolves once the frame is synced in the log (H1, ST1), a frame is all or nothing (ST2), and
 * frames reach the disk in call order (H2), so a crash leaves the effect of a prefix of the
 * calls, as LMDB's own ordered transactions did. No write goes to LMDB except the hot log's
 * flushes and its replay, so no LMDB write can be reordered against a frame (L1). Page images
 * therefore take the same path as records: a 16 KiB frame costs one sequential write in a batch
 * that is being synced anyway, where a barrier (flush the log, then write LMDB) would cost two
 * LMDB syncs per image.
 *
 * Reads merge the overlay (synced frames not yet in LMDB) over LMDB (L2): point reads ask the
 * overlay first; ranges merge both streams in key order (ST3), the overlay winning on equal keys
 * and its tombstones hiding LMDB's values. Frames that are not yet synced are not visible (ST1).
 *
 * Durability of LMDB itself (the flushes and the replay): every option is spelled out. A commit
 * syncs the data and the meta page before its promise resolves (no noSync, no noMetaSync, no
 * overlappingSync, whose promise would resolve before the flush; mapAsync, absent from the
 * typings, stays at its default, off). A flush issues all its puts and removes, and durableGen,
 * in one event turn: lmdb-js puts every write of a turn in one transaction (eventTurnBatching;
 * a batch started early stays open until the turn ends), so the flush is atomic, and the B-tree
 * work runs in lmdb-js's write thread, not the node's. The replay on open is one synchronous
 * transaction, committed before the constructor returns, so the store serves nothing before the
 * log's frames are in LMDB (H5).
 *
 * Invariants (besides ST1–ST3 of store.ts, H1–H6 of hot-log.ts and O1–O2 of hot-log-overlay.ts):
 *   (L1) LMDB is written only by the replay and by the hot log's flushes, each of which also
 *        writes durableGen in the same transaction.
 *   (L2) Every read goes through the merged view (overlay over LMDB), never LMDB alone.
 *   (L3) A segment's metadata from version 6 on (store.ts) is two values: the metadata, written
 *        with every write that changes it, and its epoch history and time marks, written only
 *        with the first write since the store opened and with those that change one of them;
 *        meta() joins them.
 */
import assert from 'node:assert/strict';
import { open, type Database, type RootDatabase } from 'lmdb';
import { type Lsn, type PageId, readLsn, writeLsn } from '../lsn.js';
import {
  FrameBuilder,
  HotLog,
  type HotLogOptions,
  type Op,
  type SyncMode,
  opSize,
  readHotLog,
} from './hot-log.js';
import { type KeyValue, type Layer, type RangeOptions, mergeRange } from './hot-log-overlay.js';
import {
  type IndexEntry,
  type LsnBytes,
  type NodeStore,
  type PageImage,
  type RecordKey,
  type SegmentMeta,
  type SegmentStore,
  type StoredImage,
  type StoredRecord,
  type MetaApart,
  type Usage,
  INDEX_VALUE_SIZE,
  META_APART,
  META_SIZE,
  decodeImageValue,
  decodeIndexValue,
  decodeApart,
  decodeMeta,
  encodeImageValue,
  encodeApart,
  encodeMeta,
  writeImageValue,
  writeIndexValue,
  writeMeta,
} from './store.js';

type Db = Database<Buffer, Buffer>;

/**
 * Values are stored as given and read back as a copy in a Buffer of Node's pool. lmdb-js's own
 * 'binary' reads copy each value into a new Uint8Array, which for any value over 64 bytes (V8
 * keeps only smaller typed arrays on its heap) means a new ArrayBuffer: about 0.7 µs a value,
 * most of the cost of reading a page's records to materialise it. lmdb-js hands a decoder that
 * copies (the `encoder` option) its shared read buffer and the value's length; nothing here
 * keeps a view of that buffer.
 */
const VALUE_CODEC = {
  encode: (value: Buffer): Buffer => value,
  decode: (bytes: Buffer, size?: unknown): Buffer => {
    const n = typeof size === 'number' ? size : bytes.length;
    const copy = Buffer.allocUnsafe(n);
    // A view of exactly n bytes: the shared buffer's `length` is lmdb-js's, not its real one.
    copy.set(new Uint8Array(bytes.buffer, bytes.byteOffset, n));
    return copy;
  },
};

const DB_OPTIONS = {
  encoding: 'binary',
  encoder: VALUE_CODEC,
  keyEncoding: 'binary',
  compression: false,
  cache: false,
  useVersions: false,
  dupSort: false,
} as const;

/** The databases the hot log writes, by the id its frames carry. */
const enum DbId {
  Records = 0,
  Index = 1,
  Images = 2,
  Meta = 3,
  Node = 4,
}
const DB_NAMES = ['records', 'index', 'images', 'meta', 'node'] as const;
const GEN_KEY = Buffer.from('durableGen', 'utf8');

export class LmdbNodeStore implements NodeStore {
  private readonly root: RootDatabase<Buffer, Buffer>;
  private readonly dbs: Db[];
  private readonly hot: Db;
  private readonly log: HotLog;
  private closed = false;

  /** Opens the environment and replays its hot log into it before anything is served (H5). */
  constructor(path: string, options: HotLogOptions = {}) {
    this.root = open<Buffer, Buffer>({
      path,
      ...DB_OPTIONS,
      maxDbs: 6,
      noSync: false,
      noMetaSync: false,
      overlappingSync: false,
      useWritemap: false,
      eventTurnBatching: true,
      commitDelay: 0,
    });
    this.dbs = DB_NAMES.map((name) => this.root.openDB<Buffer, Buffer>({ name, ...DB_OPTIONS }));
    this.hot = this.root.openDB<Buffer, Buffer>({ name: 'hot-log', ...DB_OPTIONS });
    const stored = this.hot.get(GEN_KEY);
    const gen = stored === undefined ? 0 : decodeGen(stored);
    const frames = readHotLog(path, gen);
    const durableGen = gen + 2; // H4: above every generation either file may hold
    this.root.transactionSync(() => {
      for (const ops of frames) for (const op of ops) this.writeOp(op);
      this.hot.putSync(GEN_KEY, encodeGen(durableGen)); // L1
    });
    this.log = new HotLog(path, durableGen, DB_NAMES.length, (e, g) => this.persist(e, g), options);
  }

  get syncMode(): SyncMode {
    return this.log.syncMode;
  }

  nodeValue(key: string): Buffer | undefined {
    return this.get(DbId.Node, Buffer.from(key, 'utf8'));
  }

  putNodeValue(key: string, value: Buffer): Promise<void> {
    return this.write([{ db: DbId.Node, key: Buffer.from(key, 'utf8'), value }]);
  }

  /**
   * @internal L3: per group, the history and marks last written under its apart key since this
   * store opened (none: not yet). A write whose metadata has these leaves them out of its frame.
   */
  readonly apartWritten = new Map<number, MetaApart>();

  groups(): number[] {
    const out: number[] = [];
    const all = { start: Buffer.alloc(4), end: Buffer.alloc(5, 0xff) };
    for (const { key } of this.range(DbId.Meta, all)) {
      if (key.length === META_KEY_SIZE) out.push(key.readUInt32BE(0)); // not an apart key
    }
    return out;
  }

  segment(group: number): SegmentStore {
    return new LmdbSegmentStore(this, group);
  }

  async close(): Promise<void> {
    try {
      await this.log.close();
    } finally {
      this.closed = true;
      await this.root.flushed;
      await this.root.close();
    }
  }

  /**
   * @internal What a crash leaves behind (tests): drops the overlay and whatever is queued,
   * flushes nothing, closes the environment. The store must not be used afterwards.
   */
  async abandon(): Promise<void> {
    this.closed = true;
    await this.log.abandon();
    await this.root.close();
  }

  /** @internal One store call's key writes, as one hot-log frame (H1, H2). */
  write(ops: readonly Op[]): Promise<void> {
    return this.log.write(ops);
  }

  /** @internal One store call's key writes, as a frame built in place (FrameBuilder). */
  writeFrame(frame: Buffer): Promise<void> {
    return this.log.writeFrame(frame);
  }

  /** @internal L2: a key's value, the overlay over LMDB. */
  get(db: DbId, key: Buffer): Buffer | undefined {
    this.checkOpen();
    const hot = this.log.overlay.get(db, key);
    return hot !== undefined ? (hot ?? undefined) : this.db(db).get(key);
  }

  /** @internal L2, ST3: a range, the overlay merged over LMDB in key order. */
  range(db: DbId, options: RangeOptions): Iterable<KeyValue> {
    this.checkOpen();
    const overlay = this.log.overlay.range(db, options);
    const first = overlay.next();
    const base = this.db(db).getRange(options);
    if (first.done === true) return base;
    return mergeRange(base, overlay, first, options.reverse === true);
  }

  /** @internal Flushes the hot log into LMDB now (tests; the log also does it on its own). */
  flush(): Promise<void> {
    return this.log.flush();
  }

  /**
   * L1: the overlay and the new generation, in one synced LMDB transaction (every put and
   * remove is issued in this turn: eventTurnBatching). lmdb-js hands each write of the turn the
   * same promise, the transaction's, as a rule; each distinct one is awaited.
   */
  private async persist(layer: Layer, durableGen: number): Promise<void> {
    const writes: Promise<boolean>[] = [];
    let last: Promise<boolean> | undefined;
    const dbs = this.dbs;
    layer.forEachOp((db, key, value) => {
      const target = dbs[db];
      assert(target !== undefined, 'lmdb-store: database id');
      const write = value === undefined ? target.remove(key) : target.put(key, value);
      if (write !== last) writes.push((last = write));
    });
    writes.push(this.hot.put(GEN_KEY, encodeGen(durableGen)));
    await Promise.all(writes);
  }

  /** Inside the replay's write transaction only (L1). */
  private writeOp(op: Op): void {
    if (op.value === undefined) this.db(op.db).removeSync(op.key);
    else this.db(op.db).putSync(op.key, op.value);
  }

  private db(db: number): Db {
    const found = this.dbs[db];
    assert(found !== undefined, 'lmdb-store: database id');
    return found;
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('lmdb-store: the store is closed');
  }
}

function decodeGen(buf: Buffer): number {
  return buf.readUInt32BE(0) * 2 ** 32 + buf.readUInt32BE(4);
}

function encodeGen(gen: number): Buffer {
  const buf = Buffer.alloc(8);
  buf.writeUInt32BE(Math.floor(gen / 2 ** 32), 0);
  buf.writeUInt32BE(gen >>> 0, 4);
  return buf;
}

class LmdbSegmentStore implements SegmentStore {
  private readonly metaKey: Buffer;
  private readonly apartKey: Buffer;

  constructor(
    private readonly node: LmdbNodeStore,
    readonly group: number,
  ) {
    this.metaKey = Buffer.alloc(META_KEY_SIZE);
    this.metaKey.writeUInt32BE(group, 0);
    this.apartKey = Buffer.alloc(APART_KEY_SIZE);
    this.apartKey.writeUInt32BE(group, 0);
    this.apartKey[META_KEY_SIZE] = 1;
  }

  meta(): SegmentMeta | undefined {
    const value = this.node.get(DbId.Meta, this.metaKey);
    if (value === undefined) return undefined;
    const meta = decodeMeta(value);
    if ((value[0] ?? 0) < META_APART) return meta; // its history and marks are in it
    const apart = this.node.get(DbId.Meta, this.apartKey);
    return apart === undefined ? meta : { ...meta, ...decodeApart(apart) };
  }

  *index(afterLsn: Lsn, upToLsn: Lsn): Iterable<IndexEntry> {
    if (upToLsn <= afterLsn) return;
    const range = this.node.range(DbId.Index, {
      start: indexKey(this.group, (afterLsn + 1) as Lsn),
      end: indexKey(this.group, upToLsn),
      inclusiveEnd: true,
    });
    for (const { key, value } of range) yield decodeIndexValue(readLsn(key, 4), value);
  }

  indexFloor(lsn: Lsn): IndexEntry | undefined {
    const range = this.node.range(DbId.Index, {
      start: indexKey(this.group, lsn),
      end: indexKey(this.group, 0 as Lsn),
      reverse: true,
    });
    for (const { key, value } of range) return decodeIndexValue(readLsn(key, 4), value);
    return undefined;
  }

  indexEntry(lsn: Lsn): IndexEntry | undefined {
    const value = this.node.get(DbId.Index, indexKey(this.group, lsn));
    return value === undefined ? undefined : decodeIndexValue(lsn, value);
  }

  *pageRecords(pageId: PageId, afterLsn: Lsn, upToLsn: Lsn): Iterable<LsnBytes> {
    if (upToLsn <= afterLsn) return;
    const range = this.node.range(DbId.Records, {
      start: pageKey(this.group, pageId, (afterLsn + 1) as Lsn),
      end: pageKey(this.group, pageId, upToLsn),
      inclusiveEnd: true,
    });
    for (const { key, value } of range) yield { lsn: readLsn(key, 8), bytes: value };
  }

  record(pageId: PageId, lsn: Lsn): Buffer | undefined {
    return this.node.get(DbId.Records, pageKey(this.group, pageId, lsn));
  }

  pageImage(pageId: PageId, atOrBelow: Lsn): StoredImage | undefined {
    const range = this.node.range(DbId.Images, {
      start: pageKey(this.group, pageId, atOrBelow),
      end: pageKey(this.group, pageId, 0 as Lsn),
      reverse: true,
    });
    for (const { key, value } of range) return { lsn: readLsn(key, 8), ...decodeImageValue(value) };
    return undefined;
  }

  pageImageAt(pageId: PageId, lsn: Lsn): StoredImage | undefined {
    const value = this.node.get(DbId.Images, pageKey(this.group, pageId, lsn));
    return value === undefined ? undefined : { lsn, ...decodeImageValue(value) };
  }

  latestImages(
    fromPageId: number,
    atOrBelow: Lsn,
    bytesMax: number,
  ): { images: (PageImage & { pageId: PageId })[]; next: number } {
    const images: (PageImage & { pageId: PageId })[] = [];
    let bytes = 0;
    let pageId = fromPageId;
    for (;;) {
      const first = this.firstImageKeyFrom(pageId);
      if (first === undefined) return { images, next: -1 };
      if (images.length > 0 && bytes >= bytesMax) return { images, next: first };
      const image = this.pageImage(first as PageId, atOrBelow);
      if (image !== undefined && image.intact) {
        images.push({ pageId: first as PageId, lsn: image.lsn, bytes: Buffer.from(image.bytes) });
        bytes += image.bytes.length;
      }
      pageId = first + 1;
    }
  }

  private firstImageKeyFrom(pageId: number): number | undefined {
    if (pageId > 0xffff_ffff) return undefined;
    const keys = this.node.range(DbId.Images, {
      start: pageKey(this.group, pageId as PageId, 0 as Lsn),
      end: pageKey(this.group + 1, 0 as PageId, 0 as Lsn),
    });
    for (const { key } of keys) return key.readUInt32BE(4);
    return undefined;
  }

  scanRecords(from: RecordKey | undefined, limit: number): (RecordKey & { bytes: Buffer })[] {
    const out: (RecordKey & { bytes: Buffer })[] = [];
    for (const { key, value } of this.node.range(DbId.Records, this.scanRange(from))) {
      if (out.length >= limit) break;
      out.push({ pageId: key.readUInt32BE(4) as PageId, lsn: readLsn(key, 8), bytes: value });
    }
    return out;
  }

  scanImages(from: RecordKey | undefined, limit: number): (RecordKey & StoredImage)[] {
    const out: (RecordKey & StoredImage)[] = [];
    for (const { key, value } of this.node.range(DbId.Images, this.scanRange(from))) {
      if (out.length >= limit) break;
      const image = decodeImageValue(value);
      out.push({ pageId: key.readUInt32BE(4) as PageId, lsn: readLsn(key, 8), ...image });
    }
    return out;
  }

  private scanRange(from: RecordKey | undefined): RangeOptions {
    const start =
      from === undefined
        ? pageKey(this.group, 0 as PageId, 0 as Lsn)
        : pageKey(this.group, from.pageId, (from.lsn + 1) as Lsn);
    return { start, end: pageKey(this.group + 1, 0 as PageId, 0 as Lsn) };
  }

  usage(): Usage {
    const usage: Usage = { records: 0, recordBytes: 0, images: 0, imageBytes: 0 };
    const range = this.scanRange(undefined);
    for (const { value } of this.node.range(DbId.Records, range)) {
      usage.records++;
      usage.recordBytes += value.length;
    }
    for (const { value } of this.node.range(DbId.Images, range)) {
      usage.images++;
      usage.imageBytes += value.length;
    }
    return usage;
  }

  /**
   * The hot path: each record's key, its index entry and the metadata are written straight into
   * the frame (FrameBuilder), one buffer per call.
   */
  append(records: readonly StoredRecord[], meta: SegmentMeta): Promise<void> {
    const apart = this.apartDue(meta);
    let size = opSize(META_KEY_SIZE, META_SIZE);
    if (apart !== undefined) size += opSize(APART_KEY_SIZE, apart.length);
    for (const { bytes } of records) {
      size += opSize(PAGE_KEY_SIZE, bytes.length) + opSize(INDEX_KEY_SIZE, INDEX_VALUE_SIZE);
    }
    const frame = new FrameBuilder(size);
    const buf = frame.frame;
    for (const { entry, bytes } of records) {
      const at = frame.put(DbId.Records, PAGE_KEY_SIZE, bytes.length);
      writePageKey(buf, at, this.group, entry.pageId, entry.lsn);
      bytes.copy(buf, at + PAGE_KEY_SIZE);
      const index = frame.put(DbId.Index, INDEX_KEY_SIZE, INDEX_VALUE_SIZE);
      writeIndexKey(buf, index, this.group, entry.lsn);
      writeIndexValue(buf, index + INDEX_KEY_SIZE, entry);
    }
    this.putMetaInto(frame, meta, apart);
    return this.node.writeFrame(frame.finish());
  }

  putMeta(meta: SegmentMeta): Promise<void> {
    return this.node.write(this.metaOps(meta));
  }

  /** The image goes straight into the frame: one copy of the 16 KiB page, not two. */
  putPageImage(pageId: PageId, image: PageImage): Promise<void> {
    const frame = new FrameBuilder(opSize(PAGE_KEY_SIZE, 4 + image.bytes.length));
    const at = frame.put(DbId.Images, PAGE_KEY_SIZE, 4 + image.bytes.length);
    writePageKey(frame.frame, at, this.group, pageId, image.lsn);
    writeImageValue(frame.frame, at + PAGE_KEY_SIZE, image.bytes);
    return this.node.writeFrame(frame.finish());
  }

  putRecord(key: RecordKey, bytes: Buffer): Promise<void> {
    const at = pageKey(this.group, key.pageId, key.lsn);
    return this.node.write([{ db: DbId.Records, key: at, value: bytes }]);
  }

  removePageImage(key: RecordKey): Promise<void> {
    const at = pageKey(this.group, key.pageId, key.lsn);
    return this.node.write([{ db: DbId.Images, key: at, value: undefined }]);
  }

  collect(
    afterLsn: Lsn,
    upToLsn: Lsn,
    images: readonly (PageImage & { pageId: PageId })[],
    meta: SegmentMeta,
  ): Promise<void> {
    const ops: Op[] = [];
    const pages = new Set<PageId>();
    for (const entry of [...this.index(afterLsn, upToLsn)]) {
      ops.push(...this.removeRecordOps(entry));
      pages.add(entry.pageId);
    }
    for (const image of images) {
      const key = pageKey(this.group, image.pageId, image.lsn);
      ops.push({ db: DbId.Images, key, value: encodeImageValue(image.bytes) });
      pages.add(image.pageId);
    }
    for (const pageId of pages) {
      const written = images.find((i) => i.pageId === pageId)?.lsn;
      const newest = written ?? this.pageImage(pageId, upToLsn)?.lsn;
      if (newest === undefined) continue;
      const older = this.node.range(DbId.Images, {
        start: pageKey(this.group, pageId, 0 as Lsn),
        end: pageKey(this.group, pageId, newest),
      });
      for (const { key } of [...older]) ops.push({ db: DbId.Images, key, value: undefined });
    }
    ops.push(...this.metaOps(meta));
    return this.node.write(ops);
  }

  /**
   * Point removals only, written straight into one frame: the caller bounds the batch (V2), so
   * no frame, overlay layer or LMDB flush grows with what a truncation gave up. An image is
   * removed only where one exists (no tombstone per record for the overlay to carry).
   */
  purge(entries: readonly IndexEntry[], meta: SegmentMeta): Promise<Usage> {
    const removed: Usage = { records: 0, recordBytes: 0, images: 0, imageBytes: 0 };
    const imageKeys: Buffer[] = [];
    for (const { pageId, lsn } of entries) {
      const key = pageKey(this.group, pageId, lsn);
      const record = this.node.get(DbId.Records, key);
      if (record !== undefined) {
        removed.records++;
        removed.recordBytes += record.length;
      }
      const image = this.node.get(DbId.Images, key);
      if (image === undefined) continue;
      removed.images++;
      removed.imageBytes += image.length;
      imageKeys.push(key);
    }
    const apart = this.apartDue(meta);
    let size = opSize(META_KEY_SIZE, META_SIZE) + imageKeys.length * opSize(PAGE_KEY_SIZE, 0);
    if (apart !== undefined) size += opSize(APART_KEY_SIZE, apart.length);
    size += entries.length * (opSize(PAGE_KEY_SIZE, 0) + opSize(INDEX_KEY_SIZE, 0));
    const frame = new FrameBuilder(size);
    const buf = frame.frame;
    for (const { pageId, lsn } of entries) {
      writePageKey(buf, frame.remove(DbId.Records, PAGE_KEY_SIZE), this.group, pageId, lsn);
      writeIndexKey(buf, frame.remove(DbId.Index, INDEX_KEY_SIZE), this.group, lsn);
    }
    for (const key of imageKeys) key.copy(buf, frame.remove(DbId.Images, PAGE_KEY_SIZE));
    this.putMetaInto(frame, meta, apart);
    return this.node.writeFrame(frame.finish()).then(() => removed);
  }

  /**
   * L3: the encoded history and marks when `meta`'s are not the ones last written (a new epoch,
   * a new mark, fewer marks after a collection), else undefined. Frames reach LMDB in the order
   * they are built (H2), and a crash keeps a prefix of them, so a frame without them finds the
   * last written in place. Noted as written when the frame is built: a frame that fails fails
   * the store (H6).
   */
  private apartDue(meta: SegmentMeta): Buffer | undefined {
    const written = this.node.apartWritten.get(this.group);
    if (meta.history === written?.history && meta.marks === written.marks) return undefined;
    this.node.apartWritten.set(this.group, { history: meta.history, marks: meta.marks });
    if (written !== undefined && sameApart(meta, written)) return undefined;
    return encodeApart(meta);
  }

  private putMetaInto(frame: FrameBuilder, meta: SegmentMeta, apart: Buffer | undefined): void {
    const buf = frame.frame;
    const at = frame.put(DbId.Meta, META_KEY_SIZE, META_SIZE);
    buf.writeUInt32BE(this.group, at);
    writeMeta(buf, at + META_KEY_SIZE, meta);
    if (apart === undefined) return;
    const apartAt = frame.put(DbId.Meta, APART_KEY_SIZE, apart.length);
    this.apartKey.copy(buf, apartAt);
    apart.copy(buf, apartAt + APART_KEY_SIZE);
  }

  private metaOps(meta: SegmentMeta): Op[] {
    const ops: Op[] = [{ db: DbId.Meta, key: this.metaKey, value: encodeMeta(meta) }];
    const apart = this.apartDue(meta);
    if (apart !== undefined) ops.push({ db: DbId.Meta, key: this.apartKey, value: apart });
    return ops;
  }

  private removeRecordOps(entry: IndexEntry): Op[] {
    return [
      { db: DbId.Records, key: pageKey(this.group, entry.pageId, entry.lsn), value: undefined },
      { db: DbId.Index, key: indexKey(this.group, entry.lsn), value: undefined },
    ];
  }
}

const META_KEY_SIZE = 4;
const APART_KEY_SIZE = 5;

function sameApart(a: MetaApart, b: MetaApart): boolean {
  return a.history.length === b.history.length && a.marks.length === b.marks.length &&
    a.history.every((e, i) => e.epoch === b.history[i]?.epoch &&
      e.startLsn === b.history[i]?.startLsn) &&
    a.marks.every((m, i) => m.wallMs === b.marks[i]?.wallMs && m.lsn === b.marks[i]?.lsn);
}
const INDEX_KEY_SIZE = 12;
const PAGE_KEY_SIZE = 16;

function indexKey(group: number, lsn: Lsn): Buffer {
  const key = Buffer.allocUnsafe(INDEX_KEY_SIZE);
  writeIndexKey(key, 0, group, lsn);
  return key;
}

function writeIndexKey(buf: Buffer, at: number, group: number, lsn: Lsn): void {
  buf.writeUInt32BE(group, at);
  writeLsn(buf, at + 4, lsn);
}

function pageKey(group: number, pageId: PageId, lsn: Lsn): Buffer {
  const key = Buffer.allocUnsafe(PAGE_KEY_SIZE);
  writePageKey(key, 0, group, pageId, lsn);
  return key;
}

function writePageKey(buf: Buffer, at: number, group: number, pageId: PageId, lsn: Lsn): void {
  buf.writeUInt32BE(group, at);
  buf.writeUInt32BE(pageId, at + 4);
  writeLsn(buf, at + 8, lsn);
}
