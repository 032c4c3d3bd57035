import { describe, expect, it } from 'vitest';
import { formatTable, median, ratio, runRatios, type Cell } from './table.js';

const ok = (tps: number, p95Ms: number): Cell => ({ kind: 'ok', tps, qps: tps, p95Ms });

describe('formatTable', () => {
  it('prints both sides and the TPS ratio; failures as failed with their reason, never 0', () => {
    const table = formatTable([
      { test: 'oltp_point_select', threads: 8, mariadb: ok(39258.4, 0.3),
        borealis: ok(19629.2, 0.61) },
      { test: 'oltp_insert', threads: 8, mariadb: ok(12666, 1.2),
        borealis: { kind: 'failed', reason: 'FATAL: error 1235' } },
    ]);
    expect(table).toContain(
      '| oltp_point_select | 8 | 39,258 | 39,258 | 0.30 | 19,629 | 19,629 | 0.61 | 0.50× |');
    expect(table).toContain(
      '| oltp_insert | 8 | 12,666 | 12,666 | 1.20 | failed (1) | failed (1) | failed (1) | – |');
    expect(table).toContain('(1) FATAL: error 1235');
    expect(table).not.toMatch(/\| 0 \|/);
  });
  it('has no ratio without two measurements', () => {
    expect(ratio({ kind: 'failed', reason: 'x' }, ok(1, 1))).toBe('–');
  });
  it('reduces repeated runs to medians and shows the range of the per-run ratios', () => {
    const m = [ok(1000, 1), ok(1200, 3), ok(1100, 2)];
    const b = [ok(500, 4), ok(900, 6), ok(600, 5)];
    expect(median(m)).toEqual({ kind: 'ok', tps: 1100, qps: 1100, p95Ms: 2 });
    expect(median([ok(1, 1), ok(3, 3)])).toEqual({ kind: 'ok', tps: 2, qps: 2, p95Ms: 2 });
    const failure: Cell = { kind: 'failed', reason: 'run 2 failed' };
    expect(median([ok(1, 1), failure, ok(3, 3)])).toBe(failure);
    const ratios = runRatios(b, m);
    expect(ratios.map((r) => r.toFixed(2))).toEqual(['0.50', '0.75', '0.55']);
    const table = formatTable([{ test: 'oltp_insert', threads: 8, mariadb: median(m),
      borealis: median(b), runRatios: ratios }]);
    expect(table).toContain('| oltp_insert | 8 | 1,100 | 1,100 | 2.00 | 600 | 600 | 5.00 | ' +
      '0.55× | 0.50–0.75× |');
  });
});
