/**
 * INSERT and REPLACE execution: rows stored into the statement's transaction (txn/rows.ts), with
 * MySQL's handling of duplicate keys and bad values:
 *
 *   mode                          a duplicate key (PRIMARY, then UNIQUE indexes in order)
 *   INSERT                        ER_DUP_ENTRY (1062)
 *   INSERT IGNORE                 the row is skipped, warning 1062
 *   REPLACE                       the old rows are deleted, the new one inserted
 *   … ON DUPLICATE KEY UPDATE     the first old row it meets is updated (left-to-right SET over
 *                                 the old row; VALUES(c) / alias.c read the new row)
 *
 * Affected rows as MySQL counts them: 1 per inserted row, + 1 per row REPLACE deleted, 2 per row
 * ON DUPLICATE KEY UPDATE changed and 0 per row it left as it was (matchedRows, what the server
 * reports under CLIENT_FOUND_ROWS, counts such a row 1). The info string 'Records: n
 * Duplicates: d  Warnings: w' comes with multi-row VALUES and with INSERT … SELECT; Duplicates
 * is the rows skipped (IGNORE), else the rows deleted or updated.
 *
 * Bad values: under IGNORE (or without strict mode) conversion errors are warnings and the
 * adjusted value is stored; NULL into a NOT NULL column (and an omitted NOT NULL column without a
 * DEFAULT) stores the type's implicit default with warning 1048 (1364) — under IGNORE, or without
 * strict mode in a multi-row INSERT or INSERT … SELECT, as MySQL does; otherwise they are errors.
 *
 * AUTO_INCREMENT values are handed out for all rows in one synchronous pass before any row is
 * written, so one statement's generated values are consecutive (catalog/auto-increment.ts).
 *
 * Triggers (triggers.ts), as MySQL 8 fires them: BEFORE INSERT fires per row just before it is
 * written (NEW may be changed; NOT NULL and generated columns are applied again after it), AFTER
 * INSERT once the row was inserted. REPLACE fires BEFORE / AFTER DELETE around each conflicting
 * row it deletes, then inserts (AFTER INSERT). ON DUPLICATE KEY UPDATE of a duplicate fires
 * BEFORE UPDATE (NEW = the row after its SET, may be changed) and AFTER UPDATE (changed or not,
 * as an UPDATE does), and no AFTER INSERT.
 */
import type { ColumnDef, ColumnType, IndexDef, TableDef } from '../catalog/definitions.js';
import { SqlError } from '../errors.js';
import { encodeKey, encodeRowId, prefixSuccessor } from '../keys.js';
import { encodeRow } from '../row.js';
import { CONSISTENT, type LockMode, type SourceRow, duplicateEntry } from '../txn/rows.js';
import { checkEntrySize, type ExecContext, type WriteOutcome } from './execute.js';
import { type EvalContext, compile } from './expr.js';
import { indexEntry } from './index-keys.js';
import type { InsertDml, Plan, PlanExpr } from './plan.js';
import { evaluator, runQuery } from './query-run.js';
import { type StoreTarget, storeValue } from './store.js';
import type { SqlType, Value } from './values.js';
import { Decimal } from './decimal.js';
import {
  type TableRules,
  applyOnUpdate,
  computeGenerated,
  tableRules,
  violatedCheck,
} from './constraints.js';
import { RowWriter } from './dml-update.js';
import { fireTriggers, hasTriggers } from './triggers.js';
import { type Soon, andThen, forEachSoon } from '../soon.js';

const NO_ROW: readonly Value[] = [];

const PLAIN: InsertDml = {
  duplicates: 'error',
  onDuplicate: [],
  query: null,
  given: [],
  ignore: false,
};

/** The value MySQL stores for NULL in a NOT NULL column when it adjusts rather than fails. */
export function implicitDefault(type: ColumnType): Value | undefined {
  switch (type.kind) {
    case 'int':
      return 0n;
    case 'decimal':
      return Decimal.fromBigInt(0n).rescale(type.scale);
    case 'double':
      return 0;
    case 'string':
      if (type.variant === 'enum') return type.members?.[0] ?? '';
      if (type.variant === 'json') return undefined;
      if (type.collation === 'binary' && type.variant === 'char')
        return '\u0000'.repeat(type.chars);
      return '';
    default:
      return undefined;
  }
}

interface Counts {
  inserted: number;
  changed: number;
  unchanged: number;
  deleted: number;
  skipped: number;
  /** Rows IGNORE skipped for a CHECK: MySQL drops them before writing, so no record counts them. */
  unchecked: number;
}

/** One statement's insertion state. */
class Inserter {
  readonly table: TableDef;
  readonly dml: InsertDml;
  readonly counts: Counts = {
    inserted: 0,
    changed: 0,
    unchanged: 0,
    deleted: 0,
    skipped: 0,
    unchecked: 0,
  };
  readonly storing: EvalContext;
  /** Strict mode as this statement applies it (IGNORE turns it off). */
  readonly strict: boolean;
  /**
   * LAST_INSERT_ID's new value: the first AUTO_INCREMENT value generated for a row this
   * statement inserted (one generated for a row that met a duplicate and was updated or
   * ignored does not count, as in MySQL).
   */
  generatedId: bigint | undefined;
  /** The value LAST_INSERT_ID(expr) was given during the statement, if it was called. */
  lastInsertIdArg: bigint | undefined;
  /** The AUTO_INCREMENT column of the last row inserted, or updated with a change. */
  lastWrittenId: bigint | undefined;
  /** AUTO_INCREMENT values generated for the statement's rows, by row number. */
  private readonly generatedFor: (bigint | undefined)[] = [];
  /**
   * Generated values given back by rows that were not inserted (a duplicate updated or
   * ignored), ascending: the next row with a generated value takes the smallest instead (MySQL's
   * restore_auto_increment), so a statement's inserted rows keep consecutive ids.
   */
  private readonly spare: bigint[] = [];
  private readonly onDuplicate: {
    column: number;
    eval: ReturnType<typeof compile>;
    type: SqlType;
  }[];
  private readonly rules: TableRules;
  private readonly writer: RowWriter;

  constructor(
    plan: Plan & { kind: 'insert' },
    readonly ctx: ExecContext,
    /** NULL into NOT NULL adjusts (rather than fails) when not strict: multi-row statements. */
    readonly multiRow: boolean,
  ) {
    this.table = plan.table;
    this.dml = plan.dml ?? { ...PLAIN, given: plan.table.columns.map(() => true) };
    this.strict = !this.dml.ignore && (ctx.eval.sqlMode?.strict ?? true);
    const lastInsertId = ctx.eval.lastInsertId;
    this.storing = {
      ...ctx.eval,
      storing: true,
      ...(lastInsertId === undefined
        ? {}
        : {
            lastInsertId: {
              get: () => lastInsertId.get(),
              set: (value: bigint) => {
                this.lastInsertIdArg = value;
                lastInsertId.set(value);
              },
            },
          }),
      ...(ctx.eval.sqlMode === undefined
        ? {}
        : { sqlMode: { ...ctx.eval.sqlMode, strict: this.strict } }),
    };
    this.rules = tableRules(this.table);
    this.writer = new RowWriter(ctx);
    this.onDuplicate = this.dml.onDuplicate.map((a) => ({
      column: a.column,
      eval: compile(a.expr),
      type: a.expr.info.type,
    }));
  }

  target(column: ColumnDef, row: number): StoreTarget {
    const e = this.ctx.eval;
    // Issue 8 (cost): one object of one shape per value stored (absent members read as unset).
    return {
      column,
      row,
      warnings: e.warnings,
      strict: this.strict,
      noZeroDate: e.sqlMode?.noZeroDate,
      noZeroInDate: e.sqlMode?.noZeroInDate,
      timeZone: e.timeZone,
      table: this.table.name,
    };
  }

  /** Stores one value into column `c` (NULL into NOT NULL adjusted when MySQL would). */
  store(c: number, type: SqlType, value: Value, row: number): Value {
    const column = this.table.columns[c] as ColumnDef;
    if (value === null && !column.nullable) {
      const omitted = this.dml.given[c] === false && column.defaultValue === null;
      const error = omitted
        ? new SqlError('ER_NO_DEFAULT_FOR_FIELD', [column.name])
        : new SqlError('ER_BAD_NULL_ERROR', [column.name]);
      const adjust = this.dml.ignore || (!this.strict && (this.multiRow || omitted));
      const fallback = implicitDefault(column.type);
      if (!adjust || fallback === undefined) throw error;
      this.ctx.eval.warnings.warn('Warning', error.errno, error.message);
      return fallback;
    }
    return storeValue(type, value, this.target(column, row));
  }

  /** A row's values, stored, AUTO_INCREMENT handed out (synchronously: see the file comment). */
  storeRow(values: readonly { value: Value; type: SqlType }[], row: number): Value[] {
    const auto = this.table.autoIncrement;
    const stored = values.map(({ value, type }, c) => {
      if (this.table.columns[c]?.generated !== undefined) return null; // computed below
      if (c === auto && value === null) return this.generate(row);
      const v = this.store(c, type, value, row);
      if (c === auto) {
        // AUTO_INCREMENT: NULL and 0 mean "the next value" (without NO_AUTO_VALUE_ON_ZERO).
        if (v === 0n && this.ctx.eval.sqlMode?.noAutoValueOnZero !== true) {
          return this.generate(row);
        }
        if (typeof v === 'bigint' && v > 0n) this.ctx.catalog.autoIncrement.seen(this.table, v);
      }
      return v;
    });
    computeGenerated(this.rules, stored, row, this.storing);
    return stored;
  }

  /** A row a BEFORE INSERT trigger may have changed: NOT NULL again, generated columns anew. */
  retouched(row: Value[], rowNumber: number): void {
    for (const [c, column] of this.table.columns.entries()) {
      if (row[c] === null && !column.nullable && column.generated === undefined) {
        throw new SqlError('ER_BAD_NULL_ERROR', [column.name]);
      }
    }
    computeGenerated(this.rules, row, rowNumber, this.storing);
  }

  private generate(row: number): bigint {
    const { increment, offset } = this.ctx.autoIncrement ?? { increment: 1, offset: 1 };
    const value = this.ctx.catalog.autoIncrement.generate(this.table, increment, offset);
    this.generatedFor[row] = value;
    return value;
  }

  /** Before row `rowNumber` is written: a generated id a row before it gave back, if any. */
  takeSpare(row: Value[], rowNumber: number): void {
    const own = this.generatedFor[rowNumber];
    const auto = this.table.autoIncrement;
    if (own === undefined || auto === null || this.spare.length === 0) return;
    const taken = this.spare.shift() as bigint;
    this.spare.push(own); // the spares stay ascending: generated values ascend by row
    this.generatedFor[rowNumber] = taken;
    row[auto] = taken;
    computeGenerated(this.rules, row, rowNumber, this.storing);
  }

  /** Row `rowNumber` was not inserted: its generated id, if any, goes to the next row. */
  giveBack(rowNumber: number): void {
    const own = this.generatedFor[rowNumber];
    if (own === undefined) return;
    this.generatedFor[rowNumber] = undefined;
    this.spare.unshift(own);
    this.spare.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** A row was inserted, or updated with a change: the ids the statement reports. */
  private written(row: readonly Value[], rowNumber: number | null): void {
    const auto = this.table.autoIncrement;
    if (rowNumber !== null) this.generatedId ??= this.generatedFor[rowNumber];
    const id = auto === null ? undefined : row[auto];
    if (typeof id === 'bigint') this.lastWrittenId = id;
  }

  keyOf(row: readonly Value[], rowId: bigint): Buffer {
    const table = this.table;
    if (table.primaryKey.length === 0) return encodeRowId(rowId);
    return encodeKey(table.keyTypes, table.primaryKey.map((i) => row[i] as Value));
  }

  /** The rows that `row` collides with: by primary key, then by each UNIQUE index. */
  async conflicts(
    key: Buffer,
    row: readonly Value[],
    lock: LockMode,
  ): Promise<{ row: SourceRow; index: IndexDef | null }[]> {
    const table = this.table;
    const found: { row: SourceRow; index: IndexDef | null }[] = [];
    if (table.primaryKey.length > 0) {
      const request = { table, index: null, points: [key], ranges: [], reverse: false, lock };
      for await (const r of this.ctx.rows.read(request)) found.push({ row: r, index: null });
    }
    for (const index of table.indexes) {
      if (!index.unique) continue;
      const entry = indexEntry(table, index, key, row);
      if (entry.hasNull) continue;
      const upper = prefixSuccessor(entry.unique);
      const range = upper === undefined ? { lower: entry.unique } : { lower: entry.unique, upper };
      const request = {
        table, index, points: null, ranges: [range], uniqueLookup: true, reverse: false, lock,
      };
      for await (const r of this.ctx.rows.read(request)) {
        if (!found.some((f) => f.row.key.equals(r.key))) found.push({ row: r, index });
      }
    }
    return found;
  }

  /** Under IGNORE, a failing row is skipped with the error as a warning; else it fails. */
  private skipOrThrow(error: SqlError): boolean {
    if (!this.dml.ignore) throw error;
    this.ctx.eval.warnings.warn('Warning', error.errno, error.message);
    this.counts.skipped++;
    return true;
  }

  /**
   * Writes one stored row by the statement's duplicate-key mode: at once for a plain INSERT
   * whose locks are granted and pages cached (issue 8: no promise).
   */
  write(row: Value[], rowId: bigint, rowNumber: number): Soon<void> {
    const violated = violatedCheck(this.rules, row, this.ctx.eval);
    if (
      violated !== null &&
      this.skipOrThrow(new SqlError('ER_CHECK_CONSTRAINT_VIOLATED', [violated]))
    ) {
      this.counts.skipped--;
      this.counts.unchecked++;
      return undefined;
    }
    const key = this.keyOf(row, rowId);
    if (this.dml.duplicates !== 'error') return this.writeOver(row, key, rowNumber);
    return this.insertChecked(row, key, rowNumber);
  }

  /** write() under IGNORE, REPLACE or ON DUPLICATE KEY UPDATE: the rows it collides with first. */
  private async writeOver(row: Value[], key: Buffer, rowNumber: number): Promise<void> {
    const mode = this.dml.duplicates;
    const lock: LockMode = mode === 'ignore' ? 'share' : 'update';
    const found = await this.conflicts(key, row, lock);
    const first = found[0];
    if (first !== undefined) {
      if (mode === 'ignore') {
        const error = duplicateEntry(this.table, row, first.index);
        this.ctx.eval.warnings.warn('Warning', error.errno, error.message);
        this.counts.skipped++;
        return;
      }
      if (mode === 'update') return this.update(first.row, row, rowNumber);
      const { ctx, table } = this;
      const triggers = hasTriggers(ctx, table, 'DELETE');
      for (const f of found) {
        if (triggers) await fireTriggers(ctx, table, 'BEFORE', 'DELETE', f.row.row, null);
        await this.writer.deleteRow(table, f.row, 0);
        this.counts.deleted++;
        if (triggers) await fireTriggers(ctx, table, 'AFTER', 'DELETE', f.row.row, null);
      }
    }
    await this.insertChecked(row, key, rowNumber);
  }

  /** The row's parents checked (1452, or a warning under IGNORE), then the row inserted. */
  private insertChecked(row: Value[], key: Buffer, rowNumber: number): Soon<void> {
    // A missing parent skips the row under IGNORE (a warning); any other failure fails.
    const skipped = (e: unknown): undefined => {
      if (e instanceof SqlError && e.code === 'ER_NO_REFERENCED_ROW_2' && this.skipOrThrow(e)) {
        return undefined;
      }
      throw e;
    };
    let checking: Promise<void> | undefined;
    try {
      checking = this.writer.checkParents(this.table, row);
    } catch (e) {
      return skipped(e);
    }
    if (checking === undefined) return this.insertRow(row, key, rowNumber);
    return checking.then(() => this.insertRow(row, key, rowNumber), skipped);
  }

  private insertRow(row: Value[], key: Buffer, rowNumber: number): Soon<void> {
    checkEntrySize(this.table, key, row);
    return andThen(this.ctx.rows.insert(this.table, key, row), () => {
      this.counts.inserted++;
      this.written(row, rowNumber);
    });
  }

  /** ON DUPLICATE KEY UPDATE of `old` with the new row `incoming`. */
  private async update(
    old: SourceRow,
    incoming: readonly Value[],
    rowNumber: number,
  ): Promise<void> {
    const table = this.table;
    const combined: Value[] = [...old.row, ...incoming];
    for (const a of this.onDuplicate) {
      const value = a.eval(combined, this.storing);
      combined[a.column] = this.store(a.column, a.type, value, rowNumber);
    }
    const row = combined.slice(0, table.columns.length);
    computeGenerated(this.rules, row, rowNumber, this.storing);
    const triggers = hasTriggers(this.ctx, table, 'UPDATE');
    if (triggers) {
      await fireTriggers(this.ctx, table, 'BEFORE', 'UPDATE', old.row, row);
      computeGenerated(this.rules, row, rowNumber, this.storing);
    }
    const before = encodeRow(table.types, old.row);
    if (before.equals(encodeRow(table.types, row))) {
      this.counts.unchanged++;
    } else {
      if (this.rules.onUpdate.length > 0) {
        const assigned = new Set(this.dml.onDuplicate.map((a) => a.column));
        applyOnUpdate(this.rules, row, assigned, rowNumber, this.storing);
        computeGenerated(this.rules, row, rowNumber, this.storing);
      }
      await this.writer.updateRow(table, old, row, 0);
      this.counts.changed++;
      this.written(row, null);
    }
    // As an UPDATE: AFTER UPDATE for the duplicate row, changed or not.
    if (triggers) await fireTriggers(this.ctx, table, 'AFTER', 'UPDATE', old.row, row);
  }
}

/** The source rows of an INSERT … SELECT: its query's rows, materialized, per target column. */
async function queryRows(
  plan: Plan & { kind: 'insert' },
  dml: InsertDml,
  ctx: ExecContext,
): Promise<{ value: Value; type: SqlType }[][]> {
  const query = dml.query;
  if (query === null || query.plan.kind !== 'select') return [];
  const q = query.plan.query;
  const defaults = (plan.rows[0] ?? []).map((e) => ({ eval: compile(e), type: e.info.type }));
  const out: { value: Value; type: SqlType }[][] = [];
  for await (const batch of runQuery(q, ctx, CONSISTENT)) {
    for (const r of batch) {
      const values = defaults.map((d) => ({ value: d.eval(NO_ROW, ctx.eval), type: d.type }));
      query.targets.forEach((c, i) => {
        values[c] = {
          value: r[i] as Value,
          type: (q.columns[i] as { info: { type: SqlType } }).info.type,
        };
      });
      out.push(values);
    }
  }
  return out;
}

function valueRows(
  plan: Plan & { kind: 'insert' },
  ctx: EvalContext,
): { value: Value; type: SqlType }[][] {
  // Issue 8 (cost): each expression compiled once per plan (evaluator), not per execution.
  return plan.rows.map((exprs: readonly PlanExpr[]) =>
    exprs.map((e) => ({ value: evaluator(e)(NO_ROW, ctx), type: e.info.type })),
  );
}

/**
 * Runs an INSERT / REPLACE plan (see the file comment); `style` 'load' reports LOAD DATA's info
 * ("Records: r  Deleted: d  Skipped: s  Warnings: w") instead of INSERT's. At once when the rows
 * are VALUES, have no triggers, and nothing has to wait (issue 8: no promise).
 */
export function runInsert(
  plan: Plan & { kind: 'insert' },
  ctx: ExecContext,
  style: 'insert' | 'load' = 'insert',
): Soon<WriteOutcome> {
  const fromQuery = plan.dml?.query !== null && plan.dml?.query !== undefined;
  const inserter = new Inserter(plan, ctx, fromQuery || plan.rows.length > 1);
  if (fromQuery) {
    return queryRows(plan, inserter.dml, ctx).then((sources) =>
      insertRows(plan, ctx, style, inserter, sources),
    );
  }
  return insertRows(plan, ctx, style, inserter, valueRows(plan, inserter.storing));
}

/** runInsert() of its source rows. */
function insertRows(
  plan: Plan & { kind: 'insert' },
  ctx: ExecContext,
  style: 'insert' | 'load',
  inserter: Inserter,
  sources: { value: Value; type: SqlType }[][],
): Soon<WriteOutcome> {
  const rows = sources.map((values, r) => inserter.storeRow(values, r + 1));
  const table = plan.table;
  const firstRowId =
    table.primaryKey.length === 0 ? ctx.catalog.allocateRowIds(table, rows.length) : 0n;
  const triggers = hasTriggers(ctx, table, 'INSERT');
  const insertOne = (row: Value[], r: number): Soon<void> => {
    const inserted = inserter.counts.inserted;
    return andThen(inserter.write(row, firstRowId + BigInt(r), r + 1), () => {
      if (inserter.counts.inserted === inserted) inserter.giveBack(r + 1);
      else if (triggers) return fireTriggers(ctx, table, 'AFTER', 'INSERT', null, row);
      return undefined;
    });
  };
  const insertLater = async (
    row: Value[],
    r: number,
    pause: Promise<void> | undefined,
  ): Promise<void> => {
    if (pause !== undefined) await pause;
    inserter.takeSpare(row, r + 1);
    if (triggers) {
      await fireTriggers(ctx, table, 'BEFORE', 'INSERT', null, row);
      inserter.retouched(row, r + 1);
    }
    await insertOne(row, r);
  };
  const each = forEachSoon(rows.length, (r) => {
    const row = rows[r] as Value[];
    const pause = ctx.eval.interrupt?.checkpoint();
    if (pause !== undefined || triggers) return insertLater(row, r, pause);
    inserter.takeSpare(row, r + 1);
    return insertOne(row, r);
  });
  return andThen(each, () => insertOutcome(plan, ctx, style, inserter, rows.length));
}

/** runInsert()'s OK: its counts, info string and ids. */
function insertOutcome(
  plan: Plan & { kind: 'insert' },
  ctx: ExecContext,
  style: 'insert' | 'load',
  inserter: Inserter,
  rowCount: number,
): WriteOutcome {
  const fromQuery = plan.dml?.query !== null && plan.dml?.query !== undefined;
  const { inserted, changed, unchanged, deleted, skipped, unchecked } = inserter.counts;
  const matched = inserted + deleted + 2 * changed + unchanged;
  const duplicates = inserter.dml.ignore ? skipped : deleted + changed;
  const warnings = ctx.eval.warnings.count();
  const info = style === 'load'
    ? `Records: ${rowCount}  Deleted: ${deleted}  Skipped: ${skipped + unchecked}  ` +
      `Warnings: ${warnings}`
    : fromQuery || rowCount > 1
      ? `Records: ${rowCount - unchecked}  Duplicates: ${duplicates}  Warnings: ${warnings}`
      : '';
  // MySQL's insert id: the first generated id of an inserted row; else LAST_INSERT_ID(expr)'s
  // value if the statement called it; else the AUTO_INCREMENT value of the last row written.
  const generatedId = inserter.generatedId;
  const insertId = generatedId ?? inserter.lastInsertIdArg ?? inserter.lastWrittenId;
  return {
    affectedRows: inserted + deleted + 2 * changed,
    matchedRows: matched,
    info,
    changes: [],
    ...(generatedId === undefined ? {} : { generatedId }),
    ...(insertId === undefined ? {} : { insertId }),
  };
}
