/**
 * Micro-benchmark of what a text statement (COM_QUERY) costs before it runs (issue 8): the split
 * of the client's bytes (split.ts), their decoding, the plan cache's normalisation and lookup
 * (plan-cache.ts) and the binding of the lifted literals as parameters (params.ts), for the
 * statements sysbench's OLTP tests send. Not part of `npm test`; run after `tsc -p .` with
 * `node dist/engine/sql/text-statement.bench.js [--time ms]`.
 *
 * Every task cycles through 64 texts of one shape that differ in their literals, as sysbench's
 * do, so the cache always hits (it holds one entry per shape) and no text is seen twice in a row.
 * Figures are µs per statement; `normalise` is the normalisation alone, `all` the whole path.
 */
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import { decodeStatement } from './bytes.js';
import { PlanParams } from './params.js';
import { PlanCache, normalise } from './plan-cache.js';
import { splitStatements } from './split.js';

const VARIANTS = 64;

/** sysbench's random string: groups of 11 digits joined by '-'. */
function digits(groups: number, seed: number): string {
  const out: string[] = [];
  let x = seed * 2654435761;
  for (let g = 0; g < groups; g++) {
    let s = '';
    for (let i = 0; i < 11; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      s += String(x % 10);
    }
    out.push(s);
  }
  return out.join('-');
}

const SHAPES: Readonly<Record<string, (i: number) => string>> = {
  insert: (i) =>
    `INSERT INTO sbtest1 (id, k, c, pad) VALUES (0, ${5000 + i}, '${digits(10, i)}', ` +
    `'${digits(5, i + 1000)}')`,
  'point-select': (i) => `SELECT c FROM sbtest1 WHERE id=${1 + i * 97}`,
  'simple-range': (i) => `SELECT c FROM sbtest1 WHERE id BETWEEN ${i * 7} AND ${i * 7 + 99}`,
  'sum-range': (i) => `SELECT SUM(k) FROM sbtest1 WHERE id BETWEEN ${i * 7} AND ${i * 7 + 99}`,
  'order-range': (i) =>
    `SELECT c FROM sbtest1 WHERE id BETWEEN ${i * 7} AND ${i * 7 + 99} ORDER BY c`,
  'distinct-range': (i) =>
    `SELECT DISTINCT c FROM sbtest1 WHERE id BETWEEN ${i * 7} AND ${i * 7 + 99} ORDER BY c`,
  'index-update': (i) => `UPDATE sbtest1 SET k=k+1 WHERE id=${1 + i * 31}`,
  'non-index-update': (i) => `UPDATE sbtest1 SET c='${digits(10, i)}' WHERE id=${1 + i * 31}`,
  delete: (i) => `DELETE FROM sbtest1 WHERE id=${1 + i * 31}`,
  begin: () => 'BEGIN',
  commit: () => 'COMMIT',
};

/** The whole path of session.ts's execute up to the plan: split, decode, look up, bind. */
function all(cache: PlanCache, bytes: Buffer): number {
  let n = 0;
  for (const part of splitStatements(bytes)) {
    const cached = cache.lookup(decodeStatement(part, 'utf8mb4'));
    if (cached !== undefined) n += PlanParams.fromLiterals(cached.literals).count;
  }
  return n;
}

const { values } = parseArgs({ options: { time: { type: 'string', default: '500' } } });
const bench = new Bench({ time: Number(values.time) });
let sink = 0;
for (const [name, shape] of Object.entries(SHAPES)) {
  const texts = Array.from({ length: VARIANTS }, (_, i) => shape(i));
  const bytes = texts.map((t) => Buffer.from(t));
  const cache = new PlanCache(100);
  let i = 0;
  bench.add(`${name} all`, () => {
    sink += all(cache, bytes[i++ % VARIANTS] as Buffer);
  });
  let j = 0;
  bench.add(`${name} normalise`, () => {
    sink += normalise(texts[j++ % VARIANTS] as string)?.literals.length ?? 0;
  });
}

await bench.run();
for (const t of bench.tasks) {
  const result = t.result;
  const mean = result !== undefined && 'latency' in result ? result.latency.mean : NaN;
  process.stdout.write(`${t.name.padEnd(28)} ${(mean * 1e3).toFixed(3).padStart(8)} µs\n`);
}
if (sink < 0) process.stdout.write('unreachable\n');
