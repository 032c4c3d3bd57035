/**
 * The `LIKE 'pattern'` and `WHERE expr` of SHOW statements whose rows the engine makes itself
 * (SHOW VARIABLES, SHOW STATUS): LIKE matches the first column case-insensitively, as MySQL's
 * utf8 general collation does; WHERE is bound against the result's own columns, as if they were
 * a table of VARCHAR columns, and evaluated per row.
 */
import { pageId } from '../../storage/index.js';
import { makeTableDef } from '../catalog/definitions.js';
import type { ShowFilter } from './ast.js';
import { Binder, type BindVariables } from './bind.js';
import { collation } from './collation.js';
import { type EvalContext, compilePredicate, likeMatch } from './expr.js';
import type { PlanParams } from './params.js';

/** Rows of text (NULL as null) whose first column is the name LIKE matches. */
export type TextRow = readonly (string | null)[];

export function filterShowRows(
  columns: readonly string[],
  rows: readonly TextRow[],
  filter: ShowFilter,
  ctx: EvalContext,
  scope: { readonly variables?: BindVariables; readonly params?: PlanParams } = {},
): TextRow[] {
  const like = filter.like;
  if (like !== null) {
    const ci = collation('utf8mb4_general_ci');
    return rows.filter((r) => likeMatch(String(r[0] ?? ''), like, '\\', ci));
  }
  if (filter.where === null) return [...rows];
  const table = makeTableDef({
    database: '',
    name: '',
    root: pageId(0),
    columns: columns.map((name) => ({
      name,
      type: { kind: 'string', variant: 'varchar', chars: 1024, collation: 'utf8mb4_0900_ai_ci' },
      nullable: true,
      defaultValue: { value: null },
    })),
    primaryKey: [],
  });
  const binder = new Binder({
    table,
    tableName: null,
    clause: 'where clause',
    currentDatabase: null,
    ...scope,
  });
  const keep = compilePredicate(binder.bind(filter.where));
  return rows.filter((r) => keep(r, ctx));
}
