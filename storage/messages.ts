/**
 * The storage protocol: every message between the writer's StorageClient and a storage node.
 *
 * Messages are plain data (numbers, arrays, Buffers), named FoundationDB-style as request/reply
 * pairs, so that the in-process transport can pass them as they are and a TCP or worker-thread
 * transport can encode them without knowing what they mean. Segment messages carry the
 * protection group they address; a node routes them to its segment of that group.
 *
 *   request              reply                    who sends it, when
 *   AppendRequest        AppendReply              client: ship, retries, catch-up, repair
 *   ReadPageRequest      ReadPageReply            client: readPage
 *   SclRequest           SclReply                 recovery: seal the segment at a new epoch
 *   ChainRequest         ChainReply               (older writers) the LSNs of a segment's chain
 *   ChainRunsRequest     ChainRunsReply           recovery: a segment's chain as runs of LSNs
 *   ReadRecordsRequest   ReadRecordsReply         recovery: records to re-replicate
 *   TruncateRequest      TruncateReply            recovery: drop records above the new VDL
 *   GossipRequest        GossipReply              a peer segment: records (or page images
 *                                                 below its GC point) it lacks
 *   RepairRequest        RepairReply              a peer segment: one good copy (scrub)
 *   ListGroupsRequest    ListGroupsReply          recovery, joining nodes: which groups exist
 *   NodeInfoRequest      NodeInfoReply            client at open: node id, zone, membership
 *   MembershipRequest    MembershipReply          client: persist a membership version
 *   StatusRequest        StatusReply              client: per-segment observability rows
 *   ScrubRequest         ScrubReply               operators and tests: scrub every segment now
 *
 * Any segment request may instead be answered with `Refused` (see RefusalReason). Every kind has
 * a binary encoding in net/codec.ts; a new kind without one does not compile.
 *
 * Compatibility: a message's encoding never changes once nodes have answered it; a new need gets
 * a new kind with a new code (ChainRunsRequest, code 28, took over recovery's chain listing from
 * ChainRequest, code 7, which segments still answer for writers that send it). Nodes are
 * upgraded before writers: a new writer's request kinds must be known to every node.
 */
import type { Lsn, PageId } from './lsn.js';
import type { Membership } from './membership.js';

/** One entry of the epoch history: epoch `epoch` began with VDL = `startLsn` (its truncation). */
export interface EpochStart {
  readonly epoch: number;
  readonly startLsn: Lsn;
}

export interface AppendRequest {
  readonly kind: 'AppendRequest';
  readonly group: number;
  readonly epoch: number;
  /** The writer's VDL when it sent this: a durable point that recovery starts from. */
  readonly vdlHint: Lsn;
  /** The oldest read point the writer may still read at: segments collect garbage below it. */
  readonly readFloor: Lsn;
  /** Encoded redo records of this group, in LSN order. */
  readonly records: readonly Buffer[];
  /** Sent until the segment is known to be in this epoch, so it can truncate first. */
  readonly history?: readonly EpochStart[];
}

export interface AppendReply {
  readonly kind: 'AppendReply';
  readonly scl: Lsn;
}

export interface ReadPageRequest {
  readonly kind: 'ReadPageRequest';
  readonly group: number;
  readonly epoch: number;
  readonly pageId: PageId;
  readonly readPoint: Lsn;
}

export interface ReadPageReply {
  readonly kind: 'ReadPageReply';
  readonly page: Buffer;
}

export interface SclRequest {
  readonly kind: 'SclRequest';
  readonly group: number;
  /** The recovering writer's new epoch: the segment seals itself at it before answering. */
  readonly epoch: number;
}

export interface SclReply {
  readonly kind: 'SclReply';
  readonly scl: Lsn;
  readonly vdlHint: Lsn;
  readonly appliedEpoch: number;
  readonly history: readonly EpochStart[];
}

export interface ChainRequest {
  readonly kind: 'ChainRequest';
  readonly group: number;
  readonly epoch: number;
  readonly afterLsn: Lsn;
  readonly upToLsn: Lsn;
  /** Entries the reply carries at most; a full reply means more may follow above its last. */
  readonly entriesMax: number;
}

export interface ChainEntry {
  readonly lsn: Lsn;
  readonly cpl: boolean;
}

export interface ChainReply {
  readonly kind: 'ChainReply';
  /** The segment's last record at or below afterLsn (0 = none). */
  readonly baseLsn: Lsn;
  /** Its records in (afterLsn, upToLsn], in LSN order: the first entriesMax of them. */
  readonly entries: readonly ChainEntry[];
}

/**
 * The chain of a segment in (afterLsn, upToLsn] (clamped to the chain it can vouch for, as for
 * ChainRequest), as maximal runs of consecutive LSNs: what recovery needs to find VCL and VDL
 * (quorum.ts R4, R5), in a reply that grows with the runs, not with the records.
 */
export interface ChainRunsRequest {
  readonly kind: 'ChainRunsRequest';
  readonly group: number;
  readonly epoch: number;
  readonly afterLsn: Lsn;
  readonly upToLsn: Lsn;
  /** Runs the reply carries at most; `more` then says the chain goes on above the last one. */
  readonly runsMax: number;
}

/** Records first..last of one group, every LSN between them included: a run of its chain. */
export interface ChainRun {
  readonly first: Lsn;
  readonly last: Lsn;
  /** The highest CPL among them, or 0 (LSN_NONE) when none of them is one. */
  readonly cpl: Lsn;
}

export interface ChainRunsReply {
  readonly kind: 'ChainRunsReply';
  /** The segment's last record at or below afterLsn (0 = none). */
  readonly baseLsn: Lsn;
  /** Its records in (afterLsn, upToLsn], ascending, disjoint, each run maximal in the reply. */
  readonly runs: readonly ChainRun[];
  /** True when runsMax cut the reply short: ask again above the last run's last. */
  readonly more: boolean;
}

export interface ReadRecordsRequest {
  readonly kind: 'ReadRecordsRequest';
  readonly group: number;
  readonly epoch: number;
  readonly afterLsn: Lsn;
  readonly upToLsn: Lsn;
  readonly bytesMax: number;
}

export interface ReadRecordsReply {
  readonly kind: 'ReadRecordsReply';
  readonly records: readonly Buffer[];
  /** True when bytesMax cut the answer short: ask again after the last record. */
  readonly more: boolean;
}

export interface TruncateRequest {
  readonly kind: 'TruncateRequest';
  readonly group: number;
  readonly epoch: number;
  /** Every epoch start the writer knows, its own (epoch, VDL after recovery) last. */
  readonly history: readonly EpochStart[];
}

export interface TruncateReply {
  readonly kind: 'TruncateReply';
  readonly scl: Lsn;
}

export interface GossipRequest {
  readonly kind: 'GossipRequest';
  readonly group: number;
  /** The asking segment's SCL: it wants the records above it. */
  readonly afterLsn: Lsn;
  readonly bytesMax: number;
  /**
   * When afterLsn is below the answering segment's GC point, the records are gone and page images
   * are sent instead, by ascending page id from this one.
   */
  readonly imagesFrom: number;
}

export interface PageImageCopy {
  readonly pageId: PageId;
  readonly lsn: Lsn;
  readonly bytes: Buffer;
}

export interface GossipReply {
  readonly kind: 'GossipReply';
  readonly scl: Lsn;
  /** The answering segment's VDL hint: a peer taking its images takes this too (S6). */
  readonly vdlHint: Lsn;
  readonly appliedEpoch: number;
  readonly history: readonly EpochStart[];
  /** Records at or below this have been folded into page images (GC). */
  readonly gcLsn: Lsn;
  /** The group's last record at or below gcLsn. */
  readonly gcTail: Lsn;
  /** Records in (afterLsn, scl], ascending; empty when images are sent. */
  readonly records: readonly Buffer[];
  readonly images: readonly PageImageCopy[];
  /** The next page id to ask images from, or -1: the images are complete. */
  readonly imagesNext: number;
  /** True when bytesMax cut the records short. */
  readonly more: boolean;
}

export type RepairWhat = 'record' | 'image';

export interface RepairRequest {
  readonly kind: 'RepairRequest';
  readonly group: number;
  readonly pageId: PageId;
  readonly lsn: Lsn;
  /** 'record': the record at lsn; 'image': the page as of lsn. */
  readonly what: RepairWhat;
}

export interface RepairReply {
  readonly kind: 'RepairReply';
  /** The good bytes, or null when this segment cannot provide them. */
  readonly bytes: Buffer | null;
}

export interface ListGroupsRequest {
  readonly kind: 'ListGroupsRequest';
}

export interface GroupSummary {
  readonly group: number;
  readonly scl: Lsn;
  readonly sealedEpoch: number;
  readonly appliedEpoch: number;
}

export interface ListGroupsReply {
  readonly kind: 'ListGroupsReply';
  readonly groups: readonly GroupSummary[];
}

export interface NodeInfoRequest {
  readonly kind: 'NodeInfoRequest';
}

export interface NodeInfoReply {
  readonly kind: 'NodeInfoReply';
  readonly nodeId: string;
  readonly zone: string;
  /** The newest membership this node was sent, or null. */
  readonly membership: Membership | null;
  readonly sealedEpoch: number;
}

export interface MembershipRequest {
  readonly kind: 'MembershipRequest';
  readonly epoch: number;
  readonly membership: Membership;
}

export interface MembershipReply {
  readonly kind: 'MembershipReply';
  /** The version the node holds now (M2: the higher of its own and the one sent). */
  readonly version: number;
}

/** One segment as its node sees it: the observability row. */
export interface SegmentStatus {
  readonly group: number;
  readonly scl: Lsn;
  readonly gcLsn: Lsn;
  readonly appliedEpoch: number;
  readonly sealedEpoch: number;
  /** Records held above a hole (waiting for gossip). */
  readonly pendingRecords: number;
  readonly records: number;
  /** Bytes of its records (redo), and of everything it holds (records and page images). */
  readonly recordBytes: number;
  readonly bytes: number;
  /** Wall-clock ms of the last complete scrub, 0 if never. */
  readonly lastScrubMs: number;
  readonly corruptFound: number;
  readonly repairs: number;
  readonly failed: boolean;
}

export interface StatusRequest {
  readonly kind: 'StatusRequest';
}

export interface StatusReply {
  readonly kind: 'StatusReply';
  readonly nodeId: string;
  readonly zone: string;
  readonly segments: readonly SegmentStatus[];
}

export interface ScrubRequest {
  readonly kind: 'ScrubRequest';
}

export interface ScrubReply {
  readonly kind: 'ScrubReply';
  readonly checked: number;
  readonly corrupt: number;
  readonly repaired: number;
}

export type RefusalReason =
  /** The request's epoch is older than one the segment has been sealed at: fenced. */
  | 'stale-epoch'
  /** The segment has not yet truncated for the request's epoch: send the history. */
  | 'epoch-behind'
  /** The segment's store failed; it answers nothing until its node is restarted. */
  | 'store-failed'
  /** A record failed its crc; nothing of the request was kept. */
  | 'corrupt'
  /** The segment knows it lacks records at or below the read point. */
  | 'incomplete'
  /** The read point is below the segment's GC point: that version of the page is gone. */
  | 'collected';

export interface Refused {
  readonly kind: 'Refused';
  readonly reason: RefusalReason;
  readonly sealedEpoch: number;
}

export type SegmentRequest =
  | AppendRequest
  | ReadPageRequest
  | SclRequest
  | ChainRequest
  | ChainRunsRequest
  | ReadRecordsRequest
  | TruncateRequest
  | GossipRequest
  | RepairRequest;

export type SegmentReply =
  | AppendReply
  | ReadPageReply
  | SclReply
  | ChainReply
  | ChainRunsReply
  | ReadRecordsReply
  | TruncateReply
  | GossipReply
  | RepairReply
  | Refused;

export type NodeRequest =
  | ListGroupsRequest
  | NodeInfoRequest
  | MembershipRequest
  | StatusRequest
  | ScrubRequest;

export type NodeReply =
  | ListGroupsReply
  | NodeInfoReply
  | MembershipReply
  | StatusReply
  | ScrubReply;

export type StorageRequest = SegmentRequest | NodeRequest;
export type StorageReply = SegmentReply | NodeReply;
