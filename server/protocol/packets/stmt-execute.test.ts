/**
 * Golden bytes for COM_STMT_EXECUTE as mysql2 writes it, and the decoding of every parameter
 * type into the engine seam's values.
 */
import { describe, expect, it } from 'vitest';
import type { SqlValue } from '../../../engine/index.js';
import { mysql2, payloadOf } from '../../testing/mysql2-packets.js';
import { stringCodec } from '../charsets.js';
import { CURSOR_TYPE, MYSQL_TYPE as T } from '../constants.js';
import { ProtocolError } from '../errors.js';
import { fromHex, hex, lenEncStr } from '../testing.js';
import {
  decodeStmtExecuteHeader,
  decodeStmtExecuteParams,
  encodeStmtExecute,
  type ParamType,
} from './stmt-execute.js';

const utf8 = stringCodec('utf8mb4');
const decode = (payload: Buffer, paramCount: number, remembered: ParamType[] | null = null) =>
  decodeStmtExecuteParams(payload, { paramCount, remembered, longData: new Map(), codec: utf8 });

function detailOf(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    if (error instanceof ProtocolError) return error.detail;
    throw error;
  }
  throw new Error('expected a ProtocolError');
}

describe('COM_STMT_EXECUTE', () => {
  it('reads what mysql2 writes: header, NULL bitmap, types, values', () => {
    const execute = new mysql2.Execute(5, [1, 'ab', null, true], 224, 'local');
    const payload = payloadOf(execute.toPacket());
    expect(hex(payload)).toBe(
      '17' + '05000000' + '00' + '01000000' + // command, statement 5, no cursor, 1 iteration
        '04' + '01' + // NULL bitmap (parameter 2), new_params_bound
        '0500' + 'fd00' + '0600' + '0100' + // DOUBLE, VAR_STRING, NULL, TINY
        '000000000000f03f' + '026162' + '01', // 1.0, 'ab', 1
    );
    expect(decodeStmtExecuteHeader(payload)).toEqual({
      statementId: 5,
      flags: 0,
      iterationCount: 1,
    });
    expect(decode(payload, 4)).toEqual({
      kind: 'ok',
      types: [
        { type: T.MYSQL_TYPE_DOUBLE, unsigned: false },
        { type: T.MYSQL_TYPE_VAR_STRING, unsigned: false },
        { type: T.MYSQL_TYPE_NULL, unsigned: false },
        { type: T.MYSQL_TYPE_TINY, unsigned: false },
      ],
      values: [1, 'ab', null, 1n],
    });
  });

  it('decodes each parameter type to the seam representation', () => {
    const cases: [number, boolean, string, SqlValue][] = [
      [T.MYSQL_TYPE_TINY, false, 'ff', -1n],
      [T.MYSQL_TYPE_TINY, true, 'ff', 255n],
      [T.MYSQL_TYPE_SHORT, false, 'feff', -2n],
      [T.MYSQL_TYPE_YEAR, true, 'e807', 2024n],
      [T.MYSQL_TYPE_LONG, false, 'ffffffff', -1n],
      [T.MYSQL_TYPE_INT24, true, 'ffffffff', 4294967295n],
      [T.MYSQL_TYPE_LONGLONG, false, '0000000000000080', -9223372036854775808n],
      [T.MYSQL_TYPE_LONGLONG, true, 'ffffffffffffffff', 18446744073709551615n],
      [T.MYSQL_TYPE_FLOAT, false, '0000c03f', 1.5],
      [T.MYSQL_TYPE_DOUBLE, false, '00000000000004c0', -2.5],
      [T.MYSQL_TYPE_NEWDECIMAL, false, '062d31322e3530', '-12.50'],
      [T.MYSQL_TYPE_DECIMAL, false, '0131', '1'],
      [T.MYSQL_TYPE_DATE, false, '04e807021d', '2024-02-29'],
      [T.MYSQL_TYPE_DATE, false, '00', '0000-00-00'],
      [T.MYSQL_TYPE_DATETIME, false, '04e807021d', '2024-02-29 00:00:00'],
      [T.MYSQL_TYPE_DATETIME, false, '07e807021d0d0e0f', '2024-02-29 13:14:15'],
      [T.MYSQL_TYPE_TIMESTAMP, false, '0be807021d0d0e0f58f10000', '2024-02-29 13:14:15.061784'],
      [T.MYSQL_TYPE_TIME, false, '00', '00:00:00'],
      [T.MYSQL_TYPE_TIME, false, '08012200000016' + '3b3b', '-838:59:59'],
      [T.MYSQL_TYPE_TIME, false, '0c0001000000010203' + '20a10700', '25:02:03.500000'],
      [T.MYSQL_TYPE_VARCHAR, false, '02c3a9', 'é'],
      [T.MYSQL_TYPE_VAR_STRING, false, '0161', 'a'],
      [T.MYSQL_TYPE_STRING, false, '00', ''],
      [T.MYSQL_TYPE_ENUM, false, '0178', 'x'],
      [T.MYSQL_TYPE_SET, false, '03612c62', 'a,b'],
      [T.MYSQL_TYPE_JSON, false, '027b7d', '{}'],
      [T.MYSQL_TYPE_TINY_BLOB, false, '0100', Buffer.from([0])],
      [T.MYSQL_TYPE_MEDIUM_BLOB, false, '01ff', Buffer.from([0xff])],
      [T.MYSQL_TYPE_LONG_BLOB, false, '0101', Buffer.from([1])],
      [T.MYSQL_TYPE_BLOB, false, '02fffe', Buffer.from([0xff, 0xfe])],
      [T.MYSQL_TYPE_BIT, false, '0105', Buffer.from([5])],
      [T.MYSQL_TYPE_GEOMETRY, false, '0107', Buffer.from([7])],
    ];
    for (const [type, unsigned, bytes, expected] of cases) {
      const payload = encodeStmtExecute({
        statementId: 1,
        params: [{ type, unsigned, bytes: fromHex(bytes) }],
      });
      const decoded = decode(payload, 1);
      expect(decoded, `type ${type} ${bytes}`).toEqual({
        kind: 'ok',
        types: [{ type, unsigned }],
        values: [expected],
      });
    }
  });

  it('reuses remembered types when new_params_bound is 0', () => {
    const payload = encodeStmtExecute({
      statementId: 2,
      flags: CURSOR_TYPE.CURSOR_TYPE_READ_ONLY,
      params: [{ type: T.MYSQL_TYPE_LONG, bytes: fromHex('07000000') }, { type: 0, bytes: null }],
      sendTypes: false,
    });
    expect(hex(payload)).toBe('17' + '02000000' + '01' + '01000000' + '02' + '00' + '07000000');
    const remembered = [
      { type: T.MYSQL_TYPE_LONG, unsigned: false },
      { type: T.MYSQL_TYPE_VAR_STRING, unsigned: false },
    ];
    expect(decode(payload, 2)).toEqual({ kind: 'no-types' });
    expect(decode(payload, 2, remembered)).toEqual({
      kind: 'ok',
      types: remembered,
      values: [7n, null],
    });
  });

  it('takes long data in place of a value, decoded by the parameter type', () => {
    const payload = encodeStmtExecute({
      statementId: 3,
      params: [
        { type: T.MYSQL_TYPE_VAR_STRING, bytes: Buffer.alloc(0) },
        { type: T.MYSQL_TYPE_BLOB, bytes: Buffer.alloc(0) },
        { type: T.MYSQL_TYPE_LONG, bytes: fromHex('01000000') },
      ],
    });
    const longData = new Map([
      [0, Buffer.from('text €')],
      [1, Buffer.from([0, 1])],
    ]);
    const decoded = decodeStmtExecuteParams(payload, {
      paramCount: 3,
      remembered: null,
      longData,
      codec: utf8,
    });
    expect(decoded).toMatchObject({ kind: 'ok', values: ['text €', Buffer.from([0, 1]), 1n] });
  });

  it('refuses truncated values and unknown types as malformed packets', () => {
    const truncated = encodeStmtExecute({
      statementId: 1,
      params: [{ type: T.MYSQL_TYPE_LONGLONG, bytes: fromHex('0102') }],
    });
    expect(() => decode(truncated, 1)).toThrow(ProtocolError);
    const badType = encodeStmtExecute({
      statementId: 1,
      params: [{ type: 99, bytes: lenEncStr('x') }],
    });
    expect(detailOf(() => decode(badType, 1))).toMatch(/type 99/);
    const badDate = encodeStmtExecute({
      statementId: 1,
      params: [{ type: T.MYSQL_TYPE_DATETIME, bytes: fromHex('05e807021d00') }],
    });
    expect(detailOf(() => decode(badDate, 1))).toMatch(/length 5/);
    expect(() => decodeStmtExecuteHeader(Buffer.from([0x17, 1, 0]))).toThrow(ProtocolError);
  });
});
