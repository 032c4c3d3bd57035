/**
 * Storage limits and quorum sizes, with their reasons. Asserted at load.
 */
import assert from 'node:assert/strict';
import type { PageId } from './lsn.js';

/** Segments per protection group: two in each of three zones (Aurora). */
export const SEGMENTS_PER_GROUP = 6;
/** Write quorum: a record is durable when this many segments of its group have it. */
export const WRITE_QUORUM = 4;
/** Read quorum, used only in recovery. */
export const READ_QUORUM = 3;
/** Pages per protection group: 2^16 pages of 16 KiB = 1 GiB. */
export const PAGES_PER_GROUP = 65_536;

// Every read quorum meets every write quorum, and two write quorums always overlap.
assert(READ_QUORUM + WRITE_QUORUM > SEGMENTS_PER_GROUP, 'Vr + Vw > V');
assert(2 * WRITE_QUORUM > SEGMENTS_PER_GROUP, 'Vw > V/2');

export function protectionGroupOf(page: PageId): number {
  return Math.floor(page / PAGES_PER_GROUP);
}
