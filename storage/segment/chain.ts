/**
 * ChainTracker: a segment's SCL (segment complete LSN), kept by following backlinks.
 *
 * The records of one protection group form a chain: each record's prevLsn is the LSN of the
 * group's previous record (0 for the first). LSNs are global, so a group's records are not
 * consecutive numbers; only the backlinks say whether one is missing. The tracker holds the
 * chain's tail (the SCL) and the records received above a hole, keyed by their backlink, until
 * the hole fills.
 *
 * Invariants:
 *   (CH1) the segment holds every record of its group with lsn <= tail: the chain from tail back
 *         to 0 is complete.
 *   (CH2) every pending record has lsn > tail and its backlink is not the tail (else it would
 *         have been linked).
 *   (CH3) tail never decreases, except by `truncate` (recovery, under a new epoch).
 * With garbage collection (segment.ts S6), "holds" means: holds the record, or a page image that
 * includes it (records at or below the segment's GC point are folded into images).
 */
import assert from 'node:assert/strict';
import { LSN_NONE, type Lsn } from '../lsn.js';

export class ChainTracker {
  private tailLsn: Lsn;
  /** Records above a hole: backlink → lsn. */
  private readonly pending = new Map<Lsn, Lsn>();

  constructor(tail: Lsn = LSN_NONE) {
    this.tailLsn = tail;
  }

  get tail(): Lsn {
    return this.tailLsn;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** True if the record is already held (in the chain or pending). */
  has(lsn: Lsn, prevLsn: Lsn): boolean {
    return lsn <= this.tailLsn || this.pending.get(prevLsn) === lsn;
  }

  /** Adds a persisted record; returns the tail afterwards. Duplicates are ignored. */
  add(lsn: Lsn, prevLsn: Lsn): Lsn {
    assert(prevLsn < lsn, 'a backlink points back');
    if (this.has(lsn, prevLsn)) return this.tailLsn;
    if (prevLsn !== this.tailLsn) {
      const other = this.pending.get(prevLsn);
      assert(other === undefined, `two records with backlink ${prevLsn}: ${other} and ${lsn}`);
      this.pending.set(prevLsn, lsn);
      return this.tailLsn;
    }
    let tail = lsn;
    for (let next = this.pending.get(tail); next !== undefined; next = this.pending.get(tail)) {
      this.pending.delete(tail);
      tail = next;
    }
    this.tailLsn = tail;
    return tail;
  }

  /**
   * Raises the tail to `lsn`, because everything at or below it is now held in page images (a
   * peer's GC point installed by gossip); pending records link on as usual. Returns the tail.
   */
  advanceTo(lsn: Lsn): Lsn {
    if (lsn <= this.tailLsn) return this.tailLsn;
    for (const [prev, pendingLsn] of [...this.pending]) {
      if (pendingLsn <= lsn) this.pending.delete(prev);
    }
    let tail = lsn;
    for (let next = this.pending.get(tail); next !== undefined; next = this.pending.get(tail)) {
      this.pending.delete(tail);
      tail = next;
    }
    this.tailLsn = tail;
    return tail;
  }

  /** The lowest LSN held above a hole, if any: the segment lacks something below it. */
  lowestPending(): Lsn | undefined {
    let lowest: Lsn | undefined;
    for (const lsn of this.pending.values()) if (lowest === undefined || lsn < lowest) lowest = lsn;
    return lowest;
  }

  /**
   * Forgets everything above `cut` (CH3's exception). `newTail` is the segment's last record at
   * or below the cut, which the caller looks up in its store when the cut falls inside the chain.
   */
  truncate(cut: Lsn, newTail: Lsn): void {
    assert(newTail <= cut, 'the new tail is at or below the cut');
    assert(newTail <= this.tailLsn, 'CH3: truncation only shortens the chain');
    this.tailLsn = newTail;
    for (const [prev, lsn] of [...this.pending]) {
      if (lsn > cut) this.pending.delete(prev);
    }
    // Records kept above the new tail that now link to it join the chain.
    const next = this.pending.get(this.tailLsn);
    if (next !== undefined) {
      this.pending.delete(this.tailLsn);
      this.add(next, this.tailLsn);
    }
  }
}
