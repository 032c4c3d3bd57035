/**
 * The base tables (and views) a statement's queries read, for privilege checks
 * (users/authorize.ts) and for telling whether a query needs a transaction: every table
 * reference in FROM clauses at any depth (subqueries, derived tables, CTE bodies, set
 * operations), except references to a CTE defined in the query.
 *
 * (QT1) every table name the planner would resolve against the catalog is listed.
 */
import type { TableName, TableRef } from './ast.js';

const cache = new WeakMap<object, TableRef[]>();
const names = new WeakMap<object, TableName[]>();

/** Table names `statement` (any AST value) reads in its FROM clauses, CTE names excluded. */
export function queryTables(statement: unknown): TableName[] {
  if (typeof statement !== 'object' || statement === null) return [];
  const cached = names.get(statement);
  if (cached !== undefined) return cached;
  const tables = queryTableRefs(statement).map((r) => r.table);
  names.set(statement, tables);
  return tables;
}

/** The same references with their aliases (null: none), for LOCK TABLES' checks. */
export function queryTableRefs(statement: unknown): TableRef[] {
  // Statements are immutable and shared by the parse and plan caches: walk each once.
  if (typeof statement !== 'object' || statement === null) return [];
  const cached = cache.get(statement);
  if (cached !== undefined) return cached;
  const tables = collect(statement);
  cache.set(statement, tables);
  return tables;
}

function collect(statement: unknown): TableRef[] {
  const ctes = new Set<string>();
  const tables: TableRef[] = [];
  walk(statement, (node) => {
    if (node.kind === 'select' || node.kind === 'set-operation') {
      const w = (node as { with?: unknown }).with;
      if (typeof w === 'object' && w !== null) {
        for (const cte of (w as { ctes: readonly { name: string }[] }).ctes) ctes.add(cte.name);
      }
    }
    if (node.kind === 'table') {
      const table = (node as { table?: unknown }).table;
      const alias = (node as { alias?: unknown }).alias;
      if (typeof table === 'object' && table !== null && 'name' in table) {
        tables.push({ table: table as TableName, alias: typeof alias === 'string' ? alias : null });
      }
    }
  });
  return tables.filter((t) => t.table.database !== null || !ctes.has(t.table.name));
}

function walk(v: unknown, visit: (node: { kind: string }) => void): void {
  if (Array.isArray(v)) {
    for (const x of v) walk(x, visit);
    return;
  }
  if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) return;
  const o = v as Record<string, unknown>;
  if (typeof o.kind === 'string') visit(o as { kind: string });
  for (const x of Object.values(o)) walk(x, visit);
}
