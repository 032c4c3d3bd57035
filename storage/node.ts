/**
 * A storage node: the segments of every protection group it serves, over one NodeStore, and the
 * background work that keeps them whole (gossip, garbage collection, scrub: maintenance.ts).
 *
 * It answers storage requests (messages.ts): node requests itself (its id and zone, its
 * membership, group listing, status rows, scrub on demand), segment requests by routing them to
 * the segment of the request's group. Every group it has persisted is loaded at start; a group it
 * has never seen starts empty on first use and is persisted by its first write. From the
 * membership it learns which slot it holds, so which peers each of its segments has; a node that
 * replaced a lost one learns which groups it should hold by asking a peer (discovery) and builds
 * them by gossip.
 *
 * Lifecycle:
 *
 *     stopped ──start()──▶ running ──stop()──▶ stopped
 *                          running ──halt()──▶ stopped   (the simulator's crash: no drain)
 *
 *   start: opens the store; reads (or creates) the node id; loads membership and segments; arms
 *          the background timers.
 *   stop:  stops answering (requests are refused with StorageError 'unavailable'), cancels the
 *          timers, retires the segments, waits for the writes in flight, writes each segment's
 *          usage counts (usage.ts U5: the next start counts nothing), closes the store.
 *
 * Invariants:
 *   (N1) a node answers only while running; a stopped node answers nothing, like a dead one.
 *   (N2) one Segment object per group while running, so its in-memory chain is the only one.
 *   (N3) the node refuses appends, page reads and membership changes of every group, including
 *        groups it has never seen, from an epoch below the highest any of its segments was
 *        sealed at: a recovery that sealed a write quorum of nodes fences the old writer out of
 *        new groups too. The value is rebuilt from the segments' metadata on start.
 *   (N4) the node keeps the highest membership version it was sent (M2), persisted before the
 *        MembershipReply says so.
 *   (N5) background work started before a stop or halt never touches the next incarnation: every
 *        timer and peer request checks the node's generation.
 */
import assert from 'node:assert/strict';
import type { Logger } from 'pino';
import { type Clock, type Random, randomHex, systemClock, systemRandom } from './clock.js';
import {
  DISCOVERY_EVERY_ROUNDS,
  GC_INTERVAL_MS,
  GOSSIP_INTERVAL_MS,
  PEER_REQUEST_TIMEOUT_MS,
  RETENTION_MS,
  SCRUB_BATCH,
  SCRUB_INTERVAL_MS,
  SCRUB_STEP_MS,
  STATUS_LOG_INTERVAL_MS,
} from './config.js';
import { withTimeout } from './clock.js';
import { StorageError } from './errors.js';
import {
  type Membership,
  decodeMembership,
  encodeMembership,
  placement,
} from './membership.js';
import type {
  ListGroupsReply,
  MembershipReply,
  MembershipRequest,
  Refused,
  ScrubReply,
  SegmentReply,
  SegmentRequest,
  StorageReply,
  StorageRequest,
} from './messages.js';
import { unreachable } from './redo.js';
import type { CoalesceShare } from './segment/coalesce-share.js';
import type { SyncMode } from './segment/hot-log.js';
import { Segment } from './segment/segment.js';
import type { NodeStore } from './segment/store.js';
import type { Network } from './transport.js';

export interface StorageNodeOptions {
  /** The node's number in its cluster, for logs. */
  readonly id: number;
  readonly log: Logger;
  /** Opens the node's durable state (its LMDB environment, or a memory disk). */
  readonly openStore: () => Promise<NodeStore>;
  readonly clock?: Clock;
  readonly random?: Random;
  /** The node's zone ('' when zones are not used). */
  readonly zone?: string;
  /** Reaches peer nodes (gossip, repair, discovery); absent: the node never talks to peers. */
  readonly network?: Network;
  readonly retentionMs?: number;
  readonly scrubIntervalMs?: number;
  readonly gossipIntervalMs?: number;
  readonly gcIntervalMs?: number;
  readonly statusLogIntervalMs?: number;
  /** false: no background timers (tests that drive every step by hand). Default true. */
  readonly background?: boolean;
  /**
   * Pages built by coalescing, shared with the other nodes of the same thread (segment.ts S11):
   * the nodes of an embedded cluster get one; a node alone in its process gets none.
   */
  readonly coalesceShare?: CoalesceShare;
}

const NODE_ID_KEY = 'node-id';
const MEMBERSHIP_KEY = 'membership';

export class StorageNode {
  private store: NodeStore | undefined;
  private readonly segments = new Map<number, Segment>();
  private readonly log: Logger;
  private readonly clock: Clock;
  private transition: Promise<void> | undefined;
  /** N3. */
  private sealedEpoch = 0;
  private nodeIdValue = '';
  private membershipValue: Membership | null = null;
  /** N5: bumped by every stop and halt. */
  private generation = 0;
  private readonly timers: { cancel(): void }[] = [];
  private readonly background = new Set<Promise<unknown>>();
  private gossipRounds = 0;
  /** The last status row logged per group (logStatus). */
  private readonly lastStatus = new Map<number, string>();
  /** peersOf, per group, for the current membership. */
  private readonly peerCache = new Map<number, string[]>();

  constructor(private readonly options: StorageNodeOptions) {
    this.log = options.log.child({ component: 'storage-node', node: options.id });
    this.clock = options.clock ?? systemClock;
  }

  get id(): number {
    return this.options.id;
  }

  get nodeId(): string {
    return this.nodeIdValue;
  }

  get zone(): string {
    return this.options.zone ?? '';
  }

  get membership(): Membership | null {
    return this.membershipValue;
  }

  get running(): boolean {
    return this.store !== undefined && this.transition === undefined;
  }

  /** How its appends are made durable (hot-log.ts), once started; none for a memory store. */
  get syncMode(): SyncMode | undefined {
    return this.store?.syncMode;
  }

  async start(): Promise<void> {
    assert(this.transition === undefined, 'one start or stop at a time');
    if (this.store !== undefined) return;
    this.transition = this.options.openStore().then((store) => this.load(store));
    try {
      await this.transition;
    } finally {
      this.transition = undefined;
    }
    if (this.options.background ?? true) this.armTimers();
    const syncMode = this.syncMode;
    this.log.info({ nodeId: this.nodeIdValue, zone: this.zone, syncMode }, 'storage node started');
  }

  private async load(store: NodeStore): Promise<void> {
    let id = store.nodeValue(NODE_ID_KEY)?.toString('utf8');
    if (id === undefined) {
      id = randomHex(this.options.random ?? systemRandom, 8);
      await store.putNodeValue(NODE_ID_KEY, Buffer.from(id, 'utf8'));
    }
    const membership = store.nodeValue(MEMBERSHIP_KEY);
    this.nodeIdValue = id;
    this.membershipValue = membership === undefined ? null : decodeMembership(membership);
    this.peerCache.clear();
    this.store = store;
    this.sealedEpoch = 0;
    for (const group of store.groups()) {
      const sealed = this.segment(group).sealedEpoch;
      if (sealed > this.sealedEpoch) this.sealedEpoch = sealed;
    }
  }

  async stop(): Promise<void> {
    assert(this.transition === undefined, 'one start or stop at a time');
    const store = this.store;
    if (store === undefined) return;
    this.transition = (async () => {
      const segments = this.retireAll();
      await Promise.all(segments.map((s) => s.drain()));
      await Promise.all(segments.map((s) => s.saveUsage()));
      this.store = undefined;
      await store.close();
    })();
    try {
      await this.transition;
    } finally {
      this.transition = undefined;
    }
    this.log.info('storage node stopped');
  }

  /** Stops at once, without waiting for or closing anything (the simulator's crash). */
  halt(): void {
    if (this.store === undefined) return;
    this.retireAll();
    this.store = undefined;
  }

  private retireAll(): Segment[] {
    this.generation++;
    for (const t of this.timers.splice(0)) t.cancel();
    const segments = [...this.segments.values()];
    for (const s of segments) s.retire();
    this.segments.clear();
    return segments;
  }

  /** Answers one request (N1). */
  handle(request: StorageRequest): Promise<StorageReply> {
    if (!this.running) {
      return Promise.reject(new StorageError('unavailable', `storage node ${this.id} is down`));
    }
    switch (request.kind) {
      case 'ListGroupsRequest':
        return Promise.resolve(this.listGroups());
      case 'NodeInfoRequest':
        return Promise.resolve({
          kind: 'NodeInfoReply',
          nodeId: this.nodeIdValue,
          zone: this.zone,
          membership: this.membershipValue,
          sealedEpoch: this.sealedEpoch,
        });
      case 'MembershipRequest':
        return this.adoptMembership(request);
      case 'StatusRequest':
        return Promise.resolve({
          kind: 'StatusReply',
          nodeId: this.nodeIdValue,
          zone: this.zone,
          segments: [...this.segments.values()].map((s) => s.status()),
        });
      case 'ScrubRequest':
        return this.scrubAll();
      case 'AppendRequest':
      case 'ReadPageRequest':
        if (request.epoch < this.sealedEpoch) return Promise.resolve(this.staleEpoch());
        return this.toSegment(request);
      case 'SclRequest':
      case 'ChainRequest':
      case 'ChainRunsRequest':
      case 'ReadRecordsRequest':
      case 'TruncateRequest':
        return this.toSegment(request);
      case 'GossipRequest':
      case 'RepairRequest':
        if (!this.segments.has(request.group)) {
          return Promise.resolve({ kind: 'Refused', reason: 'incomplete', sealedEpoch: 0 });
        }
        return this.toSegment(request);
      default:
        return unreachable(request);
    }
  }

  private staleEpoch(): Refused {
    return { kind: 'Refused', reason: 'stale-epoch', sealedEpoch: this.sealedEpoch };
  }

  private async toSegment(request: SegmentRequest): Promise<SegmentReply> {
    const segment = this.segment(request.group);
    const reply = await segment.processMessage(request);
    if (segment.sealedEpoch > this.sealedEpoch) this.sealedEpoch = segment.sealedEpoch; // N3
    return reply;
  }

  /** N3, N4. */
  private async adoptMembership(m: MembershipRequest): Promise<MembershipReply | Refused> {
    const store = this.store;
    assert(store !== undefined, 'N1: running');
    if (m.epoch < this.sealedEpoch) return this.staleEpoch();
    const current = this.membershipValue?.version ?? 0;
    if (m.membership.version > current) {
      await store.putNodeValue(MEMBERSHIP_KEY, encodeMembership(m.membership));
      if (m.membership.version > (this.membershipValue?.version ?? 0)) {
        this.membershipValue = m.membership;
        this.peerCache.clear();
        this.log.info({ version: m.membership.version, slot: this.slot() }, 'membership adopted');
      }
    }
    return { kind: 'MembershipReply', version: this.membershipValue?.version ?? 0 };
  }

  private listGroups(): ListGroupsReply {
    const store = this.store;
    assert(store !== undefined, 'N1: running');
    const groups = new Set(store.groups());
    for (const [group, segment] of this.segments) if (segment.summary().scl > 0) groups.add(group);
    const sorted = [...groups].sort((a, b) => a - b);
    return { kind: 'ListGroupsReply', groups: sorted.map((g) => this.segment(g).summary()) };
  }

  /** N2: the group's segment, loaded on first use. */
  private segment(group: number): Segment {
    let segment = this.segments.get(group);
    if (segment === undefined) {
      const store = this.store;
      assert(store !== undefined, 'N1: running');
      const log = this.options.log.child({ component: 'segment', group, node: this.id });
      const network = this.options.network;
      const generation = this.generation;
      segment = new Segment(store.segment(group), log, {
        clock: this.clock,
        coalesceShare: this.options.coalesceShare,
        retentionMs: this.options.retentionMs ?? RETENTION_MS,
        peers: () => this.peersOf(group),
        sendToPeer:
          network === undefined
            ? undefined
            : (address, request) => {
                if (generation !== this.generation) {
                  return Promise.reject(new StorageError('closed', 'the node has stopped'));
                }
                return network.send(address, request);
              },
      });
      this.segments.set(group, segment);
    }
    return segment;
  }

  /** This node's slot in the membership, or -1. */
  private slot(): number {
    return this.membershipValue?.nodes.findIndex((n) => n.nodeId === this.nodeIdValue) ?? -1;
  }

  /** The addresses of the other segments of a group, if this node holds one of its slots. */
  private peersOf(group: number): string[] {
    const cached = this.peerCache.get(group);
    if (cached !== undefined) return cached;
    const m = this.membershipValue;
    const mine = this.slot();
    if (m === null || mine < 0) return [];
    const slots = placement(m, group);
    const peers = slots.includes(mine)
      ? slots.filter((s) => s !== mine).map((s) => m.nodes[s]?.address ?? '')
      : [];
    this.peerCache.set(group, peers);
    return peers;
  }

  // ---- background work (N5) ---------------------------------------------------------------

  private armTimers(): void {
    const o = this.options;
    this.every(o.gossipIntervalMs ?? GOSSIP_INTERVAL_MS, () => this.gossipTick());
    this.every(o.gcIntervalMs ?? GC_INTERVAL_MS, () =>
      Promise.all([...this.segments.values()].map((s) => s.maintenance.collect())),
    );
    this.every(SCRUB_STEP_MS, () => this.scrubTick());
    this.every(o.statusLogIntervalMs ?? STATUS_LOG_INTERVAL_MS, () => this.logStatus());
  }

  /**
   * Each segment's status row in its own log, when it changed since the last one (observability;
   * C6 serves the same rows on demand).
   */
  private async logStatus(): Promise<void> {
    for (const s of this.segments.values()) {
      const status = s.status();
      const lagLsn = Math.max(0, s.hint - status.scl);
      const row = { ...status, lagLsn, vdlHint: s.hint };
      const key = JSON.stringify(row);
      if (this.lastStatus.get(s.group) === key) continue;
      this.lastStatus.set(s.group, key);
      s.log.info(row, 'segment status');
    }
  }

  /** Runs `work` every `periodMs`, the next run armed only once this one has finished. */
  private every(periodMs: number, work: () => Promise<unknown>): void {
    const generation = this.generation;
    const arm = (): void => {
      const timer = this.clock.setTimer(() => {
        const i = this.timers.indexOf(timer);
        if (i >= 0) this.timers.splice(i, 1);
        if (generation !== this.generation) return;
        const run = work()
          .catch((error: unknown) => this.log.error({ err: error }, 'background work failed'))
          .finally(() => {
            this.background.delete(run);
            if (generation === this.generation) arm();
          });
        this.background.add(run);
      }, periodMs);
      this.timers.push(timer);
    };
    arm();
  }

  private async gossipTick(): Promise<void> {
    if (this.options.network === undefined) return;
    if (this.gossipRounds++ % DISCOVERY_EVERY_ROUNDS === 0) await this.discover();
    await Promise.all([...this.segments.values()].map((s) => s.maintenance.gossipRound()));
  }

  /** Asks one other member which groups exist; loads (empty) segments of those placed here. */
  private async discover(): Promise<void> {
    const m = this.membershipValue;
    const network = this.options.network;
    const mine = this.slot();
    if (m === null || network === undefined || mine < 0) return;
    const others = m.nodes.filter((_, slot) => slot !== mine);
    const peer = others[Math.floor(this.gossipRounds / DISCOVERY_EVERY_ROUNDS) % others.length];
    if (peer === undefined) return;
    const generation = this.generation;
    let reply: StorageReply;
    try {
      const sent = network.send(peer.address, { kind: 'ListGroupsRequest' });
      reply = await withTimeout(this.clock, sent, PEER_REQUEST_TIMEOUT_MS, 'discovery');
    } catch {
      return;
    }
    if (generation !== this.generation || reply.kind !== 'ListGroupsReply') return;
    for (const g of reply.groups) {
      if (this.segments.has(g.group) || !placement(m, g.group).includes(mine)) continue;
      this.log.info({ group: g.group }, 'discovery: a group placed here; building its segment');
      this.segment(g.group);
    }
  }

  private async scrubTick(): Promise<void> {
    const intervalMs = this.options.scrubIntervalMs ?? SCRUB_INTERVAL_MS;
    for (const s of this.segments.values()) {
      if (s.maintenance.scrubDue(intervalMs)) await s.maintenance.scrubStep(SCRUB_BATCH);
    }
  }

  /** Scrubs every segment completely, now (operators, tests). */
  private async scrubAll(): Promise<ScrubReply> {
    let checked = 0;
    let corrupt = 0;
    let repaired = 0;
    for (const s of [...this.segments.values()]) {
      s.maintenance.restartScrub();
      for (let done = false; !done && !s.busy; ) {
        const step = await s.maintenance.scrubStep(SCRUB_BATCH);
        checked += step.checked;
        corrupt += step.corrupt;
        repaired += step.repaired;
        done = step.done;
      }
    }
    return { kind: 'ScrubReply', checked, corrupt, repaired };
  }
}
