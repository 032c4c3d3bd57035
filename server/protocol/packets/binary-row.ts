/**
 * ProtocolBinary::ResultsetRow: one row of a binary result set (COM_STMT_EXECUTE, COM_STMT_FETCH).
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_binary_resultset.html
 *
 *   int<1>       packet header   0x00
 *   binary<var>  NULL bitmap     (column_count + 7 + 2) / 8 bytes; column i is bit i + 2
 *   binary<var>  values          the non-NULL values, each by its column's type:
 *
 *   column type                               value
 *   TINY                                      int<1>
 *   SHORT, YEAR                               int<2>
 *   LONG, INT24                               int<4>
 *   LONGLONG                                  int<8>
 *   FLOAT                                     4-byte IEEE float
 *   DOUBLE                                    8-byte IEEE double
 *   DATE, DATETIME, TIMESTAMP                 length byte (0, 4, 7, 11) + fields (temporal.ts)
 *   TIME                                      length byte (0, 8, 12) + fields (temporal.ts)
 *   DECIMAL, NEWDECIMAL, strings, blobs, BIT,
 *   ENUM, SET, JSON, GEOMETRY                 string<lenenc>, as in text rows (text-row.ts)
 *
 * Integers are written two's complement in the column's width, whether signed or UNSIGNED; the
 * client reads the sign from the column's UNSIGNED flag.
 *
 * Invariant (B1): a value must fit its column's width (signed or unsigned range); one that does
 * not is an engine bug and fails an assertion rather than being sent wrapped.
 */
import assert from 'node:assert/strict';
import {
  COLUMN_FLAG,
  type ColumnInfo,
  type ColumnType,
  type Row,
  type SqlValue,
} from '../../../engine/index.js';
import { type StringCodec, stringCodec } from '../charsets.js';
import { COLLATION, MAX_PACKET_PAYLOAD } from '../constants.js';
import {
  type DateTimeParts,
  dateTimeLength,
  formatDate,
  formatDateTime,
  formatTime,
  parseDateTimeText,
  parseTimeText,
  readBinaryDateTime,
  readBinaryTime,
  type TimeParts,
  timeLength,
  writeBinaryDateTime,
  writeBinaryTime,
} from '../temporal.js';
import { lenEncIntSize, PayloadReader, writeLenEncBytes, writeLenEncString } from '../wire.js';
import { unreachable } from '../../unreachable.js';
import { textCell } from './text-row.js';

export const BINARY_ROW_HEADER = 0x00;
/** The NULL bitmap of a result row starts at bit 2 (the first two bits are reserved). */
const ROW_BITMAP_OFFSET = 2;

type BinaryKind =
  | { readonly kind: 'int'; readonly bytes: 1 | 2 | 4 | 8 }
  | { readonly kind: 'float' }
  | { readonly kind: 'double' }
  | { readonly kind: 'date' }
  | { readonly kind: 'datetime' }
  | { readonly kind: 'time' }
  | { readonly kind: 'lenenc' }
  | { readonly kind: 'null' };

const INT1: BinaryKind = { kind: 'int', bytes: 1 };
const INT2: BinaryKind = { kind: 'int', bytes: 2 };
const INT4: BinaryKind = { kind: 'int', bytes: 4 };
const INT8: BinaryKind = { kind: 'int', bytes: 8 };
const LENENC: BinaryKind = { kind: 'lenenc' };

/** How each column type's values travel in a binary row. */
export const BINARY_KIND: Readonly<Record<ColumnType, BinaryKind>> = {
  DECIMAL: LENENC,
  NEWDECIMAL: LENENC,
  TINY: INT1,
  SHORT: INT2,
  YEAR: INT2,
  LONG: INT4,
  INT24: INT4,
  LONGLONG: INT8,
  FLOAT: { kind: 'float' },
  DOUBLE: { kind: 'double' },
  NULL: { kind: 'null' },
  DATE: { kind: 'date' },
  DATETIME: { kind: 'datetime' },
  TIMESTAMP: { kind: 'datetime' },
  TIME: { kind: 'time' },
  VARCHAR: LENENC,
  VAR_STRING: LENENC,
  STRING: LENENC,
  BIT: LENENC,
  JSON: LENENC,
  ENUM: LENENC,
  SET: LENENC,
  TINY_BLOB: LENENC,
  MEDIUM_BLOB: LENENC,
  LONG_BLOB: LENENC,
  BLOB: LENENC,
  GEOMETRY: LENENC,
};

/** A cell ready to write: its size is known before the row buffer is allocated. */
type Cell =
  | { readonly kind: 'int'; readonly bytes: 1 | 2 | 4 | 8; readonly value: bigint }
  | { readonly kind: 'float' | 'double'; readonly value: number }
  | { readonly kind: 'datetime'; readonly parts: DateTimeParts }
  | { readonly kind: 'time'; readonly parts: TimeParts }
  | { readonly kind: 'bytes'; readonly bytes: Buffer }
  /** A string sent as UTF-8 unchanged, written in place (no Buffer of its own; issue 8). */
  | { readonly kind: 'utf8'; readonly text: string; readonly length: number };

/** An integer column's value: a bigint at the seam; an integral number or digits are taken too. */
function integerOf(value: SqlValue): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  assert(typeof value === 'number' && Number.isInteger(value), 'an integer column holds integers');
  return BigInt(value);
}

/** [min, max] of a column width in bytes (1, 2, 4, 8), signed and unsigned (B1). */
const INT_RANGES = new Map<number, readonly [bigint, bigint, bigint, bigint]>(
  [1, 2, 4, 8].map((bytes) => {
    const bits = BigInt(bytes * 8);
    return [bytes, [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n, 0n, (1n << bits) - 1n]];
  }),
);

function checkRange(value: bigint, bytes: number, unsigned: boolean): void {
  const range = INT_RANGES.get(bytes);
  assert(range !== undefined, 'an integer column is 1, 2, 4 or 8 bytes');
  const min = unsigned ? range[2] : range[0];
  const max = unsigned ? range[3] : range[1];
  assert(value >= min && value <= max, 'B1: an integer fits its column');
}

function cellOf(value: SqlValue, column: ColumnInfo, codec: StringCodec): Cell {
  const kind = BINARY_KIND[column.type];
  switch (kind.kind) {
    case 'int': {
      const n = integerOf(value);
      checkRange(n, kind.bytes, (column.flags & COLUMN_FLAG.UNSIGNED) !== 0);
      return { kind: 'int', bytes: kind.bytes, value: n };
    }
    case 'float':
    case 'double':
      return { kind: kind.kind, value: Number(value) };
    case 'date':
    case 'datetime': {
      assert(typeof value === 'string', 'a temporal value is text at the seam');
      const parts = parseDateTimeText(value);
      return { kind: 'datetime', parts: kind.kind === 'date' ? dateOnly(parts) : parts };
    }
    case 'time':
      assert(typeof value === 'string', 'a TIME value is text at the seam');
      return { kind: 'time', parts: parseTimeText(value) };
    case 'lenenc':
    case 'null': {
      const text = textCell(value, column);
      assert(text !== null, 'NULL goes in the bitmap');
      if (typeof text !== 'string') return { kind: 'bytes', bytes: text };
      if (codec.utf8) return { kind: 'utf8', text, length: Buffer.byteLength(text, 'utf8') };
      return { kind: 'bytes', bytes: codec.encode(text) };
    }
    default:
      return unreachable(kind);
  }
}

function dateOnly(p: DateTimeParts): DateTimeParts {
  return { ...p, hour: 0, minute: 0, second: 0, microsecond: 0 };
}

function cellSize(cell: Cell): number {
  switch (cell.kind) {
    case 'int':
      return cell.bytes;
    case 'float':
      return 4;
    case 'double':
      return 8;
    case 'datetime':
      return 1 + dateTimeLength(cell.parts);
    case 'time':
      return 1 + timeLength(cell.parts);
    case 'bytes':
      return lenEncIntSize(cell.bytes.length) + cell.bytes.length;
    case 'utf8':
      return lenEncIntSize(cell.length) + cell.length;
    default:
      return unreachable(cell);
  }
}

function writeCell(buf: Buffer, pos: number, cell: Cell): number {
  switch (cell.kind) {
    case 'int':
      if (cell.bytes === 8) return buf.writeBigUInt64LE(BigInt.asUintN(64, cell.value), pos);
      return buf.writeUIntLE(Number(BigInt.asUintN(cell.bytes * 8, cell.value)), pos, cell.bytes);
    case 'float':
      return buf.writeFloatLE(cell.value, pos);
    case 'double':
      return buf.writeDoubleLE(cell.value, pos);
    case 'datetime':
      return writeBinaryDateTime(buf, pos, cell.parts);
    case 'time':
      return writeBinaryTime(buf, pos, cell.parts);
    case 'bytes':
      return writeLenEncBytes(buf, pos, cell.bytes);
    case 'utf8':
      return writeLenEncString(buf, pos, cell.text, cell.length);
    default:
      return unreachable(cell);
  }
}

export function nullBitmapSize(count: number, offset: number): number {
  return Math.floor((count + 7 + offset) / 8);
}

/** UTF-8 lengths of a row's string cells, reused across rows (textRowSize → writeTextRow). */
const textLengths: number[] = [];

/**
 * Issue 8: the payload size of a row whose cells are all NULL or strings sent as UTF-8 unchanged
 * (sysbench's SELECT c), or -1 for any other row (the general path, with a Cell per value, then
 * encodes it). Leaves the strings' lengths for writeTextRow.
 */
function textRowSize(
  row: Row,
  columns: readonly ColumnInfo[],
  codec: StringCodec,
  bitmapSize: number,
): number {
  if (!codec.utf8) return -1;
  let size = 1 + bitmapSize;
  for (let i = 0; i < row.length; i++) {
    const value = row[i];
    if (value === null) continue;
    if (typeof value !== 'string') return -1;
    const kind = BINARY_KIND[(columns[i] as ColumnInfo).type].kind;
    if (kind !== 'lenenc' && kind !== 'null') return -1;
    const length = Buffer.byteLength(value, 'utf8');
    textLengths[i] = length;
    size += lenEncIntSize(length) + length;
  }
  return size;
}

/** Writes a row textRowSize() measured at buf[at, at + size): the general path's bytes. */
function writeTextRow(buf: Buffer, at: number, size: number, row: Row, bitmapSize: number): void {
  buf[at] = BINARY_ROW_HEADER;
  for (let b = 1; b <= bitmapSize; b++) buf[at + b] = 0;
  let pos = at + 1 + bitmapSize;
  for (let i = 0; i < row.length; i++) {
    const value = row[i];
    if (typeof value === 'string') {
      pos = writeLenEncString(buf, pos, value, textLengths[i] as number);
      continue;
    }
    const bit = i + ROW_BITMAP_OFFSET;
    buf[at + 1 + (bit >> 3)] = (buf[at + 1 + (bit >> 3)] as number) | (1 << (bit & 7));
  }
  assert(pos === at + size, 'binary row size');
}

/** Where a row can be sent: a packet queue that can also take a payload written in place. */
export interface RowSink {
  send(payload: Buffer): void;
  /** A packet of `length` payload bytes written at the returned offset of `packetBuffer`. */
  reserve(length: number): number;
  readonly packetBuffer: Buffer;
}

/** Sends a binary row: an all-text row written straight into the packet queue (issue 8). */
export function sendBinaryRow(
  sink: RowSink,
  row: Row,
  columns: readonly ColumnInfo[],
  codec: StringCodec,
): void {
  assert(row.length === columns.length, 'a row has one value per column');
  const bitmapSize = nullBitmapSize(columns.length, ROW_BITMAP_OFFSET);
  const size = textRowSize(row, columns, codec, bitmapSize);
  if (size < 0) {
    sink.send(encodeCellRow(row, columns, codec, bitmapSize));
    return;
  }
  if (size >= MAX_PACKET_PAYLOAD) {
    sink.send(textRow(row, size, bitmapSize)); // fragments: PacketWriter.add splits it
    return;
  }
  const at = sink.reserve(size);
  writeTextRow(sink.packetBuffer, at, size, row, bitmapSize);
}

/** A row textRowSize() measured, in a buffer of its own. */
function textRow(row: Row, size: number, bitmapSize: number): Buffer {
  const text = Buffer.allocUnsafe(size);
  writeTextRow(text, 0, size, row, bitmapSize);
  return text;
}

export function encodeBinaryRow(
  row: Row,
  columns: readonly ColumnInfo[],
  codec: StringCodec = stringCodec('utf8mb4'),
): Buffer {
  assert(row.length === columns.length, 'a row has one value per column');
  const bitmapSize = nullBitmapSize(columns.length, ROW_BITMAP_OFFSET);
  const textSize = textRowSize(row, columns, codec, bitmapSize);
  if (textSize >= 0) return textRow(row, textSize, bitmapSize);
  return encodeCellRow(row, columns, codec, bitmapSize);
}

/** The general path: a Cell per value, measured, then written. */
function encodeCellRow(
  row: Row,
  columns: readonly ColumnInfo[],
  codec: StringCodec,
  bitmapSize: number,
): Buffer {
  const cells: (Cell | null)[] = new Array<Cell | null>(row.length);
  let size = 1 + bitmapSize;
  for (let i = 0; i < row.length; i++) {
    const value = row[i] as SqlValue;
    const cell = value === null ? null : cellOf(value, columns[i] as ColumnInfo, codec);
    cells[i] = cell;
    if (cell !== null) size += cellSize(cell);
  }
  // From Node's pool (issue 8: a zero-filled allocation per row cost more than the encoding);
  // every byte is written: the header, the bitmap zeroed here, then each cell.
  const buf = Buffer.allocUnsafe(size);
  buf.fill(0, 1, 1 + bitmapSize);
  buf[0] = BINARY_ROW_HEADER;
  let pos = 1 + bitmapSize;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i] as Cell | null;
    if (cell === null) {
      const bit = i + ROW_BITMAP_OFFSET;
      buf[1 + (bit >> 3)] = (buf[1 + (bit >> 3)] as number) | (1 << (bit & 7));
      continue;
    }
    pos = writeCell(buf, pos, cell);
  }
  assert(pos === size, 'binary row size');
  return buf;
}

/**
 * The values of a binary row in the seam's representation (for tests and the raw test client):
 * strings for character columns (collation other than binary), Buffers for binary ones.
 */
export function decodeBinaryRow(
  payload: Buffer,
  columns: readonly ColumnInfo[],
  codec: StringCodec = stringCodec('utf8mb4'),
): SqlValue[] {
  const r = new PayloadReader(payload);
  assert(r.int(1) === BINARY_ROW_HEADER, 'binary row header');
  const bitmap = r.bytes(nullBitmapSize(columns.length, ROW_BITMAP_OFFSET));
  const values: SqlValue[] = [];
  for (let i = 0; i < columns.length; i++) {
    const bit = i + ROW_BITMAP_OFFSET;
    const isNull = ((bitmap[bit >> 3] as number) & (1 << (bit & 7))) !== 0;
    values.push(isNull ? null : readCell(r, columns[i] as ColumnInfo, codec));
  }
  assert(r.atEnd(), 'binary row has one value per column');
  return values;
}

function readCell(r: PayloadReader, column: ColumnInfo, codec: StringCodec): SqlValue {
  const kind = BINARY_KIND[column.type];
  const unsigned = (column.flags & COLUMN_FLAG.UNSIGNED) !== 0;
  switch (kind.kind) {
    case 'int': {
      const raw = kind.bytes === 8 ? r.int8() : BigInt(r.int(kind.bytes));
      return unsigned ? raw : BigInt.asIntN(kind.bytes * 8, raw);
    }
    case 'float':
      return r.bytes(4).readFloatLE(0);
    case 'double':
      return r.bytes(8).readDoubleLE(0);
    case 'date':
      return formatDate(readBinaryDateTime(r));
    case 'datetime':
      return formatDateTime(readBinaryDateTime(r));
    case 'time':
      return formatTime(readBinaryTime(r));
    case 'lenenc':
    case 'null': {
      const bytes = Buffer.from(r.lenEncBytes());
      return column.collation === COLLATION.binary ? bytes : codec.decode(bytes);
    }
    default:
      return unreachable(kind);
  }
}
