/**
 * The persistence seam of a storage node: what LmdbSegmentStore and MemorySegmentStore implement.
 *
 * A NodeStore is one node's durable state (one LMDB environment, or one memory "disk"); it hands
 * out a SegmentStore per protection group. Reads are synchronous (LMDB reads are memory-mapped);
 * every write is one awaited call that resolves only once the write is synced, and each call is
 * atomic: its records, index entries and metadata are all there after a crash, or none are.
 *
 * Invariants the stores keep:
 *   (ST1) A write resolves only after it is durable; reads see only durable (committed) writes.
 *   (ST2) One write call is atomic.
 *   (ST3) Iteration is in LSN order, ascending.
 * What a store does not know: chains, epochs and SCL are the segment's business (segment.ts);
 * the store keeps bytes under keys.
 *
 * Metadata encoding (big-endian), one value per segment:
 *   OFFSET SIZE DESCRIPTION
 *   0      1    format version (1)
 *   1      8    scl: a chain tail that is persisted (a lower bound; load scans above it)
 *   9      8    vdlHint: highest VDL a writer has reported
 *   17     4    sealedEpoch
 *   21     4    appliedEpoch
 *   25     4    n: history entries
 *   29     12n  history: (u32 epoch, u64 startLsn) each
 */
import assert from 'node:assert/strict';
import { type Lsn, type PageId, readLsn, writeLsn } from '../lsn.js';
import type { EpochStart } from '../messages.js';

/** What the store keeps per record besides its bytes: enough to rebuild the chain. */
export interface IndexEntry {
  readonly lsn: Lsn;
  readonly prevLsn: Lsn;
  readonly pageId: PageId;
  readonly cpl: boolean;
}

export interface StoredRecord {
  readonly entry: IndexEntry;
  readonly bytes: Buffer;
}

export interface SegmentMeta {
  readonly scl: Lsn;
  readonly vdlHint: Lsn;
  readonly sealedEpoch: number;
  readonly appliedEpoch: number;
  readonly history: readonly EpochStart[];
}

export interface PageImage {
  readonly lsn: Lsn;
  readonly bytes: Buffer;
}

export interface SegmentStore {
  readonly group: number;
  meta(): SegmentMeta | undefined;
  /** Index entries with afterLsn < lsn <= upToLsn, ascending (ST3). */
  index(afterLsn: Lsn, upToLsn: Lsn): Iterable<IndexEntry>;
  /** The index entry with the highest lsn <= lsn. */
  indexFloor(lsn: Lsn): IndexEntry | undefined;
  /** Encoded records of one page with afterLsn < lsn <= upToLsn, ascending (ST3). */
  pageRecords(pageId: PageId, afterLsn: Lsn, upToLsn: Lsn): Iterable<Buffer>;
  /** One record's bytes. */
  record(pageId: PageId, lsn: Lsn): Buffer | undefined;
  /** The page image with the highest lsn <= atOrBelow. */
  pageImage(pageId: PageId, atOrBelow: Lsn): PageImage | undefined;
  /** Records, their index entries and the metadata, in one durable write (ST1, ST2). */
  append(records: readonly StoredRecord[], meta: SegmentMeta): Promise<void>;
  putMeta(meta: SegmentMeta): Promise<void>;
  putPageImage(pageId: PageId, image: PageImage): Promise<void>;
  /** Deletes every record, index entry and page image above aboveLsn; writes meta (ST2). */
  truncate(aboveLsn: Lsn, meta: SegmentMeta): Promise<void>;
}

export interface NodeStore {
  /** Protection groups that have persisted metadata on this node, ascending. */
  groups(): number[];
  segment(group: number): SegmentStore;
  close(): Promise<void>;
}

const META_VERSION = 1;
const META_FIXED_SIZE = 29;
const HISTORY_ENTRY_SIZE = 12;

export function encodeMeta(meta: SegmentMeta): Buffer {
  const buf = Buffer.alloc(META_FIXED_SIZE + HISTORY_ENTRY_SIZE * meta.history.length);
  buf[0] = META_VERSION;
  writeLsn(buf, 1, meta.scl);
  writeLsn(buf, 9, meta.vdlHint);
  buf.writeUInt32BE(meta.sealedEpoch, 17);
  buf.writeUInt32BE(meta.appliedEpoch, 21);
  buf.writeUInt32BE(meta.history.length, 25);
  let at = META_FIXED_SIZE;
  for (const entry of meta.history) {
    buf.writeUInt32BE(entry.epoch, at);
    writeLsn(buf, at + 4, entry.startLsn);
    at += HISTORY_ENTRY_SIZE;
  }
  return buf;
}

export function decodeMeta(buf: Buffer): SegmentMeta {
  assert.equal(buf[0], META_VERSION, 'segment metadata version');
  const n = buf.readUInt32BE(25);
  assert.equal(buf.length, META_FIXED_SIZE + HISTORY_ENTRY_SIZE * n, 'segment metadata length');
  const history: EpochStart[] = [];
  for (let i = 0, at = META_FIXED_SIZE; i < n; i++, at += HISTORY_ENTRY_SIZE) {
    history.push({ epoch: buf.readUInt32BE(at), startLsn: readLsn(buf, at + 4) });
  }
  return {
    scl: readLsn(buf, 1),
    vdlHint: readLsn(buf, 9),
    sealedEpoch: buf.readUInt32BE(17),
    appliedEpoch: buf.readUInt32BE(21),
    history,
  };
}

/** Index entry value: u64 prevLsn, u32 pageId, u8 flags (bit 0: CPL). */
export const INDEX_VALUE_SIZE = 13;

export function encodeIndexValue(entry: IndexEntry): Buffer {
  const buf = Buffer.alloc(INDEX_VALUE_SIZE);
  writeLsn(buf, 0, entry.prevLsn);
  buf.writeUInt32BE(entry.pageId, 8);
  buf[12] = entry.cpl ? 1 : 0;
  return buf;
}

export function decodeIndexValue(lsn: Lsn, buf: Buffer): IndexEntry {
  assert.equal(buf.length, INDEX_VALUE_SIZE, 'index entry length');
  return {
    lsn,
    prevLsn: readLsn(buf, 0),
    pageId: buf.readUInt32BE(8) as PageId,
    cpl: buf[12] === 1,
  };
}
