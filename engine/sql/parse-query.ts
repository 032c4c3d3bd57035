/**
 * Queries out of node-sql-parser's AST, for parse.ts: query blocks, set operations (UNION,
 * INTERSECT, EXCEPT with MySQL's precedence), WITH, FROM with joins and derived tables, GROUP BY
 * [WITH ROLLUP], HAVING, window specifications (read from the tokens by query-text.ts), and the
 * expressions that hold queries or aggregates (subqueries, EXISTS, IN / ANY / ALL, row
 * constructors, aggregate and window calls).
 *
 * Query blocks take their select-list texts from query-text.ts in text order of their SELECT
 * keyword (Q1 there): `select()` converts a block's WITH first, then claims its block, then its
 * clauses in text order.
 */
import type {
  AggregateCall,
  CommonTableExpr,
  CompareOperator,
  Expr,
  FrameBound,
  Limit,
  NamedWindow,
  OrderItem,
  QueryExpr,
  SelectItem,
  SelectLock,
  SelectStatement,
  TableExpr,
  TableName,
  WindowRef,
  WindowSpec,
  WithClause,
} from './ast.js';
import {
  type Obj,
  isObj,
  list,
  nameOf,
  notSupportedYet,
  obj,
  present,
  text,
} from './parse-nodes.js';
import {
  type BlockText,
  type BoundText,
  DISTINCT_AGGREGATE_MARK,
  NATURAL_MARK,
  type QueryText,
  type TextRange,
  WINDOW_MARK,
  type WindowSpecText,
} from './query-text.js';

/** What parse.ts's converter lends this one. */
export interface QueryHost {
  expr(x: unknown): Expr;
  alias(raw: unknown): string | null;
  orderBy(x: unknown): OrderItem[];
  limit(x: unknown): Limit | null;
  tableName(x: unknown): TableName;
  /** Expressions at ranges of the original text (window specifications). */
  expressions(ranges: readonly TextRange[]): Expr[];
  /** ER_PARSE_ERROR at the text's end (what node-sql-parser let through but MySQL does not). */
  syntaxError(): Error;
}

/** Aggregate functions by their lower-case name (synonyms resolved in query-text.ts). */
export const AGGREGATE_NAMES: ReadonlySet<string> = new Set(
  (
    'count sum avg min max group_concat bit_and bit_or bit_xor stddev stddev_pop stddev_samp ' +
    'var_pop var_samp json_arrayagg json_objectagg'
  ).split(' '),
);

/** Functions that exist only as window functions. */
export const WINDOW_FUNCTION_NAMES: ReadonlySet<string> = new Set(
  (
    'row_number rank dense_rank percent_rank cume_dist ntile lag lead first_value last_value ' +
    'nth_value'
  ).split(' '),
);

const COMPARE_OPERATORS: Readonly<Record<string, CompareOperator>> = {
  '=': '=',
  '<>': '<>',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

type SetOp = 'union' | 'intersect' | 'except';

export class QueryConverter {
  private nextBlock = 0;

  constructor(
    private readonly host: QueryHost,
    private readonly queryText: QueryText | null,
  ) {}

  // -- queries -------------------------------------------------------------------------------

  /** A statement or subquery: one block, or blocks joined by set operators. */
  query(node: Obj): QueryExpr {
    const withClause = this.with(node.with);
    const blocks: { node: Obj; parenthesized: boolean }[] = [];
    const rawOps: (string | null)[] = [];
    let at: Obj | null = node;
    while (at !== null) {
      blocks.push({ node: at, parenthesized: at.parentheses_symbol === true });
      const next: unknown = at._next;
      if (!isObj(next)) break;
      rawOps.push(text(at.set_op));
      at = next;
    }
    const last = blocks[blocks.length - 1] as { node: Obj; parenthesized: boolean };
    // Unparenthesized, the last block's ORDER BY / LIMIT belong to the whole set operation.
    const trailing = blocks.length > 1 && !last.parenthesized;
    // Blocks and operators in text order: each INTERSECT / EXCEPT takes its ALL flag in turn.
    const converted: SelectStatement[] = [];
    const ops: { op: SetOp; distinct: boolean }[] = [];
    blocks.forEach((b, i) => {
      converted.push(
        this.select(b.node, i === 0 ? withClause : null, trailing && i === blocks.length - 1),
      );
      if (i < rawOps.length) ops.push(this.setOperator(rawOps[i] ?? null));
    });
    let orderBy = trailing ? this.host.orderBy(last.node.orderby) : [];
    let limit = trailing ? this.host.limit(last.node.limit) : null;
    if (present(node._orderby)) orderBy = this.host.orderBy(node._orderby);
    if (isObj(node._limit)) limit = this.host.limit(node._limit);
    if (converted.length === 1) {
      const only = converted[0] as SelectStatement;
      if (orderBy.length === 0 && limit === null) return only;
      // (SELECT … ORDER BY a LIMIT 1) ORDER BY b: the outer clauses apply to the block's rows.
      return wrapOrdered(only, orderBy, limit);
    }
    const tree = combine(converted, ops);
    return { ...tree, with: withClause, orderBy, limit };
  }

  private nextSetOp = 0;

  private setOperator(raw: string | null): { op: SetOp; distinct: boolean } {
    const parsed = setOperator(raw);
    if (parsed.op === 'union') return parsed;
    const all = this.queryText?.setOpAll[this.nextSetOp++] === true;
    return { op: parsed.op, distinct: !all };
  }

  private with(x: unknown): WithClause | null {
    const entries = list(x);
    if (entries.length === 0) return null;
    let recursive = false;
    const ctes: CommonTableExpr[] = entries.map((e) => {
      const entry = obj(e, 'WITH');
      if (entry.recursive === true) recursive = true;
      const stmt = obj(entry.stmt, 'WITH');
      const columns = present(entry.columns)
        ? list(entry.columns).map((c) => nameOf(isObj(c) ? c.column : c, 'column'))
        : null;
      return {
        name: nameOf(entry.name, 'WITH'),
        columns,
        query: this.query(obj(stmt.ast, 'WITH')),
      };
    });
    return { recursive, ctes };
  }

  private claimBlock(): BlockText | undefined {
    return this.queryText?.blocks[this.nextBlock++];
  }

  /** One query block; `outerClauses`: its ORDER BY / LIMIT belong to the set operation. */
  private select(node: Obj, withClause: WithClause | null, outerClauses: boolean): SelectStatement {
    if (present(node.collate)) throw notSupportedYet('COLLATE');
    if (isObj(node.into) && present(node.into.position)) throw notSupportedYet('SELECT ... INTO');
    for (const option of list(node.options)) {
      if (option === 'SQL_CALC_FOUND_ROWS') throw notSupportedYet('SQL_CALC_FOUND_ROWS');
    }
    if (node.type !== 'select')
      throw notSupportedYet(`${String(node.type).toUpperCase()} in a query`);
    // parse.ts takes a statement's own locking clause off before the parser reads the forms it
    // cannot; one the parser reads belongs to this block alone (a subquery's, a derived table's,
    // a CTE's, a set operation's part): it locks the rows this block reads, as in MySQL.
    const lock = present(node.locking_read) ? blockLock(node.locking_read) : undefined;
    const block = this.claimBlock();
    const columns =
      node.columns === '*' ? [{ expr: { type: 'column_ref', column: '*' } }] : list(node.columns);
    const items = columns.map((c, i) => this.selectItem(c, block?.items[i]));
    const from = this.from(node.from);
    const where = present(node.where) ? this.host.expr(node.where) : null;
    const groupBy = this.groupBy(node.groupby);
    const having = present(node.having) ? this.host.expr(node.having) : null;
    const windows = (block?.windows ?? []).map((w) => this.namedWindow(w.name, w.spec));
    return {
      kind: 'select',
      with: withClause,
      distinct: text(node.distinct)?.toUpperCase() === 'DISTINCT',
      items,
      from,
      where,
      groupBy,
      having,
      windows,
      orderBy: outerClauses ? [] : this.host.orderBy(node.orderby),
      limit: outerClauses ? null : this.host.limit(node.limit),
      ...(lock === undefined ? {} : { lock }),
    };
  }

  private selectItem(x: unknown, itemText: string | undefined): SelectItem {
    const node = obj(x, 'select item');
    const exprNode = obj(node.expr, 'select item');
    if (exprNode.type === 'column_ref' && exprNode.column === '*') {
      return {
        kind: 'star',
        table: present(exprNode.table) ? nameOf(exprNode.table, 'table') : null,
      };
    }
    const expr = this.host.expr(exprNode);
    const alias = this.host.alias(node.as);
    const shown =
      expr.kind === 'literal' && expr.literal.kind === 'string' ? expr.literal.value : itemText;
    return { kind: 'expr', expr, alias, text: shown ?? '' };
  }

  private groupBy(x: unknown): SelectStatement['groupBy'] {
    if (!present(x)) return null;
    const node = Array.isArray(x) ? { columns: x, modifiers: [] } : obj(x, 'GROUP BY');
    const items = list(node.columns).map((c) => this.host.expr(c));
    const rollup = list(node.modifiers).some(
      (m) => isObj(m) && String(m.value).toLowerCase() === 'with rollup',
    );
    return { items, rollup };
  }

  // -- FROM ------------------------------------------------------------------------------------

  private from(x: unknown): TableExpr | null {
    if (isObj(x) && Array.isArray(x.expr)) return this.parenthesizedFrom(x);
    const items = list(x).filter((f) => !(isObj(f) && f.type === 'dual'));
    if (items.length === 0) return null;
    return this.fromList(items);
  }

  /** `a JOIN b …, c JOIN d …`: comma binds loosest, so each comma starts a new segment. */
  private fromList(items: readonly unknown[]): TableExpr {
    const segments: TableExpr[] = [];
    let current: TableExpr | null = null;
    for (const item of items) {
      const node = obj(item, 'FROM');
      if (current !== null && present(node.join)) {
        current = this.join(current, node);
        continue;
      }
      if (current !== null) segments.push(current);
      current = this.factor(node);
    }
    if (current !== null) segments.push(current);
    return segments.reduce((left, right) => ({
      kind: 'join',
      join: 'cross',
      left,
      right,
      on: null,
      using: null,
      natural: false,
    }));
  }

  private parenthesizedFrom(node: Obj): TableExpr {
    let inner = this.fromList(list(node.expr));
    for (const j of list(node.joins)) inner = this.join(inner, obj(j, 'JOIN'));
    return inner;
  }

  private join(left: TableExpr, node: Obj): TableExpr {
    const kind = (text(node.join) ?? '').toUpperCase();
    const join: 'inner' | 'left' | 'right' | 'cross' = kind.startsWith('LEFT')
      ? 'left'
      : kind.startsWith('RIGHT')
        ? 'right'
        : kind === 'CROSS JOIN'
          ? 'cross'
          : kind === 'INNER JOIN' || kind === 'JOIN' || kind === 'STRAIGHT_JOIN'
            ? 'inner'
            : (() => {
                throw notSupportedYet(kind);
              })();
    const right = this.factor(node);
    let using: string[] | null = null;
    let natural = false;
    if (present(node.using)) {
      using = list(node.using).map((u) =>
        nameOf(isObj(u) && u.type === 'default' ? u.value : u, 'USING'),
      );
      if (using.length === 1 && using[0] === NATURAL_MARK) {
        using = null;
        natural = true;
      }
    }
    const on = present(node.on) ? this.host.expr(node.on) : null;
    return { kind: 'join', join, left, right, on, using, natural };
  }

  /** One table factor: a table, a derived table, or a parenthesized join. */
  private factor(node: Obj): TableExpr {
    if (isObj(node.expr) && isObj(node.expr.ast)) {
      const alias = this.host.alias(node.as);
      if (alias === null) throw new DerivedAliasError();
      const lateral = text(node.prefix)?.toUpperCase() === 'LATERAL';
      return {
        kind: 'derived',
        query: this.query(node.expr.ast),
        alias,
        columns: null,
        lateral,
      };
    }
    if (Array.isArray(node.expr)) return this.parenthesizedFrom(node);
    if (present(node.prefix)) throw notSupportedYet(String(node.prefix));
    // Only the name parts: the join fields are this converter's (tableName refuses them).
    const table = this.host.tableName({ db: node.db, table: node.table });
    return { kind: 'table', table, alias: this.host.alias(node.as) };
  }

  // -- windows -----------------------------------------------------------------------------------

  private namedWindow(name: string, spec: WindowSpecText): NamedWindow {
    return { name, spec: this.windowSpec(spec) };
  }

  private windowSpec(spec: WindowSpecText): WindowSpec {
    const ranges: TextRange[] = [...spec.partitionBy, ...spec.orderBy.map((o) => o.range)];
    const offsets = [spec.frame?.start, spec.frame?.end].filter(
      (b): b is BoundText & { offset: TextRange } => b !== undefined && 'offset' in b,
    );
    ranges.push(...offsets.map((b) => b.offset));
    const exprs = this.host.expressions(ranges);
    let at = 0;
    const take = (): Expr => exprs[at++] as Expr;
    const partitionBy = spec.partitionBy.map(() => take());
    const orderBy = spec.orderBy.map((o) => ({ expr: take(), descending: o.descending }));
    const bound = (b: BoundText): FrameBound =>
      'offset' in b ? { kind: b.kind, offset: take(), unit: b.unit } : { kind: b.kind };
    const frame =
      spec.frame === null
        ? null
        : { unit: spec.frame.unit, start: bound(spec.frame.start), end: bound(spec.frame.end) };
    return { base: spec.base, partitionBy, orderBy, frame };
  }

  private over(x: unknown): WindowRef | null {
    if (!isObj(x)) return null;
    const spec = x.as_window_specification;
    if (typeof spec === 'string') {
      if (spec.startsWith(WINDOW_MARK)) {
        const text = this.queryText?.overs[Number(spec.slice(WINDOW_MARK.length))];
        if (text !== undefined) return { kind: 'spec', spec: this.windowSpec(text) };
      }
      return { kind: 'named', name: spec };
    }
    throw notSupportedYet('window specification');
  }

  // -- expressions ---------------------------------------------------------------------------

  /** A node with an `ast`: a scalar (or row) subquery. */
  subquery(node: Obj): Expr {
    return { kind: 'subquery', query: this.query(obj(node.ast, 'subquery')) };
  }

  /** The subquery an argument list holds (IN (SELECT …), EXISTS (SELECT …)), or undefined. */
  static subqueryOf(args: unknown): Obj | undefined {
    const items = isObj(args) ? list(args.value) : [];
    const first = items[0];
    if (items.length === 1 && isObj(first) && isObj(first.ast)) return first.ast;
    return undefined;
  }

  inSubquery(operand: Expr, query: Obj, negated: boolean): Expr {
    return { kind: 'in-subquery', operand, query: this.query(query), negated };
  }

  /** `operand op ANY|SOME|ALL (SELECT …)`, or undefined when `right` is no such call. */
  quantified(operator: string, operand: Expr, right: unknown): Expr | undefined {
    if (!isObj(right) || right.type !== 'function') return undefined;
    const fn = functionName(right);
    if (fn !== 'any' && fn !== 'some' && fn !== 'all') return undefined;
    const query = QueryConverter.subqueryOf(right.args);
    const op = COMPARE_OPERATORS[operator];
    if (query === undefined || op === undefined) return undefined;
    return { kind: 'quantified', op, all: fn === 'all', operand, query: this.query(query) };
  }

  exists(query: Obj, negated: boolean): Expr {
    return { kind: 'exists', query: this.query(query), negated };
  }

  row(items: readonly unknown[]): Expr {
    return { kind: 'row', items: items.map((i) => this.host.expr(i)) };
  }

  /** node-sql-parser's aggr_func: COUNT, SUM, AVG, MIN, MAX, GROUP_CONCAT. */
  aggregateNode(node: Obj): Expr {
    const name = (text(node.name) ?? '').toLowerCase();
    const args = obj(node.args, 'aggregate arguments');
    const argument = obj(args.expr, 'aggregate arguments');
    const star = argument.type === 'star';
    const values = star
      ? []
      : argument.type === 'expr_list'
        ? list(argument.value).map((a) => this.host.expr(a))
        : [this.host.expr(argument)];
    const separatorNode = isObj(args.separator) ? args.separator.value : undefined;
    let separator: string | null = null;
    if (separatorNode !== undefined) {
      const value = this.host.expr(separatorNode);
      if (value.kind !== 'literal' || value.literal.kind !== 'string')
        throw this.host.syntaxError();
      separator = value.literal.value;
    }
    return this.aggregate(name, values, {
      star,
      distinct: text(args.distinct)?.toUpperCase() === 'DISTINCT',
      orderBy: this.host.orderBy(args.orderby),
      separator,
      over: node.over,
    });
  }

  /**
   * A 'function' node that is an aggregate or window call, or undefined for a plain function.
   * `args` are converted already.
   */
  functionCall(name: string, args: readonly Expr[], over: unknown): Expr | undefined {
    let distinct = false;
    let base = name;
    if (name.startsWith(DISTINCT_AGGREGATE_MARK)) {
      distinct = true;
      base = name.slice(DISTINCT_AGGREGATE_MARK.length);
    }
    if (AGGREGATE_NAMES.has(base)) {
      return this.aggregate(base, args, {
        star: false,
        distinct,
        orderBy: [],
        separator: null,
        over,
      });
    }
    if (WINDOW_FUNCTION_NAMES.has(name)) {
      const ref = this.over(over);
      if (ref === null) throw this.host.syntaxError();
      return { kind: 'window', name, args, over: ref };
    }
    return undefined;
  }

  private aggregate(
    name: string,
    args: readonly Expr[],
    options: {
      star: boolean;
      distinct: boolean;
      orderBy: OrderItem[];
      separator: string | null;
      over: unknown;
    },
  ): AggregateCall {
    return {
      kind: 'aggregate',
      name,
      args,
      star: options.star,
      distinct: options.distinct,
      orderBy: options.orderBy,
      separator: options.separator,
      over: this.over(options.over),
    };
  }
}

/** MySQL's ER_DERIVED_MUST_HAVE_ALIAS (1248); parse.ts maps it. */
export class DerivedAliasError extends Error {
  override readonly name = 'DerivedAliasError';
}

function functionName(node: Obj): string {
  const nameNode = isObj(node.name) ? node.name : {};
  const parts = list(nameNode.name).map((p) => nameOf(p, 'function name'));
  return (parts[parts.length - 1] ?? '').toLowerCase();
}

function setOperator(raw: string | null): { op: SetOp; distinct: boolean } {
  const words = (raw ?? '').toLowerCase().split(/\s+/);
  const op = words[0];
  if (op !== 'union' && op !== 'intersect' && op !== 'except') {
    throw notSupportedYet((raw ?? '').toUpperCase());
  }
  return { op, distinct: words[1] !== 'all' };
}

/** Blocks joined left to right, INTERSECT binding tighter than UNION and EXCEPT (MySQL 8). */
function combine(
  blocks: readonly SelectStatement[],
  ops: readonly { op: SetOp; distinct: boolean }[],
): QueryExpr & { kind: 'set-operation' } {
  // First fold the INTERSECT runs, then the rest left to right.
  const terms: QueryExpr[] = [blocks[0] as QueryExpr];
  const between: { op: SetOp; distinct: boolean }[] = [];
  ops.forEach((o, i) => {
    const right = blocks[i + 1] as QueryExpr;
    if (o.op === 'intersect') {
      const left = terms.pop() as QueryExpr;
      terms.push(setOperation(o, left, right));
    } else {
      between.push(o);
      terms.push(right);
    }
  });
  let tree = terms[0] as QueryExpr;
  between.forEach((o, i) => {
    tree = setOperation(o, tree, terms[i + 1] as QueryExpr);
  });
  if (tree.kind !== 'set-operation') throw new Error('combine: a set operation has two blocks');
  return tree;
}

function setOperation(
  o: { op: SetOp; distinct: boolean },
  left: QueryExpr,
  right: QueryExpr,
): QueryExpr & { kind: 'set-operation' } {
  return {
    kind: 'set-operation',
    op: o.op,
    distinct: o.distinct,
    left,
    right,
    with: null,
    orderBy: [],
    limit: null,
  };
}

/** (block) ORDER BY … LIMIT …: the outer clauses, when the block has none of its own. */
function wrapOrdered(
  block: SelectStatement,
  orderBy: readonly OrderItem[],
  limit: Limit | null,
): QueryExpr {
  if (block.orderBy.length === 0 && block.limit === null) return { ...block, orderBy, limit };
  throw notSupportedYet('ORDER BY or LIMIT after a parenthesized query with its own');
}

/**
 * A query block's own locking clause as node-sql-parser reads it: `for update` or `lock in share
 * mode`, then `nowait`, `skip locked` or `wait n` (query-text.ts turns FOR SHARE into the
 * latter and drops OF …, which it cannot read).
 */
function blockLock(raw: unknown): SelectLock {
  const words = String(raw).trim().toLowerCase().split(/\s+/).join(' ');
  const m = /^(for update|lock in share mode)(?: (nowait|skip locked|wait (\d+(?:\.\d*)?)))?$/.exec(
    words,
  );
  if (m === null) throw notSupportedYet(words.toUpperCase());
  const strength = m[1] === 'for update' ? 'update' : 'share';
  if (m[2] === undefined) return { strength, wait: 'wait' };
  if (m[2] === 'nowait') return { strength, wait: 'nowait' };
  if (m[2] === 'skip locked') return { strength, wait: 'skip' };
  return { strength, wait: { seconds: Number(m[3]) } };
}
