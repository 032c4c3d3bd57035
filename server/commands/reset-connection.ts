/**
 * COM_RESET_CONNECTION: reset the session without re-authenticating: prepared statements are
 * closed (on both sides of the seam), the engine rolls back and resets variables; user and
 * database stay. Answered by OK.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_reset_connection.html
 */
import { sendPlainOk } from '../results.js';
import type { CommandHandler } from './context.js';

export const resetConnection: CommandHandler = async (ctx) => {
  await ctx.statements.closeAll();
  await ctx.session.reset();
  sendPlainOk(ctx);
  return 'continue';
};
