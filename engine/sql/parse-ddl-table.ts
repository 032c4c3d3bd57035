/**
 * The pieces of CREATE TABLE and ALTER TABLE, read from tokens (parse-cursor.ts) in MySQL 8's
 * grammar, including what mysqldump and the ORMs write and node-sql-parser cannot read:
 *
 *   column      name type [attribute …]
 *   type        INT(11) UNSIGNED ZEROFILL, CHAR(36) BINARY, enum ('a','b'), VARCHAR(20) CHARACTER
 *               SET utf8mb4 COLLATE utf8mb4_bin, BOOL, SERIAL, DOUBLE PRECISION, …
 *   attribute   [NOT] NULL | DEFAULT {literal | CURRENT_TIMESTAMP[(n)] | (expr)} | ON UPDATE
 *               CURRENT_TIMESTAMP[(n)] | AUTO_INCREMENT | UNIQUE [KEY] | [PRIMARY] KEY |
 *               COMMENT 'x' | COLLATE c | CHARACTER SET c | [GENERATED ALWAYS] AS (expr)
 *               [VIRTUAL | STORED] | [CONSTRAINT [n]] CHECK (expr) [[NOT] ENFORCED] |
 *               REFERENCES … (parsed and ignored, as MySQL does) | COLUMN_FORMAT … | STORAGE …
 *   element     column | [CONSTRAINT [n]] PRIMARY KEY (…) | {INDEX | KEY} [n] (…) |
 *               [CONSTRAINT [n]] UNIQUE [INDEX | KEY] [n] (…) | [CONSTRAINT [n]] FOREIGN KEY [n]
 *               (…) REFERENCES t (…) [ON DELETE r] [ON UPDATE r] | [CONSTRAINT [n]] CHECK (…)
 *   options     ENGINE, [DEFAULT] CHARSET / COLLATE, COMMENT, AUTO_INCREMENT, ROW_FORMAT, and the
 *               rest MySQL accepts (kept as Create_options text)
 *
 * What is not built answers ER_NOT_SUPPORTED_YET: FULLTEXT / SPATIAL indexes, descending and
 * functional key parts, INVISIBLE columns and indexes, partitioning.
 */
import type {
  AlterAction,
  CheckDefinition,
  ColumnDefinition,
  ColumnPosition,
  Expr,
  ForeignKeyDefinition,
  ForeignKeyRuleSpec,
  IndexColumn,
  IndexDefinition,
  RawColumnType,
  TableOptionsSpec,
} from './ast.js';
import { Cursor, isOp, isWord } from './parse-cursor.js';
import { notSupported } from './parse.js';
import { typeSpecOf } from './type-spec.js';

// ---------------------------------------------------------------------------------------------
// Column types

/** Two-word type names, and single words that are aliases. */
const TWO_WORD_TYPES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  DOUBLE: { PRECISION: 'DOUBLE' },
  CHARACTER: { VARYING: 'VARCHAR' },
  CHAR: { VARYING: 'VARCHAR' },
  NATIONAL: { CHAR: 'CHAR', CHARACTER: 'CHAR', VARCHAR: 'VARCHAR' },
  LONG: { VARCHAR: 'MEDIUMTEXT', VARBINARY: 'MEDIUMBLOB' },
};

const INTEGER_NAMES = new Set([
  'TINYINT', 'SMALLINT', 'MEDIUMINT', 'INT', 'INTEGER', 'BIGINT', 'INT1', 'INT2', 'INT3', 'INT4',
  'INT8', 'MIDDLEINT',
]);

export interface ParsedType {
  readonly raw: RawColumnType;
  /** An integer type's (n). */
  readonly displayWidth: number | null;
  /** SERIAL: BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE. */
  readonly serial: boolean;
}

function typeName(c: Cursor): string {
  const token = c.peek();
  if (token === undefined || token.kind !== 'word') c.error();
  c.at++;
  const first = token.value.toUpperCase();
  const next = c.peek();
  const second =
    next?.kind === 'word' ? TWO_WORD_TYPES[first]?.[next.value.toUpperCase()] : undefined;
  if (second !== undefined) {
    c.at++;
    return second;
  }
  if (first === 'LONG') return 'MEDIUMTEXT';
  return first;
}

/** `(n)`, `(p, s)` or ENUM / SET's `('a', 'b')`. */
function typeArguments(c: Cursor, name: string): { numbers: number[]; values: string[] } {
  if (!c.op('(')) return { numbers: [], values: [] };
  const numbers: number[] = [];
  const values: string[] = [];
  if (name === 'ENUM' || name === 'SET') {
    do values.push(c.string());
    while (c.op(','));
  } else {
    do numbers.push(Number(c.integer()));
    while (c.op(','));
    if (numbers.length > 2) c.error();
  }
  c.expectOp(')');
  return { numbers, values };
}

export function columnType(c: Cursor): ParsedType {
  let name = typeName(c);
  let serial = false;
  let args = typeArguments(c, name);
  if (name === 'BOOL' || name === 'BOOLEAN') {
    name = 'TINYINT';
    args = { numbers: [1], values: [] };
  } else if (name === 'SERIAL') {
    name = 'BIGINT';
    serial = true;
  }
  let unsigned = serial;
  let zerofill = false;
  let binary = false;
  let charset: string | null = null;
  let collation: string | null = null;
  for (;;) {
    if (c.word('UNSIGNED')) unsigned = true;
    else if (c.word('SIGNED')) unsigned = false;
    else if (c.word('ZEROFILL')) zerofill = unsigned = true;
    else if (c.word('BINARY')) binary = true;
    else if (c.word('ASCII')) charset = 'latin1';
    else if (c.word('UNICODE')) charset = 'ucs2';
    else if (c.word('BYTE')) charset = 'binary';
    else if (atCharset(c)) charset = charsetName(c);
    else if (c.word('COLLATE')) collation = c.name(true);
    else break;
  }
  const integer = INTEGER_NAMES.has(name);
  const [first, second] = args.numbers;
  return {
    raw: {
      name,
      length: first ?? null,
      scale: second ?? null,
      values: args.values,
      unsigned,
      zerofill,
      binary,
      charset,
      collation,
    },
    displayWidth: integer && first !== undefined ? first : null,
    serial,
  };
}

/** At CHARACTER SET / CHARSET (consumes nothing). */
function atCharset(c: Cursor): boolean {
  return isWord(c.peek(), 'CHARSET') || (isWord(c.peek(), 'CHARACTER') && isWord(c.peek(1), 'SET'));
}

/** CHARACTER SET name / CHARSET name (optionally `=`). */
function charsetName(c: Cursor): string {
  if (!c.word('CHARSET')) {
    c.expectWord('CHARACTER');
    c.expectWord('SET');
  }
  c.optionalEquals();
  return c.name(true);
}

// ---------------------------------------------------------------------------------------------
// Column definitions

const NOW_WORDS = ['CURRENT_TIMESTAMP', 'NOW', 'LOCALTIME', 'LOCALTIMESTAMP'];

/** CURRENT_TIMESTAMP [( [n] )] and its synonyms: the fsp; null when not at one. */
function nowFunction(c: Cursor): number | null {
  if (!isWord(c.peek(), ...NOW_WORDS)) return null;
  const now = isWord(c.peek(), 'NOW');
  c.at++;
  if (!c.op('(')) {
    if (now) c.error();
    return 0;
  }
  const fsp = isOp(c.peek(), ')') ? 0 : Number(c.integer());
  c.expectOp(')');
  return fsp;
}

type DefaultClause =
  | { readonly kind: 'literal'; readonly expr: Expr }
  | { readonly kind: 'now'; readonly fsp: number }
  | { readonly kind: 'expression'; readonly expr: Expr };

/** The value after DEFAULT: a literal (signed number, string, NULL …), NOW, or (expr). */
export function defaultClause(c: Cursor): DefaultClause {
  if (isOp(c.peek(), '(')) return { kind: 'expression', expr: c.parenthesizedExpr() };
  const fsp = nowFunction(c);
  if (fsp !== null) return { kind: 'now', fsp };
  const start = c.at;
  if (isOp(c.peek(), '-') || isOp(c.peek(), '+')) c.at++;
  const token = c.peek();
  if (token === undefined) c.error();
  if (token.kind === 'word' && /^_/.test(token.value) && c.peek(1)?.kind === 'string') c.at += 2;
  else if (['number', 'string', 'hex'].includes(token.kind)) c.at++;
  else if (isWord(token, 'NULL', 'TRUE', 'FALSE')) c.at++;
  else c.error();
  return { kind: 'literal', expr: c.exprAt(start, c.at) };
}

interface ColumnState {
  nullable: boolean | null;
  default: Expr | null;
  defaultNow?: number;
  defaultExpression?: Expr;
  onUpdateNow?: number;
  primaryKey: boolean;
  unique: boolean;
  autoIncrement: boolean;
  comment?: string;
  collation: string | null;
  charset: string | null;
  generated?: { expr: Expr; stored: boolean };
  checks: CheckDefinition[];
}

/** A column's attributes after its type, until `,` or `)` or the end (ALTER). */
function columnAttributes(c: Cursor, state: ColumnState): void {
  for (;;) {
    if (c.words('NOT', 'NULL')) state.nullable = false;
    else if (c.word('NULL')) state.nullable = true;
    else if (c.word('DEFAULT')) {
      const clause = defaultClause(c);
      state.default = clause.kind === 'literal' ? clause.expr : null;
      delete state.defaultNow;
      delete state.defaultExpression;
      if (clause.kind === 'now') state.defaultNow = clause.fsp;
      if (clause.kind === 'expression') state.defaultExpression = clause.expr;
    } else if (c.words('ON', 'UPDATE')) {
      const fsp = nowFunction(c);
      if (fsp === null) c.error();
      state.onUpdateNow = fsp;
    } else if (c.word('AUTO_INCREMENT')) state.autoIncrement = true;
    else if (c.word('UNIQUE')) {
      c.word('KEY');
      state.unique = true;
    } else if (c.words('PRIMARY', 'KEY') || c.word('KEY')) state.primaryKey = true;
    else if (c.word('COMMENT')) state.comment = c.string();
    else if (c.word('COLLATE')) state.collation = c.name(true);
    else if (atCharset(c)) state.charset = charsetName(c);
    else if (isWord(c.peek(), 'GENERATED', 'AS')) state.generated = generatedClause(c);
    else if (isWord(c.peek(), 'CHECK') || (isWord(c.peek(), 'CONSTRAINT') && atCheckAfterName(c))) {
      state.checks.push(checkConstraint(c));
    } else if (c.word('REFERENCES')) skipReferences(c);
    else if (c.word('COLUMN_FORMAT')) c.expectWord('FIXED', 'DYNAMIC', 'DEFAULT');
    else if (c.word('STORAGE')) c.expectWord('DISK', 'MEMORY', 'DEFAULT');
    else if (c.word('VISIBLE')) continue;
    else if (c.word('INVISIBLE')) throw notSupported('INVISIBLE columns');
    else if (c.word('ENGINE_ATTRIBUTE', 'SECONDARY_ENGINE_ATTRIBUTE')) {
      c.optionalEquals();
      c.string();
    } else if (c.words('SERIAL', 'DEFAULT', 'VALUE')) {
      state.nullable = false;
      state.autoIncrement = true;
      state.unique = true;
    } else return;
  }
}

function atCheckAfterName(c: Cursor): boolean {
  return isWord(c.peek(1), 'CHECK') || isWord(c.peek(2), 'CHECK');
}

/** [GENERATED ALWAYS] AS (expr) [VIRTUAL | STORED]. */
function generatedClause(c: Cursor): { expr: Expr; stored: boolean } {
  if (c.word('GENERATED')) c.expectWord('ALWAYS');
  c.expectWord('AS');
  const expr = c.parenthesizedExpr();
  const storage = c.oneOf('VIRTUAL', 'STORED', 'PERSISTENT');
  return { expr, stored: storage === 'STORED' || storage === 'PERSISTENT' };
}

/** REFERENCES t (cols) [MATCH …] [ON DELETE r] [ON UPDATE r]: MySQL parses and ignores it. */
function skipReferences(c: Cursor): void {
  references(c);
}

export function columnDefinition(c: Cursor): ColumnDefinition {
  const name = c.name();
  const type = columnType(c);
  const state: ColumnState = {
    nullable: type.serial ? false : null,
    default: null,
    primaryKey: false,
    unique: type.serial,
    autoIncrement: type.serial,
    collation: type.raw.collation,
    charset: type.raw.charset,
    checks: [],
  };
  columnAttributes(c, state);
  let collation = state.collation;
  if (collation === null && type.raw.binary) {
    // CHAR(n) BINARY: the character set's binary collation.
    collation = `${state.charset ?? 'utf8mb4'}_bin`;
  }
  return {
    name,
    type: typeSpecOf({ ...type.raw, collation, charset: state.charset }),
    nullable: state.nullable,
    default: state.default,
    primaryKey: state.primaryKey,
    collation,
    ...(state.unique ? { unique: true } : {}),
    ...(state.autoIncrement ? { autoIncrement: true } : {}),
    ...(state.comment === undefined ? {} : { comment: state.comment }),
    ...(state.defaultNow === undefined ? {} : { defaultNow: state.defaultNow }),
    ...(state.defaultExpression === undefined
      ? {}
      : { defaultExpression: state.defaultExpression }),
    ...(state.onUpdateNow === undefined ? {} : { onUpdateNow: state.onUpdateNow }),
    ...(state.generated === undefined ? {} : { generated: state.generated }),
    ...(state.checks.length === 0 ? {} : { checks: state.checks }),
    ...(type.displayWidth === null ? {} : { displayWidth: type.displayWidth }),
    ...(state.charset === null ? {} : { charset: state.charset }),
  };
}

// ---------------------------------------------------------------------------------------------
// Keys and constraints

/** One key part: `col`, `col(n)`, with ASC (DESC and expressions are not built). */
function keyPart(c: Cursor): IndexColumn {
  if (isOp(c.peek(), '(')) throw notSupported('functional key parts');
  const name = c.name();
  let prefix: number | null = null;
  if (c.op('(')) {
    prefix = Number(c.integer());
    c.expectOp(')');
  }
  if (c.word('DESC')) throw notSupported('descending indexes');
  c.word('ASC');
  return { name, prefix };
}

function keyParts(c: Cursor): IndexColumn[] {
  c.expectOp('(');
  const parts: IndexColumn[] = [];
  do parts.push(keyPart(c));
  while (c.op(','));
  c.expectOp(')');
  return parts;
}

/** USING BTREE | HASH, KEY_BLOCK_SIZE, COMMENT, VISIBLE …: the comment, if any. */
function indexOptions(c: Cursor): { comment?: string } {
  let comment: string | undefined;
  for (;;) {
    if (c.word('USING', 'TYPE')) c.expectWord('BTREE', 'HASH', 'RTREE');
    else if (c.word('KEY_BLOCK_SIZE')) {
      c.optionalEquals();
      c.integer();
    } else if (c.word('COMMENT')) comment = c.string();
    else if (c.words('WITH', 'PARSER')) c.name();
    else if (c.word('VISIBLE')) continue;
    else if (c.word('INVISIBLE')) throw notSupported('INVISIBLE indexes');
    else if (c.word('ENGINE_ATTRIBUTE', 'SECONDARY_ENGINE_ATTRIBUTE')) {
      c.optionalEquals();
      c.string();
    } else return comment === undefined ? {} : { comment };
  }
}

/** An index name, unless the next token opens the key parts or is USING. */
function optionalIndexName(c: Cursor): string | null {
  if (isOp(c.peek(), '(') || isWord(c.peek(), 'USING', 'TYPE')) return null;
  return c.name();
}

const RULES: Readonly<Record<string, ForeignKeyRuleSpec>> = {
  RESTRICT: 'RESTRICT',
  CASCADE: 'CASCADE',
  SET_NULL: 'SET NULL',
  NO_ACTION: 'NO ACTION',
  SET_DEFAULT: 'SET DEFAULT',
};

function rule(c: Cursor): ForeignKeyRuleSpec {
  const first = c.expectWord('RESTRICT', 'CASCADE', 'SET', 'NO');
  if (first === 'SET') return RULES[`SET_${c.expectWord('NULL', 'DEFAULT')}`] as ForeignKeyRuleSpec;
  if (first === 'NO') {
    c.expectWord('ACTION');
    return 'NO ACTION';
  }
  return RULES[first] as ForeignKeyRuleSpec;
}

/** REFERENCES t (cols) [MATCH FULL | PARTIAL | SIMPLE] [ON DELETE r] [ON UPDATE r]. */
function references(
  c: Cursor,
): Pick<ForeignKeyDefinition, 'refTable' | 'refColumns' | 'onDelete' | 'onUpdate'> {
  const refTable = c.tableName();
  const refColumns = keyParts(c).map((p) => p.name);
  if (c.word('MATCH')) c.expectWord('FULL', 'PARTIAL', 'SIMPLE');
  let onDelete: ForeignKeyRuleSpec | null = null;
  let onUpdate: ForeignKeyRuleSpec | null = null;
  for (;;) {
    if (c.words('ON', 'DELETE')) onDelete = rule(c);
    else if (c.words('ON', 'UPDATE')) onUpdate = rule(c);
    else break;
  }
  return { refTable, refColumns, onDelete, onUpdate };
}

/** [CONSTRAINT [name]] CHECK (expr) [[NOT] ENFORCED]. */
function checkConstraint(c: Cursor): CheckDefinition {
  const position = c.at;
  let name: string | null = null;
  if (c.word('CONSTRAINT') && !isWord(c.peek(), 'CHECK')) name = c.name();
  c.expectWord('CHECK');
  const expr = c.parenthesizedExpr();
  let enforced = true;
  if (c.words('NOT', 'ENFORCED')) enforced = false;
  else c.word('ENFORCED');
  return { name, expr, enforced, position };
}

export type TableElement =
  | { readonly kind: 'column'; readonly column: ColumnDefinition }
  | { readonly kind: 'primary-key'; readonly columns: readonly string[] }
  | { readonly kind: 'index'; readonly index: IndexDefinition }
  | { readonly kind: 'foreign-key'; readonly foreignKey: ForeignKeyDefinition }
  | { readonly kind: 'check'; readonly check: CheckDefinition };

const CONSTRAINT_WORDS = ['PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK'];

/** A key or constraint element (CREATE TABLE's, or ALTER TABLE ADD's); null at a column. */
export function constraintElement(c: Cursor): TableElement | null {
  const start = c.at;
  let symbol: string | null = null;
  if (c.word('CONSTRAINT')) {
    if (!isWord(c.peek(), ...CONSTRAINT_WORDS)) symbol = c.name();
    if (!isWord(c.peek(), ...CONSTRAINT_WORDS)) c.error();
  }
  if (c.words('PRIMARY', 'KEY')) {
    if (isWord(c.peek(), 'USING')) indexOptions(c);
    const parts = keyParts(c);
    if (parts.some((p) => p.prefix !== null)) throw notSupported('prefix parts in the primary key');
    indexOptions(c);
    return { kind: 'primary-key', columns: parts.map((p) => p.name) };
  }
  if (c.word('UNIQUE')) {
    c.word('INDEX', 'KEY');
    const name = optionalIndexName(c) ?? symbol;
    indexOptions(c);
    const columns = keyParts(c);
    return { kind: 'index', index: { name, unique: true, columns, ...indexOptions(c) } };
  }
  if (c.words('FOREIGN', 'KEY')) {
    const indexName = isOp(c.peek(), '(') ? null : c.name();
    const columns = c.nameList();
    c.expectWord('REFERENCES');
    return {
      kind: 'foreign-key',
      foreignKey: { name: symbol, indexName, columns, ...references(c) },
    };
  }
  if (isWord(c.peek(), 'CHECK')) {
    c.at = start;
    return { kind: 'check', check: checkConstraint(c) };
  }
  if (symbol !== null || c.at !== start) c.error();
  if (c.word('INDEX', 'KEY')) {
    const name = optionalIndexName(c);
    indexOptions(c);
    const columns = keyParts(c);
    return { kind: 'index', index: { name, unique: false, columns, ...indexOptions(c) } };
  }
  if (c.word('FULLTEXT')) {
    c.word('INDEX', 'KEY');
    const name = optionalIndexName(c);
    const columns = keyParts(c);
    const options = indexOptions(c);
    return { kind: 'index', index: { name, unique: false, columns, fulltext: true, ...options } };
  }
  if (isWord(c.peek(), 'SPATIAL')) throw notSupported('SPATIAL indexes');
  return null;
}

/** One element of CREATE TABLE's parenthesized list. */
export function tableElement(c: Cursor): TableElement {
  const constraint = constraintElement(c);
  if (constraint !== null) return constraint;
  return { kind: 'column', column: columnDefinition(c) };
}

// ---------------------------------------------------------------------------------------------
// Table options

/** True at a word that starts a table option. */
function atTableOption(c: Cursor): boolean {
  return isWord(
    c.peek(),
    'ENGINE', 'TYPE', 'DEFAULT', 'CHARACTER', 'CHARSET', 'COLLATE', 'COMMENT', 'AUTO_INCREMENT',
    'ROW_FORMAT', 'STATS_PERSISTENT', 'STATS_AUTO_RECALC', 'STATS_SAMPLE_PAGES', 'KEY_BLOCK_SIZE',
    'MAX_ROWS', 'MIN_ROWS', 'AVG_ROW_LENGTH', 'PACK_KEYS', 'CHECKSUM', 'TABLE_CHECKSUM',
    'DELAY_KEY_WRITE', 'COMPRESSION', 'ENCRYPTION', 'TABLESPACE', 'INSERT_METHOD', 'DATA',
    'INDEX', 'CONNECTION', 'PASSWORD', 'AUTOEXTEND_SIZE', 'ENGINE_ATTRIBUTE',
    'SECONDARY_ENGINE', 'SECONDARY_ENGINE_ATTRIBUTE', 'UNION',
  );
}

/** An option's value: a name, a number or a string, as text. */
function optionValue(c: Cursor): string {
  c.optionalEquals();
  const token = c.peek();
  if (token === undefined || !['word', 'quoted-ident', 'string', 'number'].includes(token.kind)) {
    c.error();
  }
  c.at++;
  return token.value;
}

/** Table options (separated by spaces or commas) until something else. */
export function tableOptions(c: Cursor): TableOptionsSpec {
  const options: {
    -readonly [K in keyof TableOptionsSpec]: TableOptionsSpec[K];
  } = {};
  const createOptions: string[] = [];
  for (;;) {
    const before = c.at;
    if (c.done()) break;
    if (isOp(c.peek(), ',') && atTableOptionAfterComma(c)) c.at++;
    if (!atTableOption(c)) {
      c.at = before;
      break;
    }
    if (!tableOption(c, options, createOptions)) {
      c.at = before;
      break;
    }
  }
  if (createOptions.length > 0) options.createOptions = createOptions;
  return options;
}

function atTableOptionAfterComma(c: Cursor): boolean {
  c.at++;
  const yes = atTableOption(c);
  c.at--;
  return yes;
}

function tableOption(
  c: Cursor,
  options: { -readonly [K in keyof TableOptionsSpec]: TableOptionsSpec[K] },
  createOptions: string[],
): boolean {
  const start = c.at;
  c.word('DEFAULT');
  if (c.word('ENGINE', 'TYPE')) options.engine = optionValue(c);
  else if (atCharset(c)) options.charset = charsetName(c);
  else if (c.word('COLLATE')) {
    c.optionalEquals();
    options.collation = c.name(true);
  } else if (c.at !== start) {
    c.at = start;
    return false;
  } else if (c.word('COMMENT')) {
    c.optionalEquals();
    options.comment = c.string();
  } else if (c.word('AUTO_INCREMENT')) {
    c.optionalEquals();
    options.autoIncrement = c.integer();
  } else if (c.word('ROW_FORMAT')) options.rowFormat = optionValue(c).toUpperCase();
  else if (c.word('UNION')) {
    c.optionalEquals();
    c.nameList();
  } else if (c.words('DATA', 'DIRECTORY') || c.words('INDEX', 'DIRECTORY')) {
    c.optionalEquals();
    c.string();
  } else if (c.word('TABLESPACE')) {
    c.name();
    if (c.word('STORAGE')) c.expectWord('DISK', 'MEMORY', 'DEFAULT');
  } else {
    const name = (c.peek()?.value ?? '').toLowerCase();
    c.at++;
    const value = optionValue(c);
    createOptions.push(`${name}=${value.toUpperCase() === value ? value : value}`);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// ALTER TABLE actions

function position(c: Cursor): ColumnPosition | null {
  if (c.word('FIRST')) return { kind: 'first' };
  if (c.word('AFTER')) return { kind: 'after', column: c.name() };
  return null;
}

function elementAction(element: TableElement, at: ColumnPosition | null): AlterAction {
  switch (element.kind) {
    case 'column':
      return { kind: 'add-column', column: element.column, position: at };
    case 'primary-key':
      return { kind: 'add-primary-key', columns: element.columns };
    case 'index':
      return { kind: 'add-index', index: element.index };
    case 'foreign-key':
      return { kind: 'add-foreign-key', foreignKey: element.foreignKey };
    case 'check':
      return { kind: 'add-check', check: element.check };
  }
}

function addAction(c: Cursor, out: AlterAction[]): void {
  if (c.word('COLUMN') || !atConstraintStart(c)) {
    if (c.op('(')) {
      do out.push({ kind: 'add-column', column: columnDefinition(c), position: null });
      while (c.op(','));
      c.expectOp(')');
      return;
    }
    const column = columnDefinition(c);
    out.push({ kind: 'add-column', column, position: position(c) });
    return;
  }
  const element = constraintElement(c);
  if (element === null) c.error();
  out.push(elementAction(element, null));
}

function atConstraintStart(c: Cursor): boolean {
  return isWord(
    c.peek(),
    'CONSTRAINT', 'PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK', 'INDEX', 'KEY', 'FULLTEXT', 'SPATIAL',
  );
}

function dropAction(c: Cursor): AlterAction {
  if (c.words('PRIMARY', 'KEY')) return { kind: 'drop-primary-key' };
  if (c.word('INDEX', 'KEY')) return { kind: 'drop-index', name: c.name() };
  if (c.words('FOREIGN', 'KEY')) return { kind: 'drop-foreign-key', name: c.name() };
  if (c.word('CHECK')) return { kind: 'drop-check', name: c.name() };
  if (c.word('CONSTRAINT')) return { kind: 'drop-constraint', name: c.name() };
  c.word('COLUMN');
  return { kind: 'drop-column', name: c.name() };
}

function alterAction(c: Cursor): AlterAction {
  if (c.word('INDEX')) {
    c.name();
    if (c.word('INVISIBLE')) throw notSupported('INVISIBLE indexes');
    c.expectWord('VISIBLE');
    return { kind: 'no-op' };
  }
  if (c.word('CHECK', 'CONSTRAINT')) {
    const name = c.name();
    const enforced = !c.word('NOT');
    c.expectWord('ENFORCED');
    return { kind: 'alter-check', name, enforced };
  }
  c.word('COLUMN');
  const name = c.name();
  if (c.words('DROP', 'DEFAULT'))
    return { kind: 'column-default', name, default: null, expression: false };
  if (c.words('SET', 'DEFAULT')) {
    const clause = defaultClause(c);
    if (clause.kind === 'now') throw notSupported('SET DEFAULT CURRENT_TIMESTAMP');
    return {
      kind: 'column-default',
      name,
      default: clause.expr,
      expression: clause.kind === 'expression',
    };
  }
  if (c.words('SET', 'VISIBLE')) return { kind: 'no-op' };
  if (c.words('SET', 'INVISIBLE')) throw notSupported('INVISIBLE columns');
  return c.error();
}

function renameAction(c: Cursor): AlterAction {
  if (c.word('COLUMN')) {
    const from = c.name();
    c.expectWord('TO');
    return { kind: 'rename-column', from, to: c.name() };
  }
  if (c.word('INDEX', 'KEY')) {
    const from = c.name();
    c.expectWord('TO');
    return { kind: 'rename-index', from, to: c.name() };
  }
  c.word('TO', 'AS');
  return { kind: 'rename-table', to: c.tableName() };
}

/** One comma-separated ALTER TABLE specification (some add several actions). */
function alterSpecification(c: Cursor, out: AlterAction[]): void {
  if (c.word('ADD')) return addAction(c, out);
  if (c.word('DROP')) return void out.push(dropAction(c));
  if (c.word('MODIFY')) {
    c.word('COLUMN');
    const column = columnDefinition(c);
    return void out.push({
      kind: 'change-column',
      from: column.name,
      column,
      position: position(c),
    });
  }
  if (c.word('CHANGE')) {
    c.word('COLUMN');
    const from = c.name();
    const column = columnDefinition(c);
    return void out.push({ kind: 'change-column', from, column, position: position(c) });
  }
  if (c.word('ALTER')) return void out.push(alterAction(c));
  if (c.word('RENAME')) return void out.push(renameAction(c));
  if (c.words('DISABLE', 'KEYS') || c.words('ENABLE', 'KEYS'))
    return void out.push({ kind: 'keys' });
  if (c.word('FORCE')) return void out.push({ kind: 'no-op' });
  if (c.word('ALGORITHM', 'LOCK')) {
    c.optionalEquals();
    c.name();
    return void out.push({ kind: 'no-op' });
  }
  if (c.word('WITH', 'WITHOUT')) {
    c.expectWord('VALIDATION');
    return void out.push({ kind: 'no-op' });
  }
  if (c.words('CONVERT', 'TO')) {
    const charset = charsetName(c);
    const collation = c.word('COLLATE') ? c.name(true) : null;
    return void out.push({ kind: 'convert-charset', charset, collation });
  }
  if (c.words('ORDER', 'BY')) throw notSupported('ALTER TABLE ... ORDER BY');
  if (isWord(c.peek(), 'PARTITION', 'REMOVE', 'DISCARD', 'IMPORT', 'COALESCE', 'REORGANIZE')) {
    throw notSupported('partitioning and tablespaces');
  }
  if (atTableOption(c)) return void out.push({ kind: 'options', options: tableOptions(c) });
  c.error();
}

/** ALTER TABLE's list of specifications (possibly empty). */
export function alterActions(c: Cursor): AlterAction[] {
  const actions: AlterAction[] = [];
  if (c.done()) return actions;
  do alterSpecification(c, actions);
  while (c.op(','));
  if (isWord(c.peek(), 'PARTITION')) throw notSupported('partitioning');
  c.end();
  return actions;
}
