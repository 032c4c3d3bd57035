import { describe, expect, it } from 'vitest';
import {
  caseScope, clientScope, differenceApplies, failureSide, Ledger, LedgerSyntaxError, parseLedger,
} from './ledger.js';

const TEXT = `
# comment
pending/joins.sql            issue-6  joins are not built yet
types/strings.sql:12         mariadb  MariaDB has no utf8mb4_0900_ai_ci   # trailing comment
borealis:mysql2/execute      issue-4  prepared statements
mariadb:drizzle/lateral      mariadb  MariaDB has no LATERAL
`;

describe('parseLedger', () => {
  it('reads selector, tag and reason, ignoring comments (L2)', () => {
    const entries = parseLedger('kd', TEXT);
    expect(entries.map((e) => [e.selector, e.tag, e.reason, e.line])).toEqual([
      ['pending/joins.sql', 'issue-6', 'joins are not built yet', 3],
      ['types/strings.sql:12', 'mariadb', 'MariaDB has no utf8mb4_0900_ai_ci', 4],
      ['borealis:mysql2/execute', 'issue-4', 'prepared statements', 5],
      ['mariadb:drizzle/lateral', 'mariadb', 'MariaDB has no LATERAL', 6],
    ]);
  });

  it('rejects malformed lines, unknown tags and duplicates (L2)', () => {
    expect(() => parseLedger('kd', 'a.sql issue-6')).toThrow(LedgerSyntaxError);
    expect(() => parseLedger('kd', 'a.sql someday reason')).toThrow(/kd:1/);
    expect(() => parseLedger('kd', 'a.sql issue-6 x\na.sql issue-5 y')).toThrow(/duplicate/);
  });
});

describe('which entries apply', () => {
  const [joins, strings] = parseLedger('kd', TEXT);
  it('applies differences only to a real Borealis, mariadb ones only against MariaDB', () => {
    if (joins === undefined || strings === undefined) throw new Error('parse');
    expect(differenceApplies(joins, { reference: 'mariadb', target: 'borealis' })).toBe(true);
    expect(differenceApplies(joins, { reference: 'mariadb', target: 'mariadb' })).toBe(false);
    expect(differenceApplies(strings, { reference: 'mariadb', target: 'borealis' })).toBe(true);
    expect(differenceApplies(strings, { reference: 'mysql', target: 'borealis' })).toBe(false);
  });
  it('reads the side of an expected failure from its selector', () => {
    const entries = parseLedger('ef', TEXT);
    expect(entries.map(failureSide)).toEqual([undefined, undefined, 'borealis', 'mariadb']);
  });
});

describe('Ledger', () => {
  it('finds stale entries: scope ran, nothing matched (L1)', () => {
    const entries = parseLedger('kd', 'a.sql:3 issue-6 x\na.sql:9 issue-6 y\nb.sql issue-5 z\n');
    const ledger = new Ledger(entries, caseScope);
    expect(ledger.accept('a.sql:3', 'a.sql')?.reason).toBe('x');
    expect(ledger.accept('a.sql:4', 'a.sql')).toBeUndefined();
    ledger.markRan('a.sql');
    expect(ledger.stale().map((e) => e.selector)).toEqual(['a.sql:9']);
    expect(ledger.stale('b.sql')).toEqual([]); // b.sql did not run
    ledger.markRan('b.sql');
    expect(ledger.stale('b.sql').map((e) => e.selector)).toEqual(['b.sql']);
  });

  it('scopes client entries by flavor and client', () => {
    expect(clientScope('borealis:mysql2/execute-binary')).toBe('borealis:mysql2');
    expect(caseScope('dml/insert.sql:12')).toBe('dml/insert.sql');
  });
});
