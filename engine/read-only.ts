/**
 * What a read engine (read-engine.ts) lets a session run, and when.
 *
 * A read engine serves a volume it does not write: the statements that would change it are
 * refused with ER_OPTION_PREVENTS_STATEMENT (1290, "--read-only"), as MySQL's read_only server
 * refuses them. The table below classifies every statement kind, so a new kind cannot be added
 * without a decision here. Its page layer refuses every write too (ReplicaTrees), so a statement
 * misclassified as a read still cannot change the volume.
 *
 * Invariants:
 *   (RO1) a statement of a 'write' kind never starts on a read engine.
 *   (RO2) no statement starts while the engine reloads its catalog for a new read point: it
 *         waits (`settling`), so a statement plans against the catalog as of the point it reads;
 *         while a reload has failed (`stale`), none starts at all.
 *   (RO3) a transaction whose read view is older than the last catalog change it has not seen
 *         gets ER_TABLE_DEF_CHANGED (1412) for every statement but COMMIT and ROLLBACK and their
 *         kin: its snapshot and the catalog disagree. (Coarse: any change to the definitions, not
 *         only the tables it reads; DDL is rare.)
 */
import type { Lsn } from '../storage/index.js';
import { SqlError } from './errors.js';
import type { Statement } from './sql/ast.js';

type Access = 'read' | 'write';

const ACCESS: Readonly<Record<Statement['kind'], Access>> = {
  'select': 'read',
  'set-operation': 'read',
  'explain': 'read',
  'use': 'read',
  'show-databases': 'read',
  'show-tables': 'read',
  'show-warnings': 'read',
  'show-variables': 'read',
  'show-status': 'read',
  'show-diagnostics': 'read',
  'show-processlist': 'read',
  'show-grants': 'read',
  'show-columns': 'read',
  'show-index': 'read',
  'show-create-table': 'read',
  'show-create-database': 'read',
  'show-table-status': 'read',
  'show-engines': 'read',
  'show-charset': 'read',
  'show-collation': 'read',
  'show-routines': 'read',
  'show-create-routine': 'read',
  // Session state only.
  'set-variables': 'read',
  'set-names': 'read',
  'set-charset': 'read',
  'kill': 'read',
  'prepare-sql': 'read',
  'execute-sql': 'read', // the prepared statement itself is checked when it runs
  'deallocate-sql': 'read',
  'lock-tables': 'read',
  'unlock-tables': 'read',
  'begin': 'read',
  'commit': 'read',
  'rollback': 'read',
  'savepoint': 'read',
  'rollback-to-savepoint': 'read',
  'release-savepoint': 'read',
  'set-transaction': 'read',
  // A procedure that only reads runs; a write inside it is refused by the page layer.
  'call': 'read',
  'insert': 'write',
  'update': 'write',
  'delete': 'write',
  'update-join': 'write',
  'delete-join': 'write',
  'load-data': 'write',
  'create-database': 'write',
  'drop-database': 'write',
  'alter-database': 'write',
  'create-table': 'write',
  'drop-table': 'write',
  'alter-table': 'write',
  'rename-table': 'write',
  'truncate-table': 'write',
  'create-index': 'write',
  'drop-index': 'write',
  'create-view': 'write',
  'drop-view': 'write',
  'create-routine': 'write',
  'drop-routine': 'write',
  'create-trigger': 'write',
  'analyze-table': 'write',
  'create-user': 'write',
  'alter-user': 'write',
  'drop-user': 'write',
  'rename-user': 'write',
  'set-password': 'write',
  'grant': 'write',
  'revoke': 'write',
};

/** Statements that end or mark a transaction: they run whatever its read view (RO3). */
const ENDS_OR_MARKS: ReadonlySet<Statement['kind']> = new Set([
  'commit',
  'rollback',
  'savepoint',
  'rollback-to-savepoint',
  'release-savepoint',
]);

/** A read engine's side of its sessions' statements: RO1–RO3. */
export class ReadOnlyGate {
  /** Set while the catalog reloads (RO2): statements wait for it. */
  settling: Promise<void> | undefined = undefined;
  /**
   * Takes in what the writer sent since (a reader thread's feed ring), before a statement
   * starts: it then reads at the newest VDL the writer reported.
   */
  catchUp: () => void = () => undefined;
  /** The read point of the last catalog change loaded (RO3). */
  schemaLsn: Lsn = 0 as Lsn;
  /** Set while the catalog could not be reloaded (RO2): every statement fails with it. */
  stale: SqlError | undefined = undefined;

  /**
   * Resolves once the catalog is as of the newest VDL the writer reported (RO2), for what reads
   * it outside a statement (logins, COM_INIT_DB, COM_FIELD_LIST); rejects while it is stale.
   */
  async caughtUp(): Promise<void> {
    this.catchUp();
    while (this.settling !== undefined) await this.settling;
    if (this.stale !== undefined) throw this.stale;
  }

  /** Throws for a statement a read engine does not run now (RO1–RO3). */
  check(statement: Statement, readViewLsn: Lsn | undefined): void {
    if (this.stale !== undefined) throw this.stale;
    if (ACCESS[statement.kind] === 'write') {
      throw new SqlError('ER_OPTION_PREVENTS_STATEMENT', ['--read-only']);
    }
    if (
      readViewLsn !== undefined &&
      readViewLsn < this.schemaLsn &&
      !ENDS_OR_MARKS.has(statement.kind)
    ) {
      throw new SqlError('ER_TABLE_DEF_CHANGED');
    }
  }
}
