/**
 * Benchmark results → the markdown table printed and appended to BENCHMARKS.md. Pure.
 *
 * A failed cell shows "failed (n)" with note n under the table giving the reason, never 0 and
 * never blank, so a missing feature cannot pass for a slow one. With several runs per cell
 * (`--repeat`), a side's cell is the median of its runs (a failed run fails the cell) and the
 * table adds the range of the per-run ratios, so the spread is in sight beside the median.
 */

export type Cell =
  | { readonly kind: 'ok'; readonly tps: number; readonly qps: number; readonly p95Ms: number }
  | { readonly kind: 'failed'; readonly reason: string };

export interface Row {
  readonly test: string;
  readonly threads: number;
  readonly mariadb: Cell;
  readonly borealis: Cell;
  /** Borealis/MariaDB TPS of each run pair, when a cell was measured more than once. */
  readonly runRatios?: readonly number[];
}

function middle(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const half = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[half] ?? 0)
    : ((sorted[half - 1] ?? 0) + (sorted[half] ?? 0)) / 2;
}

/** One side's runs of a cell as one cell: each figure's median; the first failure, if any. */
export function median(runs: readonly Cell[]): Cell {
  const failed = runs.find((c) => c.kind === 'failed');
  if (failed !== undefined) return failed;
  const ok = runs.filter((c) => c.kind === 'ok');
  if (ok.length === 0) return { kind: 'failed', reason: 'not measured' };
  return {
    kind: 'ok',
    tps: middle(ok.map((c) => c.tps)),
    qps: middle(ok.map((c) => c.qps)),
    p95Ms: middle(ok.map((c) => c.p95Ms)),
  };
}

/** The TPS ratio of each run pair (run i of Borealis against run i of MariaDB). */
export function runRatios(borealis: readonly Cell[], mariadb: readonly Cell[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(borealis.length, mariadb.length); i++) {
    const b = borealis[i];
    const m = mariadb[i];
    if (b?.kind === 'ok' && m?.kind === 'ok' && m.tps > 0) out.push(b.tps / m.tps);
  }
  return out;
}

function fmt(n: number): string {
  if (n >= 100) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(n >= 10 ? 1 : 2);
}

export function ratio(b: Cell, m: Cell): string {
  if (b.kind !== 'ok' || m.kind !== 'ok' || m.tps === 0) return '–';
  return `${(b.tps / m.tps).toFixed(2)}×`;
}

export function formatTable(rows: readonly Row[]): string {
  const notes: string[] = [];
  const cells = (c: Cell): string[] => {
    if (c.kind === 'ok') return [fmt(c.tps), fmt(c.qps), fmt(c.p95Ms)];
    let index = notes.indexOf(c.reason);
    if (index < 0) index = notes.push(c.reason) - 1;
    const mark = `failed (${index + 1})`;
    return [mark, mark, mark];
  };
  const repeated = rows.some((r) => (r.runRatios?.length ?? 0) > 1);
  const spread = (r: Row): string => {
    const ratios = r.runRatios ?? [];
    if (ratios.length === 0) return ' – |';
    return ` ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}× |`;
  };
  const header = '| test | threads | MariaDB TPS | MariaDB QPS | MariaDB p95 ms | ' +
    'Borealis TPS | Borealis QPS | Borealis p95 ms | TPS Borealis/MariaDB |' +
    (repeated ? ' ratio range of the runs |' : '');
  const rule = `|---|--:|--:|--:|--:|--:|--:|--:|--:|${repeated ? '--:|' : ''}`;
  const lines = rows.map((r) => `| ${r.test} | ${r.threads} | ${cells(r.mariadb).join(' | ')} | ` +
    `${cells(r.borealis).join(' | ')} | ${ratio(r.borealis, r.mariadb)} |` +
    (repeated ? spread(r) : ''));
  const footnotes = notes.map((n, i) => `(${i + 1}) ${n.replace(/\s+/g, ' ').slice(0, 300)}  `);
  return [header, rule, ...lines, ...(footnotes.length > 0 ? ['', ...footnotes] : [])].join('\n');
}
