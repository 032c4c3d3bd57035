/**
 * COM_STMT_SEND_LONG_DATA: append a piece to one parameter's value; no reply. Problems (an
 * unknown parameter, too much data) are remembered and reported by the next COM_STMT_EXECUTE,
 * as MySQL does; a piece for an unknown statement is dropped.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_send_long_data.html
 */
import { SqlError } from '../../engine/index.js';
import { decodeStmtSendLongData } from '../protocol/packets/stmt-send-long-data.js';
import type { CommandHandler } from './context.js';

export const stmtSendLongData: CommandHandler = async (ctx, payload) => {
  const piece = decodeStmtSendLongData(payload);
  const statement = ctx.statements.get(piece.statementId);
  if (statement === undefined) return 'continue';
  if (piece.paramId >= statement.prepared.paramCount) {
    statement.longDataError ??= new SqlError('ER_WRONG_ARGUMENTS', ['mysqld_stmt_send_long_data']);
    return 'continue';
  }
  statement.appendLongData(piece.paramId, piece.data);
  return 'continue';
};
