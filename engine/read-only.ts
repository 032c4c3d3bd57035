/**
 * What a read engine (read-engine.ts) lets a session run, and when.
 *
 * A read engine serves a volume it does not write: the statements that would change it are
 * refused with ER_OPTION_PREVENTS_STATEMENT (1290, "--read-only"), as MySQL's read_only server
 * refuses them. statement-kinds.ts classifies every statement kind, so a new kind cannot be added
 * without a decision. Its page layer refuses every write too (ReplicaTrees), so a statement
 * misclassified as a read still cannot change the volume.
 *
 * Invariants:
 *   (RO1) a statement of a 'write' kind never starts on a read engine.
 *   (RO2) no statement starts while the engine reloads its catalog for a new read point: it
 *         waits (`settling`), so a statement plans against the catalog as of the point it reads;
 *         while a reload has failed (`stale`), none starts at all.
 *   (RO3) a transaction whose read view is older than the last catalog change it has not seen
 *         gets ER_TABLE_DEF_CHANGED (1412) for every statement but COMMIT and ROLLBACK and their
 *         kin: its snapshot and the catalog disagree. (Coarse: every change to the definitions, not
 *         only the tables it reads; DDL is rare.)
 */
import type { Lsn } from '../storage/index.js';
import { SqlError } from './errors.js';
import type { Statement } from './sql/ast.js';
import { STATEMENT_KINDS } from './statement-kinds.js';

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
    if (STATEMENT_KINDS[statement.kind].access === 'write') {
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
