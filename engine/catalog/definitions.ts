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
 * (D5) an AUTO_INCREMENT column is an integer column that leads the primary key or an index;
 * (D6) a column with a computed DEFAULT (CURRENT_TIMESTAMP, an expression) has defaultValue
 * { value: null } and no literal; (D7) a generated column has no DEFAULT and its value is computed
 * on every write; (D8) a foreign key's columns exist in this table, as many as its parent columns;
 * constraint names (foreign keys and checks) are unique in the table, case-insensitively.
 *
 * Issue 6 extends the persisted form without a new version: a column tuple may carry a fifth
 * element, an object of its extras, and the table JSON an `x` object (see "Values" below).
 */
import assert from 'node:assert/strict';
import { type PageId, pageId } from '../../storage/index.js';
import { COLLATION_NAMES, type CollationName, collation } from '../sql/collation.js';
import { parseDateTime } from '../sql/datetime.js';
import { Decimal } from '../sql/decimal.js';
import { type IntBytes, type SqlType, type Value, toText } from '../sql/values.js';
import { unreachable } from '../unreachable.js';
import { decodeExtendedTypeCode, extendedDefault, extendedTypeCode } from './type-codes.js';

export const DEFINITION_VERSION = 1;

/** Column types a table may have (every SqlType but 'null' and 'double', for now). */
export type ColumnType = Exclude<SqlType, { kind: 'null' }>;

export interface ColumnDef {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  /**
   * The DEFAULT (null: the column has none, so an INSERT must give it unless it is nullable).
   * A computed DEFAULT (defaultNow, defaultExpression) has `{ value: null }` here (D6).
   */
  readonly defaultValue: { readonly value: Value } | null;
  // -- issue 6 (6c): all optional, absent means none ------------------------------------------
  /** COMMENT 'text'. */
  readonly comment?: string;
  /** DEFAULT CURRENT_TIMESTAMP[(fsp)] (or NOW(), LOCALTIME …): its fsp. */
  readonly defaultNow?: number;
  /** DEFAULT (expr): the expression as MySQL prints it (sql/expr-text.ts). */
  readonly defaultExpression?: string;
  /** ON UPDATE CURRENT_TIMESTAMP[(fsp)]: its fsp. */
  readonly onUpdateNow?: number;
  /** GENERATED ALWAYS AS (expr) VIRTUAL | STORED; the value is kept in the row either way (D7). */
  readonly generated?: { readonly expression: string; readonly stored: boolean };
  /** A display width as written, e.g. TINYINT(1) (MySQL 8 shows only tinyint(1)'s). */
  readonly displayWidth?: number;
}

/** What a foreign key does to child rows when the parent row is deleted or its key updated. */
export type ForeignKeyRule = 'RESTRICT' | 'CASCADE' | 'SET NULL' | 'NO ACTION' | 'SET DEFAULT';

/**
 * A FOREIGN KEY of this table (the child). The parent is named, not resolved: with
 * foreign_key_checks = 0 it may not exist yet (a dump creates children first) (D8).
 */
export interface ForeignKeyDef {
  readonly name: string;
  /** Child column indexes, in key order. */
  readonly columns: readonly number[];
  readonly refDatabase: string;
  readonly refTable: string;
  /** Parent column names, in key order. */
  readonly refColumns: readonly string[];
  readonly onDelete: ForeignKeyRule;
  readonly onUpdate: ForeignKeyRule;
}

/** A CHECK constraint: its name and expression as MySQL prints it. */
export interface CheckDef {
  readonly name: string;
  readonly expression: string;
  readonly enforced: boolean;
}

/** Table options as SHOW CREATE TABLE and information_schema report them. */
export interface TableOptions {
  /** ENGINE as given (every table is stored the same way); default InnoDB. */
  readonly engine?: string;
  /** The table's default collation (DEFAULT CHARSET / COLLATE); default utf8mb4_0900_ai_ci. */
  readonly collation?: CollationName;
  readonly comment?: string;
  /** ROW_FORMAT as given. */
  readonly rowFormat?: string;
  /** Other options as MySQL shows them in Create_options (e.g. 'stats_persistent=0'). */
  readonly createOptions?: string;
  /** Creation time, ms since the epoch (CREATE_TIME). */
  readonly created?: number;
}

export interface DatabaseDef {
  readonly name: string;
  /** The database's default collation (CREATE DATABASE … COLLATE); absent: utf8mb4_0900_ai_ci. */
  readonly collation?: CollationName;
}

/**
 * A view: its SELECT as written (it is parsed and planned where it is used) and the facts SHOW
 * CREATE VIEW and information_schema.VIEWS report. It shares the tables' namespace (V1: no table
 * and view of one database have the same name).
 */
export interface ViewDef {
  readonly database: string;
  readonly name: string;
  /** The column list of CREATE VIEW v (a, b), or null. */
  readonly columns: readonly string[] | null;
  readonly query: string;
  readonly algorithm: 'UNDEFINED' | 'MERGE' | 'TEMPTABLE';
  readonly definer: { readonly user: string; readonly host: string };
  readonly security: 'DEFINER' | 'INVOKER';
  readonly checkOption: 'NONE' | 'CASCADED' | 'LOCAL';
  /** The session's character_set_client and collation_connection when it was created. */
  readonly charsetClient: string;
  readonly collationConnection: string;
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
  /** COMMENT 'text' (issue 6). */
  readonly comment?: string;
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
  // -- issue 6 (6c): optional ------------------------------------------------------------------
  readonly options?: TableOptions;
  readonly foreignKeys?: readonly ForeignKeyDef[];
  readonly checks?: readonly CheckDef[];
  /** FULLTEXT indexes: definitions only (no tree; MATCH … AGAINST is not built). */
  readonly fulltext?: readonly FulltextDef[];
}

/** A FULLTEXT index of string columns. */
export interface FulltextDef {
  readonly name: string;
  readonly columns: readonly number[];
  readonly comment?: string;
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
    assert.equal(
      new Set(index.parts.map((p) => p.column)).size,
      index.parts.length,
      'D4: distinct',
    );
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
  checkConstraints(spec);
  const types = spec.columns.map((c) => c.type);
  const keyTypes = spec.primaryKey.map((i) => types[i] as ColumnType);
  return { ...spec, indexes, autoIncrement, types, keyTypes };
}

/** D6–D8. */
function checkConstraints(spec: {
  readonly columns: readonly ColumnDef[];
  readonly foreignKeys?: readonly ForeignKeyDef[];
  readonly checks?: readonly CheckDef[];
}): void {
  for (const column of spec.columns) {
    if (column.defaultNow !== undefined || column.defaultExpression !== undefined) {
      assert(column.defaultValue?.value === null, 'D6: a computed DEFAULT has no literal');
    }
    if (column.generated !== undefined)
      assert(column.defaultValue === null || column.nullable, 'D7');
  }
  const names = new Set<string>();
  for (const fk of spec.foreignKeys ?? []) {
    assert(fk.columns.length > 0 && fk.columns.length === fk.refColumns.length, 'D8: key shape');
    for (const c of fk.columns) assert(spec.columns[c] !== undefined, 'D8: columns exist');
    assert(!names.has(fk.name.toLowerCase()), 'D8: constraint names unique');
    names.add(fk.name.toLowerCase());
  }
  const checks = new Set<string>();
  for (const check of spec.checks ?? []) {
    assert(!checks.has(check.name.toLowerCase()), 'D8: check names unique');
    checks.add(check.name.toLowerCase());
  }
}

/** True when the column has a DEFAULT of any kind (literal, CURRENT_TIMESTAMP, expression). */
export function hasDefault(column: ColumnDef): boolean {
  return column.defaultValue !== null;
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
  const json = {
    v: DEFINITION_VERSION,
    name: def.name,
    ...(def.collation === undefined ? {} : { co: def.collation }),
  };
  return Buffer.from(JSON.stringify(json), 'utf8');
}

/** A view's catalog entry: it lives under the table key of its name (V1). */
export function encodeView(def: ViewDef): Buffer {
  return Buffer.from(JSON.stringify({ v: DEFINITION_VERSION, view: def }), 'utf8');
}

const VARIANT_CODES = { char: 'c', varchar: 'v', text: 't' } as const;

export function typeCode(type: ColumnType): string {
  // Issue 6's types (FLOAT, DOUBLE, YEAR, BIT, DATE, TIMESTAMP, TIME, ENUM, SET, JSON).
  const extended = extendedTypeCode(type);
  if (extended !== undefined) return extended;
  switch (type.kind) {
    case 'int':
      return `i${type.bytes}${type.unsigned ? 'u' : ''}`;
    case 'decimal':
      return `d${type.precision},${type.scale}${type.unsigned ? 'u' : ''}`;
    case 'string':
      return (
        `${VARIANT_CODES[type.variant as 'char' | 'varchar' | 'text']}${type.chars}:` +
        `${collation(type.collation).id}`
      );
    case 'datetime':
      return `T${type.fsp}`;
    case 'double':
    case 'time':
      return assert.fail('typeCode: issue-6 types have extended codes');
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
    const extras = columnExtras(c);
    if (extras !== null) {
      if (tuple.length === 3) tuple.push(0); // 0: no DEFAULT text
      tuple.push(extras);
    }
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
    // [name, root, unique 0/1, [[column, prefix chars or null], …][, comment]]
    ...(def.indexes.length === 0
      ? {}
      : {
          indexes: def.indexes.map((i) => [
            i.name,
            i.root,
            i.unique ? 1 : 0,
            i.parts.map((p) => [p.column, p.prefixChars]),
            ...(i.comment === undefined ? [] : [i.comment]),
          ]),
        }),
    ...tableExtras(def),
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
  const name = asString(o.name, 'database name');
  if (o.co === undefined) return { name };
  return { name, collation: COLLATION_NAMES.find((n) => n === o.co) ?? corrupt('collation') };
}

/** A table key's entry: a table's definition, or a view's. */
export function decodeTableEntry(
  bytes: Buffer,
):
  | { readonly kind: 'table'; readonly def: TableDef }
  | { readonly kind: 'view'; readonly def: ViewDef } {
  const o = parseJson(bytes, 'table');
  if (o.view === undefined) return { kind: 'table', def: decodeTable(bytes) };
  const v = asObj(o.view, 'view');
  const oneOf = <T extends string>(x: unknown, options: readonly T[], what: string): T =>
    options.find((option) => option === x) ?? corrupt(what);
  const definer = asObj(v.definer, 'view definer');
  return {
    kind: 'view',
    def: {
      database: asString(v.database, 'view database'),
      name: asString(v.name, 'view name'),
      columns: v.columns === null ? null : asStrings(v.columns, 'view columns'),
      query: asString(v.query, 'view query'),
      algorithm: oneOf(v.algorithm, ['UNDEFINED', 'MERGE', 'TEMPTABLE'], 'view algorithm'),
      definer: { user: asString(definer.user, 'definer'), host: asString(definer.host, 'definer') },
      security: oneOf(v.security, ['DEFINER', 'INVOKER'], 'view security'),
      checkOption: oneOf(v.checkOption, ['NONE', 'CASCADED', 'LOCAL'], 'view check option'),
      charsetClient: asString(v.charsetClient, 'view charset'),
      collationConnection: asString(v.collationConnection, 'view collation'),
    },
  };
}

export function decodeTypeCode(code: string): ColumnType {
  const extended = decodeExtendedTypeCode(code);
  if (extended !== undefined) return extended;
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
  const extended = extendedDefault(type, text);
  if (extended !== undefined) return extended;
  switch (type.kind) {
    case 'int':
      return BigInt(text);
    case 'decimal':
      return (Decimal.parse(text) ?? corrupt('decimal default')).rescale(type.scale);
    case 'string':
      return text;
    case 'datetime':
      return parseDateTime(text, type.fsp) ?? corrupt('datetime default');
    case 'double':
    case 'time':
      return corrupt(`${type.kind} default`);
    default:
      return unreachable(type);
  }
}

function decodeColumn(x: unknown): ColumnDef {
  if (!Array.isArray(x) || x.length < 3 || x.length > 5) return corrupt('column');
  const [name, code, nullable, defaultText, extras]: unknown[] = x;
  const type = decodeTypeCode(asString(code, 'column type'));
  let defaultValue: ColumnDef['defaultValue'] = nullable === 1 ? { value: null } : null;
  if (x.length >= 4 && defaultText !== 0) {
    defaultValue = {
      value: defaultText === null ? null : defaultFromText(type, asString(defaultText, 'default')),
    };
  }
  const column = {
    name: asString(name, 'column name'),
    type,
    nullable: nullable === 1,
    defaultValue,
  };
  return x.length === 5 ? decodeColumnExtras(column, extras) : column;
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
    ...(o.x === undefined ? {} : decodeTableExtras(o.x)),
  });
}

function decodeIndexes(x: unknown): IndexDef[] {
  if (!Array.isArray(x)) return corrupt('indexes');
  return x.map((entry: unknown) => {
    if (!Array.isArray(entry) || entry.length < 4 || entry.length > 5) return corrupt('index');
    const [name, root, unique, parts, comment]: unknown[] = entry;
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
      ...(comment === undefined ? {} : { comment: asString(comment, 'index comment') }),
    };
  });
}

/** The key of a table's persisted AUTO_INCREMENT counter: its definition's key, then 0x01. */
export function counterKey(database: string, name: string): Buffer {
  return Buffer.concat([tableKey(database, name), Buffer.from([0x01])]);
}

// ---------------------------------------------------------------------------------------------
// Issue 6 extras
//
// Column extras (the tuple's fifth element): { c: comment, dn: DEFAULT CURRENT_TIMESTAMP fsp,
// de: DEFAULT (expr) text, un: ON UPDATE fsp, g: [expression, stored 0/1], w: display width }.
// Table extras (`x`): { e: engine, co: collation, cm: comment, rf: row format, cr: create options,
// t: created ms, fk: [[name, [columns], refDb, refTable, [refColumns], onDelete, onUpdate], …],
// ck: [[name, expression, enforced 0/1], …] }.

function columnExtras(c: ColumnDef): Record<string, unknown> | null {
  const o: Record<string, unknown> = {};
  if (c.comment !== undefined && c.comment !== '') o.c = c.comment;
  if (c.defaultNow !== undefined) o.dn = c.defaultNow;
  if (c.defaultExpression !== undefined) o.de = c.defaultExpression;
  if (c.onUpdateNow !== undefined) o.un = c.onUpdateNow;
  if (c.generated !== undefined) o.g = [c.generated.expression, c.generated.stored ? 1 : 0];
  if (c.displayWidth !== undefined) o.w = c.displayWidth;
  return Object.keys(o).length === 0 ? null : o;
}

function decodeColumnExtras(column: ColumnDef, x: unknown): ColumnDef {
  const o = asObj(x, 'column extras');
  const g = o.g;
  return {
    ...column,
    ...(o.c === undefined ? {} : { comment: asString(o.c, 'comment') }),
    ...(o.dn === undefined ? {} : { defaultNow: asNumber(o.dn, 'default fsp') }),
    ...(o.de === undefined ? {} : { defaultExpression: asString(o.de, 'default expression') }),
    ...(o.un === undefined ? {} : { onUpdateNow: asNumber(o.un, 'on update fsp') }),
    ...(g === undefined
      ? {}
      : Array.isArray(g) && g.length === 2
        ? { generated: { expression: asString(g[0], 'generated'), stored: g[1] === 1 } }
        : corrupt('generated column')),
    ...(o.w === undefined ? {} : { displayWidth: asNumber(o.w, 'display width') }),
  };
}

const FK_RULES: readonly ForeignKeyRule[] = [
  'RESTRICT',
  'CASCADE',
  'SET NULL',
  'NO ACTION',
  'SET DEFAULT',
];

function asRule(x: unknown): ForeignKeyRule {
  const rule = FK_RULES.find((r) => r === x);
  return rule ?? corrupt('foreign key rule');
}

function tableExtras(def: TableDef): { x?: Record<string, unknown> } {
  const o: Record<string, unknown> = {};
  const options = def.options ?? {};
  if (options.engine !== undefined) o.e = options.engine;
  if (options.collation !== undefined) o.co = options.collation;
  if (options.comment !== undefined && options.comment !== '') o.cm = options.comment;
  if (options.rowFormat !== undefined) o.rf = options.rowFormat;
  if (options.createOptions !== undefined && options.createOptions !== '')
    o.cr = options.createOptions;
  if (options.created !== undefined) o.t = options.created;
  if ((def.foreignKeys ?? []).length > 0) {
    o.fk = (def.foreignKeys ?? []).map((f) => [
      f.name, f.columns, f.refDatabase, f.refTable, f.refColumns, f.onDelete, f.onUpdate,
    ]);
  }
  if ((def.checks ?? []).length > 0) {
    o.ck = (def.checks ?? []).map((c) => [c.name, c.expression, c.enforced ? 1 : 0]);
  }
  if ((def.fulltext ?? []).length > 0) {
    o.ft = (def.fulltext ?? []).map((f) => [
      f.name,
      f.columns,
      ...(f.comment === undefined ? [] : [f.comment]),
    ]);
  }
  return Object.keys(o).length === 0 ? {} : { x: o };
}

function asStrings(x: unknown, what: string): string[] {
  return (Array.isArray(x) ? x : corrupt(what)).map((v: unknown) => asString(v, what));
}

function decodeFulltext(x: unknown): FulltextDef[] {
  return (Array.isArray(x) ? x : corrupt('fulltext')).map((f: unknown): FulltextDef => {
    if (!Array.isArray(f) || f.length < 2 || f.length > 3) return corrupt('fulltext index');
    const columns = (Array.isArray(f[1]) ? f[1] : corrupt('fulltext columns')).map((c: unknown) =>
      asNumber(c, 'fulltext column'),
    );
    return {
      name: asString(f[0], 'fulltext name'),
      columns,
      ...(f[2] === undefined ? {} : { comment: asString(f[2], 'fulltext comment') }),
    };
  });
}

function decodeTableExtras(
  x: unknown,
): Pick<TableDef, 'options' | 'foreignKeys' | 'checks' | 'fulltext'> {
  const o = asObj(x, 'table extras');
  const collationName =
    o.co === undefined
      ? undefined
      : COLLATION_NAMES.find((n) => n === o.co) ?? corrupt('collation');
  const options: TableOptions = {
    ...(o.e === undefined ? {} : { engine: asString(o.e, 'engine') }),
    ...(collationName === undefined ? {} : { collation: collationName }),
    ...(o.cm === undefined ? {} : { comment: asString(o.cm, 'comment') }),
    ...(o.rf === undefined ? {} : { rowFormat: asString(o.rf, 'row format') }),
    ...(o.cr === undefined ? {} : { createOptions: asString(o.cr, 'create options') }),
    ...(o.t === undefined ? {} : { created: asNumber(o.t, 'created') }),
  };
  const foreignKeys = (o.fk === undefined ? [] : Array.isArray(o.fk) ? o.fk : corrupt('fks')).map(
    (f: unknown): ForeignKeyDef => {
      if (!Array.isArray(f) || f.length !== 7) return corrupt('foreign key');
      const [name, columns, refDatabase, refTable, refColumns, onDelete, onUpdate]: unknown[] = f;
      return {
        name: asString(name, 'fk name'),
        columns: (Array.isArray(columns) ? columns : corrupt('fk columns')).map((c: unknown) =>
          asNumber(c, 'fk column'),
        ),
        refDatabase: asString(refDatabase, 'fk database'),
        refTable: asString(refTable, 'fk table'),
        refColumns: asStrings(refColumns, 'fk parent columns'),
        onDelete: asRule(onDelete),
        onUpdate: asRule(onUpdate),
      };
    },
  );
  const checks = (o.ck === undefined ? [] : Array.isArray(o.ck) ? o.ck : corrupt('checks')).map(
    (c: unknown): CheckDef => {
      if (!Array.isArray(c) || c.length !== 3) return corrupt('check');
      return {
        name: asString(c[0], 'check name'),
        expression: asString(c[1], 'check expression'),
        enforced: c[2] === 1,
      };
    },
  );
  const fulltext = o.ft === undefined ? [] : decodeFulltext(o.ft);
  return {
    options,
    ...(foreignKeys.length === 0 ? {} : { foreignKeys }),
    ...(checks.length === 0 ? {} : { checks }),
    ...(fulltext.length === 0 ? {} : { fulltext }),
  };
}
