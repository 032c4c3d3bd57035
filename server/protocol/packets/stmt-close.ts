/**
 * COM_STMT_CLOSE: deallocate a prepared statement. The server sends no reply.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_close.html
 *
 *   int<1>  command       0x19
 *   int<4>  statement_id
 */
import { COM } from '../constants.js';
import { PayloadReader } from '../wire.js';

export interface StmtClose {
  readonly statementId: number;
}

export function decodeStmtClose(payload: Buffer): StmtClose {
  return { statementId: new PayloadReader(payload, 1).int(4) };
}

export function encodeStmtClose(request: StmtClose): Buffer {
  const buf = Buffer.alloc(5);
  buf[0] = COM.COM_STMT_CLOSE;
  buf.writeUInt32LE(request.statementId >>> 0, 1);
  return buf;
}
