/**
 * The two reviewed lists of accepted failures, and the bookkeeping that keeps them honest. Pure.
 *
 * conformance/known-differences (SQL cases) and conformance/expected-failures (client runners)
 * share one line format:
 *
 *   <selector>  <tag>  <reason …>          # comments and blank lines are ignored
 *
 *   known-differences selector:  <case path>        any statement of the file may differ
 *                                <case path>:<line> only the statement starting on that line
 *   expected-failures selector:  <flavor>:<client>/<check>   flavor = borealis | mariadb | mysql
 *   tag: issue-N (the issue that will make it pass), mariadb (MariaDB, the reference, is not
 *        MySQL 8 here), or mysql (a real MySQL differs).
 *
 * An entry *applies* to a run depending on the servers in it (see `appliesTo`). Each entry has a
 * *scope*, the unit that must run for the entry to be judged (a case file; a client on one side).
 *
 * Invariants: (L1) an applicable entry whose scope ran and that matched no failure is *stale*:
 * the run fails until the line is removed, so the lists only ever describe real failures;
 * (L2) a malformed line is an error, never silently ignored.
 */
import type { Flavor } from './harness/endpoint.js';

export type Tag = `issue-${number}` | 'mariadb' | 'mysql';

export interface Entry {
  readonly source: string;
  readonly line: number;
  readonly selector: string;
  readonly tag: Tag;
  readonly reason: string;
}

export class LedgerSyntaxError extends Error {
  override readonly name = 'LedgerSyntaxError';
}

export function parseLedger(source: string, text: string): Entry[] {
  const entries: Entry[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const match = /^(\S+)\s+(\S+)\s+(\S.*)$/.exec(line);
    const tag = match?.[2] ?? '';
    if (match === null || !/^(issue-\d+|mariadb|mysql)$/.test(tag)) {
      throw new LedgerSyntaxError(
        `${source}:${index + 1}: expected "<selector> <issue-N|mariadb|mysql> <reason>": ${raw}`);
    }
    const selector = match[1] ?? '';
    if (seen.has(selector)) {
      throw new LedgerSyntaxError(`${source}:${index + 1}: duplicate entry for ${selector}`);
    }
    seen.add(selector);
    entries.push({ source, line: index + 1, selector, tag: tag as Tag, reason: match[3] ?? '' });
  });
  return entries;
}

/** Which servers a run compares: the reference's flavor and the target's. */
export interface RunFlavors {
  readonly reference: Flavor;
  readonly target: Flavor;
}

/**
 * A known difference applies when the target is a real Borealis, and, for `mariadb` entries,
 * when the reference is MariaDB (against a real MySQL those must not differ).
 */
export function differenceApplies(entry: Entry, run: RunFlavors): boolean {
  if (run.target !== 'borealis') return false;
  if (entry.tag === 'mariadb') return run.reference === 'mariadb';
  if (entry.tag === 'mysql') return run.reference === 'mysql';
  return true;
}

/** An expected failure applies to the endpoints whose flavor its selector names. */
export function failureSide(entry: Entry): Flavor | undefined {
  const side = entry.selector.split(':', 1)[0];
  return side === 'borealis' || side === 'mariadb' || side === 'mysql' ? side : undefined;
}

/** Tracks which entries matched a failure and which scopes ran, to find stale entries (L1). */
export class Ledger {
  private readonly used = new Set<Entry>();
  private readonly ran = new Set<string>();
  private readonly bySelector: Map<string, Entry>;

  constructor(
    readonly entries: readonly Entry[],
    private readonly scopeOf: (selector: string) => string,
  ) {
    this.bySelector = new Map(entries.map((e) => [e.selector, e]));
  }

  /** The entry for `selector`, without marking it used. */
  lookup(selector: string): Entry | undefined {
    return this.bySelector.get(selector);
  }

  /** The entry accepting a failure at `selector`, trying each candidate in turn. */
  accept(...candidates: readonly string[]): Entry | undefined {
    for (const c of candidates) {
      const entry = this.bySelector.get(c);
      if (entry !== undefined) {
        this.used.add(entry);
        return entry;
      }
    }
    return undefined;
  }

  entriesInScope(scope: string): Entry[] {
    return this.entries.filter((e) => this.scopeOf(e.selector) === scope);
  }

  markRan(scope: string): void {
    this.ran.add(scope);
  }

  /** Entries of scopes that ran which accepted nothing. */
  stale(scope?: string): Entry[] {
    return this.entries.filter((e) => {
      const s = this.scopeOf(e.selector);
      return (scope === undefined || s === scope) && this.ran.has(s) && !this.used.has(e);
    });
  }
}

/** known-differences scope: the case file (selector without `:line`). */
export function caseScope(selector: string): string {
  return selector.replace(/:\d+$/, '');
}

/** expected-failures scope: `<flavor>:<client>`. */
export function clientScope(selector: string): string {
  return selector.split('/', 1)[0] ?? selector;
}

export function formatEntry(e: Entry): string {
  return `${e.selector}  ${e.tag}  ${e.reason}   (${e.source}:${e.line})`;
}
