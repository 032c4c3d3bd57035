/**
 * QuorumStorageClient: the writer's StorageClient (client-api.ts, C1–C5) over six segments per
 * protection group, reached through a SegmentTransport.
 *
 * Open: the membership is found on the storage nodes (discovery.ts) — the transport's addresses
 * are only seeds — then recovery runs (recovery.ts), then the membership is pushed to every node
 * under the new epoch, so that each knows its peers for gossip.
 *
 * Write path: `ship` checks each record's header, queues it under its protection group, and at
 * the end of the tick sends each group's new records to its six segments, in AppendRequests of
 * at most appendBatchBytesMax each, at most appendWindowBytes unanswered per segment (G6): the
 * rest of a large batch follows as replies come back. Every reply carries the segment's SCL;
 * from the SCLs, quorum.ts gives each group's durable point, VCL and VDL, and `waitDurable`
 * callers are released. A segment that fails, times out or shows a hole is caught up later from
 * the records the client retains (replication.ts).
 *
 * Invariants:
 *   (K1) Records are shipped gap-free and in LSN order from VDL after open, stamped with this
 *        writer's epoch, and each one's backlink is its group's previous record (C2).
 *   (K2) A shipped record stays in memory until all six segments have it, or until it is durable
 *        and the group is over its bound (G1, G2): nothing is lost while it is not durable (C2).
 *   (K3) VCL and VDL move only by Q3–Q5 from SCLs the segments reported; VDL never decreases
 *        (Q1, C4) and a waiter is released only once VDL >= its LSN (C3).
 *   (K4) `waitDurable` rejects with 'quorum-timeout' once commitTimeoutMs have passed since it
 *        was called and since VCL last advanced, and cancels nothing: a wait fails when the
 *        quorum stops making progress, not because the batch ahead of it is large.
 *   (K5) A page is read from a segment of the writer's epoch that holds every record of the group
 *        at or below the read point (G5), so it is the page as of the read point (C5).
 *   (K6) Once closed or fenced (a segment reports a newer epoch), nothing more is sent.
 *   (K7) Reads go to the fastest complete segment first; one that has not answered within its
 *        hedge delay is raced by the next, a third only once both are past readTimeoutMs, and
 *        an error moves on to the next at once. A slow answer is not dropped: whichever comes
 *        first wins, and the read fails only when every candidate failed or readDeadlineMs
 *        passed (a busy node, or a page built from many records, is slow, not down).
 *   (K8) A replaced slot's channels start over at SCL 0 and ignore replies from the node it had
 *        before (their SCLs are not the new node's). It is joining (M1) until every group's
 *        segment there reports an SCL at or above what the group held when it was replaced;
 *        then a new membership version drops it from `joining`.
 *   (K9) Every AppendRequest carries VDL as the segments' hint (R2). Once VDL has passed the
 *        last hint sent and no append has gone out for hintIdleMs, the hint goes alone, in an
 *        AppendRequest without records, to every streaming segment of every group: so the
 *        segments' hint, where the next recovery starts reading chains, is at most hintIdleMs
 *        behind VDL when the writer falls idle. One timer, armed only while VDL is ahead of the
 *        hint sent: nothing is sent while nothing changes.
 *   (K10) A streaming segment that reports an SCL below the last LSN it was sent, and lacks a
 *        record the writer no longer holds (G4: its SCL is below needsScl), is waiting for
 *        gossip to fill its hole; the writer hears of its SCL only in replies. So it asks again,
 *        with an AppendRequest without records, laggingProbeMs after each such reply, until the
 *        segment reports that LSN, can be caught up from the retained records, or leaves
 *        streaming. Without it, a quorum that gossip completes while nothing new is shipped
 *        (recovery's repairs, a writer that fell idle) would never be seen.
 *
 * Recovery reasoning (`open`, C1; the invariants R1–R6 and E1–E2 are in quorum.ts, the messaging
 * in recovery.ts). A commit was acknowledged only when VDL covered it, i.e. when each record at or
 * below it was within the chain of 4 of its group's 6 segments. Any 3 segments of a group meet
 * those 4, so among a read quorum of every group, every acknowledged record sits inside some
 * responder's chain. LSNs are gap-free across groups, so "every record <= L is available" is
 * checked by listing, above a known durable point (the highest VDL hint a segment persisted), the
 * LSNs in each group's longest chain and finding the first missing LSN: that is VCL + 1, and the
 * highest CPL at or below VCL is the new VDL, never below the old one. The segments are sealed at
 * the new epoch (max seen + 1) before they are read, so the old writer cannot make anything more
 * durable meanwhile; then they truncate above VDL under that epoch; records at or below VDL that
 * were not on a write quorum are sent again, and `open` returns once VDL is durable.
 */
import assert from 'node:assert/strict';
import type { Logger } from 'pino';
import type { SegmentStatusRow, StorageClient, VolumeState } from './client-api.js';
import { type Clock, type Timer, systemClock, withTimeout } from './clock.js';
import {
  APPEND_BATCH_BYTES_MAX,
  APPEND_WINDOW_BYTES,
  CATCH_UP_BATCH_BYTES_MAX,
  CHAIN_RUNS_MAX,
  COMMIT_TIMEOUT_MS,
  HEDGE_DELAY_MIN_MS,
  IDENTITY_CHECK_MS,
  LAGGING_PROBE_MS,
  LAGGING_SEGMENT_BYTES_MAX,
  READ_DEADLINE_MS,
  READ_TIMEOUT_MS,
  RECOVERY_DURABLE_TIMEOUT_MS,
  RETRY_BACKOFF_MAX_MS,
  RETRY_BACKOFF_MIN_MS,
  SEGMENTS_PER_GROUP,
  SEGMENT_REQUEST_MS_PER_MIB,
  SEGMENT_REQUEST_TIMEOUT_MS,
  VDL_HINT_IDLE_MS,
  protectionGroupOf,
} from './config.js';
import { type DiscoveryContext, findMembership, writeMembership } from './discovery.js';
import { StorageError } from './errors.js';
import { LSN_NONE, type Lsn, type PageId } from './lsn.js';
import { type Membership, placement } from './membership.js';
import type {
  AppendRequest,
  EpochStart,
  ReadPageRequest,
  Refused,
  SegmentStatus,
  StorageReply,
} from './messages.js';
import { PAGE_SIZE } from './page.js';
import { volumeCompleteLsn } from './quorum.js';
import { type RecoveredGroup, type RecoveredVolume, recoverVolume } from './recovery.js';
import { decodeRedoHeader } from './redo.js';
import { type Channel, ReplicatedGroup } from './replication.js';
import type { SegmentTransport } from './transport.js';

export interface ClientLimits {
  readonly commitTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly readTimeoutMs: number;
  readonly readDeadlineMs: number;
  readonly hedgeDelayMinMs: number;
  readonly backoffMinMs: number;
  readonly backoffMaxMs: number;
  readonly laggingBytesMax: number;
  readonly catchUpBytesMax: number;
  readonly appendBatchBytesMax: number;
  readonly appendWindowBytes: number;
  readonly requestMsPerMiB: number;
  readonly identityCheckMs: number;
  /** Chain runs recovery asks a segment for per request (recovery.ts R3). */
  readonly chainRunsMax: number;
  /**
   * K9: idle time after which the VDL hint is sent alone. 0: never (tests of a writer that died
   * before it told the segments).
   */
  readonly hintIdleMs: number;
  /** K10: how long after a reply with a hole the writer asks that segment again. */
  readonly laggingProbeMs: number;
}

export const DEFAULT_CLIENT_LIMITS: ClientLimits = {
  commitTimeoutMs: COMMIT_TIMEOUT_MS,
  requestTimeoutMs: SEGMENT_REQUEST_TIMEOUT_MS,
  readTimeoutMs: READ_TIMEOUT_MS,
  readDeadlineMs: READ_DEADLINE_MS,
  hedgeDelayMinMs: HEDGE_DELAY_MIN_MS,
  backoffMinMs: RETRY_BACKOFF_MIN_MS,
  backoffMaxMs: RETRY_BACKOFF_MAX_MS,
  laggingBytesMax: LAGGING_SEGMENT_BYTES_MAX,
  catchUpBytesMax: CATCH_UP_BATCH_BYTES_MAX,
  appendBatchBytesMax: APPEND_BATCH_BYTES_MAX,
  appendWindowBytes: APPEND_WINDOW_BYTES,
  requestMsPerMiB: SEGMENT_REQUEST_MS_PER_MIB,
  identityCheckMs: IDENTITY_CHECK_MS,
  chainRunsMax: CHAIN_RUNS_MAX,
  hintIdleMs: VDL_HINT_IDLE_MS,
  laggingProbeMs: LAGGING_PROBE_MS,
};

export interface QuorumClientOptions {
  readonly log: Logger;
  readonly transport: SegmentTransport;
  readonly clock?: Clock;
  readonly limits?: Partial<ClientLimits>;
}

type ClientState = 'new' | 'opening' | 'open' | 'fenced' | 'closed';

interface Waiter {
  readonly lsn: Lsn;
  readonly resolve: () => void;
  readonly reject: (error: StorageError) => void;
  timer: Timer | undefined;
}

interface SentAppend {
  readonly id: number;
  readonly generation: number;
  readonly incarnation: number;
  readonly lastLsn: Lsn;
  readonly bytes: number;
}

/** Counters for tests and benchmarks. */
export interface ClientStats {
  reads: number;
  hedgedReads: number;
  readRetries: number;
  appendRequests: number;
  appendBytes: number;
  /** K9: AppendRequests sent for the hint alone (counted in appendRequests too). */
  hintRequests: number;
  /** K10: AppendRequests sent to ask a segment with a hole again (in appendRequests too). */
  probeRequests: number;
  /** Records above the hint in the chains the recovery in `open` read (recovery.ts). */
  recoveryChainEntries: number;
  /** Runs of those chains it read: what its messages and its work grew with (recovery.ts). */
  recoveryChainRuns: number;
}

export class QuorumStorageClient implements StorageClient {
  private state: ClientState = 'new';
  private epoch = 0;
  private history: readonly EpochStart[] = [];
  private membershipValue: Membership | undefined;
  /** K8: per joining slot, per group placed there, the SCL it must reach. */
  private readonly joiningTargets = new Map<number, Map<number, Lsn>>();
  /** The membership version each slot is known to hold. */
  private readonly pushedVersion = new Map<number, number>();
  private membershipChange: Promise<void> | undefined;
  private lastIdentityCheck = 0;
  /** The last LSN shipped. */
  private frontier: Lsn = LSN_NONE;
  private vcl: Lsn = LSN_NONE;
  /** When VCL last advanced (K4). */
  private progressAt = 0;
  private vdl: Lsn = LSN_NONE;
  /** The oldest read point the engine still reads at; undefined: VDL. */
  private readFloorValue: Lsn | undefined;
  /** CPLs above VDL, ascending, from cplHead on. */
  private cpls: Lsn[] = [];
  private cplHead = 0;
  private readonly groups = new Map<number, ReplicatedGroup>();
  /** Records shipped this tick, per group, not yet sent. */
  private readonly unsent = new Map<number, Buffer[]>();
  private flushScheduled = false;
  /** Ascending by lsn. */
  private waiters: Waiter[] = [];
  private requestSeq = 0;
  private sweepTimer: Timer | undefined;
  /** K9: the highest VDL hint any AppendRequest carried; when the last one went out. */
  private hintSent: Lsn = LSN_NONE;
  private lastAppendAt = 0;
  private hintTimer: Timer | undefined;
  private fenceError: StorageError | undefined;
  private readonly clock: Clock;
  private readonly limits: ClientLimits;
  private readonly log: Logger;
  private readonly transport: SegmentTransport;
  readonly stats: ClientStats = {
    reads: 0,
    hedgedReads: 0,
    readRetries: 0,
    appendRequests: 0,
    appendBytes: 0,
    hintRequests: 0,
    probeRequests: 0,
    recoveryChainEntries: 0,
    recoveryChainRuns: 0,
  };

  constructor(options: QuorumClientOptions) {
    this.clock = options.clock ?? systemClock;
    this.limits = { ...DEFAULT_CLIENT_LIMITS, ...options.limits };
    this.log = options.log.child({ component: 'storage-client' });
    this.transport = options.transport;
    assert(this.transport.nodeCount >= SEGMENTS_PER_GROUP, 'six nodes for six segments');
    assert(this.limits.commitTimeoutMs > 0, 'a commit timeout');
  }

  get membership(): Membership | undefined {
    return this.membershipValue;
  }

  get writerEpoch(): number {
    return this.epoch;
  }

  /** The slots holding a group's six segments (membership.ts placement). */
  placement(group: number): number[] {
    const m = this.membershipValue;
    assert(m !== undefined, 'placement needs the membership (after open)');
    return placement(m, group);
  }

  private discovery(): DiscoveryContext {
    return {
      network: { send: (address, request) => this.transport.sendTo(address, request) },
      clock: this.clock,
      log: this.log.child({ component: 'membership' }),
      timeoutMs: this.limits.requestTimeoutMs,
    };
  }

  async open(): Promise<VolumeState> {
    assert(this.state === 'new', 'C1: open comes first, once');
    this.state = 'opening';
    let volume: RecoveredVolume;
    try {
      volume = await this.discoverAndRecover();
    } catch (error) {
      if (this.state === 'opening') this.state = 'new'; // open may be tried again
      throw error;
    }
    if (this.state !== 'opening') throw new StorageError('closed', 'closed during recovery');
    this.epoch = volume.epoch;
    this.history = volume.history;
    this.stats.recoveryChainEntries = volume.chainEntries;
    this.stats.recoveryChainRuns = volume.chainRuns;
    this.frontier = volume.vdl;
    this.vcl = volume.hint;
    this.vdl = volume.hint;
    if (volume.vdl > volume.hint) this.cpls.push(volume.vdl);
    this.state = 'open';
    for (const recovered of volume.groups) this.adopt(recovered);
    this.noteJoining();
    this.pushMembership();
    this.armSweep();
    this.advance();
    this.flush();
    const durableMs = Math.max(RECOVERY_DURABLE_TIMEOUT_MS, this.limits.commitTimeoutMs);
    await this.waitDurable(volume.vdl, durableMs);
    const groupTails = new Map<number, Lsn>();
    for (const g of volume.groups) if (g.tail > 0) groupTails.set(g.group, g.tail);
    this.log.info({ epoch: this.epoch, vdl: this.vdl, groups: groupTails.size }, 'volume open');
    return { epoch: this.epoch, vdl: volume.vdl, groupTails };
  }

  private async discoverAndRecover(): Promise<RecoveredVolume> {
    const seeds = Array.from({ length: this.transport.nodeCount }, (_, i) =>
      this.transport.address(i),
    );
    const found = await findMembership(this.discovery(), seeds);
    if (found.changed) await writeMembership(this.discovery(), found.membership, found.sealedEpoch);
    this.useMembership(found.membership);
    return recoverVolume({
      transport: this.transport,
      clock: this.clock,
      log: this.log.child({ component: 'recovery' }),
      timeoutMs: this.limits.commitTimeoutMs,
      placement: (group) => this.placement(group),
      joining: new Set(found.membership.joining),
      chainRunsMax: this.limits.chainRunsMax,
    });
  }

  /** Points the transport's slots at the membership's addresses (the seeds were a start). */
  private useMembership(m: Membership): void {
    assert(m.version >= (this.membershipValue?.version ?? 0), 'M2: versions only grow');
    this.transport.setAddresses(m.nodes.map((node) => node.address));
    this.membershipValue = m;
  }

  /** A group as recovery left it: channels from the truncation replies, records to repair. */
  private adopt(recovered: RecoveredGroup): void {
    const channels = this.placement(recovered.group).map((node) => {
      const scl = recovered.scls.get(node);
      const channel = newChannel(node, this.limits.backoffMinMs);
      channel.scl = scl ?? LSN_NONE;
      channel.epochSynced = scl !== undefined;
      channel.needsScl = recovered.repairFloor;
      return channel;
    });
    const g = new ReplicatedGroup(recovered.group, channels, {
      tail: recovered.tail,
      releasedThrough: recovered.repairFloor,
    });
    this.groups.set(g.group, g);
    for (const bytes of recovered.repair) g.retained.push(decodeRedoHeader(bytes).lsn, bytes);
    if (recovered.repair.length > 0) this.unsent.set(g.group, [...recovered.repair]);
    for (const channel of channels) if (!channel.epochSynced) this.startCatchUp(g, channel);
  }

  ship(records: readonly Buffer[]): void {
    assert(this.state !== 'new' && this.state !== 'opening', 'C1: ship after open');
    if (this.state !== 'open') throw this.notOpen();
    for (const bytes of records) {
      const h = decodeRedoHeader(bytes);
      assert.equal(h.lsn, this.frontier + 1, 'C2: records are gap-free and in order');
      assert.equal(h.epoch, this.epoch, 'K1: records carry the writer epoch');
      const group = protectionGroupOf(h.pageId);
      const g = this.groups.get(group) ?? this.newGroup(group);
      assert.equal(h.prevLsn, g.tail, "K1: a record's backlink is its group's previous record");
      g.tail = h.lsn;
      g.retained.push(h.lsn, bytes);
      if (h.cpl) this.cpls.push(h.lsn);
      this.frontier = h.lsn;
      const batch = this.unsent.get(group);
      if (batch === undefined) this.unsent.set(group, [bytes]);
      else batch.push(bytes);
    }
    if (!this.flushScheduled && this.unsent.size > 0) {
      this.flushScheduled = true;
      this.clock.defer(() => this.flush());
    }
  }

  private newGroup(group: number): ReplicatedGroup {
    const channels = this.placement(group).map((n) => newChannel(n, this.limits.backoffMinMs));
    const g = new ReplicatedGroup(group, channels, { tail: LSN_NONE, releasedThrough: LSN_NONE });
    this.groups.set(group, g);
    return g;
  }

  /**
   * Sends each group's new records to its streaming segments, in bounded requests, as far as
   * each one's window has room; a segment whose window fills catches up on the rest (G6).
   */
  private flush(): void {
    this.flushScheduled = false;
    if (this.state !== 'open') return;
    for (const [group, records] of this.unsent) {
      const g = this.groups.get(group);
      assert(g !== undefined, 'unsent records belong to a known group');
      const parts = chunks(records, this.limits.appendBatchBytesMax).map((chunk) => ({
        chunk,
        before: decodeRedoHeader(chunk[0] ?? Buffer.alloc(0)).prevLsn,
        lastLsn: decodeRedoHeader(chunk[chunk.length - 1] ?? Buffer.alloc(0)).lsn,
      }));
      for (const ch of g.channels) {
        if (ch.state !== 'streaming') continue;
        for (const part of parts) {
          if (ch.inFlightBytes >= this.limits.appendWindowBytes) {
            this.catchUpFrom(ch, part.before);
            break;
          }
          this.sendAppend(g, ch, part.chunk, part.lastLsn);
        }
      }
    }
    this.unsent.clear();
  }

  private sendAppend(g: ReplicatedGroup, ch: Channel, records: Buffer[], lastLsn: Lsn): void {
    let bytes = 0;
    for (const r of records) bytes += r.length;
    const sent: SentAppend = {
      id: ++this.requestSeq,
      generation: ch.generation,
      incarnation: ch.incarnation,
      lastLsn,
      bytes,
    };
    ch.outstanding.set(sent.id, this.clock.now());
    ch.inFlightBytes += bytes;
    this.lastAppendAt = this.clock.now();
    if (this.vdl > this.hintSent) this.hintSent = this.vdl;
    const request: AppendRequest = {
      kind: 'AppendRequest',
      group: g.group,
      epoch: this.epoch,
      vdlHint: this.vdl,
      readFloor: this.readFloor(),
      records,
      ...(ch.epochSynced ? {} : { history: this.history }),
    };
    this.stats.appendRequests++;
    this.stats.appendBytes += bytes;
    this.transport.send(ch.node, request).then(
      (reply) => this.onAppendReply(g, ch, sent, reply),
      (error: unknown) => this.onAppendFailed(g, ch, sent, error),
    );
  }

  private onAppendReply(g: ReplicatedGroup, ch: Channel, sent: SentAppend, reply: StorageReply) {
    answered(ch, sent);
    if (this.state !== 'open' || sent.incarnation !== ch.incarnation) return; // K8
    if (reply.kind === 'Refused') return this.onRefused(g, ch, sent, reply);
    if (reply.kind !== 'AppendReply') return this.onAppendFailed(g, ch, sent, reply.kind);
    if (sent.generation === ch.generation) ch.epochSynced = true;
    this.noteScl(g, ch, reply.scl);
    if (sent.generation !== ch.generation) return;
    if (ch.state === 'catching-up') {
      this.catchUpNext(g, ch);
    } else if (ch.state === 'streaming' && reply.scl < sent.lastLsn) {
      g.markLagging(ch);
      if (ch.scl >= ch.needsScl) this.startCatchUp(g, ch);
      else this.probeLater(g, ch, sent.lastLsn);
    }
  }

  /**
   * K10: asks a streaming segment whose hole only gossip can fill for its SCL again, once, in
   * laggingProbeMs; its reply comes back here. Any change of state cancels it (the timer is the
   * channel's, which catch-up and backoff cancel; the generation is checked too).
   */
  private probeLater(g: ReplicatedGroup, ch: Channel, lastLsn: Lsn): void {
    if (ch.timer !== undefined) return;
    const generation = ch.generation;
    ch.timer = this.clock.setTimer(() => {
      ch.timer = undefined;
      if (this.state !== 'open' || ch.state !== 'streaming') return;
      if (ch.generation !== generation || ch.scl >= lastLsn) return;
      this.stats.probeRequests++;
      this.sendAppend(g, ch, [], lastLsn);
    }, this.limits.laggingProbeMs);
  }

  private onRefused(g: ReplicatedGroup, ch: Channel, sent: SentAppend, refused: Refused): void {
    if (refused.reason === 'stale-epoch') return this.fence(refused.sealedEpoch);
    if (sent.generation !== ch.generation) return;
    if (refused.reason === 'epoch-behind') {
      ch.epochSynced = false;
      return this.startCatchUp(g, ch);
    }
    this.log.warn({ group: g.group, node: ch.node, reason: refused.reason }, 'append refused');
    this.enterBackoff(g, ch);
  }

  private onAppendFailed(g: ReplicatedGroup, ch: Channel, sent: SentAppend, error: unknown) {
    answered(ch, sent);
    if (this.state !== 'open' || sent.generation !== ch.generation) return;
    if (sent.incarnation !== ch.incarnation) return;
    const log = ch.state === 'streaming' ? this.log.warn : this.log.debug;
    log.call(this.log, { group: g.group, node: ch.node, err: error }, 'segment append failed');
    this.enterBackoff(g, ch);
  }

  /** streaming | catching-up → backoff: retry after a delay that doubles up to the maximum. */
  private enterBackoff(g: ReplicatedGroup, ch: Channel): void {
    ch.generation++;
    ch.state = 'backoff';
    ch.outstanding.clear();
    ch.inFlightBytes = 0;
    ch.timer?.cancel();
    const delayMs = ch.backoffMs;
    ch.backoffMs = Math.min(delayMs * 2, this.limits.backoffMaxMs);
    ch.timer = this.clock.setTimer(() => {
      ch.timer = undefined;
      this.startCatchUp(g, ch);
    }, delayMs);
  }

  /** → catching-up: send the retained records above the segment's SCL, chunk by chunk. */
  private startCatchUp(g: ReplicatedGroup, ch: Channel): void {
    if (this.state !== 'open') return;
    ch.timer?.cancel();
    ch.timer = undefined;
    ch.generation++;
    ch.state = 'catching-up';
    ch.outstanding.clear();
    ch.inFlightBytes = 0;
    ch.cursor = ch.scl;
    g.markLagging(ch);
    this.catchUpNext(g, ch);
  }

  /**
   * streaming → catching-up without a failure: the window is full (G6), so the records above
   * `sent` (the last LSN this segment was sent) follow as its requests are answered. The
   * requests in flight keep counting: same generation.
   */
  private catchUpFrom(ch: Channel, sent: Lsn): void {
    ch.state = 'catching-up';
    ch.cursor = sent;
  }

  /** Sends the retained records above the cursor while the window has room (G6). */
  private catchUpNext(g: ReplicatedGroup, ch: Channel): void {
    const chunkMax = Math.min(this.limits.catchUpBytesMax, this.limits.appendBatchBytesMax);
    let sent = false;
    while (ch.inFlightBytes < this.limits.appendWindowBytes || ch.outstanding.size === 0) {
      const { records, lastLsn } = g.retained.chunkAbove(ch.cursor, chunkMax);
      if (records.length === 0) break;
      ch.cursor = lastLsn;
      this.sendAppend(g, ch, records, lastLsn);
      sent = true;
    }
    if (sent || g.retained.firstAbove(ch.cursor) !== undefined) return;
    if (!ch.epochSynced) {
      // Nothing to send, but a segment that has not applied this epoch gets the history now, so
      // it truncates (and exists, on a new node) without waiting for the group's next record.
      if (ch.outstanding.size === 0) this.sendAppend(g, ch, [], ch.cursor);
      return;
    }
    ch.state = 'streaming';
    ch.backoffMs = this.limits.backoffMinMs;
    this.log.debug({ group: g.group, node: ch.node, scl: ch.scl }, 'segment caught up');
  }

  /** G3, Q3: a segment reported its SCL. */
  private noteScl(g: ReplicatedGroup, ch: Channel, scl: Lsn): void {
    if (scl <= ch.scl) return;
    ch.scl = scl;
    if (g.updateDurable()) this.advance();
    g.release(this.limits.laggingBytesMax);
  }

  /** Q4, Q5, K3: recomputes VCL and VDL and releases the waiters VDL now covers. */
  private advance(): void {
    const firsts: (Lsn | undefined)[] = [];
    for (const g of this.groups.values()) firsts.push(g.firstNotDurable());
    const vcl = volumeCompleteLsn(this.frontier, firsts);
    assert(vcl >= this.vcl, 'VCL never decreases');
    if (vcl > this.vcl) this.progressAt = this.clock.now();
    this.vcl = vcl;
    let vdl = this.vdl;
    while (this.cplHead < this.cpls.length && (this.cpls[this.cplHead] ?? vcl + 1) <= vcl) {
      vdl = this.cpls[this.cplHead++] ?? vdl;
    }
    if (this.cplHead > 4096 && this.cplHead * 2 > this.cpls.length) {
      this.cpls = this.cpls.slice(this.cplHead);
      this.cplHead = 0;
    }
    if (vdl === this.vdl) return;
    assert(vdl > this.vdl, 'Q1: VDL never decreases');
    assert(vdl <= this.vcl, 'Q2: VDL <= VCL');
    this.vdl = vdl;
    if (this.hintTimer === undefined && this.limits.hintIdleMs > 0) {
      this.hintTimer = this.clock.setTimer(this.hintIdle, this.limits.hintIdleMs);
    }
    while (this.waiters.length > 0 && (this.waiters[0]?.lsn ?? Infinity) <= vdl) {
      const w = this.waiters.shift();
      w?.timer?.cancel();
      w?.resolve();
    }
  }

  /**
   * K9: VDL moved since the timer was armed. If appends went out within the idle time, they
   * carried a recent hint: wait until the idle time has passed since the last one. Then, if VDL
   * is still ahead of every hint sent, send it alone to every streaming segment.
   */
  private readonly hintIdle = (): void => {
    this.hintTimer = undefined;
    if (this.state !== 'open' || this.vdl <= this.hintSent) return;
    const idleMs = this.clock.now() - this.lastAppendAt;
    if (idleMs < this.limits.hintIdleMs) {
      // Whole milliseconds: a fraction can be lost in the clock's precision, and never pass.
      const leftMs = Math.max(1, Math.ceil(this.limits.hintIdleMs - idleMs));
      this.hintTimer = this.clock.setTimer(this.hintIdle, leftMs);
      return;
    }
    for (const g of this.groups.values()) {
      for (const ch of g.channels) {
        if (ch.state !== 'streaming' || !ch.epochSynced) continue;
        this.stats.hintRequests++;
        this.sendAppend(g, ch, [], LSN_NONE);
      }
    }
    this.hintSent = this.vdl;
  };

  waitDurable(target: Lsn, timeoutMs = this.limits.commitTimeoutMs): Promise<void> {
    if (target <= this.vdl) return Promise.resolve();
    if (this.state === 'closed' || this.state === 'fenced') return Promise.reject(this.notOpen());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { lsn: target, resolve, reject, timer: undefined };
      let at = this.waiters.length;
      while (at > 0 && (this.waiters[at - 1]?.lsn ?? 0) > target) at--;
      this.waiters.splice(at, 0, waiter);
      const started = this.clock.now();
      const expire = (): void => {
        // K4: VCL moved within the last timeoutMs: the quorum is working through what is ahead.
        const leftMs = timeoutMs - (this.clock.now() - Math.max(started, this.progressAt));
        if (leftMs >= 1 && this.state === 'open') {
          waiter.timer = this.clock.setTimer(expire, leftMs);
          return;
        }
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        const message = `VDL did not reach ${target}: no progress in ${timeoutMs} ms`;
        reject(new StorageError('quorum-timeout', message));
      };
      waiter.timer = this.clock.setTimer(expire, timeoutMs);
    });
  }

  /**
   * The oldest read point the engine will still read at (its oldest snapshot): segments may
   * collect garbage below it once it is older than their retention window. Default: VDL.
   */
  setReadFloor(floor: Lsn | undefined): void {
    this.readFloorValue = floor;
  }

  private readFloor(): Lsn {
    const floor = this.readFloorValue;
    return floor === undefined || floor > this.vdl ? this.vdl : floor;
  }

  async readPage(pageId: PageId, readPoint: Lsn): Promise<Buffer> {
    if (this.state !== 'open') throw this.notOpen();
    assert(readPoint <= this.vdl, 'C5: read at or below VDL');
    const g = this.groups.get(protectionGroupOf(pageId));
    if (g === undefined || readPoint === LSN_NONE) return Buffer.alloc(PAGE_SIZE);
    this.stats.reads++;
    const candidates = g.channels
      .filter((c) => c.epochSynced && g.completeThrough(c, this.frontier) >= readPoint)
      .sort((a, b) => a.readLatencyMs - b.readLatencyMs);
    return this.hedgedRead(g, candidates, pageId, readPoint);
  }

  /** K7: the first candidate, raced by the next after its hedge delay; errors move on. */
  private hedgedRead(
    g: ReplicatedGroup,
    candidates: readonly Channel[],
    pageId: PageId,
    readPoint: Lsn,
  ): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      let next = 0;
      let inFlight = 0;
      let done = false;
      let hedge: Timer | undefined;
      const deadline = this.clock.setTimer(() => {
        const message = `page ${pageId}: no segment answered in ${this.limits.readDeadlineMs} ms`;
        if (!done) finish(() => reject(new StorageError('quorum-timeout', message)));
      }, this.limits.readDeadlineMs);
      const finish = (outcome: () => void): void => {
        done = true;
        hedge?.cancel();
        deadline.cancel();
        outcome();
      };
      const launch = (hedged: boolean): void => {
        if (done) return;
        const ch = candidates[next++];
        if (ch === undefined) {
          if (inFlight > 0) return;
          const message = `no segment complete to ${readPoint} answered for page ${pageId}`;
          return finish(() => reject(new StorageError('unavailable', message)));
        }
        if (hedged) this.stats.hedgedReads++;
        else if (next > 1) this.stats.readRetries++;
        inFlight++;
        hedge?.cancel();
        // K7: one hedge soon; a further one only once all in flight are past the read timeout.
        const delay = inFlight === 1 ? this.hedgeDelay(ch) : this.limits.readTimeoutMs;
        hedge = this.clock.setTimer(() => launch(true), delay);
        this.readFrom(g, ch, pageId, readPoint).then(
          (page) => {
            inFlight--;
            if (done) return;
            if (page !== undefined) finish(() => resolve(page));
            else launch(false);
          },
          (error: unknown) => {
            inFlight--;
            if (!done) finish(() => reject(error));
          },
        );
      };
      launch(false);
    });
  }

  private hedgeDelay(ch: Channel): number {
    const delay = Math.max(this.limits.hedgeDelayMinMs, 2 * ch.readLatencyMs);
    return Math.min(delay, this.limits.readTimeoutMs);
  }

  /** One attempt: the page, or undefined (and the segment is tried last next time). */
  private async readFrom(
    g: ReplicatedGroup,
    ch: Channel,
    pageId: PageId,
    readPoint: Lsn,
  ): Promise<Buffer | undefined> {
    const started = this.clock.now();
    const request: ReadPageRequest = {
      kind: 'ReadPageRequest',
      group: g.group,
      epoch: this.epoch,
      pageId,
      readPoint,
    };
    try {
      // K7: a slow answer still counts (the hedge races it); only the read's deadline ends it.
      const sent = this.transport.send(ch.node, request);
      const reply = await withTimeout(this.clock, sent, this.limits.readDeadlineMs, 'page read');
      if (reply.kind === 'ReadPageReply') {
        assert.equal(reply.page.length, PAGE_SIZE, 'a page is PAGE_SIZE bytes');
        const sample = this.clock.now() - started;
        ch.readLatencyMs = ch.readLatencyMs === 0 ? sample : 0.8 * ch.readLatencyMs + 0.2 * sample;
        return reply.page;
      }
      if (reply.kind === 'Refused' && reply.reason === 'stale-epoch') {
        this.fence(reply.sealedEpoch);
        throw this.notOpen();
      }
      const detail = replyDetail(reply);
      this.log.warn({ node: ch.node, pageId, readPoint, reply: detail }, 'read refused');
    } catch (error) {
      if (error instanceof StorageError && error.kind === 'stale-epoch') throw error;
      this.log.warn({ node: ch.node, pageId, err: error }, 'page read failed; trying another');
    }
    ch.readLatencyMs = Math.max(ch.readLatencyMs, this.limits.readTimeoutMs);
    return undefined;
  }

  durableLsn(): Lsn {
    return this.vdl;
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.stopEverything(new StorageError('closed', 'the storage client was closed'));
    this.log.info({ vdl: this.vdl }, 'storage client closed');
  }

  /** K6: a segment was sealed by a newer writer; this one must stop. */
  private fence(sealedEpoch: number): void {
    if (this.state !== 'open') return;
    this.state = 'fenced';
    const message = `epoch ${this.epoch} was fenced by epoch ${sealedEpoch}`;
    this.fenceError = new StorageError('stale-epoch', message);
    this.log.error({ epoch: this.epoch, sealedEpoch }, 'fenced by a newer writer');
    this.stopEverything(this.fenceError);
  }

  private stopEverything(error: StorageError): void {
    this.sweepTimer?.cancel();
    this.sweepTimer = undefined;
    this.hintTimer?.cancel();
    this.hintTimer = undefined;
    for (const g of this.groups.values()) for (const ch of g.channels) ch.timer?.cancel();
    this.unsent.clear();
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) {
      w.timer?.cancel();
      w.reject(error);
    }
  }

  private notOpen(): StorageError {
    if (this.fenceError !== undefined) return this.fenceError;
    return new StorageError('closed', `the storage client is ${this.state}`);
  }

  /**
   * Every half request timeout: requests unanswered past requestTimeoutMs count as failed (T1);
   * slots that lack the current membership are sent it; joining slots are checked (K8).
   */
  private armSweep(): void {
    const periodMs = Math.max(1, Math.floor(this.limits.requestTimeoutMs / 2));
    this.sweepTimer = this.clock.setTimer(() => {
      const now = this.clock.now();
      for (const g of this.groups.values()) {
        for (const ch of g.channels) {
          const oldest = ch.outstanding.values().next();
          const allowedMs = this.limits.requestTimeoutMs +
            (ch.inFlightBytes / 2 ** 20) * this.limits.requestMsPerMiB;
          if (!oldest.done && now - oldest.value > allowedMs) {
            this.log.warn({ group: g.group, node: ch.node }, 'segment request timed out');
            this.enterBackoff(g, ch);
          }
        }
      }
      this.pushMembership();
      this.checkJoining();
      this.checkIdentities();
      if (this.state === 'open') this.armSweep();
    }, periodMs);
  }

  // ---- membership: pushing it, replacing a node, joining slots (K8) ---------------------------

  /** Sends the membership to every slot not known to hold this version; no waiting. */
  private pushMembership(): void {
    const m = this.membershipValue;
    if (m === undefined || this.state !== 'open') return;
    m.nodes.forEach((_, slot) => {
      if ((this.pushedVersion.get(slot) ?? 0) >= m.version) return;
      const request = { kind: 'MembershipRequest' as const, epoch: this.epoch, membership: m };
      const sent = this.transport.send(slot, request);
      withTimeout(this.clock, sent, this.limits.requestTimeoutMs, 'membership').then(
        (reply) => {
          if (reply.kind === 'MembershipReply') this.pushedVersion.set(slot, reply.version);
          if (reply.kind === 'Refused' && reply.reason === 'stale-epoch') {
            this.fence(reply.sealedEpoch);
          }
        },
        () => undefined, // retried at the next sweep
      );
    });
  }

  /** K8: the groups placed on each joining slot, with what they held when it joined. */
  private noteJoining(): void {
    const m = this.membershipValue;
    if (m === undefined) return;
    for (const slot of m.joining) {
      if (this.joiningTargets.has(slot)) continue;
      const targets = new Map<number, Lsn>();
      for (const g of this.groups.values()) {
        if (this.placement(g.group).includes(slot)) targets.set(g.group, g.tail);
      }
      this.joiningTargets.set(slot, targets);
    }
  }

  /**
   * Replaces the node of `slot` (dead, or to be retired) with the empty node at `address`: a new
   * membership version with the slot joining, written to a majority of the slots, then the
   * slot's channels start over at SCL 0; the new node's segments are rebuilt by gossip from
   * their peers and by catch-up from what the writer still holds, while writes go on.
   */
  async replaceNode(slot: number, address: string): Promise<Membership> {
    if (this.state !== 'open') throw this.notOpen();
    const m = this.membershipValue;
    assert(m !== undefined, 'open');
    const old = m.nodes[slot];
    if (old === undefined) throw new StorageError('misconfigured', `there is no slot ${slot}`);
    const info = await withTimeout(
      this.clock,
      this.transport.sendTo(address, { kind: 'NodeInfoRequest' }),
      this.limits.requestTimeoutMs,
      'node info',
    );
    if (info.kind !== 'NodeInfoReply') throw new StorageError('unavailable', `${address}: no info`);
    if (m.nodes.some((n) => n.nodeId === info.nodeId)) {
      throw new StorageError('misconfigured', `${address} is already a member`);
    }
    if (info.zone !== old.zone) {
      throw new StorageError('misconfigured', `slot ${slot} is in zone '${old.zone}'`);
    }
    const fresh = { address, nodeId: info.nodeId, zone: info.zone };
    const nodes = m.nodes.map((n, i) => (i === slot ? fresh : n));
    const joining = [...new Set([...m.joining, slot])].sort((a, b) => a - b);
    const next = { version: m.version + 1, nodes, joining };
    await this.changeMembership(next);
    this.joiningTargets.delete(slot);
    for (const g of this.groups.values()) {
      const ch = g.channels.find((c) => c.node === slot);
      if (ch === undefined) continue;
      g.replaced(ch);
      this.startCatchUp(g, ch);
    }
    this.noteJoining();
    this.log.info({ slot, address, version: next.version }, 'storage node replaced; rebuilding');
    return next;
  }

  /** Writes a new membership version (D1), one change at a time, then uses it. */
  private async changeMembership(next: Membership): Promise<void> {
    while (this.membershipChange !== undefined) await this.membershipChange;
    const change = writeMembership(this.discovery(), next, this.epoch);
    this.membershipChange = change.then(
      () => undefined,
      () => undefined,
    );
    try {
      await change;
    } finally {
      this.membershipChange = undefined;
    }
    for (const [slot, node] of next.nodes.entries()) {
      const before = this.membershipValue?.nodes[slot]?.nodeId;
      if (before !== node.nodeId) this.pushedVersion.delete(slot);
    }
    this.useMembership(next);
  }

  /**
   * K8: a slot's node that answers with another id than the membership's is a new, empty node
   * at the dead one's address (how an operator replaces a node in place): it is rebuilt.
   */
  private checkIdentities(): void {
    const m = this.membershipValue;
    const now = this.clock.now();
    if (m === undefined || this.membershipChange !== undefined) return;
    if (now - this.lastIdentityCheck < this.limits.identityCheckMs) return;
    this.lastIdentityCheck = now;
    m.nodes.forEach((node, slot) => {
      const sent = this.transport.send(slot, { kind: 'NodeInfoRequest' });
      withTimeout(this.clock, sent, this.limits.requestTimeoutMs, 'identity').then(
        (reply) => {
          if (reply.kind !== 'NodeInfoReply' || reply.nodeId === node.nodeId) return;
          if (this.state !== 'open' || this.membershipValue?.nodes[slot] !== node) return;
          this.log.warn(
            { slot, address: node.address, was: node.nodeId, now: reply.nodeId },
            'a storage node answers with a new identity; rebuilding it in its slot',
          );
          this.replaceNode(slot, node.address).catch((error: unknown) => {
            this.log.warn({ slot, err: error }, 'could not rebuild the node; will retry');
          });
        },
        () => undefined,
      );
    });
  }

  /** K8: polls the joining slots' SCLs; a slot whose segments are all rebuilt stops joining. */
  private checkJoining(): void {
    const m = this.membershipValue;
    if (m === undefined || m.joining.length === 0 || this.membershipChange !== undefined) return;
    for (const slot of m.joining) {
      const sent = this.transport.send(slot, { kind: 'ListGroupsRequest' });
      withTimeout(this.clock, sent, this.limits.requestTimeoutMs, 'joining').then(
        (reply) => {
          if (reply.kind !== 'ListGroupsReply' || this.state !== 'open') return;
          for (const summary of reply.groups) {
            const g = this.groups.get(summary.group);
            const ch = g?.channels.find((c) => c.node === slot);
            if (g === undefined || ch === undefined) continue;
            if (summary.appliedEpoch === this.epoch) this.noteScl(g, ch, summary.scl);
          }
          this.finishJoining(slot);
        },
        () => undefined,
      );
    }
  }

  private finishJoining(slot: number): void {
    const m = this.membershipValue;
    const targets = this.joiningTargets.get(slot);
    if (m === undefined || targets === undefined || this.membershipChange !== undefined) return;
    for (const [group, target] of targets) {
      const ch = this.groups.get(group)?.channels.find((c) => c.node === slot);
      if (ch === undefined || ch.scl < target) return;
    }
    const next = { ...m, version: m.version + 1, joining: m.joining.filter((s) => s !== slot) };
    this.changeMembership(next).then(
      () => {
        this.joiningTargets.delete(slot);
        this.log.info({ slot, version: next.version }, 'storage node rebuilt; no longer joining');
      },
      (error: unknown) => this.log.warn({ slot, err: error }, 'could not end joining; will retry'),
    );
  }

  // ---- observability (C6) ---------------------------------------------------------------------

  async segmentStatus(): Promise<readonly SegmentStatusRow[]> {
    const m = this.membershipValue;
    if (m === undefined || this.state !== 'open') return [];
    const bySlot = await Promise.all(
      m.nodes.map(async (_, slot) => {
        try {
          const sent = this.transport.send(slot, { kind: 'StatusRequest' });
          const reply = await withTimeout(this.clock, sent, this.limits.requestTimeoutMs, 'status');
          return reply.kind === 'StatusReply' ? reply.segments : undefined;
        } catch {
          return undefined;
        }
      }),
    );
    const rows: SegmentStatusRow[] = [];
    for (const g of [...this.groups.values()].sort((a, b) => a.group - b.group)) {
      for (const ch of g.channels) {
        const node = m.nodes[ch.node];
        const reported = bySlot[ch.node]?.find((s) => s.group === g.group);
        rows.push(this.statusRow(g, ch, node, reported, bySlot[ch.node] !== undefined));
      }
    }
    return rows;
  }

  private statusRow(
    g: ReplicatedGroup,
    ch: Channel,
    node: { address: string; nodeId: string; zone: string } | undefined,
    s: SegmentStatus | undefined,
    reachable: boolean,
  ): SegmentStatusRow {
    const joining = this.membershipValue?.joining.includes(ch.node) ?? false;
    const complete = s === undefined ? undefined : g.completeAt(s.scl, ch.needsScl, this.frontier);
    return {
      group: g.group,
      slot: ch.node,
      address: node?.address ?? '',
      nodeId: node?.nodeId ?? '',
      zone: node?.zone ?? '',
      state: joining ? 'joining' : ch.state,
      reachable,
      scl: s?.scl ?? null,
      lagLsn: complete === undefined ? null : Math.max(0, this.vdl - complete),
      pendingRecords: s?.pendingRecords ?? null,
      records: s?.records ?? null,
      bytes: s?.bytes ?? null,
      gcLsn: s?.gcLsn ?? null,
      lastScrubMs: s?.lastScrubMs ?? null,
      corruptFound: s?.corruptFound ?? null,
      repairs: s?.repairs ?? null,
    };
  }
}

function newChannel(node: number, backoffMs: number): Channel {
  return {
    node,
    state: 'streaming',
    scl: LSN_NONE,
    needsScl: LSN_NONE,
    epochSynced: false,
    generation: 0,
    incarnation: 0,
    backoffMs,
    timer: undefined,
    cursor: LSN_NONE,
    outstanding: new Map(),
    inFlightBytes: 0,
    readLatencyMs: 0,
  };
}

/** A reply or failure came for `sent`: it no longer counts against the window (G6). */
function answered(ch: Channel, sent: SentAppend): void {
  if (ch.outstanding.delete(sent.id)) ch.inFlightBytes -= sent.bytes;
}

/** Splits records into runs of at most about bytesMax (at least one record each). */
function chunks(records: Buffer[], bytesMax: number): Buffer[][] {
  let size = 0;
  for (const r of records) size += r.length;
  if (size <= bytesMax) return [records];
  const out: Buffer[][] = [];
  let current: Buffer[] = [];
  size = 0;
  for (const r of records) {
    if (current.length > 0 && size + r.length > bytesMax) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(r);
    size += r.length;
  }
  if (current.length > 0) out.push(current);
  return out;
}

function replyDetail(reply: StorageReply): string {
  return reply.kind === 'Refused' ? `Refused: ${reply.reason}` : reply.kind;
}
