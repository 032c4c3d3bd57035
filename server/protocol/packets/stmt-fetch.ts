/**
 * COM_STMT_FETCH: the next rows of a statement's open cursor (COM_STMT_EXECUTE with
 * CURSOR_TYPE_READ_ONLY). Answered by up to num_rows binary rows and an EOF (or an OK with
 * header 0xFE under CLIENT_DEPRECATE_EOF) carrying SERVER_STATUS_CURSOR_EXISTS, plus
 * SERVER_STATUS_LAST_ROW_SENT once the cursor is exhausted.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_fetch.html
 *
 *   int<1>  command       0x1C
 *   int<4>  statement_id
 *   int<4>  num_rows
 */
import { COM } from '../constants.js';
import { PayloadReader } from '../wire.js';

export interface StmtFetch {
  readonly statementId: number;
  readonly rowCount: number;
}

export function decodeStmtFetch(payload: Buffer): StmtFetch {
  const r = new PayloadReader(payload, 1);
  return { statementId: r.int(4), rowCount: r.int(4) };
}

export function encodeStmtFetch(request: StmtFetch): Buffer {
  const buf = Buffer.alloc(9);
  buf[0] = COM.COM_STMT_FETCH;
  buf.writeUInt32LE(request.statementId >>> 0, 1);
  buf.writeUInt32LE(request.rowCount >>> 0, 5);
  return buf;
}
