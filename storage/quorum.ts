/**
 * Quorum math: pure functions over plain data, for the client's durability tracking and for
 * crash recovery. No I/O, no clocks, no state: client.ts and recovery.ts feed them what the
 * segments said, and quorum.test.ts checks them against a brute-force oracle.
 *
 * Terms. A segment's SCL is the tail of its chain: it holds every record of its protection group
 * with lsn <= SCL (segment/chain.ts). LSNs are gap-free across the volume: every LSN from 1 to
 * the last one shipped is exactly one record, of exactly one protection group.
 *
 * Normal operation:
 *   (Q1) VDL never decreases (C4).
 *   (Q2) VDL <= VCL <= the last LSN shipped (the frontier).
 *   (Q3) A record is durable once WRITE_QUORUM segments of its group report SCL >= its LSN. So a
 *        group's records up to its write-quorum point (the 4th highest SCL of its six segments)
 *        are durable, and the first of its records above that point is the first that is not.
 *   (Q4) VCL = (the lowest LSN, over all groups, of a record that is not durable) - 1, or the
 *        frontier when every record shipped is durable. By Q3 and gap-free LSNs, this is the
 *        highest LSN at or below which every record is durable.
 *   (Q5) VDL = the highest CPL <= VCL.
 *
 * Epochs. Each writer incarnation has an epoch; its recovery decides VDL and the epoch "starts"
 * there: EpochStart(epoch, startLsn). The history of starts defines the timeline: LSNs above a
 * start belong to that epoch's writer (or a later one).
 *   (E1) Every epoch number is used by one recovery only: a recovery seals a write quorum of
 *        every group (group 0 always exists) before it truncates anything, so the next one sees
 *        that epoch and takes a higher one. So one epoch has one start.
 *   (E2) A segment whose last applied epoch is e holds only records written by epochs <= e. Those
 *        above the start of any later epoch are void (a recovery it did not hear of cut them);
 *        its chain is valid up to cappedScl = min(SCL, the lowest start of an epoch after e).
 *        The lowest, not the next: starts of completed epochs ascend, but an interrupted
 *        recovery can leave a higher start behind it than the one that followed it.
 *
 * Recovery (client-api C1), from a read quorum of every group, after sealing it at the new epoch
 * (so the previous writer can no longer reach a write quorum):
 *   (R1) Every read quorum (3) meets every write quorum (4): a durable record lies within the
 *        (capped) chain of at least one responder of its group.
 *   (R2) Segments persist the VDL the writer reported with each append (vdlHint). The highest
 *        hint H of any responder is <= the old VDL, and every record <= H is durable.
 *   (R3) For each group, its best responder (highest capped SCL M) holds every record of the
 *        group <= M. Its chain's LSNs in (H, M] are fetched, as maximal runs of consecutive
 *        LSNs, each with its highest CPL (ChainRunsReply): a run [a, b] says exactly that every
 *        LSN in a..b is a record of that chain, which is all R4 and R5 ask of a listing.
 *   (R4) VCL_rec = the highest L >= H such that every LSN in (H, L] appears in some group's
 *        fetched chain. Every LSN <= the old VDL is durable, so by R1 and R3 appears there:
 *        VCL_rec >= old VDL. Every LSN <= VCL_rec is held by some responder. The groups
 *        recovery reads are only those phase 1 found: a group none of whose records is durable
 *        may be missing, and its records are then holes like any other. So VCL_rec is decided
 *        by the union of the chains alone, LSN by LSN: no group's SCL bounds it (an idle
 *        group's SCL is far below H; a lowest best SCL S is no floor for VCL_rec either, since
 *        a record of a group not found may lie below S). Runs make that union cheap to walk.
 *        As VCL_rec + 1 is in no chain, no run holds both VCL_rec and VCL_rec + 1: each run
 *        lies wholly at or below VCL_rec or wholly above it.
 *   (R5) VDL_rec = the highest CPL <= VCL_rec (or H if there is none above H). The old VDL is a
 *        CPL <= VCL_rec, so VDL_rec >= old VDL: no acknowledged commit is lost. By R4 it is the
 *        highest CPL of the runs at or below VCL_rec.
 *   (R6) Records of a group in (max(H, q), tail], where q is the WRITE_QUORUM-th highest capped
 *        SCL among the responders and tail the group's last record <= VDL_rec, may be on fewer
 *        than WRITE_QUORUM segments. Recovery re-replicates them before `open` returns.
 */
import assert from 'node:assert/strict';
import { READ_QUORUM, WRITE_QUORUM } from './config.js';
import { LSN_NONE, type Lsn } from './lsn.js';
import type { ChainRun, EpochStart } from './messages.js';

/**
 * The k-th highest value (k >= 1), or 0 when there are fewer than k values: the value v with
 * fewer than k values above it and at least k at or above it. Issue 8 (cost): it runs for every
 * append reply over a group's six SCLs, so it compares in place (36 comparisons) instead of
 * sorting a copy.
 */
export function kthHighest(values: readonly Lsn[], k: number): Lsn {
  assert(k >= 1, 'k counts from 1');
  if (values.length < k) return LSN_NONE;
  for (const v of values) {
    let above = 0;
    let atOrAbove = 0;
    for (const w of values) {
      if (w > v) above++;
      if (w >= v) atOrAbove++;
    }
    if (above < k && k <= atOrAbove) return v;
  }
  assert.fail('some value is the k-th highest when there are at least k');
}

/** Q3: the highest LSN up to which a group's records are on a write quorum. */
export function writeQuorumLsn(scls: readonly Lsn[]): Lsn {
  return kthHighest(scls, WRITE_QUORUM);
}

/** Q4: VCL from the first non-durable record of each group (undefined: none). */
export function volumeCompleteLsn(
  frontier: Lsn,
  firstNotDurable: Iterable<Lsn | undefined>,
): Lsn {
  let vcl = frontier;
  for (const lsn of firstNotDurable) {
    if (lsn !== undefined && lsn - 1 < vcl) vcl = (lsn - 1) as Lsn;
  }
  assert(vcl <= frontier, 'Q2: VCL <= frontier');
  return vcl;
}

/** Q5 over an ascending list of CPLs: the highest at or below vcl, or undefined. */
export function highestCplAtOrBelow(cpls: readonly Lsn[], vcl: Lsn): Lsn | undefined {
  let lo = 0;
  let hi = cpls.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cpls[mid] ?? 0) <= vcl) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? undefined : cpls[lo - 1];
}

/** E2: where a segment's valid chain ends, given its applied epoch; undefined: nowhere. */
export function epochCut(history: readonly EpochStart[], appliedEpoch: number): Lsn | undefined {
  let cut: Lsn | undefined;
  for (const entry of history) {
    if (entry.epoch > appliedEpoch && (cut === undefined || entry.startLsn < cut)) {
      cut = entry.startLsn;
    }
  }
  return cut;
}

/** E2: a responder's SCL, capped by the starts of epochs it has not applied. */
export function cappedScl(scl: Lsn, appliedEpoch: number, history: readonly EpochStart[]): Lsn {
  const cut = epochCut(history, appliedEpoch);
  return cut === undefined || scl <= cut ? scl : cut;
}

/** The union of histories, by epoch (E1: one epoch has one start). */
export function mergeHistories(...histories: readonly (readonly EpochStart[])[]): EpochStart[] {
  const byEpoch = new Map<number, EpochStart>();
  for (const history of histories) {
    for (const entry of history) {
      const known = byEpoch.get(entry.epoch);
      assert(known === undefined || known.startLsn === entry.startLsn, 'E1: one start per epoch');
      byEpoch.set(entry.epoch, entry);
    }
  }
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}

/** What recovery learnt from one segment that answered its SclRequest. */
export interface Responder {
  readonly node: number;
  /** M1: a slot being rebuilt; it does not count towards the read quorum. */
  readonly joining?: boolean;
  readonly scl: Lsn;
  readonly vdlHint: Lsn;
  readonly appliedEpoch: number;
  readonly history: readonly EpochStart[];
}

/** R2: the highest hint of every responder of every group. */
export function recoveryHint(responders: Iterable<Responder>): Lsn {
  let hint = LSN_NONE;
  for (const r of responders) if (r.vdlHint > hint) hint = r.vdlHint;
  return hint;
}

export interface GroupQuorum {
  /** R3: the responder with the highest capped SCL, and that SCL. */
  readonly best: { readonly node: number; readonly scl: Lsn };
  /** R6: the WRITE_QUORUM-th highest capped SCL (0 with fewer responders). */
  readonly writeQuorumScl: Lsn;
}

/** R1, R3, R6 for one group, given its read quorum of responders and the merged history. */
export function groupQuorum(
  responders: readonly Responder[],
  history: readonly EpochStart[],
): GroupQuorum {
  const readers = responders.filter((r) => r.joining !== true).length;
  assert(readers >= READ_QUORUM, 'R1, M1: a read quorum of non-joining segments answered');
  const capped = responders.map((r) => ({
    node: r.node,
    scl: cappedScl(r.scl, r.appliedEpoch, history),
  }));
  let best = capped[0];
  for (const c of capped) if (best === undefined || c.scl > best.scl) best = c;
  assert(best !== undefined, 'R1: a read quorum answered');
  return { best, writeQuorumScl: writeQuorumLsn(capped.map((c) => c.scl)) };
}

/**
 * R4 over runs: the highest L >= hint such that every LSN in (hint, L] is in some run. Each
 * chain's runs ascend, so the walk follows the heads of the chains (the next run to extend L
 * must start at L + 1), in time linear in the runs, with no sort.
 */
export function recoveredVclOfRuns(hint: Lsn, chains: Iterable<readonly ChainRun[]>): Lsn {
  /** The head run of each chain not yet walked, by its first LSN above the hint. */
  const heads = new Map<number, { readonly runs: readonly ChainRun[]; next: number }>();
  const enqueue = (cursor: { readonly runs: readonly ChainRun[]; next: number }): void => {
    const run = cursor.runs[cursor.next];
    if (run === undefined) return;
    const first = run.first > hint ? run.first : hint + 1;
    assert(!heads.has(first), 'an LSN belongs to one group');
    heads.set(first, cursor);
  };
  for (const runs of chains) {
    let next = 0;
    while ((runs[next]?.last ?? Infinity) <= hint) next++;
    enqueue({ runs, next });
  }
  let vcl = hint;
  for (let cursor = heads.get(vcl + 1); cursor !== undefined; cursor = heads.get(vcl + 1)) {
    heads.delete(vcl + 1);
    const run = cursor.runs[cursor.next++];
    assert(run !== undefined && run.last > vcl, 'R3: runs ascend');
    vcl = run.last;
    enqueue(cursor);
  }
  for (const first of heads.keys()) assert(first > vcl + 1, 'an LSN belongs to one group');
  return vcl;
}

/** R5 over runs: the highest CPL in (hint, vcl] of any run, else the hint. */
export function recoveredVdlOfRuns(
  hint: Lsn,
  vcl: Lsn,
  chains: Iterable<readonly ChainRun[]>,
): Lsn {
  assert(hint <= vcl, 'R4: VCL_rec >= H');
  let vdl = hint;
  for (const chain of chains) {
    for (const run of chain) {
      assert(run.last <= vcl || run.first > vcl + 1, 'R4: no run holds VCL_rec + 1');
      if (run.last <= vcl && run.cpl > vdl) vdl = run.cpl;
    }
  }
  return vdl;
}

/** The group's last record at or below `vdl`: in its runs, else `base` (its last below them). */
export function groupTailOfRuns(base: Lsn, runs: readonly ChainRun[], vdl: Lsn): Lsn {
  let tail = base;
  for (const run of runs) {
    if (run.first > vdl) continue;
    const last = run.last < vdl ? run.last : vdl;
    if (last > tail) tail = last;
  }
  return tail;
}

/** R6: the records of a group above this LSN (up to its tail) are re-replicated. */
export function repairFloor(hint: Lsn, writeQuorumScl: Lsn, tail: Lsn): Lsn {
  const floor = writeQuorumScl > hint ? writeQuorumScl : hint;
  return floor < tail ? floor : tail;
}
