/**
 * CoalesceShare: the page images that the segments of one thread's storage nodes built by
 * coalescing (segment.ts S8), offered to the other segments of the same group in that thread.
 *
 * An embedded cluster runs its six nodes in one thread, and each of them gets every record of
 * a group: their six segments of a page collect the same records and come due for an image at
 * about the same time, and each read its page back (the newest image, then up to a few hundred
 * records) to build the same 16 KiB page, six times. With a share, the first segment that builds
 * the page as of its newest record L offers it here; another segment that holds that record
 * (its index has L, of that page, with the same backlink) at or below its SCL writes the offered
 * page as its own image instead of building it (segment.ts S11): the page as of L is one page
 * (S4 lets a segment take an image from a peer whose chain is complete there, as gossip does).
 * Each segment still writes its own image to its own store.
 *
 * Invariants:
 *   (CS1) an entry is a page that a segment of `group`, in applied epoch `epoch`, materialised
 *         from its own store as of `lsn` (the LSN of the page's newest record at or below that
 *         segment's SCL, its chain complete there), and `prevLsn` that record's backlink. Nothing
 *         writes an entry's page once it is offered.
 *   (CS2) per (group, epoch, page) the entry kept is the one with the highest `lsn` offered;
 *         at most ENTRIES_MAX entries are kept, the oldest offered going first (a segment that
 *         finds none builds the page itself).
 */
import assert from 'node:assert/strict';
import type { Lsn, PageId } from '../lsn.js';

export interface SharedImage {
  readonly lsn: Lsn;
  /** The backlink of the page's record at `lsn` (the record it is, with `lsn`). */
  readonly prevLsn: Lsn;
  readonly page: Buffer;
}

/** About 2 MiB of pages: more than one coalescing turn of every segment of a thread. */
const ENTRIES_MAX = 128;

export class CoalesceShare {
  private readonly entries = new Map<string, SharedImage>();

  /** CS1, CS2: a page a segment has just built as of `image.lsn`. */
  offer(group: number, epoch: number, pageId: PageId, image: SharedImage): void {
    const key = shareKey(group, epoch, pageId);
    const held = this.entries.get(key);
    if (held !== undefined && held.lsn >= image.lsn) return; // CS2
    this.entries.delete(key); // re-inserted last: the newest offered goes last
    this.entries.set(key, image);
    while (this.entries.size > ENTRIES_MAX) {
      const oldest = this.entries.keys().next();
      assert(oldest.done !== true, 'CS2: a full share has an oldest entry');
      this.entries.delete(oldest.value);
    }
  }

  /** The newest page offered for this page of this group in this epoch, if one is kept. */
  find(group: number, epoch: number, pageId: PageId): SharedImage | undefined {
    return this.entries.get(shareKey(group, epoch, pageId));
  }

  get size(): number {
    return this.entries.size;
  }
}

function shareKey(group: number, epoch: number, pageId: PageId): string {
  return `${group}:${epoch}:${pageId}`;
}
