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
  contentStart,
  fragmentedBytes,
  freeBytes,
  pageLsn,
} from './page.js';
import { type RedoRecord, unreachable } from './redo.js';

export function applyRedo(page: Buffer, record: RedoRecord): void {
  assert(record.lsn > pageLsn(page), 'A2: records apply in LSN order');
  const change = record.change;
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
      deleteCell(page, change.slot);
      insertCell(page, change.slot, change.cell);
      break;
    case 'cell-delete':
      deleteCell(page, change.slot);
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
    default:
      unreachable(change);
  }
  writeLsn(page, OFFSET.pageLsn, record.lsn as Lsn);
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
 * Rewrites the live cells contiguously at the end of the page, in slot order, and zeroes the
 * freed space, so that the result depends only on the live cells (A1).
 */
function compact(page: Buffer): void {
  const n = cellCount(page);
  const cells: Buffer[] = [];
  for (let slot = 0; slot < n; slot++) {
    const at = page.readUInt16BE(HEADER_SIZE + 2 * slot);
    const size = CELL_LENGTH_SIZE + page.readUInt16BE(at);
    cells.push(Buffer.from(page.subarray(at, at + size)));
  }
  let end = PAGE_SIZE;
  for (let slot = n - 1; slot >= 0; slot--) {
    const c = cells[slot] ?? Buffer.alloc(0);
    end -= c.length;
    c.copy(page, end);
  }
  // Re-place slots so slot order and content order agree: cell 0 lowest.
  let at = end;
  for (let slot = 0; slot < n; slot++) {
    page.writeUInt16BE(at, HEADER_SIZE + 2 * slot);
    at += (cells[slot] ?? Buffer.alloc(0)).length;
  }
  page.fill(0, HEADER_SIZE + 2 * n, end);
  page.writeUInt16BE(end, OFFSET.contentStart);
  page.writeUInt16BE(0, OFFSET.fragmentedBytes);
}
