/**
 * COM_QUERY: run one SQL text and answer OK, a result set, or ERR.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query.html
 *
 *   int<1>       command  0x03
 *   string<EOF>  query
 *
 * CLIENT_QUERY_ATTRIBUTES is never negotiated, so the text follows the command byte directly.
 * The text goes to the engine untouched (the mysql CLI's connect-time queries, SHOW, USE and
 * SELECT DATABASE() are the engine's to answer). It is decoded as UTF-8 for now; keeping raw
 * bytes for non-UTF-8 literals (mysqldump BLOBs) is a later change of the Session seam.
 */
import { sendResult } from '../results.js';
import type { CommandHandler } from './context.js';

export const query: CommandHandler = async (ctx, payload) => {
  const sql = payload.toString('utf8', 1);
  if (ctx.log.isLevelEnabled('debug')) ctx.log.debug({ sql }, 'COM_QUERY');
  const result = await ctx.session.execute(sql);
  await sendResult(ctx, result);
  return 'continue';
};
