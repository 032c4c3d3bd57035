/**
 * chainRunsOf, the reference for tests of quorum.ts R3: an ascending chain listing as maximal
 * runs of consecutive LSNs (what segments send). A segment streams its own fold (segment.ts
 * S12), cut at a reply's size as soon as a run starts that does not fit.
 */
import assert from 'node:assert/strict';
import { LSN_NONE, type Lsn } from '../lsn.js';
import type { ChainEntry, ChainRun } from '../messages.js';

export function chainRunsOf(entries: readonly ChainEntry[]): ChainRun[] {
  const runs: ChainRun[] = [];
  let run: { first: Lsn; last: Lsn; cpl: Lsn } | undefined;
  for (const e of entries) {
    if (run !== undefined && e.lsn === run.last + 1) {
      run.last = e.lsn;
      if (e.cpl) run.cpl = e.lsn;
      continue;
    }
    assert(run === undefined || e.lsn > run.last, 'a chain listing ascends');
    if (run !== undefined) runs.push(run);
    run = { first: e.lsn, last: e.lsn, cpl: e.cpl ? e.lsn : LSN_NONE };
  }
  if (run !== undefined) runs.push(run);
  return runs;
}
