/**
 * COM_FIELD_LIST (the mysql CLI's auto-rehash): a table's columns whose names match a LIKE
 * wildcard (case-insensitively, as MySQL's wild_case_compare), each described as SELECT * would
 * describe it, with its DEFAULT as text (NULL when the column has none, or defaults to NULL).
 */
import type { FieldListColumn } from './api.js';
import type { Catalog } from './catalog/catalog.js';
import { SqlError } from './errors.js';
import { collation } from './sql/collation.js';
import { likeMatch } from './sql/expr.js';
import { tableColumnInfo } from './sql/metadata.js';
import { toSeamValue, toText } from './sql/values.js';

export function fieldList(
  catalog: Catalog,
  database: string,
  table: string,
  wildcard: string,
): FieldListColumn[] {
  const def = catalog.table(database, table);
  if (def === undefined) throw new SqlError('ER_NO_SUCH_TABLE', [database, table]);
  const ci = collation('utf8mb4_general_ci');
  const pattern = wildcard === '' ? '%' : wildcard;
  return def.columns
    .map((column, index) => ({ column, index }))
    .filter(({ column }) => likeMatch(column.name, pattern, '\\', ci))
    .map(({ column, index }) => {
      const value = column.defaultValue?.value ?? null;
      const seam = value === null ? null : toSeamValue(column.type, value);
      const text = Buffer.isBuffer(seam) ? seam.toString('latin1') : toText(column.type, value);
      return {
        column: tableColumnInfo(def, index, { name: column.name, table: def.name }),
        defaultValue: value === null ? null : text,
      };
    });
}
