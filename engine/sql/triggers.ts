/**
 * Triggers (issue 6): FOR EACH ROW bodies fired by the row changes of INSERT, REPLACE, INSERT …
 * ON DUPLICATE KEY UPDATE, LOAD DATA (dml-insert.ts), UPDATE and DELETE (dml-update.ts) and
 * multi-table UPDATE and DELETE (dml-join.ts), run by routines.ts inside the triggering
 * statement's transaction, through the same ExecContext: a trigger's INSERT into an audit table
 * belongs to the statement that fired it, and fails or rolls back with it.
 *
 *   timing   event    NEW                 OLD
 *   BEFORE   INSERT   the row to insert   —         SET NEW.c = … changes what is inserted
 *   AFTER    INSERT   the inserted row    —
 *   BEFORE   UPDATE   the new row         old row   SET NEW.c = … changes what is written
 *   AFTER    UPDATE   the new row         old row
 *   BEFORE   DELETE   —                   the row
 *   AFTER    DELETE   —                   the row
 *
 * Invariants:
 *   (TR1) A statement's triggers fire in ACTION_ORDER (programs.ts), BEFORE ones before the row
 *         is checked and written, AFTER ones once it is.
 *   (TR2) A trigger never changes the table whose change fired it, directly or through another
 *         trigger: ER_CANT_UPDATE_USED_TABLE_IN_SF_OR_TRG (1442), so firing always terminates.
 *   (TR3) A trigger returns no result set: a SELECT without INTO in its body is 1415.
 *   (TR4) Foreign key cascades fire no triggers (as in InnoDB).
 */
import type { TableDef } from '../catalog/definitions.js';
import { SqlError } from '../errors.js';
import { CONSISTENT } from '../txn/rows.js';
import type { Statement, TriggerEvent, TriggerTiming } from './ast.js';
import type { ExecContext, WriteOutcome } from './execute.js';
import type { Plan } from './plan.js';
import { parseBody } from './parse-routine.js';
import { runQuery } from './query-run.js';
import { Frame, type ProgramHost, type QueryValues, runBody } from './routines.js';
import type { SqlType, Value } from './values.js';

/** What the session gives a statement's triggers (set in ExecContext.triggers). */
export interface TriggerHost {
  /** Plans a statement of a trigger's body in the trigger's database. */
  plan(statement: Statement, database: string): Plan;
  /** Runs a DML plan in the statement's transaction (execute.ts runDml). */
  dml(plan: Plan, ctx: ExecContext): Promise<WriteOutcome>;
  /** Tables whose change is firing triggers now (TR2). */
  readonly active: Set<string>;
}

function tableId(table: TableDef): string {
  return `${table.database}\u0000${table.name}`;
}

/** True when `table` has triggers for `event` (either timing): callers skip the work when not. */
export function hasTriggers(ctx: ExecContext, table: TableDef, event: TriggerEvent): boolean {
  if (ctx.triggers === undefined) return false;
  const programs = ctx.catalog.programs;
  return (
    programs.tableTriggers(table.database, table.name, 'BEFORE', event).length > 0 ||
    programs.tableTriggers(table.database, table.name, 'AFTER', event).length > 0
  );
}

/**
 * TR2 for a statement about to change `table` from inside a trigger: fails when the change
 * that fired the running trigger was to `table`.
 */
export function checkTriggerTarget(ctx: ExecContext, table: TableDef): void {
  if (ctx.triggers?.active.has(tableId(table)) === true) {
    throw new SqlError('ER_CANT_UPDATE_USED_TABLE_IN_SF_OR_TRG', [table.name]);
  }
}

function triggerProgramHost(ctx: ExecContext, host: TriggerHost, database: string): ProgramHost {
  const query = async (statement: Statement): Promise<QueryValues> => {
    const plan = host.plan(statement, database);
    if (plan.kind !== 'select')
      throw new SqlError('ER_NOT_SUPPORTED_YET', [`${plan.kind} in a trigger expression`]);
    const rows: Value[][] = [];
    for await (const batch of runQuery(plan.query, ctx, CONSISTENT))
      for (const r of batch) rows.push([...r]);
    return { types: plan.query.columns.map((c) => c.info.type), rows };
  };
  return {
    query,
    run: async (statement) => {
      const plan = host.plan(statement, database);
      switch (plan.kind) {
        case 'select':
          throw new SqlError('ER_SP_NO_RETSET', ['trigger']); // TR3
        case 'insert':
          checkTriggerTarget(ctx, plan.table);
          await host.dml(plan, ctx);
          return;
        case 'update':
        case 'delete':
          checkTriggerTarget(ctx, plan.source.table);
          await host.dml(plan, ctx);
          return;
        case 'update-join':
        case 'delete-join':
          for (const target of plan.join.targets) checkTriggerTarget(ctx, target.table);
          await host.dml(plan, ctx);
          return;
        default:
          throw new SqlError('ER_NOT_SUPPORTED_YET', [`${statement.kind} in triggers`]);
      }
    },
    setUser: (name: string, value: Value, type: SqlType) =>
      ctx.eval.variables?.setUser(name, value, type),
    warnings: ctx.eval.warnings,
    strict: ctx.eval.sqlMode?.strict ?? true,
    ...(ctx.eval.timeZone === undefined ? {} : { timeZone: ctx.eval.timeZone }),
  };
}

/**
 * Fires `table`'s triggers for one row (TR1). `row` is NEW: a BEFORE trigger may change it in
 * place (its SET NEW.c stores as into the column); null for DELETE. `old` is OLD, null for
 * INSERT.
 */
export async function fireTriggers(
  ctx: ExecContext,
  table: TableDef,
  timing: TriggerTiming,
  event: TriggerEvent,
  old: readonly Value[] | null,
  row: Value[] | null,
): Promise<void> {
  const host = ctx.triggers;
  if (host === undefined) return;
  const triggers = ctx.catalog.programs.tableTriggers(table.database, table.name, timing, event);
  if (triggers.length === 0) return;
  const id = tableId(table);
  const nested = host.active.has(id);
  host.active.add(id);
  try {
    for (const trigger of triggers) {
      const body = parseBody(trigger.body, {
        locals: [],
        trigger: { timing, event },
        function: false,
      });
      const frame = new Frame(trigger.name, {
        table,
        old,
        new: timing === 'AFTER' && row !== null ? [...row] : row,
      });
      await runBody(body, frame, triggerProgramHost(ctx, host, trigger.database));
    }
  } finally {
    if (!nested) host.active.delete(id);
  }
}
