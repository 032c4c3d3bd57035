import assert from 'node:assert/strict';
import { describe, expect, it } from 'vitest';
import { SEGMENTS_PER_GROUP, WRITE_QUORUM } from './config.js';
import type { Lsn } from './lsn.js';
import type { ChainEntry, EpochStart } from './messages.js';
import {
  type Responder,
  cappedScl,
  epochCut,
  groupQuorum,
  highestCplAtOrBelow,
  kthHighest,
  mergeHistories,
  recoveredVclOfRuns,
  recoveredVdlOfRuns,
  groupTailOfRuns,
  recoveryHint,
  repairFloor,
  volumeCompleteLsn,
  writeQuorumLsn,
} from './quorum.js';
import { chainRunsOf } from './testing/chain-runs.js';
import { prng } from './testing/prng.js';

const L = (n: number): Lsn => n as Lsn;

describe('quorum math', () => {
  it('takes the write-quorum point as the 4th highest SCL', () => {
    expect(writeQuorumLsn([L(9), L(3), L(7), L(5), L(1), L(8)])).toBe(5);
    expect(writeQuorumLsn([L(9), L(9), L(9), L(9), L(0), L(0)])).toBe(9);
    expect(writeQuorumLsn([L(9), L(9), L(9)])).toBe(0);
    expect(kthHighest([L(4), L(2)], 1)).toBe(4);
  });

  it('kthHighest is the k-th of the values sorted high to low (random lists with ties)', () => {
    let seed = 7;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 16) % n;
    };
    for (let i = 0; i < 2000; i++) {
      const values = Array.from({ length: next(8) }, () => L(next(6)));
      const k = 1 + next(7);
      const sorted = [...values].sort((a, b) => b - a);
      expect(kthHighest(values, k)).toBe(sorted[k - 1] ?? 0);
    }
  });

  it('computes VCL from the first record of each group that is not durable (Q4)', () => {
    expect(volumeCompleteLsn(L(20), [undefined, L(12), L(15)])).toBe(11);
    expect(volumeCompleteLsn(L(20), [undefined, undefined])).toBe(20);
    expect(volumeCompleteLsn(L(20), [])).toBe(20);
  });

  it('finds the highest CPL at or below VCL (Q5)', () => {
    const cpls = [L(3), L(7), L(10)];
    expect(highestCplAtOrBelow(cpls, L(2))).toBeUndefined();
    expect(highestCplAtOrBelow(cpls, L(7))).toBe(7);
    expect(highestCplAtOrBelow(cpls, L(9))).toBe(7);
    expect(highestCplAtOrBelow(cpls, L(99))).toBe(10);
  });

  it('caps a chain at the first start of an epoch the segment has not applied (E2)', () => {
    const history: EpochStart[] = [
      { epoch: 1, startLsn: L(0) },
      { epoch: 2, startLsn: L(40) },
      { epoch: 4, startLsn: L(55) },
    ];
    expect(epochCut(history, 0)).toBe(0);
    expect(epochCut(history, 1)).toBe(40);
    expect(epochCut(history, 3)).toBe(55);
    expect(epochCut(history, 4)).toBeUndefined();
    expect(cappedScl(L(70), 1, history)).toBe(40);
    expect(cappedScl(L(30), 1, history)).toBe(30);
    expect(cappedScl(L(70), 4, history)).toBe(70);
  });

  it('merges histories by epoch and refuses two starts for one epoch', () => {
    const a: EpochStart[] = [{ epoch: 1, startLsn: L(0) }];
    const b: EpochStart[] = [
      { epoch: 1, startLsn: L(0) },
      { epoch: 3, startLsn: L(9) },
    ];
    expect(mergeHistories(b, a)).toEqual(b);
    expect(() => mergeHistories(a, [{ epoch: 1, startLsn: L(5) }])).toThrow(/one start/);
  });

  it('re-replicates above the higher of the hint and the write-quorum SCL (R6)', () => {
    expect(repairFloor(L(10), L(4), L(30))).toBe(10);
    expect(repairFloor(L(10), L(25), L(30))).toBe(25);
    expect(repairFloor(L(10), L(40), L(30))).toBe(30);
  });
});

interface Scenario {
  /** group of record lsn i + 1 */
  readonly groupOf: number[];
  readonly cpl: boolean[];
  /** Per group, its records' LSNs ascending. */
  readonly chains: Lsn[][];
  /** Per group, the six segments' SCLs (each a chain position). */
  readonly scls: Lsn[][];
}

/** Up to `size` records in up to three groups, each group's records in stretches of `stretch`. */
function scenario(random: () => number, size = 40, stretch = 1): Scenario {
  const groups = 1 + Math.floor(random() * 3);
  const n = Math.floor(random() * size);
  const groupOf: number[] = [];
  const cpl: boolean[] = [];
  const chains: Lsn[][] = Array.from({ length: groups }, () => []);
  let g = 0;
  for (let i = 1; i <= n; i++) {
    if (stretch === 1 || i === 1 || random() < 1 / stretch) g = Math.floor(random() * groups);
    groupOf.push(g);
    cpl.push(random() < 0.3);
    chains[g]?.push(L(i));
  }
  const scls = chains.map((chain) =>
    Array.from({ length: SEGMENTS_PER_GROUP }, () => {
      const k = Math.floor(random() * (chain.length + 1));
      return k === 0 ? L(0) : (chain[k - 1] ?? L(0));
    }),
  );
  return { groupOf, cpl, chains, scls };
}

/** The definitions, checked LSN by LSN. */
function bruteVolume(s: Scenario): { vcl: Lsn; vdl: Lsn } {
  let vcl = 0;
  for (let lsn = 1; lsn <= s.groupOf.length; lsn++) {
    const scls = s.scls[s.groupOf[lsn - 1] ?? 0] ?? [];
    if (scls.filter((scl) => scl >= lsn).length < WRITE_QUORUM) break;
    vcl = lsn;
  }
  let vdl = 0;
  for (let lsn = 1; lsn <= vcl; lsn++) if (s.cpl[lsn - 1]) vdl = lsn;
  return { vcl: L(vcl), vdl: L(vdl) };
}

function fastVolume(s: Scenario): { vcl: Lsn; vdl: Lsn } {
  const firsts = s.chains.map((chain, g) => {
    const durable = writeQuorumLsn(s.scls[g] ?? []);
    return chain.find((lsn) => lsn > durable);
  });
  const vcl = volumeCompleteLsn(L(s.groupOf.length), firsts);
  const cpls = s.cpl.flatMap((c, i) => (c ? [L(i + 1)] : []));
  return { vcl, vdl: highestCplAtOrBelow(cpls, vcl) ?? L(0) };
}

const SEEDS = process.env['QUORUM_SEED'] ? [Number(process.env['QUORUM_SEED'])] : range(500);

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

/**
 * R4 over listings (ChainReply entries): the highest L >= hint such that every LSN in (hint, L]
 * is in one of the chains. A second reference, beside the brute-force oracle, that the runs
 * recovery reads are checked against.
 */
function recoveredVcl(hint: Lsn, chains: Iterable<readonly ChainEntry[]>): Lsn {
  const above: Lsn[] = [];
  for (const chain of chains) for (const e of chain) if (e.lsn > hint) above.push(e.lsn);
  above.sort((a, b) => a - b);
  let vcl = hint;
  for (const lsn of above) {
    assert(lsn > vcl, 'an LSN belongs to one group');
    if (lsn !== vcl + 1) break;
    vcl = lsn;
  }
  return vcl;
}

/** R5 over listings: the highest CPL in (hint, vcl] of any chain, else the hint. */
function recoveredVdl(
  hint: Lsn,
  vcl: Lsn,
  chains: Iterable<readonly ChainEntry[]>,
): Lsn {
  assert(hint <= vcl, 'R4: VCL_rec >= H');
  let vdl = hint;
  for (const chain of chains) {
    for (const e of chain) if (e.cpl && e.lsn <= vcl && e.lsn > vdl) vdl = e.lsn;
  }
  return vdl;
}

/**
 * VCL and VDL from the listed chains equal the oracle's, keep every durable commit, and the runs
 * segments send decide the same (R3–R5).
 */
function expectRecovery(
  seed: number,
  hint: Lsn,
  chains: readonly ChainEntry[][],
  brute: { vcl: Lsn; vdl: Lsn },
  old: { vdl: Lsn },
): { vdl: Lsn; runs: ReturnType<typeof chainRunsOf>[] } {
  const vcl = recoveredVcl(hint, chains);
  const vdl = recoveredVdl(hint, vcl, chains);
  expect({ vcl, vdl }, `seed ${seed}`).toEqual(brute);
  expect(vdl, `seed ${seed}: no acknowledged commit lost`).toBeGreaterThanOrEqual(old.vdl);
  const runs = chains.map(chainRunsOf);
  const byRuns = recoveredVclOfRuns(hint, runs);
  expect({ vcl: byRuns, vdl: recoveredVdlOfRuns(hint, byRuns, runs) }, `seed ${seed}`)
    .toEqual(brute);
  return { vdl, runs };
}

describe('quorum math against a brute-force oracle (seeded)', () => {
  it('VCL and VDL from SCLs (Q3–Q5)', () => {
    for (const seed of SEEDS) {
      const s = scenario(prng(seed));
      expect(fastVolume(s), `seed ${seed}`).toEqual(bruteVolume(s));
    }
  });

  it('recovery from any read quorum keeps every durable commit (R1–R5)', () => {
    for (const seed of SEEDS) {
      const random = prng(seed);
      const s = scenario(random);
      const old = bruteVolume(s);
      const cplsToVdl = s.cpl.flatMap((c, i) => (c && i + 1 <= old.vdl ? [i + 1] : []));
      const pick = cplsToVdl[Math.floor(random() * cplsToVdl.length)] ?? 0;
      const hint = L(random() < 0.3 ? 0 : pick);
      const responders = s.scls.map((scls) => pickQuorum(random, scls, hint));
      const history: EpochStart[] = [];
      const quorums = responders.map((r) => groupQuorum(r, history));
      const chains: ChainEntry[][] = quorums.map((q, g) =>
        (s.chains[g] ?? [])
          .filter((lsn) => lsn > hint && lsn <= q.best.scl)
          .map((lsn) => ({ lsn, cpl: s.cpl[lsn - 1] ?? false })),
      );
      expect(recoveryHint(responders.flat()), `seed ${seed}`).toBeLessThanOrEqual(old.vdl);
      const { vdl, runs } = expectRecovery(seed, hint, chains, bruteRecovery(s, responders), old);
      for (const [g, chain] of chains.entries()) {
        const tail = chain.reduce((t, e) => (e.lsn <= vdl && e.lsn > t ? e.lsn : t), hint);
        expect(groupTailOfRuns(hint, runs[g] ?? [], vdl), `seed ${seed}`).toBe(tail);
      }
    }
  });

  it('recovers from runs as from listings, groups written in stretches (R3–R5)', () => {
    for (const seed of SEEDS) {
      const random = prng(seed);
      const s = scenario(random, 400, 40);
      // A group none of whose records is durable may be missing from phase 1 (R4).
      const found = s.scls.map((scls) => writeQuorumLsn(scls) > 0 || random() < 0.5);
      const old = bruteVolume(s);
      const cplsToVdl = s.cpl.flatMap((c, i) => (c && i + 1 <= old.vdl ? [i + 1] : []));
      const pick = cplsToVdl[Math.floor(random() * cplsToVdl.length)] ?? 0;
      const hint = L(random() < 0.5 ? 0 : pick);
      const responders = s.scls.map((scls, g) => (found[g] ? pickQuorum(random, scls, hint) : []));
      const chains: ChainEntry[][] = responders.map((r, g) => {
        if (r.length === 0) return [];
        const best = groupQuorum(r, []).best.scl;
        return (s.chains[g] ?? [])
          .filter((lsn) => lsn > hint && lsn <= best)
          .map((lsn) => ({ lsn, cpl: s.cpl[lsn - 1] ?? false }));
      });
      const { runs } = expectRecovery(seed, hint, chains, bruteRecovery(s, responders), old);
      let listed = 0;
      for (const r of runs) listed += r.length;
      expect(listed).toBeLessThanOrEqual(chains.flat().length);
    }
  });

  it('a hole in a group recovery did not find bounds VDL under a whole-run chain (R4)', () => {
    // Group 0 holds 1..1000 but 500, the record of a group no responder named (never durable).
    const entries = [];
    for (let i = 1; i <= 1000; i++) if (i !== 500) entries.push({ lsn: L(i), cpl: i % 7 === 0 });
    const runs = [chainRunsOf(entries)];
    expect(runs[0]).toEqual([
      { first: 1, last: 499, cpl: 497 },
      { first: 501, last: 1000, cpl: 994 },
    ]);
    // The lowest best SCL (1000) is no floor for VCL: 500 is missing.
    const vcl = recoveredVclOfRuns(L(0), runs);
    expect(vcl).toBe(499);
    expect(recoveredVdlOfRuns(L(0), vcl, runs)).toBe(497);
    expect(recoveredVclOfRuns(L(0), [...runs, [{ first: L(500), last: L(500), cpl: L(0) }]]))
      .toBe(1000);
  });
});

/** A random read quorum (3 to 6 segments) of a group; every responder carries the hint. */
function pickQuorum(random: () => number, scls: readonly Lsn[], hint: Lsn): Responder[] {
  const nodes = range(SEGMENTS_PER_GROUP).map((n) => n - 1);
  for (let i = nodes.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [nodes[i], nodes[j]] = [nodes[j] ?? 0, nodes[i] ?? 0];
  }
  const count = 3 + Math.floor(random() * 4);
  return nodes.slice(0, count).map((node) => ({
    node,
    scl: scls[node] ?? L(0),
    vdlHint: hint,
    appliedEpoch: 1,
    history: [],
  }));
}

/** What is available: an LSN is, if some responder of its group has it in its chain. */
function bruteRecovery(s: Scenario, responders: readonly Responder[][]): { vcl: Lsn; vdl: Lsn } {
  let vcl = 0;
  for (let lsn = 1; lsn <= s.groupOf.length; lsn++) {
    const rs = responders[s.groupOf[lsn - 1] ?? 0] ?? [];
    if (!rs.some((r) => r.scl >= lsn)) break;
    vcl = lsn;
  }
  let vdl = 0;
  for (let lsn = 1; lsn <= vcl; lsn++) if (s.cpl[lsn - 1]) vdl = lsn;
  return { vcl: L(vcl), vdl: L(vdl) };
}
