/**
 * Rows longer than a B-tree entry may be (ENTRY_SIZE_MAX): their long string values go to
 * overflow chains (btree/overflow.ts) and the entry keeps references, InnoDB DYNAMIC's way.
 *
 *   stored row   = the row as row.ts encodes it (format byte 0x01), when key + row fit an entry;
 *                  otherwise
 *                  0x02  varint n  n × (varint column, u32 BE first page, u64 BE byte length)
 *                  then the row as row.ts encodes it with those n columns set to ''
 *
 * A chain holds the value's bytes exactly as row.ts would have held them inline (UTF-8 of the
 * JS string, which for a binary string's latin1 characters round-trips too). The longest values
 * go out first, until the entry fits; a row that cannot fit even with every string value out is
 * ER_TOO_BIG_ROWSIZE (1118), found when the statement stores it (`checkStoredRowSize`).
 *
 * Rows are externalised only when a transaction commits (manager.ts): write sets hold whole
 * rows, so nothing uncommitted reaches an overflow page. Chains are read back when a row is read
 * (`loadRow`), at the read point the row was read at; a row's old chains are freed by the
 * mini-transaction that replaces or deletes it.
 *
 * Invariants: (OV1) a stored row decodes (loadRow) to exactly the row that was stored;
 * (OV2) key + stored row ≤ ENTRY_SIZE_MAX; (OV3) every reference names a chain of its length.
 */
import assert from 'node:assert/strict';
import { type PageId, pageId } from '../../storage/index.js';
import {
  ENTRY_SIZE_MAX,
  KEY_SIZE_MAX,
  type Mtr,
  type Snapshot,
  type Trees,
} from '../btree/api.js';
import type { ColumnDef, TableDef } from '../catalog/definitions.js';
import { SqlError } from '../errors.js';
import { keyPartBytesMax } from '../keys.js';
import { ROW_FORMAT_VERSION, decodeRow, encodeRow, encodedRowSize } from '../row.js';
import type { Value } from './values.js';

export const EXTERNAL_ROW_FORMAT = 0x02;
/** Bytes a reference takes at most: column varint (≤ 3), page, length. */
const REFERENCE_BYTES_MAX = 3 + 4 + 8;

export interface ExternalRef {
  readonly column: number;
  readonly first: PageId;
  readonly length: number;
}

function varintSize(n: number): number {
  let size = 1;
  for (let v = n; v >= 0x80; v = Math.floor(v / 0x80)) size++;
  return size;
}

function writeVarint(out: Buffer, at: number, n: number): number {
  let v = n;
  while (v >= 0x80) {
    out[at++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 0x80);
  }
  out[at++] = v;
  return at;
}

function readVarint(buf: Buffer, at: number): { value: number; at: number } {
  let value = 0;
  let shift = 1;
  for (;;) {
    const b = buf[at++];
    assert(b !== undefined, 'OV1: a varint within the stored row');
    value += (b & 0x7f) * shift;
    if (b < 0x80) return { value, at };
    shift *= 0x80;
  }
}

/** Columns whose values may go out: the string family (ENUM/SET rows hold numbers). */
function externalisable(column: ColumnDef): boolean {
  const type = column.type;
  return type.kind === 'string' && type.variant !== 'enum' && type.variant !== 'set';
}

/** True when a stored row holds references. */
export function hasExternals(stored: Buffer): boolean {
  return hasExternalsAt(stored, 0);
}

/** hasExternals() of a stored row that starts at `at` of `buf` (e.g. in place in a page). */
export function hasExternalsAt(buf: Buffer, at: number): boolean {
  return buf[at] === EXTERNAL_ROW_FORMAT;
}

/** The references of a stored row, and its inline part (row.ts's encoding). */
export function splitStoredRow(stored: Buffer): { refs: ExternalRef[]; inline: Buffer } {
  if (!hasExternals(stored)) return { refs: [], inline: stored };
  const count = readVarint(stored, 1);
  let at = count.at;
  const refs: ExternalRef[] = [];
  for (let i = 0; i < count.value; i++) {
    const column = readVarint(stored, at);
    at = column.at;
    const first = pageId(stored.readUInt32BE(at));
    const length = Number(stored.readBigUInt64BE(at + 4));
    at += 12;
    refs.push({ column: column.value, first, length });
  }
  const inline = stored.subarray(at);
  assert.equal(inline[0], ROW_FORMAT_VERSION, 'OV1: the inline part is a row');
  return { refs, inline };
}

/** A stored row's values, its long values read from their chains as of `at` (OV1). */
export async function loadRow(
  trees: Trees,
  table: TableDef,
  stored: Buffer,
  at: Snapshot | undefined,
): Promise<Value[]> {
  const { refs, inline } = splitStoredRow(stored);
  const row = decodeRow(table.types, inline);
  for (const ref of refs) {
    const bytes = await trees.readOverflow(ref.first, ref.length, at);
    row[ref.column] = bytes.toString('utf8');
  }
  return row;
}

/** The row of a stored row whose long values are not needed (they read as ''). */
export function inlineRow(table: TableDef, stored: Buffer): Value[] {
  return decodeRow(table.types, splitStoredRow(stored).inline);
}

/** ER_TOO_BIG_ROWSIZE when the row could not fit an entry even with every long value out. */
export function checkStoredRowSize(table: TableDef, key: Buffer, row: readonly Value[]): void {
  if (key.length + encodedRowSize(table.types, row) <= ENTRY_SIZE_MAX) return;
  const slim = [...row];
  let refs = 0;
  table.columns.forEach((column, i) => {
    if (externalisable(column) && typeof slim[i] === 'string' && slim[i] !== '') {
      slim[i] = '';
      refs++;
    }
  });
  const inline = encodedRowSize(table.types, slim);
  const least = 1 + varintSize(refs) + refs * REFERENCE_BYTES_MAX + inline;
  if (key.length + least > ENTRY_SIZE_MAX) {
    throw new SqlError('ER_TOO_BIG_ROWSIZE', [
      ENTRY_SIZE_MAX,
      'This includes storage overhead, check the manual. You have to change some columns to ' +
        'TEXT or BLOBs',
    ]);
  }
}

/** The stored form of an encoded row (OV2): itself, or with its longest values in chains. */
export async function storeRow(
  trees: Trees,
  mtr: Mtr,
  table: TableDef,
  key: Buffer,
  encoded: Buffer,
): Promise<Buffer> {
  if (key.length + encoded.length <= ENTRY_SIZE_MAX) return encoded;
  const row = decodeRow(table.types, encoded);
  const candidates = table.columns
    .map((column, i) => ({ column, i, value: row[i] }))
    .filter((c) => externalisable(c.column) && typeof c.value === 'string' && c.value !== '')
    .map((c) => ({ i: c.i, bytes: Buffer.from(c.value as string, 'utf8') }))
    .sort((a, b) => b.bytes.length - a.bytes.length);
  const refs: ExternalRef[] = [];
  let inline = encoded;
  const size = (): number =>
    1 + varintSize(refs.length) + refs.length * REFERENCE_BYTES_MAX + inline.length;
  for (const candidate of candidates) {
    if (key.length + size() <= ENTRY_SIZE_MAX) break;
    const first = await trees.writeOverflow(mtr, candidate.bytes);
    refs.push({ column: candidate.i, first, length: candidate.bytes.length });
    row[candidate.i] = '';
    inline = encodeRow(table.types, row);
  }
  assert(key.length + size() <= ENTRY_SIZE_MAX, 'OV2: checked when the row was stored');
  return encodeStored(refs, inline);
}

function encodeStored(refs: readonly ExternalRef[], inline: Buffer): Buffer {
  let size = 1 + varintSize(refs.length) + inline.length;
  for (const r of refs) size += varintSize(r.column) + 12;
  const out = Buffer.alloc(size);
  out[0] = EXTERNAL_ROW_FORMAT;
  let at = writeVarint(out, 1, refs.length);
  for (const r of refs) {
    at = writeVarint(out, at, r.column);
    out.writeUInt32BE(r.first, at);
    out.writeBigUInt64BE(BigInt(r.length), at + 4);
    at += 12;
  }
  inline.copy(out, at);
  return out;
}

/** Frees the chains a stored row references (its row is replaced or deleted). */
export async function freeExternals(trees: Trees, mtr: Mtr, stored: Buffer): Promise<void> {
  for (const ref of splitStoredRow(stored).refs) await trees.freeOverflow(mtr, ref.first);
}

/**
 * Whether rows of the table can ever need overflow chains: an upper bound of key + row bytes
 * above ENTRY_SIZE_MAX (so a false answer is certain: no stored row of it has references).
 */
export function mayOverflow(table: TableDef): boolean {
  let known = overflowing.get(table);
  if (known === undefined) {
    known = computeMayOverflow(table);
    overflowing.set(table, known);
  }
  return known;
}

/** mayOverflow() per table definition (definitions are immutable): a commit asks per row. */
const overflowing = new WeakMap<TableDef, boolean>();

function computeMayOverflow(table: TableDef): boolean {
  let bytes = 16 + table.columns.length; // format, count, bitmap
  for (const column of table.columns) {
    const type = column.type;
    if (type.kind === 'string' && type.variant !== 'enum' && type.variant !== 'set') {
      bytes += type.chars * 4 + 5;
    } else {
      bytes += 34; // the widest fixed encoding (DECIMAL(65)) and then some
    }
  }
  return bytes + primaryKeyBytesMax(table) > ENTRY_SIZE_MAX;
}

/**
 * Largest primary key: fixed-width parts (keys.ts) add up exactly; a string part's sort key is
 * bounded only by KEY_SIZE_MAX. Issue 8: an INT key no longer counts as 3072 bytes, so a table
 * like sysbench's is known never to overflow and its commits need not read the rows they replace.
 */
function primaryKeyBytesMax(table: TableDef): number {
  if (table.primaryKey.length === 0) return 6; // the hidden row id
  let bytes = 0;
  for (const type of table.keyTypes) {
    const fixed = type.kind !== 'string' || type.variant === 'enum' || type.variant === 'set';
    if (!fixed) return KEY_SIZE_MAX;
    bytes += keyPartBytesMax(type);
  }
  return Math.min(bytes, KEY_SIZE_MAX);
}
