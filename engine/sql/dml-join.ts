/**
 * Multi-table UPDATE and DELETE execution (plan-join-dml.ts): the query's rows are read first
 * (a consistent read), then each target row the joins reach is changed once — found again by its
 * primary key with an exclusive lock (a current read), its new values computed from the joined
 * row — through the row writer, so constraints and foreign key actions apply as for single-table
 * statements. UPDATE reports "Rows matched: m  Changed: c  Warnings: w".
 *
 * Triggers (triggers.ts): each target table's BEFORE / AFTER DELETE, or BEFORE / AFTER UPDATE,
 * fire per target row (AFTER UPDATE for every matched row, changed or not, as MySQL; NEW may be
 * changed by a BEFORE UPDATE trigger before the row is compared and written).
 */
import type { ColumnDef } from '../catalog/definitions.js';
import { encodeKey } from '../keys.js';
import { encodeRow } from '../row.js';
import { CONSISTENT, type SourceRow } from '../txn/rows.js';
import { applyOnUpdate, computeGenerated, tableRules } from './constraints.js';
import { RowWriter } from './dml-update.js';
import type { ExecContext, WriteOutcome } from './execute.js';
import { compile } from './expr.js';
import type { Plan } from './plan.js';
import type { JoinTarget } from './plan-join-dml.js';
import { columnDefault } from './plan-insert.js';
import { runQuery } from './query-run.js';
import { storeValue, zeroDateModes } from './store.js';
import type { Value } from './values.js';
import { fireTriggers, hasTriggers } from './triggers.js';

async function current(
  ctx: ExecContext,
  target: JoinTarget,
  key: Buffer,
): Promise<SourceRow | null> {
  const request = {
    table: target.table,
    index: null,
    points: [key],
    ranges: [],
    reverse: false,
    lock: 'update' as const,
  };
  for await (const r of ctx.rows.read(request)) return r;
  return null;
}

export async function runJoinDml(
  plan: Plan & { kind: 'update-join' | 'delete-join' },
  ctx: ExecContext,
): Promise<WriteOutcome> {
  const { query, targets } = plan.join;
  const rows: Value[][] = [];
  for await (const batch of runQuery(query, ctx, CONSISTENT))
    for (const r of batch) rows.push([...r]);
  const writer = new RowWriter(ctx);
  const storing = { ...ctx.eval, storing: true };
  const seen = targets.map(() => new Set<string>());
  let matched = 0;
  let changed = 0;
  for (const joined of rows) {
    for (const [t, target] of targets.entries()) {
      const { table, offset } = target;
      const values = joined.slice(offset, offset + table.columns.length);
      if (values.every((v) => v === null)) continue; // the outer side of an outer join
      const key = encodeKey(table.keyTypes, table.primaryKey.map((i) => values[i] as Value));
      const id = key.toString('latin1');
      if ((seen[t] as Set<string>).has(id)) continue;
      (seen[t] as Set<string>).add(id);
      const found = await current(ctx, target, key);
      if (found === null) continue;
      matched++;
      if (plan.kind === 'delete-join') {
        const triggers = hasTriggers(ctx, table, 'DELETE');
        if (triggers) await fireTriggers(ctx, table, 'BEFORE', 'DELETE', found.row, null);
        await writer.deleteRow(table, found, 0);
        changed++;
        if (triggers) await fireTriggers(ctx, table, 'AFTER', 'DELETE', found.row, null);
        continue;
      }
      const row = [...found.row];
      for (const a of target.assignments) {
        const column = table.columns[a.column] as ColumnDef;
        const expr = a.item === null ? columnDefault(column, table) : null;
        const value =
          a.item === null
            ? compile(expr as NonNullable<typeof expr>)([], storing)
            : (joined[a.item] as Value);
        const type =
          a.item === null
            ? (expr as NonNullable<typeof expr>).info.type
            : (query.columns[a.item]?.info.type ?? column.type);
        row[a.column] = storeValue(type, value, {
          column,
          row: matched,
          warnings: ctx.eval.warnings,
          strict: ctx.eval.sqlMode?.strict ?? true,
          ...zeroDateModes(ctx.eval.sqlMode),
          ...(ctx.eval.timeZone === undefined ? {} : { timeZone: ctx.eval.timeZone }),
          table: table.name,
        });
      }
      const rules = tableRules(table);
      computeGenerated(rules, row, matched, storing);
      const triggers = hasTriggers(ctx, table, 'UPDATE');
      if (triggers) {
        await fireTriggers(ctx, table, 'BEFORE', 'UPDATE', found.row, row);
        computeGenerated(rules, row, matched, storing);
      }
      if (!encodeRow(table.types, found.row).equals(encodeRow(table.types, row))) {
        applyOnUpdate(
          rules,
          row,
          new Set(target.assignments.map((a) => a.column)),
          matched,
          storing,
        );
        computeGenerated(rules, row, matched, storing);
        await writer.updateRow(table, found, row, 0);
        changed++;
      }
      if (triggers) await fireTriggers(ctx, table, 'AFTER', 'UPDATE', found.row, row);
    }
  }
  if (plan.kind === 'delete-join')
    return { affectedRows: changed, matchedRows: changed, info: '', changes: [] };
  const info =
    `Rows matched: ${matched}  Changed: ${changed}  ` +
    `Warnings: ${ctx.eval.warnings.count()}`;
  return { affectedRows: changed, matchedRows: matched, info, changes: [] };
}

