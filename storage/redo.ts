/**
 * Redo records: the only thing the writer ever sends to storage.
 *
 * A record changes one page. The writer applies it to its buffer-pool page with `applyRedo`
 * (page-apply.ts) and ships the encoded bytes; segments persist the bytes and later apply the same
 * function to materialise pages. Records are physiological: they name a slot of the slotted page
 * (page.ts), not a byte range, so an insert into a leaf costs the cell's bytes plus 36, not a page.
 *
 * Encoding (all integers big-endian):
 *
 *   OFFSET SIZE DESCRIPTION
 *   0      4    crc32 (zlib.crc32) of bytes 4 .. length-1
 *   4      4    length of the whole record in bytes
 *   8      8    lsn
 *   16     8    prevLsn: backlink to the previous record of the same protection group (0 = none)
 *   24     4    pageId
 *   28     4    epoch of the writer that produced it (segments refuse older epochs)
 *   32     1    kind (REDO_KIND)
 *   33     1    flags: bit 0 = CPL, the last record of a mini-transaction
 *   34     ..   body, by kind:
 *     page-init       u8 pageType, u8 level, u32 link0, u32 link1
 *     page-load       as page-init, then u16 count, then count × (u16 length, bytes)
 *     cell-insert     u16 slot, then the cell's bytes (to the end of the record)
 *     cell-replace    u16 slot, then the cell's bytes
 *     cell-delete     u16 slot
 *     cells-truncate  u16 slot: delete every cell from that slot to the end
 *     link-set        u8 which (0 or 1), u32 page id
 *     page-write      u16 offset, then bytes to write there (to the end of the record)
 *     cell-edits      u16 count, then count edits, applied in order, each u8 kind (cell-insert,
 *                     cell-replace, cell-delete or cell-patch), u16 slot, and for an insert or a
 *                     replace u16 length and the cell's bytes, for a patch u16 offset, u16
 *                     length and the bytes: a mini-transaction's consecutive cell changes to one
 *                     page as one record (issue 8: an UPDATE of an indexed column deletes and
 *                     inserts an entry in one leaf; a 200-row INSERT fills a leaf; each change
 *                     as its own record cost storage a record's keys six times)
 *     cell-patch      u16 slot, u16 offset, then bytes written over the cell from that offset
 *                     (to the end of the record); the cell keeps its length. What the writer
 *                     ships for a replace by a cell of the same length when the bytes that
 *                     differ are fewer than the cell's (page-apply.ts cellReplacement; issue 8:
 *                     UPDATE k=k+1 shipped the whole row for four bytes)
 *
 * The crc is checked on decode; a record whose crc fails is never applied (StorageError upstream).
 *
 * Invariant:
 *   (R1) a record list is "checked" (recordListChecked) only if every record in it was found
 *        intact (redoIsIntact) by checkRecordList, after which the list is frozen; its records
 *        are then views of memory that nothing writes (the storage worker's transferred batch,
 *        worker/batch.ts WB2), so a segment given that same list object need not check them
 *        again: the six segments in the storage worker share one list, received once, and
 *        check it once (issue 8). A list that arrives any other way (over the network, from a
 *        peer by gossip or repair, from the store) is a different object, and is checked.
 */
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { type Lsn, type PageId, readLsn, writeLsn } from './lsn.js';
import { CELL_SIZE_MAX, PAGE_SIZE, type PageType } from './page.js';

export const REDO_HEADER_SIZE = 34;
export const REDO_FLAG_CPL = 1;

export const REDO_KIND = {
  'page-init': 1,
  'page-load': 2,
  'cell-insert': 3,
  'cell-replace': 4,
  'cell-delete': 5,
  'cells-truncate': 6,
  'link-set': 7,
  'page-write': 8,
  'cell-edits': 9,
  'cell-patch': 10,
} as const satisfies Record<string, number>;
export type RedoKind = keyof typeof REDO_KIND;

/** A change to one cell of a page: what a 'cell-edits' record holds a sequence of. */
export type CellEdit =
  | { readonly kind: 'cell-insert'; readonly slot: number; readonly cell: Buffer }
  | CellReplace
  | { readonly kind: 'cell-delete'; readonly slot: number }
  | CellPatch;

export interface CellReplace {
  readonly kind: 'cell-replace';
  readonly slot: number;
  readonly cell: Buffer;
}

/** Bytes written over a cell at `offset`, its length unchanged (redo.ts: 'cell-patch'). */
export interface CellPatch {
  readonly kind: 'cell-patch';
  readonly slot: number;
  readonly offset: number;
  readonly bytes: Buffer;
}

/** The largest body a 'cell-edits' record is given: a page's worth of edits. */
export const CELL_EDITS_BYTES_MAX = PAGE_SIZE;

/** What the engine asks for: a page change, before the log writer gives it an LSN. */
export type PageChange =
  | {
      readonly kind: 'page-init';
      readonly pageType: PageType;
      readonly level: number;
      readonly link0: PageId;
      readonly link1: PageId;
    }
  | {
      readonly kind: 'page-load';
      readonly pageType: PageType;
      readonly level: number;
      readonly link0: PageId;
      readonly link1: PageId;
      readonly cells: readonly Buffer[];
    }
  | CellEdit
  | { readonly kind: 'cell-edits'; readonly edits: readonly CellEdit[] }
  | { readonly kind: 'cells-truncate'; readonly slot: number }
  | { readonly kind: 'link-set'; readonly which: 0 | 1; readonly target: PageId }
  | { readonly kind: 'page-write'; readonly offset: number; readonly bytes: Buffer };

export interface RedoHeader {
  readonly lsn: Lsn;
  readonly prevLsn: Lsn;
  readonly pageId: PageId;
  readonly epoch: number;
  /** True on the last record of a mini-transaction: a consistency point (CPL). */
  readonly cpl: boolean;
}

export type RedoRecord = RedoHeader & { readonly change: PageChange };

function bodySize(change: PageChange): number {
  switch (change.kind) {
    case 'page-init':
      return 10;
    case 'page-load': {
      let size = 12;
      for (const c of change.cells) size += 2 + c.length;
      return size;
    }
    case 'cell-insert':
    case 'cell-replace':
      return 2 + change.cell.length;
    case 'cell-delete':
    case 'cells-truncate':
      return 2;
    case 'link-set':
      return 5;
    case 'page-write':
      return 2 + change.bytes.length;
    case 'cell-edits': {
      let size = 2;
      for (const edit of change.edits) size += cellEditSize(edit);
      return size;
    }
    case 'cell-patch':
      return 4 + change.bytes.length;
    default:
      return unreachable(change);
  }
}

/** One edit's bytes in a 'cell-edits' body. */
export function cellEditSize(edit: CellEdit): number {
  switch (edit.kind) {
    case 'cell-delete':
      return 3;
    case 'cell-patch':
      return 7 + edit.bytes.length;
    default:
      return 5 + edit.cell.length;
  }
}

export function encodeRedo(record: RedoRecord): Buffer {
  const change = record.change;
  const length = REDO_HEADER_SIZE + bodySize(change);
  const buf = Buffer.allocUnsafe(length);
  buf.writeUInt32BE(length, 4);
  writeLsn(buf, 8, record.lsn);
  writeLsn(buf, 16, record.prevLsn);
  buf.writeUInt32BE(record.pageId, 24);
  buf.writeUInt32BE(record.epoch, 28);
  buf[32] = REDO_KIND[change.kind];
  buf[33] = record.cpl ? REDO_FLAG_CPL : 0;
  let at = REDO_HEADER_SIZE;
  switch (change.kind) {
    case 'page-init':
    case 'page-load':
      buf[at] = change.pageType;
      buf[at + 1] = change.level;
      buf.writeUInt32BE(change.link0, at + 2);
      buf.writeUInt32BE(change.link1, at + 6);
      at += 10;
      if (change.kind === 'page-load') {
        buf.writeUInt16BE(change.cells.length, at);
        at += 2;
        for (const c of change.cells) {
          assert(c.length <= CELL_SIZE_MAX, 'cell too large');
          buf.writeUInt16BE(c.length, at);
          c.copy(buf, at + 2);
          at += 2 + c.length;
        }
      }
      break;
    case 'cell-insert':
    case 'cell-replace':
      assert(change.cell.length <= CELL_SIZE_MAX, 'cell too large');
      buf.writeUInt16BE(change.slot, at);
      change.cell.copy(buf, at + 2);
      at += 2 + change.cell.length;
      break;
    case 'cell-delete':
    case 'cells-truncate':
      buf.writeUInt16BE(change.slot, at);
      at += 2;
      break;
    case 'link-set':
      buf[at] = change.which;
      buf.writeUInt32BE(change.target, at + 1);
      at += 5;
      break;
    case 'page-write':
      assert(change.offset + change.bytes.length <= PAGE_SIZE, 'page-write past the page');
      buf.writeUInt16BE(change.offset, at);
      change.bytes.copy(buf, at + 2);
      at += 2 + change.bytes.length;
      break;
    case 'cell-edits':
      buf.writeUInt16BE(change.edits.length, at);
      at += 2;
      for (const edit of change.edits) {
        buf[at] = REDO_KIND[edit.kind];
        buf.writeUInt16BE(edit.slot, at + 1);
        at += 3;
        if (edit.kind === 'cell-delete') continue;
        if (edit.kind === 'cell-patch') {
          at = writePatch(buf, at, edit, true);
          continue;
        }
        assert(edit.cell.length <= CELL_SIZE_MAX, 'cell too large');
        buf.writeUInt16BE(edit.cell.length, at);
        edit.cell.copy(buf, at + 2);
        at += 2 + edit.cell.length;
      }
      break;
    case 'cell-patch':
      buf.writeUInt16BE(change.slot, at);
      at = writePatch(buf, at + 2, change, false);
      break;
    default:
      unreachable(change);
  }
  assert.equal(at, length, 'encodeRedo: every byte written');
  buf.writeUInt32BE(crc32(buf.subarray(4)), 0);
  return buf;
}

/** A patch's u16 offset, its u16 length inside 'cell-edits' (`counted`), then its bytes. */
function writePatch(buf: Buffer, at: number, patch: CellPatch, counted: boolean): number {
  assert(patch.offset + patch.bytes.length <= CELL_SIZE_MAX, 'cell-patch past any cell');
  buf.writeUInt16BE(patch.offset, at);
  at += 2;
  if (counted) {
    buf.writeUInt16BE(patch.bytes.length, at);
    at += 2;
  }
  patch.bytes.copy(buf, at);
  return at + patch.bytes.length;
}

/** Checks an encoded record's length field and crc without decoding its body. */
export function redoIsIntact(bytes: Buffer): boolean {
  if (bytes.length < REDO_HEADER_SIZE) return false;
  if (bytes.readUInt32BE(4) !== bytes.length) return false;
  return bytes.readUInt32BE(0) === crc32(bytes.subarray(4));
}

/** R1: the lists checkRecordList found whole. Weak: a list goes when its request does. */
const checkedLists = new WeakSet<readonly Buffer[]>();

/**
 * R1: checks every record of a list once (length and crc); if all are intact, freezes the list
 * and marks it checked. Only for lists whose bytes nothing writes afterwards (WB2).
 */
export function checkRecordList(records: Buffer[]): boolean {
  for (const bytes of records) if (!redoIsIntact(bytes)) return false;
  checkedLists.add(Object.freeze(records));
  return true;
}

/** R1: true if checkRecordList found every record of this very list intact. */
export function recordListChecked(records: readonly Buffer[]): boolean {
  return checkedLists.has(records);
}

// The header's fields at their offsets (the table above), read in one place for the three
// decoders below, which each build one object literal of fixed shape (no spread: hot paths).
const redoLsn = (bytes: Buffer): Lsn => readLsn(bytes, 8);
const redoPrevLsn = (bytes: Buffer): Lsn => readLsn(bytes, 16);
const redoPageId = (bytes: Buffer): PageId => bytes.readUInt32BE(24) as PageId;
const redoEpoch = (bytes: Buffer): number => bytes.readUInt32BE(28);
const redoCpl = (bytes: Buffer): boolean => ((bytes[33] ?? 0) & REDO_FLAG_CPL) !== 0;

/** Header fields straight from encoded bytes: what a segment needs to index a record. */
export function decodeRedoHeader(bytes: Buffer): RedoHeader {
  return {
    lsn: redoLsn(bytes),
    prevLsn: redoPrevLsn(bytes),
    pageId: redoPageId(bytes),
    epoch: redoEpoch(bytes),
    cpl: redoCpl(bytes),
  };
}

/**
 * What a segment's index keeps of a record, straight from its bytes: one object of fixed shape
 * (decodeRedoHeader's without the epoch), made once per record and kept as the index entry.
 */
export function redoIndexEntry(
  bytes: Buffer,
): Pick<RedoHeader, 'lsn' | 'prevLsn' | 'pageId' | 'cpl'> {
  return {
    lsn: redoLsn(bytes),
    prevLsn: redoPrevLsn(bytes),
    pageId: redoPageId(bytes),
    cpl: redoCpl(bytes),
  };
}

/** Decodes and verifies a record; throws RedoCorruption when the bytes are not one. */
export function decodeRedo(bytes: Buffer): RedoRecord {
  if (!redoIsIntact(bytes)) throw new RedoCorruption('crc or length mismatch');
  return decodeIntactRedo(bytes);
}

/**
 * Decodes a record the caller has just found intact (redoIsIntact), without a second crc: a
 * segment materialising a page checks each stored record once (issue 8: the crc of every record
 * was computed twice per read). Throws RedoCorruption on a body that is not a record's.
 */
export function decodeIntactRedo(bytes: Buffer): RedoRecord {
  // One object literal of fixed shape, no spread: this runs for every record a read applies.
  return {
    lsn: redoLsn(bytes),
    prevLsn: redoPrevLsn(bytes),
    pageId: redoPageId(bytes),
    epoch: redoEpoch(bytes),
    cpl: redoCpl(bytes),
    change: decodeChange(bytes),
  };
}

function decodeChange(bytes: Buffer): PageChange {
  const kind = bytes[32];
  const at = REDO_HEADER_SIZE;
  const u16 = (o: number): number => bytes.readUInt16BE(o);
  switch (kind) {
    case REDO_KIND['page-init']:
    case REDO_KIND['page-load']: {
      const pageType = (bytes[at] ?? 0) as PageType;
      const level = bytes[at + 1] ?? 0;
      const link0 = bytes.readUInt32BE(at + 2) as PageId;
      const link1 = bytes.readUInt32BE(at + 6) as PageId;
      if (kind === REDO_KIND['page-init']) {
        return { kind: 'page-init', pageType, level, link0, link1 };
      }
      const count = u16(at + 10);
      const cells: Buffer[] = [];
      let p = at + 12;
      for (let i = 0; i < count; i++) {
        const length = u16(p);
        cells.push(bytes.subarray(p + 2, p + 2 + length));
        p += 2 + length;
      }
      if (p !== bytes.length) throw new RedoCorruption('page-load cells overrun the record');
      return { kind: 'page-load', pageType, level, link0, link1, cells };
    }
    case REDO_KIND['cell-insert']:
      return { kind: 'cell-insert', slot: u16(at), cell: bytes.subarray(at + 2) };
    case REDO_KIND['cell-replace']:
      return { kind: 'cell-replace', slot: u16(at), cell: bytes.subarray(at + 2) };
    case REDO_KIND['cell-delete']:
      return { kind: 'cell-delete', slot: u16(at) };
    case REDO_KIND['cells-truncate']:
      return { kind: 'cells-truncate', slot: u16(at) };
    case REDO_KIND['link-set']: {
      const which = bytes[at] === 1 ? 1 : 0;
      return { kind: 'link-set', which, target: bytes.readUInt32BE(at + 1) as PageId };
    }
    case REDO_KIND['page-write']:
      return { kind: 'page-write', offset: u16(at), bytes: bytes.subarray(at + 2) };
    case REDO_KIND['cell-edits']:
      return { kind: 'cell-edits', edits: decodeCellEdits(bytes, at) };
    case REDO_KIND['cell-patch']:
      if (at + 4 > bytes.length) throw new RedoCorruption('cell-patch shorter than its header');
      return {
        kind: 'cell-patch', slot: u16(at), offset: u16(at + 2), bytes: bytes.subarray(at + 4),
      };
    default:
      throw new RedoCorruption(`unknown redo kind ${kind}`);
  }
}

function decodeCellEdits(bytes: Buffer, at: number): CellEdit[] {
  const count = bytes.readUInt16BE(at);
  const edits: CellEdit[] = [];
  let p = at + 2;
  for (let i = 0; i < count; i++) {
    if (p + 3 > bytes.length) throw new RedoCorruption('cell-edits overrun the record');
    const kind = bytes[p];
    const slot = bytes.readUInt16BE(p + 1);
    p += 3;
    if (kind === REDO_KIND['cell-delete']) {
      edits.push({ kind: 'cell-delete', slot });
      continue;
    }
    if (kind === REDO_KIND['cell-patch']) {
      const data = sizedBytes(bytes, p + 2); // u16 offset, then u16 length and the bytes
      edits.push({ kind: 'cell-patch', slot, offset: bytes.readUInt16BE(p), bytes: data });
      p += 4 + data.length;
      continue;
    }
    if (kind !== REDO_KIND['cell-insert'] && kind !== REDO_KIND['cell-replace']) {
      throw new RedoCorruption(`unknown cell edit kind ${kind}`);
    }
    const cell = sizedBytes(bytes, p);
    p += 2 + cell.length;
    edits.push(kind === REDO_KIND['cell-insert']
      ? { kind: 'cell-insert', slot, cell }
      : { kind: 'cell-replace', slot, cell });
  }
  if (p !== bytes.length) throw new RedoCorruption('cell-edits overrun the record');
  return edits;
}

/** The u16 length at `at` and the bytes after it, which must lie inside the 'cell-edits' record. */
function sizedBytes(bytes: Buffer, at: number): Buffer {
  const end = at + 2 > bytes.length ? Infinity : at + 2 + bytes.readUInt16BE(at);
  if (end > bytes.length) throw new RedoCorruption('cell-edits overrun the record');
  return bytes.subarray(at + 2, end);
}

export class RedoCorruption extends Error {
  override readonly name = 'RedoCorruption';
}

export function unreachable(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
