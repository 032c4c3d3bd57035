/**
 * COM_STMT_RESET: forget a statement's long data and close its cursor; answer OK. The statement
 * and its remembered parameter types stay.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_reset.html
 */
import { CommandError } from '../protocol/errors.js';
import { decodeStmtReset } from '../protocol/packets/stmt-reset.js';
import { sendPlainOk } from '../results.js';
import type { CommandHandler } from './context.js';

export const stmtReset: CommandHandler = async (ctx, payload) => {
  const { statementId } = decodeStmtReset(payload);
  const statement = ctx.statements.get(statementId);
  if (statement === undefined) {
    throw new CommandError('ER_UNKNOWN_STMT_HANDLER', [statementId, 'mysqld_stmt_reset']);
  }
  statement.clearLongData();
  await statement.closeCursor();
  sendPlainOk(ctx);
  return 'continue';
};
