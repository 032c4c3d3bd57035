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
import type { QueryNode, QueryPlan } from './plan-query.js';

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
    if (node.kind === 'sort' && order === null) {
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

function keysText(keys: readonly SortKey[]): string {
  return keys.map((k) => `${printExpr(k.expr)}${k.descending ? ' DESC' : ''}`).join(', ');
}

/** A key's column names, in key order. */
function keyColumns(table: TableDef, access: Access): string[] {
  if (access.kind === 'index-range' || access.kind === 'index-scan') {
    return access.index.parts.map((p) => table.columns[p.column]?.name ?? '?');
  }
  return table.primaryKey.map((i) => table.columns[i]?.name ?? '?');
}

function rangeText(column: string, lower: readonly KeyBound[], upper: readonly KeyBound[]): string {
  const lo = lower.map((b) => `${printExpr(b.expr)} ${b.inclusive ? '<=' : '<'} `).join('');
  const hi = upper.map((b) => ` ${b.inclusive ? '<=' : '<'} ${printExpr(b.expr)}`).join('');
  return `(${lo}${column}${hi})`;
}

/** A scan as MySQL 8 names its access path (Table scan, Index lookup, Index range scan …). */
function scanText(name: string, source: TableSource): string {
  const { table, access } = source;
  const reverse = source.reverse ? ' (reverse)' : '';
  const columns = keyColumns(table, access);
  const equals = (values: readonly PlanExpr[]): string =>
    values.map((v, i) => `${columns[i] ?? '?'}=${printExpr(v)}`).join(', ');
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
        const kind = unique ? 'Single-row index lookup' : 'Index lookup';
        return `${kind} on ${name} using ${key} (${equals(access.prefixes[0] ?? [])})${reverse}`;
      }
      const over = access.prefixes.map((p) => {
        const fixed = p.map((v, i) => `${columns[i] ?? '?'} = ${printExpr(v)}`);
        const range = ranged ? [rangeText(columns[depth] ?? '?', access.lower, access.upper)] : [];
        return [...fixed, ...range].join(' AND ');
      });
      return `Index range scan on ${name} using ${key} over ${over.join(' OR ')}${reverse}`;
    }
    case 'index-scan':
      return `Index scan on ${name} using ${access.index.name}${reverse}`;
    default:
      return `Table scan on ${name}`;
  }
}

/** One node as its lines: [depth offset, text][], children after (in `children`). */
function describe(node: QueryNode): string[] {
  switch (node.kind) {
    case 'one-row':
      return ['Rows fetched before execution'];
    case 'scan': {
      const scan = scanText(node.name, node.source);
      const residual = node.source.residual;
      return residual === null ? [scan] : [`Filter: ${printExpr(residual)}`, scan];
    }
    case 'derived':
      return [
        `Table scan on ${node.name}`,
        node.lateral ? 'Materialize (invalidate on row from outer)' : 'Materialize',
      ];
    case 'cte':
      return [`Table scan on ${node.name}`];
    case 'nested-loop':
      return [`Nested loop ${joinName(node.join)}${onText(node.condition)}`];
    case 'hash-join':
      return [hashJoinText(node)];
    case 'filter':
      return [`Filter: ${printExpr(node.condition)}`];
    case 'aggregate':
      return aggregateText(node);
    case 'window':
      return [`Window aggregate: ${node.functions.map((f) => `${f.name}()`).join(', ')}`];
    case 'project':
      return [];
    case 'sort':
      return [`Sort: ${keysText(node.keys)}${topN(node.keep)}`];
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

function hashJoinText(node: QueryNode & { kind: 'hash-join' }): string {
  const keys = node.outerKeys.map(
    (k, i) => `${printExpr(k)} = ${printExpr(node.innerKeys[i] as PlanExpr)}`,
  );
  const kinds = { inner: 'Inner', left: 'Left', semi: 'Semi', anti: 'Anti' } as const;
  return `${kinds[node.join]} hash join (${keys.join(', ') || 'no condition'})${onText(
    node.condition,
  )}`;
}

function aggregateText(node: QueryNode & { kind: 'aggregate' }): string[] {
  const aggs = node.aggregates
    .map((a) => `${a.name}(${a.args.map(printExpr).join(', ') || '0'})`)
    .join(', ');
  if (node.groupBy.length === 0) return [`Aggregate: ${aggs}`];
  const rollup = node.rollup ? ' with rollup' : '';
  return [
    'Table scan on <temporary>',
    `Aggregate using temporary table${rollup}: ${node.groupBy.map(printExpr).join(', ')}`,
  ];
}

function topN(keep: bigint | null): string {
  return keep === null ? '' : `, limit input to ${keep} row(s) per chunk`;
}

function joinName(join: string): string {
  return join === 'semi' ? 'semijoin' : join === 'anti' ? 'antijoin' : `${join} join`;
}

function onText(condition: PlanExpr | null): string {
  return condition === null ? '' : ` (on ${printExpr(condition)})`;
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

/** The plan as FORMAT=TREE lines (ET1). */
export function treeLines(plan: QueryPlan): string[] {
  const lines: string[] = [];
  const visit = (node: QueryNode, depth: number): void => {
    const own = describe(node);
    own.forEach((text, i) => lines.push(`${'    '.repeat(depth + i)}-> ${text}`));
    const below = depth + own.length;
    const kids = children(node);
    if (node.kind === 'hash-join') {
      visit(kids[0] as QueryNode, below);
      lines.push(`${'    '.repeat(below)}-> Hash`);
      visit(kids[1] as QueryNode, below + 1);
      return;
    }
    for (const child of kids) visit(child, below);
  };
  visit(plan.root, 0);
  plan.ctes.forEach((cte) => {
    lines.push(`-> Materialize ${cte.recursive === null ? '' : 'recursive '}CTE ${cte.name}`);
    visit(cte.anchor, 1);
    if (cte.recursive !== null) {
      lines.push('    -> Repeat until convergence');
      visit(cte.recursive, 2);
    }
  });
  plan.subqueries.forEach((sub, i) => {
    lines.push(`-> Select #${i + 2} (subquery${sub.perRow ? '; dependent' : ''})`);
    visit(sub.root, 1);
  });
  return lines;
}

/** EXPLAIN FORMAT=TREE's one value: the tree as text. */
export function explainTree(plan: QueryPlan): string {
  return treeLines(plan).join('\n');
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
