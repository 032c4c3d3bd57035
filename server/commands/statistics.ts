/**
 * COM_STATISTICS: a human-readable status line ('Uptime: … Threads: … Questions: …'), sent as
 * a bare string packet, not an OK (the mysql CLI's `\s` prints it).
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_statistics.html
 */
import type { CommandHandler } from './context.js';

export const statistics: CommandHandler = async (ctx) => {
  ctx.send(Buffer.from(ctx.engine.statistics(), 'utf8'));
  return 'continue';
};
