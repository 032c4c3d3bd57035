/**
 * COM_QUERY: run an SQL text and answer OK, a result set, or ERR; with CLIENT_MULTI_STATEMENTS,
 * one result per statement, all but the last flagged SERVER_MORE_RESULTS_EXISTS.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query.html
 *
 *   int<1>       command  0x03
 *   string<EOF>  query
 *
 * CLIENT_QUERY_ATTRIBUTES is never negotiated, so the text follows the command byte directly.
 * The text goes to the engine as the client's bytes (mysqldump puts raw non-UTF-8 bytes inside
 * literals); the engine decodes it in character_set_client. Under multi-statements the engine's
 * lexer splits it; an error stops the statements after it, as in MySQL. LOAD DATA LOCAL INFILE
 * exchanges the file within the command (local-infile.ts).
 */
import { SINGLE_TEXT_RESULT, sendResultNow } from '../results.js';
import type { CommandHandler } from './context.js';
import { loggableSql } from './loggable-sql.js';
import { localInfile } from './local-infile.js';

const MORE_TEXT_RESULTS = { moreResults: true, protocol: 'text' } as const;

export const query: CommandHandler = async (ctx, payload) => {
  const text = Buffer.from(payload.subarray(1)); // a copy: the payload is the socket's chunk
  if (ctx.log.isLevelEnabled('debug')) ctx.log.debug({ sql: loggableSql(text) }, 'COM_QUERY');
  const split = ctx.client.multiStatements ? ctx.splitStatements(text) : [];
  const statements = split.length === 0 ? [text] : split;
  for (let i = 0; i < statements.length; i++) {
    let result = await ctx.session.execute(statements[i] as Buffer);
    if (result.kind === 'local-infile') result = await localInfile(ctx, result);
    const last = i === statements.length - 1;
    const sending = sendResultNow(ctx, result, last ? SINGLE_TEXT_RESULT : MORE_TEXT_RESULTS);
    if (sending !== undefined) await sending;
  }
  return 'continue';
};
