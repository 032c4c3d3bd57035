/**
 * COM_CHANGE_USER: authenticate as another (or the same) user on this connection, with an
 * AuthSwitchRequest when the client answered for another plugin than the account's (mysql2
 * always answers for mysql_native_password); then close the prepared statements, switch and
 * reset the session, and answer OK. A failed authentication answers ERR and closes the
 * connection, as MySQL does.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_change_user.html
 */
import { encodeErr } from '../protocol/packets/err.js';
import { decodeChangeUser } from '../protocol/packets/change-user.js';
import { sendPlainOk } from '../results.js';
import { unreachable } from '../unreachable.js';
import type { CommandHandler } from './context.js';

export const changeUser: CommandHandler = async (ctx, payload) => {
  const request = decodeChangeUser(payload, ctx.client.capabilities);
  const outcome = await ctx.reauthenticate(request);
  switch (outcome.kind) {
    case 'gone':
      return 'quit';
    case 'denied':
      ctx.log.info({ user: request.user }, 'COM_CHANGE_USER denied');
      ctx.send(encodeErr(outcome.error));
      return 'close';
    case 'ok':
      break;
    default:
      unreachable(outcome);
  }
  await ctx.statements.closeAll();
  await ctx.session.changeUser(request.user, ctx.host, request.database);
  ctx.log.info({ user: request.user, database: request.database }, 'changed user');
  sendPlainOk(ctx);
  return 'continue';
};
