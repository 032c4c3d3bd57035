/**
 * Golden bytes for Column_Definition41 (the manual's example), wire types, and mysql2's reading.
 */
import { describe, expect, it } from 'vitest';
import { COLUMN_FLAG, type ColumnInfo } from '../../../engine/index.js';
import { mysql2, mysql2Packet } from '../../testing/mysql2-packets.js';
import { framePacket } from '../framing.js';
import { hex } from '../testing.js';
import { decodeColumnCount, encodeColumnCount } from './column-count.js';
import {
  decodeColumnDefinition41,
  encodeColumnDefinition,
} from './column-definition.js';

function column(overrides: Partial<ColumnInfo>): ColumnInfo {
  return {
    name: 'c',
    orgName: '',
    table: '',
    orgTable: '',
    db: '',
    type: 'LONGLONG',
    length: 20,
    decimals: 0,
    flags: 0,
    collation: 63,
    ...overrides,
  };
}

describe('column definition', () => {
  it("matches the manual's example (SELECT @@version_comment, results in latin1)", () => {
    const payload = encodeColumnDefinition(
      column({
        name: '@@version_comment',
        type: 'VAR_STRING',
        length: 28 * 4, // 28 characters, as utf8mb4 results would report them
        decimals: 0x1f,
        collation: 255,
      }),
      'latin1',
    );
    expect(hex(framePacket(payload, 2))).toBe(
      '27000002' +
        '03646566' + '00' + '00' + '00' +
        '11' + hex(Buffer.from('@@version_comment')) +
        '00' + '0c' + '0800' + '1c000000' + 'fd' + '0000' + '1f' + '0000',
    );
  });

  it('parses in mysql2 to the same fields', () => {
    const payload = encodeColumnDefinition(
      column({
        name: 'naïve',
        orgName: 'n',
        table: 't1',
        orgTable: 'things',
        db: 'appdb',
        type: 'LONGLONG',
        flags: COLUMN_FLAG.NOT_NULL | COLUMN_FLAG.UNSIGNED | COLUMN_FLAG.PRI_KEY,
      }),
    );
    const parsed = new mysql2.ColumnDefinition(mysql2Packet(payload), 'utf8');
    expect(parsed).toMatchObject({
      catalog: 'def',
      schema: 'appdb',
      name: 'naïve',
      orgName: 'n',
      table: 't1',
      orgTable: 'things',
      characterSet: 63,
      columnLength: 20,
      columnType: 8,
      flags: 35,
      decimals: 0,
    });
  });

  it('sends wire types: VARCHAR as VAR_STRING, ENUM as STRING + ENUM_FLAG, blobs as BLOB', () => {
    const wire = (c: ColumnInfo): { type: number; flags: number } => {
      const d = decodeColumnDefinition41(encodeColumnDefinition(c));
      return { type: d.type, flags: d.flags };
    };
    expect(wire(column({ type: 'VARCHAR', collation: 255 }))).toEqual({ type: 253, flags: 0 });
    expect(wire(column({ type: 'ENUM' }))).toEqual({ type: 254, flags: COLUMN_FLAG.ENUM });
    expect(wire(column({ type: 'SET' }))).toEqual({ type: 254, flags: COLUMN_FLAG.SET });
    expect(wire(column({ type: 'MEDIUM_BLOB', flags: 16 }))).toEqual({ type: 252, flags: 16 });
    expect(wire(column({ type: 'JSON' }))).toEqual({ type: 245, flags: 0 });
    expect(wire(column({ type: 'NEWDECIMAL', decimals: 2 }))).toMatchObject({ type: 246 });
  });

  it('round-trips through its own decoder', () => {
    const c = column({ name: 'x', db: 'd', table: 't', orgTable: 'ot', orgName: 'on' });
    expect(decodeColumnDefinition41(encodeColumnDefinition(c))).toEqual({
      catalog: 'def',
      schema: 'd',
      table: 't',
      orgTable: 'ot',
      name: 'x',
      orgName: 'on',
      characterSet: 63,
      columnLength: 20,
      type: 8,
      flags: 0,
      decimals: 0,
    });
  });
});

describe('column count', () => {
  it('is one lenenc integer', () => {
    expect(hex(framePacket(encodeColumnCount(1), 1))).toBe('0100000101');
    expect(hex(encodeColumnCount(300))).toBe('fc2c01');
    expect(decodeColumnCount(encodeColumnCount(300))).toBe(300);
    expect(() => encodeColumnCount(0)).toThrow();
  });
});
