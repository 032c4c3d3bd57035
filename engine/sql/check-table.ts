/**
 * CHECK TABLE: each table's clustered tree and secondary indexes read whole at the statement's
 * snapshot, their keys checked to ascend and every index checked to hold one entry per row,
 * answering MySQL's result set (analyze.ts's columns):
 *
 *   Table     Op      Msg_type   Msg_text
 *   db.t      check   status     OK
 *   db.t      check   Warning    InnoDB: Index 'k_1' contains 99 entries, should be 100.
 *   db.t      check   error      Corrupt
 *   db.nope   check   Error      Table 'db.nope' doesn't exist
 *   db.nope   check   status     Operation failed
 *
 *   CHECK TABLE t [, t …] [FOR UPGRADE | QUICK | FAST | MEDIUM | EXTENDED | CHANGED] …
 *
 * The options change nothing: every check reads every entry. It commits an open transaction
 * first, as MySQL's table maintenance statements do, so the snapshot holds no writes of its own.
 */
import type { Row } from '../api.js';
import type { Catalog } from '../catalog/catalog.js';
import type { TxnRows } from '../txn/rows.js';
import type { Statement } from './ast.js';
import { type MaintainedTable, missingTable, tableList } from './analyze.js';
import { isSystemSchema } from './information-schema/index.js';
import type { Token } from './lexer.js';
import { parseErrorAt } from './parse.js';

/** CHECK TABLE's options besides FOR UPGRADE. */
const OPTIONS = ['QUICK', 'FAST', 'MEDIUM', 'EXTENDED', 'CHANGED'];

function isWord(t: Token | undefined, ...words: string[]): boolean {
  return t !== undefined && t.kind === 'word' && words.includes(t.value.toUpperCase());
}

/** CHECK TABLE t, …; undefined when the tokens are no CHECK TABLE statement. */
export function matchCheckTable(sql: string, tokens: readonly Token[]): Statement | undefined {
  if (!isWord(tokens[0], 'CHECK') || !isWord(tokens[1], 'TABLE', 'TABLES')) return undefined;
  const { tables, end } = tableList(sql, tokens, 2);
  let at = end;
  while (at < tokens.length) {
    const t = tokens[at] as Token;
    if (isWord(t, 'FOR') ? !isWord(tokens[at + 1], 'UPGRADE') : !isWord(t, ...OPTIONS)) {
      throw parseErrorAt(sql, t.start);
    }
    at += isWord(t, 'FOR') ? 2 : 1;
  }
  return { kind: 'check-table', tables };
}

/** The check of each table, at the snapshot of `rows` (a statement with no writes of its own). */
export async function checkTables(
  catalog: Catalog,
  tables: readonly MaintainedTable[],
  rows: TxnRows,
): Promise<Row[]> {
  const out: Row[] = [];
  for (const t of tables) {
    const shown = `${t.database}.${t.name}`;
    if (isSystemSchema(t.database)) {
      out.push([shown, 'check', 'note', "The storage engine for the table doesn't support check"]);
      continue;
    }
    const table = catalog.table(t.database, t.name);
    if (table === undefined) {
      if (catalog.view(t.database, t.name) !== undefined) {
        out.push([shown, 'check', 'status', 'OK']);
        continue;
      }
      out.push(...missingTable(shown, 'check'));
      continue;
    }
    const problems: string[] = [];
    const clustered = await rows.census(table, table.root);
    if (!clustered.ascending) problems.push('InnoDB: The clustered index is out of order.');
    for (const index of table.indexes) {
      const entries = await rows.census(table, index.root);
      if (!entries.ascending) problems.push(`InnoDB: Index '${index.name}' is out of order.`);
      if (entries.count !== clustered.count) {
        problems.push(
          `InnoDB: Index '${index.name}' contains ${entries.count} entries, ` +
            `should be ${clustered.count}.`,
        );
      }
    }
    for (const problem of problems) out.push([shown, 'check', 'Warning', problem]);
    const verdict = problems.length === 0 ? ['status', 'OK'] : ['error', 'Corrupt'];
    out.push([shown, 'check', ...verdict]);
  }
  return out;
}
