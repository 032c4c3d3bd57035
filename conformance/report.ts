/**
 * Check results, their console lines and the run summary that .ci/run adds up.
 *
 * A check is one unit that passes or fails: a case file, one client step on one side, one
 * sysbench phase. Expected failures count as passed while they fail as expected, and as failed
 * when they pass (the list is stale), so `passed + failed` is every check that ran.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export type CheckStatus = 'pass' | 'fail' | 'expected-fail' | 'unexpected-pass';

export interface CheckResult {
  readonly suite: string;
  readonly name: string;
  readonly status: CheckStatus;
  /** Why it failed, or which issue an expected failure waits for. */
  readonly detail: string;
  /** For an unlisted failure: the selector a known-differences/expected-failures line needs. */
  readonly selector?: string;
}

export interface Summary {
  readonly passed: number;
  readonly failed: number;
  readonly expectedFailures: number;
  readonly unexpectedPasses: number;
  readonly reference: string;
  readonly target: string;
  readonly checks: readonly CheckResult[];
}

const MARK: Record<CheckStatus, string> = {
  'pass': 'ok  ',
  'fail': 'FAIL',
  'expected-fail': 'xfail',
  'unexpected-pass': 'XPASS',
};

export class Reporter {
  readonly checks: CheckResult[] = [];

  constructor(private readonly write: (text: string) => void = (t) => process.stdout.write(t)) {}

  add(check: CheckResult): void {
    this.checks.push(check);
    const detail = check.detail === '' ? '' : `\n${indent(check.detail, 6)}`;
    const show = check.status === 'pass' ? '' : detail;
    this.write(`${MARK[check.status].padEnd(5)} ${check.suite} ${check.name}${show}\n`);
  }

  note(text: string): void {
    this.write(`${text}\n`);
  }

  summary(sides: { reference: string; target: string }): Summary {
    const count = (s: CheckStatus): number => this.checks.filter((c) => c.status === s).length;
    return {
      passed: count('pass') + count('expected-fail'),
      failed: count('fail') + count('unexpected-pass'),
      expectedFailures: count('expected-fail'),
      unexpectedPasses: count('unexpected-pass'),
      ...sides,
      checks: this.checks,
    };
  }
}

export function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text.split('\n').map((l) => pad + l).join('\n');
}

export function writeSummary(file: string, summary: Summary): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
}

/** The closing lines: counts by suite, then what is failing. */
export function formatSummary(summary: Summary): string {
  const suites = [...new Set(summary.checks.map((c) => c.suite))];
  const lines = suites.map((suite) => {
    const of = summary.checks.filter((c) => c.suite === suite);
    const n = (s: CheckStatus): number => of.filter((c) => c.status === s).length;
    return `  ${suite.padEnd(10)} ${n('pass')} passed, ${n('expected-fail')} expected failures ` +
      `(counted as passed), ${n('fail')} failed, ${n('unexpected-pass')} unexpectedly passed`;
  });
  const failing = summary.checks
    .filter((c) => c.status === 'fail' || c.status === 'unexpected-pass');
  const unlisted = failing.filter((c) => c.selector !== undefined);
  const suggestions = unlisted.length === 0 ? [] : [
    'unlisted failures: if one is expected, add its line (with the right issue and reason) to',
    'conformance/known-differences (sql) or conformance/expected-failures (clients):',
    ...unlisted.map((c) => `  ${c.selector}  issue-N  <reason>`),
  ];
  return [
    ...suggestions,
    `reference: ${summary.reference}`,
    `target:    ${summary.target}`,
    ...lines,
    ...(failing.length === 0 ? [] : ['failing:', ...failing.map((c) => `  ${c.suite} ${c.name}`)]),
    `conformance: ${summary.passed} passed (${summary.expectedFailures} as expected failures), ` +
      `${summary.failed} failed`,
  ].join('\n');
}
