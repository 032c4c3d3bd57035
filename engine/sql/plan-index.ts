/**
 * Index definitions → checked IndexSpecs (CREATE TABLE's INDEX / KEY / UNIQUE clauses and column
 * UNIQUE attributes, CREATE INDEX), with MySQL's errors:
 *
 *   an index named PRIMARY                       ER_WRONG_NAME_FOR_INDEX (1280)
 *   two indexes with one name                    ER_DUP_KEYNAME (1061)
 *   a column that does not exist                 ER_KEY_COLUMN_DOES_NOT_EXITS (1072)
 *   a column twice in one index                  ER_DUP_FIELDNAME (1060)
 *   TEXT without a prefix length                 ER_BLOB_KEY_WITHOUT_LENGTH (1170)
 *   a prefix on a non-string, or past its length ER_WRONG_SUB_KEY (1089)
 *   more than 16 columns                         ER_TOO_MANY_KEY_PARTS (1070)
 *   more than 64 indexes                         ER_TOO_MANY_KEYS (1069)
 *   more than 3,072 bytes of key                 ER_TOO_LONG_KEY (1071)
 *
 * An unnamed index (and a column's UNIQUE) is named after its first column, with _2, _3 … when
 * that name is taken, as MySQL does.
 */
import type { ColumnDef, IndexDef, IndexPart, IndexSpec } from '../catalog/definitions.js';
import { IDENTIFIER_CHARS_MAX, KEY_BYTES_MAX } from '../config.js';
import { SqlError } from '../errors.js';
import type { IndexDefinition } from './ast.js';
import { indexKeyBytesMax } from './index-keys.js';

export const INDEX_PARTS_MAX = 16;
export const INDEXES_MAX = 64;

function partsOf(definition: IndexDefinition, columns: readonly ColumnDef[]): IndexPart[] {
  const folded = columns.map((c) => c.name.toLowerCase());
  if (definition.columns.length > INDEX_PARTS_MAX) {
    throw new SqlError('ER_TOO_MANY_KEY_PARTS', [INDEX_PARTS_MAX]);
  }
  const seen = new Set<number>();
  return definition.columns.map((c) => {
    const index = folded.indexOf(c.name.toLowerCase());
    if (index === -1) throw new SqlError('ER_KEY_COLUMN_DOES_NOT_EXITS', [c.name]);
    if (seen.has(index)) throw new SqlError('ER_DUP_FIELDNAME', [c.name]);
    seen.add(index);
    const column = columns[index] as ColumnDef;
    const type = column.type;
    if (c.prefix !== null) {
      if (type.kind !== 'string' || c.prefix === 0 || c.prefix > type.chars) {
        throw new SqlError('ER_WRONG_SUB_KEY');
      }
    } else if (type.kind === 'string' && type.variant === 'text') {
      throw new SqlError('ER_BLOB_KEY_WITHOUT_LENGTH', [column.name]);
    }
    // A prefix as long as the column is the whole column, as MySQL stores it.
    const whole = c.prefix !== null && type.kind === 'string' && type.variant !== 'text' &&
      c.prefix === type.chars;
    return { column: index, prefixChars: whole ? null : c.prefix };
  });
}

/** A name for an unnamed index: its first column's, made unique with _2, _3 … */
function generatedName(first: string, taken: ReadonlySet<string>): string {
  if (!taken.has(first.toLowerCase()) && first.toLowerCase() !== 'primary') return first;
  for (let n = 2; ; n++) {
    const name = `${first}_${n}`;
    if (!taken.has(name.toLowerCase())) return name;
  }
}

/** Checks one index against the table's columns and the names already taken; adds its name. */
export function planIndex(
  definition: IndexDefinition,
  columns: readonly ColumnDef[],
  taken: Set<string>,
): IndexSpec {
  const parts = partsOf(definition, columns);
  let name = definition.name;
  if (name === null) {
    name = generatedName((columns[parts[0]?.column ?? 0] as ColumnDef).name, taken);
  } else {
    if (name.toLowerCase() === 'primary' || name === '') {
      throw new SqlError('ER_WRONG_NAME_FOR_INDEX', [name]);
    }
    if (Array.from(name).length > IDENTIFIER_CHARS_MAX) {
      throw new SqlError('ER_TOO_LONG_IDENT', [name]);
    }
    if (taken.has(name.toLowerCase())) throw new SqlError('ER_DUP_KEYNAME', [name]);
  }
  taken.add(name.toLowerCase());
  if (indexKeyBytesMax({ columns }, { parts }) > KEY_BYTES_MAX) {
    throw new SqlError('ER_TOO_LONG_KEY', [KEY_BYTES_MAX]);
  }
  return { name, unique: definition.unique, parts };
}

/** Every index of a new table: its clauses, then its columns' UNIQUE attributes. */
export function planTableIndexes(
  definitions: readonly IndexDefinition[],
  uniqueColumns: readonly string[],
  columns: readonly ColumnDef[],
): IndexSpec[] {
  const taken = new Set<string>();
  const named = definitions.filter((d) => d.name !== null);
  for (const d of named) {
    if (d.name !== null && taken.has(d.name.toLowerCase())) {
      throw new SqlError('ER_DUP_KEYNAME', [d.name]);
    }
    if (d.name !== null) taken.add(d.name.toLowerCase());
  }
  const specs: IndexSpec[] = [];
  const names = new Set<string>();
  const all = [
    ...uniqueColumns.map((c) => ({
      name: null,
      unique: true,
      columns: [{ name: c, prefix: null }],
    })),
    ...definitions,
  ];
  for (const d of all) {
    // Named ones keep their names (checked above); unnamed ones avoid every name in the table.
    const reserve = d.name === null ? new Set([...taken, ...names]) : names;
    const spec = planIndex(d, columns, reserve);
    names.add(spec.name.toLowerCase());
    specs.push(spec);
  }
  if (specs.length > INDEXES_MAX) throw new SqlError('ER_TOO_MANY_KEYS', [INDEXES_MAX]);
  return specs;
}

/** CREATE INDEX on an existing table. */
export function planAddedIndex(
  definition: IndexDefinition,
  columns: readonly ColumnDef[],
  existing: readonly IndexDef[],
): IndexSpec {
  if (existing.length >= INDEXES_MAX) throw new SqlError('ER_TOO_MANY_KEYS', [INDEXES_MAX]);
  return planIndex(definition, columns, new Set(existing.map((i) => i.name.toLowerCase())));
}

/**
 * A FULLTEXT index (6c): string columns only (ER_BAD_FT_COLUMN, 1283), named like the others.
 * It is kept in the definition without a tree.
 */
export function planFulltext(
  definition: IndexDefinition,
  columns: readonly ColumnDef[],
  taken: Set<string>,
): { name: string; columns: number[]; comment?: string } {
  const folded = columns.map((c) => c.name.toLowerCase());
  const indexes = definition.columns.map((c) => {
    const index = folded.indexOf(c.name.toLowerCase());
    if (index === -1) throw new SqlError('ER_KEY_COLUMN_DOES_NOT_EXITS', [c.name]);
    const type = (columns[index] as ColumnDef).type;
    if (
      type.kind !== 'string' ||
      type.collation === 'binary' ||
      !['char', 'varchar', 'text'].includes(type.variant)
    ) {
      throw new SqlError('ER_BAD_FT_COLUMN', [c.name]);
    }
    return index;
  });
  let name = definition.name;
  if (name === null) name = generatedName((columns[indexes[0] ?? 0] as ColumnDef).name, taken);
  else if (taken.has(name.toLowerCase())) throw new SqlError('ER_DUP_KEYNAME', [name]);
  taken.add(name.toLowerCase());
  return {
    name,
    columns: indexes,
    ...(definition.comment === undefined ? {} : { comment: definition.comment }),
  };
}
