/**
 * A column definition as written (ast.ts ColumnDefinition) → a checked ColumnDef, for CREATE
 * TABLE and ALTER TABLE alike, with MySQL's errors:
 *
 *   unknown collation / character set          ER_UNKNOWN_COLLATION (1273) /
 *                                              ER_UNKNOWN_CHARACTER_SET
 *   COLLATE of another character set           ER_COLLATION_CHARSET_MISMATCH (1253)
 *   DEFAULT CURRENT_TIMESTAMP on a non-datetime ER_INVALID_DEFAULT (1067)
 *   ON UPDATE CURRENT_TIMESTAMP on one         ER_INVALID_ON_UPDATE (1294)
 *   DEFAULT on a generated column              ER_WRONG_USAGE (1221)
 *   COMMENT longer than 1,024 characters       ER_TOO_LONG_FIELD_COMMENT (1629)
 *   TEXT / BLOB with a literal DEFAULT         ER_BLOB_CANT_HAVE_DEFAULT (1101)
 *
 * Character sets: a column takes its CHARACTER SET's default collation, else the table's; only
 * the character sets collation.ts has collations for are built (others answer 1235).
 */
import type { ColumnDef, ColumnType } from '../catalog/definitions.js';
import { SqlError } from '../errors.js';
import type { ColumnDefinition, Expr } from './ast.js';
import { Binder } from './bind.js';
import { type CollationName, findCollation } from './collation.js';
import { exprText } from './expr-text.js';
import { writtenText } from './parse-cursor.js';
import { columnType } from './plan-ddl.js';
import { type StoreTarget, storeValue } from './store.js';
import type { Warnings } from './values.js';

/** MySQL's limit on a column COMMENT, in characters. */
export const COLUMN_COMMENT_CHARS_MAX = 1_024;

/** Each character set's default collation, as MySQL 8 has it. */
const DEFAULT_COLLATIONS: Readonly<Record<string, string>> = {
  utf8mb4: 'utf8mb4_0900_ai_ci',
  binary: 'binary',
  utf8mb3: 'utf8mb3_general_ci',
  utf8: 'utf8mb3_general_ci',
  latin1: 'latin1_swedish_ci',
  ascii: 'ascii_general_ci',
  ucs2: 'ucs2_general_ci',
  utf16: 'utf16_general_ci',
  utf32: 'utf32_general_ci',
};

/** A character set's default collation name (MySQL's primary collation), or undefined. */
export function defaultCollationOfCharset(charset: string): string | undefined {
  return DEFAULT_COLLATIONS[charset.toLowerCase()];
}

/** The character set of a collation, by MySQL's naming (utf8mb4_bin → utf8mb4). */
export function charsetOf(collationName: string): string {
  if (collationName === 'binary') return 'binary';
  const at = collationName.indexOf('_');
  return at === -1 ? collationName : collationName.slice(0, at);
}

/** The collation of CHARACTER SET cs [COLLATE c], falling back to `fallback` when neither. */
export function resolveCollation(
  charset: string | null | undefined,
  collationName: string | null | undefined,
  fallback: CollationName,
): CollationName {
  const cs = charset === null || charset === undefined ? null : charset.toLowerCase();
  if (cs !== null && DEFAULT_COLLATIONS[cs] === undefined) {
    throw new SqlError('ER_UNKNOWN_CHARACTER_SET', [charset as string]);
  }
  if (collationName !== null && collationName !== undefined) {
    const found = findCollation(collationName);
    if (found === undefined) {
      if (/^[a-z0-9]+_[a-z0-9_]+$/i.test(collationName) || collationName === 'binary') {
        throw new SqlError('ER_UNKNOWN_COLLATION', [collationName]);
      }
      throw new SqlError('ER_UNKNOWN_COLLATION', [collationName]);
    }
    const wanted = cs === 'utf8' ? 'utf8mb3' : cs;
    if (wanted !== null && charsetOf(found.name) !== wanted) {
      throw new SqlError('ER_COLLATION_CHARSET_MISMATCH', [found.name, charset as string]);
    }
    return found.name;
  }
  if (cs === null) return fallback;
  const name = DEFAULT_COLLATIONS[cs] as string;
  const found = findCollation(name);
  if (found === undefined) throw new SqlError('ER_NOT_SUPPORTED_YET', [`character set ${cs}`]);
  return found.name;
}

const NO_WARNINGS: Warnings = { warn: () => undefined, count: () => 0 };

/** An expression's stored text: MySQL's printed form, or the text as written if unprintable. */
export function storedExprText(expr: Expr): string {
  return exprText(expr) ?? writtenText(expr) ?? '';
}

/** DATETIME and TIMESTAMP (not DATE): the types CURRENT_TIMESTAMP defaults apply to. */
function isDateTime(type: ColumnType): boolean {
  return type.kind === 'datetime' && type.variant !== 'date';
}

/** TEXT, BLOB and JSON: no literal DEFAULT. */
function isBlob(type: ColumnType): boolean {
  return type.kind === 'string' && (type.variant === 'text' || type.variant === 'json');
}

/**
 * The sql_mode members a literal DEFAULT is checked under (strict, NO_ZERO_DATE,
 * NO_ZERO_IN_DATE: '0000-00-00' is 1067 only when they refuse it); absent: MySQL 8's default.
 */
export type DefaultModes = Pick<StoreTarget, 'strict' | 'noZeroDate' | 'noZeroInDate'>;

/** A literal DEFAULT, stored through the column's type (ER_INVALID_DEFAULT if it does not fit). */
function literalDefault(
  definition: ColumnDefinition,
  column: Omit<ColumnDef, 'defaultValue'>,
  modes: DefaultModes = {},
): ColumnDef['defaultValue'] {
  if (definition.default === null) return column.nullable ? { value: null } : null;
  const bound = new Binder({
    table: null,
    tableName: null,
    clause: 'field list',
    currentDatabase: null,
  }).bind(definition.default);
  if (bound.kind !== 'const') throw new SqlError('ER_INVALID_DEFAULT', [column.name]);
  if (isBlob(column.type) && bound.value !== null) {
    throw new SqlError('ER_BLOB_CANT_HAVE_DEFAULT', [column.name]);
  }
  try {
    const value = storeValue(bound.info.type, bound.value, {
      column: { ...column, defaultValue: null },
      row: 1,
      warnings: NO_WARNINGS,
      ...modes,
    });
    return { value };
  } catch (e) {
    if (e instanceof SqlError) throw new SqlError('ER_INVALID_DEFAULT', [column.name]);
    throw e;
  }
}

/** The fsp a CURRENT_TIMESTAMP may have on this column: its own (MySQL requires equal fsp). */
function checkNow(
  type: ColumnType,
  fsp: number,
  name: string,
  error: 'ER_INVALID_DEFAULT' | 'ER_INVALID_ON_UPDATE',
): void {
  if (!isDateTime(type) || (type.kind === 'datetime' && type.fsp !== fsp)) {
    throw new SqlError(error, [name]);
  }
}

/**
 * The checked column. `inKey`: the column is in the primary key (NOT NULL, no TEXT).
 * `tableCollation`: the table's default collation.
 */
export function planColumn(
  definition: ColumnDefinition,
  tableCollation: CollationName,
  inKey: boolean,
  modes: DefaultModes = {},
): ColumnDef {
  const { name } = definition;
  const collationName = resolveCollation(definition.charset, definition.collation, tableCollation);
  const type = columnType(definition.type, name, collationName);
  if (inKey && isBlob(type)) throw new SqlError('ER_BLOB_KEY_WITHOUT_LENGTH', [name]);
  if (inKey && definition.nullable === true) throw new SqlError('ER_PRIMARY_CANT_HAVE_NULL');
  if (
    definition.comment !== undefined &&
    Array.from(definition.comment).length > COLUMN_COMMENT_CHARS_MAX
  ) {
    throw new SqlError('ER_TOO_LONG_FIELD_COMMENT', [name, COLUMN_COMMENT_CHARS_MAX]);
  }
  const base = { name, type, nullable: inKey ? false : definition.nullable !== false };
  const extras = {
    ...(definition.comment === undefined || definition.comment === ''
      ? {}
      : { comment: definition.comment }),
    ...(definition.displayWidth === undefined ? {} : { displayWidth: definition.displayWidth }),
  };
  if (definition.onUpdateNow !== undefined) {
    checkNow(type, definition.onUpdateNow, name, 'ER_INVALID_ON_UPDATE');
  }
  const onUpdate =
    definition.onUpdateNow === undefined ? {} : { onUpdateNow: definition.onUpdateNow };
  if (definition.generated !== undefined) {
    if (
      definition.default !== null ||
      definition.defaultNow !== undefined ||
      definition.defaultExpression !== undefined
    ) {
      throw new SqlError('ER_WRONG_USAGE', ['DEFAULT', 'generated column']);
    }
    if (definition.autoIncrement === true) {
      throw new SqlError('ER_UNSUPPORTED_ACTION_ON_GENERATED_COLUMN', ['AUTO_INCREMENT']);
    }
    const generated = {
      expression: storedExprText(definition.generated.expr),
      stored: definition.generated.stored,
    };
    return { ...base, defaultValue: base.nullable ? { value: null } : null, generated, ...extras };
  }
  if (definition.defaultNow !== undefined) {
    checkNow(type, definition.defaultNow, name, 'ER_INVALID_DEFAULT');
    return {
      ...base,
      defaultValue: { value: null },
      defaultNow: definition.defaultNow,
      ...onUpdate,
      ...extras,
    };
  }
  if (definition.defaultExpression !== undefined) {
    const expression = storedExprText(definition.defaultExpression);
    return {
      ...base,
      defaultValue: { value: null },
      defaultExpression: expression,
      ...onUpdate,
      ...extras,
    };
  }
  const defaultValue = literalDefault(definition, base, modes);
  return { ...base, defaultValue, ...onUpdate, ...extras };
}

/**
 * ALTER COLUMN … SET DEFAULT / DROP DEFAULT: the column with its new DEFAULT (a literal, stored
 * through the column's type: 1067 / 1101 as CREATE TABLE's; or an expression), or with none.
 */
export function columnWithDefault(
  def: ColumnDef,
  value: { readonly literal: Expr } | { readonly expression: Expr } | null,
): ColumnDef {
  const { defaultNow: _now, defaultExpression: _expression, ...rest } = def;
  if (value === null) return { ...rest, defaultValue: def.nullable ? { value: null } : null };
  if ('expression' in value) {
    return {
      ...rest,
      defaultValue: { value: null },
      defaultExpression: storedExprText(value.expression),
    };
  }
  const definition: ColumnDefinition = {
    name: def.name,
    type: { kind: 'text' },
    nullable: def.nullable,
    default: value.literal,
    primaryKey: false,
    collation: null,
  };
  return { ...rest, defaultValue: literalDefault(definition, rest) };
}
