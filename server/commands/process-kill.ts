/**
 * COM_PROCESS_KILL: `KILL CONNECTION id` as a command. The engine does the killing (it knows
 * every session and calls the victim's onKill, whose connection then closes); the answer is the
 * statement's OK or ERR (1094 ER_NO_SUCH_THREAD, 1095 ER_KILL_DENIED_ERROR).
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_process_kill.html
 */
import { decodeProcessKill } from '../protocol/packets/process-kill.js';
import { sendResult } from '../results.js';
import type { CommandHandler } from './context.js';

export const processKill: CommandHandler = async (ctx, payload) => {
  const { connectionId } = decodeProcessKill(payload);
  const result = await ctx.session.execute(`KILL ${connectionId}`);
  await sendResult(ctx, result);
  return 'continue';
};
