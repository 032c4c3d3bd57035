/**
 * MemorySegmentStore: the in-memory NodeStore, for tests and the simulator.
 *
 * A MemoryDisk is what survives a crash: the test keeps it and opens a new MemoryNodeStore over
 * it to "restart" the node. Writes are staged and become durable together a tick later (the
 * "sync", through the Clock's defer), so every write issued in one tick shares one sync, as with
 * LMDB. `crash()` drops every staged write that has not been synced yet and rejects its promise.
 * `failWrites(n)` makes the next n write calls fail, to exercise the segment's sticky error.
 * `MemoryDisk.corrupt…` flips a byte of a stored record or image, as a bad disk sector would, for
 * the scrub to find.
 *
 * Byte buffers are copied on the way in and out, as a disk would, so no caller can change what is
 * stored by mutating a buffer it passed or received.
 */
import assert from 'node:assert/strict';
import type { Clock } from '../clock.js';
import type { Lsn, PageId } from '../lsn.js';
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
  encodeImageValue,
} from './store.js';

interface Versioned<T> {
  readonly lsn: Lsn;
  readonly value: T;
}

/** Sorted by lsn; mostly appended at the end. */
type SortedList<T> = Versioned<T>[];

interface GroupDisk {
  meta: SegmentMeta | undefined;
  readonly index: SortedList<IndexEntry>;
  readonly records: Map<PageId, SortedList<Buffer>>;
  readonly images: Map<PageId, SortedList<Buffer>>;
}

/** The durable state of one node. */
export class MemoryDisk {
  readonly groups = new Map<number, GroupDisk>();
  readonly nodeValues = new Map<string, Buffer>();

  /** Flips one byte of a stored record; false if there is no such record. */
  corruptRecord(group: number, key: RecordKey, byteIndex: number): boolean {
    return flip(this.groups.get(group)?.records.get(key.pageId), key.lsn, byteIndex);
  }

  /** Flips one byte of a stored page image (past its crc); false if there is none. */
  corruptImage(group: number, key: RecordKey, byteIndex: number): boolean {
    return flip(this.groups.get(group)?.images.get(key.pageId), key.lsn, 4 + byteIndex);
  }

  group(group: number): GroupDisk {
    let disk = this.groups.get(group);
    if (disk === undefined) {
      disk = { meta: undefined, index: [], records: new Map(), images: new Map() };
      this.groups.set(group, disk);
    }
    return disk;
  }
}

type StagedWrite = (disk: MemoryDisk) => void;

interface Pending {
  readonly apply: StagedWrite;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class MemoryNodeStore implements NodeStore {
  private staged: Pending[] = [];
  private syncScheduled = false;
  private closed = false;
  private failuresLeft = 0;

  /**
   * `syncDelayMs`: how long a sync takes (the simulator's disk latency); 0 syncs at the next
   * defer. Writes staged meanwhile join the same sync, and a crash before it loses them.
   */
  constructor(
    readonly disk: MemoryDisk,
    private readonly clock: Clock,
    private readonly syncDelayMs = 0,
  ) {}

  groups(): number[] {
    const out: number[] = [];
    for (const [group, g] of this.disk.groups) if (g.meta !== undefined) out.push(group);
    return out.sort((a, b) => a - b);
  }

  segment(group: number): SegmentStore {
    return new MemorySegmentStore(this, group);
  }

  nodeValue(key: string): Buffer | undefined {
    const value = this.disk.nodeValues.get(key);
    return value === undefined ? undefined : Buffer.from(value);
  }

  putNodeValue(key: string, value: Buffer): Promise<void> {
    const copy = Buffer.from(value);
    return this.write((disk) => disk.nodeValues.set(key, copy));
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  /** Loses every write not yet synced, as a power cut would. */
  crash(): void {
    const lost = this.staged;
    this.staged = [];
    this.closed = true;
    for (const p of lost) p.reject(new Error('memory store crashed before sync'));
  }

  /** The next `count` write calls fail (and are not applied). */
  failWrites(count: number): void {
    this.failuresLeft = count;
  }

  /** Stages a write; it becomes durable at the next sync, with every other write of this tick. */
  write(apply: StagedWrite): Promise<void> {
    if (this.closed) return Promise.reject(new Error('memory store is closed'));
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      return Promise.reject(new Error('injected store failure'));
    }
    return new Promise((resolve, reject) => {
      this.staged.push({ apply, resolve, reject });
      if (!this.syncScheduled) {
        this.syncScheduled = true;
        if (this.syncDelayMs > 0) this.clock.setTimer(() => this.sync(), this.syncDelayMs);
        else this.clock.defer(() => this.sync());
      }
    });
  }

  private sync(): void {
    this.syncScheduled = false;
    if (this.closed) return;
    const batch = this.staged;
    this.staged = [];
    for (const p of batch) p.apply(this.disk);
    for (const p of batch) p.resolve();
  }

  private flush(): Promise<void> {
    if (this.staged.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.clock.defer(() => resolve(this.flush())));
  }
}

class MemorySegmentStore implements SegmentStore {
  constructor(
    private readonly node: MemoryNodeStore,
    readonly group: number,
  ) {}

  private get g(): GroupDisk {
    return this.node.disk.group(this.group);
  }

  meta(): SegmentMeta | undefined {
    return this.g.meta;
  }

  *index(afterLsn: Lsn, upToLsn: Lsn): Iterable<IndexEntry> {
    const list = this.g.index;
    for (let i = upperBound(list, afterLsn); i < list.length; i++) {
      const item = list[i];
      if (item === undefined || item.lsn > upToLsn) return;
      yield item.value;
    }
  }

  indexFloor(lsn: Lsn): IndexEntry | undefined {
    const list = this.g.index;
    return list[upperBound(list, lsn) - 1]?.value;
  }

  indexEntry(lsn: Lsn): IndexEntry | undefined {
    const entry = this.indexFloor(lsn);
    return entry?.lsn === lsn ? entry : undefined;
  }

  *pageRecords(pageId: PageId, afterLsn: Lsn, upToLsn: Lsn): Iterable<LsnBytes> {
    const list = this.g.records.get(pageId) ?? [];
    for (let i = upperBound(list, afterLsn); i < list.length; i++) {
      const item = list[i];
      if (item === undefined || item.lsn > upToLsn) return;
      yield { lsn: item.lsn, bytes: Buffer.from(item.value) };
    }
  }

  record(pageId: PageId, lsn: Lsn): Buffer | undefined {
    const list = this.g.records.get(pageId) ?? [];
    const item = list[upperBound(list, lsn) - 1];
    return item !== undefined && item.lsn === lsn ? Buffer.from(item.value) : undefined;
  }

  pageImage(pageId: PageId, atOrBelow: Lsn): StoredImage | undefined {
    const list = this.g.images.get(pageId) ?? [];
    const item = list[upperBound(list, atOrBelow) - 1];
    if (item === undefined) return undefined;
    const { bytes, intact } = decodeImageValue(item.value);
    return { lsn: item.lsn, bytes: Buffer.from(bytes), intact };
  }

  pageImageAt(pageId: PageId, lsn: Lsn): StoredImage | undefined {
    const image = this.pageImage(pageId, lsn);
    return image?.lsn === lsn ? image : undefined;
  }

  latestImages(
    fromPageId: number,
    atOrBelow: Lsn,
    bytesMax: number,
  ): { images: (PageImage & { pageId: PageId })[]; next: number } {
    const pages = [...this.g.images.keys()].filter((p) => p >= fromPageId).sort((a, b) => a - b);
    const images: (PageImage & { pageId: PageId })[] = [];
    let bytes = 0;
    for (const pageId of pages) {
      if (images.length > 0 && bytes >= bytesMax) return { images, next: pageId };
      const image = this.pageImage(pageId, atOrBelow);
      if (image === undefined || !image.intact) continue;
      images.push({ pageId, lsn: image.lsn, bytes: image.bytes });
      bytes += image.bytes.length;
    }
    return { images, next: -1 };
  }

  scanRecords(from: RecordKey | undefined, limit: number): (RecordKey & { bytes: Buffer })[] {
    return scan(this.g.records, from, limit).map((e) => ({ ...e, bytes: Buffer.from(e.value) }));
  }

  scanImages(from: RecordKey | undefined, limit: number): (RecordKey & StoredImage)[] {
    return scan(this.g.images, from, limit).map((e) => {
      const { bytes, intact } = decodeImageValue(e.value);
      return { pageId: e.pageId, lsn: e.lsn, bytes: Buffer.from(bytes), intact };
    });
  }

  usage(): Usage {
    const usage: Usage = { records: 0, recordBytes: 0, images: 0, imageBytes: 0 };
    for (const list of this.g.records.values()) {
      for (const item of list) {
        usage.records++;
        usage.recordBytes += item.value.length;
      }
    }
    for (const list of this.g.images.values()) {
      usage.images += list.length;
      for (const item of list) usage.imageBytes += item.value.length;
    }
    return usage;
  }

  append(records: readonly StoredRecord[], meta: SegmentMeta): Promise<void> {
    const copies = records.map((r) => ({ entry: r.entry, bytes: Buffer.from(r.bytes) }));
    const group = this.group;
    return this.node.write((disk) => {
      const g = disk.group(group);
      for (const r of copies) {
        put(g.index, r.entry.lsn, r.entry);
        put(listOf(g.records, r.entry.pageId), r.entry.lsn, r.bytes);
      }
      g.meta = meta;
    });
  }

  putMeta(meta: SegmentMeta): Promise<void> {
    const group = this.group;
    return this.node.write((disk) => {
      disk.group(group).meta = meta;
    });
  }

  putPageImage(pageId: PageId, image: PageImage): Promise<void> {
    const value = encodeImageValue(image.bytes);
    const group = this.group;
    return this.node.write((disk) => {
      put(listOf(disk.group(group).images, pageId), image.lsn, value);
    });
  }

  putRecord(key: RecordKey, bytes: Buffer): Promise<void> {
    const copy = Buffer.from(bytes);
    const group = this.group;
    return this.node.write((disk) => {
      put(listOf(disk.group(group).records, key.pageId), key.lsn, copy);
    });
  }

  removePageImage(key: RecordKey): Promise<void> {
    const group = this.group;
    return this.node.write((disk) => {
      const list = disk.group(group).images.get(key.pageId) ?? [];
      const at = upperBound(list, key.lsn) - 1;
      if (list[at]?.lsn === key.lsn) list.splice(at, 1);
    });
  }

  collect(
    afterLsn: Lsn,
    upToLsn: Lsn,
    images: readonly (PageImage & { pageId: PageId })[],
    meta: SegmentMeta,
  ): Promise<void> {
    const values = images.map((i) => ({ ...i, value: encodeImageValue(i.bytes) }));
    const group = this.group;
    return this.node.write((disk) => {
      const g = disk.group(group);
      const pages = new Set<PageId>();
      const from = upperBound(g.index, afterLsn);
      const to = upperBound(g.index, upToLsn);
      for (const { value: entry } of g.index.splice(from, to - from)) {
        const list = g.records.get(entry.pageId) ?? [];
        const at = upperBound(list, entry.lsn) - 1;
        if (list[at]?.lsn === entry.lsn) list.splice(at, 1);
        pages.add(entry.pageId);
      }
      for (const image of values) {
        put(listOf(g.images, image.pageId), image.lsn, image.value);
        pages.add(image.pageId);
      }
      for (const pageId of pages) {
        const list = g.images.get(pageId) ?? [];
        const newest = upperBound(list, upToLsn) - 1;
        if (newest > 0) list.splice(0, newest);
      }
      g.meta = meta;
    });
  }

  purge(entries: readonly IndexEntry[], meta: SegmentMeta): Promise<Usage> {
    const removed: Usage = { records: 0, recordBytes: 0, images: 0, imageBytes: 0 };
    const g = this.g;
    for (const { pageId, lsn } of entries) {
      const record = find(g.records.get(pageId), lsn);
      if (record !== undefined) {
        removed.records++;
        removed.recordBytes += record.length;
      }
      const image = find(g.images.get(pageId), lsn);
      if (image === undefined) continue;
      removed.images++;
      removed.imageBytes += image.length;
    }
    const keys = entries.map((e) => ({ pageId: e.pageId, lsn: e.lsn }));
    const group = this.group;
    const write = this.node.write((disk) => {
      const d = disk.group(group);
      for (const { pageId, lsn } of keys) {
        remove(d.index, lsn);
        remove(d.records.get(pageId), lsn);
        remove(d.images.get(pageId), lsn);
      }
      d.meta = meta;
    });
    return write.then(() => removed);
  }
}

/** The value at exactly lsn, if any. */
function find<T>(list: SortedList<T> | undefined, lsn: Lsn): T | undefined {
  const item = list?.[upperBound(list, lsn) - 1];
  return item !== undefined && item.lsn === lsn ? item.value : undefined;
}

/** Removes the item at exactly lsn, if any. */
function remove<T>(list: SortedList<T> | undefined, lsn: Lsn): void {
  if (list === undefined) return;
  const at = upperBound(list, lsn) - 1;
  if (list[at]?.lsn === lsn) list.splice(at, 1);
}

function listOf<T>(map: Map<PageId, SortedList<T>>, pageId: PageId): SortedList<T> {
  let list = map.get(pageId);
  if (list === undefined) {
    list = [];
    map.set(pageId, list);
  }
  return list;
}

/** Index of the first item with lsn > target. */
function upperBound<T>(list: SortedList<T>, target: Lsn): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid]?.lsn ?? 0) <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts or overwrites the item at lsn, keeping the list sorted. */
function put<T>(list: SortedList<T>, lsn: Lsn, value: T): void {
  const at = upperBound(list, lsn);
  const before = list[at - 1];
  if (before !== undefined && before.lsn === lsn) {
    list[at - 1] = { lsn, value };
    return;
  }
  list.splice(at, 0, { lsn, value });
  assert(at === 0 || (list[at - 1]?.lsn ?? 0) < lsn, 'ST3: sorted by lsn');
}

function scan(
  map: Map<PageId, SortedList<Buffer>>,
  from: RecordKey | undefined,
  limit: number,
): (RecordKey & { value: Buffer })[] {
  const out: (RecordKey & { value: Buffer })[] = [];
  const pages = [...map.keys()].filter((p) => from === undefined || p >= from.pageId);
  for (const pageId of pages.sort((a, b) => a - b)) {
    const list = map.get(pageId) ?? [];
    const start = from !== undefined && pageId === from.pageId ? upperBound(list, from.lsn) : 0;
    for (let i = start; i < list.length && out.length < limit; i++) {
      const item = list[i];
      if (item !== undefined) out.push({ pageId, lsn: item.lsn, value: item.value });
    }
    if (out.length >= limit) break;
  }
  return out;
}

function flip(list: SortedList<Buffer> | undefined, lsn: Lsn, byteIndex: number): boolean {
  const item = list?.[upperBound(list, lsn) - 1];
  if (item === undefined || item.lsn !== lsn || byteIndex >= item.value.length) return false;
  item.value[byteIndex] = (item.value[byteIndex] ?? 0) ^ 0xff;
  return true;
}
