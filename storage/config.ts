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

/**
 * How long `waitDurable` waits for VDL before it rejects with 'quorum-timeout' (C3). Ten seconds
 * covers a segment restart and a few retry rounds; past that the commit's outcome is reported
 * unknown rather than leaving the client hanging. Configurable per cluster.
 */
export const COMMIT_TIMEOUT_MS = 10_000;
/**
 * A request to a segment that has not been answered in this time counts as failed, and the
 * segment's records are sent again later. An embedded node answers in milliseconds; a remote
 * one that is silent this long is as good as down for the write path.
 */
export const SEGMENT_REQUEST_TIMEOUT_MS = 2_000;
/** One attempt to read a page from one segment; on timeout the next segment is tried. */
export const READ_TIMEOUT_MS = 2_000;
/**
 * Backoff between attempts to bring a lagging segment up to date: doubled after each failure,
 * from the minimum to the maximum. The maximum bounds how long a restarted node waits to be used.
 */
export const RETRY_BACKOFF_MIN_MS = 10;
export const RETRY_BACKOFF_MAX_MS = 500;
/**
 * Bytes of records the client keeps for segments that have not acknowledged them, per protection
 * group. Records are kept until all six segments have them; once durable (4/6) and beyond this
 * bound they are let go, and a segment still missing them is repaired by gossip instead (later
 * issue) and not read from until its SCL shows it complete. Records that are not yet durable are
 * never let go: the writer's LSN allocation limit bounds those.
 */
export const LAGGING_SEGMENT_BYTES_MAX = 64 * 1024 * 1024;
/** At most this many bytes of records in one request when a lagging segment is caught up. */
export const CATCH_UP_BATCH_BYTES_MAX = 1024 * 1024;
/**
 * A segment writes a materialised page back as a page image (coalescing) when it had to apply at
 * least this many records to build it, so the next read starts from the image.
 */
export const COALESCE_RECORDS_MIN = 16;
/** Recovery reads from a read quorum; once it has one it waits this long for the stragglers. */
export const RECOVERY_GRACE_MS = 50;
/** Recovery attempts (each with a fresh epoch) before `open` gives up. */
export const RECOVERY_ATTEMPTS_MAX = 3;

assert(COMMIT_TIMEOUT_MS > SEGMENT_REQUEST_TIMEOUT_MS, 'a commit outlives one request');
assert(RETRY_BACKOFF_MIN_MS > 0 && RETRY_BACKOFF_MIN_MS <= RETRY_BACKOFF_MAX_MS, 'backoff range');
assert(CATCH_UP_BATCH_BYTES_MAX < LAGGING_SEGMENT_BYTES_MAX, 'a catch-up batch fits the bound');
assert(COALESCE_RECORDS_MIN >= 1, 'coalescing needs records');
assert(RECOVERY_ATTEMPTS_MAX >= 1, 'recovery tries at least once');
