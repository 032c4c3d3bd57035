/**
 * ANALYZE TABLE: counts each table's rows at the statement's snapshot and keeps the count as the
 * join planner's statistic (statistics.ts), answering MySQL's result set:
 *
 *   Table     Op        Msg_type   Msg_text
 *   db.t      analyze   status     OK
 *   db.nope   analyze   Error      Table 'db.nope' doesn't exist
 *   db.nope   analyze   status     Operation failed
 *
 *   ANALYZE [NO_WRITE_TO_BINLOG | LOCAL] TABLE t [, t …]
 *
 * Histograms (… UPDATE HISTOGRAM ON …) are not built: 1235.
 */
import { COLUMN_FLAG, type ColumnInfo, type Row } from '../api.js';
import type { Catalog } from '../catalog/catalog.js';
import { SqlError } from '../errors.js';
import { type TxnRows, wholeTable } from '../txn/rows.js';
import type { Statement, TableName } from './ast.js';
import type { Token } from './lexer.js';
import { parseErrorAt } from './parse.js';
import { statisticsOf } from './statistics.js';

function isWord(t: Token | undefined, ...words: string[]): boolean {
  return t !== undefined && t.kind === 'word' && words.includes(t.value.toUpperCase());
}

function identifier(t: Token | undefined): string | undefined {
  if (t === undefined) return undefined;
  return t.kind === 'word' || t.kind === 'quoted-ident' ? t.value : undefined;
}

/** ANALYZE … TABLE t, …; undefined when the tokens are no ANALYZE statement. */
export function matchAnalyze(sql: string, tokens: readonly Token[]): Statement | undefined {
  if (!isWord(tokens[0], 'ANALYZE')) return undefined;
  let at = 1;
  if (isWord(tokens[at], 'NO_WRITE_TO_BINLOG', 'LOCAL')) at++;
  if (!isWord(tokens[at], 'TABLE', 'TABLES')) return undefined;
  const { tables, end } = tableList(sql, tokens, at + 1);
  if (isWord(tokens[end], 'UPDATE', 'DROP'))
    throw new SqlError('ER_NOT_SUPPORTED_YET', ['histograms']);
  if (end !== tokens.length) throw parseErrorAt(sql, tokens[end]?.start ?? sql.length);
  return { kind: 'analyze-table', tables };
}

/** `t [, db.t …]` from token `at` (ANALYZE and CHECK TABLE); 1064 where a name is missing. */
export function tableList(
  sql: string,
  tokens: readonly Token[],
  start: number,
): { readonly tables: TableName[]; readonly end: number } {
  const tables: TableName[] = [];
  const fail = (i: number): never => {
    throw parseErrorAt(sql, tokens[i]?.start ?? sql.length);
  };
  let at = start;
  for (;;) {
    const first = identifier(tokens[at]);
    if (first === undefined) return fail(at);
    at++;
    if (tokens[at]?.kind === 'op' && tokens[at]?.value === '.') {
      const second = identifier(tokens[at + 1]);
      if (second === undefined) return fail(at + 1);
      tables.push({ database: first, name: second });
      at += 2;
    } else {
      tables.push({ database: null, name: first });
    }
    if (tokens[at]?.kind !== 'op' || tokens[at]?.value !== ',') return { tables, end: at };
    at++;
  }
}

function textColumn(name: string, chars: number): ColumnInfo {
  return {
    name,
    orgName: '',
    table: '',
    orgTable: '',
    db: '',
    type: 'VAR_STRING',
    length: chars * 3,
    decimals: 31,
    flags: COLUMN_FLAG.NOT_NULL,
    collation: 33,
  };
}

export const ANALYZE_COLUMNS: readonly ColumnInfo[] = [
  textColumn('Table', 171),
  textColumn('Op', 10),
  textColumn('Msg_type', 10),
  // SQL_ADMIN_MSG_TEXT_SIZE (128 KiB characters): longer than a VARCHAR, so sent as MEDIUM_BLOB.
  {
    ...textColumn('Msg_text', 131_072),
    type: 'MEDIUM_BLOB',
    flags: COLUMN_FLAG.NOT_NULL | COLUMN_FLAG.BLOB,
  },
];

/** A table named with its database (the session's current one filled in). */
export interface MaintainedTable {
  readonly database: string;
  readonly name: string;
}

/** The rows of a table maintenance statement (`op`) for a table that does not exist. */
export function missingTable(shown: string, op: string): Row[] {
  return [
    [shown, op, 'Error', `Table '${shown}' doesn't exist`],
    [shown, op, 'status', 'Operation failed'],
  ];
}

/** Counts each table's rows (at the snapshot of `rows`) into the statistics. */
export async function analyzeTables(
  catalog: Catalog,
  tables: readonly MaintainedTable[],
  rows: TxnRows,
): Promise<Row[]> {
  const out: Row[] = [];
  for (const t of tables) {
    const shown = `${t.database}.${t.name}`;
    const table = catalog.table(t.database, t.name);
    if (table === undefined) {
      out.push(...missingTable(shown, 'analyze'));
      continue;
    }
    let count = 0;
    for await (const _ of rows.read(wholeTable(table))) count++;
    statisticsOf(catalog).record(table, count);
    out.push([shown, 'analyze', 'status', 'OK']);
  }
  return out;
}
