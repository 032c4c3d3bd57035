import { describe, expect, it } from 'vitest';
import { parseSysbenchReport, sysbenchFatal } from './sysbench-output.js';

const REPORT = `
SQL statistics:
    queries performed:
        read:                            37884
        write:                           10781
        other:                           5395
        total:                           54060
    transactions:                        2689   (895.27 per sec.)
    queries:                             54060  (17998.57 per sec.)
    ignored errors:                      17     (5.66 per sec.)
    reconnects:                          0      (0.00 per sec.)

General statistics:
    total time:                          3.0022s
    total number of events:              2689

Latency (ms):
         min:                                    0.73
         avg:                                    2.23
         max:                                    6.59
         95th percentile:                        2.97
         sum:                                 5998.02
`;

describe('parseSysbenchReport', () => {
  it('reads TPS, QPS, p95 and the ignored errors', () => {
    expect(parseSysbenchReport(REPORT)).toEqual({
      transactions: 2689, tps: 895.27, queries: 54060, qps: 17998.57, ignoredErrors: 17,
      p95Ms: 2.97, totalTimeS: 3.0022,
    });
  });

  it('treats a FATAL line as failure even when sysbench exits 0', () => {
    const out = "Creating table 'sbtest1'...\nFATAL: mysql_drv_query() returned error 1235";
    expect(sysbenchFatal('0', out))
      .toBe('FATAL: mysql_drv_query() returned error 1235');
    expect(sysbenchFatal('0', REPORT)).toBeUndefined();
    expect(sysbenchFatal('1', REPORT)).toBe('sysbench exited 1');
  });

  it('gives undefined, never zeros, when the report is missing', () => {
    expect(parseSysbenchReport('FATAL: mysql_stmt_prepare() failed')).toBeUndefined();
    expect(parseSysbenchReport(REPORT.replace(/95th.*\n/, ''))).toBeUndefined();
  });
});
