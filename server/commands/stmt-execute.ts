/**
 * COM_STMT_EXECUTE: bind the parameters (packets/stmt-execute.ts) and run a prepared statement;
 * answer OK, or a binary result set, or, with a cursor flag, only the result's metadata with
 * SERVER_STATUS_CURSOR_EXISTS (the rows then come by COM_STMT_FETCH).
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_execute.html
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_execute_response.html
 *
 * Parameter types are remembered per statement: libmariadb (sysbench) sends them only on the
 * first execute (new_params_bound = 0 afterwards). Long data (COM_STMT_SEND_LONG_DATA) is used
 * for its parameters and then forgotten, as MySQL does. With a cursor, the metadata is closed by
 * an EOF packet even under CLIENT_DEPRECATE_EOF: it is the only packet that carries the cursor's
 * status before the client fetches (MySQL's end_result_metadata does the same).
 */
import { type Result, SqlError } from '../../engine/index.js';
import { stringCodec } from '../protocol/charsets.js';
import { CURSOR_TYPE, SERVER_STATUS } from '../protocol/constants.js';
import { CommandError } from '../protocol/errors.js';
import { encodeColumnCount } from '../protocol/packets/column-count.js';
import {
  decodeStmtExecuteHeader,
  decodeStmtExecuteParams,
} from '../protocol/packets/stmt-execute.js';
import { sendColumnDefinitions, sendEof, sendResultNow } from '../results.js';
import { Cursor, type ServerStatement } from '../statements.js';
import type { CommandContext, CommandHandlerNow, CommandOutcome } from './context.js';

const ANY_CURSOR =
  CURSOR_TYPE.CURSOR_TYPE_READ_ONLY |
  CURSOR_TYPE.CURSOR_TYPE_FOR_UPDATE |
  CURSOR_TYPE.CURSOR_TYPE_SCROLLABLE;

const BINARY_RESULT = { moreResults: false, protocol: 'binary' } as const;

/**
 * Answers at once, without a promise, when the statement's result came at once (issue 8: a
 * cached point select); a failure then throws, which dispatch answers as it does a rejection.
 */
export const stmtExecute: CommandHandlerNow = (ctx, payload) => {
  const header = decodeStmtExecuteHeader(payload);
  const statement = ctx.statements.get(header.statementId);
  if (statement === undefined) {
    throw new CommandError('ER_UNKNOWN_STMT_HANDLER', [header.statementId, 'mysqld_stmt_execute']);
  }
  if (statement.cursor !== null) {
    return statement.closeCursor().then(() => execute(ctx, payload, statement, header.flags));
  }
  return execute(ctx, payload, statement, header.flags);
};

function execute(
  ctx: CommandContext,
  payload: Buffer,
  statement: ServerStatement,
  flags: number,
): CommandOutcome | Promise<CommandOutcome> {
  const longDataError = statement.longDataError;
  const longData = statement.longData();
  statement.clearLongData();
  if (longDataError !== null) throw longDataError;
  const decoded = decodeStmtExecuteParams(payload, {
    paramCount: statement.prepared.paramCount,
    remembered: statement.paramTypes,
    longData,
    codec: stringCodec(ctx.session.status.charsetClient),
  });
  if (decoded.kind === 'no-types') {
    throw new SqlError('ER_WRONG_ARGUMENTS', ['mysqld_stmt_execute']);
  }
  statement.paramTypes = decoded.types;
  const result = statement.prepared.execute(decoded.values);
  if (result instanceof Promise) return result.then((r) => respond(ctx, statement, flags, r));
  return respond(ctx, statement, flags, result);
}

/** The result set (or OK), or with a cursor flag only its metadata (the rows come by fetch). */
function respond(
  ctx: CommandContext,
  statement: ServerStatement,
  flags: number,
  result: Result,
): CommandOutcome | Promise<CommandOutcome> {
  if (result.kind === 'rows' && (flags & ANY_CURSOR) !== 0) {
    return statement.openCursor(new Cursor(result.columns, result.rows)).then(() => {
      ctx.send(encodeColumnCount(result.columns.length));
      sendColumnDefinitions(ctx, result.columns);
      sendEof(ctx, SERVER_STATUS.SERVER_STATUS_CURSOR_EXISTS);
      return 'continue';
    });
  }
  const sending = sendResultNow(ctx, result, BINARY_RESULT);
  if (sending !== undefined) return sending.then(() => 'continue');
  return 'continue';
}
