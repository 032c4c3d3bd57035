/**
 * COM_STMT_SEND_LONG_DATA: a piece of one parameter's value, sent before COM_STMT_EXECUTE. The
 * pieces of a parameter are joined in order. The server sends no reply.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_send_long_data.html
 *
 *   int<1>       command       0x18
 *   int<4>       statement_id
 *   int<2>       param_id
 *   binary<EOF>  data
 */
import { COM } from '../constants.js';
import { PayloadReader } from '../wire.js';

export interface StmtSendLongData {
  readonly statementId: number;
  readonly paramId: number;
  /** A copy of the piece (the payload is a view of the socket's chunk). */
  readonly data: Buffer;
}

export function decodeStmtSendLongData(payload: Buffer): StmtSendLongData {
  const r = new PayloadReader(payload, 1);
  const statementId = r.int(4);
  const paramId = r.int(2);
  return { statementId, paramId, data: Buffer.from(r.rest()) };
}

export function encodeStmtSendLongData(request: StmtSendLongData): Buffer {
  const head = Buffer.alloc(7);
  head[0] = COM.COM_STMT_SEND_LONG_DATA;
  head.writeUInt32LE(request.statementId >>> 0, 1);
  head.writeUInt16LE(request.paramId, 5);
  return Buffer.concat([head, request.data]);
}
