/**
 * LOAD DATA LOCAL INFILE's engine side: the file's text cut into rows of fields by MySQL's rules,
 * and the rows inserted as an INSERT would (dml-insert.ts), with LOAD's bookkeeping:
 *
 *   lines      end at LINES TERMINATED BY (default '\n'); with STARTING BY, a line's text starts
 *              after that prefix, and lines without it are skipped; IGNORE n LINES skips the first
 *   fields     end at FIELDS TERMINATED BY (default '\t'); a field starting with ENCLOSED BY runs
 *              to its closing quote (a doubled quote is one); ESCAPED BY (default '\') escapes
 *              \0 \b \n \r \t \Z and the terminators, and \N alone is NULL
 *   too few / too many fields   the rest take their DEFAULT (warning 1261) / are cut (1262)
 *   duplicates and bad values   with LOCAL, warnings (the file cannot be stopped mid-way), as
 *              IGNORE; REPLACE replaces
 *
 * The answer's info is "Records: r  Deleted: d  Skipped: s  Warnings: w".
 */
import type { ColumnDef, TableDef } from '../catalog/definitions.js';
import { SqlError } from '../errors.js';
import type { LoadData } from './ast.js';
import { Binder, stringInfo } from './bind.js';
import { runInsert } from './dml-insert.js';
import type { ExecContext, WriteOutcome } from './execute.js';
import { compile } from './expr.js';
import { BACKSLASH_ESCAPES } from './lexer.js';
import type { InsertDml, PlanExpr } from './plan.js';
import { columnDefault, insertTarget } from './plan-insert.js';
import type { PlanContext } from './planner.js';
import { storeValue } from './store.js';
import type { Value } from './values.js';

/** The file's lines cut into fields (null: \N or an unquoted NULL in an enclosed format). */
export function splitRows(text: string, load: LoadData): (string | null)[][] {
  const rows: (string | null)[][] = [];
  const { fieldsTerminated: ft, linesTerminated: lt, enclosed, escaped, linesStarting } = load;
  let i = 0;
  let skip = load.ignoreLines;
  while (i < text.length) {
    if (linesStarting !== '') {
      const at = text.indexOf(linesStarting, i);
      if (at === -1) break;
      i = at + linesStarting.length;
    }
    const fields: (string | null)[] = [];
    let field = '';
    let quoted = false;
    let wasQuoted = false;
    let escapedSeen = false;
    for (;;) {
      if (i >= text.length) {
        fields.push(fieldValue(field, wasQuoted, escapedSeen, load));
        break;
      }
      const ch = text[i] as string;
      if (escaped !== '' && ch === escaped && i + 1 < text.length) {
        const next = text[i + 1] as string;
        const nullMark = next === 'N' && field === '' && !quoted;
        if (nullMark) escapedSeen = true;
        field += nullMark ? '\\N' : (BACKSLASH_ESCAPES[next] ?? next);
        i += 2;
        continue;
      }
      if (quoted) {
        if (ch === enclosed) {
          if (text[i + 1] === enclosed) {
            field += enclosed;
            i += 2;
            continue;
          }
          quoted = false;
          i++;
          continue;
        }
        field += ch;
        i++;
        continue;
      }
      if (enclosed !== '' && ch === enclosed && field === '') {
        quoted = true;
        wasQuoted = true;
        i++;
        continue;
      }
      if (text.startsWith(lt, i)) {
        fields.push(fieldValue(field, wasQuoted, escapedSeen, load));
        i += lt.length;
        break;
      }
      if (text.startsWith(ft, i)) {
        fields.push(fieldValue(field, wasQuoted, escapedSeen, load));
        field = '';
        wasQuoted = false;
        escapedSeen = false;
        i += ft.length;
        continue;
      }
      field += ch;
      i++;
    }
    if (skip > 0) {
      skip--;
      continue;
    }
    rows.push(fields);
  }
  return rows;
}

function fieldValue(
  field: string,
  wasQuoted: boolean,
  escapedNull: boolean,
  load: LoadData,
): string | null {
  if (escapedNull && field === '\\N') return null;
  if (!wasQuoted && load.enclosed !== '' && field === 'NULL') return null;
  return field;
}

const TEXT = stringInfo(65_535, true);

function text(value: string | null): PlanExpr {
  return { kind: 'const', info: TEXT, value };
}

/** The rows as INSERT plan rows: one expression per table column (see the file comment). */
function planRows(
  load: LoadData,
  table: TableDef,
  fields: readonly (readonly (string | null)[])[],
  ctx: ExecContext,
  plan: PlanContext,
): { rows: PlanExpr[][]; given: boolean[] } {
  const targets =
    load.targets ?? table.columns.map((c) => ({ kind: 'column' as const, name: c.name }));
  const indexes = targets.map((t) => {
    if (t.kind === 'variable') return -1;
    const at = table.columns.findIndex((c) => c.name.toLowerCase() === t.name.toLowerCase());
    if (at === -1) throw new SqlError('ER_BAD_FIELD_ERROR', [t.name, 'field list']);
    return at;
  });
  const binder = new Binder({
    table,
    tableName: table.name,
    clause: 'field list',
    currentDatabase: table.database,
    ...(plan.variables === undefined ? {} : { variables: plan.variables }),
  });
  const sets = load.set.map((a) => {
    const column = table.columns.findIndex(
      (c) => c.name.toLowerCase() === a.column.name.toLowerCase(),
    );
    if (column === -1) throw new SqlError('ER_BAD_FIELD_ERROR', [a.column.name, 'field list']);
    const expr = binder.bind(a.value);
    return { column, expr, eval: compile(expr) };
  });
  const given = table.columns.map(
    (_, c) => indexes.includes(c) || sets.some((s) => s.column === c),
  );
  const storing = {
    ...ctx.eval,
    storing: true,
    sqlMode: {
      ...(ctx.eval.sqlMode ?? { errorForDivisionByZero: true, noAutoValueOnZero: false }),
      strict: false,
    },
  };
  const rows = fields.map((row, r) => {
    if (row.length < targets.length) {
      ctx.eval.warnings.warn('Warning', 1261, `Row ${r + 1} doesn't contain data for all columns`);
    } else if (row.length > targets.length) {
      ctx.eval.warnings.warn(
        'Warning',
        1262,
        `Row ${r + 1} was truncated; it contained more data than there were input columns`,
      );
    }
    const values: PlanExpr[] = table.columns.map((column) => columnDefault(column, table));
    targets.forEach((t, i) => {
      const value = row[i];
      if (value === undefined) return;
      if (t.kind === 'variable') ctx.eval.variables?.setUser(t.name, value, TEXT.type);
      else values[indexes[i] as number] = text(value);
    });
    if (sets.length > 0) {
      // SET reads the row's columns as stored, and the user variables just set.
      const typed: Value[] = values.map((e, c) => {
        const v = compile(e)([], storing);
        return storeValue(e.info.type, v, {
          column: table.columns[c] as ColumnDef,
          row: r + 1,
          warnings: ctx.eval.warnings,
          strict: false,
        });
      });
      for (const s of sets)
        values[s.column] = { kind: 'const', info: s.expr.info, value: s.eval(typed, storing) };
    }
    return values;
  });
  return { rows, given };
}

/** Loads the file's content into the table (see the file comment). */
export async function runLoad(
  load: LoadData,
  content: Buffer,
  ctx: ExecContext,
  plan: PlanContext,
): Promise<WriteOutcome> {
  const table = insertTarget(load.table, plan);
  const fields = splitRows(content.toString('utf8'), load);
  const { rows, given } = planRows(load, table, fields, ctx, plan);
  const duplicates = load.duplicates ?? (load.local ? 'ignore' : 'error');
  const dml: InsertDml = {
    duplicates,
    onDuplicate: [],
    query: null,
    given,
    ignore: duplicates !== 'replace' || load.local,
  };
  const outcome = await runInsert({ kind: 'insert', table, rows, dml }, ctx, 'load');
  return outcome;
}
