/**
 * The token parser for the SHOW statements that describe schema objects, and DESCRIBE:
 *
 *   SHOW [FULL] {COLUMNS | FIELDS} {FROM | IN} t [{FROM | IN} d] [LIKE 'p' | WHERE e]
 *   SHOW [EXTENDED] {INDEX | INDEXES | KEYS} {FROM | IN} t [{FROM | IN} d] [WHERE e]
 *   SHOW CREATE {TABLE | VIEW} t      SHOW CREATE {DATABASE | SCHEMA} [IF NOT EXISTS] d
 *   SHOW CREATE {PROCEDURE | FUNCTION | TRIGGER | EVENT} n
 *   SHOW [FULL] TABLES [{FROM | IN} d] [LIKE | WHERE]     SHOW {DATABASES | SCHEMAS} [LIKE | WHERE]
 *   SHOW TABLE STATUS [{FROM | IN} d] [LIKE | WHERE]      SHOW [STORAGE] ENGINES
 *   SHOW {CHARACTER SET | CHARSET} [LIKE | WHERE]         SHOW COLLATION [LIKE | WHERE]
 *   SHOW {TRIGGERS | EVENTS} [{FROM | IN} d] [LIKE | WHERE]
 *   SHOW {PROCEDURE | FUNCTION} STATUS [LIKE | WHERE]
 *   {DESCRIBE | DESC | EXPLAIN} t [column | 'pattern']
 *
 * Anything else returns undefined for the other parsers.
 */
import type { Expr, ShowFilter, Statement, TableName } from './ast.js';
import { Cursor, type ParseContext, isOp, isWord } from './parse-cursor.js';

/** [LIKE 'pattern' | WHERE expr] ending the statement. */
function filter(c: Cursor, where = true): ShowFilter {
  if (c.done()) return { like: null, where: null };
  if (c.word('LIKE')) {
    const like = c.string();
    c.end();
    return { like, where: null };
  }
  if (where && c.word('WHERE')) {
    if (c.done()) c.error();
    const expr: Expr = c.exprAt(c.at, c.tokens.length);
    c.at = c.tokens.length;
    return { like: null, where: expr };
  }
  return c.error();
}

/** [{FROM | IN} db] */
function fromDatabase(c: Cursor): string | null {
  return c.word('FROM', 'IN') ? c.name() : null;
}

/** {FROM | IN} t [{FROM | IN} db] */
function fromTable(c: Cursor): TableName {
  c.expectWord('FROM', 'IN');
  const table = c.tableName();
  const database = fromDatabase(c);
  return database === null ? table : { database, name: table.name };
}

export function matchShowStatement(ctx: ParseContext): Statement | undefined {
  const c = new Cursor(ctx);
  if (c.word('DESCRIBE', 'DESC', 'EXPLAIN')) return describe(c);
  if (!c.word('SHOW')) return undefined;
  const full = c.word('FULL');
  if (c.word('COLUMNS', 'FIELDS')) {
    const table = fromTable(c);
    return { kind: 'show-columns', table, full, filter: filter(c) };
  }
  if (c.word('TABLES')) {
    const database = fromDatabase(c);
    const { like, where } = filter(c);
    return {
      kind: 'show-tables',
      database,
      like,
      ...(full ? { full } : {}),
      ...(where === null ? {} : { where }),
    };
  }
  if (full) return c.at === 2 ? undefined : c.error();
  if (c.word('EXTENDED')) {
    if (!isWord(c.peek(), 'INDEX', 'INDEXES', 'KEYS')) c.error();
  }
  if (c.word('INDEX', 'INDEXES', 'KEYS')) {
    const table = fromTable(c);
    return { kind: 'show-index', table, filter: filter(c) };
  }
  if (c.word('CREATE')) return showCreate(c);
  if (c.word('DATABASES', 'SCHEMAS')) {
    const { like, where } = filter(c);
    return { kind: 'show-databases', like, ...(where === null ? {} : { where }) };
  }
  if (c.words('TABLE', 'STATUS')) {
    const database = fromDatabase(c);
    return { kind: 'show-table-status', database, filter: filter(c) };
  }
  if (c.word('ENGINES') || c.words('STORAGE', 'ENGINES')) {
    c.end();
    return { kind: 'show-engines' };
  }
  if (c.word('CHARSET') || c.words('CHARACTER', 'SET'))
    return { kind: 'show-charset', filter: filter(c) };
  if (c.word('COLLATION')) return { kind: 'show-collation', filter: filter(c) };
  const listing = c.oneOf('TRIGGERS', 'EVENTS');
  if (listing !== null) {
    const database = fromDatabase(c);
    const which = listing === 'TRIGGERS' ? 'triggers' : 'events';
    return { kind: 'show-routines', which, database, filter: filter(c) };
  }
  const routine = c.oneOf('PROCEDURE', 'FUNCTION');
  if (routine !== null && c.word('STATUS')) {
    const which = routine === 'PROCEDURE' ? 'procedure status' : 'function status';
    return { kind: 'show-routines', which, database: null, filter: filter(c) };
  }
  return undefined;
}

function showCreate(c: Cursor): Statement {
  if (c.word('TABLE')) {
    const table = c.tableName();
    c.end();
    return { kind: 'show-create-table', table, view: false };
  }
  if (c.word('VIEW')) {
    const table = c.tableName();
    c.end();
    return { kind: 'show-create-table', table, view: true };
  }
  if (c.word('DATABASE', 'SCHEMA')) {
    const ifNotExists = c.words('IF', 'NOT', 'EXISTS');
    const name = c.name();
    c.end();
    return { kind: 'show-create-database', name, ifNotExists };
  }
  const routine = c.oneOf('PROCEDURE', 'FUNCTION', 'TRIGGER', 'EVENT');
  if (routine === null) return c.error();
  const name = c.tableName();
  c.end();
  return { kind: 'show-create-routine', routine, name };
}

/** DESCRIBE t [column | 'pattern']; undefined when it is EXPLAIN of a statement. */
function describe(c: Cursor): Statement | undefined {
  if (!c.atName() || isWord(c.peek(), 'FORMAT', 'ANALYZE', 'EXTENDED', 'PARTITIONS')) {
    return undefined;
  }
  if (isWord(c.peek(), 'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'WITH', 'TABLE')) {
    return undefined;
  }
  if (isOp(c.peek(), '(')) return undefined;
  const table = c.tableName();
  let like: string | null = null;
  if (!c.done()) {
    const token = c.peek();
    like = token?.kind === 'string' ? c.string() : c.name();
  }
  c.end();
  return { kind: 'show-columns', table, full: false, filter: { like, where: null } };
}
