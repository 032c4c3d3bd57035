/**
 * COM_STMT_FETCH: the next rows of a statement's open cursor, as binary rows, then EOF (or OK
 * with header 0xFE under CLIENT_DEPRECATE_EOF) with SERVER_STATUS_CURSOR_EXISTS while rows
 * remain, or SERVER_STATUS_LAST_ROW_SENT once they are all sent (the cursor is then closed).
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_fetch.html
 */
import { SERVER_STATUS } from '../protocol/constants.js';
import { CommandError } from '../protocol/errors.js';
import { decodeStmtFetch } from '../protocol/packets/stmt-fetch.js';
import { encodeRow, resultsCodec, sendEndOfRows } from '../results.js';
import type { CommandHandler } from './context.js';

/** Rows taken from the cursor per batch, so a huge num_rows never gathers rows in memory. */
const FETCH_BATCH_ROWS = 1_000;

export const stmtFetch: CommandHandler = async (ctx, payload) => {
  const { statementId, rowCount } = decodeStmtFetch(payload);
  const statement = ctx.statements.get(statementId);
  if (statement === undefined) {
    throw new CommandError('ER_UNKNOWN_STMT_HANDLER', [statementId, 'mysqld_stmt_fetch']);
  }
  const cursor = statement.cursor;
  if (cursor === null) throw new CommandError('ER_STMT_HAS_NO_OPEN_CURSOR', [statementId]);
  const codec = resultsCodec(ctx);
  let remaining = Math.max(rowCount, 1);
  let exhausted = false;
  while (remaining > 0 && !exhausted) {
    const taken = await cursor.take(Math.min(remaining, FETCH_BATCH_ROWS));
    for (const row of taken.rows) ctx.send(encodeRow(row, cursor.columns, 'binary', codec));
    remaining -= taken.rows.length;
    exhausted = taken.exhausted;
    await ctx.flushIfFull();
  }
  if (exhausted) await statement.closeCursor();
  const { SERVER_STATUS_LAST_ROW_SENT, SERVER_STATUS_CURSOR_EXISTS } = SERVER_STATUS;
  sendEndOfRows(ctx, exhausted ? SERVER_STATUS_LAST_ROW_SENT : SERVER_STATUS_CURSOR_EXISTS);
  return 'continue';
};
