/**
 * Column definitions and raw cells → the comparable forms of outcome.ts. Pure.
 *
 * https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response_text_resultset_column_definition.html
 */
import type { Cell } from './outcome.js';

/** enum_field_types, by number. */
export const MYSQL_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'DECIMAL', 1: 'TINY', 2: 'SHORT', 3: 'LONG', 4: 'FLOAT', 5: 'DOUBLE', 6: 'NULL',
  7: 'TIMESTAMP', 8: 'LONGLONG', 9: 'INT24', 10: 'DATE', 11: 'TIME', 12: 'DATETIME', 13: 'YEAR',
  14: 'NEWDATE', 15: 'VARCHAR', 16: 'BIT', 17: 'TIMESTAMP2', 18: 'DATETIME2', 19: 'TIME2',
  242: 'VECTOR', 245: 'JSON', 246: 'NEWDECIMAL', 247: 'ENUM', 248: 'SET', 249: 'TINY_BLOB',
  250: 'MEDIUM_BLOB', 251: 'LONG_BLOB', 252: 'BLOB', 253: 'VAR_STRING', 254: 'STRING',
  255: 'GEOMETRY',
};

const NUMERIC = new Set([0, 1, 2, 3, 4, 5, 8, 9, 13, 246]);
const STRINGS = new Set([15, 249, 250, 251, 252, 253, 254]);
const WITH_DECIMALS = new Set([0, 4, 5, 7, 11, 12, 17, 18, 19, 246]);

export const BINARY_CHARSET = 63;
export const FLAG_UNSIGNED = 32;
/** decimals ≥ 31 means "not fixed" (MySQL 31, MariaDB 39): not a client-visible precision. */
const NOT_FIXED_DECIMALS = 31;

export interface RawColumn {
  readonly name: string;
  readonly columnType: number;
  readonly characterSet: number;
  readonly flags: number;
  readonly decimals: number;
}

/** e.g. `LONGLONG UNSIGNED`, `NEWDECIMAL(2)`, `BLOB BINARY`, `DATETIME(3)`. */
export function describeType(c: RawColumn): string {
  const name = MYSQL_TYPE_NAMES[c.columnType] ?? `TYPE_${c.columnType}`;
  const decimals = WITH_DECIMALS.has(c.columnType) && c.decimals > 0 &&
    c.decimals < NOT_FIXED_DECIMALS ? `(${c.decimals})` : '';
  const unsigned = NUMERIC.has(c.columnType) && (c.flags & FLAG_UNSIGNED) !== 0 ? ' UNSIGNED' : '';
  const binary = isBinaryString(c) ? ' BINARY' : '';
  return `${name}${decimals}${unsigned}${binary}`;
}

export function isBinaryString(c: RawColumn): boolean {
  return STRINGS.has(c.columnType) && c.characterSet === BINARY_CHARSET;
}

/** Text-protocol cell bytes → the exact text, or 0x-hex for binary strings. */
export function cellText(c: RawColumn, bytes: Buffer | null): Cell {
  if (bytes === null) return null;
  return isBinaryString(c) ? `0x${bytes.toString('hex')}` : bytes.toString('utf8');
}
