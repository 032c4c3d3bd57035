/**
 * Parses the final report of `sysbench … run` (sysbench 1.0). Pure.
 *
 *     transactions:                        2689   (895.27 per sec.)
 *     queries:                             54060  (17998.57 per sec.)
 *     ignored errors:                      17     (5.66 per sec.)
 *     95th percentile:                        2.97
 *
 * Returns undefined when the report is missing (sysbench died before printing it), so a failed
 * run can never be read as zero.
 */

export interface SysbenchReport {
  readonly transactions: number;
  readonly tps: number;
  readonly queries: number;
  readonly qps: number;
  readonly ignoredErrors: number;
  readonly p95Ms: number;
  readonly totalTimeS: number;
}

function number(text: string, pattern: RegExp): number | undefined {
  const m = pattern.exec(text);
  if (m === null || m[1] === undefined) return undefined;
  const value = Number(m[1]);
  return Number.isFinite(value) ? value : undefined;
}

export function parseSysbenchReport(text: string): SysbenchReport | undefined {
  const transactions = number(text, /^\s*transactions:\s+(\d+)\s/m);
  const tps = number(text, /^\s*transactions:\s+\d+\s+\(([\d.]+) per sec\.\)/m);
  const queries = number(text, /^\s*queries:\s+(\d+)\s/m);
  const qps = number(text, /^\s*queries:\s+\d+\s+\(([\d.]+) per sec\.\)/m);
  const ignoredErrors = number(text, /^\s*ignored errors:\s+(\d+)\s/m);
  const p95Ms = number(text, /^\s*95th percentile:\s+([\d.]+)/m);
  const totalTimeS = number(text, /^\s*total time:\s+([\d.]+)s/m);
  if (transactions === undefined || tps === undefined || queries === undefined ||
      qps === undefined || p95Ms === undefined || totalTimeS === undefined) {
    return undefined;
  }
  return { transactions, tps, queries, qps, ignoredErrors: ignoredErrors ?? 0, p95Ms, totalTimeS };
}

/**
 * sysbench exits 0 after some FATAL errors (a failed CREATE TABLE in `prepare`, a failed thread),
 * so success is exit 0 *and* no FATAL line.
 */
export function sysbenchFatal(code: string, output: string): string | undefined {
  const fatal = /^FATAL: .*$/m.exec(output)?.[0];
  if (fatal !== undefined) return fatal;
  return code === '0' ? undefined : `sysbench exited ${code}`;
}

/** sysbench's connection and driver options for one server. */
export function sysbenchConnection(e: {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
}, database: string): string[] {
  return [
    '--db-driver=mysql', `--mysql-host=${e.host}`, `--mysql-port=${e.port}`,
    `--mysql-user=${e.user}`, `--mysql-password=${e.password}`, `--mysql-db=${database}`,
  ];
}
