/**
 * The version cache: older images of pages, so that a read at an LSN below a page's pageLsn (a
 * snapshot, or a current read while a commit is half applied) need not go to storage.
 *
 * A version is created when a mini-transaction first touches a page (log-writer.ts keeps the
 * page's image from before the change for rollback; the same bytes become a version), and when a
 * snapshot read fetches an old page image from storage. It is the page as it was for every read
 * point in [fromLsn, toLsn).
 *
 * Read points (registered snapshots) are kept in `ReadPoints`, a multiset of LSNs.
 *
 * Invariants:
 *   (VC1) a version's bytes are the page as of every LSN in [fromLsn, toLsn): fromLsn is the
 *         image's pageLsn, and no record for the page has an LSN in (fromLsn, toLsn).
 *   (VC2) the versions of one page do not overlap; they are kept in fromLsn order.
 *   (VC3) a version whose toLsn > VDL is never dropped: a read point above VDL (a current read
 *         while a commit awaits its quorum) can be served by nothing else, since storage
 *         materialises pages only at or below VDL.
 *   (VC4) any other version may be dropped at any time (a read then falls back to storage at
 *         its read point, which is ≤ VDL); `prune` drops those no registered read point lies in,
 *         and, under memory pressure, needed ones too, oldest first.
 *   (VC5) a version's bytes are never changed while it is live. Once dropped, the bytes of a
 *         `reusable` version (a writer's before-image, log-writer.ts) go back to the buffer
 *         pool for its next before-image, but only when no registered read point lay in the
 *         version's range when it was dropped: then nobody can be reading them (a read holds a
 *         registered read point for as long as it uses page bytes, Trees T7). A version dropped
 *         under memory pressure, or discarded by a rollback, is left to the garbage collector.
 */
import assert from 'node:assert/strict';
import { type Lsn, type PageId, page as pageFormat } from '../../storage/index.js';
import type { Snapshot } from './api.js';

interface Version {
  readonly id: PageId;
  readonly bytes: Buffer;
  readonly fromLsn: Lsn;
  readonly toLsn: Lsn;
  /** VC5: the bytes may be reused once the version is dropped with no read point in range. */
  readonly reusable: boolean;
  dropped: boolean;
}

/**
 * A multiset of registered read points (snapshots), with the lowest one at hand: the distinct
 * points ascending, each with its count, in two parallel arrays. There are about as many as
 * transactions running, and a new point is usually the newest, so a scan from the end finds it;
 * no Map, whose delete of its last entry reallocates its table (issue 8: every autocommit
 * SELECT holds and releases one point).
 */
export class ReadPoints {
  /** Distinct registered points, ascending. */
  private readonly sorted: Lsn[] = [];
  /** How many holds each point of `sorted` has (≥ 1). */
  private readonly counts: number[] = [];
  /** Bumped when a point goes away: versions retained for it may be droppable now. */
  generation = 0;

  add(point: Lsn): void {
    let i = this.sorted.length;
    while (i > 0 && (this.sorted[i - 1] as Lsn) > point) i--;
    if (i > 0 && this.sorted[i - 1] === point) {
      (this.counts[i - 1] as number)++;
      return;
    }
    if (i === this.sorted.length) {
      this.sorted.push(point); // the usual case: the newest point
      this.counts.push(1);
    } else {
      this.sorted.splice(i, 0, point);
      this.counts.splice(i, 0, 1);
    }
  }

  remove(point: Lsn): void {
    const i = this.sorted.lastIndexOf(point);
    assert(i >= 0, 'read point registered before release');
    const n = this.counts[i] as number;
    if (n > 1) {
      this.counts[i] = n - 1;
      return;
    }
    if (i === this.sorted.length - 1) {
      this.sorted.pop();
      this.counts.pop();
    } else {
      this.sorted.splice(i, 1);
      this.counts.splice(i, 1);
    }
    this.generation++;
  }

  /**
   * Trees T7: `at` held as a read point until the snapshot is released (exactly once).
   * `lowestMoved` hears of the lowest point whenever the hold or its release may move it (the
   * writer tells storage its read floor).
   */
  hold(at: Lsn, lowestMoved?: (lowest: Lsn | undefined) => void): Snapshot {
    const lowest = this.lowest();
    this.add(at);
    if (lowest === undefined || at < lowest) lowestMoved?.(at);
    let released = false;
    return {
      lsn: at,
      release: () => {
        assert(!released, 'T7: a snapshot is released once');
        released = true;
        this.remove(at);
        const now = this.lowest();
        if (now !== at) lowestMoved?.(now);
      },
    };
  }

  /** True when a registered point lies in [from, to). */
  anyIn(from: Lsn, to: Lsn): boolean {
    for (const p of this.sorted) {
      if (p >= to) return false;
      if (p >= from) return true;
    }
    return false;
  }

  get size(): number {
    return this.sorted.length;
  }

  lowest(): Lsn | undefined {
    return this.sorted[0];
  }
}

export class VersionCache {
  private readonly byPage = new Map<PageId, Version[]>();
  /** Every live version in the order recorded (toLsn ascending for mtr versions). */
  private queue: Version[] = [];
  private head = 0;
  /** Versions past VDL that a read point still needed when last pruned. */
  private retained: Version[] = [];
  private retainedGeneration = -1;
  private live = 0;

  constructor(
    readonly readPoints: ReadPoints,
    /** VC5: takes the bytes of a reusable version that nobody can be reading any more. */
    private readonly reuse: (bytes: Buffer) => void = () => undefined,
  ) {}

  /** Versions held: each is one page of memory, counted against the buffer pool's bound. */
  get size(): number {
    return this.live;
  }

  /**
   * Records `bytes` (an image of page `id` whose pageLsn is its fromLsn) valid until `toLsn`;
   * `reusable`: the cache may hand the bytes back for reuse once it drops the version (VC5).
   */
  record(id: PageId, bytes: Buffer, toLsn: Lsn, reusable = false): void {
    const fromLsn = pageFormat.pageLsn(bytes);
    assert(fromLsn < toLsn, 'VC1: a version covers a non-empty range');
    const list = this.byPage.get(id) ?? [];
    let i = list.length;
    while (i > 0 && (list[i - 1] as Version).fromLsn > fromLsn) i--;
    const before = list[i - 1];
    const after = list[i];
    if (before !== undefined && before.toLsn > fromLsn) {
      // Already covered (a second snapshot read of the same image): keep the wider one (VC2).
      if (before.fromLsn === fromLsn && before.toLsn >= toLsn) return;
      assert(before.fromLsn === fromLsn, 'VC2: versions of a page do not overlap');
      this.unlink(before);
      list.splice(i - 1, 1);
      i--;
    }
    assert(after === undefined || after.fromLsn >= toLsn, 'VC2: versions do not overlap');
    const version: Version = { id, bytes, fromLsn, toLsn, reusable, dropped: false };
    if (i === list.length) list.push(version); // the usual case: no array for splice to return
    else list.splice(i, 0, version);
    this.byPage.set(id, list);
    this.queue.push(version);
    this.live++;
  }

  /** The image of page `id` as of `at`, if a version covers it. */
  find(id: PageId, at: Lsn): Buffer | undefined {
    const list = this.byPage.get(id);
    if (list === undefined) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const v = list[i] as Version;
      if (v.fromLsn <= at) return at < v.toLsn ? v.bytes : undefined;
    }
    return undefined;
  }

  /** Drops page `id`'s versions whose toLsn ≥ `lsn`: a rolled-back mini-transaction's. */
  discardFrom(id: PageId, lsn: Lsn): void {
    const list = this.byPage.get(id);
    if (list === undefined) return;
    const keep = list.filter((v) => {
      if (v.toLsn < lsn) return true;
      this.unlink(v);
      return false;
    });
    if (keep.length === 0) this.byPage.delete(id);
    else this.byPage.set(id, keep);
  }

  /**
   * Drops versions no read point needs (VC4) whose changes are durable (VC3); then, while more
   * than `budget` versions remain, drops needed ones too, oldest first.
   */
  prune(vdl: Lsn, budget: number): void {
    while (this.head < this.queue.length) {
      const v = this.queue[this.head] as Version;
      if (!v.dropped) {
        if (v.toLsn > vdl) break; // VC3
        if (this.readPoints.anyIn(v.fromLsn, v.toLsn)) this.retained.push(v);
        else this.drop(v, true);
      }
      this.head++;
    }
    this.compactQueue();
    const stale = this.retainedGeneration !== this.readPoints.generation;
    if (this.retained.length > 0 && (stale || this.live > budget)) {
      this.retainedGeneration = this.readPoints.generation;
      this.retained = this.retained.filter((v) => {
        if (v.dropped) return false;
        const needed = this.readPoints.anyIn(v.fromLsn, v.toLsn);
        if (this.live > budget || !needed) {
          this.drop(v, !needed); // VC5: bytes a read point may be using are not reused
          return false;
        }
        return true;
      });
    }
  }

  private compactQueue(): void {
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  /** Drops a version; `unread`: no read point lies in its range, so its bytes may be reused. */
  private drop(v: Version, unread: boolean): void {
    const list = this.byPage.get(v.id);
    if (list !== undefined) {
      const at = list.indexOf(v);
      if (at >= 0) list.splice(at, 1);
      if (list.length === 0) this.byPage.delete(v.id);
    }
    if (!v.dropped && unread && v.reusable) this.reuse(v.bytes); // VC5
    this.unlink(v);
  }

  private unlink(v: Version): void {
    if (v.dropped) return;
    v.dropped = true;
    this.live--;
  }
}
