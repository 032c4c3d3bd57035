/**
 * The buffer pool: the writer's cache of pages, read through from storage.
 *
 * A miss reads the page from storage at the current VDL. That is always the page's latest
 * version, because of the eviction rule:
 *   (BP1) a page is evicted only when its pageLsn ≤ VDL (every change to it is durable, so
 *         storage can materialise it) and nobody has it pinned.
 *   (BP2) one frame per page id: concurrent misses on one page share one storage read.
 *   (BP3) the pool holds at most `capacityPages` unpinned frames plus whatever is pinned or not yet
 *         durable; when nothing can be evicted it runs over rather than lose a change, and catches
 *         up on the next miss.
 * LRU order is the Map's insertion order: a hit moves the frame to the end.
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

interface Frame {
  readonly bytes: Buffer;
  pins: number;
}

export interface BufferPoolStats {
  readonly pages: number;
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
}

export class BufferPool {
  private readonly frames = new Map<PageId, Frame>();
  private readonly loading = new Map<PageId, Promise<Buffer>>();
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(
    private readonly storage: StorageClient,
    private readonly capacityPages: number,
  ) {
    assert(capacityPages >= 16, 'buffer pool: at least 16 pages');
  }

  /** The page if it is cached, counting a hit; undefined on a miss. */
  peek(id: PageId): Buffer | undefined {
    const frame = this.frames.get(id);
    if (frame === undefined) return undefined;
    this.hits++;
    this.frames.delete(id);
    this.frames.set(id, frame);
    return frame.bytes;
  }

  /** The page, from cache or from storage (BP2). */
  async get(id: PageId): Promise<Buffer> {
    return this.peek(id) ?? this.load(id);
  }

  private load(id: PageId): Promise<Buffer> {
    const pending = this.loading.get(id);
    if (pending !== undefined) return pending;
    this.misses++;
    const promise = this.storage
      .readPage(id, this.storage.durableLsn())
      .then((bytes) => {
        assert.equal(bytes.length, PAGE_SIZE, 'storage returns whole pages');
        const cached = this.frames.get(id);
        if (cached !== undefined) return cached.bytes; // created meanwhile by the writer
        this.frames.set(id, { bytes, pins: 0 });
        this.evict();
        return bytes;
      })
      .catch((error: unknown) => {
        if (!(error instanceof StorageError)) throw error;
        throw sqlErrorWithMessage(
          'ER_GET_ERRNO',
          `Got error ${error.kind} - '${error.message}' from storage engine`,
          error,
        );
      })
      .finally(() => this.loading.delete(id));
    this.loading.set(id, promise);
    return promise;
  }

  /** A page that storage has never seen: allocated by the writer, formatted by its first record. */
  create(id: PageId): Buffer {
    const existing = this.frames.get(id);
    if (existing !== undefined) {
      existing.bytes.fill(0);
      return existing.bytes;
    }
    const bytes = Buffer.alloc(PAGE_SIZE);
    this.frames.set(id, { bytes, pins: 0 });
    return bytes;
  }

  /** Drops a frame the writer created and then rolled back (it never reached storage). */
  discard(id: PageId): void {
    const frame = this.frames.get(id);
    assert(frame !== undefined, 'discard: the page is cached');
    this.frames.delete(id);
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
    };
  }

  /** Evicts least recently used frames that BP1 allows until the pool is within capacity. */
  evict(): void {
    if (this.frames.size <= this.capacityPages) return;
    const vdl: Lsn = this.storage.durableLsn();
    for (const [id, frame] of this.frames) {
      if (this.frames.size <= this.capacityPages) return;
      if (frame.pins > 0) continue;
      if (pageFormat.pageLsn(frame.bytes) > vdl) continue;
      this.frames.delete(id);
      this.evictions++;
    }
  }
}
