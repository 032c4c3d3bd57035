/**
 * COM_STMT_CLOSE: deallocate a prepared statement (and its cursor). No reply, not even for an
 * unknown statement id.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_close.html
 */
import { decodeStmtClose } from '../protocol/packets/stmt-close.js';
import type { CommandHandler } from './context.js';

export const stmtClose: CommandHandler = async (ctx, payload) => {
  const statement = ctx.statements.get(decodeStmtClose(payload).statementId);
  if (statement !== undefined) await ctx.statements.close(statement);
  return 'continue';
};
