/**
 * The writer's replication state for one protection group: the records it still holds for
 * segments that lack them, and what it knows of each of the group's six segments (a Channel).
 * Pure bookkeeping, no I/O: client.ts sends the requests and feeds the replies in.
 *
 * Channel states (per segment) and who moves them (client.ts):
 *
 *     streaming ──request fails, times out or is refused──▶ backoff
 *     streaming ──ack shows a hole the retained records can fill──▶ catching-up
 *     streaming ──its window (G6) is full──▶ catching-up (from the last LSN it was sent)
 *     backoff ──timer──▶ catching-up ──all retained records sent──▶ streaming
 *     catching-up ──request fails──▶ backoff
 *
 *   A streaming channel gets every new batch at once, as far as its window has room (G6); what
 *   does not fit makes it catch up from there. A channel in backoff or catching-up gets none;
 *   catching up sends it the retained records above its cursor (its SCL after a failure), in
 *   chunks that keep its window full, then streams.
 *
 * Invariants:
 *   (G1) `retained` holds, in LSN order, every record of the group shipped after
 *        `releasedThrough`: records leave only from the head, once every segment's SCL covers
 *        them, or once they are durable and the queue is over LAGGING_SEGMENT_BYTES_MAX.
 *   (G2) A record that is not durable (Q3) is never released.
 *   (G3) A channel's `scl` only grows (after recovery): it is what the segment last reported;
 *        except when its slot gets a new, empty node (a replacement), which starts it at 0.
 *   (G4) A channel whose SCL is below `needsScl` lacks a record the writer no longer holds; it is
 *        not read from until gossip (later issue) brings its SCL up to needsScl.
 *   (G5) A segment is complete up to `completeThrough(channel)`: it holds every record of the
 *        group at or below that LSN (it holds its chain up to its SCL, and the group's next record
 *        after the SCL is retained, by G1 and G4).
 *   (G6) A channel has at most about the append window's bytes in requests not yet answered, so
 *        a commit of any size reaches a segment as a stream of bounded requests and each one is
 *        answered in a bounded time (client.ts enforces it; the window is one chunk at least).
 */
import assert from 'node:assert/strict';
import type { Timer } from './clock.js';
import { LSN_NONE, type Lsn } from './lsn.js';
import { writeQuorumLsn } from './quorum.js';

export type ChannelState = 'streaming' | 'backoff' | 'catching-up';

export interface Channel {
  readonly node: number;
  state: ChannelState;
  /** G3: the segment's last reported SCL. */
  scl: Lsn;
  /** G4. */
  needsScl: Lsn;
  /** True once the segment answered in the writer's epoch; until then appends carry history. */
  epochSynced: boolean;
  /** Bumped on every state change; replies to requests of older generations only report SCL. */
  generation: number;
  /** Bumped when the slot gets a new node: replies from the node it had before are ignored. */
  incarnation: number;
  backoffMs: number;
  /** The retry of a backoff, or the next probe of a streaming segment (client.ts K10). */
  timer: Timer | undefined;
  /** While catching up: the last LSN sent. */
  cursor: Lsn;
  /** Append requests in flight: request id → the time it was sent, oldest first. */
  readonly outstanding: Map<number, number>;
  /** G6: bytes of records in the requests of `outstanding`. */
  inFlightBytes: number;
  /** Its page reads' latency, smoothed (EWMA); reads prefer the fastest. */
  readLatencyMs: number;
}

/**
 * What one retained record costs the heap beyond its bytes: the Buffer object and its slots in
 * the arrays. Counted, so that the bound (LAGGING_SEGMENT_BYTES_MAX) holds for memory and not
 * only for payload: a million records of ~60 bytes (one big commit's cell inserts) were seen
 * holding ~93 MB of objects while their payload stayed under the 64 MiB bound.
 */
export const RETAINED_RECORD_OVERHEAD = 96;

/** The group's records the writer still holds: parallel arrays with a moving head. */
export class RetainedRecords {
  private lsns: Lsn[] = [];
  private records: Buffer[] = [];
  private head = 0;
  private byteCount = 0;

  /** The records' bytes plus RETAINED_RECORD_OVERHEAD each. */
  get bytes(): number {
    return this.byteCount;
  }

  get length(): number {
    return this.lsns.length - this.head;
  }

  firstLsn(): Lsn | undefined {
    return this.lsns[this.head];
  }

  push(lsn: Lsn, bytes: Buffer): void {
    const last = this.lsns[this.lsns.length - 1];
    assert(last === undefined || last < lsn, 'G1: retained in LSN order');
    this.lsns.push(lsn);
    this.records.push(bytes);
    this.byteCount += bytes.length + RETAINED_RECORD_OVERHEAD;
  }

  /** Removes the head record; returns its LSN. */
  shift(): Lsn {
    const lsn = this.lsns[this.head];
    const bytes = this.records[this.head];
    assert(lsn !== undefined && bytes !== undefined, 'shift of an empty queue');
    this.byteCount -= bytes.length + RETAINED_RECORD_OVERHEAD;
    this.head++;
    if (this.head >= 1024 && this.head * 2 >= this.lsns.length) {
      this.lsns = this.lsns.slice(this.head);
      this.records = this.records.slice(this.head);
      this.head = 0;
    }
    return lsn;
  }

  /** The first retained LSN above `lsn`, if any. */
  firstAbove(lsn: Lsn): Lsn | undefined {
    return this.lsns[this.indexAbove(lsn)];
  }

  /** Retained records above `lsn`, at least one and at most about `bytesMax` bytes. */
  chunkAbove(lsn: Lsn, bytesMax: number): { records: Buffer[]; lastLsn: Lsn } {
    const records: Buffer[] = [];
    let lastLsn = lsn;
    let size = 0;
    for (let i = this.indexAbove(lsn); i < this.lsns.length; i++) {
      const bytes = this.records[i];
      const at = this.lsns[i];
      if (bytes === undefined || at === undefined) break;
      if (records.length > 0 && size + bytes.length > bytesMax) break;
      records.push(bytes);
      size += bytes.length;
      lastLsn = at;
    }
    return { records, lastLsn };
  }

  private indexAbove(lsn: Lsn): number {
    let lo = this.head;
    let hi = this.lsns.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.lsns[mid] ?? 0) <= lsn) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export class ReplicatedGroup {
  readonly retained = new RetainedRecords();
  /** The group's last shipped record: the backlink of its next one. */
  tail: Lsn;
  /** The last LSN released from `retained` (G1). */
  releasedThrough: Lsn;
  /** Q3: the group's records up to here are durable. */
  durable: Lsn = LSN_NONE;
  /** updateDurable's scratch: the channels' SCLs. */
  private readonly scls: Lsn[] = [];

  constructor(
    readonly group: number,
    readonly channels: readonly Channel[],
    start: { readonly tail: Lsn; readonly releasedThrough: Lsn },
  ) {
    this.tail = start.tail;
    this.releasedThrough = start.releasedThrough;
    this.updateDurable();
  }

  /** Recomputes the write-quorum point from the channels' SCLs (Q3); true if it moved. */
  updateDurable(): boolean {
    // Issue 8 (cost): every append reply lands here; the SCLs go into one reused array.
    const scls = this.scls;
    scls.length = this.channels.length;
    for (let i = 0; i < scls.length; i++) scls[i] = (this.channels[i] as Channel).scl;
    const durable = writeQuorumLsn(scls);
    if (durable <= this.durable) return false;
    this.durable = durable;
    return true;
  }

  /** Q4's input: the group's first record that is not durable, if any. */
  firstNotDurable(): Lsn | undefined {
    return this.retained.firstAbove(this.durable);
  }

  /** G5: the highest LSN up to which the channel's segment holds every record of the group. */
  completeThrough(channel: Channel, frontier: Lsn): Lsn {
    return this.completeAt(channel.scl, channel.needsScl, frontier);
  }

  /** G5 for a segment that reported `scl`. */
  completeAt(scl: Lsn, needsScl: Lsn, frontier: Lsn): Lsn {
    if (scl < needsScl) return LSN_NONE;
    if (scl >= this.tail) return frontier;
    const next = this.retained.firstAbove(scl);
    return next === undefined ? scl : ((next - 1) as Lsn);
  }

  /** G3's exception: the channel's slot now holds a new, empty node that must be rebuilt. */
  replaced(channel: Channel): void {
    channel.incarnation++;
    channel.scl = LSN_NONE;
    channel.needsScl = this.tail;
    channel.epochSynced = false;
    channel.readLatencyMs = 0;
  }

  /**
   * G1, G2: lets go of the records every segment has, then of durable records over the bound,
   * marking the segments that still lack those (G4).
   */
  release(bytesMax: number): void {
    let minScl = this.channels[0]?.scl ?? LSN_NONE;
    for (const c of this.channels) if (c.scl < minScl) minScl = c.scl;
    for (let first = this.retained.firstLsn(); first !== undefined && first <= minScl; ) {
      this.releasedThrough = this.retained.shift();
      first = this.retained.firstLsn();
    }
    let dropped = false;
    for (let first = this.retained.firstLsn(); first !== undefined; ) {
      if (this.retained.bytes <= bytesMax || first > this.durable) break;
      this.releasedThrough = this.retained.shift();
      dropped = true;
      first = this.retained.firstLsn();
    }
    if (dropped) for (const c of this.channels) this.markLagging(c);
  }

  /** G4: a segment below releasedThrough lacks a record no longer held. */
  markLagging(channel: Channel): void {
    if (channel.scl < this.releasedThrough && channel.needsScl < this.releasedThrough) {
      channel.needsScl = this.releasedThrough;
    }
  }
}
