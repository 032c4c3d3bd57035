/**
 * A storage node: the segments of every protection group it serves, over one NodeStore.
 *
 * It answers storage requests (messages.ts): node requests itself (ListGroupsRequest), segment
 * requests by routing them to the segment of the request's group, which it loads from the store
 * on first use (a group it has never seen starts empty and is persisted by its first write).
 *
 * Lifecycle:
 *
 *     stopped ──start()──▶ running ──stop()──▶ stopped
 *
 *   start: opens the store; segments recover their SCL from it as they are loaded.
 *   stop:  stops answering (requests are refused with StorageError 'unavailable'), waits for the
 *          writes in flight, closes the store, forgets the segments.
 *
 * Invariants:
 *   (N1) a node answers only while running; a stopped node answers nothing, like a dead one.
 *   (N2) one Segment object per group while running, so its in-memory chain is the only one.
 *   (N3) the node refuses appends and page reads of every group, including groups it has never
 *        seen, from an epoch below the highest any of its segments was sealed at: a recovery
 *        that sealed a write quorum of nodes fences the old writer out of new groups too. The
 *        value is rebuilt from the segments' metadata on start.
 */
import assert from 'node:assert/strict';
import type { Logger } from 'pino';
import { StorageError } from './errors.js';
import type {
  ListGroupsReply,
  SegmentReply,
  SegmentRequest,
  StorageReply,
  StorageRequest,
} from './messages.js';
import { unreachable } from './redo.js';
import { Segment } from './segment/segment.js';
import type { NodeStore } from './segment/store.js';

export interface StorageNodeOptions {
  /** The node's number in its cluster, for logs. */
  readonly id: number;
  readonly log: Logger;
  /** Opens the node's durable state (its LMDB environment, or a memory disk). */
  readonly openStore: () => Promise<NodeStore>;
}

export class StorageNode {
  private store: NodeStore | undefined;
  private readonly segments = new Map<number, Segment>();
  private readonly log: Logger;
  private transition: Promise<void> | undefined;
  /** N3. */
  private sealedEpoch = 0;

  constructor(private readonly options: StorageNodeOptions) {
    this.log = options.log.child({ component: 'storage-node', node: options.id });
  }

  get id(): number {
    return this.options.id;
  }

  get running(): boolean {
    return this.store !== undefined && this.transition === undefined;
  }

  async start(): Promise<void> {
    assert(this.transition === undefined, 'one start or stop at a time');
    if (this.store !== undefined) return;
    this.transition = this.options.openStore().then((store) => {
      this.store = store;
      this.sealedEpoch = 0;
      for (const group of store.groups()) {
        const sealed = store.segment(group).meta()?.sealedEpoch ?? 0;
        if (sealed > this.sealedEpoch) this.sealedEpoch = sealed;
      }
    });
    try {
      await this.transition;
    } finally {
      this.transition = undefined;
    }
    this.log.info('storage node started');
  }

  async stop(): Promise<void> {
    assert(this.transition === undefined, 'one start or stop at a time');
    const store = this.store;
    if (store === undefined) return;
    this.transition = (async () => {
      await Promise.all([...this.segments.values()].map((s) => s.drain()));
      this.segments.clear();
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

  /** Answers one request (N1). */
  handle(request: StorageRequest): Promise<StorageReply> {
    if (!this.running) {
      return Promise.reject(new StorageError('unavailable', `storage node ${this.id} is down`));
    }
    switch (request.kind) {
      case 'ListGroupsRequest':
        return Promise.resolve(this.listGroups());
      case 'AppendRequest':
      case 'ReadPageRequest':
        if (request.epoch < this.sealedEpoch) {
          return Promise.resolve({
            kind: 'Refused',
            reason: 'stale-epoch',
            sealedEpoch: this.sealedEpoch,
          });
        }
        return this.toSegment(request);
      case 'SclRequest':
      case 'ChainRequest':
      case 'ReadRecordsRequest':
      case 'TruncateRequest':
        return this.toSegment(request);
      default:
        return unreachable(request);
    }
  }

  private async toSegment(request: SegmentRequest): Promise<SegmentReply> {
    const segment = this.segment(request.group);
    const reply = await segment.processMessage(request);
    if (segment.sealedEpoch > this.sealedEpoch) this.sealedEpoch = segment.sealedEpoch; // N3
    return reply;
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
      segment = new Segment(store.segment(group), log);
      this.segments.set(group, segment);
    }
    return segment;
  }
}
