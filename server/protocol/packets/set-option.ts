/**
 * COM_SET_OPTION: turn CLIENT_MULTI_STATEMENTS on or off for the rest of the connection. Answered
 * by EOF (or an OK with header 0xFE under CLIENT_DEPRECATE_EOF), as MySQL's my_eof does.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_set_option.html
 *
 *   int<1>  command  0x1B
 *   int<2>  option   MYSQL_OPTION_MULTI_STATEMENTS_ON (0) or _OFF (1)
 */
import { COM } from '../constants.js';
import { PayloadReader } from '../wire.js';

export interface SetOption {
  readonly option: number;
}

export function decodeSetOption(payload: Buffer): SetOption {
  return { option: new PayloadReader(payload, 1).int(2) };
}

export function encodeSetOption(request: SetOption): Buffer {
  const buf = Buffer.alloc(3);
  buf[0] = COM.COM_SET_OPTION;
  buf.writeUInt16LE(request.option, 1);
  return buf;
}
