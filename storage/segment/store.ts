/**
 * The persistence seam of a storage node: what LmdbSegmentStore and MemorySegmentStore implement.
 *
 * A NodeStore is one node's durable state (one LMDB environment with its hot log in front, or
 * one memory "disk"); it hands out a SegmentStore per protection group. Reads are synchronous
 * (LMDB reads are memory-mapped, the hot log's overlay is in memory); every write is one awaited
 * call that resolves only once the write is synced, and each call is atomic: its records, index
 * entries and metadata are all there after a crash, or none are.
 *
 * Invariants the stores keep:
 *   (ST1) A write resolves only after it is durable; reads see only durable (committed) writes.
 *   (ST2) One write call is atomic.
 *   (ST3) Iteration is in LSN order, ascending.
 * What a store does not know: chains, epochs and SCL are the segment's business (segment.ts);
 * the store keeps bytes under keys.
 *
 * Metadata encoding (big-endian), one value per segment, version 6. The epoch history and the
 * time marks are not in it (n and m are 0): they are a value of their own (encodeApart: u32 n,
 * the history, u32 m, the marks), written only when one of them changes: a new epoch, a mark
 * every retention / 32 (issue 8: the metadata is written with every append, and a day's 32 marks
 * made each one 512 bytes longer, six times over; every epoch 12 bytes more, for good). Older
 * values are still read: version 5 holds both itself, as every version before it does;
 * version 4 lacks the tail run (unknown: recovery lists the chain instead, segment.ts S12),
 * version 3 also the voided range (nothing is voided), version 2 also the usage fields (its
 * segment counts what it holds once, in the background), version 1 also the fields from gcLsn on.
 *   OFFSET SIZE DESCRIPTION
 *   0      1    format version (5)
 *   1      8    scl: a chain tail that is persisted (a lower bound; load scans above it)
 *   9      8    vdlHint: highest VDL a writer has reported
 *   17     4    sealedEpoch
 *   21     4    appliedEpoch
 *   ..            (n and m below are 0 from version 6 on: the history and marks are apart)
 *   25     4    n: history entries
 *   29     12n  history: (u32 epoch, u64 startLsn) each
 *   ..     8    gcLsn: records at or below it are folded into page images and deleted
 *   ..     8    gcTail: the group's last record at or below gcLsn (the chain below the index)
 *   ..     8    lastScrubMs: wall-clock time of the last complete scrub (0 = never)
 *   ..     4    corruptFound: bad copies the scrub (or a read) has found, ever
 *   ..     4    repairs: bad copies replaced by a good one from a peer, ever
 *   ..     4    m: time marks
 *   ..     16m  marks: (u64 wallMs, u64 lsn): records <= lsn had arrived by wallMs (retention)
 *   ..     1    usageKnown: 1 if the four counts below are what the store holds (usage.ts U4)
 *   ..     8    records          } the segment's usage, as of the store write that carried
 *   ..     8    recordBytes      } this value; all 0 when usageKnown is 0
 *   ..     8    images           }
 *   ..     8    imageBytes       }
 *   ..     1    voidedKnown: 1 if a truncation's voided range is still being purged
 *   ..     8    voided.after     } records above `after`, up to `upTo`, are void: a truncation
 *   ..     8    voided.upTo      } for a new epoch gave them up (segment.ts V1); 0 when none
 *   ..     1    tailRunKnown: 1 if the chain's tail run below is known (chain.ts CH4)
 *   ..     8    tailRun.start    } every LSN in start..scl is a record of the chain, and cpl
 *   ..     8    tailRun.cpl      } the highest CPL of them (0: none); 0 when not known
 *
 * Page images are stored as (u32 BE crc32 of the page, the 16 KiB page), so a scrub can tell a
 * bad image from a good one; records carry their own crc (redo.ts).
 */
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { LSN_NONE, type Lsn, type PageId, readLsn, writeLsn } from '../lsn.js';
import type { EpochStart } from '../messages.js';
import type { SyncMode } from './hot-log.js';

/** What the store keeps per record besides its bytes: enough to rebuild the chain. */
export interface IndexEntry {
  readonly lsn: Lsn;
  readonly prevLsn: Lsn;
  readonly pageId: PageId;
  readonly cpl: boolean;
}

/** A record's bytes under the LSN its key says it has (the bytes may say otherwise if bad). */
export interface LsnBytes {
  readonly lsn: Lsn;
  readonly bytes: Buffer;
}

export interface StoredRecord {
  readonly entry: IndexEntry;
  readonly bytes: Buffer;
}

/** Records with lsn <= `lsn` had all arrived by wall-clock time `wallMs`. */
export interface TimeMark {
  readonly wallMs: number;
  readonly lsn: Lsn;
}

export interface SegmentMeta {
  readonly scl: Lsn;
  readonly vdlHint: Lsn;
  readonly sealedEpoch: number;
  readonly appliedEpoch: number;
  readonly history: readonly EpochStart[];
  readonly gcLsn: Lsn;
  readonly gcTail: Lsn;
  readonly lastScrubMs: number;
  readonly corruptFound: number;
  readonly repairs: number;
  readonly marks: readonly TimeMark[];
  /**
   * What the store holds once this metadata is written with its write, or undefined: not known
   * (usage.ts U4–U6: a reader of undefined counts the store itself).
   */
  readonly usage: Readonly<Usage> | undefined;
  /**
   * Keys with after < lsn <= upTo are void (a truncation for a new epoch gave them up) and are
   * being purged, or undefined: nothing is (segment.ts V1–V4).
   */
  readonly voided: Voided | undefined;
  /** CH4 (chain.ts): the run of the chain that ends at `scl`, or undefined: not known. */
  readonly tailRun: TailRun | undefined;
}

/** chain.ts CH4: every LSN in start..scl is a record of the chain; cpl the highest CPL of them. */
export interface TailRun {
  readonly start: Lsn;
  readonly cpl: Lsn;
}

/** A range of LSNs whose keys a truncation voided; after < upTo. */
export interface Voided {
  readonly after: Lsn;
  readonly upTo: Lsn;
}

/** What a new segment's metadata holds besides what the caller sets. */
export const META_DEFAULTS = {
  gcLsn: LSN_NONE,
  gcTail: LSN_NONE,
  lastScrubMs: 0,
  corruptFound: 0,
  repairs: 0,
  marks: [],
  usage: undefined,
  voided: undefined,
  tailRun: undefined,
} as const satisfies Partial<SegmentMeta>;

export interface PageImage {
  readonly lsn: Lsn;
  readonly bytes: Buffer;
}

/** A page image as read back: `intact` is false when its crc fails. */
export interface StoredImage extends PageImage {
  readonly intact: boolean;
}

export interface RecordKey {
  readonly pageId: PageId;
  readonly lsn: Lsn;
}

export interface Usage {
  records: number;
  recordBytes: number;
  images: number;
  imageBytes: number;
}

export interface SegmentStore {
  readonly group: number;
  meta(): SegmentMeta | undefined;
  /** Index entries with afterLsn < lsn <= upToLsn, ascending (ST3). */
  index(afterLsn: Lsn, upToLsn: Lsn): Iterable<IndexEntry>;
  /** The index entry with the highest lsn <= lsn. */
  indexFloor(lsn: Lsn): IndexEntry | undefined;
  /** The index entry at exactly lsn (a point read: cheaper than a floor, which is a range). */
  indexEntry(lsn: Lsn): IndexEntry | undefined;
  /** Encoded records of one page with afterLsn < lsn <= upToLsn, ascending (ST3). */
  pageRecords(pageId: PageId, afterLsn: Lsn, upToLsn: Lsn): Iterable<LsnBytes>;
  /** One record's bytes. */
  record(pageId: PageId, lsn: Lsn): Buffer | undefined;
  /** The page image with the highest lsn <= atOrBelow. */
  pageImage(pageId: PageId, atOrBelow: Lsn): StoredImage | undefined;
  /** The page image at exactly lsn (a point read). */
  pageImageAt(pageId: PageId, lsn: Lsn): StoredImage | undefined;
  /**
   * Per page with id >= fromPageId, ascending, its image with the highest lsn <= atOrBelow, until
   * about bytesMax; `next` is the page id to continue from, or -1 when there are no more.
   */
  latestImages(
    fromPageId: number,
    atOrBelow: Lsn,
    bytesMax: number,
  ): { images: (PageImage & { pageId: PageId })[]; next: number };
  /** Up to `limit` records after `from` (exclusive) in (pageId, lsn) order: the scrub's walk. */
  scanRecords(from: RecordKey | undefined, limit: number): (RecordKey & { bytes: Buffer })[];
  /** Up to `limit` page images after `from` (exclusive) in (pageId, lsn) order. */
  scanImages(from: RecordKey | undefined, limit: number): (RecordKey & StoredImage)[];
  /** What the segment holds, counted by a full scan (observability; run once per load). */
  usage(): Usage;
  /** Records, their index entries and the metadata, in one durable write (ST1, ST2). */
  append(records: readonly StoredRecord[], meta: SegmentMeta): Promise<void>;
  putMeta(meta: SegmentMeta): Promise<void>;
  putPageImage(pageId: PageId, image: PageImage): Promise<void>;
  /** Overwrites one record's bytes with a good copy (scrub repair). */
  putRecord(key: RecordKey, bytes: Buffer): Promise<void>;
  removePageImage(key: RecordKey): Promise<void>;
  /**
   * Deletes these records (keys (pageId, lsn)), their index entries and any page image at one
   * of their keys, and writes meta, in one durable write (ST2); resolves to what it deleted
   * (counted as usage() counts, at call time). A truncation's purge (segment.ts V2): bounded
   * batches, so no write grows with what a crash left behind.
   */
  purge(entries: readonly IndexEntry[], meta: SegmentMeta): Promise<Usage>;
  /**
   * Garbage collection, in one durable write (ST2): writes `images`, deletes the records and
   * index entries with afterLsn < lsn <= upToLsn, and every image of a page older than that
   * page's newest image at or below upToLsn; writes meta.
   */
  collect(
    afterLsn: Lsn,
    upToLsn: Lsn,
    images: readonly (PageImage & { pageId: PageId })[],
    meta: SegmentMeta,
  ): Promise<void>;
}

export interface NodeStore {
  /** Protection groups that have persisted metadata on this node, ascending. */
  groups(): number[];
  segment(group: number): SegmentStore;
  /** Node-level values (its id, its membership), by name. */
  nodeValue(key: string): Buffer | undefined;
  putNodeValue(key: string, value: Buffer): Promise<void>;
  close(): Promise<void>;
  /** How an append is made durable (hot-log.ts; none for memory stores), for the log. */
  readonly syncMode?: SyncMode;
}

const META_VERSION = 6;
/** The first version whose epoch history and time marks are a value of their own (encodeApart). */
export const META_APART = 6;
const META_FIXED_SIZE = 29;
const HISTORY_ENTRY_SIZE = 12;
const META_TAIL_SIZE = 36;
const MARK_SIZE = 16;
const USAGE_SIZE = 33;
const VOIDED_SIZE = 17;
const TAIL_RUN_SIZE = 17;
/** The length of encodeMeta(meta): the same for every metadata (version 6). */
export const META_SIZE =
  META_FIXED_SIZE + META_TAIL_SIZE + USAGE_SIZE + VOIDED_SIZE + TAIL_RUN_SIZE;

export function encodeMeta(meta: SegmentMeta): Buffer {
  const buf = Buffer.allocUnsafe(META_SIZE);
  writeMeta(buf, 0, meta);
  return buf;
}

/** What version 6 keeps apart from the metadata: the fields that change seldom. */
export interface MetaApart {
  readonly history: readonly EpochStart[];
  readonly marks: readonly TimeMark[];
}

/** The history and marks as a value of their own (META_APART): u32 n, history, u32 m, marks. */
export function encodeApart(apart: MetaApart): Buffer {
  const { history, marks } = apart;
  const marksAt = 4 + HISTORY_ENTRY_SIZE * history.length;
  const buf = Buffer.allocUnsafe(marksAt + 4 + MARK_SIZE * marks.length);
  buf.writeUInt32BE(history.length, 0);
  history.forEach((entry, i) => {
    buf.writeUInt32BE(entry.epoch, 4 + HISTORY_ENTRY_SIZE * i);
    writeLsn(buf, 8 + HISTORY_ENTRY_SIZE * i, entry.startLsn);
  });
  buf.writeUInt32BE(marks.length, marksAt);
  marks.forEach((mark, i) => {
    writeLsn(buf, marksAt + 4 + MARK_SIZE * i, mark.wallMs as Lsn);
    writeLsn(buf, marksAt + 12 + MARK_SIZE * i, mark.lsn);
  });
  return buf;
}

export function decodeApart(buf: Buffer): MetaApart {
  const n = buf.readUInt32BE(0);
  const marksAt = 4 + HISTORY_ENTRY_SIZE * n;
  const m = buf.readUInt32BE(marksAt);
  assert.equal(buf.length, marksAt + 4 + MARK_SIZE * m, 'segment metadata apart: length');
  return { history: readHistory(buf, 4, n), marks: readMarks(buf, marksAt + 4, m) };
}

function readHistory(buf: Buffer, at: number, n: number): EpochStart[] {
  const history: EpochStart[] = [];
  for (let i = 0, p = at; i < n; i++, p += HISTORY_ENTRY_SIZE) {
    history.push({ epoch: buf.readUInt32BE(p), startLsn: readLsn(buf, p + 4) });
  }
  return history;
}

function readMarks(buf: Buffer, at: number, m: number): TimeMark[] {
  const marks: TimeMark[] = [];
  for (let i = 0, p = at; i < m; i++, p += MARK_SIZE) {
    marks.push({ wallMs: readLsn(buf, p), lsn: readLsn(buf, p + 8) });
  }
  return marks;
}

/** encodeMeta(meta), written into `buf` at `start` (META_SIZE bytes; a frame's value). */
export function writeMeta(buf: Buffer, start: number, meta: SegmentMeta): void {
  const end = start + META_SIZE;
  buf[start] = META_VERSION;
  writeLsn(buf, start + 1, meta.scl);
  writeLsn(buf, start + 9, meta.vdlHint);
  buf.writeUInt32BE(meta.sealedEpoch, start + 17);
  buf.writeUInt32BE(meta.appliedEpoch, start + 21);
  buf.writeUInt32BE(0, start + 25); // the history is apart (encodeApart)
  let at = start + META_FIXED_SIZE;
  writeLsn(buf, at, meta.gcLsn);
  writeLsn(buf, at + 8, meta.gcTail);
  writeLsn(buf, at + 16, meta.lastScrubMs as Lsn);
  buf.writeUInt32BE(meta.corruptFound, at + 24);
  buf.writeUInt32BE(meta.repairs, at + 28);
  buf.writeUInt32BE(0, at + 32); // the marks are apart (encodeApart)
  at += META_TAIL_SIZE;
  const usage = meta.usage;
  if (usage !== undefined) {
    assert(usageIsSane(usage), 'U4: usage counts are whole and not negative');
    buf[at] = 1;
    writeLsn(buf, at + 1, usage.records as Lsn);
    writeLsn(buf, at + 9, usage.recordBytes as Lsn);
    writeLsn(buf, at + 17, usage.images as Lsn);
    writeLsn(buf, at + 25, usage.imageBytes as Lsn);
  } else {
    buf.fill(0, at, at + USAGE_SIZE); // usageKnown 0, and zero counts
  }
  at += USAGE_SIZE;
  const voided = meta.voided;
  if (voided !== undefined) {
    assert(voided.after < voided.upTo, 'V1: a voided range is not empty');
    buf[at] = 1;
    writeLsn(buf, at + 1, voided.after);
    writeLsn(buf, at + 9, voided.upTo);
  } else {
    buf.fill(0, at, at + VOIDED_SIZE);
  }
  at += VOIDED_SIZE;
  const run = meta.tailRun;
  if (run !== undefined) {
    buf[at] = 1;
    writeLsn(buf, at + 1, run.start);
    writeLsn(buf, at + 9, run.cpl);
  } else {
    buf.fill(0, at, at + TAIL_RUN_SIZE);
  }
  at += TAIL_RUN_SIZE;
  assert.equal(at, end, 'encodeMeta: every byte written');
}

/** Counts that can be what a store holds: whole, not negative, no bytes without an item. */
export function usageIsSane(u: Readonly<Usage>): boolean {
  const values = [u.records, u.recordBytes, u.images, u.imageBytes];
  if (!values.every((v) => Number.isSafeInteger(v) && v >= 0)) return false;
  return (u.records > 0 || u.recordBytes === 0) && (u.images > 0 || u.imageBytes === 0);
}

/** The metadata in `buf`; from version 6 on, its history and marks are empty (apart). */
export function decodeMeta(buf: Buffer): SegmentMeta {
  const version = buf[0];
  assert(version !== undefined && version >= 1 && version <= META_VERSION, 'metadata version');
  const n = buf.readUInt32BE(25);
  const history = readHistory(buf, META_FIXED_SIZE, n);
  let at = META_FIXED_SIZE + HISTORY_ENTRY_SIZE * n;
  const head = {
    scl: readLsn(buf, 1),
    vdlHint: readLsn(buf, 9),
    sealedEpoch: buf.readUInt32BE(17),
    appliedEpoch: buf.readUInt32BE(21),
    history,
  };
  if (version === 1) {
    assert.equal(buf.length, at, 'segment metadata length');
    return { ...head, ...META_DEFAULTS };
  }
  const usageSize = version >= 3 ? USAGE_SIZE : 0;
  const voidedSize = version >= 4 ? VOIDED_SIZE : 0;
  const runSize = version >= 5 ? TAIL_RUN_SIZE : 0;
  const m = buf.readUInt32BE(at + 32);
  const marksEnd = at + META_TAIL_SIZE + MARK_SIZE * m;
  const voidedAt = marksEnd + usageSize;
  const length = voidedAt + voidedSize + runSize;
  assert.equal(buf.length, length, 'segment metadata length');
  assert(version < META_APART || (n === 0 && m === 0), 'segment metadata: history, marks apart');
  const marks = readMarks(buf, at + META_TAIL_SIZE, m);
  return {
    ...head,
    gcLsn: readLsn(buf, at),
    gcTail: readLsn(buf, at + 8),
    lastScrubMs: readLsn(buf, at + 16),
    corruptFound: buf.readUInt32BE(at + 24),
    repairs: buf.readUInt32BE(at + 28),
    marks,
    usage: usageSize === 0 ? undefined : decodeUsage(buf, marksEnd),
    voided: voidedSize === 0 ? undefined : decodeVoided(buf, voidedAt),
    tailRun: runSize === 0 ? undefined : decodeTailRun(buf, voidedAt + voidedSize),
  };
}

function decodeTailRun(buf: Buffer, at: number): TailRun | undefined {
  const flag = buf[at];
  assert(flag === 0 || flag === 1, 'segment metadata: tailRunKnown is 0 or 1');
  if (flag === 0) return undefined;
  return { start: readLsn(buf, at + 1), cpl: readLsn(buf, at + 9) };
}

function decodeVoided(buf: Buffer, at: number): Voided | undefined {
  const flag = buf[at];
  assert(flag === 0 || flag === 1, 'segment metadata: voidedKnown is 0 or 1');
  if (flag === 0) return undefined;
  const voided = { after: readLsn(buf, at + 1), upTo: readLsn(buf, at + 9) };
  assert(voided.after < voided.upTo, 'V1: a stored voided range is not empty');
  return voided;
}

function decodeUsage(buf: Buffer, at: number): Usage | undefined {
  const flag = buf[at];
  assert(flag === 0 || flag === 1, 'segment metadata: usageKnown is 0 or 1');
  if (flag === 0) return undefined;
  const usage = {
    records: readLsn(buf, at + 1),
    recordBytes: readLsn(buf, at + 9),
    images: readLsn(buf, at + 17),
    imageBytes: readLsn(buf, at + 25),
  };
  assert(usageIsSane(usage), 'U4: stored usage counts are whole and not negative');
  return usage;
}

/** A stored page image: u32 BE crc32, then the page. */
export function encodeImageValue(page: Buffer): Buffer {
  const value = Buffer.allocUnsafe(4 + page.length);
  writeImageValue(value, 0, page);
  return value;
}

/** encodeImageValue(page), written into `buf` at `at` (4 + page.length bytes). */
export function writeImageValue(buf: Buffer, at: number, page: Buffer): void {
  buf.writeUInt32BE(crc32(page), at);
  page.copy(buf, at + 4);
}

export function decodeImageValue(value: Buffer): { bytes: Buffer; intact: boolean } {
  if (value.length < 4) return { bytes: Buffer.alloc(0), intact: false };
  const bytes = value.subarray(4);
  return { bytes, intact: value.readUInt32BE(0) === crc32(bytes) };
}

/** Index entry value: u64 prevLsn, u32 pageId, u8 flags (bit 0: CPL). */
export const INDEX_VALUE_SIZE = 13;

export function encodeIndexValue(entry: IndexEntry): Buffer {
  const buf = Buffer.allocUnsafe(INDEX_VALUE_SIZE);
  writeIndexValue(buf, 0, entry);
  return buf;
}

/** encodeIndexValue(entry), written into `buf` at `at` (INDEX_VALUE_SIZE bytes). */
export function writeIndexValue(buf: Buffer, at: number, entry: IndexEntry): void {
  writeLsn(buf, at, entry.prevLsn);
  buf.writeUInt32BE(entry.pageId, at + 8);
  buf[at + 12] = entry.cpl ? 1 : 0;
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
