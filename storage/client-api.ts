/**
 * The contract between the writer (engine/) and the storage tier: what a StorageClient promises.
 *
 * Terms (see README's glossary): a record is *durable* when 4 of the 6 segments of its protection
 * group have persisted it. VCL is the highest LSN at or below which every record is durable; VDL
 * is the highest consistency point (CPL) at or below VCL.
 *
 * Contract:
 *   (C1) `open` runs crash recovery before anything else: it reads the SCL of a read quorum (3/6)
 *        of every protection group, computes VDL, has segments drop records above it under a new
 *        epoch, and returns where the writer continues. It replays nothing.
 *   (C2) `ship` takes encoded records in strictly increasing, gap-free LSN order, continuing from
 *        the previous call (or from VolumeState.vdl after `open`). It never blocks and never loses
 *        a record: records not yet durable are retried until they are, also across node outages.
 *   (C3) `waitDurable(lsn)` resolves once VDL ≥ lsn, and rejects with StorageError
 *        ('quorum-timeout') if that has not happened within the commit timeout. A rejection does
 *        not cancel anything: the records stay queued and may become durable later.
 *   (C4) VDL never decreases.
 *   (C5) `readPage(pageId, readPoint)` returns the page as of readPoint (≤ VDL), read from one
 *        segment whose SCL ≥ readPoint; a page never written is returned all zero.
 *   (C6) `segmentStatus()` reports every segment of every protection group the writer knows, one
 *        row each, as the storage nodes report them now (observability; an information_schema
 *        table can serve these rows as they are). It never fails: an unreachable node's rows
 *        say so.
 */
import type { Lsn, PageId } from './lsn.js';

export interface VolumeState {
  /** The writer's epoch: stamped on every record it produces; segments refuse older ones. */
  readonly epoch: number;
  /** VDL after recovery: the writer's next LSN is vdl + 1. 0 for a new volume. */
  readonly vdl: Lsn;
  /** Per protection group, its last record's LSN at or below vdl: the next record's backlink. */
  readonly groupTails: ReadonlyMap<number, Lsn>;
}

/** One segment, as `segmentStatus` reports it (C6). Null: its node did not answer. */
export interface SegmentStatusRow {
  readonly group: number;
  /** The segment's slot in the membership, and that slot's node. */
  readonly slot: number;
  readonly address: string;
  readonly nodeId: string;
  readonly zone: string;
  /**
   * The writer's view of the segment: 'streaming', 'catching-up', 'backoff', or 'joining' while
   * its node is being rebuilt after a replacement.
   */
  readonly state: string;
  readonly reachable: boolean;
  readonly scl: Lsn | null;
  /** VDL minus the highest LSN up to which the segment holds every record (0: complete). */
  readonly lagLsn: number | null;
  /** Records held above a hole, waiting for gossip. */
  readonly pendingRecords: number | null;
  readonly records: number | null;
  readonly bytes: number | null;
  /** Records at or below this have been folded into page images (garbage collection). */
  readonly gcLsn: Lsn | null;
  /** Wall-clock time (ms since the epoch) of the last complete scrub; 0: never. */
  readonly lastScrubMs: number | null;
  readonly corruptFound: number | null;
  readonly repairs: number | null;
}

export interface StorageClient {
  open(): Promise<VolumeState>;
  ship(records: readonly Buffer[]): void;
  waitDurable(lsn: Lsn): Promise<void>;
  readPage(pageId: PageId, readPoint: Lsn): Promise<Buffer>;
  /** VDL. */
  durableLsn(): Lsn;
  /** C6. */
  segmentStatus(): Promise<readonly SegmentStatusRow[]>;
  /**
   * The oldest read point the writer will still read at (its oldest open snapshot, undefined:
   * none but VDL): segments keep what a read at or above it needs. Optional for test doubles.
   */
  setReadFloor?(floor: Lsn | undefined): void;
  close(): Promise<void>;
}
