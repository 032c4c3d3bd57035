/**
 * Binding: an AST expression (ast.ts) → a typed plan expression (plan.ts). Names resolve against
 * the one table in scope (column names case-insensitive, table and database names not), and
 * every node gets MySQL's result type, length and nullability, which become the result-set
 * metadata (metadata.ts) and choose how comparisons convert (CompareMode).
 *
 * Errors: unknown column → ER_BAD_FIELD_ERROR (1054) naming the clause; unknown function →
 * ER_SP_DOES_NOT_EXIST (1305); a MySQL built-in we have not built → ER_NOT_SUPPORTED_YET (1235);
 * wrong argument count → ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT (1582); unknown @@variable →
 * ER_UNKNOWN_SYSTEM_VARIABLE (1193).
 */
import assert from 'node:assert/strict';
import type { TableDef } from '../catalog/definitions.js';
import { SqlError } from '../errors.js';
import { unreachable } from '../unreachable.js';
import type { BinaryOp, Expr, Literal, QueryExprNode } from './ast.js';
import { type Collation, DEFAULT_COLLATION, collation } from './collation.js';
import { DECIMAL_RESULT_SCALE_MAX, DIV_PRECISION_INCREMENT, Decimal } from './decimal.js';
import { columnDecimals, columnLength, typeCollationId } from './metadata.js';
import { callFunction, readTimestamp } from './functions/index.js';
import type { CompareMode, ExprInfo, FunctionName, PlanExpr } from './plan.js';
import type { PlanParams } from './params.js';
import { systemVariable, systemVariableInfo } from './system-variables.js';
import { INT64_MAX, type SqlType, UINT64_MAX, type Value } from './values.js';
import { charLength } from './text-length.js';
import { userVariableInfo } from '../variables/user-variables.js';
import { bindDefault } from './plan-insert.js';

export type Clause =
  | 'field list'
  | 'where clause'
  | 'order clause'
  // Issue 6a: queries
  | 'on clause'
  | 'having clause'
  | 'group statement'
  | 'window partition by'
  | 'window order by';

/**
 * Issue 6a: name resolution and the query-shaped expressions of a query block (query-scope.ts,
 * query-bind.ts). When a scope has them, column names resolve through `names`, and subqueries,
 * aggregates, window calls and row constructors bind through `query`.
 */
export interface NameResolver {
  column(e: Expr & { kind: 'column' }, clause: Clause): PlanExpr;
}

export interface QueryBinding {
  bind(e: QueryExprNode, binder: Binder): PlanExpr;
}

export interface BindScope {
  readonly table: TableDef | null;
  /** The name the table is referred by: its alias, or its own name. */
  readonly tableName: string | null;
  readonly clause: Clause;
  /** The session's current database (for 1305's message). */
  readonly currentDatabase: string | null;
  /** Statement parameters (prepared statements, the plan cache); absent: `?` is not allowed. */
  readonly params?: PlanParams;
  /** The session's variables at bind time: their current values type @@x and @x. */
  readonly variables?: BindVariables;
  /** Issue 6a: multi-table and correlated name resolution (replaces `table` when present). */
  readonly names?: NameResolver;
  /** Issue 6a: subqueries, aggregates, window calls, row constructors. */
  readonly query?: QueryBinding;
  /** The table DEFAULT(col) reads (an INSERT's or UPDATE's target); absent: `table`. */
  readonly defaults?: TableDef;
}

/** Variables as binding sees them (the session's SessionVariables and UserVariables). */
export interface BindVariables {
  /** @@[scope.]name's current value; throws 1193 / 1238 as MySQL does. */
  system(name: string, scope: 'global' | 'session' | null): Value;
  user(name: string): { readonly value: Value; readonly type: SqlType };
}

/** Metadata collation ids: 63 binary, 33 utf8mb3_general_ci (MySQL 8's system charset). */
export const BINARY_COLLATION_ID = 63;
export const SYSTEM_COLLATION_ID = 33;
/** MySQL's NOT_FIXED_DEC: the decimals it sends for strings and doubles. */
export const NOT_FIXED_DEC = 31;
const DECIMAL_PRECISION_MAX = 65;

// ---------------------------------------------------------------------------------------------
// Result types

export function intInfo(length: number, nullable: boolean, unsigned = false): ExprInfo {
  return {
    type: { kind: 'int', bytes: 8, unsigned },
    nullable,
    length,
    decimals: 0,
    collationId: BINARY_COLLATION_ID,
  };
}

export function decimalInfo(precision: number, scale: number, nullable: boolean): ExprInfo {
  const p = Math.min(Math.max(precision, scale, 1), DECIMAL_PRECISION_MAX);
  const s = Math.min(scale, DECIMAL_RESULT_SCALE_MAX);
  return {
    type: { kind: 'decimal', precision: p, scale: s, unsigned: false },
    nullable,
    length: p + (s > 0 ? 1 : 0) + 1,
    decimals: s,
    collationId: BINARY_COLLATION_ID,
  };
}

export function doubleInfo(nullable: boolean): ExprInfo {
  return {
    type: { kind: 'double' },
    nullable,
    length: 22,
    decimals: NOT_FIXED_DEC,
    collationId: BINARY_COLLATION_ID,
  };
}

export function stringInfo(
  chars: number,
  nullable: boolean,
  options: { collation?: Collation; system?: boolean } = {},
): ExprInfo {
  const coll = options.collation ?? collation(DEFAULT_COLLATION);
  const system = options.system === true;
  return {
    type: { kind: 'string', variant: 'varchar', chars, collation: coll.name },
    nullable,
    length: chars * (system ? 3 : 4),
    decimals: NOT_FIXED_DEC,
    collationId: system ? SYSTEM_COLLATION_ID : coll.id,
  };
}

/** A binary string of `bytes` bytes (VARBINARY metadata, collation 63). */
export function binaryInfo(bytes: number, nullable: boolean): ExprInfo {
  return {
    type: { kind: 'string', variant: 'varchar', chars: bytes, collation: 'binary' },
    nullable,
    length: bytes,
    decimals: NOT_FIXED_DEC,
    collationId: BINARY_COLLATION_ID,
  };
}

export function datetimeInfo(fsp: number, nullable: boolean): ExprInfo {
  return {
    type: { kind: 'datetime', fsp },
    nullable,
    length: 19 + (fsp > 0 ? fsp + 1 : 0),
    decimals: fsp,
    collationId: BINARY_COLLATION_ID,
  };
}

const NULL_TYPE: SqlType = { kind: 'null' };

const NULL_INFO: ExprInfo = {
  type: { kind: 'null' },
  nullable: true,
  length: 0,
  decimals: 0,
  collationId: BINARY_COLLATION_ID,
};

/** MySQL's decimal_precision(): digits an operand can have. */
function precisionOf(info: ExprInfo): number {
  const t = info.type;
  switch (t.kind) {
    case 'int':
      return Math.max(1, info.length - (t.unsigned ? 0 : 1));
    case 'decimal':
      return t.precision;
    case 'datetime':
      return (t.variant === 'date' ? 8 : 14) + t.fsp;
    case 'time':
      return 7 + t.fsp;
    case 'null':
      return 1;
    case 'double':
    case 'string':
      return 17;
    default:
      return unreachable(t);
  }
}

function scaleOf(info: ExprInfo): number {
  const t = info.type;
  return t.kind === 'decimal' ? t.scale : t.kind === 'datetime' || t.kind === 'time' ? t.fsp : 0;
}

function numericClass(t: SqlType): 'int' | 'decimal' | 'double' {
  switch (t.kind) {
    case 'int':
    case 'null':
      return 'int';
    case 'decimal':
      return 'decimal';
    case 'datetime':
    case 'time':
      return t.fsp > 0 ? 'decimal' : 'int';
    case 'double':
      return 'double';
    case 'string':
      // ENUM, SET and hexadecimal literals are integers in numeric context (issue 6b).
      return t.variant === 'enum' || t.variant === 'set' || t.hex === true ? 'int' : 'double';
    default:
      return unreachable(t);
  }
}

function isUnsigned(t: SqlType): boolean {
  // A hexadecimal or bit literal is a BIGINT UNSIGNED in numeric context (issue 6b).
  return (t.kind === 'int' && t.unsigned) || (t.kind === 'string' && t.hex === true);
}

/** Result type of + - * / DIV MOD, by MySQL's rules (Item_num_op::result_precision). */
function arithInfo(op: BinaryOp, a: ExprInfo, b: ExprInfo): ExprInfo {
  const nullable = a.nullable || b.nullable || op === '/' || op === 'div' || op === 'mod';
  const ca = numericClass(a.type);
  const cb = numericClass(b.type);
  const pa = precisionOf(a);
  const pb = precisionOf(b);
  const sa = scaleOf(a);
  const sb = scaleOf(b);
  const unsigned = isUnsigned(a.type) || isUnsigned(b.type);
  if (op === 'div') {
    return intInfo(Math.max(1, a.length - (sa > 0 ? sa + 1 : 0)), nullable, unsigned);
  }
  if (ca === 'double' || cb === 'double') {
    // Fixed decimals (DOUBLE(M,D), FLOAT(M,D), DECIMAL, integers) carry over, as MySQL's
    // Item_num_op does: max for + and -, the sum for *; otherwise not fixed (31).
    const da = a.decimals >= NOT_FIXED_DEC ? NOT_FIXED_DEC : a.decimals;
    const db = b.decimals >= NOT_FIXED_DEC ? NOT_FIXED_DEC : b.decimals;
    const fixed = op === '*' ? da + db : op === '/' ? NOT_FIXED_DEC : Math.max(da, db);
    return { ...doubleInfo(nullable), decimals: Math.min(fixed, NOT_FIXED_DEC) };
  }
  if (op === '/') {
    return decimalInfo(pa + sb + DIV_PRECISION_INCREMENT, sa + DIV_PRECISION_INCREMENT, nullable);
  }
  let precision: number;
  let scale: number;
  if (op === '*') {
    precision = pa + pb;
    scale = sa + sb;
  } else if (op === 'mod') {
    scale = Math.max(sa, sb);
    precision = Math.max(pa - sa, pb - sb) + scale;
  } else {
    scale = Math.max(sa, sb);
    precision = Math.max(pa - sa, pb - sb) + 1 + scale;
  }
  if (ca === 'int' && cb === 'int') {
    const length = Math.min(precision, DECIMAL_PRECISION_MAX) + (unsigned ? 0 : 1);
    return intInfo(length, nullable, unsigned);
  }
  return decimalInfo(precision, scale, nullable);
}

function predicateInfo(nullable: boolean): ExprInfo {
  return intInfo(1, nullable);
}

// ---------------------------------------------------------------------------------------------
// Comparison modes

function stringCollation(
  infos: readonly ExprInfo[],
  columnCollations: readonly (Collation | null)[],
): Collation {
  // A binary string makes the comparison binary; then a column's collation wins over a
  // literal's (MySQL's coercibility, roughly).
  for (const info of infos) {
    if (info.type.kind === 'string' && info.type.collation === 'binary') return collation('binary');
  }
  for (const c of columnCollations) if (c !== null) return c;
  for (const info of infos) {
    if (info.type.kind === 'string') return collation(info.type.collation);
  }
  return collation(DEFAULT_COLLATION);
}

/** The mode MySQL compares a set of operands in (Item_func::agg_cmp_type, simplified). */
export function compareMode(exprs: readonly PlanExpr[]): CompareMode {
  const types = exprs.map((e) => e.info.type).filter((t) => t.kind !== 'null');
  if (types.length === 0) return { kind: 'int' };
  if (types.some((t) => t.kind === 'string' && t.variant === 'json')) return { kind: 'json' };
  if (
    types.some((t) => t.kind === 'time') &&
    types.every((t) => t.kind === 'time' || (t.kind === 'string' && t.hex !== true))
  ) {
    return { kind: 'time' };
  }
  if (types.every((t) => t.kind === 'string')) {
    // Coercibility: an explicit COLLATE wins over a column, which wins over a literal.
    const explicit = exprs.find((e) => e.kind === 'call' && e.name === 'collate');
    if (explicit !== undefined && explicit.info.type.kind === 'string') {
      return { kind: 'string', collation: collation(explicit.info.type.collation) };
    }
    const columns = exprs.map((e) =>
      (e.kind === 'column' || (e.kind === 'call' && e.name === 'timestamp_column')) &&
      e.info.type.kind === 'string'
        ? collation(e.info.type.collation)
        : null,
    );
    return {
      kind: 'string',
      collation: stringCollation(
        exprs.map((e) => e.info),
        columns,
      ),
    };
  }
  // bigint compares signed and unsigned values exactly either way.
  if (types.every((t) => t.kind === 'int')) return { kind: 'int' };
  if (types.every((t) => t.kind === 'int' || t.kind === 'decimal')) return { kind: 'decimal' };
  if (
    types.some((t) => t.kind === 'datetime') &&
    types.every((t) => t.kind === 'datetime' || t.kind === 'string')
  ) {
    return { kind: 'datetime' };
  }
  return { kind: 'double' };
}

// ---------------------------------------------------------------------------------------------
// Literals

export function literalExpr(literal: Literal): PlanExpr {
  switch (literal.kind) {
    case 'null':
      return { kind: 'const', info: NULL_INFO, value: null };
    case 'bool':
      return { kind: 'const', info: intInfo(1, false), value: literal.value ? 1n : 0n };
    case 'int': {
      const v = literal.value;
      const length = v.toString().length;
      if (v >= -(INT64_MAX + 1n) && v <= INT64_MAX) {
        return { kind: 'const', info: intInfo(length, false), value: v };
      }
      if (v > 0n && v <= UINT64_MAX)
        return { kind: 'const', info: intInfo(length, false, true), value: v };
      const d = Decimal.fromBigInt(v);
      return { kind: 'const', info: decimalInfo(d.integerDigits(), 0, false), value: d };
    }
    case 'decimal': {
      const d = Decimal.parse(literal.text);
      assert(d !== undefined, 'the lexer gives decimal text');
      return {
        kind: 'const',
        info: decimalInfo(d.integerDigits() + d.scale, d.scale, false),
        value: d,
      };
    }
    case 'string':
      return {
        kind: 'const',
        info: stringInfo(charLength(literal.value), false),
        value: literal.value,
      };
    case 'binary':
      return { kind: 'const', info: binaryInfo(literal.value.length, false), value: literal.value };
    case 'double':
      return { kind: 'const', info: doubleInfo(false), value: literal.value };
    case 'hex': {
      const info = binaryInfo(literal.value.length, false);
      return {
        kind: 'const',
        info: { ...info, type: { ...info.type, hex: true } as SqlType },
        value: literal.value,
      };
    }
    default:
      return unreachable(literal);
  }
}

// ---------------------------------------------------------------------------------------------
// Functions

const IMPLEMENTED: Readonly<Record<string, { name: FunctionName; args: readonly number[] }>> = {
  version: { name: 'version', args: [0] },
  database: { name: 'database', args: [0] },
  schema: { name: 'database', args: [0] },
  user: { name: 'user', args: [0] },
  session_user: { name: 'user', args: [0] },
  system_user: { name: 'user', args: [0] },
  current_user: { name: 'current_user', args: [0] },
  connection_id: { name: 'connection_id', args: [0] },
  now: { name: 'now', args: [0, 1] },
  current_timestamp: { name: 'now', args: [0, 1] },
  localtime: { name: 'now', args: [0, 1] },
  localtimestamp: { name: 'now', args: [0, 1] },
  sysdate: { name: 'now', args: [0, 1] },
  last_insert_id: { name: 'last_insert_id', args: [0, 1] },
};

/** MySQL built-ins not built yet: 1235, not 1305, since they exist in MySQL. */
const MYSQL_BUILTINS = new Set(
  (
    'abs acos adddate addtime aes_decrypt aes_encrypt any_value ascii asin atan atan2 avg ' +
    'benchmark bin bit_and bit_count bit_length bit_or bit_xor ceil ceiling char char_length ' +
    'character_length charset coalesce collation compress concat concat_ws conv convert ' +
    'convert_tz cos cot count crc32 curdate current_date current_role current_time curtime date ' +
    'date_add date_format date_sub datediff day dayname dayofmonth dayofweek dayofyear degrees ' +
    'elt exp export_set extract field find_in_set floor format found_rows from_base64 ' +
    'from_days from_unixtime get_lock greatest group_concat hex hour if ifnull inet_aton ' +
    'inet_ntoa insert instr is_free_lock isnull json_array json_arrayagg json_contains ' +
    'json_extract json_keys json_length json_object json_objectagg json_quote json_set ' +
    'json_type json_unquote json_valid last_day last_insert_id lcase least left length ln ' +
    'load_file locate log log10 log2 lower lpad ltrim make_set makedate maketime max md5 ' +
    'microsecond mid min minute mod month monthname nullif oct octet_length ord period_add ' +
    'period_diff pi position pow power quarter quote radians rand regexp_instr regexp_like ' +
    'regexp_replace regexp_substr release_lock repeat replace reverse right round row_count ' +
    'rpad rtrim sec_to_time second sha sha1 sha2 sign sin sleep soundex space sqrt std stddev ' +
    'stddev_pop stddev_samp str_to_date strcmp subdate substr substring substring_index subtime ' +
    'sum tan time time_format time_to_sec timediff timestamp timestampadd timestampdiff ' +
    'to_base64 to_days to_seconds trim truncate ucase uncompress unhex unix_timestamp upper ' +
    'utc_date utc_time utc_timestamp uuid uuid_short uuid_to_bin bin_to_uuid values var_pop ' +
    'var_samp variance week weekday weekofyear year yearweek'
  ).split(' '),
);

/**
 * The value of a constant expression at plan time, for planning that depends on it (NOW(fsp),
 * and later ROUND(x, d) and the like): a literal's value, or a parameter's — whose read is then
 * recorded, so a cached plan is reused only for the same value (params.ts P1). Undefined when
 * `e` is no literal or parameter, or the parameter is not known yet (prepare).
 */
export function constantValue(e: PlanExpr, params: PlanParams | undefined): Value | undefined {
  if (e.kind === 'const') return e.value;
  if (e.kind === 'param') return params?.value(e.index);
  return undefined;
}

function constantInt(e: PlanExpr, params: PlanParams | undefined): bigint | undefined {
  const value = constantValue(e, params);
  if (e.kind === 'param' && typeof value !== 'bigint') return value === undefined ? 0n : undefined;
  return typeof value === 'bigint' ? value : undefined;
}

function functionInfo(
  name: FunctionName,
  args: readonly PlanExpr[],
  params: PlanParams | undefined,
): ExprInfo {
  switch (name) {
    case 'version':
      return stringInfo(60, false, { system: true });
    case 'database':
      return stringInfo(64, true, { system: true });
    case 'user':
    case 'current_user':
      return stringInfo(288, false, { system: true });
    case 'connection_id':
      return intInfo(10, false, true);
    case 'last_insert_id':
      return intInfo(21, false, true);
    case 'now': {
      const fsp = args[0] === undefined ? 0n : constantInt(args[0], params);
      if (fsp === undefined || fsp < 0n || fsp > 6n) {
        throw new SqlError('ER_TOO_BIG_PRECISION', [Number(fsp ?? -1), 'now', 6]);
      }
      return datetimeInfo(Number(fsp), false);
    }
    default:
      return unreachable(name);
  }
}

// ---------------------------------------------------------------------------------------------
// The binder

function qualified(...parts: string[]): string {
  return parts.map((p) => `\`${p}\``).join('.');
}

export class Binder {
  constructor(private readonly scope: BindScope) {}

  bind(e: Expr): PlanExpr {
    switch (e.kind) {
      case 'literal':
        return literalExpr(e.literal);
      case 'column':
        // A TIMESTAMP column holds UTC; expressions see the session's wall clock (issue 6b).
        return readTimestamp(this.column(e));
      case 'unary':
        return this.unary(e);
      case 'binary':
        return this.binary(e.op, this.bind(e.left), this.bind(e.right));
      case 'is':
        return {
          kind: 'is',
          info: predicateInfo(false),
          operand: this.bind(e.operand),
          test: e.test,
          negated: e.negated,
        };
      case 'between': {
        const operand = this.bind(e.operand);
        const low = this.bind(e.low);
        const high = this.bind(e.high);
        const nullable = operand.info.nullable || low.info.nullable || high.info.nullable;
        const mode = compareMode([operand, low, high]);
        return {
          kind: 'between',
          info: predicateInfo(nullable),
          mode,
          operand,
          low,
          high,
          negated: e.negated,
        };
      }
      case 'in': {
        const operand = this.bind(e.operand);
        const list = e.list.map((x) => this.bind(x));
        const nullable = operand.info.nullable || list.some((x) => x.info.nullable);
        const mode = compareMode([operand, ...list]);
        return {
          kind: 'in',
          info: predicateInfo(nullable),
          mode,
          operand,
          list,
          negated: e.negated,
        };
      }
      case 'like':
        return this.like(e);
      case 'call':
        return this.call(e.name, e.args);
      case 'system-variable':
        return this.systemVariable(e);
      case 'param': {
        const params = this.scope.params;
        if (params === undefined || e.index >= params.count) {
          throw new SqlError('ER_WRONG_ARGUMENTS', ['EXECUTE']);
        }
        return { kind: 'param', info: params.info(e.index), index: e.index };
      }
      case 'user-variable': {
        this.scope.params?.noteVariable();
        const current = this.scope.variables?.user(e.name) ?? { value: null, type: NULL_TYPE };
        return { kind: 'user-variable', info: userVariableInfo(current), name: e.name };
      }
      case 'assign-user-variable': {
        this.scope.params?.noteVariable();
        const value = this.bind(e.value);
        return {
          kind: 'assign-user-variable',
          info: { ...value.info, nullable: true },
          name: e.name,
          value,
        };
      }
      case 'row':
      case 'subquery':
      case 'exists':
      case 'in-subquery':
      case 'quantified':
      case 'row-compare':
      case 'aggregate':
      case 'window':
        return this.queryExpr(e);
      case 'default':
        return bindDefault(e, this.scope.defaults ?? this.scope.table);
      default:
        return unreachable(e);
    }
  }

  /** Issue 6a's expressions: bound by the query planner's QueryBinding (query-bind.ts). */
  private queryExpr(e: QueryExprNode): PlanExpr {
    const query = this.scope.query;
    if (query !== undefined) return query.bind(e, this);
    if (e.kind === 'row') throw new SqlError('ER_OPERAND_COLUMNS', [1]);
    if (e.kind === 'aggregate' || e.kind === 'window') {
      throw new SqlError('ER_INVALID_GROUP_FUNC_USE');
    }
    throw new SqlError('ER_NOT_SUPPORTED_YET', ['subqueries here']);
  }

  /** The clause names resolve in (for 1054's message). */
  get clause(): Clause {
    return this.scope.clause;
  }

  private systemVariable(e: Expr & { kind: 'system-variable' }): PlanExpr {
    this.scope.params?.noteVariable();
    const variables = this.scope.variables;
    if (variables === undefined) {
      const variable = systemVariable(e.name);
      if (variable === undefined) throw new SqlError('ER_UNKNOWN_SYSTEM_VARIABLE', [e.name]);
      return { kind: 'system-variable', info: variable.info, name: e.name, value: variable.value };
    }
    const value = variables.system(e.name, e.scope);
    const nullable = value === null || e.name.toLowerCase() === 'character_set_results';
    return {
      kind: 'system-variable',
      info: systemVariableInfo(value, nullable),
      name: e.name,
      value,
      scope: e.scope,
    };
  }

  private column(e: Expr & { kind: 'column' }): PlanExpr {
    if (this.scope.names !== undefined) return this.scope.names.column(e, this.scope.clause);
    const { table, tableName } = this.scope;
    const shown = [e.database, e.table, e.name].filter((p) => p !== null).join('.');
    const unknown = (): SqlError => new SqlError('ER_BAD_FIELD_ERROR', [shown, this.scope.clause]);
    if (table === null) throw unknown();
    if (e.table !== null && e.table !== tableName) throw unknown();
    if (e.database !== null && (e.database !== table.database || e.table !== table.name))
      throw unknown();
    const folded = e.name.toLowerCase();
    const index = table.columns.findIndex((c) => c.name.toLowerCase() === folded);
    const column = table.columns[index];
    if (column === undefined) throw unknown();
    const info: ExprInfo = {
      type: column.type,
      nullable: column.nullable,
      length: columnLength(column.type),
      decimals: columnDecimals(column.type),
      collationId: typeCollationId(column.type),
    };
    return {
      kind: 'column',
      info,
      index,
      name: column.name,
      qualifiedName: qualified(table.database, table.name, column.name),
    };
  }

  private unary(e: Expr & { kind: 'unary' }): PlanExpr {
    const operand = this.bind(e.operand);
    if (e.op === '+') return operand;
    if (e.op === 'not') return { kind: 'not', info: predicateInfo(operand.info.nullable), operand };
    const t = operand.info.type;
    const cls = numericClass(t);
    let info: ExprInfo;
    if (cls === 'int') info = intInfo(operand.info.length + 1, operand.info.nullable);
    else if (cls === 'decimal')
      info = decimalInfo(precisionOf(operand.info), scaleOf(operand.info), operand.info.nullable);
    else info = doubleInfo(operand.info.nullable);
    return { kind: 'neg', info, operand };
  }

  binary(op: BinaryOp, left: PlanExpr, right: PlanExpr): PlanExpr {
    const nullable = left.info.nullable || right.info.nullable;
    switch (op) {
      case '+':
      case '-':
      case '*':
      case '/':
      case 'div':
      case 'mod':
        return { kind: 'arith', info: arithInfo(op, left.info, right.info), op, left, right };
      case '=':
      case '<>':
      case '<':
      case '<=':
      case '>':
      case '>=':
        return {
          kind: 'compare',
          info: predicateInfo(nullable),
          op,
          mode: compareMode([left, right]),
          left,
          right,
        };
      case 'and':
      case 'or':
      case 'xor':
        return { kind: 'logic', info: predicateInfo(nullable), op, left, right };
      default:
        return unreachable(op);
    }
  }

  private like(e: Expr & { kind: 'like' }): PlanExpr {
    const operand = this.bind(e.operand);
    const pattern = this.bind(e.pattern);
    const escape = e.escape === null ? null : this.bind(e.escape);
    const mode = compareMode([operand, pattern]);
    const coll = mode.kind === 'string' ? mode.collation : collation(DEFAULT_COLLATION);
    const nullable = operand.info.nullable || pattern.info.nullable;
    return {
      kind: 'like',
      info: predicateInfo(nullable),
      collation: coll,
      operand,
      pattern,
      escape,
      negated: e.negated,
    };
  }

  private call(name: string, argExprs: readonly Expr[]): PlanExpr {
    // Issue 6b: the function registry (functions/*.ts) first.
    const registered = callFunction(name, argExprs, {
      bind: (x) => this.bind(x),
      binary: (op, left, right) => this.binary(op, left, right),
      params: this.scope.params,
      currentDatabase: this.scope.currentDatabase,
    });
    if (registered !== undefined) return registered;
    const fn = IMPLEMENTED[name];
    if (fn === undefined) {
      if (MYSQL_BUILTINS.has(name))
        throw new SqlError('ER_NOT_SUPPORTED_YET', [`function ${name.toUpperCase()}`]);
      const db = this.scope.currentDatabase;
      throw new SqlError('ER_SP_DOES_NOT_EXIST', [
        'FUNCTION',
        db === null ? name : `${db}.${name}`,
      ]);
    }
    if (!fn.args.includes(argExprs.length)) {
      throw new SqlError('ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT', [name]);
    }
    const args = argExprs.map((a) => this.bind(a));
    const info = functionInfo(fn.name, args, this.scope.params);
    return { kind: 'function', info, name: fn.name, args };
  }
}
