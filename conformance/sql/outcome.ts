/**
 * What one statement did, as a client sees it: the value both sides of a conformance run produce
 * and the comparer compares. Plain data, so the comparer is pure and easy to unit-test.
 *
 * Cells are the exact text the server sent (text protocol), or `0x…` hex for binary strings, so
 * `1.50` vs `1.5` or a different DATETIME format is a difference. A column's type is what a
 * client decides with: the MYSQL_TYPE name plus UNSIGNED, BINARY (charset 63 on a string type)
 * and, where it matters, the decimals.
 */

export type Cell = string | null;

export interface ColumnMeta {
  readonly name: string;
  /** e.g. `LONGLONG`, `LONG UNSIGNED`, `NEWDECIMAL(2)`, `BLOB BINARY`, `DATETIME(3)`. */
  readonly type: string;
}

/** The SERVER_STATUS bits a client acts on (others, like NO_INDEX_USED, are advisory). */
export interface StatusBits {
  readonly inTransaction: boolean;
  readonly autocommit: boolean;
}

export type Outcome =
  | {
      readonly kind: 'ok';
      readonly affectedRows: string;
      readonly insertId: string;
      readonly warnings: number;
      readonly info: string;
      readonly status: StatusBits;
    }
  | {
      readonly kind: 'rows';
      readonly columns: readonly ColumnMeta[];
      readonly rows: readonly (readonly Cell[])[];
      /** From the final EOF packet; null if the client did not let us see it. */
      readonly warnings: number | null;
      readonly status: StatusBits | null;
    }
  | {
      readonly kind: 'error';
      readonly errno: number;
      readonly sqlState: string;
      readonly code: string;
      readonly message: string;
    }
  /** The client itself failed: timeout, lost connection, malformed packet. */
  | { readonly kind: 'failure'; readonly message: string };

export function unreachable(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}

const MAX_ROWS_SHOWN = 12;

/** A short human rendering of an outcome, for mismatch reports. */
export function formatOutcome(o: Outcome): string {
  switch (o.kind) {
    case 'ok':
      return `OK affected=${o.affectedRows} insertId=${o.insertId} warnings=${o.warnings}` +
        `${o.info === '' ? '' : ` info="${o.info}"`} ${formatStatus(o.status)}`;
    case 'rows': {
      const head = o.columns.map((c) => `${c.name}:${c.type}`).join(', ');
      const rows = o.rows.slice(0, MAX_ROWS_SHOWN)
        .map((r) => `  (${r.map(formatCell).join(', ')})`);
      const more = o.rows.length > MAX_ROWS_SHOWN
        ? [`  … ${o.rows.length - MAX_ROWS_SHOWN} more`] : [];
      return [`${o.rows.length} row(s) [${head}] warnings=${o.warnings ?? '?'}`, ...rows, ...more]
        .join('\n');
    }
    case 'error':
      return `ERROR ${o.errno} (${o.sqlState}) ${o.code}: ${o.message}`;
    case 'failure':
      return `CLIENT FAILURE: ${o.message}`;
    default:
      return unreachable(o);
  }
}

export function formatCell(c: Cell): string {
  return c === null ? 'NULL' : `'${c}'`;
}

function formatStatus(s: StatusBits): string {
  const trans = s.inTransaction ? 'in-trans' : 'no-trans';
  return `${trans},${s.autocommit ? 'autocommit' : 'no-autocommit'}`;
}
