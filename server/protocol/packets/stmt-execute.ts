/**
 * COM_STMT_EXECUTE: run a prepared statement with parameter values in the binary protocol.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_execute.html
 *
 *   int<1>       command              0x17
 *   int<4>       statement_id         0xFFFFFFFF: the statement prepared last (mariadb connector)
 *   int<1>       flags                CURSOR_TYPE_* (constants.ts)
 *   int<4>       iteration_count      always 1
 *   if num_params > 0:
 *     binary<var>  null_bitmap        (num_params + 7) / 8 bytes; parameter i is bit i
 *     int<1>       new_params_bound   1: the types follow; 0: reuse the types of the last execute
 *     if new_params_bound:
 *       num_params × (int<1> type, int<1> flags)     flags 0x80: UNSIGNED
 *     values         each non-NULL parameter without long data, by its type:
 *
 *   parameter type                        value               seam value
 *   TINY / SHORT, YEAR / LONG, INT24 /    int<1> / <2> / <4>  bigint (signed unless UNSIGNED)
 *   LONGLONG                              / <8>
 *   FLOAT / DOUBLE                        IEEE 4 / 8 bytes    number
 *   DATE                                  length + fields     'YYYY-MM-DD'
 *   DATETIME, TIMESTAMP                   length + fields     'YYYY-MM-DD hh:mm:ss[.ffffff]'
 *   TIME                                  length + fields     '[-]hh:mm:ss[.ffffff]'
 *   DECIMAL, NEWDECIMAL, VARCHAR,         string<lenenc>      string, decoded in
 *   VAR_STRING, STRING, ENUM, SET, JSON                       character_set_client
 *   TINY_BLOB … BLOB, BIT, GEOMETRY       string<lenenc>      Buffer
 *   NULL                                  (none)              null
 *
 * CLIENT_QUERY_ATTRIBUTES is never negotiated (constants.ts K1), so there is no parameter count
 * and no parameter names.
 *
 * Invariant (X1): the decoder only reads (W1); bytes that do not parse are a ProtocolError
 * ER_MALFORMED_PACKET, and values it returns are copies, never views of the socket's chunk.
 */
import type { SqlValue } from '../../../engine/index.js';
import type { StringCodec } from '../charsets.js';
import { COM, MYSQL_TYPE } from '../constants.js';
import { malformed } from '../errors.js';
import {
  formatDate,
  formatDateTime,
  formatTime,
  readBinaryDateTime,
  readBinaryTime,
} from '../temporal.js';
import { PayloadReader } from '../wire.js';
import { nullBitmapSize } from './binary-row.js';

/** The statement id that names "the statement prepared last" (MariaDB's pipelining). */
export const LAST_PREPARED_STATEMENT_ID = 0xffff_ffff;
export const UNSIGNED_PARAM_FLAG = 0x80;

export interface ParamType {
  readonly type: number;
  readonly unsigned: boolean;
}

export interface StmtExecuteHeader {
  readonly statementId: number;
  readonly flags: number;
  readonly iterationCount: number;
}

/** The fixed part; the parameters need the statement's count (decodeStmtExecuteParams). */
export function decodeStmtExecuteHeader(payload: Buffer): StmtExecuteHeader {
  const r = new PayloadReader(payload, 1);
  return { statementId: r.int(4), flags: r.int(1), iterationCount: r.int(4) };
}

const PARAMS_OFFSET = 10;

export interface ParamContext {
  readonly paramCount: number;
  /** The types bound by an earlier execute, for new_params_bound = 0; null if none yet. */
  readonly remembered: readonly ParamType[] | null;
  /** Parameters whose value came by COM_STMT_SEND_LONG_DATA. */
  readonly longData: ReadonlyMap<number, Buffer>;
  /** character_set_client, for string parameters. */
  readonly codec: StringCodec;
}

export type DecodedParams =
  | { readonly kind: 'ok'; readonly types: readonly ParamType[]; readonly values: SqlValue[] }
  /** new_params_bound = 0 before any types were bound. */
  | { readonly kind: 'no-types' };

export function decodeStmtExecuteParams(payload: Buffer, context: ParamContext): DecodedParams {
  const count = context.paramCount;
  if (count === 0) return { kind: 'ok', types: [], values: [] };
  const r = new PayloadReader(payload, PARAMS_OFFSET);
  const bitmap = r.bytes(nullBitmapSize(count, 0));
  const bound = r.int(1);
  let types: readonly ParamType[];
  if (bound === 1) types = readTypes(r, count);
  else if (context.remembered === null) return { kind: 'no-types' };
  else types = context.remembered;
  const values: SqlValue[] = [];
  for (let i = 0; i < count; i++) {
    const type = types[i] as ParamType;
    const long = context.longData.get(i);
    if (long !== undefined) values.push(fromBytes(type.type, long, context.codec));
    else if (((bitmap[i >> 3] as number) & (1 << (i & 7))) !== 0) values.push(null);
    else values.push(readValue(r, type, context.codec));
  }
  return { kind: 'ok', types, values };
}

function readTypes(r: PayloadReader, count: number): ParamType[] {
  const types: ParamType[] = [];
  for (let i = 0; i < count; i++) {
    const type = r.int(1);
    const flags = r.int(1);
    if (!PARAM_TYPES.has(type)) throw malformed(`parameter ${i} has type ${type}`);
    types.push({ type, unsigned: (flags & UNSIGNED_PARAM_FLAG) !== 0 });
  }
  return types;
}

const T = MYSQL_TYPE;
const STRING_TYPES: ReadonlySet<number> = new Set([
  T.MYSQL_TYPE_DECIMAL,
  T.MYSQL_TYPE_NEWDECIMAL,
  T.MYSQL_TYPE_VARCHAR,
  T.MYSQL_TYPE_VAR_STRING,
  T.MYSQL_TYPE_STRING,
  T.MYSQL_TYPE_ENUM,
  T.MYSQL_TYPE_SET,
  T.MYSQL_TYPE_JSON,
]);
const BYTES_TYPES: ReadonlySet<number> = new Set([
  T.MYSQL_TYPE_TINY_BLOB,
  T.MYSQL_TYPE_MEDIUM_BLOB,
  T.MYSQL_TYPE_LONG_BLOB,
  T.MYSQL_TYPE_BLOB,
  T.MYSQL_TYPE_BIT,
  T.MYSQL_TYPE_GEOMETRY,
]);
const INTEGER_BYTES: ReadonlyMap<number, 1 | 2 | 4 | 8> = new Map([
  [T.MYSQL_TYPE_TINY, 1],
  [T.MYSQL_TYPE_SHORT, 2],
  [T.MYSQL_TYPE_YEAR, 2],
  [T.MYSQL_TYPE_LONG, 4],
  [T.MYSQL_TYPE_INT24, 4],
  [T.MYSQL_TYPE_LONGLONG, 8],
]);
const OTHER_TYPES = [
  T.MYSQL_TYPE_NULL,
  T.MYSQL_TYPE_FLOAT,
  T.MYSQL_TYPE_DOUBLE,
  T.MYSQL_TYPE_DATE,
  T.MYSQL_TYPE_DATETIME,
  T.MYSQL_TYPE_TIMESTAMP,
  T.MYSQL_TYPE_TIME,
];
/** Every type a client may bind. */
export const PARAM_TYPES: ReadonlySet<number> = new Set([
  ...STRING_TYPES,
  ...BYTES_TYPES,
  ...INTEGER_BYTES.keys(),
  ...OTHER_TYPES,
]);

function readValue(r: PayloadReader, param: ParamType, codec: StringCodec): SqlValue {
  const type = param.type;
  const intBytes = INTEGER_BYTES.get(type);
  if (intBytes !== undefined) {
    const raw = intBytes === 8 ? r.int8() : BigInt(r.int(intBytes));
    return param.unsigned ? raw : BigInt.asIntN(intBytes * 8, raw);
  }
  if (STRING_TYPES.has(type)) return codec.decode(r.lenEncBytes());
  if (BYTES_TYPES.has(type)) return Buffer.from(r.lenEncBytes()); // X1: a copy
  switch (type) {
    case T.MYSQL_TYPE_NULL:
      return null;
    case T.MYSQL_TYPE_FLOAT:
      return r.bytes(4).readFloatLE(0);
    case T.MYSQL_TYPE_DOUBLE:
      return r.bytes(8).readDoubleLE(0);
    case T.MYSQL_TYPE_DATE:
      return formatDate(readBinaryDateTime(r));
    case T.MYSQL_TYPE_DATETIME:
    case T.MYSQL_TYPE_TIMESTAMP:
      return formatDateTime(readBinaryDateTime(r));
    case T.MYSQL_TYPE_TIME:
      return formatTime(readBinaryTime(r));
    default:
      throw malformed(`parameter type ${type}`);
  }
}

/** A parameter sent as long data: its bytes, as text unless it is a binary type. */
function fromBytes(type: number, bytes: Buffer, codec: StringCodec): SqlValue {
  return BYTES_TYPES.has(type) ? bytes : codec.decode(bytes);
}

/** A parameter as a client writes it: its type and its value's bytes (null for NULL). */
export interface EncodedParam {
  readonly type: number;
  readonly unsigned?: boolean;
  /** The value exactly as it travels (e.g. a lenenc string), or null for NULL. */
  readonly bytes: Buffer | null;
}

/** COM_STMT_EXECUTE as a client sends it (tests and the raw test client). */
export function encodeStmtExecute(request: {
  readonly statementId: number;
  readonly flags?: number;
  readonly params: readonly EncodedParam[];
  /** false: new_params_bound = 0, no types (the server must remember them). */
  readonly sendTypes?: boolean;
}): Buffer {
  const { params } = request;
  const head = Buffer.alloc(PARAMS_OFFSET);
  head[0] = COM.COM_STMT_EXECUTE;
  head.writeUInt32LE(request.statementId >>> 0, 1);
  head[5] = request.flags ?? 0;
  head.writeUInt32LE(1, 6);
  if (params.length === 0) return head;
  const bitmap = Buffer.alloc(nullBitmapSize(params.length, 0));
  params.forEach((p, i) => {
    if (p.bytes === null) bitmap[i >> 3] = (bitmap[i >> 3] as number) | (1 << (i & 7));
  });
  const sendTypes = request.sendTypes ?? true;
  const types = sendTypes
    ? params.flatMap((p) => [p.type, p.unsigned === true ? UNSIGNED_PARAM_FLAG : 0])
    : [];
  const values = params.flatMap((p) => (p.bytes === null ? [] : [p.bytes]));
  return Buffer.concat([head, bitmap, Buffer.from([sendTypes ? 1 : 0, ...types]), ...values]);
}
