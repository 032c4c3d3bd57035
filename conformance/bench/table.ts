/**
 * Benchmark results → the markdown table printed and appended to BENCHMARKS.md. Pure.
 *
 * A failed cell shows "failed (n)" with note n under the table giving the reason, never 0 and
 * never blank, so a missing feature cannot pass for a slow one.
 */

export type Cell =
  | { readonly kind: 'ok'; readonly tps: number; readonly qps: number; readonly p95Ms: number }
  | { readonly kind: 'failed'; readonly reason: string };

export interface Row {
  readonly test: string;
  readonly threads: number;
  readonly mariadb: Cell;
  readonly borealis: Cell;
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
  const header = '| test | threads | MariaDB TPS | MariaDB QPS | MariaDB p95 ms | ' +
    'Borealis TPS | Borealis QPS | Borealis p95 ms | TPS Borealis/MariaDB |';
  const rule = '|---|--:|--:|--:|--:|--:|--:|--:|--:|';
  const lines = rows.map((r) => `| ${r.test} | ${r.threads} | ${cells(r.mariadb).join(' | ')} | ` +
    `${cells(r.borealis).join(' | ')} | ${ratio(r.borealis, r.mariadb)} |`);
  const footnotes = notes.map((n, i) => `(${i + 1}) ${n.replace(/\s+/g, ' ').slice(0, 300)}  `);
  return [header, rule, ...lines, ...(footnotes.length > 0 ? ['', ...footnotes] : [])].join('\n');
}
