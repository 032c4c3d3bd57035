/**
 * A segment: one protection group's replica on one storage node, as a state machine over its
 * store. `processMessage` takes a request (messages.ts) and answers it; the node routes to it.
 *
 * The write path: receive → verify every record's crc → persist (one store call, synced) →
 * acknowledge with the SCL. That is the only synchronous step; holes (records that arrived above
 * a missing one) are kept until the hole fills (chain.ts), and duplicates are ignored.
 * Reads materialise a page at a read point: the latest page image at or below it (or a zero
 * page), then `applyRedo` of the page's records up to the read point, in LSN order. A page built
 * from many records is written back as an image (coalescing); images are keyed by LSN, so an image
 * never changes what an older read point sees.
 *
 * Lifecycle:
 *
 *     open ──store write fails──▶ failed (sticky: refuses everything until the node restarts)
 *
 *   and, while open, per epoch:
 *
 *     applied e ──SclRequest(E > sealed)──▶ sealed E (appends of e refused: fenced)
 *     sealed E / applied e ──TruncateRequest(E) or AppendRequest(E, history)──▶ applied E
 *
 *   transition                          function
 *   append records, ack SCL             append
 *   seal at a new epoch (recovery)      seal
 *   truncate under a new epoch          truncateFor
 *   store failure → failed              fail
 *
 * Invariants (besides CH1–CH3 of chain.ts and E1–E2 of quorum.ts):
 *   (S1) a reply's SCL counts only records that are persisted (ST1).
 *   (S2) a request whose epoch is below sealedEpoch is refused ('stale-epoch'); appends and page
 *        reads are served only in the applied epoch.
 *   (S3) an epoch change (seal, truncate) runs alone: it waits until every write in flight has
 *        finished, and requests that arrive meanwhile wait for it.
 *   (S4) a page image at LSN L is written only if L <= SCL, so it includes every record <= L.
 *   (S5) once failed, nothing more is acknowledged (SQLite's sticky pager error).
 */
import assert from 'node:assert/strict';
import type { Logger } from 'pino';
import { COALESCE_RECORDS_MIN, protectionGroupOf } from '../config.js';
import { LSN_NONE, type Lsn, type PageId } from '../lsn.js';
import type {
  AppendReply,
  AppendRequest,
  ChainReply,
  ChainRequest,
  EpochStart,
  GroupSummary,
  ReadPageReply,
  ReadPageRequest,
  ReadRecordsReply,
  ReadRecordsRequest,
  Refused,
  RefusalReason,
  SclReply,
  SclRequest,
  SegmentReply,
  SegmentRequest,
  TruncateReply,
} from '../messages.js';
import { PAGE_SIZE } from '../page.js';
import { applyRedo } from '../page-apply.js';
import { epochCut, mergeHistories } from '../quorum.js';
import { decodeRedo, decodeRedoHeader, redoIsIntact, unreachable } from '../redo.js';
import { ChainTracker } from './chain.js';
import type { SegmentMeta, SegmentStore, StoredRecord } from './store.js';

const LSN_TOP = Number.MAX_SAFE_INTEGER as Lsn;

export class Segment {
  private readonly chain: ChainTracker;
  private vdlHint: Lsn;
  private sealed: number;
  private appliedEpoch: number;
  private history: readonly EpochStart[];
  private failure: unknown = undefined;
  /** Set while an epoch change runs (S3). */
  private lock: Promise<void> | undefined;
  /** Store writes in flight, and who waits for them to finish (S3). */
  private writes = 0;
  private drainWaiters: (() => void)[] = [];

  /** Loads the segment's state from its store: metadata, then the index above the saved SCL. */
  constructor(
    private readonly store: SegmentStore,
    private readonly log: Logger,
  ) {
    const meta = store.meta();
    this.chain = new ChainTracker(meta?.scl ?? LSN_NONE);
    this.vdlHint = meta?.vdlHint ?? LSN_NONE;
    this.sealed = meta?.sealedEpoch ?? 0;
    this.appliedEpoch = meta?.appliedEpoch ?? 0;
    this.history = meta?.history ?? [];
    for (const entry of store.index(this.chain.tail, LSN_TOP)) {
      this.chain.add(entry.lsn, entry.prevLsn);
    }
    if (meta !== undefined) {
      log.debug({ scl: this.chain.tail, pending: this.chain.pendingCount }, 'segment loaded');
    }
  }

  get group(): number {
    return this.store.group;
  }

  get scl(): Lsn {
    return this.chain.tail;
  }

  get sealedEpoch(): number {
    return this.sealed;
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  summary(): GroupSummary {
    return {
      group: this.group,
      scl: this.chain.tail,
      sealedEpoch: this.sealed,
      appliedEpoch: this.appliedEpoch,
    };
  }

  processMessage(message: SegmentRequest): Promise<SegmentReply> {
    if (this.failure !== undefined) return Promise.resolve(this.refuse('store-failed'));
    switch (message.kind) {
      case 'AppendRequest':
        return this.append(message);
      case 'ReadPageRequest':
        return this.readPage(message);
      case 'SclRequest':
        return this.seal(message);
      case 'ChainRequest':
        return this.chainEntries(message);
      case 'ReadRecordsRequest':
        return this.readRecords(message);
      case 'TruncateRequest':
        return this.truncateFor(message.epoch, message.history);
      default:
        return unreachable(message);
    }
  }

  /** Resolves once no write and no epoch change is in flight (the node waits for it to stop). */
  async drain(): Promise<void> {
    while (this.lock !== undefined) await this.lock;
    await this.drained();
  }

  private async append(m: AppendRequest): Promise<AppendReply | Refused> {
    // S3: wait for an epoch change, then check and count the write with no await in between.
    while (this.lock !== undefined) await this.lock;
    if (this.failure !== undefined) return this.refuse('store-failed');
    if (m.epoch < this.sealed) return this.refuse('stale-epoch');
    if (m.epoch !== this.appliedEpoch) {
      if (m.history === undefined) return this.refuse('epoch-behind');
      const truncated = await this.truncateFor(m.epoch, m.history);
      if (truncated.kind === 'Refused') return truncated;
      return this.append(m);
    }
    const stored = this.verify(m.records);
    if (stored === undefined) return this.refuse('corrupt');
    const hint = m.vdlHint > this.vdlHint ? m.vdlHint : this.vdlHint;
    if (stored.length === 0 && hint === this.vdlHint) {
      return { kind: 'AppendReply', scl: this.chain.tail };
    }
    this.writes++;
    try {
      await this.store.append(stored, this.meta({ vdlHint: hint }));
      if (hint > this.vdlHint) this.vdlHint = hint;
      for (const r of stored) this.chain.add(r.entry.lsn, r.entry.prevLsn);
    } catch (error) {
      this.fail(error);
      return this.refuse('store-failed');
    } finally {
      this.writeDone();
    }
    return { kind: 'AppendReply', scl: this.chain.tail };
  }

  /** Crc and group of every record; the records not yet held, or undefined if one is bad. */
  private verify(records: readonly Buffer[]): StoredRecord[] | undefined {
    const stored: StoredRecord[] = [];
    for (const bytes of records) {
      if (!redoIsIntact(bytes)) {
        this.log.error({ length: bytes.length }, 'redo record failed its crc; request refused');
        return undefined;
      }
      const h = decodeRedoHeader(bytes);
      if (protectionGroupOf(h.pageId) !== this.group || h.prevLsn >= h.lsn) {
        this.log.error({ lsn: h.lsn, pageId: h.pageId }, 'redo record does not fit this segment');
        return undefined;
      }
      if (this.chain.has(h.lsn, h.prevLsn)) continue;
      const entry = { lsn: h.lsn, prevLsn: h.prevLsn, pageId: h.pageId, cpl: h.cpl };
      stored.push({ entry, bytes });
    }
    return stored;
  }

  private async readPage(m: ReadPageRequest): Promise<ReadPageReply | Refused> {
    while (this.lock !== undefined) await this.lock;
    if (m.epoch < this.sealed) return this.refuse('stale-epoch');
    if (m.epoch !== this.appliedEpoch) return this.refuse('epoch-behind');
    const lowest = this.chain.lowestPending();
    if (lowest !== undefined && lowest <= m.readPoint) return this.refuse('incomplete');
    const image = this.store.pageImage(m.pageId, m.readPoint);
    const page = image === undefined ? Buffer.alloc(PAGE_SIZE) : Buffer.from(image.bytes);
    let applied = 0;
    let last = image?.lsn ?? LSN_NONE;
    try {
      for (const bytes of this.store.pageRecords(m.pageId, last, m.readPoint)) {
        const record = decodeRedo(bytes);
        applyRedo(page, record);
        applied++;
        last = record.lsn;
      }
    } catch (error) {
      this.log.error({ err: error, pageId: m.pageId }, 'stored redo record failed to decode');
      return this.refuse('corrupt');
    }
    if (applied >= COALESCE_RECORDS_MIN && last <= this.chain.tail) {
      this.coalesce(m.pageId, last, Buffer.from(page));
    }
    return { kind: 'ReadPageReply', page };
  }

  /** Writes a page image back in the background (S4); a failure makes the segment fail (S5). */
  private coalesce(pageId: PageId, lsn: Lsn, bytes: Buffer): void {
    this.writes++;
    this.store
      .putPageImage(pageId, { lsn, bytes })
      .catch((error: unknown) => this.fail(error))
      .finally(() => this.writeDone());
  }

  private seal(m: SclRequest): Promise<SclReply | Refused> {
    return this.exclusive(async () => {
      if (m.epoch <= this.sealed) return this.refuse('stale-epoch');
      try {
        await this.store.putMeta(this.meta({ sealedEpoch: m.epoch }));
      } catch (error) {
        this.fail(error);
        return this.refuse('store-failed');
      }
      this.sealed = m.epoch;
      this.log.info({ epoch: m.epoch, scl: this.chain.tail }, 'segment sealed');
      return {
        kind: 'SclReply',
        scl: this.chain.tail,
        vdlHint: this.vdlHint,
        appliedEpoch: this.appliedEpoch,
        history: this.history,
      };
    });
  }

  private truncateFor(
    epoch: number,
    history: readonly EpochStart[],
  ): Promise<TruncateReply | Refused> {
    return this.exclusive(async () => {
      if (epoch < this.sealed) return this.refuse('stale-epoch');
      if (epoch === this.appliedEpoch) return { kind: 'TruncateReply', scl: this.chain.tail };
      const cut = epochCut(history, this.appliedEpoch);
      assert(cut !== undefined, 'E2: a truncation names the start of its own epoch');
      const merged = mergeHistories(this.history, history);
      const tail = cut >= this.chain.tail ? this.chain.tail : this.floor(cut);
      const hint = this.vdlHint <= cut ? this.vdlHint : cut;
      const meta = { ...this.meta({ sealedEpoch: epoch, vdlHint: hint }), scl: tail };
      try {
        await this.store.truncate(cut, { ...meta, appliedEpoch: epoch, history: merged });
      } catch (error) {
        this.fail(error);
        return this.refuse('store-failed');
      }
      this.chain.truncate(cut, tail);
      this.vdlHint = hint;
      this.sealed = epoch;
      this.appliedEpoch = epoch;
      this.history = merged;
      this.log.info({ epoch, cut, scl: this.chain.tail }, 'segment truncated for a new epoch');
      return { kind: 'TruncateReply', scl: this.chain.tail };
    });
  }

  /** The segment's last record at or below lsn (inside the chain, so it is the chain's). */
  private floor(lsn: Lsn): Lsn {
    return this.store.indexFloor(lsn)?.lsn ?? LSN_NONE;
  }

  private async chainEntries(m: ChainRequest): Promise<ChainReply | Refused> {
    while (this.lock !== undefined) await this.lock;
    if (m.epoch < this.sealed) return this.refuse('stale-epoch');
    // Only the chain up to upTo counts: above a capped SCL there may be void records (E2).
    const upTo = m.upToLsn < this.chain.tail ? m.upToLsn : this.chain.tail;
    const after = m.afterLsn < upTo ? m.afterLsn : upTo;
    const entries = [];
    for (const e of this.store.index(after, upTo)) entries.push({ lsn: e.lsn, cpl: e.cpl });
    return { kind: 'ChainReply', baseLsn: this.floor(after), entries };
  }

  private async readRecords(m: ReadRecordsRequest): Promise<ReadRecordsReply | Refused> {
    while (this.lock !== undefined) await this.lock;
    if (m.epoch < this.sealed) return this.refuse('stale-epoch');
    const upTo = m.upToLsn < this.chain.tail ? m.upToLsn : this.chain.tail;
    const records: Buffer[] = [];
    let bytes = 0;
    for (const e of this.store.index(m.afterLsn, upTo)) {
      if (records.length > 0 && bytes >= m.bytesMax) {
        return { kind: 'ReadRecordsReply', records, more: true };
      }
      const record = this.store.record(e.pageId, e.lsn);
      assert(record !== undefined, 'ST2: an index entry has its record');
      records.push(record);
      bytes += record.length;
    }
    return { kind: 'ReadRecordsReply', records, more: false };
  }

  private meta(change: Partial<SegmentMeta>): SegmentMeta {
    return {
      scl: this.chain.tail,
      vdlHint: this.vdlHint,
      sealedEpoch: this.sealed,
      appliedEpoch: this.appliedEpoch,
      history: this.history,
      ...change,
    };
  }

  private refuse(reason: RefusalReason): Refused {
    return { kind: 'Refused', reason, sealedEpoch: this.sealed };
  }

  private fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.log.error({ err: error }, 'segment store failed; refusing everything until restart');
  }

  /**
   * S3: runs `fn` alone, after the writes in flight, before the requests that come later. The
   * lock is taken in the same synchronous step that found it free, so two never overlap.
   */
  private async exclusive<T>(fn: () => Promise<T>): Promise<T | Refused> {
    while (this.lock !== undefined) await this.lock;
    let release = (): void => {};
    this.lock = new Promise((resolve) => {
      release = resolve;
    });
    try {
      await this.drained();
      if (this.failure !== undefined) return this.refuse('store-failed');
      return await fn();
    } finally {
      this.lock = undefined;
      release();
    }
  }

  private drained(): Promise<void> {
    if (this.writes === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private writeDone(): void {
    this.writes--;
    assert(this.writes >= 0, 'S3: writes in flight are counted');
    if (this.writes > 0) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
