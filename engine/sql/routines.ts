/**
 * Runs stored program bodies (ast-routine.ts): procedures called by CALL and triggers fired by
 * row changes (triggers.ts). The interpreter walks the body's nodes; everything SQL in them —
 * statements, conditions, DEFAULT and SET expressions — is text, parsed when it runs (parse.ts
 * caches by text), with the program's local variables, parameters and NEW / OLD columns replaced
 * by their current values as typed literals (`bindLocals`), so a statement sees a local exactly
 * as a constant of its declared type. The host (session-routines.ts for CALL, triggers.ts for a
 * trigger) runs the statements: in the session, or inside the triggering statement's
 * transaction.
 *
 * Invariants:
 *   (L1) A local variable always holds a value of its declared type: every assignment stores
 *        through store.ts as into a column of that type (strict mode errors, else warnings).
 *   (L2) Local names shadow column names in the statements of a body, as in MySQL; an
 *        assignment target (UPDATE … SET col =) is never replaced.
 *   (L3) Control leaves a block, loop or the body only through the Flow values below: LEAVE and
 *        ITERATE unwind to their label (ast-routine.ts R1), RETURN to the function's caller.
 */
import type { ColumnDef, ColumnType, TableDef } from '../catalog/definitions.js';
import type { RoutineDef } from '../catalog/programs.js';
import { SqlError } from '../errors.js';
import type { AssignTarget, BodyNode, Expr, Literal, SelectStatement, Statement } from './ast.js';
import { Decimal } from './decimal.js';
import { parse } from './parse.js';
import { columnType as parsedColumnType } from './parse-ddl-table.js';
import { Cursor, type ParseContext } from './parse-cursor.js';
import { lex } from './lexer.js';
import { columnType } from './plan-ddl.js';
import { typeSpecOf } from './type-spec.js';
import { defaultCollationOf, findCollation } from './collation.js';
import { storeValue } from './store.js';
import { type SqlType, type Value, type Warnings, toText } from './values.js';
import type { CollationName } from './collation.js';

/** A query's rows as the engine holds them, with their column types. */
export interface QueryValues {
  readonly types: readonly SqlType[];
  readonly rows: readonly (readonly Value[])[];
}

/** What a body runs against (see the file comment). */
export interface ProgramHost {
  /** Runs one statement of the body (locals replaced). */
  run(statement: Statement): Promise<void>;
  /** Runs a query for its values (SET expressions, conditions, SELECT … INTO). */
  query(statement: Statement): Promise<QueryValues>;
  setUser(name: string, value: Value, type: SqlType): void;
  /** The rows a SELECT … INTO read (CALL's OK reports the last row count; SET keeps it). */
  noteRows?(count: number): void;
  /** A nested CALL (procedures only). */
  call?(statement: Statement & { kind: 'call' }, frame: Frame): Promise<void>;
  readonly warnings: Warnings;
  readonly strict: boolean;
  readonly timeZone?: string;
}

export interface LocalVariable {
  readonly name: string;
  readonly type: ColumnType;
  value: Value;
}

/** The row a trigger fires for: OLD (UPDATE, DELETE) and NEW (INSERT, UPDATE; BEFORE may set). */
export interface TriggerRow {
  readonly table: TableDef;
  readonly old: readonly Value[] | null;
  readonly new: Value[] | null;
}

type Flow =
  | { readonly kind: 'next' }
  | { readonly kind: 'leave'; readonly label: string }
  | { readonly kind: 'iterate'; readonly label: string }
  | { readonly kind: 'return'; readonly value: Value; readonly type: SqlType };

const NEXT: Flow = { kind: 'next' };

/** A running body's variables: a stack of block scopes over the parameters, and NEW / OLD. */
export class Frame {
  private readonly scopes: Map<string, LocalVariable>[] = [new Map()];

  constructor(
    readonly name: string,
    readonly trigger: TriggerRow | null = null,
  ) {}

  declare(variable: LocalVariable): void {
    (this.scopes[this.scopes.length - 1] as Map<string, LocalVariable>).set(
      variable.name,
      variable,
    );
  }

  find(name: string): LocalVariable | undefined {
    const lower = name.toLowerCase();
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const found = this.scopes[i]?.get(lower);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  push(): void {
    this.scopes.push(new Map());
  }

  pop(): void {
    this.scopes.pop();
  }

  /** NEW.c / OLD.c: the column's index, value and type; undefined when not a trigger's row. */
  rowColumn(
    which: string,
    column: string,
  ): { index: number; value: Value; def: ColumnDef } | undefined {
    const t = this.trigger;
    if (t === null) return undefined;
    const side = which.toLowerCase();
    if (side !== 'new' && side !== 'old') return undefined;
    const row = side === 'new' ? t.new : t.old;
    const index = t.table.columns.findIndex((c) => c.name.toLowerCase() === column.toLowerCase());
    if (row === null || index === -1) {
      throw new SqlError('ER_BAD_FIELD_ERROR', [column, side.toUpperCase()]);
    }
    return { index, value: row[index] as Value, def: t.table.columns[index] as ColumnDef };
  }
}

// ---------------------------------------------------------------------------------------------
// Locals → literals (L2)

function literal(l: Literal): Expr {
  return { kind: 'literal', literal: l };
}

function castTo(expr: Expr, target: string): Expr {
  return { kind: 'call', name: 'cast', args: [expr, literal({ kind: 'string', value: target })] };
}

/** A value of `type` as an expression that yields it with that type (as near as SQL allows). */
export function valueExpr(type: SqlType, value: Value): Expr {
  if (value === null) return literal({ kind: 'null' });
  switch (type.kind) {
    case 'null':
      return literal({ kind: 'null' });
    case 'int':
      return literal({ kind: 'int', value: value as bigint });
    case 'decimal': {
      const text = toText(type, value) as string;
      return text.includes('.')
        ? literal({ kind: 'decimal', text })
        : literal({ kind: 'int', value: BigInt(text) });
    }
    case 'double':
      return literal({ kind: 'double', value: value as number });
    case 'string': {
      const text = value as string;
      if (type.collation === 'binary') return literal({ kind: 'binary', value: text });
      if (type.variant === 'json') return castTo(literal({ kind: 'string', value: text }), 'JSON');
      return literal({ kind: 'string', value: text });
    }
    case 'datetime': {
      const target = type.variant === 'date' ? 'DATE' : `DATETIME(${type.fsp})`;
      return castTo(literal({ kind: 'string', value: toText(type, value) as string }), target);
    }
    case 'time':
      return castTo(
        literal({ kind: 'string', value: toText(type, value) as string }),
        `TIME(${type.fsp})`,
      );
  }
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !(x instanceof Decimal) && !Buffer.isBuffer(x);
}

/** `node` with every local / NEW / OLD reference replaced (copy on write; L2). */
function replaceRefs(node: unknown, frame: Frame): unknown {
  if (Array.isArray(node)) {
    let changed = false;
    const out = node.map((item) => {
      const r = replaceRefs(item, frame);
      if (r !== item) changed = true;
      return r;
    });
    return changed ? out : node;
  }
  if (!isObject(node)) return node;
  if (node.kind === 'column') return columnRef(node, frame) ?? node;
  let out: Record<string, unknown> | null = null;
  for (const [key, value] of Object.entries(node)) {
    // An assignment's target column (UPDATE SET, ON DUPLICATE KEY UPDATE) stays a column.
    if (key === 'column' && isObject(value) && value.kind === 'column') continue;
    const r = replaceRefs(value, frame);
    if (r !== value) {
      out ??= { ...node };
      out[key] = r;
    }
  }
  return out ?? node;
}

function columnRef(ref: Record<string, unknown>, frame: Frame): Expr | undefined {
  if (ref.database !== null || typeof ref.name !== 'string') return undefined;
  if (typeof ref.table === 'string') {
    const found = frame.rowColumn(ref.table, ref.name);
    return found === undefined ? undefined : valueExpr(found.def.type, found.value);
  }
  const local = frame.find(ref.name);
  return local === undefined ? undefined : valueExpr(local.type, local.value);
}

/** A statement with the frame's locals bound (L2). */
export function bindLocals<S extends Statement>(statement: S, frame: Frame): S {
  return replaceRefs(statement, frame) as S;
}

// ---------------------------------------------------------------------------------------------
// Types of declarations

const typeCache = new Map<string, ColumnType>();

/** A declared type's text (DECLARE, a parameter, RETURNS) as a column type. */
export function declaredType(text: string, name: string): ColumnType {
  const cached = typeCache.get(text);
  if (cached !== undefined) return cached;
  const lexed = lex(text);
  const c = new Cursor({ sql: text, tokens: lexed.tokens } as unknown as ParseContext);
  const parsed = parsedColumnType(c);
  c.end();
  const raw = parsed.raw;
  const coll: CollationName =
    (raw.collation === null ? undefined : findCollation(raw.collation)?.name) ??
    (raw.charset === null ? 'utf8mb4_0900_ai_ci' : defaultCollationOf(raw.charset));
  const type = columnType(typeSpecOf(raw), name, coll);
  typeCache.set(text, type);
  return type;
}

/** Stores `value` (of `source` type) as a value of `variable`'s type (L1). */
function storeLocal(
  host: ProgramHost,
  variable: LocalVariable,
  value: Value,
  source: SqlType,
): Value {
  const column: ColumnDef = {
    name: variable.name,
    type: variable.type,
    nullable: true,
    defaultValue: null,
  };
  return storeValue(source, value, {
    column,
    row: 1,
    warnings: host.warnings,
    strict: host.strict,
    ...(host.timeZone === undefined ? {} : { timeZone: host.timeZone }),
  });
}

// ---------------------------------------------------------------------------------------------
// Expressions

function selectOf(expr: Expr, text: string): SelectStatement {
  return {
    kind: 'select',
    with: null,
    distinct: false,
    items: [{ kind: 'expr', expr, alias: null, text }],
    from: null,
    where: null,
    groupBy: null,
    having: null,
    windows: [],
    orderBy: [],
    limit: null,
  };
}

/** One value of an expression given as AST (CALL's arguments). */
export async function evalAst(
  expr: Expr,
  frame: Frame,
  host: ProgramHost,
): Promise<{ value: Value; type: SqlType }> {
  const result = await host.query(bindLocals(selectOf(expr, 'arg') as Statement, frame));
  return { value: result.rows[0]?.[0] ?? null, type: result.types[0] ?? { kind: 'null' } };
}

/** One value of an expression written as text. */
async function evalText(
  text: string,
  frame: Frame,
  host: ProgramHost,
): Promise<{ value: Value; type: SqlType }> {
  const statement = parse(`SELECT ${text}`);
  if (statement.kind !== 'select' || statement.items.length !== 1) {
    throw new SqlError('ER_OPERAND_COLUMNS', [1]);
  }
  const result = await host.query(bindLocals(statement, frame));
  return { value: result.rows[0]?.[0] ?? null, type: result.types[0] ?? { kind: 'null' } };
}

/** A condition: true only for a true value (NULL and 0 are not). */
async function condition(text: string, frame: Frame, host: ProgramHost): Promise<boolean> {
  const { value, type } = await evalText(`(${text}) IS TRUE`, frame, host);
  void type;
  return value !== null && value !== 0n && value !== 0;
}

// ---------------------------------------------------------------------------------------------
// Statements

export async function assign(
  target: AssignTarget,
  value: Value,
  type: SqlType,
  frame: Frame,
  host: ProgramHost,
): Promise<void> {
  switch (target.kind) {
    case 'local': {
      const variable = frame.find(target.name);
      if (variable === undefined) throw new SqlError('ER_SP_UNDECLARED_VAR', [target.name]);
      variable.value = storeLocal(host, variable, value, type);
      return;
    }
    case 'new': {
      const found = frame.rowColumn('new', target.column);
      const row = frame.trigger?.new;
      if (found === undefined || row === undefined || row === null) {
        throw new SqlError('ER_TRG_NO_SUCH_ROW_IN_TRG', ['NEW', 'DELETE']);
      }
      row[found.index] = storeValue(type, value, {
        column: found.def,
        row: 1,
        warnings: host.warnings,
        strict: host.strict,
        ...(host.timeZone === undefined ? {} : { timeZone: host.timeZone }),
        table: frame.trigger?.table.name ?? '',
      });
      return;
    }
    case 'user':
      host.setUser(target.name, value, type);
      return;
  }
}

async function selectInto(
  node: BodyNode & { kind: 'select-into' },
  frame: Frame,
  host: ProgramHost,
): Promise<void> {
  const statement = parse(node.query);
  const result = await host.query(bindLocals(statement, frame));
  if (result.types.length !== node.targets.length) {
    throw new SqlError('ER_WRONG_NUMBER_OF_COLUMNS_IN_SELECT');
  }
  if (result.rows.length > 1) throw new SqlError('ER_TOO_MANY_ROWS');
  host.noteRows?.(result.rows.length);
  const row = result.rows[0];
  if (row === undefined) {
    const e = new SqlError('ER_SP_FETCH_NO_DATA');
    host.warnings.warn('Warning', e.errno, e.message);
    return;
  }
  for (const [i, target] of node.targets.entries()) {
    await assign(target, row[i] ?? null, result.types[i] as SqlType, frame, host);
  }
}

async function block(
  node: BodyNode & { kind: 'block' },
  frame: Frame,
  host: ProgramHost,
): Promise<Flow> {
  frame.push();
  try {
    for (const d of node.declarations) {
      const initial = d.defaultExpr === null ? null : await evalText(d.defaultExpr, frame, host);
      for (const name of d.names) {
        const variable: LocalVariable = { name, type: declaredType(d.type, name), value: null };
        if (initial !== null)
          variable.value = storeLocal(host, variable, initial.value, initial.type);
        frame.declare(variable);
      }
    }
    const flow = await runNodes(node.body, frame, host);
    if (flow.kind === 'leave' && flow.label === node.label) return NEXT;
    return flow;
  } finally {
    frame.pop();
  }
}

async function loop(
  node: BodyNode & { kind: 'loop' },
  frame: Frame,
  host: ProgramHost,
): Promise<Flow> {
  for (;;) {
    if (node.test?.when === 'before' && !(await condition(node.test.condition, frame, host)))
      return NEXT;
    const flow = await runNodes(node.body, frame, host);
    if (flow.kind === 'leave' && flow.label === node.label) return NEXT;
    if (flow.kind === 'leave' || flow.kind === 'return') return flow;
    if (flow.kind === 'iterate' && flow.label !== node.label) return flow;
    if (flow.kind !== 'iterate' && node.test?.when === 'after') {
      if (await condition(node.test.condition, frame, host)) return NEXT;
    }
    await new Promise<void>((resolve) => setImmediate(resolve)); // let other sessions run
  }
}

async function runNode(node: BodyNode, frame: Frame, host: ProgramHost): Promise<Flow> {
  switch (node.kind) {
    case 'block':
      return block(node, frame, host);
    case 'assign':
      for (const a of node.assignments) {
        const { value, type } = await evalText(a.expr, frame, host);
        await assign(a.target, value, type, frame, host);
      }
      return NEXT;
    case 'select-into':
      await selectInto(node, frame, host);
      return NEXT;
    case 'sql': {
      const statement = parse(node.text);
      if (statement.kind === 'call') {
        if (host.call === undefined) throw new SqlError('ER_SP_BADSTATEMENT', ['CALL']);
        await host.call(statement, frame);
      } else {
        await host.run(bindLocals(statement, frame));
      }
      return NEXT;
    }
    case 'if': {
      for (const branch of node.branches) {
        if (await condition(branch.condition, frame, host))
          return runNodes(branch.body, frame, host);
      }
      if (node.otherwise !== null) return runNodes(node.otherwise, frame, host);
      if (node.caseNotFound) throw new SqlError('ER_SP_CASE_NOT_FOUND');
      return NEXT;
    }
    case 'loop':
      return loop(node, frame, host);
    case 'leave':
      return { kind: 'leave', label: node.label };
    case 'iterate':
      return { kind: 'iterate', label: node.label };
    case 'return': {
      const { value, type } = await evalText(node.expr, frame, host);
      return { kind: 'return', value, type };
    }
  }
}

async function runNodes(
  nodes: readonly BodyNode[],
  frame: Frame,
  host: ProgramHost,
): Promise<Flow> {
  for (const node of nodes) {
    const flow = await runNode(node, frame, host);
    if (flow.kind !== 'next') return flow;
  }
  return NEXT;
}

/** Runs a body; a function's RETURN value, or undefined when the body ended without one. */
export async function runBody(
  nodes: readonly BodyNode[],
  frame: Frame,
  host: ProgramHost,
): Promise<{ value: Value; type: SqlType } | undefined> {
  const flow = await runNodes(nodes, frame, host);
  return flow.kind === 'return' ? { value: flow.value, type: flow.type } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Procedures

/** One CALL argument: its value (IN, INOUT) and where an OUT / INOUT value goes. */
export interface CallArgument {
  readonly expr: Expr;
  readonly target: AssignTarget | null;
}

/** A CALL argument of a caller (null: the session) as an assignable target, if it is one. */
export function argumentTarget(expr: Expr, caller: Frame | null): AssignTarget | null {
  if (expr.kind === 'user-variable') return { kind: 'user', name: expr.name };
  if (caller === null || expr.kind !== 'column' || expr.database !== null) return null;
  if (expr.table === null)
    return caller.find(expr.name) === undefined
      ? null
      : { kind: 'local', name: expr.name.toLowerCase() };
  if (
    expr.table.toLowerCase() === 'new' &&
    caller.trigger?.new !== null &&
    caller.trigger !== null
  ) {
    return { kind: 'new', column: expr.name };
  }
  return null;
}

/**
 * Calls procedure `def` with `args` (1318 for a wrong count, 1414 for an OUT / INOUT argument
 * that is no variable): binds the parameters, runs the body, copies OUT / INOUT values back.
 */
export async function callProcedure(
  def: RoutineDef,
  body: readonly BodyNode[],
  args: readonly CallArgument[],
  caller: Frame | null,
  host: ProgramHost,
  /** Runs the body in the routine's context (its database); the arguments are read before. */
  enter: (run: () => Promise<void>) => Promise<void> = (run) => run(),
): Promise<void> {
  const qualified = `${def.database}.${def.name}`;
  if (args.length !== def.params.length) {
    throw new SqlError('ER_SP_WRONG_NO_OF_ARGS', [
      'PROCEDURE',
      qualified,
      def.params.length,
      args.length,
    ]);
  }
  const frame = new Frame(qualified);
  for (const [i, param] of def.params.entries()) {
    const arg = args[i] as CallArgument;
    if (param.mode !== 'IN' && arg.target === null) {
      throw new SqlError('ER_SP_NOT_VAR_ARG', [i + 1, qualified]);
    }
    const variable: LocalVariable = {
      name: param.name,
      type: declaredType(param.type, param.name),
      value: null,
    };
    if (param.mode !== 'OUT') {
      const { value, type } = await evalAst(arg.expr, caller ?? frame, host);
      variable.value = storeLocal(host, variable, value, type);
    }
    frame.declare(variable);
  }
  await enter(async () => {
    await runBody(body, frame, host);
  });
  const outer = caller ?? new Frame('session');
  for (const [i, param] of def.params.entries()) {
    const target = args[i]?.target;
    if (param.mode === 'IN' || target === undefined || target === null) continue;
    const variable = frame.find(param.name) as LocalVariable;
    await assign(target, variable.value, variable.type, outer, host);
  }
}
