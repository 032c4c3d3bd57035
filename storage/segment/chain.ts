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
 *   (CH4) the tail run, when known, is a run of the chain ending at the tail: every LSN in
 *         start..tail is a record of the group (held, CH1), and `cpl` is the highest CPL among
 *         them (LSN_NONE: none is one). Unknown (undefined) is always allowed: after a jump of
 *         the tail to a peer's GC point, or a truncation that cuts below the run's CPL, or on
 *         metadata written before it was kept; the next record linked starts a run again. It
 *         lets recovery learn a long chain above the VDL hint without listing it (segment.ts
 *         S12); runs are folded as records link, so it costs nothing per record but a compare.
 * With garbage collection (segment.ts S6), "holds" means: holds the record, or a page image that
 * includes it (records at or below the segment's GC point are folded into images).
 */
import assert from 'node:assert/strict';
import { LSN_NONE, type Lsn } from '../lsn.js';
import type { TailRun } from './store.js';

export class ChainTracker {
  private tailLsn: Lsn;
  /**
   * CH4: the tail run's start (LSN_NONE: not known) and highest CPL; two numbers, so that a
   * record linking allocates nothing (issue 8: this runs for every record of every segment).
   */
  private runStart: Lsn = LSN_NONE;
  private runCpl: Lsn = LSN_NONE;
  /** Records above a hole: backlink → lsn. */
  private readonly pending = new Map<Lsn, Lsn>();
  /** The pending records that are CPLs (CH4 needs to know when they link). */
  private readonly pendingCpls = new Set<Lsn>();

  constructor(tail: Lsn = LSN_NONE, run?: TailRun) {
    assert(run === undefined || runFits(run, tail), 'CH4: a stored tail run ends at the tail');
    this.tailLsn = tail;
    this.setRun(run);
  }

  get tail(): Lsn {
    return this.tailLsn;
  }

  /** CH4: the run of the chain that ends at the tail, if known. */
  get tailRun(): TailRun | undefined {
    return this.runStart === LSN_NONE ? undefined : { start: this.runStart, cpl: this.runCpl };
  }

  private setRun(run: TailRun | undefined): void {
    this.runStart = run?.start ?? LSN_NONE;
    this.runCpl = run?.cpl ?? LSN_NONE;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** True if the record is already held (in the chain or pending). */
  has(lsn: Lsn, prevLsn: Lsn): boolean {
    return lsn <= this.tailLsn || this.pending.get(prevLsn) === lsn;
  }

  /** Adds a persisted record; returns the tail afterwards. Duplicates are ignored. */
  add(lsn: Lsn, prevLsn: Lsn, cpl = false): Lsn {
    assert(prevLsn < lsn, 'a backlink points back');
    if (this.has(lsn, prevLsn)) return this.tailLsn;
    if (prevLsn !== this.tailLsn) {
      const other = this.pending.get(prevLsn);
      assert(other === undefined, `two records with backlink ${prevLsn}: ${other} and ${lsn}`);
      this.pending.set(prevLsn, lsn);
      if (cpl) this.pendingCpls.add(lsn);
      return this.tailLsn;
    }
    this.link(lsn, cpl);
    this.linkPending();
    return this.tailLsn;
  }

  /** CH1, CH4: `lsn`, whose backlink is the tail, becomes the tail. */
  private link(lsn: Lsn, cpl: boolean): void {
    if (this.runStart === LSN_NONE || lsn !== this.tailLsn + 1) {
      this.runStart = lsn;
      this.runCpl = cpl ? lsn : LSN_NONE;
    } else if (cpl) {
      this.runCpl = lsn;
    }
    this.tailLsn = lsn;
  }

  /** CH2: pending records that link to the tail join the chain, in order. */
  private linkPending(): void {
    for (let next = this.pending.get(this.tailLsn); next !== undefined;) {
      this.pending.delete(this.tailLsn);
      const cpl = this.pendingCpls.delete(next);
      this.link(next, cpl);
      next = this.pending.get(this.tailLsn);
    }
  }

  /**
   * Raises the tail to `lsn`, because everything at or below it is now held in page images (a
   * peer's GC point installed by gossip); pending records link on as usual. Returns the tail.
   */
  advanceTo(lsn: Lsn): Lsn {
    if (lsn <= this.tailLsn) return this.tailLsn;
    for (const [prev, pendingLsn] of [...this.pending]) {
      if (pendingLsn > lsn) continue;
      this.pending.delete(prev);
      this.pendingCpls.delete(pendingLsn);
    }
    this.tailLsn = lsn;
    this.setRun(undefined); // CH4: the tail is a GC point now, not a run's record
    this.linkPending();
    return this.tailLsn;
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
  truncate(cut: Lsn, newTail: Lsn, newTailIsCpl = false): void {
    assert(newTail <= cut, 'the new tail is at or below the cut');
    assert(newTail <= this.tailLsn, 'CH3: truncation only shortens the chain');
    this.setRun(this.runAfterTruncate(newTail, newTailIsCpl));
    this.tailLsn = newTail;
    for (const [prev, lsn] of [...this.pending]) {
      if (lsn <= cut) continue;
      this.pending.delete(prev);
      this.pendingCpls.delete(lsn);
    }
    // Records kept above the new tail that now link to it join the chain.
    this.linkPending();
  }

  /**
   * CH4: the tail run once the chain is cut back to `newTail`: the part of it at or below, if
   * its highest CPL there is known (the run's, or the new tail's own when that is a CPL).
   */
  runAfterTruncate(newTail: Lsn, newTailIsCpl: boolean): TailRun | undefined {
    const run = this.tailRun;
    if (newTail === this.tailLsn) return run;
    if (run === undefined || run.start > newTail) return undefined;
    if (run.cpl <= newTail) return run;
    return newTailIsCpl ? { start: run.start, cpl: newTail } : undefined;
  }
}

function runFits(run: TailRun, tail: Lsn): boolean {
  const cplFits = run.cpl === LSN_NONE || (run.start <= run.cpl && run.cpl <= tail);
  return run.start !== LSN_NONE && run.start <= tail && cplFits;
}
