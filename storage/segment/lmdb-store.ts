/**
 * LmdbSegmentStore: a storage node's NodeStore on one LMDB environment. The only importer of
 * 'lmdb' in the project.
 *
 * One environment (directory) per node holds the segments of every protection group the node
 * serves, in four databases. Keys are big-endian so byte order is numeric order (ST3); values
 * are our own bytes (encoding 'binary'), never msgpack'd objects, so we own the on-disk format.
 *
 *   database  key                                   value
 *   records   u32 group, u32 pageId, u64 lsn        the encoded redo record (redo.ts)
 *   index     u32 group, u64 lsn                    u64 prevLsn, u32 pageId, u8 flags (store.ts)
 *   images    u32 group, u32 pageId, u64 lsn        u32 crc32 + a 16 KiB page image
 *   meta      u32 group                             segment metadata (store.ts)
 *   node      UTF-8 name                            node-level values: its id, its membership
 *
 * Durability (ST1): every option is spelled out. A commit syncs the data and the meta page before
 * the write's promise resolves (no noSync, no noMetaSync, no overlappingSync, whose promise would
 * resolve before the flush; mapAsync, absent from the typings, stays at its default, off).
 * Group commit: lmdb-js puts every asynchronous write issued in one event turn into one
 * transaction (eventTurnBatching), so all the appends of one tick, from every segment of the
 * node, share one sync; that same rule makes each store call, whose writes are all issued
 * synchronously, atomic (ST2). storage/bench.ts measures the sharing: many appends from separate
 * turns, while a sync is running, go into the next transaction together.
 */
import { open, type Database, type RootDatabase } from 'lmdb';
import { type Lsn, type PageId, readLsn, writeLsn } from '../lsn.js';
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
  type Usage,
  decodeImageValue,
  decodeIndexValue,
  decodeMeta,
  encodeImageValue,
  encodeIndexValue,
  encodeMeta,
} from './store.js';

type Db = Database<Buffer, Buffer>;

const DB_OPTIONS = {
  encoding: 'binary',
  keyEncoding: 'binary',
  compression: false,
  cache: false,
  useVersions: false,
  dupSort: false,
} as const;

export class LmdbNodeStore implements NodeStore {
  private readonly root: RootDatabase<Buffer, Buffer>;
  readonly records: Db;
  readonly index: Db;
  readonly images: Db;
  readonly meta: Db;
  readonly node: Db;

  constructor(path: string) {
    this.root = open<Buffer, Buffer>({
      path,
      ...DB_OPTIONS,
      maxDbs: 5,
      noSync: false,
      noMetaSync: false,
      overlappingSync: false,
      useWritemap: false,
      eventTurnBatching: true,
      commitDelay: 0,
    });
    this.records = this.root.openDB<Buffer, Buffer>({ name: 'records', ...DB_OPTIONS });
    this.index = this.root.openDB<Buffer, Buffer>({ name: 'index', ...DB_OPTIONS });
    this.images = this.root.openDB<Buffer, Buffer>({ name: 'images', ...DB_OPTIONS });
    this.meta = this.root.openDB<Buffer, Buffer>({ name: 'meta', ...DB_OPTIONS });
    this.node = this.root.openDB<Buffer, Buffer>({ name: 'node', ...DB_OPTIONS });
  }

  nodeValue(key: string): Buffer | undefined {
    return this.node.get(Buffer.from(key, 'utf8'));
  }

  putNodeValue(key: string, value: Buffer): Promise<void> {
    return commit(new Set([this.node.put(Buffer.from(key, 'utf8'), value)]));
  }

  groups(): number[] {
    const out: number[] = [];
    for (const key of this.meta.getKeys({})) out.push(key.readUInt32BE(0));
    return out;
  }

  segment(group: number): SegmentStore {
    return new LmdbSegmentStore(this, group);
  }

  async close(): Promise<void> {
    await this.root.flushed;
    await this.root.close();
  }
}

class LmdbSegmentStore implements SegmentStore {
  private readonly metaKey: Buffer;

  constructor(
    private readonly node: LmdbNodeStore,
    readonly group: number,
  ) {
    this.metaKey = Buffer.alloc(4);
    this.metaKey.writeUInt32BE(group, 0);
  }

  meta(): SegmentMeta | undefined {
    const value = this.node.meta.get(this.metaKey);
    return value === undefined ? undefined : decodeMeta(value);
  }

  *index(afterLsn: Lsn, upToLsn: Lsn): Iterable<IndexEntry> {
    if (upToLsn <= afterLsn) return;
    const range = this.node.index.getRange({
      start: indexKey(this.group, (afterLsn + 1) as Lsn),
      end: indexKey(this.group, upToLsn),
      inclusiveEnd: true,
    });
    for (const { key, value } of range) yield decodeIndexValue(readLsn(key, 4), value);
  }

  indexFloor(lsn: Lsn): IndexEntry | undefined {
    const range = this.node.index.getRange({
      start: indexKey(this.group, lsn),
      end: indexKey(this.group, 0 as Lsn),
      reverse: true,
      limit: 1,
    });
    for (const { key, value } of range) return decodeIndexValue(readLsn(key, 4), value);
    return undefined;
  }

  *pageRecords(pageId: PageId, afterLsn: Lsn, upToLsn: Lsn): Iterable<LsnBytes> {
    if (upToLsn <= afterLsn) return;
    const range = this.node.records.getRange({
      start: pageKey(this.group, pageId, (afterLsn + 1) as Lsn),
      end: pageKey(this.group, pageId, upToLsn),
      inclusiveEnd: true,
    });
    for (const { key, value } of range) yield { lsn: readLsn(key, 8), bytes: value };
  }

  record(pageId: PageId, lsn: Lsn): Buffer | undefined {
    return this.node.records.get(pageKey(this.group, pageId, lsn));
  }

  pageImage(pageId: PageId, atOrBelow: Lsn): StoredImage | undefined {
    const range = this.node.images.getRange({
      start: pageKey(this.group, pageId, atOrBelow),
      end: pageKey(this.group, pageId, 0 as Lsn),
      reverse: true,
      limit: 1,
    });
    for (const { key, value } of range) return { lsn: readLsn(key, 8), ...decodeImageValue(value) };
    return undefined;
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
    const keys = this.node.images.getKeys({
      start: pageKey(this.group, pageId as PageId, 0 as Lsn),
      end: pageKey(this.group + 1, 0 as PageId, 0 as Lsn),
      limit: 1,
    });
    for (const key of keys) return key.readUInt32BE(4);
    return undefined;
  }

  scanRecords(from: RecordKey | undefined, limit: number): (RecordKey & { bytes: Buffer })[] {
    const out: (RecordKey & { bytes: Buffer })[] = [];
    for (const { key, value } of this.node.records.getRange(this.scanRange(from, limit))) {
      out.push({ pageId: key.readUInt32BE(4) as PageId, lsn: readLsn(key, 8), bytes: value });
    }
    return out;
  }

  scanImages(from: RecordKey | undefined, limit: number): (RecordKey & StoredImage)[] {
    const out: (RecordKey & StoredImage)[] = [];
    for (const { key, value } of this.node.images.getRange(this.scanRange(from, limit))) {
      const image = decodeImageValue(value);
      out.push({ pageId: key.readUInt32BE(4) as PageId, lsn: readLsn(key, 8), ...image });
    }
    return out;
  }

  private scanRange(from: RecordKey | undefined, limit: number) {
    const start =
      from === undefined
        ? pageKey(this.group, 0 as PageId, 0 as Lsn)
        : pageKey(this.group, from.pageId, (from.lsn + 1) as Lsn);
    return { start, end: pageKey(this.group + 1, 0 as PageId, 0 as Lsn), limit };
  }

  usage(): Usage {
    const usage: Usage = { records: 0, recordBytes: 0, images: 0, imageBytes: 0 };
    const range = this.scanRange(undefined, Number.MAX_SAFE_INTEGER);
    for (const { value } of this.node.records.getRange(range)) {
      usage.records++;
      usage.recordBytes += value.length;
    }
    for (const { value } of this.node.images.getRange(range)) {
      usage.images++;
      usage.imageBytes += value.length;
    }
    return usage;
  }

  append(records: readonly StoredRecord[], meta: SegmentMeta): Promise<void> {
    const writes = new Set<Promise<boolean>>();
    for (const { entry, bytes } of records) {
      writes.add(this.node.records.put(pageKey(this.group, entry.pageId, entry.lsn), bytes));
      writes.add(this.node.index.put(indexKey(this.group, entry.lsn), encodeIndexValue(entry)));
    }
    writes.add(this.node.meta.put(this.metaKey, encodeMeta(meta)));
    return commit(writes);
  }

  putMeta(meta: SegmentMeta): Promise<void> {
    return commit(new Set([this.node.meta.put(this.metaKey, encodeMeta(meta))]));
  }

  putPageImage(pageId: PageId, image: PageImage): Promise<void> {
    const key = pageKey(this.group, pageId, image.lsn);
    return commit(new Set([this.node.images.put(key, encodeImageValue(image.bytes))]));
  }

  putRecord(key: RecordKey, bytes: Buffer): Promise<void> {
    const at = pageKey(this.group, key.pageId, key.lsn);
    return commit(new Set([this.node.records.put(at, bytes)]));
  }

  removePageImage(key: RecordKey): Promise<void> {
    return commit(new Set([this.node.images.remove(pageKey(this.group, key.pageId, key.lsn))]));
  }

  collect(
    afterLsn: Lsn,
    upToLsn: Lsn,
    images: readonly (PageImage & { pageId: PageId })[],
    meta: SegmentMeta,
  ): Promise<void> {
    const writes = new Set<Promise<boolean>>();
    const pages = new Set<PageId>();
    for (const entry of [...this.index(afterLsn, upToLsn)]) {
      writes.add(this.node.records.remove(pageKey(this.group, entry.pageId, entry.lsn)));
      writes.add(this.node.index.remove(indexKey(this.group, entry.lsn)));
      pages.add(entry.pageId);
    }
    for (const image of images) {
      const key = pageKey(this.group, image.pageId, image.lsn);
      writes.add(this.node.images.put(key, encodeImageValue(image.bytes)));
      pages.add(image.pageId);
    }
    for (const pageId of pages) {
      const written = images.find((i) => i.pageId === pageId)?.lsn;
      const newest = written ?? this.pageImage(pageId, upToLsn)?.lsn;
      if (newest === undefined) continue;
      const older = this.node.images.getKeys({
        start: pageKey(this.group, pageId, 0 as Lsn),
        end: pageKey(this.group, pageId, newest),
      });
      for (const key of [...older]) writes.add(this.node.images.remove(key));
    }
    writes.add(this.node.meta.put(this.metaKey, encodeMeta(meta)));
    return commit(writes);
  }

  truncate(aboveLsn: Lsn, meta: SegmentMeta): Promise<void> {
    const writes = new Set<Promise<boolean>>();
    for (const entry of [...this.index(aboveLsn, Number.MAX_SAFE_INTEGER as Lsn)]) {
      writes.add(this.node.records.remove(pageKey(this.group, entry.pageId, entry.lsn)));
      writes.add(this.node.index.remove(indexKey(this.group, entry.lsn)));
    }
    const imageKeys = this.node.images.getKeys({
      start: pageKey(this.group, 0 as PageId, 0 as Lsn),
      end: pageKey(this.group + 1, 0 as PageId, 0 as Lsn),
    });
    for (const key of [...imageKeys]) {
      if (readLsn(key, 8) > aboveLsn) writes.add(this.node.images.remove(key));
    }
    writes.add(this.node.meta.put(this.metaKey, encodeMeta(meta)));
    return commit(writes);
  }
}

/**
 * The writes of one store call were all issued in this event turn, so lmdb-js put them in one
 * transaction and hands back (nearly always) one shared promise; it resolves once that
 * transaction is committed and synced (ST1, ST2).
 */
async function commit(writes: ReadonlySet<Promise<boolean>>): Promise<void> {
  await Promise.all(writes);
}

function indexKey(group: number, lsn: Lsn): Buffer {
  const key = Buffer.allocUnsafe(12);
  key.writeUInt32BE(group, 0);
  writeLsn(key, 4, lsn);
  return key;
}

function pageKey(group: number, pageId: PageId, lsn: Lsn): Buffer {
  const key = Buffer.allocUnsafe(16);
  key.writeUInt32BE(group, 0);
  key.writeUInt32BE(pageId, 4);
  writeLsn(key, 8, lsn);
  return key;
}
