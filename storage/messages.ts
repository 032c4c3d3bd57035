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
 *   ChainRequest         ChainReply               recovery: the LSNs of a segment's chain
 *   ReadRecordsRequest   ReadRecordsReply         recovery: records to re-replicate
 *   TruncateRequest      TruncateReply            recovery: drop records above the new VDL
 *   ListGroupsRequest    ListGroupsReply          recovery: which protection groups exist
 *
 * Any segment request may instead be answered with `Refused` (see RefusalReason).
 */
import type { Lsn, PageId } from './lsn.js';

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
}

export interface ChainEntry {
  readonly lsn: Lsn;
  readonly cpl: boolean;
}

export interface ChainReply {
  readonly kind: 'ChainReply';
  /** The segment's last record at or below afterLsn (0 = none). */
  readonly baseLsn: Lsn;
  /** Its records in (afterLsn, upToLsn], in LSN order. */
  readonly entries: readonly ChainEntry[];
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
  | 'incomplete';

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
  | ReadRecordsRequest
  | TruncateRequest;

export type SegmentReply =
  | AppendReply
  | ReadPageReply
  | SclReply
  | ChainReply
  | ReadRecordsReply
  | TruncateReply
  | Refused;

export type StorageRequest = SegmentRequest | ListGroupsRequest;
export type StorageReply = SegmentReply | ListGroupsReply;
