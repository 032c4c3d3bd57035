/**
 * Golden bytes for text rows (the manual's example) and every value representation of the seam.
 */
import { describe, expect, it } from 'vitest';
import type { ColumnInfo, ColumnType, Row } from '../../../engine/index.js';
import { mysql2Packet } from '../../testing/mysql2-packets.js';
import { framePacket } from '../framing.js';
import { hex } from '../testing.js';
import { decodeTextRow, encodeTextRow } from './text-row.js';

function col(type: ColumnType, decimals = 31): ColumnInfo {
  return {
    name: type.toLowerCase(),
    orgName: '',
    table: '',
    orgTable: '',
    db: '',
    type,
    length: 0,
    decimals,
    flags: 0,
    collation: 63,
  };
}

describe('text row', () => {
  it("matches the manual's example row", () => {
    const payload = encodeTextRow(['MySQL Community Server (GPL)'], [col('VAR_STRING')]);
    expect(hex(framePacket(payload, 4))).toBe(
      '1d000004' + '1c' + hex(Buffer.from('MySQL Community Server (GPL)')),
    );
  });

  it('encodes every value representation of the engine seam', () => {
    const columns = [
      col('LONGLONG', 0),
      col('LONGLONG', 0),
      col('DOUBLE'),
      col('DOUBLE'),
      col('FLOAT'),
      col('DOUBLE', 2),
      col('NEWDECIMAL', 2),
      col('DATETIME', 0),
      col('VAR_STRING'),
      col('BLOB'),
      col('VAR_STRING'),
      col('NULL'),
    ];
    const row: Row = [
      18446744073709551615n,
      -9223372036854775808n,
      1e20,
      0.1,
      Math.fround(0.1),
      1.005,
      '12.50',
      '2024-01-02 03:04:05',
      'héllo ☃',
      Buffer.from([0x00, 0xff, 0xfb]),
      '',
      null,
    ];
    const cells = decodeTextRow(encodeTextRow(row, columns), columns.length);
    expect(cells.map((c) => (c === null ? null : c.toString('utf8')))).toEqual([
      '18446744073709551615',
      '-9223372036854775808',
      '1e20',
      '0.1',
      '0.1',
      '1.00',
      '12.50',
      '2024-01-02 03:04:05',
      'héllo ☃',
      cells[9]?.toString('utf8'),
      '',
      null,
    ]);
    expect(hex(cells[9] as Buffer)).toBe('00fffb');
  });

  it('writes NULL as 0xFB and long cells with multi-byte lengths', () => {
    const long = 'x'.repeat(300);
    const payload = encodeTextRow([null, long], [col('VAR_STRING'), col('VAR_STRING')]);
    expect(hex(payload.subarray(0, 4))).toBe('fbfc2c01');
    expect(payload.length).toBe(1 + 3 + 300);
    const parsed = mysql2Packet(payload);
    expect(parsed.readLengthCodedString('utf8')).toBeNull();
    expect(parsed.readLengthCodedString('utf8')).toBe(long);
    expect(parsed.haveMoreData()).toBe(false);
  });

  it('refuses a row whose width differs from the columns', () => {
    expect(() => encodeTextRow([1n], [col('LONG'), col('LONG')])).toThrow();
  });
});
