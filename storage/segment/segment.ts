/**
 * A segment: one protection group's replica on one storage node, as a state machine over its
 * store. `processMessage` takes a request (messages.ts) and answers it; the node routes to it.
 * Its background work (gossip, scrub, garbage collection) is in maintenance.ts, driven by the
 * node's timers.
 *
 * The write path: receive → verify every record's crc → persist (one store call, synced) →
 * acknowledge with the SCL. That is the only synchronous step; holes (records that arrived above
 * a missing one) are kept until the hole fills (chain.ts) — from the writer, or from a peer by
 * gossip — and duplicates are ignored. Reads materialise a page at a read point: the latest page
 * image at or below it (or a zero page), then `applyRedo` of the page's records up to the read
 * point, in LSN order. A page built from many records is written back as an image (coalescing);
 * images are keyed by LSN, so an image never changes what an older read point sees.
 *
 * Lifecycle:
 *
 *     open ──store write fails──▶ failed (sticky: refuses everything until the node restarts)
 *
 *   and, while open, per epoch:
 *
 *     applied e ──SclRequest(E > sealed)──▶ sealed E (appends of e refused: fenced)
 *     sealed E / applied e ──TruncateRequest(E), AppendRequest(E, history), or gossip from a
 *         peer that applied E──▶ applied E
 *
 *   transition                          function
 *   append records, ack SCL             append → persist
 *   seal at a new epoch (recovery)      seal
 *   truncate under a new epoch          truncateFor (voids the keys above the cut, V1)
 *   remove what a truncation voided     purgeStep (in the background, or before an append, V2)
 *   records or images from a peer       persist, installImages (maintenance.ts)
 *   fold old records into images        collect (maintenance.ts)
 *   store failure → failed              fail
 *
 * Invariants (besides CH1–CH3 of chain.ts and E1–E2 of quorum.ts):
 *   (S1) a reply's SCL counts only records that are persisted (ST1).
 *   (S2) a request whose epoch is below sealedEpoch is refused ('stale-epoch'); appends and page
 *        reads are served only in the applied epoch.
 *   (S3) an epoch change (seal, truncate) runs alone: it waits until every write in flight has
 *        finished, and requests that arrive meanwhile wait for it.
 *   (S4) a page image at LSN L is the page as of L: it is written only from records the segment
 *        holds completely up to L (L <= SCL), or copied from a peer that does.
 *   (S5) once failed, nothing more is acknowledged (SQLite's sticky pager error).
 *   (S6) gcLsn <= min(vdlHint, SCL): records at or below gcLsn are gone, and every page that had
 *        one has an image at its last record at or below gcLsn; reads below gcLsn are refused.
 *   (S7) gossip takes records only from a peer in the same applied epoch, and only up to that
 *        peer's SCL (its chain is complete there, CH1).
 *   (S8) a page is materialised from at most about COALESCE_BACKGROUND_RECORDS records above its
 *        newest image (about twice that across a node restart, which forgets the counts): a page
 *        that collects that many gets an image at the SCL in the background, so the cost of a
 *        read, and of the first reads after a restart, does not grow with the volume's history.
 *   (S9) counting what the segment holds (status) never blocks: a full count runs in the
 *        background in bounded steps, only where the count is unknown (a load without counts),
 *        and the status reports the last complete count meanwhile. Appends, images, garbage
 *        collection, image installs and purges adjust the count by what they add and remove
 *        (usage.ts U1–U3; issue 8: a full count after every collection read the whole segment).
 *        The count is persisted in the metadata when it is exact (U4–U7), so a restart does
 *        not count again: at idle (a checkpoint), at a clean stop, with seals and truncations.
 *   (S10) the SCL a segment gives recovery (SclReply, ChainReply, ChainRunsReply) stops below
 *        the lowest record it knows it holds a bad copy of (met by a read, gossip or the scrub,
 *        and not repaired yet): recovery must not build on a chain whose records it cannot
 *        read. A bad sole copy of a record that never reached a write quorum would otherwise
 *        fail every recovery; an acknowledged record is on a write quorum, so another
 *        responder still reports it.
 *   (S11) a page image that coalescing writes at L is built from this segment's own store, or
 *         is the page another segment of the group built from its own (CoalesceShare CS1) in
 *         the same applied epoch as of the same record L, which this segment holds (its index
 *         has L, of that page, with the same backlink) at or below its SCL, and which is the
 *         newest record of the page it has persisted since its last image (S8): the page as of
 *         L is one page (S4 allows a copy from a peer that holds the chain there). The six
 *         segments of an embedded cluster share one thread, and build each page once, not six
 *         times.
 *   (S12) a ChainRunsReply folds exactly the index entries a ChainRequest of the same range
 *         would list into runs (so recovery decides what the listing decided, quorum.ts R3–R5).
 *         The part of the range in the chain's tail run (chain.ts CH4) above the GC point is
 *         not read: every LSN there is a record with its index entry, and the run knows its
 *         highest CPL, so a chain that is one long run (a huge commit in one group, the case
 *         that made recovery slow) is answered in one step; only the part below the tail run,
 *         where other groups' records interleave, is read entry by entry.
 *
 * Truncation for a new epoch is lazy, so that a restart after a crash in the middle of a huge
 * commit does not wait for the removal of everything that commit shipped (one metadata write,
 * whatever was lost). The new writer reuses the LSNs above the cut, and keys are (pageId, lsn)
 * and (lsn), so old keys must never be taken for new ones:
 *   (V1) a truncation that gives up keys removes nothing itself: it writes the metadata with the
 *        range (after, upTo] it voids (after: the cut, or the lower `after` of a range still
 *        being purged; upTo: the highest LSN of any index entry of the group, or the old upTo).
 *        While a range is voided, every key of the group above `after` is void: no record,
 *        index entry or page image of the applied epoch lies above it, so the chain's tail and
 *        every pending record lie at or below `after`.
 *   (V2) the purge removes the void index entries in ascending LSN order, PURGE_BATCH_RECORDS
 *        per store write, each with its record and any page image at the record's key (V4),
 *        and writes the metadata with `after` raised to the last one (or no range, at upTo); one
 *        purge write at a time, counted as a write in flight (S3). A crash leaves the metadata
 *        of the last durable purge write (ST2): above its `after` lie only void keys, and the
 *        next load resumes the purge.
 *   (V3) a write that adds keys above `after` (an append) waits until the purge has passed its
 *        highest LSN; while a range is voided no background work runs (gossip, collection,
 *        scrub, repair, coalescing: `busy`), and nothing above `after` is read: page reads
 *        there are refused ('incomplete': the segment lacks those records), repairs get
 *        nothing, and chain, record and gossip reads stop at the SCL.
 *   (V4) every page image above the GC point either lies at or below every later epoch's start
 *        (a peer's GC point, S6) or at the key (pageId, lsn) of a record the segment holds
 *        (coalescing writes one at a page's last applied record, a repair rewrites one in
 *        place), so the images at the void records' keys are all the void images: the purge
 *        needs no scan of the group's images.
 */
import assert from 'node:assert/strict';
import type { Logger } from 'pino';
import { type Clock, type Timer, systemClock } from '../clock.js';
import {
  COALESCE_BACKGROUND_RECORDS,
  COALESCE_PAGES_PER_TURN,
  COALESCE_RECORDS_MIN,
  RETENTION_MS,
  TIME_MARKS_MAX,
  USAGE_CHECKPOINT_IDLE_MS,
  protectionGroupOf,
} from '../config.js';
import { LSN_NONE, type Lsn, type PageId } from '../lsn.js';
import type {
  AppendReply,
  AppendRequest,
  ChainReply,
  ChainRequest,
  ChainRun,
  ChainRunsReply,
  ChainRunsRequest,
  EpochStart,
  GossipReply,
  GossipRequest,
  GroupSummary,
  ReadPageReply,
  ReadPageRequest,
  ReadRecordsReply,
  ReadRecordsRequest,
  Refused,
  RefusalReason,
  RepairReply,
  RepairRequest,
  RepairWhat,
  SclReply,
  SclRequest,
  SegmentReply,
  SegmentRequest,
  SegmentStatus,
  StorageReply,
  StorageRequest,
  TruncateReply,
} from '../messages.js';
import { PAGE_SIZE, pageLsn } from '../page.js';
import { applyRedo } from '../page-apply.js';
import { epochCut, mergeHistories } from '../quorum.js';
import {
  decodeIntactRedo,
  recordListChecked,
  redoIndexEntry,
  redoIsIntact,
  unreachable,
} from '../redo.js';
import { ChainTracker } from './chain.js';
import type { CoalesceShare } from './coalesce-share.js';
import { SegmentMaintenance } from './maintenance.js';
import { UsageCounter, imageBytes, noUsage } from './usage.js';
import {
  type IndexEntry,
  type RecordKey,
  type SegmentMeta,
  type SegmentStore,
  type StoredRecord,
  type TimeMark,
  type Usage,
  type Voided,
} from './store.js';

const LSN_TOP = Number.MAX_SAFE_INTEGER as Lsn;

/**
 * V2: void index entries one purge write removes (with their records, and images at their
 * keys). About 1 MB of frame and 12k overlay entries at most, so the hot log flushes as usual.
 */
export const PURGE_BATCH_RECORDS = 4_096;
/** V2: a background purge step is followed by a pause this many times as long as it took. */
const PURGE_PAUSE_FACTOR = 1;

export type PeerSend = (address: string, request: StorageRequest) => Promise<StorageReply>;

export interface SegmentOptions {
  readonly clock: Clock;
  /** Records younger than this are never collected (backtrack, time travel). */
  readonly retentionMs: number;
  /** Addresses of the other segments of this group (from the membership); [] if unknown. */
  readonly peers: () => readonly string[];
  /** Reaches a peer; undefined: no gossip and no repair from peers (unit tests). */
  readonly sendToPeer: PeerSend | undefined;
  /** S11: pages built by the segments of the same thread's nodes (embedded clusters). */
  readonly coalesceShare?: CoalesceShare | undefined;
}

/** A bad copy met while reading: which one. */
export type BadCopy = RecordKey & { readonly what: RepairWhat };

export type Materialised =
  | {
      readonly kind: 'page';
      readonly page: Buffer;
      readonly applied: number;
      readonly last: Lsn;
      /** The backlink of the record at `last`, if one was applied (S11). */
      readonly lastPrevLsn: Lsn | undefined;
    }
  | { readonly kind: 'bad'; readonly bad: BadCopy };

/** S8, S11: a page's records persisted since its last image: how many, and the newest LSN. */
interface Unimaged {
  records: number;
  newest: Lsn;
}

export class Segment {
  /** @internal (maintenance.ts) */ readonly chain: ChainTracker;
  /** @internal */ readonly options: SegmentOptions;
  /** @internal */ readonly maintenance: SegmentMaintenance;
  private vdlHint: Lsn;
  private sealed: number;
  private appliedEpoch: number;
  private history: readonly EpochStart[];
  /** @internal */ gcLsn: Lsn;
  /** @internal */ gcTail: Lsn;
  /** @internal */ marks: readonly TimeMark[];
  /** @internal */ lastScrubMs: number;
  /** @internal */ corruptFound: number;
  /** @internal */ repairs: number;
  /** The oldest read point the writer still uses (reported with appends; 0 until then). */
  /** @internal */ readFloor: Lsn = LSN_NONE;
  /** @internal S9: what the segment holds, for its status (usage.ts). */
  readonly usage: UsageCounter;
  private failure: unknown = undefined;
  /** Set when its node stops: background work still under way ends quietly. */
  private retired = false;
  /** Set while an epoch change runs (S3). */
  private lock: Promise<void> | undefined;
  /** Store writes in flight, and who waits for them to finish (S3). */
  private writes = 0;
  private drainWaiters: (() => void)[] = [];
  /** S8: per page, records persisted since its last image (as far as this run has seen). */
  private readonly unimaged = new Map<PageId, Unimaged>();
  /** S10: LSNs of records whose copy here is known to be bad and not repaired yet. */
  private readonly badRecords = new Set<Lsn>();
  /** S8: pages due for a background image, and whether a coalescing turn is queued. */
  private readonly coalesceDue = new Set<PageId>();
  private coalesceQueued = false;
  /** U5, U6: whether the newest metadata issued to the store carries usage counts. */
  private metaCounts: boolean;
  /** U6: metadata without counts on its way to the store; writes without metadata wait for it. */
  private uncounting: Promise<void> | undefined;
  /** U5: the idle checkpoint's timer; when the last store write started. */
  private checkpointTimer: Timer | undefined;
  private lastWriteMs = 0;
  /** U7: coalescing's image writes in flight ("pageId:lsn"), and who waits for none. */
  private readonly imagesInFlight = new Set<string>();
  private imagesQuietWaiters: (() => void)[] = [];
  /** U7: writes that count images from the store, waiting or running; they run one at a time. */
  private imagesAloneWaiting = 0;
  private imagesAloneTail: Promise<void> = Promise.resolve();
  /** V1: keys above `voided.after` are void and being purged; undefined: none are. */
  private voided: Voided | undefined;
  /** V2: the purge write under way (one at a time), and whether a background step is queued. */
  private purging: Promise<void> | undefined;
  private purgeQueued = false;

  /** Loads the segment's state from its store: metadata, then the index above the saved SCL. */
  constructor(
    readonly store: SegmentStore,
    readonly log: Logger,
    options: Partial<SegmentOptions> = {},
  ) {
    this.options = {
      clock: options.clock ?? systemClock,
      retentionMs: options.retentionMs ?? RETENTION_MS,
      peers: options.peers ?? (() => []),
      sendToPeer: options.sendToPeer,
      coalesceShare: options.coalesceShare,
    };
    const meta = store.meta();
    this.chain = new ChainTracker(meta?.scl ?? LSN_NONE, meta?.tailRun);
    this.vdlHint = meta?.vdlHint ?? LSN_NONE;
    this.sealed = meta?.sealedEpoch ?? 0;
    this.appliedEpoch = meta?.appliedEpoch ?? 0;
    this.history = meta?.history ?? [];
    this.gcLsn = meta?.gcLsn ?? LSN_NONE;
    this.gcTail = meta?.gcTail ?? LSN_NONE;
    this.marks = meta?.marks ?? [];
    this.lastScrubMs = meta?.lastScrubMs ?? 0;
    this.corruptFound = meta?.corruptFound ?? 0;
    this.repairs = meta?.repairs ?? 0;
    this.voided = meta?.voided;
    const voidAfter = this.voided?.after ?? LSN_TOP;
    assert(this.chain.tail <= voidAfter, 'V1: the chain lies at or below a voided range');
    for (const entry of store.index(this.chain.tail, voidAfter)) {
      this.chain.add(entry.lsn, entry.prevLsn, entry.cpl);
    }
    this.maintenance = new SegmentMaintenance(this);
    this.metaCounts = meta?.usage !== undefined;
    this.usage = new UsageCounter(
      store,
      this.options.clock,
      meta === undefined ? noUsage() : meta.usage,
      () => this.retired || this.failure !== undefined,
      (error) => this.fail(error),
      () => this.checkpointSoon(),
    );
    if (meta !== undefined) {
      log.debug({ scl: this.chain.tail, pending: this.chain.pendingCount }, 'segment loaded');
    }
    this.purgeSoon(); // V2: a purge a crash or a stop interrupted goes on
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

  get epoch(): number {
    return this.appliedEpoch;
  }

  get hint(): Lsn {
    return this.vdlHint;
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  /**
   * @internal True while an epoch change runs (S3) or a truncation's purge (V3): background
   * work stays out of its way.
   */
  get busy(): boolean {
    const stopped = this.failure !== undefined || this.retired;
    return this.lock !== undefined || this.voided !== undefined || stopped;
  }

  /** @internal The range a truncation voided that is still being purged (V1), if any. */
  get voidedRange(): Voided | undefined {
    return this.voided;
  }

  /**
   * @internal S3 for maintenance: `fn` runs alone, after the writes in flight and before the
   * appends that come later (adopting a peer's GC point: maintenance.ts). Inside, `busy` is true
   * because of this very lock; `fn` checks what else it needs (stoppedOrVoided).
   */
  alone<T>(fn: () => Promise<T>): Promise<T | Refused> {
    return this.exclusive(fn);
  }

  /** @internal `busy` without the lock: stopped, failed, or a truncation's range voided. */
  get stoppedOrVoided(): boolean {
    return this.failure !== undefined || this.retired || this.voided !== undefined;
  }

  /** Its node stops (or crashes): nothing more is started; what runs ends without a trace. */
  retire(): void {
    this.retired = true;
    this.checkpointTimer?.cancel();
    this.checkpointTimer = undefined;
  }

  summary(): GroupSummary {
    return {
      group: this.group,
      scl: this.chain.tail,
      sealedEpoch: this.sealed,
      appliedEpoch: this.appliedEpoch,
    };
  }

  status(): SegmentStatus {
    const usage = this.usage.current();
    return {
      group: this.group,
      scl: this.chain.tail,
      gcLsn: this.gcLsn,
      appliedEpoch: this.appliedEpoch,
      sealedEpoch: this.sealed,
      pendingRecords: this.chain.pendingCount,
      records: usage.records,
      recordBytes: usage.recordBytes,
      bytes: usage.recordBytes + usage.imageBytes,
      lastScrubMs: this.lastScrubMs,
      corruptFound: this.corruptFound,
      repairs: this.repairs,
      failed: this.failed,
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
      case 'ChainRunsRequest':
        return this.chainRuns(message);
      case 'ReadRecordsRequest':
        return this.readRecords(message);
      case 'TruncateRequest':
        return this.truncateFor(message.epoch, message.history);
      case 'GossipRequest':
        return Promise.resolve(this.serveGossip(message));
      case 'RepairRequest':
        return Promise.resolve(this.serveRepair(message));
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
    if (m.readFloor > this.readFloor) this.readFloor = m.readFloor;
    const stored = this.verify(m.records);
    if (stored === undefined) return this.refuse('corrupt');
    const voided = this.voided;
    if (voided !== undefined && stored.some((r) => r.entry.lsn > voided.after)) {
      // V3: the purge first passes these LSNs; then every check runs again (S3).
      let top = LSN_NONE;
      for (const r of stored) if (r.entry.lsn > top) top = r.entry.lsn;
      if (!(await this.purgeThrough(top))) return this.refuse('store-failed');
      return this.append(m);
    }
    const hint = m.vdlHint > this.vdlHint ? m.vdlHint : this.vdlHint;
    if (stored.length === 0 && hint === this.vdlHint) {
      return { kind: 'AppendReply', scl: this.chain.tail };
    }
    if (!(await this.persist(stored, hint))) return this.refuse('store-failed');
    return { kind: 'AppendReply', scl: this.chain.tail };
  }

  /**
   * @internal Persists records (from the writer, or a peer by gossip) with the metadata, then
   * links them into the chain (S1). The caller has checked the epoch with no await since.
   */
  async persist(stored: readonly StoredRecord[], hint: Lsn): Promise<boolean> {
    const voided = this.voided;
    if (voided !== undefined) {
      assert(stored.every((r) => r.entry.lsn <= voided.after), 'V3: no new key above `after`');
    }
    this.writeStarted();
    const marks = this.nextMarks();
    try {
      await this.store.append(stored, this.meta({ vdlHint: hint, marks }));
      this.marks = marks;
      if (hint > this.vdlHint) this.vdlHint = hint;
      // The same record can be persisted twice at once (from the writer and by gossip): the
      // store keeps it once, and the usage counts it once (U3).
      const fresh = stored.filter((r) => !this.chain.has(r.entry.lsn, r.entry.prevLsn));
      for (const r of fresh) {
        this.chain.add(r.entry.lsn, r.entry.prevLsn, r.entry.cpl);
        this.countUnimaged(r.entry.pageId, r.entry.lsn);
      }
      this.usage.recordsAdded(fresh);
      return true;
    } catch (error) {
      this.fail(error);
      return false;
    } finally {
      this.writeDone();
    }
  }

  /**
   * Time marks date the records for retention: records at or below the SCL had arrived by now.
   * A new mark at most every retention / 32; the oldest go first past TIME_MARKS_MAX (which only
   * delays collection).
   */
  private nextMarks(): readonly TimeMark[] {
    const now = this.options.clock.wallNow();
    const last = this.marks[this.marks.length - 1];
    const spacingMs = Math.max(1, Math.floor(this.options.retentionMs / 32));
    if (this.chain.tail === LSN_NONE) return this.marks;
    if (last !== undefined && (now - last.wallMs < spacingMs || last.lsn >= this.chain.tail)) {
      return this.marks;
    }
    const marks = [...this.marks, { wallMs: now, lsn: this.chain.tail }];
    return marks.length > TIME_MARKS_MAX ? marks.slice(marks.length - TIME_MARKS_MAX) : marks;
  }

  /**
   * @internal Crc and group of every record; those not yet held, or undefined if one is bad.
   * A list the storage worker checked as it arrived is not checked again (redo.ts R1); the
   * index entry is read straight from the bytes (no header object per record).
   */
  verify(records: readonly Buffer[]): StoredRecord[] | undefined {
    const checked = recordListChecked(records);
    assert(!checked || Object.isFrozen(records), 'R1: a checked list is frozen');
    const stored: StoredRecord[] = [];
    for (const bytes of records) {
      if (!checked && !redoIsIntact(bytes)) {
        this.log.error({ length: bytes.length }, 'redo record failed its crc; request refused');
        return undefined;
      }
      const entry = redoIndexEntry(bytes);
      if (protectionGroupOf(entry.pageId) !== this.group || entry.prevLsn >= entry.lsn) {
        const { lsn, pageId } = entry;
        this.log.error({ lsn, pageId }, 'redo record does not fit this segment');
        return undefined;
      }
      if (this.chain.has(entry.lsn, entry.prevLsn) || entry.lsn <= this.gcLsn) continue;
      stored.push({ entry, bytes });
    }
    return stored;
  }

  private async readPage(m: ReadPageRequest): Promise<ReadPageReply | Refused> {
    while (this.lock !== undefined) await this.lock;
    if (m.epoch < this.sealed) return this.refuse('stale-epoch');
    if (m.epoch !== this.appliedEpoch) return this.refuse('epoch-behind');
    if (m.readPoint < this.gcLsn) return this.refuse('collected');
    // V3: above a voided range's `after` the segment holds no record of this epoch yet (V1).
    if (this.voided !== undefined && m.readPoint > this.voided.after) {
      return this.refuse('incomplete');
    }
    const lowest = this.chain.lowestPending();
    if (lowest !== undefined && lowest <= m.readPoint) return this.refuse('incomplete');
    const result = this.materialise(m.pageId, m.readPoint);
    if (result.kind === 'bad') {
      this.maintenance.repairSoon(result.bad);
      return this.refuse('corrupt');
    }
    if (result.applied >= COALESCE_RECORDS_MIN && result.last <= this.chain.tail) {
      if (this.coalesce(m.pageId, result.last, Buffer.from(result.page))) {
        this.unimaged.delete(m.pageId);
      }
    }
    return { kind: 'ReadPageReply', page: result.page };
  }

  /** @internal The page as of readPoint from the store, or the first bad copy met on the way. */
  materialise(pageId: PageId, readPoint: Lsn): Materialised {
    const image = this.store.pageImage(pageId, readPoint);
    if (image !== undefined && (!image.intact || pageLsn(image.bytes) !== image.lsn)) {
      return { kind: 'bad', bad: { pageId, lsn: image.lsn, what: 'image' } };
    }
    const page = image === undefined ? Buffer.alloc(PAGE_SIZE) : Buffer.from(image.bytes);
    let applied = 0;
    let last = image?.lsn ?? LSN_NONE;
    let lastPrevLsn: Lsn | undefined;
    for (const { lsn, bytes } of this.store.pageRecords(pageId, last, readPoint)) {
      const record = redoIsIntact(bytes) ? decodeIntactRedo(bytes) : undefined;
      if (record === undefined || record.lsn !== lsn || record.pageId !== pageId) {
        this.log.error({ pageId, lsn }, 'stored redo record failed its crc');
        return { kind: 'bad', bad: { pageId, lsn, what: 'record' } };
      }
      applyRedo(page, record);
      applied++;
      last = lsn;
      lastPrevLsn = record.prevLsn;
    }
    return { kind: 'page', page, applied, last, lastPrevLsn };
  }

  /** S8: one more record of `pageId` above its image; due for one at the bound. */
  private countUnimaged(pageId: PageId, lsn: Lsn): void {
    let counted = this.unimaged.get(pageId);
    if (counted === undefined) {
      counted = { records: 0, newest: lsn };
      this.unimaged.set(pageId, counted);
    }
    counted.records++;
    if (lsn > counted.newest) counted.newest = lsn;
    if (counted.records < COALESCE_BACKGROUND_RECORDS) return;
    this.coalesceDue.add(pageId);
    if (this.coalesceQueued) return;
    this.coalesceQueued = true;
    this.options.clock.defer(() => this.coalesceSome());
  }

  /**
   * S8: images at the SCL (S4) for up to COALESCE_PAGES_PER_TURN due pages, then yields; the
   * rest follow in later turns. Nothing while an epoch change runs or after a failure: the
   * counts stay, and the next record of the page queues it again. Nothing either while a write
   * that counts images waits (U7): the turn is queued again once it is done.
   */
  private coalesceSome(): void {
    this.coalesceQueued = false;
    if (this.busy || this.imagesAloneWaiting > 0) return;
    let built = 0;
    try {
      for (const pageId of this.coalesceDue) {
        if (built++ >= COALESCE_PAGES_PER_TURN) break;
        this.coalesceDue.delete(pageId);
        const newest = this.unimaged.get(pageId)?.newest;
        this.unimaged.delete(pageId);
        if (newest !== undefined && this.coalesceShared(pageId, newest)) continue;
        const result = this.materialise(pageId, this.chain.tail);
        if (result.kind === 'bad') this.maintenance.repairSoon(result.bad);
        else if (result.applied > 0) {
          this.coalesce(pageId, result.last, result.page);
          this.offerImage(pageId, result);
        }
      }
    } catch (error) {
      this.fail(error); // S5: a store that cannot be read fails the segment, not the process
      return;
    }
    this.queueCoalescing();
  }

  /**
   * S11: writes, as this segment's image of `pageId`, the page that another segment of the
   * same group and applied epoch in this thread built (CoalesceShare CS1) as of a record L at or
   * below this segment's SCL that this segment's index holds as the same record (page and
   * backlink): the page as of L. Only when L is `newest`, the newest record of the page this
   * segment has persisted since its last image: an older page would leave the records above
   * it unimaged (S8). True if it did (the page needs nothing more this turn).
   *
   * The index is asked, not the records: its keys arrive in LSN order, while a read of the
   * records' keys first sorts those written since the last read (hot-log-overlay.ts O1), which
   * cost more than the rest of this; and at its one key (a point read), not for a floor (a
   * range, whose cursor cost more than the rest of this too).
   */
  private coalesceShared(pageId: PageId, newest: Lsn): boolean {
    const share = this.options.coalesceShare;
    if (share === undefined || newest > this.chain.tail || newest <= this.gcLsn) return false;
    const image = share.find(this.group, this.appliedEpoch, pageId);
    if (image?.lsn !== newest) return false;
    const held = this.store.indexEntry(image.lsn);
    if (held === undefined || held.pageId !== pageId || held.prevLsn !== image.prevLsn) {
      return false;
    }
    this.coalesce(pageId, image.lsn, image.page);
    return true;
  }

  /** S11, CS1: offers a page this segment built at its SCL to the other segments. */
  private offerImage(pageId: PageId, result: Materialised & { kind: 'page' }): void {
    const share = this.options.coalesceShare;
    if (share === undefined || result.lastPrevLsn === undefined) return;
    assert(result.last <= this.chain.tail, 'S4: built from a complete chain');
    const image = { lsn: result.last, prevLsn: result.lastPrevLsn, page: result.page };
    share.offer(this.group, this.appliedEpoch, pageId, image);
  }

  private queueCoalescing(): void {
    if (this.coalesceDue.size > 0 && !this.coalesceQueued) {
      this.coalesceQueued = true;
      this.options.clock.defer(() => this.coalesceSome());
    }
  }

  /**
   * Writes a page image back in the background (S4), and counts it (U7): not while a write that
   * counts images waits or runs, and not twice at once at one key (it would be the same image).
   * False if it was not started. A failure makes the segment fail (S5).
   */
  private coalesce(pageId: PageId, lsn: Lsn, bytes: Buffer): boolean {
    const key = `${pageId}:${lsn}`;
    if (this.imagesAloneWaiting > 0 || this.imagesInFlight.has(key)) return false;
    this.imagesInFlight.add(key);
    this.writeStarted();
    this.writeImage(pageId, lsn, bytes)
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        this.imagesInFlight.delete(key);
        if (this.imagesInFlight.size === 0) {
          const waiters = this.imagesQuietWaiters;
          this.imagesQuietWaiters = [];
          for (const resolve of waiters) resolve();
        }
        this.writeDone();
      });
    return true;
  }

  /** U6, U7: the image write of `coalesce`, counted by what the store holds at its key. */
  private async writeImage(pageId: PageId, lsn: Lsn, bytes: Buffer): Promise<void> {
    await this.uncount();
    if (this.failure !== undefined) return;
    const overwritten = this.store.pageImageAt(pageId, lsn)?.bytes;
    await this.store.putPageImage(pageId, { lsn, bytes });
    if (overwritten === undefined) {
      this.usage.imageAdded({ pageId, lsn }, bytes);
    } else if (overwritten.length !== bytes.length) {
      const delta = { ...noUsage(), imageBytes: imageBytes(bytes) - imageBytes(overwritten) };
      this.usage.adjust(delta);
    }
  }

  /**
   * @internal U7: runs `write`, which reads the store to count what its store write will change
   * and then issues it, alone among the writes that add or remove page images: after every
   * coalescing write in flight, before any new one, one such write at a time. `write` checks
   * `busy` first: an epoch change may have run while it waited.
   */
  async imagesAlone<T>(write: () => Promise<T>): Promise<T> {
    this.imagesAloneWaiting++;
    const before = this.imagesAloneTail;
    let done = (): void => {};
    this.imagesAloneTail = new Promise((resolve) => {
      done = resolve;
    });
    try {
      await before;
      while (this.imagesInFlight.size > 0) {
        await new Promise<void>((resolve) => this.imagesQuietWaiters.push(resolve));
      }
      return await write();
    } finally {
      this.imagesAloneWaiting--;
      done();
      if (this.imagesAloneWaiting === 0 && !this.busy) this.queueCoalescing();
    }
  }

  /**
   * @internal U6: resolves once the newest metadata issued to the store carries no counts and
   * is durable, writing such metadata first if it must. The caller has started its write
   * (`writeStarted`), so no checkpoint comes in between; it checks `failed` after.
   */
  async uncount(): Promise<void> {
    while (this.metaCounts || this.uncounting !== undefined) {
      if (this.uncounting === undefined) {
        this.writeStarted();
        this.uncounting = this.store
          .putMeta(this.meta({}))
          .catch((error: unknown) => this.fail(error))
          .finally(() => {
            this.uncounting = undefined;
            this.writeDone();
          });
      }
      await this.uncounting;
    }
  }

  /**
   * U5: writes the counts alone when they are known, no store write is in flight and the
   * newest metadata lacks them: at the idle checkpoint, and when the node stops cleanly.
   */
  async saveUsage(): Promise<void> {
    if (this.metaCounts || this.failure !== undefined) return;
    if (this.writes > 0 || this.lock !== undefined) return;
    const usage = this.usage.after();
    if (usage === undefined) return;
    const meta = this.meta({ usage });
    this.writeStarted();
    try {
      await this.store.putMeta(meta);
    } catch (error) {
      this.fail(error);
    } finally {
      this.writeDone();
    }
  }

  /** U5: a checkpoint once the store has had no write for USAGE_CHECKPOINT_IDLE_MS. */
  private checkpointSoon(delayMs = USAGE_CHECKPOINT_IDLE_MS): void {
    if (this.checkpointTimer !== undefined || this.retired || this.failure !== undefined) return;
    this.checkpointTimer = this.options.clock.setTimer(() => {
      this.checkpointTimer = undefined;
      if (this.metaCounts || this.retired || this.usage.counting) return; // counted: re-armed
      if (this.writes > 0 || this.lock !== undefined) return this.checkpointSoon();
      const idleMs = this.options.clock.now() - this.lastWriteMs;
      if (idleMs < USAGE_CHECKPOINT_IDLE_MS) {
        return this.checkpointSoon(Math.max(1, Math.ceil(USAGE_CHECKPOINT_IDLE_MS - idleMs)));
      }
      this.saveUsage().catch((error: unknown) => this.fail(error));
    }, delayMs);
  }

  private seal(m: SclRequest): Promise<SclReply | Refused> {
    return this.exclusive(async () => {
      if (m.epoch <= this.sealed) return this.refuse('stale-epoch');
      try {
        // U5: counts may go with it: nothing is in flight (S3) and a seal changes no count.
        await this.store.putMeta(this.meta({ sealedEpoch: m.epoch, usage: this.usage.after() }));
      } catch (error) {
        this.fail(error);
        return this.refuse('store-failed');
      }
      this.sealed = m.epoch;
      const scl = this.readableScl();
      this.log.info({ epoch: m.epoch, scl }, 'segment sealed');
      return {
        kind: 'SclReply',
        scl,
        vdlHint: this.vdlHint,
        appliedEpoch: this.appliedEpoch,
        history: this.history,
      };
    });
  }

  /** @internal (also gossip, when a peer has applied a newer epoch) */
  truncateFor(epoch: number, history: readonly EpochStart[]): Promise<TruncateReply | Refused> {
    return this.exclusive(async () => {
      if (epoch < this.sealed) return this.refuse('stale-epoch');
      if (epoch === this.appliedEpoch) return { kind: 'TruncateReply', scl: this.chain.tail };
      const cut = epochCut(history, this.appliedEpoch);
      assert(cut !== undefined, 'E2: a truncation names the start of its own epoch');
      assert(cut >= this.gcLsn, 'S6: an epoch starts at or above a VDL the segment was told');
      const merged = mergeHistories(this.history, history);
      const tail = cut >= this.chain.tail ? this.chain.tail : this.floor(cut);
      // V1: the keys above the cut are voided, not removed: one metadata write, whatever the
      // size of what is given up, and the usage count stays known (U2); the purge removes them
      // later (V2). With no chain and no pending record above the cut (images lie at or below
      // the SCL, S4, or at a peer's GC point, below any later epoch's start: V4), as at every
      // open, nothing more is voided.
      const removesNothing = cut >= this.chain.tail && this.chain.pendingCount === 0;
      const voided = removesNothing ? this.voided : this.voidAbove(cut);
      const hint = this.vdlHint <= cut ? this.vdlHint : cut;
      const marks = this.marks.filter((mark) => mark.lsn <= cut);
      const usage = this.usage.after(); // U5 (c): the write removes nothing, so counts nothing
      const tailIsCpl = this.store.indexEntry(tail)?.cpl === true;
      const tailRun = this.chain.runAfterTruncate(tail, tailIsCpl); // CH4
      const change = { sealedEpoch: epoch, vdlHint: hint, marks, usage, scl: tail, tailRun };
      const meta = this.meta(change);
      const next = { ...meta, appliedEpoch: epoch, history: merged, voided };
      try {
        await this.store.putMeta(next);
      } catch (error) {
        this.fail(error);
        return this.refuse('store-failed');
      }
      this.chain.truncate(cut, tail, tailIsCpl);
      this.vdlHint = hint;
      this.sealed = epoch;
      this.appliedEpoch = epoch;
      this.history = merged;
      this.marks = marks;
      this.voided = voided;
      for (const lsn of this.badRecords) if (lsn > cut) this.badRecords.delete(lsn); // S10
      const scl = this.chain.tail;
      this.log.info({ epoch, cut, scl, voided }, 'segment truncated for a new epoch');
      this.purgeSoon();
      return { kind: 'TruncateReply', scl: this.chain.tail };
    });
  }

  /**
   * V1: the range a truncation at `cut` voids: every key above the cut, and what an earlier
   * truncation voided and the purge has not removed yet (every key above its `after` is void).
   */
  private voidAbove(cut: Lsn): Voided | undefined {
    const top = this.store.indexFloor(LSN_TOP)?.lsn ?? LSN_NONE;
    const old = this.voided;
    const after = old !== undefined && old.after < cut ? old.after : cut;
    const upTo = old !== undefined && old.upTo > top ? old.upTo : top;
    return upTo > after ? { after, upTo } : undefined;
  }

  /**
   * V2: purge steps one after another, in the background, until nothing is voided; after each,
   * a pause as long as PURGE_PAUSE_FACTOR times the step, so that the reads of a volume that
   * has just opened are not queued behind a purge (an append pulls the steps it needs at once).
   */
  private purgeSoon(delayMs = 0): void {
    if (this.purgeQueued || this.voided === undefined) return;
    this.purgeQueued = true;
    const step = (): void => {
      this.purgeQueued = false;
      if (this.retired || this.failure !== undefined) return;
      const started = this.options.clock.now();
      void this.purgeOnce().then(() => {
        this.purgeSoon((this.options.clock.now() - started) * PURGE_PAUSE_FACTOR);
      });
    };
    if (delayMs < 1) this.options.clock.defer(step);
    else this.options.clock.setTimer(step, delayMs);
  }

  /** V3: resolves true once no void key lies at or below `lsn`; false if the segment stopped. */
  private async purgeThrough(lsn: Lsn): Promise<boolean> {
    for (let v = this.voided; v !== undefined && lsn > v.after; v = this.voided) {
      if (this.failure !== undefined || this.retired) return false;
      await this.purgeOnce();
    }
    return this.failure === undefined && !this.retired;
  }

  /** V2: the purge write under way, or a new one. Never rejects (a failure fails the segment). */
  private purgeOnce(): Promise<void> {
    this.purging ??= this.purgeStep().finally(() => {
      this.purging = undefined;
    });
    return this.purging;
  }

  /** V2: removes the next PURGE_BATCH_RECORDS void index entries, their records and images. */
  private async purgeStep(): Promise<void> {
    while (this.lock !== undefined) await this.lock; // S3: an epoch change runs alone
    const voided = this.voided;
    if (voided === undefined || this.failure !== undefined || this.retired) return;
    const entries: IndexEntry[] = [];
    for (const entry of this.store.index(voided.after, voided.upTo)) {
      entries.push(entry);
      if (entries.length >= PURGE_BATCH_RECORDS) break;
    }
    const last = entries.length < PURGE_BATCH_RECORDS ? voided.upTo : entries.at(-1)?.lsn;
    assert(last !== undefined && last > voided.after, 'V2: every purge write makes progress');
    const next = last < voided.upTo ? { after: last, upTo: voided.upTo } : undefined;
    this.writeStarted();
    try {
      const removed = await this.store.purge(entries, { ...this.meta({}), voided: next });
      this.voided = next;
      this.usage.adjust(negative(removed)); // U2: a change of known size
      if (next === undefined) this.log.info({ upTo: voided.upTo }, 'segment purge done');
    } catch (error) {
      this.fail(error);
    } finally {
      this.writeDone();
    }
  }

  /** @internal S10: a copy of this record is bad (repaired: `badRecordGone`). */
  badRecordFound(lsn: Lsn): void {
    this.badRecords.add(lsn);
  }

  /** @internal S10: the bad copy of this record was replaced or removed. */
  badRecordGone(lsn: Lsn): void {
    this.badRecords.delete(lsn);
  }

  /** S10: the chain tail, or the last chain record below the lowest known bad one. */
  private readableScl(): Lsn {
    let scl = this.chain.tail;
    for (const lsn of this.badRecords) {
      if (lsn <= this.gcTail || lsn > this.chain.tail) continue; // not in the chain
      if (lsn <= scl) scl = this.floor((lsn - 1) as Lsn);
    }
    return scl;
  }

  /** CH4: the tail run that goes with the SCL `change` writes (unknown if it moves it alone). */
  private tailRunFor(change: Partial<SegmentMeta>): SegmentMeta['tailRun'] {
    if ('tailRun' in change) return change.tailRun;
    const moved = change.scl !== undefined && change.scl !== this.chain.tail;
    return moved ? undefined : this.chain.tailRun;
  }

  /** The segment's last record at or below lsn (inside the chain, so it is the chain's). */
  private floor(lsn: Lsn): Lsn {
    const entry = this.store.indexFloor(lsn)?.lsn ?? LSN_NONE;
    return lsn >= this.gcTail && this.gcTail > entry ? this.gcTail : entry;
  }

  private async chainEntries(m: ChainRequest): Promise<ChainReply | Refused> {
    while (this.lock !== undefined) await this.lock;
    if (m.epoch < this.sealed) return this.refuse('stale-epoch');
    const { after, upTo } = this.chainRange(m.afterLsn, m.upToLsn);
    const entries = [];
    for (const e of this.store.index(after, upTo)) {
      if (entries.length >= m.entriesMax) break; // the rest in the next request
      entries.push({ lsn: e.lsn, cpl: e.cpl });
    }
    return { kind: 'ChainReply', baseLsn: this.floor(after), entries };
  }

  /**
   * The part of (afterLsn, upToLsn] recovery may read of the chain: only the chain up to upTo
   * counts, since above a capped SCL there may be void records (E2), and only what it can read
   * (S10).
   */
  private chainRange(afterLsn: Lsn, upToLsn: Lsn): { after: Lsn; upTo: Lsn } {
    const scl = this.readableScl();
    const upTo = upToLsn < scl ? upToLsn : scl;
    return { after: afterLsn < upTo ? afterLsn : upTo, upTo };
  }

  /**
   * S12: the index entries ChainRequest lists, folded into runs of consecutive LSNs, each with
   * its highest CPL. The tail run stands for its part of the range unread (CH4); the rest is
   * read, a run at a time into the reply.
   */
  private async chainRuns(m: ChainRunsRequest): Promise<ChainRunsReply | Refused> {
    while (this.lock !== undefined) await this.lock;
    if (m.epoch < this.sealed) return this.refuse('stale-epoch');
    const { after, upTo } = this.chainRange(m.afterLsn, m.upToLsn);
    const known = this.knownTailRun(after, upTo);
    const runs: ChainRun[] = [];
    // The run being read: first..last (first LSN_NONE: none yet), its highest CPL.
    let first = LSN_NONE;
    let last = LSN_NONE;
    let cpl = LSN_NONE;
    const readTo = known === undefined ? upTo : ((known.first - 1) as Lsn);
    for (const e of this.store.index(after, readTo)) {
      if (e.lsn === last + 1 && first !== LSN_NONE) {
        last = e.lsn;
        if (e.cpl) cpl = e.lsn;
        continue;
      }
      if (first !== LSN_NONE) {
        runs.push({ first, last, cpl });
        if (runs.length >= m.runsMax) return this.runsReply(after, runs, true);
      }
      first = e.lsn;
      last = e.lsn;
      cpl = e.cpl ? e.lsn : LSN_NONE;
    }
    if (known !== undefined && first !== LSN_NONE && last + 1 === known.first) {
      runs.push({ first, last: known.last, cpl: known.cpl === LSN_NONE ? cpl : known.cpl });
      return this.runsReply(after, runs, false);
    }
    if (first !== LSN_NONE) runs.push({ first, last, cpl });
    if (known === undefined) return this.runsReply(after, runs, false);
    if (runs.length >= m.runsMax) return this.runsReply(after, runs, true);
    runs.push(known);
    return this.runsReply(after, runs, false);
  }

  /**
   * S12, CH4: the part of (after, upTo] in the chain's tail run, above the GC point (whose
   * records have no index entries), as one run; undefined when there is none, or when the range
   * ends (a capped SCL, E2, or a bad copy, S10) below the run's highest CPL, so that the highest
   * CPL at or below its end is not known. upTo is at most the tail (chainRange).
   */
  private knownTailRun(after: Lsn, upTo: Lsn): ChainRun | undefined {
    const tailRun = this.chain.tailRun;
    if (tailRun === undefined || tailRun.cpl > upTo || upTo <= after) return undefined;
    assert(upTo <= this.chain.tail, 'S12: the range lies in the chain');
    let first = tailRun.start;
    for (const floor of [after, this.gcLsn, this.gcTail]) {
      if (floor >= first) first = (floor + 1) as Lsn;
    }
    if (first > upTo) return undefined;
    const cpl = tailRun.cpl >= first ? tailRun.cpl : LSN_NONE;
    return { first: first as Lsn, last: upTo, cpl };
  }

  private runsReply(after: Lsn, runs: ChainRun[], more: boolean): ChainRunsReply {
    return { kind: 'ChainRunsReply', baseLsn: this.floor(after), runs, more };
  }

  private async readRecords(m: ReadRecordsRequest): Promise<ReadRecordsReply | Refused> {
    while (this.lock !== undefined) await this.lock;
    if (m.epoch < this.sealed) return this.refuse('stale-epoch');
    if (m.afterLsn < this.gcTail) return this.refuse('collected');
    const upTo = m.upToLsn < this.chain.tail ? m.upToLsn : this.chain.tail;
    const records = this.recordsAbove(m.afterLsn, upTo, m.bytesMax);
    if (records === undefined) return this.refuse('corrupt');
    return { kind: 'ReadRecordsReply', ...records };
  }

  /** Records in (after, upTo] up to about bytesMax, or undefined if one is bad (repair starts). */
  private recordsAbove(
    after: Lsn,
    upTo: Lsn,
    bytesMax: number,
  ): { records: Buffer[]; more: boolean } | undefined {
    const records: Buffer[] = [];
    let bytes = 0;
    for (const e of this.store.index(after, upTo)) {
      if (records.length > 0 && bytes >= bytesMax) return { records, more: true };
      const record = this.store.record(e.pageId, e.lsn);
      assert(record !== undefined, 'ST2: an index entry has its record');
      if (!redoIsIntact(record)) {
        this.maintenance.repairSoon({ pageId: e.pageId, lsn: e.lsn, what: 'record' });
        return undefined;
      }
      records.push(record);
      bytes += record.length;
    }
    return { records, more: false };
  }

  /** S7 (the answering side): what a peer lacks above its SCL, or images below our GC point. */
  private serveGossip(m: GossipRequest): GossipReply | Refused {
    const base = {
      kind: 'GossipReply' as const,
      scl: this.chain.tail,
      vdlHint: this.vdlHint,
      appliedEpoch: this.appliedEpoch,
      history: this.history,
      gcLsn: this.gcLsn,
      gcTail: this.gcTail,
    };
    // The asker lacks a record that is now only in our images: send those instead.
    if (m.afterLsn < this.gcTail) {
      const { images, next } = this.store.latestImages(m.imagesFrom, this.gcLsn, m.bytesMax);
      return { ...base, records: [], images, imagesNext: next, more: false };
    }
    const found = this.recordsAbove(m.afterLsn, this.chain.tail, m.bytesMax);
    if (found === undefined) return this.refuse('corrupt');
    return { ...base, ...found, images: [], imagesNext: -1 };
  }

  /** A good copy for a peer's scrub: the record, or the page as of lsn. */
  private serveRepair(m: RepairRequest): RepairReply {
    if (this.voided !== undefined && m.lsn > this.voided.after) {
      return { kind: 'RepairReply', bytes: null }; // V3: void, not a copy of anything
    }
    if (m.what === 'record') {
      const bytes = this.store.record(m.pageId, m.lsn);
      const good = bytes !== undefined && redoIsIntact(bytes);
      return { kind: 'RepairReply', bytes: good ? bytes : null };
    }
    const image = this.store.pageImage(m.pageId, m.lsn);
    if (image !== undefined && image.lsn === m.lsn && image.intact) {
      return { kind: 'RepairReply', bytes: image.bytes };
    }
    if (m.lsn < this.gcLsn || m.lsn > this.chain.tail) return { kind: 'RepairReply', bytes: null };
    const result = this.materialise(m.pageId, m.lsn);
    const good = result.kind === 'page' && pageLsn(result.page) === m.lsn;
    return { kind: 'RepairReply', bytes: good ? result.page : null };
  }

  /**
   * @internal The metadata for a store write issued now, as it stands with `change` over it.
   * Issue 8: one object literal of fixed shape, no spreads (it is built for every append). It
   * carries usage counts only if `change` gives them (U5), and notes whether it does (U6).
   */
  meta(change: Partial<SegmentMeta>): SegmentMeta {
    const usage = change.usage;
    assert(usage === undefined || this.writes === 0, 'U5: counts go with no write in flight');
    this.metaCounts = usage !== undefined;
    return {
      scl: change.scl ?? this.chain.tail,
      vdlHint: change.vdlHint ?? this.vdlHint,
      sealedEpoch: change.sealedEpoch ?? this.sealed,
      appliedEpoch: change.appliedEpoch ?? this.appliedEpoch,
      history: change.history ?? this.history,
      gcLsn: change.gcLsn ?? this.gcLsn,
      gcTail: change.gcTail ?? this.gcTail,
      lastScrubMs: change.lastScrubMs ?? this.lastScrubMs,
      corruptFound: change.corruptFound ?? this.corruptFound,
      repairs: change.repairs ?? this.repairs,
      marks: change.marks ?? this.marks,
      usage,
      voided: this.voided,
      tailRun: this.tailRunFor(change),
    };
  }

  /** @internal A peer's VDL hint, taken with its page images (S6: gcLsn <= vdlHint). */
  raiseHint(hint: Lsn): void {
    if (hint > this.vdlHint) this.vdlHint = hint;
  }

  private refuse(reason: RefusalReason): Refused {
    return { kind: 'Refused', reason, sealedEpoch: this.sealed };
  }

  /** @internal */
  fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    if (this.retired) return;
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

  /** @internal A store write starts (S3 waits for it; U5 counts the idle time from it). */
  writeStarted(): void {
    this.writes++;
    this.lastWriteMs = this.options.clock.now();
  }

  /** @internal */
  writeDone(): void {
    this.writes--;
    assert(this.writes >= 0, 'S3: writes in flight are counted');
    if (this.writes > 0) return;
    if (!this.metaCounts) this.checkpointSoon();
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function negative(u: Readonly<Usage>): Usage {
  return {
    records: -u.records,
    recordBytes: -u.recordBytes,
    images: -u.images,
    imageBytes: -u.imageBytes,
  };
}
