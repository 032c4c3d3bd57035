/**
 * COM_SET_OPTION: switch multi-statements on or off; answered by EOF (OK with header 0xFE under
 * CLIENT_DEPRECATE_EOF), or ER_UNKNOWN_COM_ERROR for an option MySQL does not define.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_set_option.html
 */
import { SqlError } from '../../engine/index.js';
import { SET_OPTION } from '../protocol/constants.js';
import { decodeSetOption } from '../protocol/packets/set-option.js';
import { sendEndOfRows } from '../results.js';
import type { CommandHandler } from './context.js';

export const setOption: CommandHandler = async (ctx, payload) => {
  const { option } = decodeSetOption(payload);
  switch (option) {
    case SET_OPTION.MYSQL_OPTION_MULTI_STATEMENTS_ON:
      ctx.client.multiStatements = true;
      break;
    case SET_OPTION.MYSQL_OPTION_MULTI_STATEMENTS_OFF:
      ctx.client.multiStatements = false;
      break;
    default:
      throw new SqlError('ER_UNKNOWN_COM_ERROR');
  }
  sendEndOfRows(ctx, 0);
  return 'continue';
};
