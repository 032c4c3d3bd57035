/**
 * Golden bytes for OK_Packet (the manual's example), the 0xFE variant, and mysql2's reading.
 */
import { describe, expect, it } from 'vitest';
import { fakeMysql2Connection, mysql2, mysql2Packet } from '../../testing/mysql2-packets.js';
import { CLIENT, SERVER_CAPABILITIES, SERVER_STATUS } from '../constants.js';
import { framePacket } from '../framing.js';
import { hex } from '../testing.js';
import { decodeOk, encodeOk, OK_EOF_HEADER, OK_HEADER } from './ok.js';

describe('OK packet', () => {
  it("matches the manual's example: 0 rows, insert id 0, AUTOCOMMIT, 0 warnings", () => {
    const payload = encodeOk({
      header: OK_HEADER,
      affectedRows: 0,
      lastInsertId: 0n,
      statusFlags: SERVER_STATUS.SERVER_STATUS_AUTOCOMMIT,
      warnings: 0,
      info: '',
    });
    expect(hex(framePacket(payload, 2))).toBe('0700000200000002000000');
  });

  it('encodes lenenc counts, status, warnings and info', () => {
    const payload = encodeOk({
      header: OK_HEADER,
      affectedRows: 300,
      lastInsertId: 2n ** 40n,
      statusFlags: 3,
      warnings: 2,
      info: 'Rows matched: 1  Changed: 1  Warnings: 0',
    });
    expect(hex(payload.subarray(0, 20))).toBe('00fc2c01fe000000000001000003000200' + '28526f');
    const parsed = new mysql2.ResultSetHeader(
      mysql2Packet(payload),
      fakeMysql2Connection(SERVER_CAPABILITIES),
    );
    expect(parsed).toMatchObject({
      affectedRows: 300,
      insertId: 2 ** 40,
      serverStatus: 3,
      warningStatus: 2,
      info: 'Rows matched: 1  Changed: 1  Warnings: 0',
    });
    expect(decodeOk(payload)).toEqual({
      header: OK_HEADER,
      affectedRows: 300n,
      lastInsertId: 2n ** 40n,
      statusFlags: 3,
      warnings: 2,
      info: 'Rows matched: 1  Changed: 1  Warnings: 0',
    });
  });

  it('has a 0xFE header when it ends a result set under DEPRECATE_EOF', () => {
    const payload = encodeOk({
      header: OK_EOF_HEADER,
      affectedRows: 0,
      lastInsertId: 0n,
      statusFlags: SERVER_STATUS.SERVER_STATUS_AUTOCOMMIT,
      warnings: 1,
      info: '',
    });
    expect(hex(payload)).toBe('fe000002000100');
    expect(CLIENT.CLIENT_DEPRECATE_EOF & SERVER_CAPABILITIES).not.toBe(0);
  });
});
