/**
 * The columns a table read must decode (issue 8): sysbench's reads name one or two columns of
 * four (`SELECT c FROM sbtest1 WHERE id BETWEEN ? AND ?`), and decoding the others (the 60
 * character `pad`) is a good part of a read's cost. A plan whose block reads one table through a
 * chain of single-input operators gets a mask of the columns its expressions name; the read
 * decodes only those and leaves the others null (row.ts decodeRow `needed`).
 *
 * Invariants:
 *   (RC1) every column any expression of the plan names (column index into the scan's row) is in
 *         the mask: a superset is harmless, a missing one would read as NULL. Expressions are
 *         found by walking every field of every node (plan-walk.ts isPlanExpr), not by knowing
 *         each node's fields, so a field added later is covered.
 *   (RC2) only plans where nothing reads the scan's row other than through expressions get a
 *         mask: one stored table at offset 0, no subquery, no CTE, no join, no window, and no
 *         DISTINCT (it compares whole rows) before a projection or aggregation has replaced the
 *         table's row with computed values. Every other plan reads whole rows.
 */
import type { PlanExpr } from './plan.js';
import type { QueryNode, QueryPlan, ScanNode } from './plan-query.js';
import { isPlanExpr, visitExpr } from './plan-walk.js';

/** Operators a masked plan may have above its scan (RC2). */
const CHAIN = new Set<QueryNode['kind']>(['project', 'sort', 'filter', 'limit', 'aggregate']);
/** Operators after which the table's row is no longer what flows up (RC2). */
const RESHAPING = new Set<QueryNode['kind']>(['project', 'aggregate']);

const masks = new WeakMap<ScanNode, readonly boolean[] | null>();

/**
 * The columns of `scan`'s table the plan reads, or undefined: decode them all. Found once per
 * scan node (plans are immutable and shared by executions).
 */
export function neededColumns(plan: QueryPlan, scan: ScanNode): readonly boolean[] | undefined {
  let mask = masks.get(scan);
  if (mask === undefined) {
    mask = maskOf(plan, scan);
    masks.set(scan, mask);
  }
  return mask ?? undefined;
}

function maskOf(plan: QueryPlan, scan: ScanNode): readonly boolean[] | null {
  if (plan.subqueries.length > 0 || plan.ctes.length > 0) return null;
  if (scan.offset !== 0 || scan.source.virtual !== undefined) return null;
  const chain: QueryNode[] = [];
  let node: QueryNode = plan.root;
  while (node.kind !== 'scan') {
    if (!CHAIN.has(node.kind) && node.kind !== 'distinct') return null;
    chain.push(node);
    node = (node as QueryNode & { readonly input: QueryNode }).input;
  }
  if (node !== scan) return null;
  // From the scan up: DISTINCT only once the row has been reshaped (RC2).
  for (let i = chain.length - 1; i >= 0; i--) {
    const kind = (chain[i] as QueryNode).kind;
    if (RESHAPING.has(kind)) break;
    if (kind === 'distinct') return null;
  }
  const width = scan.source.table.columns.length;
  const mask = new Array<boolean>(width).fill(false);
  const mark = (e: PlanExpr): void =>
    visitExpr(e, (x) => {
      if (x.kind === 'column' && x.index < width) mask[x.index] = true;
    });
  for (const n of chain) walkFields(n, mark);
  if (scan.source.residual !== null) mark(scan.source.residual);
  return mask.every((m) => m) ? null : mask;
}

/** Every expression held anywhere in a node's fields but its input (RC1). */
function walkFields(node: QueryNode, mark: (e: PlanExpr) => void): void {
  for (const [key, value] of Object.entries(node)) {
    if (key !== 'input') walkValue(value, mark);
  }
}

function walkValue(value: unknown, mark: (e: PlanExpr) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) walkValue(v, mark);
  } else if (isPlanExpr(value)) {
    mark(value);
  } else if (isPlain(value)) {
    for (const v of Object.values(value)) walkValue(v, mark);
  }
}

/** Plain records only (as plan-walk.ts walks): never a Buffer, Decimal or catalog object. */
function isPlain(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
