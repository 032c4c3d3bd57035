/**
 * Table statistics for join ordering: each table's row count, as last measured. ANALYZE TABLE
 * counts a table's rows at its snapshot; a query that reads a whole table by a full scan records
 * what it read, for free. Tables never measured are estimated at DEFAULT_TABLE_ROWS.
 *
 * Statistics belong to one engine (keyed by its Catalog) and to a table's tree (its root page):
 * a dropped and recreated table starts over.
 *
 * (ST1) estimates only steer the join order; no result ever depends on them.
 */
import type { Catalog } from '../catalog/catalog.js';
import type { TableDef } from '../catalog/definitions.js';

/** What an unmeasured table is assumed to hold. */
export const DEFAULT_TABLE_ROWS = 1_000;

class TableStatistics {
  private readonly rows = new Map<string, number>();

  private key(table: TableDef): string {
    return `${table.database}\u0000${table.name}\u0000${String(table.root)}`;
  }

  /** The table's row count as last measured, or undefined. */
  measured(table: TableDef): number | undefined {
    return this.rows.get(this.key(table));
  }

  estimate(table: TableDef): number {
    return this.measured(table) ?? DEFAULT_TABLE_ROWS;
  }

  record(table: TableDef, rows: number): void {
    this.rows.set(this.key(table), rows);
  }
}

const byCatalog = new WeakMap<Catalog, TableStatistics>();

export function statisticsOf(catalog: Catalog): TableStatistics {
  let stats = byCatalog.get(catalog);
  if (stats === undefined) {
    stats = new TableStatistics();
    byCatalog.set(catalog, stats);
  }
  return stats;
}

export type { TableStatistics };
