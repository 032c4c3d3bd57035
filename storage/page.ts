/**
 * The page format: every page of a Borealis volume is a 16 KiB slotted page.
 *
 * Storage owns this format because storage materialises pages: `applyRedo` (page-apply.ts) turns
 * a record into a change of these bytes, on the writer and on every segment alike. The engine
 * builds its B-tree out of cells (opaque byte strings kept in slot order) and never writes page
 * bytes itself; it only reads them through the accessors below.
 *
 *   OFFSET SIZE DESCRIPTION
 *   0      8    pageLsn: LSN of the last redo record applied to the page (u64 BE)
 *   8      1    pageType (PAGE_TYPE): 0 means never formatted
 *   9      1    level: B-tree level, 0 for leaves
 *   10     2    cellCount n (u16 BE)
 *   12     2    contentStart: lowest byte of the cell content area (PAGE_SIZE when empty)
 *   14     2    fragmentedBytes: bytes of dead cells inside the content area
 *   16     4    link0 (leaf: right sibling; internal: leftmost child; 0 = none)
 *   20     4    link1 (leaf: left sibling; 0 = none)
 *   24     8    reserved, zero
 *   32     2n   slot array: the offset of each cell, in the order the engine keeps them
 *   ...         free space
 *   contentStart .. PAGE_SIZE-1: cells, each [u16 BE length][length bytes], growing downward
 *
 * Invariants (asserted by checkPage):
 *   (P1) HEADER_SIZE + 2n <= contentStart <= PAGE_SIZE
 *   (P2) every slot points at a cell that lies wholly inside [contentStart, PAGE_SIZE)
 *   (P3) the live cells plus fragmentedBytes fill [contentStart, PAGE_SIZE) exactly
 *
 * The volume header (page 0) uses only pageLsn and pageType; its body is written with
 * `page-write` records and is the engine's business.
 */
import assert from 'node:assert/strict';
import { type Lsn, type PageId, readLsn } from './lsn.js';

export const PAGE_SIZE = 16_384;
export const HEADER_SIZE = 32;
export const CELL_LENGTH_SIZE = 2;
/** A cell may not exceed this, so that any cell fits a page that is otherwise empty. */
export const CELL_SIZE_MAX = PAGE_SIZE - HEADER_SIZE - 2 - CELL_LENGTH_SIZE;

export const PAGE_TYPE = {
  unformatted: 0,
  volumeHeader: 1,
  btreeLeaf: 2,
  btreeInternal: 3,
  /** A page on the free list: link0 is the next free page. */
  free: 4,
  /** A piece of a long value: one cell of its bytes; link0 is the next piece (0 = the last). */
  overflow: 5,
} as const satisfies Record<string, number>;
export type PageType = (typeof PAGE_TYPE)[keyof typeof PAGE_TYPE];

export const OFFSET = {
  pageLsn: 0,
  pageType: 8,
  level: 9,
  cellCount: 10,
  contentStart: 12,
  fragmentedBytes: 14,
  link0: 16,
  link1: 20,
} as const;

export function newPage(): Buffer {
  return Buffer.alloc(PAGE_SIZE);
}

export function pageLsn(page: Buffer): Lsn {
  return readLsn(page, OFFSET.pageLsn);
}

export function pageType(page: Buffer): number {
  return page[OFFSET.pageType] ?? 0;
}

export function pageLevel(page: Buffer): number {
  return page[OFFSET.level] ?? 0;
}

export function cellCount(page: Buffer): number {
  return page.readUInt16BE(OFFSET.cellCount);
}

export function contentStart(page: Buffer): number {
  return page.readUInt16BE(OFFSET.contentStart);
}

export function fragmentedBytes(page: Buffer): number {
  return page.readUInt16BE(OFFSET.fragmentedBytes);
}

export function link(page: Buffer, which: 0 | 1): PageId {
  return page.readUInt32BE(which === 0 ? OFFSET.link0 : OFFSET.link1) as PageId;
}

/** Offset of the cell's bytes (after its length prefix). */
export function cellOffset(page: Buffer, slot: number): number {
  return page.readUInt16BE(HEADER_SIZE + 2 * slot) + CELL_LENGTH_SIZE;
}

export function cellLength(page: Buffer, slot: number): number {
  return page.readUInt16BE(page.readUInt16BE(HEADER_SIZE + 2 * slot));
}

/** The cell's bytes as a view into the page: copy before keeping it past the next page change. */
export function cell(page: Buffer, slot: number): Buffer {
  const at = page.readUInt16BE(HEADER_SIZE + 2 * slot);
  const length = page.readUInt16BE(at);
  return page.subarray(at + CELL_LENGTH_SIZE, at + CELL_LENGTH_SIZE + length);
}

/** Bytes available for new cells and their slots, counting space that compaction would free. */
export function freeBytes(page: Buffer): number {
  return contentStart(page) - (HEADER_SIZE + 2 * cellCount(page)) + fragmentedBytes(page);
}

/** Space one more cell of `length` bytes takes: its slot, its length prefix and its bytes. */
export function cellFootprint(length: number): number {
  return 2 + CELL_LENGTH_SIZE + length;
}

export function canInsert(page: Buffer, length: number): boolean {
  return freeBytes(page) >= cellFootprint(length);
}

/** Bytes the live cells of a page use, slots included: the complement of freeBytes. */
export function usedBytes(page: Buffer): number {
  return PAGE_SIZE - HEADER_SIZE - freeBytes(page);
}

/** Asserts P1–P3. For tests and integrity checks, not the hot path. */
export function checkPage(page: Buffer, id: PageId): void {
  assert.equal(page.length, PAGE_SIZE, `page ${id}: size`);
  const n = cellCount(page);
  const start = contentStart(page);
  assert(HEADER_SIZE + 2 * n <= start && start <= PAGE_SIZE, `page ${id}: P1`);
  let live = 0;
  for (let slot = 0; slot < n; slot++) {
    const at = page.readUInt16BE(HEADER_SIZE + 2 * slot);
    assert(at >= start && at + CELL_LENGTH_SIZE <= PAGE_SIZE, `page ${id}: P2 slot ${slot}`);
    const length = page.readUInt16BE(at);
    assert(at + CELL_LENGTH_SIZE + length <= PAGE_SIZE, `page ${id}: P2 slot ${slot} length`);
    live += CELL_LENGTH_SIZE + length;
  }
  assert.equal(live + fragmentedBytes(page), PAGE_SIZE - start, `page ${id}: P3`);
}
