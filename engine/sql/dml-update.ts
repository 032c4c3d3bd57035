/**
 * UPDATE and DELETE execution, and the row writer every statement that changes existing rows
 * shares (INSERT's REPLACE and ON DUPLICATE KEY UPDATE, and foreign key cascades):
 *
 *   UPDATE   target rows collected first (so a change never meets a row it already changed),
 *            then per row: SET left to right, generated columns, and — when the row changed —
 *            ON UPDATE CURRENT_TIMESTAMP, CHECK constraints, its parents (child keys) and its
 *            children (referenced keys), then the write; "Rows matched: m  Changed: c";
 *   DELETE   per row: its children (ON DELETE), then the delete.
 *
 * Foreign key work goes through `RowWriter`, which is also the ChildWriter of cascades, so a
 * cascaded change obeys the child table's own rules in turn (constraints.ts).
 *
 * Triggers (triggers.ts): BEFORE UPDATE / DELETE fire per target row before its write, AFTER
 * ones after it (AFTER UPDATE for every matched row, changed or not, as MySQL); cascades fire none.
 */
import type { ColumnDef, TableDef } from '../catalog/definitions.js';
import { DML_TARGET_ROWS_MAX } from '../config.js';
import { SqlError } from '../errors.js';
import { encodeKey } from '../keys.js';
import { encodeRow } from '../row.js';
import { FOR_UPDATE, type SourceRow } from '../txn/rows.js';
import {
  type ChildWriter,
  applyOnUpdate,
  checkParents,
  computeGenerated,
  foreignKeyChecks,
  parentActions,
  referencesTo,
  tableRules,
  violatedCheck,
} from './constraints.js';
import { type ExecContext, type WriteOutcome, checkEntrySize, targetRows } from './execute.js';
import { type EvalContext, type Evaluator, compile } from './expr.js';
import type { Plan } from './plan.js';
import { storeValue } from './store.js';
import type { SqlType, Value } from './values.js';
import { fireTriggers, hasTriggers } from './triggers.js';
import { type Soon, andThen, forEachSoon } from '../soon.js';

/** Writes changed and deleted rows with their constraints (see the file comment). */
export class RowWriter implements ChildWriter {
  readonly fkChecks: boolean;

  constructor(readonly ctx: ExecContext) {
    this.fkChecks = foreignKeyChecks(ctx.eval);
  }

  private get fk() {
    return { catalog: this.ctx.catalog, rows: this.ctx.rows, eval: this.ctx.eval };
  }

  /** CHECK constraints of a row about to be written: 3819 for the first one it violates. */
  check(table: TableDef, row: readonly Value[]): void {
    const violated = violatedCheck(tableRules(table), row, this.ctx.eval);
    if (violated !== null) throw new SqlError('ER_CHECK_CONSTRAINT_VIOLATED', [violated]);
  }

  /**
   * Issue 8 (cost): whether the table has foreign keys of its own (parents to check) or is
   * referenced by some (children to act on), so a table with neither awaits no FK work.
   */
  private hasParents(table: TableDef): boolean {
    return this.fkChecks && (table.foreignKeys?.length ?? 0) > 0;
  }

  private hasChildren(table: TableDef): boolean {
    return this.fkChecks && referencesTo(this.ctx.catalog, table).length > 0;
  }

  /** A new row's parents exist (1452), when foreign_key_checks is on; undefined: none to check. */
  checkParents(table: TableDef, row: readonly Value[]): Promise<void> | undefined {
    return this.hasParents(table) ? checkParents(this.fk, table, row, null) : undefined;
  }

  /** Deletes `target`, its children first (ON DELETE); at once when nothing has to wait. */
  deleteRow(table: TableDef, target: SourceRow, depth: number): Soon<void> {
    if (!this.hasChildren(table)) return this.ctx.rows.delete(table, target);
    return parentActions(this.fk, table, target.row, null, this, depth).then(() =>
      this.ctx.rows.delete(table, target),
    );
  }

  /**
   * Writes `row` over `target` (its generated columns and ON UPDATE columns already set); at
   * once when the table has no foreign keys to follow and nothing has to wait.
   */
  updateRow(table: TableDef, target: SourceRow, row: Value[], depth: number): Soon<void> {
    if (depth > 0) computeGenerated(tableRules(table), row, 1, this.ctx.eval);
    this.check(table, row);
    if (this.hasParents(table) || this.hasChildren(table)) {
      return this.updateRelated(table, target, row, depth);
    }
    return this.ctx.rows.update(table, target, this.newKey(table, target, row), row);
  }

  /** updateRow() of a row with parents to check or children to act on. */
  private async updateRelated(
    table: TableDef,
    target: SourceRow,
    row: Value[],
    depth: number,
  ): Promise<void> {
    if (this.hasParents(table)) await checkParents(this.fk, table, row, target.row);
    await this.ctx.rows.update(table, target, this.newKey(table, target, row), row);
    // The children follow the row's new key (InnoDB updates the parent first).
    if (this.hasChildren(table)) await parentActions(this.fk, table, target.row, row, this, depth);
  }

  /** The key `row` is written under (its size checked: 1118 / 1071 past the limits). */
  private newKey(table: TableDef, target: SourceRow, row: readonly Value[]): Buffer {
    const key =
      table.primaryKey.length === 0
        ? target.key
        : encodeKey(table.keyTypes, table.primaryKey.map((k) => row[k] as Value));
    checkEntrySize(table, key, row);
    return key;
  }
}

function storing(ctx: EvalContext): EvalContext {
  return { ...ctx, storing: true };
}

interface CompiledAssignments {
  readonly assignments: readonly { column: number; eval: Evaluator; type: SqlType }[];
  readonly assigned: ReadonlySet<number>;
}

/** An UPDATE plan's SET list compiled, once per plan (issue 8: plans are reused, plan-store.ts). */
const compiledSets = new WeakMap<Plan & { kind: 'update' }, CompiledAssignments>();

function compiledAssignments(plan: Plan & { kind: 'update' }): CompiledAssignments {
  let compiled = compiledSets.get(plan);
  if (compiled === undefined) {
    compiled = {
      assignments: plan.assignments.map((a) => ({
        column: a.column,
        eval: compile(a.expr),
        type: a.expr.info.type,
      })),
      assigned: new Set(plan.assignments.map((a) => a.column)),
    };
    compiledSets.set(plan, compiled);
  }
  return compiled;
}

/** The per-row work of one UPDATE (runUpdate): its SET list, rules and writer, once. */
class Updating {
  readonly evalCtx: EvalContext;
  readonly compiled: CompiledAssignments;
  readonly rules: ReturnType<typeof tableRules>;
  readonly writer: RowWriter;
  readonly triggers: boolean;
  changed = 0;

  constructor(
    readonly table: TableDef,
    plan: Plan & { kind: 'update' },
    readonly ctx: ExecContext,
  ) {
    this.evalCtx = storing(ctx.eval);
    this.compiled = compiledAssignments(plan);
    this.rules = tableRules(table);
    this.writer = new RowWriter(ctx);
    this.triggers = hasTriggers(ctx, table, 'UPDATE');
  }

  /** Target row i (0-based): at once when it has no triggers and nothing has to wait. */
  row(target: SourceRow, i: number): Soon<void> {
    const pause = this.ctx.eval.interrupt?.checkpoint();
    if (pause !== undefined || this.triggers) return this.rowLater(pause, target, i);
    const row = this.assigned(target, i);
    return this.changes(target, row, i) ? this.write(target, row) : undefined;
  }

  /** row(), after a pause, with the BEFORE and AFTER UPDATE triggers. */
  private async rowLater(
    pause: Promise<void> | undefined,
    target: SourceRow,
    i: number,
  ): Promise<void> {
    if (pause !== undefined) await pause;
    const { ctx, table } = this;
    const row = this.assigned(target, i);
    if (this.triggers) {
      await fireTriggers(ctx, table, 'BEFORE', 'UPDATE', target.row, row);
      computeGenerated(this.rules, row, i + 1, this.evalCtx);
    }
    if (this.changes(target, row, i)) await this.write(target, row);
    // MySQL fires AFTER UPDATE for every matched row, changed or not.
    if (this.triggers) await fireTriggers(ctx, table, 'AFTER', 'UPDATE', target.row, row);
  }

  /** The target's new row: the SET list left to right, then the generated columns. */
  private assigned(target: SourceRow, i: number): Value[] {
    const { table, evalCtx } = this;
    const row = [...target.row];
    const { sqlMode, timeZone, warnings } = this.ctx.eval;
    for (const a of this.compiled.assignments) {
      // Issue 8 (cost): one object of one shape per value stored (absent members read as unset).
      row[a.column] = storeValue(a.type, a.eval(row, evalCtx), {
        column: table.columns[a.column] as ColumnDef,
        row: i + 1,
        warnings,
        strict: sqlMode?.strict ?? true,
        noZeroDate: sqlMode?.noZeroDate,
        noZeroInDate: sqlMode?.noZeroInDate,
        timeZone,
        table: table.name,
      });
    }
    computeGenerated(this.rules, row, i + 1, evalCtx);
    return row;
  }

  /** Whether `row` changes the target; if so, its ON UPDATE columns are set too. */
  private changes(target: SourceRow, row: Value[], i: number): boolean {
    const { table, rules } = this;
    if (encodeRow(table.types, target.row).equals(encodeRow(table.types, row))) return false;
    if (rules.onUpdate.length > 0) {
      applyOnUpdate(rules, row, this.compiled.assigned, i + 1, this.evalCtx);
      computeGenerated(rules, row, i + 1, this.evalCtx);
    }
    return true;
  }

  private write(target: SourceRow, row: Value[]): Soon<void> {
    this.changed++;
    return this.writer.updateRow(this.table, target, row, 0);
  }
}

/** UPDATE: at once when every lock is granted and every page cached (issue 8: no promise). */
export function runUpdate(plan: Plan & { kind: 'update' }, ctx: ExecContext): Soon<WriteOutcome> {
  const limit = plan.limit === null ? null : { count: plan.limit, offset: 0n };
  const targets = targetRows(
    ctx.rows, plan.source, plan.order, limit, ctx.eval, DML_TARGET_ROWS_MAX, FOR_UPDATE,
  );
  return andThen(targets, (rows) => {
    const updating = new Updating(plan.source.table, plan, ctx);
    const each = forEachSoon(rows.length, (i) => updating.row(rows[i] as SourceRow, i));
    return andThen(each, () => {
      const warnings = ctx.eval.warnings.count();
      // LIMIT 0: MySQL answers a bare OK before reading anything (no "Rows matched" info).
      const info = plan.limit === 0n
        ? ''
        : `Rows matched: ${rows.length}  Changed: ${updating.changed}  Warnings: ${warnings}`;
      return { affectedRows: updating.changed, matchedRows: rows.length, info, changes: [] };
    });
  });
}

/** DELETE: at once when every lock is granted and every page cached (issue 8: no promise). */
export function runDelete(plan: Plan & { kind: 'delete' }, ctx: ExecContext): Soon<WriteOutcome> {
  const { table } = plan.source;
  const limit = plan.limit === null ? null : { count: plan.limit, offset: 0n };
  const targets = targetRows(
    ctx.rows, plan.source, plan.order, limit, ctx.eval, DML_TARGET_ROWS_MAX, FOR_UPDATE,
  );
  return andThen(targets, (rows) => {
    const writer = new RowWriter(ctx);
    const triggers = hasTriggers(ctx, table, 'DELETE');
    const deleteOne = async (
      target: SourceRow,
      pause: Promise<void> | undefined,
    ): Promise<void> => {
      if (pause !== undefined) await pause;
      if (triggers) await fireTriggers(ctx, table, 'BEFORE', 'DELETE', target.row, null);
      await writer.deleteRow(table, target, 0);
      if (triggers) await fireTriggers(ctx, table, 'AFTER', 'DELETE', target.row, null);
    };
    const each = forEachSoon(rows.length, (i) => {
      const target = rows[i] as SourceRow;
      const pause = ctx.eval.interrupt?.checkpoint();
      if (pause !== undefined || triggers) return deleteOne(target, pause);
      return writer.deleteRow(table, target, 0);
    });
    return andThen(each, () => ({
      affectedRows: rows.length,
      matchedRows: rows.length,
      info: '',
      changes: [],
    }));
  });
}
