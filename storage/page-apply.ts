/**
 * applyRedo: the one function that turns a redo record into a page change.
 *
 * The writer calls it on its buffer-pool page when it produces a record; segments call it to
 * materialise a page at an LSN; read replicas will call it on their cached pages. Because all of
 * them run this same pure function over the same bytes, a page materialised by storage at LSN L is
 * byte-identical to the writer's page at L (A1).
 *
 * Invariants:
 *   (A1) applyRedo is deterministic: same page bytes + same record → same page bytes.
 *   (A2) records apply in LSN order: record.lsn > pageLsn(page).
 *   (A3) a record fits: the writer checks space (canInsert) before it produces a record, so a
 *        failure here is a bug in the producer, never a condition to handle.
 *   (A4) pageLsn(page) = record.lsn afterwards.
 *
 * Issue 8 (cost): a 'cell-replace' whose new cell is no longer than the old one overwrites it
 * where it is (a shorter one leaves the rest as fragmented bytes), so a same-size UPDATE neither
 * fragments the page nor makes the next insert compact it; a longer one is a delete and an
 * insert. Compaction copies the content area once into a scratch page and places the cells from
 * there, with no allocation per cell. Both depend only on the page's bytes and the record (A1),
 * and keep P1–P3 and freeBytes exactly as a delete and an insert would (the space they leave
 * free is the same; only where the cells lie differs).
 */
import assert from 'node:assert/strict';
import { type Lsn, writeLsn } from './lsn.js';
import {
  CELL_LENGTH_SIZE,
  HEADER_SIZE,
  OFFSET,
  PAGE_SIZE,
  cellCount,
  cellFootprint,
  cellLength,
  cellOffset,
  contentStart,
  fragmentedBytes,
  freeBytes,
  pageLsn,
} from './page.js';
import {
  type CellEdit,
  type CellPatch,
  type CellReplace,
  type PageChange,
  type RedoRecord,
  unreachable,
} from './redo.js';

export function applyRedo(page: Buffer, record: RedoRecord): void {
  assert(record.lsn > pageLsn(page), 'A2: records apply in LSN order');
  applyChange(page, record.change);
  writeLsn(page, OFFSET.pageLsn, record.lsn as Lsn);
}

/**
 * A record's change without its LSN: applyRedo's body, and how the writer adds one more edit to
 * the 'cell-edits' record it is building (log-writer.ts), whose LSN the page already has.
 */
export function applyChange(page: Buffer, change: PageChange): void {
  switch (change.kind) {
    case 'page-init':
      formatPage(page, change.pageType, change.level, change.link0, change.link1);
      break;
    case 'page-load':
      formatPage(page, change.pageType, change.level, change.link0, change.link1);
      for (let i = 0; i < change.cells.length; i++) {
        insertCell(page, i, change.cells[i] ?? Buffer.alloc(0));
      }
      break;
    case 'cell-insert':
      insertCell(page, change.slot, change.cell);
      break;
    case 'cell-replace':
      replaceCell(page, change.slot, change.cell);
      break;
    case 'cell-delete':
      deleteCell(page, change.slot);
      break;
    case 'cell-patch':
      patchCell(page, change);
      break;
    case 'cells-truncate': {
      const n = cellCount(page);
      assert(change.slot <= n, 'cells-truncate past the last slot');
      for (let slot = n - 1; slot >= change.slot; slot--) deleteCell(page, slot);
      break;
    }
    case 'link-set':
      page.writeUInt32BE(change.target, change.which === 0 ? OFFSET.link0 : OFFSET.link1);
      break;
    case 'page-write':
      assert(change.offset >= HEADER_SIZE, 'page-write may not touch the page header');
      change.bytes.copy(page, change.offset);
      break;
    case 'cell-edits':
      for (const edit of change.edits) applyChange(page, edit);
      break;
    default:
      unreachable(change);
  }
}

function formatPage(
  page: Buffer,
  type: number,
  level: number,
  link0: number,
  link1: number,
): void {
  page.fill(0, OFFSET.pageType);
  page[OFFSET.pageType] = type;
  page[OFFSET.level] = level;
  page.writeUInt16BE(PAGE_SIZE, OFFSET.contentStart);
  page.writeUInt32BE(link0, OFFSET.link0);
  page.writeUInt32BE(link1, OFFSET.link1);
}

function insertCell(page: Buffer, slot: number, bytes: Buffer): void {
  const n = cellCount(page);
  assert(slot >= 0 && slot <= n, 'cell-insert slot out of range');
  const need = cellFootprint(bytes.length);
  assert(freeBytes(page) >= need, 'A3: the cell fits the page');
  if (contentStart(page) - (HEADER_SIZE + 2 * n) < need) compact(page);
  const at = contentStart(page) - CELL_LENGTH_SIZE - bytes.length;
  page.writeUInt16BE(bytes.length, at);
  bytes.copy(page, at + CELL_LENGTH_SIZE);
  page.writeUInt16BE(at, OFFSET.contentStart);
  const slotAt = HEADER_SIZE + 2 * slot;
  page.copyWithin(slotAt + 2, slotAt, HEADER_SIZE + 2 * n);
  page.writeUInt16BE(at, slotAt);
  page.writeUInt16BE(n + 1, OFFSET.cellCount);
}

function deleteCell(page: Buffer, slot: number): void {
  const n = cellCount(page);
  assert(slot >= 0 && slot < n, 'cell-delete slot out of range');
  const slotAt = HEADER_SIZE + 2 * slot;
  const at = page.readUInt16BE(slotAt);
  const size = CELL_LENGTH_SIZE + page.readUInt16BE(at);
  page.copyWithin(slotAt, slotAt + 2, HEADER_SIZE + 2 * n);
  page.writeUInt16BE(0, HEADER_SIZE + 2 * (n - 1));
  page.writeUInt16BE(n - 1, OFFSET.cellCount);
  if (at === contentStart(page)) {
    page.fill(0, at, at + size);
    page.writeUInt16BE(at + size, OFFSET.contentStart);
  } else {
    page.writeUInt16BE(fragmentedBytes(page) + size, OFFSET.fragmentedBytes);
  }
}

/**
 * A new cell no longer than the old one takes the old one's place (its unused tail becomes
 * fragmented bytes, zeroed); a longer one is a delete and an insert. Either way freeBytes ends
 * the same (A3 holds for both: the writer checks room as freeBytes + the old cell's footprint).
 */
function replaceCell(page: Buffer, slot: number, bytes: Buffer): void {
  const n = cellCount(page);
  assert(slot >= 0 && slot < n, 'cell-replace slot out of range');
  const at = page.readUInt16BE(HEADER_SIZE + 2 * slot);
  const old = page.readUInt16BE(at);
  if (bytes.length > old) {
    deleteCell(page, slot);
    insertCell(page, slot, bytes);
    return;
  }
  page.writeUInt16BE(bytes.length, at);
  bytes.copy(page, at + CELL_LENGTH_SIZE);
  if (bytes.length === old) return;
  const end = at + CELL_LENGTH_SIZE + old;
  page.fill(0, at + CELL_LENGTH_SIZE + bytes.length, end);
  page.writeUInt16BE(fragmentedBytes(page) + old - bytes.length, OFFSET.fragmentedBytes);
}

/** A3: a patch lies inside its cell, which keeps its length (a same-length replace, P1). */
function patchCell(page: Buffer, patch: CellPatch): void {
  assert(patch.slot >= 0 && patch.slot < cellCount(page), 'cell-patch slot out of range');
  const inside = patch.offset + patch.bytes.length <= cellLength(page, patch.slot);
  assert(inside, 'A3: a cell-patch lies inside its cell');
  patch.bytes.copy(page, cellOffset(page, patch.slot) + patch.offset);
}

/**
 * What the writer ships for `replace` (log-writer.ts): a 'cell-patch' of the bytes from the
 * first that differs to the last, when the new cell is as long as the old and that is smaller
 * than the cell; else `replace` itself. Both leave the page the same (a same-length replace
 * overwrites the cell where it is).
 */
export function cellReplacement(page: Buffer, replace: CellReplace): CellEdit {
  const { slot, cell } = replace;
  if (slot < 0 || slot >= cellCount(page)) return replace; // applyChange refuses it
  const length = cell.length;
  if (cellLength(page, slot) !== length) return replace;
  const at = cellOffset(page, slot);
  let first = 0;
  while (first < length && page[at + first] === cell[first]) first++;
  let end = length;
  while (end > first && page[at + end - 1] === cell[end - 1]) end--;
  // A patch's body is 2 bytes longer than a replace's for the same bytes (its offset).
  if (end - first + PATCH_OFFSET_SIZE >= length) return replace;
  return { kind: 'cell-patch', slot, offset: first, bytes: cell.subarray(first, end) };
}

const PATCH_OFFSET_SIZE = 2;

/** Compaction's copy of the content area (applyRedo is synchronous: one per thread will do). */
const scratch = Buffer.allocUnsafe(PAGE_SIZE);

/**
 * Rewrites the live cells contiguously at the end of the page, in slot order (cell 0 lowest),
 * and zeroes the freed space, so that the result depends only on the live cells (A1). The
 * content area is copied once into `scratch`; cells are placed from there, a run of cells that
 * already lie in slot order next to each other in one copy.
 */
function compact(page: Buffer): void {
  const n = cellCount(page);
  const start = contentStart(page);
  page.copy(scratch, start, start, PAGE_SIZE);
  let end = PAGE_SIZE;
  // The run being gathered: scratch[runFrom, runTo) goes to page[end - (runTo - runFrom), ...).
  let runFrom = PAGE_SIZE;
  let runTo = PAGE_SIZE;
  for (let slot = n - 1; slot >= 0; slot--) {
    const slotAt = HEADER_SIZE + 2 * slot;
    const at = page.readUInt16BE(slotAt);
    const size = CELL_LENGTH_SIZE + scratch.readUInt16BE(at);
    if (at + size !== runFrom) {
      if (runTo > runFrom) scratch.copy(page, end, runFrom, runTo);
      runTo = at + size;
    }
    runFrom = at;
    end -= size;
    page.writeUInt16BE(end, slotAt);
  }
  if (runTo > runFrom) scratch.copy(page, end, runFrom, runTo);
  page.fill(0, HEADER_SIZE + 2 * n, end);
  page.writeUInt16BE(end, OFFSET.contentStart);
  page.writeUInt16BE(0, OFFSET.fragmentedBytes);
}
