/**
 * The differential SQL runner: every case file, statement by statement, on the reference and on
 * the target, each file in a fresh database on each side; the comparer decides, known-differences
 * excuses, the reporter counts. One check per case file.
 *
 * A case is *broken* (and fails whatever the target does) when the reference does not do what
 * the case says: an error without `-- error`, or not the error `-- error` names. Known
 * differences cannot excuse a broken case.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { admin, type Endpoint } from '../harness/endpoint.js';
import { caseScope, formatEntry, type Entry, type Ledger } from '../ledger.js';
import type { CheckResult, Reporter } from '../report.js';
import { parseCaseFile, type CaseFile, type CaseStatement } from './case-file.js';
import { generatedCase, generatedSeeds } from './generated.js';
import { compareOutcomes, type Difference } from './compare.js';
import { openRunner, type StatementRunner } from './execute.js';
import { formatOutcome, type Outcome } from './outcome.js';

export interface CaseRunOptions {
  readonly reference: Endpoint;
  readonly target: Endpoint;
  readonly casesDir: string;
  /** Only case paths containing this text. */
  readonly filter: string | undefined;
  /** Applicable known-differences only. */
  readonly ledger: Ledger;
  readonly reporter: Reporter;
  readonly beforeEach: () => Promise<void>;
}

interface Mismatch {
  readonly line: number;
  readonly sql: string;
  readonly differences: readonly Difference[];
}

const SUITE = 'sql';

export function listCaseFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    const rel = prefix === '' ? name : `${prefix}/${name}`;
    if (statSync(full).isDirectory()) out.push(...listCaseFiles(full, rel));
    else if (name.endsWith('.sql')) out.push(rel);
  }
  return out;
}

/** A database name for a case: readable, ≤ 64 characters, unique per path. */
export function databaseFor(casePath: string): string {
  const base = casePath.replace(/\.sql$/, '').toLowerCase().replace(/[^a-z0-9]+/g, '_');
  const hash = createHash('sha1').update(casePath).digest('hex').slice(0, 6);
  return `cf_${base.slice(0, 50)}_${hash}`;
}

export async function runCases(options: CaseRunOptions): Promise<void> {
  const files = listCaseFiles(options.casesDir)
    .filter((f) => options.filter === undefined || f.includes(options.filter));
  for (const file of files) {
    await options.beforeEach();
    const check = await runCaseFile(options, file);
    options.reporter.add(check);
  }
  // The seeded random query generator's cases (generated.ts), after the hand-written ones.
  const generated = generatedSeeds()
    .map((seed) => generatedCase(seed))
    .filter((c) => options.filter === undefined || c.path.includes(options.filter));
  for (const parsed of generated) {
    await options.beforeEach();
    options.reporter.add(await runParsedCase(options, parsed.path, parsed));
  }
  if (options.filter === undefined) {
    const known = new Set([...files, ...generated.map((c) => c.path)]);
    const orphans = options.ledger.entries.filter((e) => !known.has(caseScope(e.selector)));
    for (const e of orphans) {
      options.reporter.add({
        suite: SUITE, name: `known-differences entry ${e.selector}`, status: 'unexpected-pass',
        detail: `no such case file; remove the line: ${formatEntry(e)}`,
      });
    }
  }
}

async function runCaseFile(options: CaseRunOptions, file: string): Promise<CheckResult> {
  let parsed: CaseFile;
  try {
    parsed = parseCaseFile(file, readFileSync(path.join(options.casesDir, file), 'utf8'));
  } catch (error) {
    return { suite: SUITE, name: file, status: 'fail', detail: String(error) };
  }
  return runParsedCase(options, file, parsed);
}

/** One case (from a file, or from the generator) on both sides. */
async function runParsedCase(
  options: CaseRunOptions,
  file: string,
  parsed: CaseFile,
): Promise<CheckResult> {
  const db = databaseFor(file);
  const broken: string[] = [];
  const mismatches: Mismatch[] = [];
  const reference = await openSide(options.reference, db);
  if (typeof reference === 'string') {
    return { suite: SUITE, name: file, status: 'fail', detail: `reference setup: ${reference}` };
  }
  const target = await openSide(options.target, db);
  if (typeof target === 'string') {
    mismatches.push({ line: 0, sql: '(fresh database)', differences: [
      { aspect: 'outcome', reference: 'OK', target: target },
    ] });
  } else {
    for (const statement of parsed.statements) {
      const r = await reference.run(statement.sql);
      const why = brokenReason(statement, r);
      if (why !== undefined) broken.push(`${file}:${statement.line}: ${why}`);
      const t = await target.run(statement.sql);
      const differences = compareOutcomes(r, t, { ordered: statement.ordered });
      if (differences.length > 0) {
        mismatches.push({ line: statement.line, sql: statement.sql, differences });
      }
    }
    await target.close().catch(() => undefined);
  }
  await reference.close().catch(() => undefined);
  await dropQuietly(options.reference, db);
  await dropQuietly(options.target, db);
  return judge(options, file, broken, mismatches);
}

async function openSide(endpoint: Endpoint, db: string): Promise<StatementRunner | string> {
  try {
    // Plain identifiers (databaseFor makes them safe): setup should need as little as possible.
    await admin(endpoint, [`DROP DATABASE IF EXISTS ${db}`, `CREATE DATABASE ${db}`]);
    return await openRunner(endpoint, db);
  } catch (error) {
    return error instanceof Error ? `${error.message}` : String(error);
  }
}

async function dropQuietly(endpoint: Endpoint, db: string): Promise<void> {
  await admin(endpoint, [`DROP DATABASE IF EXISTS ${db}`]).catch(() => undefined);
}

function brokenReason(statement: CaseStatement, r: Outcome): string | undefined {
  const expected = statement.expectedErrors;
  if (expected.length === 0) {
    return r.kind === 'error' || r.kind === 'failure'
      ? `reference failed without "-- error": ${formatOutcome(r)}` : undefined;
  }
  if (r.kind === 'error' && expected.includes(r.errno)) return undefined;
  return `"-- error ${expected.join(' ')}" but the reference answered: ${formatOutcome(r)}`;
}

function judge(
  options: CaseRunOptions,
  file: string,
  broken: readonly string[],
  mismatches: readonly Mismatch[],
): CheckResult {
  const fail = (detail: string): CheckResult =>
    ({ suite: SUITE, name: file, status: 'fail', detail });
  if (broken.length > 0) return fail(`case is broken on the reference side:\n${broken.join('\n')}`);
  const accepted: Entry[] = [];
  const unaccepted: Mismatch[] = [];
  for (const m of mismatches) {
    const entry = options.ledger.accept(`${file}:${m.line}`, file);
    if (entry === undefined) unaccepted.push(m);
    else accepted.push(entry);
  }
  options.ledger.markRan(file);
  const stale = options.ledger.stale(file);
  const parts: string[] = [];
  if (unaccepted.length > 0) parts.push(formatMismatches(file, unaccepted, options.target));
  if (stale.length > 0) {
    parts.push(`stale known-differences (no longer differ; remove them):\n` +
      stale.map((e) => `  ${formatEntry(e)}`).join('\n'));
  }
  if (parts.length > 0) {
    const status = unaccepted.length === 0 ? 'unexpected-pass' : 'fail';
    const selector = unaccepted.length === 0 ? {} : { selector: file };
    return { suite: SUITE, name: file, status, detail: parts.join('\n'), ...selector };
  }
  if (accepted.length === 0) return { suite: SUITE, name: file, status: 'pass', detail: '' };
  const tags = [...new Set(accepted.map((e) => `${e.tag}: ${e.reason}`))];
  return {
    suite: SUITE, name: file, status: 'expected-fail',
    detail: `${mismatches.length} statement(s) differ as listed (${tags.join('; ')})`,
  };
}

const MAX_MISMATCHES_SHOWN = 5;

function formatMismatches(file: string, ms: readonly Mismatch[], target: Endpoint): string {
  const shown = ms.slice(0, MAX_MISMATCHES_SHOWN).map((m) => {
    const sql = m.sql.length > 300 ? `${m.sql.slice(0, 300)}…` : m.sql;
    const diffs = m.differences.map((d) =>
      `  ${d.aspect} differs\n    reference: ${d.reference.replace(/\n/g, '\n               ')}` +
      `\n    ${target.flavor.padEnd(9)}: ${d.target.replace(/\n/g, '\n               ')}`);
    return `${file}:${m.line}: ${sql.replace(/\s*\n\s*/g, ' ')}\n${diffs.join('\n')}`;
  });
  const more = ms.length > MAX_MISMATCHES_SHOWN
    ? [`… ${ms.length - MAX_MISMATCHES_SHOWN} more differing statement(s)`] : [];
  const accept = `to accept, add to conformance/known-differences: ` +
    `"${file}:${ms[0]?.line ?? 0}  issue-N  <reason>" (or "${file}  issue-N  <reason>")`;
  return [...shown, ...more, accept].join('\n');
}
