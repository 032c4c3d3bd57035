/**
 * COM_PROCESS_KILL: what `KILL CONNECTION id` does, as a command (deprecated in MySQL 8, still
 * served). Answered by OK or ERR.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_process_kill.html
 *
 *   int<1>  command        0x0C
 *   int<4>  connection_id
 */
import { COM } from '../constants.js';
import { PayloadReader } from '../wire.js';

export interface ProcessKill {
  readonly connectionId: number;
}

export function decodeProcessKill(payload: Buffer): ProcessKill {
  return { connectionId: new PayloadReader(payload, 1).int(4) };
}

export function encodeProcessKill(request: ProcessKill): Buffer {
  const buf = Buffer.alloc(5);
  buf[0] = COM.COM_PROCESS_KILL;
  buf.writeUInt32LE(request.connectionId >>> 0, 1);
  return buf;
}
