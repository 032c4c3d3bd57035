/**
 * COM_QUIT: the client is leaving. No answer; the connection closes.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_quit.html
 */
import type { CommandHandler } from './context.js';

export const quit: CommandHandler = async () => 'quit';
