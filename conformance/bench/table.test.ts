import { describe, expect, it } from 'vitest';
import { formatTable, ratio, type Cell } from './table.js';

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
});
