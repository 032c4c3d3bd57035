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
 *   images    u32 group, u32 pageId, u64 lsn        a 16 KiB page image (coalescing)
 *   meta      u32 group                             segment metadata (store.ts)
 *
 * Durability (ST1): every option is spelled out. A commit syncs the data and the meta page before
 * the write's promise resolves (no noSync, no noMetaSync, no overlappingSync, whose promise would
 * resolve before the flush; mapAsync, absent from the typings, stays at its default, off).
 * Group commit: lmdb-js puts every asynchronous write issued in one event turn into one
 * transaction (eventTurnBatching), so all the appends of one tick, from every segment of the
 * node, share one sync; that same rule makes each store call, whose writes are all issued
 * synchronously, atomic (ST2).
 */
import { open, type Database, type RootDatabase } from 'lmdb';
import { type Lsn, type PageId, readLsn, writeLsn } from '../lsn.js';
import {
  type IndexEntry,
  type NodeStore,
  type PageImage,
  type SegmentMeta,
  type SegmentStore,
  type StoredRecord,
  decodeIndexValue,
  decodeMeta,
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

  constructor(path: string) {
    this.root = open<Buffer, Buffer>({
      path,
      ...DB_OPTIONS,
      maxDbs: 4,
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

  *pageRecords(pageId: PageId, afterLsn: Lsn, upToLsn: Lsn): Iterable<Buffer> {
    if (upToLsn <= afterLsn) return;
    const range = this.node.records.getRange({
      start: pageKey(this.group, pageId, (afterLsn + 1) as Lsn),
      end: pageKey(this.group, pageId, upToLsn),
      inclusiveEnd: true,
    });
    for (const { value } of range) yield value;
  }

  record(pageId: PageId, lsn: Lsn): Buffer | undefined {
    return this.node.records.get(pageKey(this.group, pageId, lsn));
  }

  pageImage(pageId: PageId, atOrBelow: Lsn): PageImage | undefined {
    const range = this.node.images.getRange({
      start: pageKey(this.group, pageId, atOrBelow),
      end: pageKey(this.group, pageId, 0 as Lsn),
      reverse: true,
      limit: 1,
    });
    for (const { key, value } of range) return { lsn: readLsn(key, 8), bytes: value };
    return undefined;
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
    return commit(new Set([this.node.images.put(key, image.bytes)]));
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
