/**
 * The deterministic simulation (sim.ts) over many seeds. Each seed is one reproducible run;
 * a failure prints the seed, the command that replays it, and the end of the run's log.
 *
 *   SIM_SEED=1234 npx vitest run storage/testing/sim.test.ts     one seed (with its log on failure)
 *   SIM_SEEDS=300 SIM_FIRST=1 SIM_STEPS=200 npx vitest run …      many (conformance runs 300)
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimFailure, runSimulation } from './sim.js';

const single = process.env['SIM_SEED'];
const count = Number(process.env['SIM_SEEDS'] ?? 24);
/** Steps per seed: fewer in `npm test` than the 200 of a conformance run. */
const steps = Number(process.env['SIM_STEPS'] ?? 100);
const first = Number(process.env['SIM_FIRST'] ?? 1);
const seeds =
  single !== undefined ? [Number(single)] : Array.from({ length: count }, (_, i) => first + i);

/** A failing seed's log: the last lines to stderr, all of it to a file. */
function dump(error: unknown): void {
  if (!(error instanceof SimFailure)) return;
  const file = join(tmpdir(), `borealis-sim-${error.seed}.log`);
  writeFileSync(file, error.log.join(''));
  process.stderr.write(`${error.log.slice(-200).join('')}\n${error.message}\nfull log: ${file}\n`);
}

describe('deterministic storage simulation', () => {
  it.each(seeds)('seed %i keeps every invariant', async (seed) => {
    try {
      const result = await runSimulation({ seed, steps });
      expect(result.commits).toBeGreaterThan(0);
    } catch (error) {
      dump(error);
      throw error;
    }
  });

  it('replays a seed exactly', async () => {
    const a = await runSimulation({ seed: seeds[0] ?? 1, steps: 60 });
    const b = await runSimulation({ seed: seeds[0] ?? 1, steps: 60 });
    expect(b).toEqual(a);
  });
});
