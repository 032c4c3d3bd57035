/**
 * Query plans as text: the one-line form of printPlan (plan.ts) for tests, and EXPLAIN
 * FORMAT=TREE, which shows the plan the executor runs — node by node, children indented by four
 * spaces under `-> `, as MySQL 8 prints its iterator tree:
 *
 *   -> Limit: 10 row(s)
 *       -> Sort: t.c
 *           -> Filter: (t.k > 5)
 *               -> Index range scan on t using PRIMARY over (1 <= id <= 100)
 *
 * (ET1) every node of the plan appears exactly once, subqueries after the node that runs them.
 */
import type { ColumnInfo } from '../api.js';
import type { TableDef } from '../catalog/definitions.js';
import type { Access, KeyBound, PlanExpr, SortKey, TableSource } from './plan.js';
import { printExpr } from './plan.js';
import type { AggregateSpec, QueryNode, QueryPlan, ScanNode } from './plan-query.js';
import { entryColumns } from './index-keys.js';
import { neededColumns } from './read-columns.js';
import { mapExpr } from './plan-walk.js';
import { unreachable } from '../unreachable.js';

/**
 * printPlan's text of a SELECT: the classic one-liner ("select db.t <access> sort … limit …")
 * for a single-table pipeline, else the tree on one line per node.
 */
export function printQueryPlan(
  plan: QueryPlan,
  printSource: (source: TableSource | null) => string,
  printOrder: (order: readonly SortKey[] | null) => string,
): string {
  let node = plan.root;
  let limit = '';
  let order: readonly SortKey[] | null = null;
  const peel = (): boolean => {
    if (node.kind === 'limit' && limit === '') {
      limit = ` limit ${node.count} offset ${node.offset}`;
      node = node.input;
      return true;
    }
    if (node.kind === 'project') {
      node = node.input;
      return true;
    }
    if (node.kind === 'sort' && order === null && node.dedupe !== true) {
      order = node.keys;
      node = node.input;
      return true;
    }
    return false;
  };
  while (peel());
  if (node.kind === 'scan') return `select ${printSource(node.source)}${printOrder(order)}${limit}`;
  if (node.kind === 'one-row') return `select ${printSource(null)}${printOrder(order)}${limit}`;
  return `select\n${treeLines(plan).join('\n')}`;
}

function keysText(keys: readonly SortKey[], show: Show): string {
  return keys.map((k) => `${show(k.expr)}${k.descending ? ' DESC' : ''}`).join(', ');
}

/** A key's column names, in key order. */
function keyColumns(table: TableDef, access: Access): string[] {
  if (access.kind === 'index-range' || access.kind === 'index-scan') {
    return access.index.parts.map((p) => table.columns[p.column]?.name ?? '?');
  }
  return table.primaryKey.map((i) => table.columns[i]?.name ?? '?');
}

function rangeText(
  column: string,
  lower: readonly KeyBound[],
  upper: readonly KeyBound[],
  show: Show,
): string {
  const lo = lower.map((b) => `${show(b.expr)} ${b.inclusive ? '<=' : '<'} `).join('');
  const hi = upper.map((b) => ` ${b.inclusive ? '<=' : '<'} ${show(b.expr)}`).join('');
  return `(${lo}${column}${hi})`;
}

/**
 * True when a scan reads a secondary index alone: its entries hold every column the plan needs
 * of the table (view.ts R7; MySQL's "Using index", "Covering index …").
 */
export function coveringScan(plan: QueryPlan, scan: ScanNode): boolean {
  const { access, table } = scan.source;
  if (access.kind !== 'index-range' && access.kind !== 'index-scan') return false;
  return entryColumns(table, access.index, neededColumns(plan, scan)) !== null;
}

/** A scan as MySQL 8 names its access path (Table scan, Index lookup, Index range scan …). */
function scanText(name: string, source: TableSource, show: Show, covering: boolean): string {
  const { table, access } = source;
  const index = covering ? 'covering index' : 'index';
  const Index = covering ? 'Covering index' : 'Index';
  const reverse = source.reverse ? ' (reverse)' : '';
  const columns = keyColumns(table, access);
  const equals = (values: readonly PlanExpr[]): string =>
    values.map((v, i) => `${columns[i] ?? '?'}=${show(v)}`).join(', ');
  switch (access.kind) {
    case 'full-scan':
      return `Table scan on ${name}${reverse}`;
    case 'pk-lookup':
      if (access.keys.length === 1) {
        return `Single-row index lookup on ${name} using PRIMARY (${equals(access.keys[0] ?? [])})`;
      }
      return `Index range scan on ${name} using PRIMARY over ${access.keys
        .map((k) => `(${equals(k)})`)
        .join(' OR ')}${reverse}`;
    case 'pk-range':
    case 'index-range': {
      const key = access.kind === 'pk-range' ? 'PRIMARY' : access.index.name;
      const depth = access.prefixes[0]?.length ?? 0;
      const ranged = access.lower.length + access.upper.length > 0;
      if (!ranged && access.prefixes.length === 1) {
        const unique =
          access.kind === 'index-range' && access.index.unique && depth === columns.length;
        const kind = unique ? `Single-row ${index} lookup` : `${Index} lookup`;
        return `${kind} on ${name} using ${key} (${equals(access.prefixes[0] ?? [])})${reverse}`;
      }
      const over = access.prefixes.map((p) => {
        const fixed = p.map((v, i) => `${columns[i] ?? '?'} = ${show(v)}`);
        const column = columns[depth] ?? '?';
        const range = ranged ? [rangeText(column, access.lower, access.upper, show)] : [];
        return [...fixed, ...range].join(' AND ');
      });
      return `${Index} range scan on ${name} using ${key} over ${over.join(' OR ')}${reverse}`;
    }
    case 'index-scan':
      return `${Index} scan on ${name} using ${access.index.name}${reverse}`;
    default:
      return `Table scan on ${name}`;
  }
}

/**
 * One node as its lines, children after (in `children`); `show` prints an expression over the
 * node's input rows (`names` makes the printers for a plan).
 */
function describe(node: QueryNode, show: Show, names: Names, plan: QueryPlan): string[] {
  switch (node.kind) {
    case 'one-row':
      return ['Rows fetched before execution'];
    case 'scan': {
      const scan = scanText(node.name, node.source, show, coveringScan(plan, node));
      const residual = node.source.residual;
      if (residual === null) return [scan];
      return [`Filter: ${names.ofTable(node.name, show)(residual)}`, scan];
    }
    case 'derived':
      return [
        `Table scan on ${node.name}`,
        node.lateral ? 'Materialize (invalidate on row from outer)' : 'Materialize',
      ];
    case 'cte':
      return [`Table scan on ${node.name}`];
    case 'nested-loop':
      return [`Nested loop ${joinName(node.join)}${onText(node.condition, show)}`];
    case 'hash-join':
      return [hashJoinText(node, show)];
    case 'filter':
      return [`Filter: ${show(node.condition)}`];
    case 'aggregate':
      return aggregateText(node, show);
    case 'window':
      return [`Window aggregate: ${node.functions.map((f) => `${f.name}()`).join(', ')}`];
    case 'project':
      return [];
    case 'sort':
      return [
        `Sort${node.dedupe ? ' with duplicate removal' : ''}: ${keysText(node.keys, show)}${topN(
          node.keep,
        )}`,
      ];
    case 'distinct':
      return ['Table scan on <temporary>', 'Temporary table with deduplication'];
    case 'limit':
      return [
        node.offset > 0n
          ? `Limit/Offset: ${node.count}/${node.offset} row(s)`
          : `Limit: ${node.count} row(s)`,
      ];
    case 'set-operation': {
      if (node.op === 'union' && !node.distinct) return ['Append'];
      const op = node.op[0]?.toUpperCase() + node.op.slice(1);
      return [
        `Table scan on <${node.op} temporary>`,
        `${op} materialize${node.distinct ? ' with deduplication' : ''}`,
      ];
    }
    case 'with':
      return [];
    default:
      return [];
  }
}

function hashJoinText(node: QueryNode & { kind: 'hash-join' }, show: Show): string {
  const keys = node.outerKeys.map((k, i) => `${show(k)} = ${show(node.innerKeys[i] as PlanExpr)}`);
  const kinds = { inner: 'Inner', left: 'Left', semi: 'Semi', anti: 'Anti' } as const;
  const on = onText(node.condition, show);
  return `${kinds[node.join]} hash join (${keys.join(', ') || 'no condition'})${on}`;
}

function aggregateText(node: QueryNode & { kind: 'aggregate' }, show: Show): string[] {
  const aggs = node.aggregates.map((a) => aggregateName(a, show)).join(', ');
  if (node.groupBy.length === 0) return [`Aggregate: ${aggs}`];
  const rollup = node.rollup ? ' with rollup' : '';
  return [
    'Table scan on <temporary>',
    `Aggregate using temporary table${rollup}: ${node.groupBy.map(show).join(', ')}`,
  ];
}

function topN(keep: bigint | null): string {
  return keep === null ? '' : `, limit input to ${keep} row(s) per chunk`;
}

function joinName(join: string): string {
  return join === 'semi' ? 'semijoin' : join === 'anti' ? 'antijoin' : `${join} join`;
}

function aggregateName(a: AggregateSpec, show: Show): string {
  return `${a.name}(${a.args.map(show).join(', ') || '0'})`;
}

function onText(condition: PlanExpr | null, show: Show): string {
  return condition === null ? '' : ` (on ${show(condition)})`;
}

function children(node: QueryNode): QueryNode[] {
  switch (node.kind) {
    case 'one-row':
    case 'scan':
    case 'cte':
      return [];
    case 'derived':
      return [node.input];
    case 'nested-loop':
    case 'hash-join':
      return [node.outer, node.inner];
    case 'set-operation':
      return [node.left, node.right];
    default:
      return [node.input];
  }
}

/** The plan as FORMAT=TREE lines (ET1); `names`: how expressions name columns. */
export function treeLines(plan: QueryPlan, names: Names = PLAIN): string[] {
  const lines: string[] = [];
  const visit = (node: QueryNode, depth: number, block: Show): void => {
    const input = node.kind === 'derived' || !('input' in node) ? null : node.input;
    const own = describe(node, input === null ? block : names.output(input, block), names, plan);
    own.forEach((text, i) => lines.push(`${'    '.repeat(depth + i)}-> ${text}`));
    const below = depth + own.length;
    const kids = children(node);
    const startsBlock = node.kind === 'derived' || node.kind === 'set-operation';
    const blockOf = (child: QueryNode): Show => (startsBlock ? names.block(child) : block);
    if (node.kind === 'hash-join') {
      visit(kids[0] as QueryNode, below, block);
      lines.push(`${'    '.repeat(below)}-> Hash`);
      visit(kids[1] as QueryNode, below + 1, block);
      return;
    }
    for (const child of kids) visit(child, below, blockOf(child));
  };
  const root = (node: QueryNode, depth: number): void => visit(node, depth, names.block(node));
  root(plan.root, 0);
  plan.ctes.forEach((cte) => {
    lines.push(`-> Materialize ${cte.recursive === null ? '' : 'recursive '}CTE ${cte.name}`);
    root(cte.anchor, 1);
    if (cte.recursive !== null) {
      lines.push('    -> Repeat until convergence');
      root(cte.recursive, 2);
    }
  });
  plan.subqueries.forEach((sub, i) => {
    lines.push(`-> Select #${i + 2} (subquery${sub.perRow ? '; dependent' : ''})`);
    root(sub.root, 1);
  });
  return lines;
}

/** EXPLAIN FORMAT=TREE's one value: the tree as text, columns named as MySQL's tree names them. */
export function explainTree(plan: QueryPlan): string {
  return treeLines(plan, QUALIFIED).join('\n');
}

// ---------------------------------------------------------------------------------------------
// Column names in expressions

type Show = (e: PlanExpr) => string;

/** How a tree prints expressions: each over the rows of a block, a node's output, or a table. */
interface Names {
  /** Over the rows of the block whose relations `root` reads. */
  block(root: QueryNode): Show;
  /** Over the rows `node` yields, given `block` for the block it is in. */
  output(node: QueryNode, block: Show): Show;
  /** Over the rows of one table read as `name` (a scan's residual filter) in `block`. */
  ofTable(name: string, block: Show): Show;
}

/** Column names as the plan has them (printPlan's test form). */
const PLAIN: Names = { block: () => printExpr, output: () => printExpr, ofTable: () => printExpr };

/**
 * MySQL's tree form: a relation's column as `alias.column`, a projected column, group key or
 * aggregate by its expression.
 */
const QUALIFIED: Names = {
  block: (root) => {
    const spans = spansOf(root);
    return (e) =>
      labelled(e, (x) => {
        if (x.kind === 'outer-column' && x.depth > 0) {
          return x.qualifiedName.replace(/`/g, '').split('.').slice(-2).join('.');
        }
        const span = spans.find((s) => x.index >= s.from && x.index < s.to);
        return span === undefined ? undefined : `${span.name}.${x.name}`;
      });
  },
  output: (node, block) => outputShow(node, block),
  ofTable: (name, block) => (e) =>
    labelled(e, (x) => (x.kind === 'column' ? `${name}.${x.name}` : block(x))),
};

/** The printer over a node's output rows (QUALIFIED). */
function outputShow(node: QueryNode, block: Show): Show {
  switch (node.kind) {
    case 'project': {
      const below = outputShow(node.input, block);
      const exprs = node.exprs;
      return (e) => labelled(e, (x) => mapped(x, (i) => exprs[i], below));
    }
    case 'sort':
    case 'distinct':
    case 'limit':
    case 'filter':
      return outputShow(node.input, block);
    case 'aggregate': {
      const below = outputShow(node.input, block);
      const { inputWidth: w, groupBy, aggregates } = node;
      return (e) =>
        labelled(e, (x) => {
          if (x.kind !== 'column') return undefined;
          if (x.index < w) return below(x);
          const key = groupBy[x.index - w];
          if (key !== undefined) return below(key);
          const a = aggregates[x.index - w - groupBy.length];
          return a === undefined ? undefined : aggregateName(a, below);
        });
    }
    case 'window': {
      const below = outputShow(node.input, block);
      const { inputWidth: w, functions } = node;
      return (e) =>
        labelled(e, (x) => {
          if (x.kind !== 'column') return undefined;
          if (x.index < w) return below(x);
          const f = functions[x.index - w];
          return f === undefined ? undefined : `${f.name}()`;
        });
    }
    case 'set-operation':
    case 'with':
      return printExpr;
    default:
      return block;
  }
}

/** A projected column's label: the expression it projects, printed over the rows below. */
function mapped(
  x: PlanExpr & { kind: 'column' | 'outer-column' },
  exprOf: (i: number) => PlanExpr | undefined,
  below: Show,
): string | undefined {
  if (x.kind !== 'column') return undefined;
  const e = exprOf(x.index);
  return e === undefined ? undefined : below(e);
}

/** Where a block's relations sit in its rows: [from, to) and the name the query gives them. */
interface Span {
  readonly from: number;
  readonly to: number;
  readonly name: string;
}

function spansOf(root: QueryNode): Span[] {
  const spans: Span[] = [];
  const walk = (n: QueryNode): void => {
    if (n.kind === 'scan') {
      spans.push({ from: n.offset, to: n.offset + n.source.table.columns.length, name: n.name });
    }
    if (n.kind === 'derived' || n.kind === 'cte') {
      spans.push({ from: n.offset, to: n.offset + n.columns, name: n.name });
    }
    if (n.kind === 'derived' || n.kind === 'set-operation') return;
    for (const c of children(n)) walk(c);
  };
  walk(root);
  return spans;
}

/**
 * `e` printed with column references named by `label` (undefined: their own name), and
 * subqueries as MySQL's tree refers to them (`exists(select #2)`, `(x in (select #3))` …).
 */
function labelled(
  e: PlanExpr,
  label: (x: PlanExpr & { kind: 'column' | 'outer-column' }) => string | undefined,
): string {
  const show = (o: PlanExpr): string => labelled(o, label);
  return printExpr(
    mapExpr(e, (x) => {
      if (x.kind === 'subquery') {
        const name = subqueryText(x, show);
        return { kind: 'column', info: x.info, index: -1, name, qualifiedName: name };
      }
      if (x.kind !== 'column' && x.kind !== 'outer-column') return undefined;
      const name = label(x);
      return name === undefined ? x : { ...x, name };
    }),
  );
}

function subqueryText(e: PlanExpr & { kind: 'subquery' }, show: Show): string {
  const select = `(select #${e.id + 2})`;
  const test = e.test;
  const row = (operands: readonly PlanExpr[]): string =>
    operands.length === 1 ? show(operands[0] as PlanExpr) : `(${operands.map(show).join(', ')})`;
  switch (test.kind) {
    case 'scalar':
      return select;
    case 'exists':
      return test.negated ? `(not(exists${select}))` : `exists${select}`;
    case 'in':
      return `(${row(test.operands)} ${test.negated ? 'not in' : 'in'} ${select})`;
    case 'quantified':
      return `(${show(test.operand)} ${test.op} ${test.all ? 'all' : 'any'} ${select})`;
    case 'row-compare':
      return `(${row(test.operands)} ${test.op} ${select})`;
    default:
      return unreachable(test);
  }
}

/** EXPLAIN FORMAT=TREE's one column. */
export const EXPLAIN_TREE_COLUMNS: readonly ColumnInfo[] = [
  {
    name: 'EXPLAIN',
    orgName: '',
    table: '',
    orgTable: '',
    db: '',
    type: 'VAR_STRING',
    length: 4_294_967_295,
    decimals: 31,
    flags: 0,
    collation: 255,
  },
];

/** A table read of a plan, for EXPLAIN's traditional rows (explain.ts). */
export interface ExplainedTable {
  /** The table as the query names it. */
  readonly name: string;
  readonly source: TableSource;
  /** The first table of a block whose rows are sorted afterwards ("Using filesort"). */
  readonly sorted: boolean;
  /** Read from a secondary index alone ("Using index"). */
  readonly covering: boolean;
  /** Read once per row of the tables before it (an index nested-loop join). */
  readonly joined: boolean;
}

/** The table reads of a query plan's main block, in join order (outer tables first). */
export function explainTables(plan: QueryPlan): ExplainedTable[] {
  const out: ExplainedTable[] = [];
  let sorted = false;
  const visit = (node: QueryNode, joined: boolean): void => {
    if (node.kind === 'sort') sorted = true;
    if (node.kind === 'scan') {
      out.push({
        name: node.name,
        source: node.source,
        sorted: sorted && out.length === 0,
        joined,
        covering: coveringScan(plan, node),
      });
      return;
    }
    if (node.kind === 'nested-loop') {
      visit(node.outer, joined);
      visit(node.inner, true);
      return;
    }
    if (node.kind === 'hash-join') {
      visit(node.outer, joined);
      visit(node.inner, false);
      return;
    }
    if (node.kind === 'derived' || node.kind === 'set-operation') return;
    for (const child of children(node)) visit(child, joined);
  };
  visit(plan.root, false);
  return out;
}
