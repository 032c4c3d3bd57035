/**
 * The buffer pool: the writer's cache of pages, read through from storage (and a read replica's,
 * read through from its page source, replica.ts: its VDL is the replica's).
 *
 * A miss reads the page from storage at the current VDL. That is always the page's latest
 * version, because of the eviction rule:
 *   (BP1) a page is evicted only when its pageLsn ≤ VDL (every change to it is durable, so
 *         storage can materialise it) and nobody has it pinned.
 *   (BP2) one frame per page id: concurrent misses on one page share one storage read.
 *   (BP3) the pool holds at most `capacityPages` pages — unpinned frames plus the version cache's
 *         older page images (version-cache.ts) — plus whatever is pinned or not yet durable; when
 *         nothing can be evicted it runs over rather than lose a change, and catches up on the
 *         next miss. (Besides them: at most SPARE_PAGES_MAX spare buffers for before-images.)
 *   (BP4) `pageAt(id, at)` returns the page as of read point `at`: the frame when its pageLsn ≤
 *         at, else a version (VC1), else storage's image at `at` (which needs at ≤ VDL; a point
 *         above VDL always finds its version by VC3). Frames only ever hold the latest version.
 *   (BP5) a miss reads the page at the VDL of the moment it starts (`readAt`), and the page
 *         becomes a frame, in the same step as it stops loading, only after `landing` has
 *         brought it forward to the VDL of the moment it lands. A writer's pool needs no
 *         landing: no record is made for a page it has not loaded (BP1). A read replica's VDL
 *         moves during the read, and its landing applies the records that passed meanwhile
 *         (replica.ts R4).
 * LRU order is the Map's insertion order: a hit moves the frame to the end (unless it moved
 * there lately, see `touch`: an approximate LRU).
 */
import assert from 'node:assert/strict';
import {
  type Lsn,
  type PageId,
  type StorageClient,
  PAGE_SIZE,
  StorageError,
  page as pageFormat,
} from '../../storage/index.js';
import { sqlErrorWithMessage } from '../errors.js';
import { ReadPoints, VersionCache } from './version-cache.js';

/**
 * Dropped before-images kept for reuse (1 MiB): enough for the commits in flight, so a commit's
 * page copies allocate nothing (each fresh 16 KiB buffer is external memory the GC must track).
 */
const SPARE_PAGES_MAX = 64;

/** A page's pageLsn (storage/page.ts: u64 BE at offset 0), read without a check per call. */
function lsnOf(bytes: Buffer): Lsn {
  const at = pageFormat.OFFSET.pageLsn;
  return (bytes.readUInt32BE(at) * 0x1_0000_0000 + bytes.readUInt32BE(at + 4)) as Lsn;
}

/** What the pool reads pages from: storage (the writer's), or a replica's page source. */
export type PageStore = Pick<StorageClient, 'readPage' | 'durableLsn'>;

/** BP5: brings a page read at `readAt` forward to VDL before it becomes a frame. */
export type PageLanding = (id: PageId, bytes: Buffer, readAt: Lsn) => void;

interface Frame {
  readonly bytes: Buffer;
  pins: number;
  /** The pool's `clock` when the frame last moved to the LRU end. */
  moved: number;
}

export interface BufferPoolStats {
  readonly pages: number;
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
  /** Older page images held for read points (version-cache.ts). */
  readonly versions: number;
  /** Pages read from storage at a read point below VDL (snapshot misses). */
  readonly snapshotReads: number;
}

export class BufferPool {
  private readonly frames = new Map<PageId, Frame>();
  private readonly loading = new Map<PageId, Promise<Buffer>>();
  private hits = 0;
  /** Counts hits: the LRU's notion of time (touch). */
  private clock = 0;
  /** Hits within which a frame that moved to the LRU end stays put (touch). */
  private readonly recentHits: number;
  private misses = 0;
  private evictions = 0;
  private snapshotReads = 0;
  readonly readPoints = new ReadPoints();
  /** Page-sized buffers of dropped before-images, for the next ones (VC5, `copyPage`). */
  private readonly spare: Buffer[] = [];
  readonly versions = new VersionCache(this.readPoints, (bytes) => {
    if (this.spare.length < SPARE_PAGES_MAX) this.spare.push(bytes);
  });

  constructor(
    private readonly storage: PageStore,
    private readonly capacityPages: number,
    private readonly landing?: PageLanding,
  ) {
    assert(capacityPages >= 16, 'buffer pool: at least 16 pages');
    this.recentHits = capacityPages >> 3;
  }

  /** The page as of read point `at` (BP4). The bytes must not be kept across an await. */
  async pageAt(id: PageId, at: Lsn): Promise<Buffer> {
    for (;;) {
      const cached = this.pageAtCached(id, at);
      if (cached !== undefined) return cached;
      // A frame newer than `at`, or a read point below VDL: storage's image at `at`.
      if (this.frames.has(id) || at < this.storage.durableLsn()) return this.readAt(id, at);
      // Not cached: every change to the page is durable (BP1), so its latest version is the
      // version at `at`. Load it, then look again if a writer changed it meanwhile.
      const bytes = await this.load(id);
      if (pageFormat.pageLsn(bytes) <= at) return bytes;
    }
  }

  /**
   * pageAt() without waiting (issue 8): the page as of `at` when a frame or a version holds it,
   * undefined when it must be read from storage (then call pageAt). Same rules (BP4).
   */
  pageAtCached(id: PageId, at: Lsn): Buffer | undefined {
    const frame = this.frames.get(id);
    if (frame !== undefined) {
      if (lsnOf(frame.bytes) <= at) {
        this.hits++;
        this.touch(id, frame);
        return frame.bytes;
      }
    } else if (at >= this.storage.durableLsn()) {
      return undefined; // its latest version is at `at`, but it must be loaded
    }
    const version = this.versions.find(id, at);
    if (version !== undefined) this.hits++;
    return version;
  }

  /** Storage's image of the page at `at` (≤ VDL), kept as a version for this read point. */
  private async readAt(id: PageId, at: Lsn): Promise<Buffer> {
    assert(at <= this.storage.durableLsn(), 'VC3: a point above VDL finds its version');
    this.snapshotReads++;
    let bytes: Buffer;
    try {
      bytes = await this.storage.readPage(id, at);
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      throw sqlErrorWithMessage(
        'ER_GET_ERRNO',
        `Got error ${error.kind} - '${error.message}' from storage engine`,
        error,
      );
    }
    assert.equal(bytes.length, PAGE_SIZE, 'storage returns whole pages');
    this.versions.record(id, bytes, (at + 1) as Lsn);
    this.evict();
    return this.versions.find(id, at) ?? bytes;
  }

  /** The page if it is cached, counting a hit; undefined on a miss. */
  peek(id: PageId): Buffer | undefined {
    const frame = this.frames.get(id);
    if (frame === undefined) return undefined;
    this.hits++;
    this.touch(id, frame);
    return frame.bytes;
  }

  /**
   * A hit: the frame moves to the LRU end, unless it moved there within the last eighth of the
   * pool's worth of hits (it is among the newest frames still). Issue 8 (cost): a hot page is not
   * deleted and re-added to the Map on every hit (a Map rehashes under that churn).
   */
  private touch(id: PageId, frame: Frame): void {
    this.clock++;
    if (this.clock - frame.moved <= this.recentHits) return;
    frame.moved = this.clock;
    this.frames.delete(id);
    this.frames.set(id, frame);
  }

  /** The page, from cache or from storage (BP2). */
  async get(id: PageId): Promise<Buffer> {
    return this.peek(id) ?? this.load(id);
  }

  private load(id: PageId): Promise<Buffer> {
    const pending = this.loading.get(id);
    if (pending !== undefined) return pending;
    this.misses++;
    const readAt = this.storage.durableLsn();
    const promise = this.storage
      .readPage(id, readAt)
      .then((bytes) => {
        this.loading.delete(id); // BP5: in the step that makes the frame
        assert.equal(bytes.length, PAGE_SIZE, 'storage returns whole pages');
        const cached = this.frames.get(id);
        if (cached !== undefined) return cached.bytes; // created meanwhile by the writer
        this.landing?.(id, bytes, readAt);
        this.frames.set(id, { bytes, pins: 0, moved: this.clock });
        this.evict(id);
        return bytes;
      })
      .catch((error: unknown) => {
        if (this.loading.get(id) === promise) this.loading.delete(id);
        if (!(error instanceof StorageError)) throw error;
        throw sqlErrorWithMessage(
          'ER_GET_ERRNO',
          `Got error ${error.kind} - '${error.message}' from storage engine`,
          error,
        );
      });
    this.loading.set(id, promise);
    return promise;
  }

  /** True while a miss on `id` is reading it (BP2, BP5). */
  isLoading(id: PageId): boolean {
    return this.loading.has(id);
  }

  /** The frame's bytes, without counting a hit or moving it in the LRU order (a replica's redo). */
  frameBytes(id: PageId): Buffer | undefined {
    return this.frames.get(id)?.bytes;
  }

  /** A copy of `page` (a before-image, log-writer.ts), in a reused buffer when one is spare. */
  copyPage(page: Buffer): Buffer {
    const copy = this.spare.pop() ?? Buffer.allocUnsafeSlow(PAGE_SIZE);
    page.copy(copy, 0, 0, PAGE_SIZE);
    return copy;
  }

  /** A page that storage has never seen: allocated by the writer, formatted by its first record. */
  create(id: PageId): Buffer {
    const existing = this.frames.get(id);
    if (existing !== undefined) {
      existing.bytes.fill(0);
      return existing.bytes;
    }
    const bytes = Buffer.alloc(PAGE_SIZE);
    this.frames.set(id, { bytes, pins: 0, moved: this.clock });
    return bytes;
  }

  /** Drops a frame the writer created and then rolled back (it never reached storage). */
  discard(id: PageId): void {
    const frame = this.frames.get(id);
    assert(frame !== undefined, 'discard: the page is cached');
    this.frames.delete(id);
  }

  /**
   * Pins the frame of `id` holding `bytes`, the page a caller fetched before an await: if the
   * frame was evicted meanwhile (it was then durable and unchanged, BP1) or reloaded into other
   * bytes, the caller's bytes become the frame again (BP2: one frame per page).
   */
  pinFrame(id: PageId, bytes: Buffer): void {
    const frame = this.frames.get(id);
    if (frame === undefined) {
      this.frames.set(id, { bytes, pins: 1, moved: this.clock });
      return;
    }
    if (frame.bytes !== bytes) {
      assert.equal(frame.pins, 0, 'BP2: a pinned frame is not replaced');
      this.frames.set(id, { bytes, pins: 1, moved: this.clock });
      return;
    }
    frame.pins++;
  }

  pin(id: PageId): void {
    const frame = this.frames.get(id);
    assert(frame !== undefined, 'pin: the page is cached');
    frame.pins++;
  }

  unpin(id: PageId): void {
    const frame = this.frames.get(id);
    assert(frame !== undefined && frame.pins > 0, 'unpin: the page is pinned');
    frame.pins--;
  }

  isCached(id: PageId): boolean {
    return this.frames.has(id);
  }

  /** Every cached page with its bytes: for integrity checks and tests. */
  *cached(): Iterable<[PageId, Buffer]> {
    for (const [id, frame] of this.frames) yield [id, frame.bytes];
  }

  stats(): BufferPoolStats {
    return {
      pages: this.frames.size,
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
      versions: this.versions.size,
      snapshotReads: this.snapshotReads,
    };
  }

  /**
   * Drops versions no read point needs (VC4), then evicts least recently used frames that BP1
   * allows until frames and versions together are within capacity (BP3). `keep`: a frame just
   * loaded for a caller who has not pinned it yet.
   */
  evict(keep?: PageId): void {
    const vdl: Lsn = this.storage.durableLsn();
    this.versions.prune(vdl, Math.max(0, this.capacityPages - this.frames.size));
    const budget = this.capacityPages - this.versions.size;
    if (this.frames.size <= budget) return;
    for (const [id, frame] of this.frames) {
      if (this.frames.size <= budget) return;
      if (frame.pins > 0 || id === keep) continue;
      if (lsnOf(frame.bytes) > vdl) continue;
      this.frames.delete(id);
      this.evictions++;
    }
  }
}
