/**
 * COM_STMT_RESET: forget a prepared statement's long data and close its cursor. Answered by OK.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_reset.html
 *
 *   int<1>  command       0x1A
 *   int<4>  statement_id
 */
import { COM } from '../constants.js';
import { PayloadReader } from '../wire.js';

export interface StmtReset {
  readonly statementId: number;
}

export function decodeStmtReset(payload: Buffer): StmtReset {
  return { statementId: new PayloadReader(payload, 1).int(4) };
}

export function encodeStmtReset(request: StmtReset): Buffer {
  const buf = Buffer.alloc(5);
  buf[0] = COM.COM_STMT_RESET;
  buf.writeUInt32LE(request.statementId >>> 0, 1);
  return buf;
}
