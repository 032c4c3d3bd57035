/**
 * COM_PING: answer OK (the mariadb connector pings on every pool checkout).
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_ping.html
 */
import { sendPlainOk } from '../results.js';
import type { CommandHandler } from './context.js';

export const ping: CommandHandler = async (ctx) => {
  sendPlainOk(ctx);
  return 'continue';
};
