/**
 * COM_INIT_DB: change the default database (what `USE db` does, sent by the CLI and mysqldump).
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_init_db.html
 *
 *   int<1>       command  0x02
 *   string<EOF>  schema name, in character_set_client
 */
import { stringCodec } from '../protocol/charsets.js';
import { sendPlainOk } from '../results.js';
import type { CommandHandler } from './context.js';

export const initDb: CommandHandler = async (ctx, payload) => {
  const database = stringCodec(ctx.session.status.charsetClient).decode(payload.subarray(1));
  ctx.log.debug({ database }, 'COM_INIT_DB');
  await ctx.session.useDatabase(database);
  sendPlainOk(ctx);
  return 'continue';
};
