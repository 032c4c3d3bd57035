/**
 * Catalog definitions — databases and tables — and their persisted form.
 *
 * The catalog B-tree (Trees.catalogRoot) holds one entry per database and per table:
 *
 *   KEY                                             VALUE
 *   0x01 name(database)                             JSON { v: 1, name }
 *   0x02 name(database) name(table)                 JSON { v: 1, database, name, root, columns,
 *                                                          primaryKey[, indexes][, autoIncrement] }
 *   0x02 name(database) name(table) 0x01            u64 BE: the table's persisted AUTO_INCREMENT
 *                                                   counter (the next value), issue 5
 *
 * where name(x) is x's UTF-8 bytes with each 0x00 escaped as 0x00 0xFF and ended by 0x00 0x00
 * (keys.ts's string form, byte order), so names compare case-sensitively (lower_case_table_names
 * = 0) and the tables of one database are one key range. Values are versioned JSON, validated
 * from `unknown` on load; a column's DEFAULT is kept as text and read back through its type.
 *
 * Invariants: (D1) a table's primaryKey lists distinct column indexes of NOT NULL columns, or is
 * empty, and then rows are keyed by a hidden 6-byte row id; (D2) column names are unique
 * case-insensitively; (D3) `root` is the table's B-tree, which lives as long as the entry (T1);
 * (D4) each secondary index has its own tree (`root`), a name unique case-insensitively and not
 * PRIMARY, and parts naming distinct existing columns, a prefix only on a string column;
 * (D5) an AUTO_INCREMENT column is an integer column that leads the primary key or an index.
 */
import assert from 'node:assert/strict';
import { type PageId, pageId } from '../../storage/index.js';
import { COLLATION_NAMES, collation } from '../sql/collation.js';
import { parseDateTime } from '../sql/datetime.js';
import { Decimal } from '../sql/decimal.js';
import { type IntBytes, type SqlType, type Value, toText } from '../sql/values.js';
import { unreachable } from '../unreachable.js';

export const DEFINITION_VERSION = 1;

/** Column types a table may have (every SqlType but 'null' and 'double', for now). */
export type ColumnType = Exclude<SqlType, { kind: 'null' } | { kind: 'double' }>;

export interface ColumnDef {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  /** The DEFAULT (null: the column has none, so an INSERT must give it unless it is nullable). */
  readonly defaultValue: { readonly value: Value } | null;
}

export interface DatabaseDef {
  readonly name: string;
}

/** One column of a secondary index; `prefixChars`: only the first n characters (col(n)). */
export interface IndexPart {
  readonly column: number;
  readonly prefixChars: number | null;
}

/** A secondary index: its own tree of entries (sql/index-keys.ts gives their format). */
export interface IndexDef {
  readonly name: string;
  readonly root: PageId;
  readonly unique: boolean;
  readonly parts: readonly IndexPart[];
}

/** An index before its tree exists. */
export type IndexSpec = Omit<IndexDef, 'root'>;

export interface TableDef {
  readonly database: string;
  readonly name: string;
  readonly root: PageId;
  readonly columns: readonly ColumnDef[];
  /** Column indexes of the primary key, in key order; empty → hidden row id (D1). */
  readonly primaryKey: readonly number[];
  /** Derived: columns' types, in order. */
  readonly types: readonly ColumnType[];
  /** Derived: the primary key's types, in order. */
  readonly keyTypes: readonly ColumnType[];
  /** Secondary indexes (D4), in definition order. */
  readonly indexes: readonly IndexDef[];
  /** The AUTO_INCREMENT column's index (D5), or null. */
  readonly autoIncrement: number | null;
}

export function makeTableDef(
  spec: Omit<TableDef, 'types' | 'keyTypes' | 'indexes' | 'autoIncrement'> & {
    readonly indexes?: readonly IndexDef[];
    readonly autoIncrement?: number | null;
  },
): TableDef {
  const seen = new Set<string>();
  for (const column of spec.columns) {
    const folded = column.name.toLowerCase();
    assert(!seen.has(folded), 'D2: column names unique');
    seen.add(folded);
  }
  for (const index of spec.primaryKey) {
    const column = spec.columns[index];
    assert(column !== undefined && !column.nullable, 'D1: key columns exist and are NOT NULL');
  }
  assert.equal(new Set(spec.primaryKey).size, spec.primaryKey.length, 'D1: key columns distinct');
  const indexes = spec.indexes ?? [];
  const names = new Set<string>();
  for (const index of indexes) {
    assert(!names.has(index.name.toLowerCase()), 'D4: index names unique');
    names.add(index.name.toLowerCase());
    assert(index.parts.length > 0, 'D4: an index has parts');
    assert.equal(new Set(index.parts.map((p) => p.column)).size, index.parts.length, 'D4: distinct');
    for (const part of index.parts) {
      const column = spec.columns[part.column];
      assert(column !== undefined, 'D4: index parts name columns');
      assert(part.prefixChars === null || column.type.kind === 'string', 'D4: string prefixes');
    }
  }
  const autoIncrement = spec.autoIncrement ?? null;
  if (autoIncrement !== null) {
    assert(spec.columns[autoIncrement]?.type.kind === 'int', 'D5: an integer column');
    const leads =
      spec.primaryKey[0] === autoIncrement ||
      indexes.some((i) => i.parts[0]?.column === autoIncrement);
    assert(leads, 'D5: the AUTO_INCREMENT column leads a key');
  }
  const types = spec.columns.map((c) => c.type);
  const keyTypes = spec.primaryKey.map((i) => types[i] as ColumnType);
  return { ...spec, indexes, autoIncrement, types, keyTypes };
}

// ---------------------------------------------------------------------------------------------
// Keys

export const KEY_DATABASE = 0x01;
export const KEY_TABLE = 0x02;

function nameBytes(name: string): Buffer {
  const raw = Buffer.from(name, 'utf8');
  const parts: number[] = [];
  for (const b of raw) {
    parts.push(b);
    if (b === 0) parts.push(0xff);
  }
  parts.push(0, 0);
  return Buffer.from(parts);
}

export function databaseKey(name: string): Buffer {
  return Buffer.concat([Buffer.from([KEY_DATABASE]), nameBytes(name)]);
}

export function tableKey(database: string, name: string): Buffer {
  return Buffer.concat([Buffer.from([KEY_TABLE]), nameBytes(database), nameBytes(name)]);
}

/** The key prefix shared by every table of `database`. */
export function tablesPrefix(database: string): Buffer {
  return Buffer.concat([Buffer.from([KEY_TABLE]), nameBytes(database)]);
}

// ---------------------------------------------------------------------------------------------
// Values
//
// A column is the compact tuple [name, type, nullable, default] so that wide tables fit one
// catalog entry (ENTRY_SIZE_MAX, T5); `default` is the DEFAULT's text, absent for a nullable
// column defaulting to NULL and for a NOT NULL column without a DEFAULT. Types:
//
//   i<bytes>[u]            TINYINT … BIGINT [UNSIGNED]          i4, i8u
//   d<p>,<s>[u]            DECIMAL(p,s) [UNSIGNED]              d10,2
//   c|v|t<chars>:<coll>    CHAR / VARCHAR / TEXT, collation id  v100:255
//   T<fsp>                 DATETIME(fsp)                        T3

export function encodeDatabase(def: DatabaseDef): Buffer {
  return Buffer.from(JSON.stringify({ v: DEFINITION_VERSION, name: def.name }), 'utf8');
}

const VARIANT_CODES = { char: 'c', varchar: 'v', text: 't' } as const;

export function typeCode(type: ColumnType): string {
  switch (type.kind) {
    case 'int':
      return `i${type.bytes}${type.unsigned ? 'u' : ''}`;
    case 'decimal':
      return `d${type.precision},${type.scale}${type.unsigned ? 'u' : ''}`;
    case 'string':
      return `${VARIANT_CODES[type.variant]}${type.chars}:${collation(type.collation).id}`;
    case 'datetime':
      return `T${type.fsp}`;
    default:
      return unreachable(type);
  }
}

export function encodeTable(def: TableDef): Buffer {
  const columns = def.columns.map((c) => {
    const tuple: unknown[] = [c.name, typeCode(c.type), c.nullable ? 1 : 0];
    const value = c.defaultValue?.value ?? null;
    // A nullable column always has a DEFAULT (NULL unless said otherwise): only others say so.
    if (c.defaultValue !== null && (value !== null || !c.nullable))
      tuple.push(toText(c.type, value));
    return tuple;
  });
  const json = {
    v: DEFINITION_VERSION,
    database: def.database,
    name: def.name,
    root: def.root,
    columns,
    primaryKey: def.primaryKey,
    ...(def.autoIncrement === null ? {} : { autoIncrement: def.autoIncrement }),
    // [name, root, unique 0/1, [[column, prefix chars or null], …]]
    ...(def.indexes.length === 0
      ? {}
      : {
          indexes: def.indexes.map((i) => [
            i.name,
            i.root,
            i.unique ? 1 : 0,
            i.parts.map((p) => [p.column, p.prefixChars]),
          ]),
        }),
  };
  return Buffer.from(JSON.stringify(json), 'utf8');
}

type Obj = Readonly<Record<string, unknown>>;

function corrupt(what: string): never {
  return assert.fail(`catalog: bad ${what}`);
}

function asObj(x: unknown, what: string): Obj {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return corrupt(what);
  return x as Obj;
}

function asString(x: unknown, what: string): string {
  return typeof x === 'string' ? x : corrupt(what);
}

function asNumber(x: unknown, what: string): number {
  return typeof x === 'number' && Number.isInteger(x) ? x : corrupt(what);
}

function parseJson(bytes: Buffer, what: string): Obj {
  const value: unknown = JSON.parse(bytes.toString('utf8'));
  const o = asObj(value, what);
  if (o.v !== DEFINITION_VERSION) corrupt(`${what} version`);
  return o;
}

export function decodeDatabase(bytes: Buffer): DatabaseDef {
  const o = parseJson(bytes, 'database');
  return { name: asString(o.name, 'database name') };
}

export function decodeTypeCode(code: string): ColumnType {
  let m = /^i([12348])(u?)$/.exec(code);
  if (m !== null) return { kind: 'int', bytes: Number(m[1]) as IntBytes, unsigned: m[2] === 'u' };
  m = /^d(\d+),(\d+)(u?)$/.exec(code);
  if (m !== null) {
    return {
      kind: 'decimal',
      precision: Number(m[1]),
      scale: Number(m[2]),
      unsigned: m[3] === 'u',
    };
  }
  m = /^([cvt])(\d+):(\d+)$/.exec(code);
  if (m !== null) {
    const variant = m[1] === 'c' ? 'char' : m[1] === 'v' ? 'varchar' : 'text';
    const coll = COLLATION_NAMES.find((n) => collation(n).id === Number(m?.[3]));
    if (coll === undefined) return corrupt('collation');
    return { kind: 'string', variant, chars: Number(m[2]), collation: coll };
  }
  m = /^T([0-6])$/.exec(code);
  if (m !== null) return { kind: 'datetime', fsp: Number(m[1]) };
  return corrupt(`column type ${code}`);
}

/** A DEFAULT's text read back as a value of the column's type. */
export function defaultFromText(type: ColumnType, text: string): Value {
  switch (type.kind) {
    case 'int':
      return BigInt(text);
    case 'decimal':
      return (Decimal.parse(text) ?? corrupt('decimal default')).rescale(type.scale);
    case 'string':
      return text;
    case 'datetime':
      return parseDateTime(text, type.fsp) ?? corrupt('datetime default');
    default:
      return unreachable(type);
  }
}

function decodeColumn(x: unknown): ColumnDef {
  if (!Array.isArray(x) || x.length < 3 || x.length > 4) return corrupt('column');
  const [name, code, nullable, defaultText]: unknown[] = x;
  const type = decodeTypeCode(asString(code, 'column type'));
  let defaultValue: ColumnDef['defaultValue'] = nullable === 1 ? { value: null } : null;
  if (x.length === 4) {
    defaultValue = {
      value: defaultText === null ? null : defaultFromText(type, asString(defaultText, 'default')),
    };
  }
  return { name: asString(name, 'column name'), type, nullable: nullable === 1, defaultValue };
}

export function decodeTable(bytes: Buffer): TableDef {
  const o = parseJson(bytes, 'table');
  const columns = (Array.isArray(o.columns) ? o.columns : corrupt('columns')).map(decodeColumn);
  const primaryKey = (Array.isArray(o.primaryKey) ? o.primaryKey : corrupt('primary key')).map(
    (i: unknown) => asNumber(i, 'key column'),
  );
  return makeTableDef({
    database: asString(o.database, 'table database'),
    name: asString(o.name, 'table name'),
    root: pageId(asNumber(o.root, 'root')),
    columns,
    primaryKey,
    indexes: o.indexes === undefined ? [] : decodeIndexes(o.indexes),
    autoIncrement: o.autoIncrement === undefined ? null : asNumber(o.autoIncrement, 'auto column'),
  });
}

function decodeIndexes(x: unknown): IndexDef[] {
  if (!Array.isArray(x)) return corrupt('indexes');
  return x.map((entry: unknown) => {
    if (!Array.isArray(entry) || entry.length !== 4) return corrupt('index');
    const [name, root, unique, parts]: unknown[] = entry;
    if (!Array.isArray(parts)) return corrupt('index parts');
    return {
      name: asString(name, 'index name'),
      root: pageId(asNumber(root, 'index root')),
      unique: unique === 1,
      parts: parts.map((p: unknown) => {
        if (!Array.isArray(p) || p.length !== 2) return corrupt('index part');
        const [column, prefix]: unknown[] = p;
        return {
          column: asNumber(column, 'index column'),
          prefixChars: prefix === null ? null : asNumber(prefix, 'index prefix'),
        };
      }),
    };
  });
}

/** The key of a table's persisted AUTO_INCREMENT counter: its definition's key, then 0x01. */
export function counterKey(database: string, name: string): Buffer {
  return Buffer.concat([tableKey(database, name), Buffer.from([0x01])]);
}
