/**
 * ProtocolText::ResultsetRow: one row of a text result set. Each cell is a string<lenenc>, or the
 * single byte 0xFB for NULL.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response_text_resultset_row.html
 *
 * Cells from the engine's value representation (engine/api.ts):
 *   null      → 0xFB
 *   bigint    → decimal digits; in a BIT column, its bytes big-endian (MySQL sends BIT raw)
 *   number    → FLOAT/DOUBLE as MySQL prints them (real-format.ts), honouring fixed decimals
 *   string    → its bytes in character_set_results (charsets.ts): DECIMAL, dates and times,
 *               character types, JSON
 *   Buffer    → its bytes, raw
 */
import assert from 'node:assert/strict';
import type { ColumnInfo, Row, SqlValue } from '../../../engine/index.js';
import { type StringCodec, stringCodec } from '../charsets.js';
import { DECIMALS_NOT_FIXED } from '../constants.js';
import { formatDouble, formatFixed, formatFloat } from '../real-format.js';
import {
  LENENC_NULL,
  lenEncIntSize,
  PayloadReader,
  writeLenEncBytes,
  writeLenEncInt,
} from '../wire.js';

/** The text form of a number cell, by its column's type and decimals. */
export function formatReal(value: number, column: ColumnInfo): string {
  if (column.decimals < DECIMALS_NOT_FIXED) return formatFixed(value, column.decimals);
  return column.type === 'FLOAT' ? formatFloat(value) : formatDouble(value);
}

const UTF8 = stringCodec('utf8mb4');

export function encodeTextRow(
  row: Row,
  columns: readonly ColumnInfo[],
  codec: StringCodec = UTF8,
): Buffer {
  assert(row.length === columns.length, 'a row has one value per column');
  const cells: (string | Buffer | null)[] = new Array<string | Buffer | null>(row.length);
  const lengths: number[] = new Array<number>(row.length);
  let size = 0;
  for (let i = 0; i < row.length; i++) {
    let cell = textCell(row[i] as SqlValue, columns[i] as ColumnInfo);
    if (typeof cell === 'string' && !codec.utf8) cell = codec.encode(cell);
    cells[i] = cell;
    if (cell === null) {
      size += 1;
      continue;
    }
    const length = typeof cell === 'string' ? Buffer.byteLength(cell, 'utf8') : cell.length;
    lengths[i] = length;
    size += lenEncIntSize(length) + length;
  }
  const buf = Buffer.allocUnsafe(size);
  let pos = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i] as string | Buffer | null;
    if (cell === null) {
      buf[pos++] = LENENC_NULL;
    } else if (typeof cell === 'string') {
      const length = lengths[i] as number;
      pos = writeLenEncInt(buf, pos, length);
      pos += buf.write(cell, pos, length, 'utf8');
    } else {
      pos = writeLenEncBytes(buf, pos, cell);
    }
  }
  assert(pos === size, 'text row size');
  return buf;
}

/**
 * A value as the text the client sees: a string (to be encoded in the results charset) or raw
 * bytes. The binary protocol sends its length-encoded types (DECIMAL, strings, BIT) the same way.
 */
export function textCell(value: SqlValue, column: ColumnInfo): string | Buffer | null {
  switch (typeof value) {
    case 'string':
      return value;
    case 'bigint':
      if (column.type === 'BIT') return bitBytes(value, column.length);
      // YEAR is ZEROFILL(4): YEAR 0 is '0000' (issue 6b).
      return column.type === 'YEAR' ? value.toString().padStart(4, '0') : value.toString();
    case 'number':
      return formatReal(value, column);
    default:
      return value;
  }
}

/** A BIT(n) value as MySQL sends it: ceil(n / 8) bytes, big-endian. */
export function bitBytes(value: bigint, bits: number): Buffer {
  assert(value >= 0n, 'a BIT value is not negative');
  const size = Math.max(1, Math.ceil(bits / 8));
  const out = Buffer.alloc(size);
  let rest = value;
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  assert(rest === 0n, 'a BIT value fits its width');
  return out;
}

/** Cells as raw bytes (null for NULL): what a client sees before it converts by column type. */
export function decodeTextRow(payload: Buffer, columnCount: number): (Buffer | null)[] {
  const r = new PayloadReader(payload);
  const cells: (Buffer | null)[] = [];
  for (let i = 0; i < columnCount; i++) {
    if (payload[r.pos] === LENENC_NULL) {
      r.skip(1);
      cells.push(null);
    } else {
      cells.push(r.lenEncBytes());
    }
  }
  assert(r.atEnd(), 'text row has one cell per column');
  return cells;
}
