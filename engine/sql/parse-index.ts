/**
 * Reading index definitions out of node-sql-parser's AST for parse.ts (CREATE TABLE's INDEX, KEY
 * and UNIQUE clauses, CREATE [UNIQUE] INDEX … ON, DROP INDEX … ON), and EXPLAIN's prefix from the
 * tokens:
 *
 *   EXPLAIN | DESCRIBE | DESC  [FORMAT = TRADITIONAL]  {SELECT | INSERT | UPDATE | DELETE | …}
 *
 * What is not built answers ER_NOT_SUPPORTED_YET: descending index columns, FULLTEXT and SPATIAL
 * indexes, functional key parts, other EXPLAIN formats.
 */
import type { IndexColumn, IndexDefinition, Statement, TableName } from './ast.js';
import type { Token } from './lexer.js';
import { notSupported } from './parse.js';

type Obj = Readonly<Record<string, unknown>>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function obj(x: unknown, what: string): Obj {
  if (!isObj(x)) throw notSupported(what);
  return x;
}

function list(x: unknown): readonly unknown[] {
  return Array.isArray(x) ? x : [];
}

function text(x: unknown): string | null {
  return typeof x === 'string' ? x : null;
}

function nameOf(x: unknown, what: string): string {
  if (typeof x === 'string') return x.replace(/``/g, '`');
  if (isObj(x) && isObj(x.expr)) return nameOf(x.expr.value, what);
  if (isObj(x) && typeof x.value === 'string') return nameOf(x.value, what);
  if (isObj(x) && typeof x.column === 'string') return nameOf(x.column, what);
  throw notSupported(what);
}

/** One key part: a column reference, `col(n)` (a suffix, or a call in CREATE INDEX). */
function indexColumn(x: unknown): IndexColumn {
  const node = obj(x, 'index column');
  if (text(node.order_by)?.toUpperCase() === 'DESC') throw notSupported('descending indexes');
  if (node.type === 'column_ref') {
    const suffix = text(node.suffix);
    const match = suffix === null ? null : /^\((\d+)\)$/.exec(suffix.replace(/\s+/g, ''));
    if (suffix !== null && match === null) throw notSupported('index column options');
    const prefix = match === null ? null : Number(match[1]);
    return { name: nameOf(node.column, 'index column'), prefix };
  }
  if (node.type === 'function' && isObj(node.name) && isObj(node.args)) {
    const names = list(node.name.name);
    const args = list(node.args.value);
    const arg = args[0];
    if (names.length === 1 && args.length === 1 && isObj(arg) && typeof arg.value === 'number') {
      return { name: nameOf(names[0], 'index column'), prefix: arg.value };
    }
  }
  throw notSupported('functional key parts');
}

/** A CREATE TABLE element that is an index: resource 'index', or a UNIQUE constraint. */
export function tableIndexDefinition(definition: Obj): IndexDefinition {
  const keyword = (text(definition.keyword) ?? '').toLowerCase();
  if (keyword.includes('fulltext')) throw notSupported('FULLTEXT indexes');
  if (keyword.includes('spatial')) throw notSupported('SPATIAL indexes');
  const type = (text(definition.constraint_type) ?? '').toLowerCase();
  const unique = type.startsWith('unique');
  const name = text(definition.index) ?? text(definition.constraint);
  return {
    name: name === null ? null : nameOf(name, 'index name'),
    unique,
    columns: list(definition.definition).map(indexColumn),
  };
}

/** CREATE [UNIQUE] INDEX name ON table (columns). */
export function createIndexStatement(
  node: Obj,
  table: (x: unknown) => TableName,
): Statement {
  const type = (text(node.index_type) ?? '').toLowerCase();
  if (type === 'fulltext' || type === 'spatial') {
    throw notSupported(`${type.toUpperCase()} indexes`);
  }
  if (text(node.index) === null) throw notSupported('CREATE INDEX without a name');
  return {
    kind: 'create-index',
    table: table(node.table),
    index: {
      name: nameOf(node.index, 'index name'),
      unique: type === 'unique',
      columns: list(node.index_columns).map(indexColumn),
    },
  };
}

/** DROP INDEX name ON table. */
export function dropIndexStatement(node: Obj, table: (x: unknown) => TableName): Statement {
  return { kind: 'drop-index', table: table(node.table), name: nameOf(node.name, 'index name') };
}

const EXPLAINABLE = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'WITH', 'TABLE']);

function isWord(token: Token | undefined, ...words: string[]): boolean {
  return token !== undefined && token.kind === 'word' && words.includes(token.value.toUpperCase());
}

/**
 * Where the explained statement starts in the text, when the tokens are EXPLAIN of a statement;
 * null for anything else (EXPLAIN t, DESCRIBE t: SHOW COLUMNS, not built here).
 */
export function explainedStart(tokens: readonly Token[]): number | null {
  if (!isWord(tokens[0], 'EXPLAIN', 'DESCRIBE', 'DESC')) return null;
  let at = 1;
  if (isWord(tokens[at], 'FORMAT')) {
    const format = tokens[at + 2];
    if (tokens[at + 1]?.value !== '=' || format === undefined) return null;
    if (!isWord(format, 'TRADITIONAL', 'TREE'))
      throw notSupported(`EXPLAIN FORMAT=${format.value}`);
    at += 3;
  }
  if (isWord(tokens[at], 'ANALYZE', 'EXTENDED', 'PARTITIONS')) {
    throw notSupported('EXPLAIN options');
  }
  const first = tokens[at];
  if (first === undefined || first.kind !== 'word' || !EXPLAINABLE.has(first.value.toUpperCase())) {
    return null;
  }
  return first.start;
}

/** The table option AUTO_INCREMENT = n, when given. */
export function autoIncrementOption(options: readonly unknown[]): { autoIncrementStart?: bigint } {
  for (const o of options) {
    if (!isObj(o) || (text(o.keyword) ?? '').toLowerCase() !== 'auto_increment') continue;
    const value = o.value;
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
      return { autoIncrementStart: BigInt(value) };
    }
    if (typeof value === 'string' && /^\d+$/.test(value)) {
      return { autoIncrementStart: BigInt(value) };
    }
    throw notSupported('AUTO_INCREMENT table option value');
  }
  return {};
}
