/**
 * LOCK TABLES / UNLOCK TABLES, as MySQL enforces them for the session that holds the locks:
 *
 *   while a session holds table locks (LOCK TABLES t1 READ, t2 WRITE …), its statements may use
 *   only the locked tables — any other is ER_TABLE_NOT_LOCKED (1100) — and may change only the
 *   WRITE-locked ones — a READ-locked one is ER_TABLE_NOT_LOCKED_FOR_WRITE (1099).
 *   information_schema needs no lock. LOCK TABLES first commits the open transaction and drops
 *   the previous locks; UNLOCK TABLES (and START TRANSACTION) drop them.
 *
 * The locks do not block other sessions: every table change already runs in a transaction with
 * row locks (txn/), which orders writers; a READ lock's "nobody writes meanwhile" is not enforced
 * across sessions. mysqldump's LOCK TABLES … READ LOCAL and a restore's LOCK TABLES … WRITE run
 * as they do on MySQL.
 *
 * A table locked under an alias (LOCK TABLES t AS x READ) must be named by that alias, and a
 * table locked without one must be named without one (SELECT … FROM t AS y is 1100 for 'y'):
 * a lock is found by (database, table, alias-or-table-name), as MySQL finds a locked table by
 * its alias (TL2).
 *
 * Invariant (TL1): `locks` is null exactly when the session holds no table locks.
 */
import { SqlError } from './errors.js';
import type { LockMode, TableRef } from './sql/ast.js';
import { isSystemSchema } from './sql/information-schema/index.js';

export class SessionTableLocks {
  /** database \0 table \0 alias-or-table → READ or WRITE (TL1, TL2). */
  private locks: Map<string, 'READ' | 'WRITE'> | null = null;

  get active(): boolean {
    return this.locks !== null;
  }

  /** Takes the locks (the caller has committed and checked the tables exist). */
  lock(
    entries: readonly { database: string; name: string; alias: string | null; mode: LockMode }[],
  ): void {
    const locks = new Map<string, 'READ' | 'WRITE'>();
    for (const e of entries) {
      const mode = e.mode === 'WRITE' || e.mode === 'LOW_PRIORITY WRITE' ? 'WRITE' : 'READ';
      const key = `${e.database}\u0000${e.name}\u0000${e.alias ?? e.name}`;
      if (locks.get(key) !== 'WRITE') locks.set(key, mode);
    }
    this.locks = locks;
  }

  unlock(): void {
    this.locks = null;
  }

  /** Checks a statement's tables against the locks (no locks: no check). */
  check(
    reads: readonly TableRef[],
    writes: readonly TableRef[],
    current: string | null,
  ): void {
    const locks = this.locks;
    if (locks === null) return;
    const modeOf = (ref: TableRef): 'READ' | 'WRITE' | undefined | null => {
      const database = ref.table.database ?? current;
      if (database === null || isSystemSchema(database)) return null;
      return locks.get(`${database}\u0000${ref.table.name}\u0000${ref.alias ?? ref.table.name}`);
    };
    for (const ref of [...reads, ...writes]) {
      if (modeOf(ref) === undefined) {
        throw new SqlError('ER_TABLE_NOT_LOCKED', [ref.alias ?? ref.table.name]);
      }
    }
    for (const ref of writes) {
      if (modeOf(ref) === 'READ') {
        throw new SqlError('ER_TABLE_NOT_LOCKED_FOR_WRITE', [ref.alias ?? ref.table.name]);
      }
    }
  }
}
