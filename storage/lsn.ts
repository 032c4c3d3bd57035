/**
 * Log sequence numbers and page ids: the two coordinates of everything storage knows.
 *
 * An LSN numbers redo records: the writer gives each record the next integer, starting at 1, so
 * "every record at or below L" is a countable set and VCL is easy to advance. 0 means "none"
 * (the backlink of a protection group's first record, the LSN of a page never written).
 *
 * LSNs are branded `number`s, not `bigint`s: an LSN is a record count, and 2^53 records is far
 * beyond any volume's life (a million records a second for 285 years), while bigint arithmetic
 * and Map keys cost several times more on the per-record hot path. On disk and on the wire an
 * LSN is a u64 big-endian, so nothing changes if the representation ever has to grow.
 */
import assert from 'node:assert/strict';

export type Lsn = number & { readonly __brand: 'Lsn' };
export type PageId = number & { readonly __brand: 'PageId' };

export const LSN_NONE = 0 as Lsn;

export function lsn(n: number): Lsn {
  // The message is built only on failure: this runs for every LSN read from a key or a record.
  if (!(Number.isSafeInteger(n) && n >= 0)) {
    assert.fail(`LSN must be a safe non-negative integer: ${n}`);
  }
  return n as Lsn;
}

export function pageId(n: number): PageId {
  if (!(Number.isInteger(n) && n >= 0 && n <= 0xffff_ffff)) {
    assert.fail(`page id out of range: ${n}`);
  }
  return n as PageId;
}

export function maxLsn(a: Lsn, b: Lsn): Lsn {
  return a >= b ? a : b;
}

/** u64 big-endian, so byte order equals numeric order (LMDB keys). */
export function writeLsn(buf: Buffer, offset: number, value: Lsn): number {
  buf.writeUInt32BE(Math.floor(value / 0x1_0000_0000), offset);
  buf.writeUInt32BE(value % 0x1_0000_0000, offset + 4);
  return offset + 8;
}

export function readLsn(buf: Buffer, offset: number): Lsn {
  const hi = buf.readUInt32BE(offset);
  const lo = buf.readUInt32BE(offset + 4);
  return lsn(hi * 0x1_0000_0000 + lo);
}
