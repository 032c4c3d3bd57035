/**
 * COM_STMT_PREPARE_OK: the first packet answering a successful COM_STMT_PREPARE. It is followed
 * by num_params parameter definitions and num_columns column definitions, each group closed by an
 * EOF packet unless the client set CLIENT_DEPRECATE_EOF (commands/stmt-prepare.ts sends them).
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_prepare.html
 *
 *   int<1>  status          0x00
 *   int<4>  statement_id
 *   int<2>  num_columns
 *   int<2>  num_params
 *   int<1>  reserved_1      0x00
 *   int<2>  warning_count
 *
 * A parameter's definition is a Column_Definition41 with name '?' and type VAR_STRING, binary
 * (PARAM_DEFINITION): the engine's seam does not type parameters, and a string type makes no
 * client narrow the values it sends (mysql2 adopts only integer hints).
 */
import assert from 'node:assert/strict';
import { COLUMN_FLAG } from '../../../engine/index.js';
import { COLLATION, MYSQL_TYPE } from '../constants.js';
import { PayloadReader } from '../wire.js';
import type { ColumnDefinition41 } from './column-definition.js';

export const STMT_PREPARE_OK_HEADER = 0x00;
const SIZE = 12;

export interface StmtPrepareOk {
  readonly statementId: number;
  readonly columnCount: number;
  readonly paramCount: number;
  readonly warnings: number;
}

export function encodeStmtPrepareOk(ok: StmtPrepareOk): Buffer {
  assert(ok.statementId >= 0 && ok.statementId <= 0xffff_ffff, 'statement id is int<4>');
  assert(ok.columnCount >= 0 && ok.columnCount <= 0xffff, 'num_columns is int<2>');
  assert(ok.paramCount >= 0 && ok.paramCount <= 0xffff, 'num_params is int<2>');
  const buf = Buffer.alloc(SIZE);
  buf[0] = STMT_PREPARE_OK_HEADER;
  buf.writeUInt32LE(ok.statementId, 1);
  buf.writeUInt16LE(ok.columnCount, 5);
  buf.writeUInt16LE(ok.paramCount, 7);
  buf.writeUInt16LE(Math.min(ok.warnings, 0xffff), 10);
  return buf;
}

export function decodeStmtPrepareOk(payload: Buffer): StmtPrepareOk {
  const r = new PayloadReader(payload);
  assert(r.int(1) === STMT_PREPARE_OK_HEADER, 'not a COM_STMT_PREPARE_OK');
  const statementId = r.int(4);
  const columnCount = r.int(2);
  const paramCount = r.int(2);
  r.skip(1);
  const warnings = r.atEnd() ? 0 : r.int(2);
  return { statementId, columnCount, paramCount, warnings };
}

/** What MySQL sends for an untyped placeholder. */
export const PARAM_DEFINITION: ColumnDefinition41 = {
  catalog: 'def',
  schema: '',
  table: '',
  orgTable: '',
  name: '?',
  orgName: '',
  characterSet: COLLATION.binary,
  columnLength: 0,
  type: MYSQL_TYPE.MYSQL_TYPE_VAR_STRING,
  flags: COLUMN_FLAG.BINARY,
  decimals: 0,
};
