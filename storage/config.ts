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
 * How long `waitDurable` waits for VDL without progress before it rejects with 'quorum-timeout'
 * (C3): the time runs from the call, and starts over whenever VCL advances, so a commit of many
 * megabytes that the quorum is persisting steadily is not cut off, while one the quorum does not
 * move at all is. Ten seconds covers a segment restart and a few retry rounds; past that the
 * commit's outcome is reported unknown rather than leaving the client hanging. Configurable per
 * cluster.
 */
export const COMMIT_TIMEOUT_MS = 10_000;
/**
 * A request to a segment that has not been answered in this time counts as failed, and the
 * segment's records are sent again later. An embedded node answers in milliseconds; a remote
 * one that is silent this long is as good as down for the write path.
 */
export const SEGMENT_REQUEST_TIMEOUT_MS = 2_000;
/**
 * One attempt to read a page from one segment: past this, another segment is tried as well
 * (client.ts K7); the slow attempt still counts if it answers first.
 */
export const READ_TIMEOUT_MS = 2_000;
/**
 * A page read fails (quorum-timeout) when no segment has answered in this time. A cold buffer
 * pool under many connections queues reads behind each other at the nodes: slow, not lost.
 */
export const READ_DEADLINE_MS = 10_000;
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
 * Chain runs one ChainRunsReply carries at most; recovery asks again above the last one. A chain
 * above the VDL hint can hold a whole large commit (a CREATE INDEX on a million rows: over a
 * million records); in one group, with no other group's records between them, that is one run,
 * but groups written in turn cut a chain into many.
 */
export const CHAIN_RUNS_MAX = 65_536;
/**
 * A segment writes a materialised page back as a page image (coalescing) when it had to apply at
 * least this many records to build it, so the next read starts from the image.
 */
export const COALESCE_RECORDS_MIN = 16;
/**
 * A segment also coalesces in the background: a page that has received this many records since
 * its last image gets a new one (segment.ts S8). Without it a page the writer keeps cached (the
 * volume header, a root) is never read from storage, its records pile up, and the first read
 * after a restart applies all of them: seconds at 1 GiB, more with every gigabyte.
 */
export const COALESCE_BACKGROUND_RECORDS = 256;
/** Pages one background coalescing turn builds before it yields to requests. */
export const COALESCE_PAGES_PER_TURN = 32;
/** Records one step of a segment's usage count reads (status; segment.ts S9, usage.ts U1). */
export const USAGE_SCAN_BATCH = 4_096;
/** Page images one step of a usage count reads (16 KiB each: 4 MiB a step). */
export const USAGE_SCAN_IMAGES = 256;
/**
 * A usage count's share of its thread: after a step it pauses for this many times the step's own
 * duration (1: at most half the thread). A full count of a big segment at load (2 million
 * records) otherwise kept the storage thread busy for tens of seconds after every restart, and
 * page reads waited behind it.
 */
export const USAGE_SCAN_PAUSE_FACTOR = 1;
/**
 * The writer sends its VDL to every segment with each append (the segments' VDL hint, where the
 * next recovery starts reading chains: quorum.ts R2). When VDL has moved and no append has gone
 * out for this long, it sends the hint alone (client.ts K9): otherwise a writer that falls idle
 * after a huge commit (a CREATE INDEX of a million records) leaves the hint before that commit,
 * and a restart lists the commit's whole chain again (12 s at a million rows). Short, so the hint
 * is current soon after the last commit; long enough that a writer still committing never sends
 * it (its appends carry it).
 */
export const VDL_HINT_IDLE_MS = 100;
/**
 * A streaming segment that shows a hole the writer can no longer fill is asked again this often
 * (client.ts K10), with an AppendRequest without records, until gossip has filled it: the writer
 * hears a segment's SCL only in replies. About a gossip interval (GOSSIP_INTERVAL_MS).
 */
export const LAGGING_PROBE_MS = 250;
/**
 * A segment whose store has had no write for this long writes its usage counts into its
 * metadata (usage.ts U5), so that a restart, even after a crash, need not count again. Long
 * enough that a segment under load never does it (a crash under load counts again); one small
 * synced write per idle period otherwise.
 */
export const USAGE_CHECKPOINT_IDLE_MS = 1_000;
/** Recovery reads from a read quorum; once it has one it waits this long for the stragglers. */
export const RECOVERY_GRACE_MS = 50;
/**
 * After recovery, `open` waits this long for VDL to be durable again (the records it re-replicates
 * reaching a write quorum, lagging segments filled by gossip) before it gives up.
 */
export const RECOVERY_DURABLE_TIMEOUT_MS = 30_000;
/** Recovery attempts (each with a fresh epoch) before `open` gives up. */
export const RECOVERY_ATTEMPTS_MAX = 3;

/**
 * A read that has not answered in this time (or twice the segment's usual latency, if more) is
 * hedged: sent to a second segment as well, and the first answer wins. Bounds the tail latency
 * a slow or stalled segment adds without doubling the reads of a healthy cluster.
 */
export const HEDGE_DELAY_MIN_MS = 20;
/** Records per AppendRequest: one tick's batch is split so every frame stays small. */
export const APPEND_BATCH_BYTES_MAX = 1024 * 1024;
/**
 * Bytes of records a segment may have been sent and not yet acknowledged (replication.ts G6).
 * A large commit goes out as a stream: the next chunk leaves as an earlier one is acknowledged,
 * so a node (or the storage worker, which serves six) never gets more than a few window's worth
 * at once, and each request is answered in a bounded time. Two chunks keep the pipe full.
 */
export const APPEND_WINDOW_BYTES = 2 * APPEND_BATCH_BYTES_MAX;
/**
 * A request with records waits longer than SEGMENT_REQUEST_TIMEOUT_MS before it counts as failed:
 * this much per MiB of the channel's bytes in flight, the time a busy node may need to persist
 * them (crc, index, sync) while it also serves its other segments.
 */
export const SEGMENT_REQUEST_MS_PER_MIB = 1_000;

// Segment background work (segment/maintenance.ts), per node.
/** How often each segment asks one peer for what it lacks (gossip). */
export const GOSSIP_INTERVAL_MS = 250;
/** Bytes of records (or page images) in one gossip answer. */
export const GOSSIP_BYTES_MAX = 1024 * 1024;
/** Gossip answers one round may take before it yields to the next round. */
export const GOSSIP_REQUESTS_PER_ROUND = 16;
/** A peer request (gossip, repair, group listing) that has not answered in this time failed. */
export const PEER_REQUEST_TIMEOUT_MS = 2_000;
/** Every this many gossip rounds, a node asks a peer which groups exist (to build new segments). */
export const DISCOVERY_EVERY_ROUNDS = 4;
/** Default retention of records (backtrack, time travel): 24 hours. */
export const RETENTION_MS = 24 * 60 * 60 * 1000;
/** Time marks kept per segment to date its records; a new one every retention / 32. */
export const TIME_MARKS_MAX = 64;
/** How often a node's segments look for garbage to collect. */
export const GC_INTERVAL_MS = 10_000;
/** Records one garbage-collection step folds into images and deletes (one store write). */
export const GC_BATCH_RECORDS = 4_096;
/** A complete scrub of every segment of a node is started this often. */
export const SCRUB_INTERVAL_MS = 60 * 60 * 1000;
/** Records (or images) a scrub step checks; steps run every SCRUB_STEP_MS while a scrub is due. */
export const SCRUB_BATCH = 512;
export const SCRUB_STEP_MS = 100;

/**
 * The writer asks every slot's node for its identity this often: a node that answers with a new
 * id lost its data (it was replaced by an empty one at the same address) and is rebuilt (K8).
 */
export const IDENTITY_CHECK_MS = 5_000;

/** Each segment logs its status row (SCL, lag, bytes, scrub, repairs) this often, at info. */
export const STATUS_LOG_INTERVAL_MS = 60_000;

/** Storage protocol frames (net/frame.ts): the largest payload either side accepts. */
export const FRAME_PAYLOAD_MAX = 8 * 1024 * 1024;
/** Request bytes a TCP connection has sent and not had answered; more wait in its queue. */
export const CONNECTION_IN_FLIGHT_BYTES_MAX = 16 * 1024 * 1024;
/** Request bytes waiting behind the in-flight bound; past it, a send fails at once. */
export const CONNECTION_QUEUE_BYTES_MAX = 64 * 1024 * 1024;
/** Requests a node serves at once per connection; past it, it stops reading the socket. */
export const SERVER_IN_FLIGHT_REQUESTS_MAX = 256;
/** Connections a storage node accepts at once (writers, readers, peers, operators). */
export const SERVER_CONNECTIONS_MAX = 256;
/** A connection must finish its handshake in this time. */
export const HANDSHAKE_TIMEOUT_MS = 5_000;
/** After a failed connect, the next attempt waits this long (doubling up to the maximum). */
export const RECONNECT_BACKOFF_MIN_MS = 50;
export const RECONNECT_BACKOFF_MAX_MS = 1_000;

assert(COMMIT_TIMEOUT_MS > SEGMENT_REQUEST_TIMEOUT_MS, 'a commit outlives one request');
assert(RETRY_BACKOFF_MIN_MS > 0 && RETRY_BACKOFF_MIN_MS <= RETRY_BACKOFF_MAX_MS, 'backoff range');
assert(CATCH_UP_BATCH_BYTES_MAX < LAGGING_SEGMENT_BYTES_MAX, 'a catch-up batch fits the bound');
assert(COALESCE_RECORDS_MIN >= 1, 'coalescing needs records');
assert(COALESCE_BACKGROUND_RECORDS >= COALESCE_RECORDS_MIN, 'background coalescing is rarer');
assert(RECOVERY_ATTEMPTS_MAX >= 1, 'recovery tries at least once');
assert(HEDGE_DELAY_MIN_MS < READ_TIMEOUT_MS, 'a read is hedged before it times out');
assert(READ_TIMEOUT_MS < READ_DEADLINE_MS, 'a slow attempt is raced before the read fails');
assert(APPEND_BATCH_BYTES_MAX * 2 < FRAME_PAYLOAD_MAX, 'an append batch fits a frame');
assert(APPEND_WINDOW_BYTES >= APPEND_BATCH_BYTES_MAX, 'a window holds a chunk');
assert(CATCH_UP_BATCH_BYTES_MAX * 2 < FRAME_PAYLOAD_MAX, 'a catch-up batch fits a frame');
assert(GOSSIP_BYTES_MAX * 2 < FRAME_PAYLOAD_MAX, 'a gossip answer fits a frame');
assert(FRAME_PAYLOAD_MAX <= CONNECTION_IN_FLIGHT_BYTES_MAX, 'one frame fits in flight');
assert(CONNECTION_IN_FLIGHT_BYTES_MAX <= CONNECTION_QUEUE_BYTES_MAX, 'queue holds a window');
assert(GOSSIP_INTERVAL_MS < PEER_REQUEST_TIMEOUT_MS * 10, 'gossip rounds do not pile up');
assert(RECONNECT_BACKOFF_MIN_MS <= RECONNECT_BACKOFF_MAX_MS, 'reconnect backoff range');
