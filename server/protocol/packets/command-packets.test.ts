/**
 * Golden bytes for the small command packets (statement close/reset/fetch/long data, set option,
 * process kill, field list), the connection-phase packets (SSLRequest, AuthMoreData) and
 * COM_CHANGE_USER, read from what mysql2 writes where mysql2 writes them.
 */
import { describe, expect, it } from 'vitest';
import { mysql2, payloadOf } from '../../testing/mysql2-packets.js';
import { CLIENT } from '../constants.js';
import { framePacket } from '../framing.js';
import { hex, TYPICAL_CLIENT_CAPABILITIES } from '../testing.js';
import { decodeAuthMoreData, encodeAuthMoreData } from './auth-more-data.js';
import { decodeChangeUser, encodeChangeUser } from './change-user.js';
import { decodeColumnDefinition41 } from './column-definition.js';
import { appendDefaultValue, decodeFieldList, encodeFieldList } from './field-list.js';
import { decodeProcessKill, encodeProcessKill } from './process-kill.js';
import { decodeSetOption, encodeSetOption } from './set-option.js';
import { decodeSslRequest, encodeSslRequest, isSslRequest } from './ssl-request.js';
import { decodeStmtClose, encodeStmtClose } from './stmt-close.js';
import { decodeStmtFetch, encodeStmtFetch } from './stmt-fetch.js';
import { decodeStmtReset, encodeStmtReset } from './stmt-reset.js';
import { decodeStmtSendLongData, encodeStmtSendLongData } from './stmt-send-long-data.js';

describe('statement command packets', () => {
  it('COM_STMT_CLOSE, COM_STMT_RESET: command byte and int<4> statement id', () => {
    const framed = framePacket(encodeStmtClose({ statementId: 1 }), 0);
    expect(hex(framed)).toBe('05000000' + '1901000000');
    expect(hex(encodeStmtReset({ statementId: 0x01020304 }))).toBe('1a04030201');
    expect(decodeStmtClose(Buffer.from('1907000000', 'hex'))).toEqual({ statementId: 7 });
    expect(decodeStmtReset(Buffer.from('1a08000000', 'hex'))).toEqual({ statementId: 8 });
  });

  it('COM_STMT_FETCH: statement id and row count', () => {
    expect(hex(encodeStmtFetch({ statementId: 2, rowCount: 300 }))).toBe('1c020000002c010000');
    expect(decodeStmtFetch(Buffer.from('1c02000000ffffffff', 'hex'))).toEqual({
      statementId: 2,
      rowCount: 0xffffffff,
    });
  });

  it('COM_STMT_SEND_LONG_DATA: statement id, parameter id, the data to the end', () => {
    const payload = encodeStmtSendLongData({
      statementId: 3,
      paramId: 1,
      data: Buffer.from('ab'),
    });
    expect(hex(payload)).toBe('18' + '03000000' + '0100' + '6162');
    const decoded = decodeStmtSendLongData(payload);
    expect(decoded).toEqual({ statementId: 3, paramId: 1, data: Buffer.from('ab') });
    payload.fill(0);
    expect(decoded.data).toEqual(Buffer.from('ab')); // a copy, not a view of the chunk
  });

  it('refuses truncated statement commands', () => {
    expect(() => decodeStmtClose(Buffer.from('1901', 'hex'))).toThrow(/Malformed/);
    expect(() => decodeStmtFetch(Buffer.from('1c01000000', 'hex'))).toThrow(/Malformed/);
    expect(() => decodeStmtSendLongData(Buffer.from('180100000001', 'hex'))).toThrow(/Malformed/);
  });
});

describe('other commands', () => {
  it('COM_SET_OPTION and COM_PROCESS_KILL', () => {
    expect(hex(encodeSetOption({ option: 1 }))).toBe('1b0100');
    expect(decodeSetOption(Buffer.from('1b0000', 'hex'))).toEqual({ option: 0 });
    expect(hex(encodeProcessKill({ connectionId: 42 }))).toBe('0c2a000000');
    expect(decodeProcessKill(Buffer.from('0c2a000000', 'hex'))).toEqual({ connectionId: 42 });
  });

  it('COM_FIELD_LIST: table, NUL, wildcard to the end; defaults after the definition', () => {
    const request = encodeFieldList({ table: Buffer.from('t1'), wildcard: Buffer.from('a%') });
    expect(hex(request)).toBe('04' + '743100' + '6125');
    expect(decodeFieldList(request)).toEqual({
      table: Buffer.from('t1'),
      wildcard: Buffer.from('a%'),
    });
    expect(decodeFieldList(Buffer.from('04743100', 'hex')).wildcard).toHaveLength(0);
    const definition = Buffer.from('03646566000000016100' + '0c3f000b00000003000000000000', 'hex');
    expect(decodeColumnDefinition41(definition).name).toBe('a');
    expect(hex(appendDefaultValue(definition, null)).slice(-2)).toBe('fb');
    expect(hex(appendDefaultValue(definition, Buffer.from('42'))).slice(-6)).toBe('023432');
  });
});

describe('connection-phase packets', () => {
  it('SSLRequest: the 32-byte prefix with CLIENT_SSL, as mysql2 writes it', () => {
    const flags = TYPICAL_CLIENT_CAPABILITIES;
    const theirs = payloadOf(new mysql2.SSLRequest(flags, 224).toPacket());
    expect(theirs).toHaveLength(32);
    expect(isSslRequest(theirs)).toBe(true);
    expect(decodeSslRequest(theirs)).toEqual({
      capabilities: (flags | CLIENT.CLIENT_SSL) >>> 0,
      maxPacketSize: 0,
      characterSet: 224,
    });
    const ours = encodeSslRequest({ capabilities: flags, maxPacketSize: 0, characterSet: 224 });
    expect(hex(ours)).toBe(hex(theirs));
    expect(isSslRequest(Buffer.alloc(32))).toBe(false);
    expect(isSslRequest(Buffer.alloc(3))).toBe(false);
  });

  it('AuthMoreData: 0x01 and the data', () => {
    expect(hex(encodeAuthMoreData(Buffer.from([3])))).toBe('0103');
    expect(decodeAuthMoreData(Buffer.from('012d2d', 'hex'))).toEqual(Buffer.from('--'));
  });

  it('COM_CHANGE_USER: reads what mysql2 writes', () => {
    const flags = (TYPICAL_CLIENT_CAPABILITIES | CLIENT.CLIENT_CONNECT_WITH_DB) >>> 0;
    const packet = new mysql2.ChangeUser({
      flags,
      user: 'bob',
      database: 'appdb',
      password: 'pw',
      authPluginData1: Buffer.from('abcdefgh'),
      authPluginData2: Buffer.from('ijklmnopqrst'),
      charsetNumber: 224,
    }).toPacket();
    const payload = payloadOf(packet);
    expect(hex(payload.subarray(0, 6))).toBe('11' + '626f6200' + '14');
    const decoded = decodeChangeUser(payload, flags);
    expect(decoded).toMatchObject({
      user: 'bob',
      database: 'appdb',
      characterSet: 224,
      authPluginName: 'mysql_native_password',
    });
    expect(decoded.authResponse).toHaveLength(20);
    const ours = encodeChangeUser(decoded, flags);
    expect(decodeChangeUser(ours, flags)).toEqual(decoded);
    expect(() => decodeChangeUser(Buffer.from('11626f62', 'hex'), flags)).toThrow(/Malformed/);
  });
});
