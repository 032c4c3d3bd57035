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
 * Invariant (TL1): `locks` is null exactly when the session holds no table locks.
 */
import { SqlError } from './errors.js';
import type { LockMode, TableName } from './sql/ast.js';
import { isSystemSchema } from './sql/information-schema/index.js';

export class SessionTableLocks {
  /** database \0 table (or alias) → READ or WRITE (TL1). */
  private locks: Map<string, 'READ' | 'WRITE'> | null = null;

  get active(): boolean {
    return this.locks !== null;
  }

  /** Takes the locks (the caller has committed and checked the tables exist). */
  lock(entries: readonly { database: string; name: string; alias: string | null; mode: LockMode }[]): void {
    const locks = new Map<string, 'READ' | 'WRITE'>();
    for (const e of entries) {
      const mode = e.mode === 'WRITE' || e.mode === 'LOW_PRIORITY WRITE' ? 'WRITE' : 'READ';
      for (const name of e.alias === null ? [e.name] : [e.name, e.alias]) {
        const key = `${e.database}\u0000${name}`;
        if (locks.get(key) !== 'WRITE') locks.set(key, mode);
      }
    }
    this.locks = locks;
  }

  unlock(): void {
    this.locks = null;
  }

  /** Checks a statement's tables against the locks (no locks: no check). */
  check(
    reads: readonly TableName[],
    writes: readonly TableName[],
    current: string | null,
  ): void {
    const locks = this.locks;
    if (locks === null) return;
    const modeOf = (name: TableName): 'READ' | 'WRITE' | undefined | null => {
      const database = name.database ?? current;
      if (database === null || isSystemSchema(database)) return null;
      return locks.get(`${database}\u0000${name.name}`);
    };
    for (const name of [...reads, ...writes]) {
      if (modeOf(name) === undefined) throw new SqlError('ER_TABLE_NOT_LOCKED', [name.name]);
    }
    for (const name of writes) {
      if (modeOf(name) === 'READ') throw new SqlError('ER_TABLE_NOT_LOCKED_FOR_WRITE', [name.name]);
    }
  }
}
