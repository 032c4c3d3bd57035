/**
 * A segment's background work, run by its node's timers (node.ts): gossip with peer segments to
 * fill holes, garbage collection below the retention window and the writer's read floor, and a
 * scrub of every stored record and page image that repairs a bad copy from a peer.
 *
 *   work      what it does                                            invariants (segment.ts)
 *   gossip    asks one peer (in turn) for records above its SCL;      S1, S7; CH1–CH3
 *             takes a newer applied epoch from the peer first; below
 *             the peer's GC point takes its page images instead
 *   collect   folds records at or below the GC point into one image   S4, S6
 *             per page and deletes them, GC_BATCH_RECORDS at a time
 *   scrub     walks records then images, checking crcs and LSNs;      S4
 *             each bad copy is repaired
 *   repair    a bad record or image: a good copy from a peer; an
 *             image above the GC point is just dropped (records
 *             rebuild it)
 *
 * None of it runs while an epoch change holds the segment (S3: `busy`), and each re-checks the
 * segment's epoch after every await before it writes. Store writes are counted as writes in
 * flight, so an epoch change waits for them. Collection, image installs and repairs read what
 * their store write will remove and add just before they issue it, and adjust the segment's usage
 * count by that once it is durable (S9), rather than have it count the whole segment again; they
 * do it alone among the writes that touch page images (usage.ts U7: `imagesAlone`), and a write
 * without metadata first makes sure the store's metadata carries no counts (U6: `uncount`).
 */
import assert from 'node:assert/strict';
import {
  GOSSIP_BYTES_MAX,
  GOSSIP_REQUESTS_PER_ROUND,
  GC_BATCH_RECORDS,
  PEER_REQUEST_TIMEOUT_MS,
} from '../config.js';
import { withTimeout } from '../clock.js';
import { LSN_NONE, type Lsn, type PageId } from '../lsn.js';
import type { GossipReply, GossipRequest, PageImageCopy, StorageReply } from '../messages.js';
import { PAGE_SIZE, pageLsn } from '../page.js';
import { decodeRedoHeader, redoIsIntact } from '../redo.js';
import type { BadCopy, Segment } from './segment.js';
import type { PageImage, RecordKey, SegmentStore, TimeMark, Usage } from './store.js';
import { imageBytes, noUsage } from './usage.js';

export interface ScrubProgress {
  readonly checked: number;
  readonly corrupt: number;
  readonly repaired: number;
  /** True when this step finished a complete pass. */
  readonly done: boolean;
}

interface ImageInstall {
  readonly peer: string;
  readonly gcLsn: Lsn;
  next: number;
}

interface ScrubCursor {
  record: RecordKey | undefined;
  recordsDone: boolean;
  image: RecordKey | undefined;
  checked: number;
  corrupt: number;
  repaired: number;
}

export class SegmentMaintenance {
  private gossipTurn = 0;
  private gossiping = false;
  /** Rounds to skip: a segment with no hole whose last rounds brought nothing asks less often. */
  private quiet = 0;
  private skip = 0;
  private collecting = false;
  private install: ImageInstall | undefined;
  private cursor: ScrubCursor = newCursor();
  private scrubbing: Promise<unknown> = Promise.resolve();
  private readonly repairing = new Map<string, Promise<boolean>>();
  /** Bad copies no peer had, waiting for a peer's page images to supersede them. */
  private unrepaired: BadCopy[] = [];

  constructor(private readonly segment: Segment) {}

  // ---- gossip ---------------------------------------------------------------------------------

  /**
   * One round: up to GOSSIP_REQUESTS_PER_ROUND answers from one peer, while they bring news. A
   * segment without a hole whose rounds bring nothing backs off to one round in 8.
   */
  async gossipRound(): Promise<void> {
    const s = this.segment;
    const send = s.options.sendToPeer;
    if (send === undefined || this.gossiping || s.busy) return;
    if (this.skip > 0 && s.chain.pendingCount === 0 && this.install === undefined) {
      this.skip--;
      return;
    }
    const before = s.scl;
    const peers = s.options.peers();
    if (peers.length === 0) return;
    let peer = this.install?.peer ?? peers[this.gossipTurn++ % peers.length];
    if (peer === undefined) return;
    this.gossiping = true;
    let unanswered = 0;
    try {
      for (let i = 0; i < GOSSIP_REQUESTS_PER_ROUND; i++) {
        const request: GossipRequest = {
          kind: 'GossipRequest',
          group: s.group,
          // While installing a peer's images, ask from 0: the peer answers with images.
          afterLsn: this.install === undefined ? s.scl : LSN_NONE,
          bytesMax: GOSSIP_BYTES_MAX,
          imagesFrom: this.install?.next ?? 0,
        };
        const reply = await this.ask(peer, request);
        if (reply?.kind !== 'GossipReply') {
          // That peer is down or cut off: try the next one in this round rather than wait.
          this.install = undefined;
          if (++unanswered >= peers.length) return;
          peer = peers[this.gossipTurn++ % peers.length];
          if (peer === undefined) return;
          continue;
        }
        if (!(await this.absorb(peer, request, reply))) return;
      }
    } finally {
      this.gossiping = false;
      this.quiet = s.scl > before ? 0 : Math.min(this.quiet + 1, 3);
      this.skip = (1 << this.quiet) - 1;
    }
  }

  private async ask(peer: string, request: GossipRequest): Promise<StorageReply | undefined> {
    const s = this.segment;
    const send = s.options.sendToPeer;
    if (send === undefined) return undefined;
    try {
      const reply = send(peer, request);
      return await withTimeout(s.options.clock, reply, PEER_REQUEST_TIMEOUT_MS, 'gossip');
    } catch (error) {
      s.log.debug({ peer, err: error }, 'gossip: peer did not answer');
      return undefined;
    }
  }

  /** Takes what a peer sent; true if it is worth asking again at once. */
  private async absorb(peer: string, asked: GossipRequest, reply: GossipReply): Promise<boolean> {
    const s = this.segment;
    if (s.busy) return false;
    if (reply.appliedEpoch > s.epoch) {
      // The peer has heard of a newer writer: truncate as that writer would have told us (E2).
      if (reply.appliedEpoch < s.sealedEpoch) return false;
      const done = await s.truncateFor(reply.appliedEpoch, reply.history);
      return done.kind === 'TruncateReply';
    }
    if (reply.appliedEpoch !== s.epoch || reply.appliedEpoch === 0) return false; // S7
    if (reply.records.length === 0 && asked.afterLsn < reply.gcTail) {
      return this.installImages(peer, reply);
    }
    if (this.install !== undefined) return false; // the peer no longer has a GC point to give
    if (reply.records.length === 0) return false;
    const stored = s.verify(reply.records);
    if (stored === undefined) return false;
    if (stored.length === 0) return reply.more;
    const before = s.scl;
    const hint = reply.vdlHint > s.hint && reply.vdlHint <= reply.scl ? reply.vdlHint : s.hint;
    if (!(await s.persist(stored, hint))) return false;
    s.log.debug({ peer, records: stored.length, from: before, scl: s.scl }, 'gossip filled');
    return reply.more;
  }

  /**
   * The peer has collected records we lack: take its page images at its GC point, page by page,
   * from one peer at one GC point; once complete, adopt the GC point (S6) and raise the chain's
   * tail to the peer's GC tail.
   */
  private async installImages(peer: string, reply: GossipReply): Promise<boolean> {
    if (this.install === undefined || this.install.gcLsn !== reply.gcLsn) {
      const fresh = this.install === undefined;
      this.install = { peer, gcLsn: reply.gcLsn, next: 0 };
      if (!fresh) return true; // the peer collected further: start over at its new point
    }
    if (!(await this.putImages(reply.images)) || this.install === undefined) return false;
    this.install.next = reply.imagesNext;
    if (reply.imagesNext !== -1) return true;
    this.install = undefined;
    return this.adoptGcPoint(peer, reply);
  }

  /** A peer's images (U6, U7: counted from what each overwrites, alone); false on failure. */
  private putImages(images: readonly PageImageCopy[]): Promise<boolean> {
    const s = this.segment;
    return countedWrite(s, () => true, async (delta) => {
      for (const image of images) {
        const old = s.store.pageImage(image.pageId, image.lsn);
        if (old?.lsn === image.lsn) countImage(delta, old.bytes, -1); // overwritten
        countImage(delta, image.bytes, 1);
      }
      await Promise.all(images.map((i) => s.store.putPageImage(i.pageId, i)));
    });
  }

  /**
   * Alone among image writers (U7), and alone among all writes (S3): an append in flight when
   * the records up to the GC point are counted and removed could land after the removal, below
   * the new GC point, where the chain (raised to the GC tail) takes it as already held and the
   * counts miss it (storage sim seed 1218: I6, 12 records held and not counted).
   */
  private adoptGcPoint(peer: string, reply: GossipReply): Promise<boolean> {
    const s = this.segment;
    if (s.busy) return Promise.resolve(false);
    return s.imagesAlone(async () => {
      const adopted = await s.alone(() => this.adoptGcPointAlone(peer, reply));
      return adopted === true;
    });
  }

  private async adoptGcPointAlone(peer: string, reply: GossipReply): Promise<boolean> {
    const s = this.segment;
    if (s.stoppedOrVoided || s.epoch !== reply.appliedEpoch || reply.gcLsn <= s.gcLsn) {
      return false;
    }
    const hint = reply.vdlHint > s.hint ? reply.vdlHint : s.hint;
    const tail = reply.gcTail > s.scl ? reply.gcTail : s.scl;
    const delta = collectDelta(s.store, s.gcLsn, reply.gcLsn, []);
    s.writeStarted();
    const meta = s.meta({ gcLsn: reply.gcLsn, gcTail: reply.gcTail, vdlHint: hint, scl: tail });
    try {
      // Our own records at or below the new GC point go, as our own collection would drop them.
      await s.store.collect(s.gcLsn, reply.gcLsn, [], meta);
    } catch (error) {
      s.fail(error);
      return false;
    } finally {
      s.writeDone();
    }
    s.gcLsn = reply.gcLsn;
    s.gcTail = reply.gcTail;
    s.raiseHint(hint);
    s.chain.advanceTo(reply.gcTail);
    s.usage.adjust(delta);
    s.log.info({ peer, gcLsn: s.gcLsn, scl: s.scl }, 'gossip: took page images at a peer GC point');
    const superseded = this.unrepaired.filter((b) => b.lsn <= s.gcLsn);
    this.unrepaired = this.unrepaired.filter((b) => b.lsn > s.gcLsn);
    for (const bad of superseded) await this.repaired(bad, `${peer} (page images)`);
    return true;
  }

  // ---- garbage collection ---------------------------------------------------------------------

  /** The highest LSN whose records are all older than the retention window. */
  retentionLsn(nowMs: number): Lsn {
    const s = this.segment;
    let lsn = LSN_NONE;
    for (const mark of s.marks) {
      if (mark.wallMs <= nowMs - s.options.retentionMs && mark.lsn > lsn) lsn = mark.lsn;
    }
    return lsn;
  }

  /** The GC point now: below the window, the read floor, the VDL hint and the SCL (S6). */
  gcPoint(): Lsn {
    const s = this.segment;
    const candidates = [this.retentionLsn(s.options.clock.wallNow()), s.readFloor, s.hint, s.scl];
    return Math.min(...candidates) as Lsn;
  }

  /** One step: folds up to GC_BATCH_RECORDS records into images and deletes them. */
  async collect(): Promise<void> {
    const s = this.segment;
    const point = this.gcPoint();
    if (this.collecting || s.busy || point <= s.gcLsn) return;
    let upTo = point;
    let tail = s.gcTail;
    let count = 0;
    const lastOfPage = new Map<PageId, Lsn>();
    for (const entry of s.store.index(s.gcLsn, point)) {
      if (count === GC_BATCH_RECORDS) {
        upTo = tail;
        break;
      }
      lastOfPage.set(entry.pageId, entry.lsn);
      tail = entry.lsn;
      count++;
    }
    const images: (PageImage & { pageId: PageId })[] = [];
    for (const [pageId, last] of lastOfPage) {
      const result = s.materialise(pageId, last);
      if (result.kind === 'bad') return this.repairSoon(result.bad);
      images.push({ pageId, lsn: last, bytes: result.page });
    }
    const marks = s.marks.filter((mark) => mark.lsn > upTo);
    const from = s.gcLsn;
    const epoch = s.epoch;
    this.collecting = true;
    try {
      await s.imagesAlone(async () => {
        // U7: an epoch change or a peer's GC point may have come while this waited.
        if (s.busy || s.gcLsn !== from || s.epoch !== epoch) return;
        await this.commitCollect(upTo, tail, images, marks, count);
      });
    } finally {
      this.collecting = false;
    }
  }

  private async commitCollect(
    upTo: Lsn,
    tail: Lsn,
    images: (PageImage & { pageId: PageId })[],
    marks: readonly TimeMark[],
    count: number,
  ): Promise<void> {
    const s = this.segment;
    const from = s.gcLsn;
    const delta = collectDelta(s.store, from, upTo, images);
    s.writeStarted();
    try {
      await s.store.collect(from, upTo, images, s.meta({ gcLsn: upTo, gcTail: tail, marks }));
      s.gcLsn = upTo;
      s.gcTail = tail;
      s.marks = marks;
      s.usage.adjust(delta);
      s.log.debug({ from, gcLsn: upTo, records: count, images: images.length }, 'collected');
    } catch (error) {
      s.fail(error);
    } finally {
      s.writeDone();
    }
  }

  // ---- scrub and repair -----------------------------------------------------------------------

  /**
   * Checks up to `limit` records (then images) where the last step stopped; repairs bad ones.
   * Steps run one at a time (the node's timer and a scrub on demand share the cursor).
   */
  scrubStep(limit: number): Promise<ScrubProgress> {
    const step = this.scrubbing.then(() => this.scrubStepNow(limit));
    this.scrubbing = step.catch(() => undefined);
    return step;
  }

  private async scrubStepNow(limit: number): Promise<ScrubProgress> {
    const s = this.segment;
    if (s.busy) return { checked: 0, corrupt: 0, repaired: 0, done: false };
    const c = this.cursor;
    const bad: BadCopy[] = [];
    let checked = 0;
    let done = false;
    if (!c.recordsDone) {
      const batch = s.store.scanRecords(c.record, limit);
      for (const r of batch) {
        if (!recordIsGood(r, r.bytes)) bad.push({ pageId: r.pageId, lsn: r.lsn, what: 'record' });
      }
      checked = batch.length;
      c.record = batch.at(-1) ?? c.record;
      c.recordsDone = batch.length < limit;
    } else {
      const batch = s.store.scanImages(c.image, limit);
      for (const i of batch) {
        if (!i.intact || pageLsn(i.bytes) !== i.lsn) {
          bad.push({ pageId: i.pageId, lsn: i.lsn, what: 'image' });
        }
      }
      checked = batch.length;
      c.image = batch.at(-1) ?? c.image;
      done = batch.length < limit;
    }
    let repaired = 0;
    for (const b of bad) if (await this.repair(b)) repaired++;
    c.checked += checked;
    c.corrupt += bad.length;
    c.repaired += repaired;
    if (done) await this.scrubDone(c);
    return { checked, corrupt: bad.length, repaired, done };
  }

  private async scrubDone(c: ScrubCursor): Promise<void> {
    const s = this.segment;
    if (this.cursor === c) this.cursor = newCursor();
    s.lastScrubMs = s.options.clock.wallNow();
    s.log.info(
      { checked: c.checked, corrupt: c.corrupt, repaired: c.repaired, scl: s.scl },
      'scrub complete',
    );
    await this.saveCounters();
  }

  /** Starts a new pass from the beginning (a scrub on demand). */
  restartScrub(): void {
    this.cursor = newCursor();
  }

  /** True while a pass is under way or the last one is older than `intervalMs`. */
  scrubDue(intervalMs: number): boolean {
    const c = this.cursor;
    if (c.record !== undefined || c.recordsDone) return true;
    return this.segment.options.clock.wallNow() - this.segment.lastScrubMs >= intervalMs;
  }

  /** A bad copy was met outside the scrub (a read, gossip, GC): repair it in the background. */
  repairSoon(bad: BadCopy): void {
    this.repair(bad).catch((error: unknown) => {
      this.segment.log.error({ err: error, ...key(bad) }, 'repair failed');
    });
  }

  /** Repairs one bad copy (once at a time per copy); true if a good one replaced it. */
  repair(bad: BadCopy): Promise<boolean> {
    const key = `${bad.what}:${bad.pageId}:${bad.lsn}`;
    let running = this.repairing.get(key);
    if (running === undefined) {
      this.segment.corruptFound++;
      if (bad.what === 'record') this.segment.badRecordFound(bad.lsn); // S10
      running = this.repairNow(bad).finally(() => this.repairing.delete(key));
      this.repairing.set(key, running);
    }
    return running;
  }

  private async repairNow(bad: BadCopy): Promise<boolean> {
    const s = this.segment;
    s.log.warn({ pageId: bad.pageId, lsn: bad.lsn, what: bad.what }, 'bad copy found');
    if (bad.what === 'image' && bad.lsn > s.gcLsn) {
      // Derived from records the segment still holds: dropping it is the repair (S4).
      if (!(await this.replaceCopy(bad, undefined))) return false;
      return this.repaired(bad, 'dropped');
    }
    if (await this.copyFromPeer(bad)) return true;
    // No peer has it any more: if one has collected past it, its page images supersede it.
    for (const peer of s.options.peers()) {
      const reply = await this.ask(peer, {
        kind: 'GossipRequest',
        group: s.group,
        afterLsn: LSN_NONE,
        bytesMax: 0,
        imagesFrom: 0,
      });
      if (reply?.kind !== 'GossipReply' || reply.appliedEpoch !== s.epoch) continue;
      if (reply.gcTail < bad.lsn || this.install !== undefined) continue;
      this.install = { peer, gcLsn: reply.gcLsn, next: 0 };
      this.unrepaired.push(bad);
      s.log.warn({ ...key(bad), peer }, 'bad copy: taking page images from a peer past it');
      return false;
    }
    s.log.error({ ...key(bad) }, 'no peer had a good copy; the bad copy stays (reads refuse it)');
    return false;
  }

  private async copyFromPeer(bad: BadCopy): Promise<boolean> {
    const s = this.segment;
    const send = s.options.sendToPeer;
    if (send === undefined) return false;
    for (const peer of s.options.peers()) {
      const request = {
        kind: 'RepairRequest' as const,
        group: s.group,
        pageId: bad.pageId,
        lsn: bad.lsn,
        what: bad.what,
      };
      let reply: StorageReply;
      try {
        const sent = send(peer, request);
        reply = await withTimeout(s.options.clock, sent, PEER_REQUEST_TIMEOUT_MS, 'repair');
      } catch {
        continue;
      }
      if (reply.kind !== 'RepairReply' || reply.bytes === null) continue;
      const good = reply.bytes;
      if (bad.what === 'record' ? !recordIsGood(bad, good) : !imageIsGood(bad, good)) continue;
      if (!(await this.replaceCopy(bad, good))) return false;
      return this.repaired(bad, peer);
    }
    return false;
  }

  /**
   * Puts a good copy over a bad one, or drops a bad image (`good` undefined), counted by what the
   * store holds there (U6, U7). False if the segment is busy or the bad copy went meanwhile.
   */
  private replaceCopy(bad: BadCopy, good: Buffer | undefined): Promise<boolean> {
    const s = this.segment;
    return countedWrite(s, () => this.stillThere(bad), async (delta) => {
      if (bad.what === 'record') {
        assert(good !== undefined, 'a bad record is replaced, never dropped');
        delta.recordBytes = good.length - (s.store.record(bad.pageId, bad.lsn)?.length ?? 0);
        await s.store.putRecord(bad, good);
        return;
      }
      const old = s.store.pageImage(bad.pageId, bad.lsn);
      if (old !== undefined) countImage(delta, old.bytes, -1);
      if (good === undefined) await s.store.removePageImage(bad);
      else {
        countImage(delta, good, 1);
        await s.store.putPageImage(bad.pageId, { lsn: bad.lsn, bytes: good });
      }
    });
  }

  private stillThere(bad: BadCopy): boolean {
    const store = this.segment.store;
    if (bad.what === 'record') return store.record(bad.pageId, bad.lsn) !== undefined;
    return store.pageImage(bad.pageId, bad.lsn)?.lsn === bad.lsn;
  }

  private async repaired(bad: BadCopy, from: string): Promise<boolean> {
    const s = this.segment;
    s.repairs++;
    if (bad.what === 'record') s.badRecordGone(bad.lsn); // S10
    s.log.warn({ ...key(bad), from }, 'bad copy repaired');
    await this.saveCounters();
    return true;
  }

  private async saveCounters(): Promise<void> {
    const s = this.segment;
    if (s.busy) return;
    await this.write(() => s.store.putMeta(s.meta({})));
  }

  private async write(fn: () => Promise<void>): Promise<void> {
    const s = this.segment;
    s.writeStarted();
    try {
      await fn();
    } catch (error) {
      s.fail(error);
    } finally {
      s.writeDone();
    }
  }
}

/** Just the coordinates (for logs and keys: never the bytes). */
function key<T extends RecordKey>(k: T): RecordKey & Partial<Pick<BadCopy, 'what'>> {
  const out: RecordKey & { what?: BadCopy['what'] } = { pageId: k.pageId, lsn: k.lsn };
  if ('what' in k && (k.what === 'record' || k.what === 'image')) out.what = k.what;
  return out;
}

/** Counts one stored image in or out (`sign` ±1). */
/**
 * A write that changes what the usage counts (U6, U7): alone among the writes that touch images,
 * counted first, skipped when the segment is busy, failed, or `ready` says the write no longer
 * applies; `write` fills the delta it makes. False when skipped or failed (S5: a failure fails
 * the segment).
 */
function countedWrite(
  s: Segment,
  ready: () => boolean,
  write: (delta: Usage) => Promise<void>,
): Promise<boolean> {
  return s.imagesAlone(async () => {
    if (s.busy) return false;
    s.writeStarted();
    try {
      await s.uncount();
      if (s.failed || !ready()) return false;
      const delta = noUsage();
      await write(delta);
      s.usage.adjust(delta);
      return true;
    } catch (error) {
      s.fail(error);
      return false;
    } finally {
      s.writeDone();
    }
  });
}

function countImage(usage: Usage, page: Buffer, sign: 1 | -1): void {
  usage.images += sign;
  usage.imageBytes += sign * imageBytes(page);
}

/**
 * S9: what `store.collect(afterLsn, upToLsn, images)` will change, read from the store in the same
 * turn, before it runs (store.ts says what it does): it removes the records in (afterLsn,
 * upToLsn]; it writes `images`, each overwriting an image at the same key; and of every page it
 * touches, it removes the images older than the page's newest at or below upToLsn.
 */
function collectDelta(
  store: SegmentStore,
  afterLsn: Lsn,
  upToLsn: Lsn,
  images: readonly (PageImage & { pageId: PageId })[],
): Usage {
  const delta = noUsage();
  const pages = new Set<PageId>();
  for (const entry of store.index(afterLsn, upToLsn)) {
    delta.records--;
    delta.recordBytes -= store.record(entry.pageId, entry.lsn)?.length ?? 0;
    pages.add(entry.pageId);
  }
  const written = new Map<PageId, Lsn>();
  for (const image of images) {
    if (!written.has(image.pageId)) written.set(image.pageId, image.lsn);
    pages.add(image.pageId);
    countImage(delta, image.bytes, 1);
  }
  for (const pageId of pages) {
    const mine = written.get(pageId);
    const newest = mine ?? store.pageImage(pageId, upToLsn)?.lsn;
    if (newest === undefined) continue;
    let image = store.pageImage(pageId, newest);
    while (image !== undefined) {
      // The newest stays, unless collect writes its own image at that key over it.
      if (image.lsn !== newest || mine !== undefined) countImage(delta, image.bytes, -1);
      image = image.lsn > LSN_NONE ? store.pageImage(pageId, (image.lsn - 1) as Lsn) : undefined;
    }
  }
  return delta;
}

function newCursor(): ScrubCursor {
  return {
    record: undefined,
    recordsDone: false,
    image: undefined,
    checked: 0,
    corrupt: 0,
    repaired: 0,
  };
}

function recordIsGood(key: RecordKey, bytes: Buffer): boolean {
  if (!redoIsIntact(bytes)) return false;
  const h = decodeRedoHeader(bytes);
  return h.lsn === key.lsn && h.pageId === key.pageId;
}

function imageIsGood(key: RecordKey, bytes: Buffer): boolean {
  return bytes.length === PAGE_SIZE && pageLsn(bytes) === key.lsn;
}
