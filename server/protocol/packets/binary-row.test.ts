/**
 * Golden bytes for binary result rows: the NULL bitmap, each integer width signed and UNSIGNED,
 * FLOAT/DOUBLE, the shortest DATE/DATETIME/TIME encodings MySQL picks, and length-encoded
 * values; and the decoder's round trip.
 */
import { describe, expect, it } from 'vitest';
import { COLUMN_FLAG, type ColumnInfo, type ColumnType, type Row } from '../../../engine/index.js';
import { stringCodec } from '../charsets.js';
import { framePacket, PacketWriter } from '../framing.js';
import { hex } from '../testing.js';
import { decodeBinaryRow, encodeBinaryRow, sendBinaryRow } from './binary-row.js';

function col(type: ColumnType, extra: Partial<ColumnInfo> = {}): ColumnInfo {
  return {
    name: type.toLowerCase(),
    orgName: '',
    table: '',
    orgTable: '',
    db: '',
    type,
    length: 0,
    decimals: 0,
    flags: 0,
    collation: 63,
    ...extra,
  };
}

const golden = (row: Row, columns: ColumnInfo[]): string => hex(encodeBinaryRow(row, columns));

describe('binary row', () => {
  it('frames a row: header, NULL bitmap from bit 2, values', () => {
    // The manual's example: one VAR_STRING column 'foobar'.
    const payload = encodeBinaryRow(['foobar'], [col('VAR_STRING', { collation: 255 })]);
    expect(hex(framePacket(payload, 4))).toBe('09000004' + '00' + '00' + '06666f6f626172');
    // NULLs: columns 0 and 7 → bits 2 and 9.
    const columns = Array.from({ length: 8 }, () => col('TINY'));
    const row: Row = [null, 1n, 2n, 3n, 4n, 5n, 6n, null];
    expect(golden(row, columns)).toBe('00' + '0402' + '010203040506');
  });

  it('encodes rows of strings and NULLs (the all-text path) as the general path does', () => {
    const text = col('VAR_STRING', { collation: 255 });
    const long = 'é'.repeat(200); // 400 bytes: a 3-byte length
    expect(golden([null, 'ab', long], [text, text, text])).toBe(
      '00' + '04' + '026162' + 'fc9001' + 'c3a9'.repeat(200),
    );
    // A row mixing a string with an integer takes the general path: the same layout.
    expect(golden(['ab', 7n, null], [text, col('TINY'), text])).toBe('00' + '10' + '026162' + '07');
    const rows: Row[] = [[], [null], ['😀 naïve', null, ''], [long, 'x'.repeat(251), null]];
    for (const row of rows) {
      const columns = row.map(() => text);
      expect(decodeBinaryRow(encodeBinaryRow(row, columns), columns)).toEqual(row);
    }
    // Another character set: strings are converted by the codec, not written as UTF-8.
    const latin1 = stringCodec('latin1');
    expect(hex(encodeBinaryRow(['é'], [text], latin1))).toBe('0000' + '01e9');
  });

  it('sends rows in place into the packet queue as the encoded payloads would be', () => {
    const text = col('VAR_STRING', { collation: 255 });
    const rows: Row[] = [['ab', null, 'é'.repeat(200)], [null, null, null], ['x', 7n, 'y']];
    const columns = [text, text, text];
    const mixed = [text, col('TINY'), text];
    const inPlace = new PacketWriter();
    const sink = {
      send: (payload: Buffer) => inPlace.add(payload),
      reserve: (length: number) => inPlace.reserve(length),
      get packetBuffer() {
        return inPlace.buffer;
      },
    };
    const added = new PacketWriter();
    for (const [i, row] of rows.entries()) {
      const cols = i === 2 ? mixed : columns;
      sendBinaryRow(sink, row, cols, stringCodec('utf8mb4'));
      added.add(encodeBinaryRow(row, cols));
    }
    expect(hex(inPlace.take())).toBe(hex(added.take()));
  });

  it('writes integers in their width, two’s complement, signed or UNSIGNED', () => {
    const unsigned = { flags: COLUMN_FLAG.UNSIGNED };
    expect(golden([-1n], [col('TINY')])).toBe('0000ff');
    expect(golden([255n], [col('TINY', unsigned)])).toBe('0000ff');
    expect(golden([-2n], [col('SHORT')])).toBe('0000feff');
    expect(golden([2024n], [col('YEAR', unsigned)])).toBe('0000e807');
    expect(golden([-8388608n], [col('INT24')])).toBe('00000000' + '80ff');
    expect(golden([0x01020304n], [col('LONG')])).toBe('000004030201');
    expect(golden([-9223372036854775808n], [col('LONGLONG')])).toBe('0000' + '0000000000000080');
    expect(golden([18446744073709551615n], [col('LONGLONG', unsigned)])).toBe(
      '0000' + 'ffffffffffffffff',
    );
    expect(() => encodeBinaryRow([256n], [col('TINY', unsigned)])).toThrow(/B1/);
    expect(() => encodeBinaryRow([-1n], [col('LONG', unsigned)])).toThrow(/B1/);
  });

  it('writes FLOAT in 4 bytes and DOUBLE in 8', () => {
    expect(golden([1.5], [col('FLOAT')])).toBe('0000' + '0000c03f');
    expect(golden([-2.5], [col('DOUBLE')])).toBe('0000' + '00000000000004c0');
  });

  it('writes DATE, DATETIME and TIMESTAMP in 0, 4, 7 or 11 bytes, as MySQL does', () => {
    expect(golden(['0000-00-00'], [col('DATE')])).toBe('0000' + '00');
    expect(golden(['2024-02-29'], [col('DATE')])).toBe('0000' + '04e807021d');
    expect(golden(['2024-02-29 00:00:00'], [col('DATETIME')])).toBe('0000' + '04e807021d');
    expect(golden(['2024-02-29 13:14:15'], [col('TIMESTAMP')])).toBe(
      '0000' + '07e807021d0d0e0f',
    );
    expect(golden(['2024-02-29 13:14:15.000001'], [col('DATETIME', { decimals: 6 })])).toBe(
      '0000' + '0be807021d0d0e0f01000000',
    );
  });

  it('writes TIME in 0, 8 or 12 bytes, with days split from the hours', () => {
    expect(golden(['00:00:00'], [col('TIME')])).toBe('0000' + '00');
    expect(golden(['-838:59:59'], [col('TIME')])).toBe(
      '0000' + '08' + '01' + '22000000' + '163b3b',
    );
    expect(golden(['01:02:03.5'], [col('TIME')])).toBe(
      '0000' + '0c' + '00' + '00000000' + '010203' + '20a10700',
    );
  });

  it('writes DECIMAL, strings, blobs, BIT and JSON length-encoded', () => {
    expect(golden(['-12.50'], [col('NEWDECIMAL')])).toBe('0000' + '062d31322e3530');
    expect(golden([Buffer.from([0, 0xfb])], [col('BLOB')])).toBe('0000' + '0200fb');
    expect(golden([0x2ffn], [col('BIT', { length: 10 })])).toBe('0000' + '0202ff');
    const text = col('VARCHAR', { collation: 255 });
    expect(golden(['x'.repeat(300)], [text]).slice(0, 10)).toBe('0000fc2c01');
    const latin1 = hex(encodeBinaryRow(['é€'], [text], stringCodec('latin1')));
    expect(latin1).toBe('0000' + '02e980');
  });

  it('decodes what it encodes', () => {
    const columns = [
      col('TINY'),
      col('LONGLONG', { flags: COLUMN_FLAG.UNSIGNED }),
      col('DOUBLE'),
      col('DATE'),
      col('DATETIME'),
      col('TIME'),
      col('VARCHAR', { collation: 255 }),
      col('BLOB'),
      col('NULL'),
    ];
    const row: Row = [
      -5n,
      18446744073709551615n,
      0.1,
      '2024-02-29',
      '2024-02-29 01:02:03.040000',
      '-100:00:00',
      'héllo',
      Buffer.from([1, 2]),
      null,
    ];
    expect(decodeBinaryRow(encodeBinaryRow(row, columns), columns)).toEqual(row);
  });
});
