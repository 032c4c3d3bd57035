/**
 * Secondary index entries: what a row puts in each index tree, and the key parts the planner's
 * bounds are encoded with.
 *
 *   KEY                                                   VALUE
 *   part(col1) part(col2) … primary key (keys.ts)         u16 BE: the primary key's byte length
 *
 *   part(col), NOT NULL column     keys.ts encoding of the value (col(n): its first n characters)
 *   part(col), nullable column     0x00 for NULL, else 0x01 then the value's encoding
 *
 * NULL sorts first, as in MySQL. The primary key appended makes every entry's key distinct, so
 * a non-unique index holds duplicates and a unique one may hold several NULLs; a lookup of k
 * values is a prefix range. The `unique prefix` (the key without the primary key) is what a
 * UNIQUE index's uniqueness is about, and the value its row locks name (txn/rows.ts).
 *
 * Invariants: (IX1) entry key order is the SQL order of the indexed values (K2 per part), then
 * primary key order; (IX2) value = the appended primary key's length, so both halves are
 * recovered from the entry alone; (IX3) a prefix part keeps at most prefixChars characters.
 */
import assert from 'node:assert/strict';
import type { ColumnDef, ColumnType, IndexDef, TableDef } from '../catalog/definitions.js';
import {
  decodeKeyPart,
  encodeKey,
  encodeKeyPart,
  keyPartBytesMax,
  keyPartDecodable,
  keyPartEnd,
} from '../keys.js';
import type { Value } from './values.js';

/** How one part of a key is encoded. */
export interface KeyPart {
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly prefixChars: number | null;
}

const NULL_MARK = 0x00;
const VALUE_MARK = 0x01;
/** The lowest key of a nullable part that is not NULL: ranges start here (NULL never matches). */
export const NOT_NULL_FLOOR = Buffer.from([VALUE_MARK]);

/** The key parts of an index, in order. */
export function indexKeyParts(table: TableDef, index: IndexDef): KeyPart[] {
  return index.parts.map((p) => {
    const column = table.columns[p.column] as ColumnDef;
    return { type: column.type, nullable: column.nullable, prefixChars: p.prefixChars };
  });
}

/** The primary key's parts, as KeyParts (never NULL, no prefixes). */
export function primaryKeyParts(table: TableDef): KeyPart[] {
  return table.keyTypes.map((type) => ({ type, nullable: false, prefixChars: null }));
}

/** IX3: a value cut to a prefix part's length. */
export function prefixed(part: KeyPart, value: Value): Value {
  if (part.prefixChars === null || typeof value !== 'string') return value;
  const chars = Array.from(value);
  return chars.length <= part.prefixChars ? value : chars.slice(0, part.prefixChars).join('');
}

/** One part of a key (IX1). */
export function encodeIndexPart(part: KeyPart, value: Value): Buffer {
  if (!part.nullable) return encodeKeyPart(part.type, prefixed(part, value));
  if (value === null) return Buffer.from([NULL_MARK]);
  const encoded = encodeKeyPart(part.type, prefixed(part, value));
  return Buffer.concat([Buffer.from([VALUE_MARK]), encoded]);
}

export interface IndexEntry {
  readonly key: Buffer;
  readonly value: Buffer;
  /** The key without the primary key: what uniqueness and row locks are about. */
  readonly unique: Buffer;
  /** True when a key part is NULL: such an entry never collides under UNIQUE. */
  readonly hasNull: boolean;
}

/** An index's KeyParts as of the table they were made for (definitions are immutable). */
const partsOf = new WeakMap<IndexDef, { readonly table: TableDef; readonly parts: KeyPart[] }>();

function cachedKeyParts(table: TableDef, index: IndexDef): readonly KeyPart[] {
  const cached = partsOf.get(index);
  if (cached !== undefined && cached.table === table) return cached.parts;
  const parts = indexKeyParts(table, index);
  partsOf.set(index, { table, parts });
  return parts;
}

/**
 * The entry `row` (whose primary key encodes to `pk`) puts in `index`. Issue 8 (cost): the key is
 * one buffer; `unique` is a view of its front.
 */
export function indexEntry(
  table: TableDef,
  index: IndexDef,
  pk: Buffer,
  row: readonly Value[],
): IndexEntry {
  const parts = cachedKeyParts(table, index);
  const n = parts.length;
  const encoded: Buffer[] = new Array<Buffer>(n + 1);
  let uniqueLength = 0;
  let hasNull = false;
  for (let i = 0; i < n; i++) {
    const value = row[index.parts[i]?.column ?? -1] ?? null;
    if (value === null) hasNull = true;
    const part = encodeIndexPart(parts[i] as KeyPart, value);
    encoded[i] = part;
    uniqueLength += part.length;
  }
  encoded[n] = pk;
  const key = Buffer.concat(encoded, uniqueLength + pk.length);
  const value = Buffer.allocUnsafe(2);
  value.writeUInt16BE(pk.length, 0);
  return { key, value, unique: key.subarray(0, uniqueLength), hasNull };
}

/** IX2: the primary key at the end of an entry's key. */
export function entryPrimaryKey(key: Buffer, value: Buffer): Buffer {
  assert.equal(value.length, 2, 'IX2: an index entry value is the primary key length');
  const length = value.readUInt16BE(0);
  assert(length <= key.length, 'IX2: the primary key fits the entry');
  return key.subarray(key.length - length);
}

/** A row's columns read from one of its index entries (entryColumns): the others are null. */
export type EntryColumns = (key: Buffer, value: Buffer) => Value[];

/** One key part on the way to the columns a read needs: decoded into `column`, or skipped. */
interface PartStep {
  readonly type: ColumnType;
  readonly nullable: boolean;
  /** The column the part's value goes to; -1: skipped. */
  readonly column: number;
}

const coverings = new WeakMap<readonly boolean[], Map<IndexDef, EntryColumns | null>>();

/**
 * An index entry's reader of the columns a read needs (`mask`; absent: all of them), or null
 * when the entry does not hold them all (issue 8: an index that covers a read spares fetching
 * each row): each must be a whole part of the index or of the primary key (IX2 finds the
 * latter) of a type whose key reads back as its value (keys.ts keyPartDecodable: a string's
 * key holds collation weights, not its characters). Kept per mask and index.
 */
export function entryColumns(
  table: TableDef,
  index: IndexDef,
  mask: readonly boolean[] | undefined,
): EntryColumns | null {
  const needed = mask ?? everyColumn(table);
  let byIndex = coverings.get(needed);
  if (byIndex === undefined) {
    byIndex = new Map();
    coverings.set(needed, byIndex);
  }
  let reader = byIndex.get(index);
  if (reader === undefined) {
    reader = coveringReader(table, index, needed);
    byIndex.set(index, reader);
  }
  return reader;
}

const everyColumnMasks = new WeakMap<TableDef, readonly boolean[]>();

/** The mask of a read that needs every column (no mask given: sql/read-columns.ts). */
function everyColumn(table: TableDef): readonly boolean[] {
  let mask = everyColumnMasks.get(table);
  if (mask === undefined) {
    mask = table.columns.map(() => true);
    everyColumnMasks.set(table, mask);
  }
  return mask;
}

function coveringReader(
  table: TableDef,
  index: IndexDef,
  needed: readonly boolean[],
): EntryColumns | null {
  const wanted = new Set<number>();
  needed.forEach((n, column) => n && wanted.add(column));
  const indexSteps: PartStep[] = [];
  index.parts.forEach((p, i) => {
    const column = table.columns[p.column] as ColumnDef;
    const use = wanted.has(p.column) && p.prefixChars === null && keyPartDecodable(column.type);
    if (use) wanted.delete(p.column);
    indexSteps[i] = { type: column.type, nullable: column.nullable, column: use ? p.column : -1 };
  });
  const keySteps: PartStep[] = table.keyTypes.map((type, i) => {
    const column = table.primaryKey[i];
    const use = column !== undefined && wanted.has(column) && keyPartDecodable(type);
    if (use) wanted.delete(column);
    return { type, nullable: false, column: use ? column : -1 };
  });
  if (wanted.size > 0) return null;
  // The parts up to the last one a column is read from.
  const upToLast = (steps: PartStep[]): PartStep[] => {
    let end = steps.length;
    while (end > 0 && (steps[end - 1] as PartStep).column < 0) end--;
    return steps.slice(0, end);
  };
  const fromIndex = upToLast(indexSteps);
  const fromKey = upToLast(keySteps);
  const width = table.columns.length;
  return (key, value) => {
    const row = new Array<Value>(width).fill(null);
    readParts(fromIndex, key, 0, row);
    if (fromKey.length > 0) readParts(fromKey, key, key.length - value.readUInt16BE(0), row);
    return row;
  };
}

/** Reads `steps` from `key` at `at` into `row` (NULL parts leave their column null). */
function readParts(steps: readonly PartStep[], key: Buffer, at: number, row: Value[]): void {
  for (const step of steps) {
    if (step.nullable && key[at++] === NULL_MARK) continue;
    if (step.column >= 0) row[step.column] = decodeKeyPart(step.type, key, at);
    at = keyPartEnd(step.type, key, at);
  }
}

/** IX2: the unique prefix of an entry's key. */
export function entryUniquePrefix(key: Buffer, value: Buffer): Buffer {
  return key.subarray(0, key.length - value.readUInt16BE(0));
}

/** Largest encoded size of an index's key parts (for CREATE's 3072-byte check). */
export function indexKeyBytesMax(table: TableDef | { columns: readonly ColumnDef[] }, index: {
  parts: readonly { column: number; prefixChars: number | null }[];
}): number {
  let bytes = 0;
  for (const part of index.parts) {
    const column = table.columns[part.column] as ColumnDef;
    const chars = part.prefixChars ?? (column.type.kind === 'string' ? column.type.chars : 0);
    const max =
      column.type.kind === 'string' ? chars * 4 : keyPartBytesMax(column.type);
    bytes += max + (column.nullable ? 1 : 0);
  }
  return bytes;
}

/** The primary key of a row (the hidden row id is not derivable from the row: callers know it). */
export function rowPrimaryKey(table: TableDef, row: readonly Value[]): Buffer {
  return encodeKey(
    table.keyTypes,
    table.primaryKey.map((i) => row[i] as Value),
  );
}
