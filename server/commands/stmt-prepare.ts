/**
 * COM_STMT_PREPARE: prepare any statement (SELECT, DML, DDL, BEGIN…) and answer
 * COM_STMT_PREPARE_OK, the parameter definitions, and the result's column definitions, each
 * group closed by EOF unless CLIENT_DEPRECATE_EOF.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_prepare.html
 *
 *   int<1>       command  0x16
 *   string<EOF>  the SQL statement, '?' for each parameter
 *
 * A failed PREPARE forgets "the last prepared statement", so that a pipelined EXECUTE of
 * statement 0xFFFFFFFF (the mariadb connector) fails rather than run an older statement.
 */
import { CommandError } from '../protocol/errors.js';
import { encodeColumnDefinition41 } from '../protocol/packets/column-definition.js';
import { encodeStmtPrepareOk, PARAM_DEFINITION } from '../protocol/packets/stmt-prepare-ok.js';
import { sendColumnDefinitions, sendEof } from '../results.js';
import type { CommandHandler } from './context.js';
import { loggableSql } from './loggable-sql.js';

/** int<2> in COM_STMT_PREPARE_OK. */
const PLACEHOLDERS_MAX = 0xffff;

export const stmtPrepare: CommandHandler = async (ctx, payload) => {
  const sql = Buffer.from(payload.subarray(1));
  if (ctx.log.isLevelEnabled('debug')) ctx.log.debug({ sql: loggableSql(sql) }, 'COM_STMT_PREPARE');
  let prepared;
  try {
    prepared = await ctx.session.prepare(sql);
  } catch (error) {
    ctx.statements.forgetLast();
    throw error;
  }
  if (prepared.paramCount > PLACEHOLDERS_MAX || prepared.columns.length > PLACEHOLDERS_MAX) {
    prepared.close();
    ctx.statements.forgetLast();
    throw new CommandError('ER_PS_MANY_PARAM');
  }
  const statement = ctx.statements.add(prepared);
  ctx.send(
    encodeStmtPrepareOk({
      statementId: statement.id,
      columnCount: prepared.columns.length,
      paramCount: prepared.paramCount,
      warnings: ctx.session.status.warningCount,
    }),
  );
  if (prepared.paramCount > 0) {
    const definition = encodeColumnDefinition41(PARAM_DEFINITION);
    for (let i = 0; i < prepared.paramCount; i++) ctx.send(definition);
    if (!ctx.client.deprecateEof) sendEof(ctx, 0);
  }
  if (prepared.columns.length > 0) {
    sendColumnDefinitions(ctx, prepared.columns);
    if (!ctx.client.deprecateEof) sendEof(ctx, 0);
  }
  return 'continue';
};
