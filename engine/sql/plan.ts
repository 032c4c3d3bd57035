/**
 * Plans: what a statement will do, as plain data — names resolved against the catalog, every
 * expression typed — and nothing about how (execute.ts). A plan prints (`printPlan`) for tests
 * and, later, EXPLAIN.
 *
 * Row access to a table goes by its primary key (the clustered index):
 *   full-scan   every row in key order;
 *   pk-lookup   point gets of whole keys (=, IN on every key column);
 *   pk-range    for each prefix of key values (= / IN on leading key columns), the range of the
 *               next key column between the tightest of `lower` and of `upper` bounds.
 * Every access returns rows in key order (or reverse), so an ORDER BY on the key needs no sort.
 * `residual` is the part of WHERE the access does not guarantee; it is applied to every row.
 */
import type { ColumnInfo } from '../api.js';
import type {
  DatabaseDef,
  IndexDef,
  IndexSpec,
  TableDef,
  ViewDef,
} from '../catalog/definitions.js';
import type { AlterPlan } from './plan-alter.js';
import type { JoinDmlPlan } from './plan-join-dml.js';
import type { Statement } from './ast.js';
import type { PlanWarning } from './plan-ddl.js';
import type { TableSpec } from '../catalog/catalog.js';
import type { VirtualTable } from './information-schema/index.js';
import { unreachable } from '../unreachable.js';
import type { Collation } from './collation.js';
import type { SqlType, Value } from './values.js';
import type { QueryPlan } from './plan-query.js';
import { printQueryPlan } from './explain-tree.js';
import type { EvalContext } from './expr.js';

/** Static facts about an expression's result, as MySQL's Item keeps them. */
export interface ExprInfo {
  readonly type: SqlType;
  readonly nullable: boolean;
  /** MySQL's max_length: display width in characters. */
  readonly length: number;
  /** Digits after the point (DECIMAL, DATETIME); 31 for strings and doubles, as MySQL sends. */
  readonly decimals: number;
  /** Collation id for metadata: 63 binary for non-strings. */
  readonly collationId: number;
}

/** How two values compare: MySQL converts both sides to one of these first. */
export type CompareMode =
  | { readonly kind: 'int' }
  | { readonly kind: 'decimal' }
  | { readonly kind: 'double' }
  | { readonly kind: 'datetime' }
  | { readonly kind: 'string'; readonly collation: Collation }
  /** Issue 6b: TIME against TIME or text; JSON against anything (json.ts's order). */
  | { readonly kind: 'time' }
  | { readonly kind: 'json' };

export type ArithOp = '+' | '-' | '*' | '/' | 'div' | 'mod';
export type CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type FunctionName =
  | 'version'
  | 'database'
  | 'user'
  | 'current_user'
  | 'connection_id'
  | 'now'
  /** LAST_INSERT_ID([expr]) (issue 5). */
  | 'last_insert_id';

export type PlanExpr =
  | { readonly kind: 'const'; readonly info: ExprInfo; readonly value: Value }
  | {
      readonly kind: 'column';
      readonly info: ExprInfo;
      /** Index into the source row (the table's columns). */
      readonly index: number;
      readonly name: string;
      /** `db`.`table`.`column`, as MySQL prints a column in messages. */
      readonly qualifiedName: string;
    }
  | {
      readonly kind: 'arith';
      readonly info: ExprInfo;
      readonly op: ArithOp;
      readonly left: PlanExpr;
      readonly right: PlanExpr;
    }
  | { readonly kind: 'neg'; readonly info: ExprInfo; readonly operand: PlanExpr }
  | {
      readonly kind: 'compare';
      readonly info: ExprInfo;
      readonly op: CompareOp;
      readonly mode: CompareMode;
      readonly left: PlanExpr;
      readonly right: PlanExpr;
    }
  | {
      readonly kind: 'logic';
      readonly info: ExprInfo;
      readonly op: 'and' | 'or' | 'xor';
      readonly left: PlanExpr;
      readonly right: PlanExpr;
    }
  | { readonly kind: 'not'; readonly info: ExprInfo; readonly operand: PlanExpr }
  | {
      readonly kind: 'is';
      readonly info: ExprInfo;
      readonly operand: PlanExpr;
      readonly test: 'null' | 'true' | 'false';
      readonly negated: boolean;
    }
  | {
      readonly kind: 'between';
      readonly info: ExprInfo;
      readonly mode: CompareMode;
      readonly operand: PlanExpr;
      readonly low: PlanExpr;
      readonly high: PlanExpr;
      readonly negated: boolean;
    }
  | {
      readonly kind: 'in';
      readonly info: ExprInfo;
      readonly mode: CompareMode;
      readonly operand: PlanExpr;
      readonly list: readonly PlanExpr[];
      readonly negated: boolean;
    }
  | {
      readonly kind: 'like';
      readonly info: ExprInfo;
      readonly collation: Collation;
      readonly operand: PlanExpr;
      readonly pattern: PlanExpr;
      readonly escape: PlanExpr | null;
      readonly negated: boolean;
    }
  | {
      readonly kind: 'function';
      readonly info: ExprInfo;
      readonly name: FunctionName;
      readonly args: readonly PlanExpr[];
    }
  | {
      readonly kind: 'system-variable';
      readonly info: ExprInfo;
      readonly name: string;
      /** The value when bound; execution reads the current one (EvalContext.variables). */
      readonly value: Value;
      readonly scope?: 'global' | 'session' | null;
    }
  /** Parameter `index` of the statement: a `?`, or a literal the plan cache lifted out. */
  | { readonly kind: 'param'; readonly info: ExprInfo; readonly index: number }
  | { readonly kind: 'user-variable'; readonly info: ExprInfo; readonly name: string }
  | {
      readonly kind: 'assign-user-variable';
      readonly info: ExprInfo;
      readonly name: string;
      readonly value: PlanExpr;
    }
  /**
   * Issue 6b: a function of the registry (functions/*.ts), or an operator or form built on one
   * (CASE, CAST, COLLATE, INTERVAL arithmetic, ->): compiled by its own `compile`.
   */
  | {
      readonly kind: 'call';
      readonly info: ExprInfo;
      /** Lower-case name, as MySQL prints it. */
      readonly name: string;
      readonly args: readonly PlanExpr[];
      /** False for RAND(), UUID(), SLEEP(), …: never evaluated once for a whole statement. */
      readonly deterministic: boolean;
      readonly compile: CallCompiler;
    }
  /**
   * Issue 6a: a column of an enclosing row — of an outer query block (depth ≥ 1: a correlated
   * reference), or of the row driving a nested-loop join (depth 0: a join key) — read from
   * EvalContext.query (query-expr.ts).
   */
  | {
      readonly kind: 'outer-column';
      readonly info: ExprInfo;
      readonly depth: number;
      readonly index: number;
      readonly name: string;
      readonly qualifiedName: string;
    }
  /** Issue 6a: a subquery's result as the test needs it (plan-query.ts SubqueryTest). */
  | {
      readonly kind: 'subquery';
      readonly info: ExprInfo;
      /** Index into QueryPlan.subqueries. */
      readonly id: number;
      readonly test: SubqueryTest;
      /** The types of the subquery's columns. */
      readonly columnTypes: readonly SqlType[];
    };

/** What a 'subquery' expression makes of its subquery's rows (issue 6a). */
export type SubqueryTest =
  /** The one value of the one row; NULL without rows; ER_SUBQUERY_NO_1_ROW past one. */
  | { readonly kind: 'scalar' }
  | { readonly kind: 'exists'; readonly negated: boolean }
  /** (operands) [NOT] IN (SELECT …), one compare mode per column. */
  | {
      readonly kind: 'in';
      readonly operands: readonly PlanExpr[];
      readonly modes: readonly CompareMode[];
      readonly negated: boolean;
    }
  /** operand op ANY | ALL (SELECT …) */
  | {
      readonly kind: 'quantified';
      readonly op: CompareOp;
      readonly all: boolean;
      readonly operand: PlanExpr;
      readonly mode: CompareMode;
    }
  /** (operands) op (SELECT a, b …): a row comparison with a one-row subquery. */
  | {
      readonly kind: 'row-compare';
      readonly op: CompareOp;
      readonly operands: readonly PlanExpr[];
      readonly modes: readonly CompareMode[];
    };

/** Turns a call's compiled arguments into its evaluator (functions/registry.ts). */
export type CallCompiler = (args: readonly CallArgument[]) => CallEvaluator;
export type CallEvaluator = (row: readonly Value[], ctx: EvalContext) => Value;
export interface CallArgument {
  readonly eval: CallEvaluator;
  readonly info: ExprInfo;
}

export interface KeyBound {
  readonly expr: PlanExpr;
  readonly inclusive: boolean;
}

export type Access =
  | { readonly kind: 'full-scan' }
  | { readonly kind: 'pk-lookup'; readonly keys: readonly (readonly PlanExpr[])[] }
  | {
      readonly kind: 'pk-range';
      /** Values of the leading key columns; [[]] when the range is on the first column. */
      readonly prefixes: readonly (readonly PlanExpr[])[];
      /** Bounds on key column prefixes[0].length; empty lists: unbounded. */
      readonly lower: readonly KeyBound[];
      readonly upper: readonly KeyBound[];
    }
  /** A secondary index's entries: prefixes of its columns, then a range (issue 5). */
  | {
      readonly kind: 'index-range';
      readonly index: IndexDef;
      readonly prefixes: readonly (readonly PlanExpr[])[];
      readonly lower: readonly KeyBound[];
      readonly upper: readonly KeyBound[];
    }
  /** A whole secondary index in order (ORDER BY … LIMIT without a usable WHERE). */
  | { readonly kind: 'index-scan'; readonly index: IndexDef };

export interface SortKey {
  readonly expr: PlanExpr;
  readonly descending: boolean;
}

/** Where rows come from: one table through one access path. */
export interface TableSource {
  readonly table: TableDef;
  readonly access: Access;
  /** Read the access path backwards (ORDER BY key DESC). */
  readonly reverse: boolean;
  readonly residual: PlanExpr | null;
  /** Keys the WHERE clause could use (EXPLAIN's possible_keys). */
  readonly possibleKeys?: readonly string[];
  /** An information_schema table: its rows are made, not read (6c, information-schema/). */
  readonly virtual?: VirtualTable;
}

export interface LimitPlan {
  readonly count: bigint;
  readonly offset: bigint;
}

export interface OutputColumn {
  readonly expr: PlanExpr;
  readonly column: ColumnInfo;
}

export type Plan =
  | { readonly kind: 'create-database'; readonly name: string; readonly ifNotExists: boolean }
  | { readonly kind: 'drop-database'; readonly name: string; readonly ifExists: boolean }
  | {
      readonly kind: 'create-table';
      readonly spec: TableSpec;
      readonly ifNotExists: boolean;
      /** Warnings the statement raises when it runs (engine substitution, 6c). */
      readonly warnings?: readonly PlanWarning[];
      /** CREATE TABLE … SELECT: the query, inserted after the table exists (6c). */
      readonly select?: {
        readonly columns: readonly string[];
        readonly duplicates: 'error' | 'ignore' | 'replace';
        readonly query: Statement;
      };
    }
  | {
      readonly kind: 'drop-table';
      readonly tables: readonly { readonly database: string; readonly name: string }[];
      readonly ifExists: boolean;
    }
  | {
      readonly kind: 'insert';
      readonly table: TableDef;
      /** One expression per table column per row; omitted columns hold their DEFAULT. */
      readonly rows: readonly (readonly PlanExpr[])[];
      /** Issue 6 (6c): INSERT IGNORE, REPLACE, ON DUPLICATE KEY UPDATE, INSERT … SELECT. */
      readonly dml?: InsertDml;
    }
  | {
      readonly kind: 'update';
      readonly source: TableSource;
      readonly assignments: readonly { readonly column: number; readonly expr: PlanExpr }[];
      /** null: rows in access order. */
      readonly order: readonly SortKey[] | null;
      readonly limit: bigint | null;
    }
  | {
      readonly kind: 'delete';
      readonly source: TableSource;
      readonly order: readonly SortKey[] | null;
      readonly limit: bigint | null;
    }
  | {
      readonly kind: 'select';
      /** The query: a tree of row sources (plan-query.ts), for SELECT and set operations. */
      readonly query: QueryPlan;
    }
  | { readonly kind: 'show-databases'; readonly like: string | null }
  | { readonly kind: 'show-tables'; readonly database: string; readonly like: string | null }
  | { readonly kind: 'show-warnings' }
  | { readonly kind: 'use'; readonly database: string }
  // Issue 5: indexes and EXPLAIN
  | { readonly kind: 'create-index'; readonly table: TableDef; readonly spec: IndexSpec }
  | { readonly kind: 'drop-index'; readonly table: TableDef; readonly index: IndexDef }
  | { readonly kind: 'explain'; readonly plan: Plan }
  // Issue 6 (6c): schema changes (plan-schema.ts, run by schema-run.ts)
  | SchemaPlan;

/** Schema changes of issue 6 (6c), and multi-table UPDATE / DELETE. */
export type SchemaPlan =
  | { readonly kind: 'update-join'; readonly join: JoinDmlPlan; readonly ignore: boolean }
  | { readonly kind: 'delete-join'; readonly join: JoinDmlPlan; readonly ignore: boolean }
  | { readonly kind: 'alter-table'; readonly alter: AlterPlan }
  | {
      readonly kind: 'rename-table';
      readonly renames: readonly {
        readonly from: { readonly database: string; readonly name: string };
        readonly to: { readonly database: string; readonly name: string };
      }[];
    }
  | { readonly kind: 'truncate-table'; readonly table: TableDef }
  | {
      readonly kind: 'create-view';
      readonly view: ViewDef;
      /** ALGORITHM = MERGE asked of a query MySQL cannot merge: warning 1354, UNDEFINED kept. */
      readonly mergeRefused: boolean;
      /** OR REPLACE / ALTER VIEW: an existing view is replaced (ALTER: must exist). */
      readonly replace: boolean;
      readonly alter: boolean;
    }
  | {
      readonly kind: 'drop-view';
      readonly views: readonly { readonly database: string; readonly name: string }[];
      readonly ifExists: boolean;
    }
  | { readonly kind: 'alter-database'; readonly def: DatabaseDef };

/** What an INSERT does beyond storing its rows (6c, dml-insert.ts). */
export interface InsertDml {
  /** A duplicate key: an error, skipped with a warning, replaces, or updates the old row. */
  readonly duplicates: 'error' | 'ignore' | 'replace' | 'update';
  /** ON DUPLICATE KEY UPDATE: each over the old row's columns, then the new row's. */
  readonly onDuplicate: readonly { readonly column: number; readonly expr: PlanExpr }[];
  /** INSERT … SELECT: the query, and the table column each of its columns goes to. */
  readonly query: { readonly plan: Plan; readonly targets: readonly number[] } | null;
  /** Columns whose values the statement gives (others take their DEFAULT). */
  readonly given: readonly boolean[];
  /** IGNORE: bad values are adjusted and failing rows skipped, with warnings. */
  readonly ignore: boolean;
}

export type PlanKind = Plan['kind'];

// ---------------------------------------------------------------------------------------------
// Printing

const not = (negated: boolean): string => (negated ? 'not ' : '');

export function printExpr(e: PlanExpr): string {
  switch (e.kind) {
    case 'const':
      return e.value === null
        ? 'NULL'
        : typeof e.value === 'string'
          ? `'${e.value}'`
          : String(e.value);
    case 'column':
      return e.name;
    case 'arith':
    case 'logic':
      return `(${printExpr(e.left)} ${e.op} ${printExpr(e.right)})`;
    case 'compare':
      return `(${printExpr(e.left)} ${e.op} ${printExpr(e.right)})`;
    case 'neg':
      return `-(${printExpr(e.operand)})`;
    case 'not':
      return `not(${printExpr(e.operand)})`;
    case 'is':
      return `(${printExpr(e.operand)} is ${e.negated ? 'not ' : ''}${e.test})`;
    case 'between': {
      const range = `${printExpr(e.low)} and ${printExpr(e.high)}`;
      return `(${printExpr(e.operand)} ${not(e.negated)}between ${range})`;
    }
    case 'in':
      return `(${printExpr(e.operand)} ${not(e.negated)}in (${e.list.map(printExpr).join(', ')}))`;
    case 'like':
      return `(${printExpr(e.operand)} ${e.negated ? 'not ' : ''}like ${printExpr(e.pattern)})`;
    case 'function':
      return `${e.name}(${e.args.map(printExpr).join(', ')})`;
    case 'system-variable':
      return `@@${e.name}`;
    case 'param':
      return `?${e.index}`;
    case 'user-variable':
      return `@${e.name}`;
    case 'assign-user-variable':
      return `(@${e.name} := ${printExpr(e.value)})`;
    case 'call':
      return `${e.name}(${e.args.map(printExpr).join(', ')})`;
    case 'outer-column':
      return e.name;
    case 'subquery':
      return `(subquery #${e.id})`;
    default:
      return unreachable(e);
  }
}

function printBounds(column: string, bounds: readonly KeyBound[], lower: boolean): string[] {
  return bounds.map((b) => {
    const op = lower ? (b.inclusive ? '>=' : '>') : b.inclusive ? '<=' : '<';
    return `${column} ${op} ${printExpr(b.expr)}`;
  });
}

export function printAccess(table: TableDef, access: Access): string {
  const keyNames = table.primaryKey.map((i) => table.columns[i]?.name ?? '?');
  switch (access.kind) {
    case 'full-scan':
      return 'full-scan';
    case 'pk-lookup':
      return `pk-lookup (${keyNames.join(', ')}) in ${access.keys
        .map((k) => `(${k.map(printExpr).join(', ')})`)
        .join(', ')}`;
    case 'pk-range': {
      const depth = access.prefixes[0]?.length ?? 0;
      const column = keyNames[depth] ?? '?';
      const prefix =
        depth === 0
          ? ''
          : `(${keyNames.slice(0, depth).join(', ')}) in ${access.prefixes
              .map((p) => `(${p.map(printExpr).join(', ')})`)
              .join(', ')} `;
      const bounds = [
        ...printBounds(column, access.lower, true),
        ...printBounds(column, access.upper, false),
      ];
      return `pk-range ${prefix}${bounds.join(' and ')}`.trimEnd();
    }
    case 'index-range': {
      const names = access.index.parts.map((p) => table.columns[p.column]?.name ?? '?');
      const depth = access.prefixes[0]?.length ?? 0;
      const prefix =
        depth === 0
          ? ''
          : `(${names.slice(0, depth).join(', ')}) in ${access.prefixes
              .map((p) => `(${p.map(printExpr).join(', ')})`)
              .join(', ')} `;
      const column = names[depth] ?? '?';
      const bounds = [
        ...printBounds(column, access.lower, true),
        ...printBounds(column, access.upper, false),
      ];
      return `index-range ${access.index.name} ${prefix}${bounds.join(' and ')}`.trimEnd();
    }
    case 'index-scan':
      return `index-scan ${access.index.name}`;
    default:
      return unreachable(access);
  }
}

function printSource(source: TableSource | null): string {
  if (source === null) return 'no table';
  const table = `${source.table.database}.${source.table.name}`;
  const residual = source.residual === null ? '' : ` filter ${printExpr(source.residual)}`;
  const reverse = source.reverse ? ' reverse' : '';
  return `${table} ${printAccess(source.table, source.access)}${reverse}${residual}`;
}

function printOrder(order: readonly SortKey[] | null): string {
  if (order === null) return '';
  const keys = order.map((k) => `${printExpr(k.expr)}${k.descending ? ' desc' : ''}`);
  return ` sort ${keys.join(', ')}`;
}

export function printPlan(plan: Plan): string {
  switch (plan.kind) {
    case 'select':
      return printQueryPlan(plan.query, (source) => printSource(source), printOrder);
    case 'update':
    case 'delete': {
      const limit = plan.limit === null ? '' : ` limit ${plan.limit}`;
      return `${plan.kind} ${printSource(plan.source)}${printOrder(plan.order)}${limit}`;
    }
    case 'insert':
      return `insert ${plan.table.database}.${plan.table.name} rows ${plan.rows.length}`;
    case 'create-database':
    case 'drop-database':
    case 'use':
      return `${plan.kind} ${plan.kind === 'use' ? plan.database : plan.name}`;
    case 'create-table':
      return `create-table ${plan.spec.database}.${plan.spec.name}`;
    case 'drop-table':
      return `drop-table ${plan.tables.map((t) => `${t.database}.${t.name}`).join(', ')}`;
    case 'show-databases':
    case 'show-tables':
    case 'show-warnings':
      return plan.kind;
    case 'create-index':
      return `create-index ${plan.spec.name} on ${plan.table.database}.${plan.table.name}`;
    case 'drop-index':
      return `drop-index ${plan.index.name} on ${plan.table.database}.${plan.table.name}`;
    case 'explain':
      return `explain ${printPlan(plan.plan)}`;
    case 'update-join':
    case 'delete-join':
      return `${plan.kind} ${plan.join.targets
        .map((t) => `${t.table.database}.${t.table.name}`)
        .join(', ')}`;
    case 'alter-table':
      return (
        `alter-table ${plan.alter.table.database}.${plan.alter.table.name}` +
        `${plan.alter.rebuild ? ' rebuild' : ''}`
      );
    case 'rename-table':
      return `rename-table ${plan.renames.map((r) => `${r.from.name} to ${r.to.name}`).join(', ')}`;
    case 'truncate-table':
      return `truncate-table ${plan.table.database}.${plan.table.name}`;
    case 'create-view':
      return `create-view ${plan.view.database}.${plan.view.name}`;
    case 'drop-view':
      return `drop-view ${plan.views.map((v) => `${v.database}.${v.name}`).join(', ')}`;
    case 'alter-database':
      return `alter-database ${plan.def.name}`;
    default:
      return unreachable(plan);
  }
}
