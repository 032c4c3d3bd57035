/**
 * The token parser for schema statements (issue 6, part c), called by parse.ts before
 * node-sql-parser, which cannot read much of what mysqldump and the ORMs send:
 *
 *   CREATE [TEMPORARY] TABLE [IF NOT EXISTS] t {(…) [options] [[IGNORE|REPLACE] [AS] SELECT …]
 *                                              | [(] LIKE s [)] | options SELECT …}
 *   CREATE {DATABASE | SCHEMA} [IF NOT EXISTS] d [[DEFAULT] CHARACTER SET … | COLLATE …]
 *   CREATE [OR REPLACE] [ALGORITHM = a] [DEFINER = u] [SQL SECURITY s] VIEW v [(cols)] AS SELECT …
 *          [WITH [CASCADED | LOCAL] CHECK OPTION]          ALTER … VIEW (the same)
 *   ALTER TABLE t spec, …       ALTER {DATABASE | SCHEMA} [d] options
 *   DROP [TEMPORARY] TABLE | VIEW [IF EXISTS] a, b       DROP {DATABASE | SCHEMA} [IF EXISTS] d
 *   DROP {PROCEDURE | FUNCTION | TRIGGER | EVENT} [IF EXISTS] n
 *   RENAME {TABLE | TABLES} a TO b, c TO d               TRUNCATE [TABLE] t
 *   LOCK {TABLES | TABLE} t [[AS] a] {READ [LOCAL] | [LOW_PRIORITY] WRITE}, …   UNLOCK TABLES
 *   CREATE [DEFINER = u] {TRIGGER | PROCEDURE | FUNCTION | EVENT} …  → ER_NOT_SUPPORTED_YET
 *
 * Anything else (CREATE INDEX, DROP INDEX, …) returns undefined for the other parsers.
 */
import type {
  AccountName,
  CheckDefinition,
  ColumnDefinition,
  CreateTable,
  ForeignKeyDefinition,
  IndexDefinition,
  LockMode,
  Statement,
  TableName,
} from './ast.js';
import { Cursor, type ParseContext, definerClause, isOp, isWord } from './parse-cursor.js';
import { alterActions, tableElement, tableOptions } from './parse-ddl-table.js';
import { notSupported } from './parse.js';

export function matchDdlStatement(ctx: ParseContext): Statement | undefined {
  const c = new Cursor(ctx);
  if (c.word('CREATE')) return create(c);
  if (c.word('ALTER')) return alter(c);
  if (c.word('DROP')) return drop(c);
  if (c.word('RENAME')) {
    if (!c.word('TABLE', 'TABLES')) return undefined;
    return renameTables(c);
  }
  if (c.word('TRUNCATE')) {
    c.word('TABLE');
    const table = c.tableName();
    c.end();
    return { kind: 'truncate-table', table };
  }
  if (c.word('LOCK')) {
    if (c.word('INSTANCE')) throw notSupported('LOCK INSTANCE FOR BACKUP');
    c.expectWord('TABLES', 'TABLE');
    return lockTables(c);
  }
  if (c.word('UNLOCK')) {
    if (c.word('INSTANCE')) throw notSupported('UNLOCK INSTANCE');
    c.expectWord('TABLES', 'TABLE');
    c.end();
    return { kind: 'unlock-tables' };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// CREATE

function create(c: Cursor): Statement | undefined {
  const orReplace = c.words('OR', 'REPLACE');
  let algorithm: 'UNDEFINED' | 'MERGE' | 'TEMPTABLE' | null = null;
  let who: AccountName | null = null;
  let security: 'DEFINER' | 'INVOKER' | null = null;
  for (;;) {
    if (c.word('ALGORITHM')) {
      c.optionalEquals();
      algorithm = c.oneOf('UNDEFINED', 'MERGE', 'TEMPTABLE') ?? c.error();
    } else if (c.word('DEFINER')) who = definerClause(c);
    else if (c.words('SQL', 'SECURITY')) {
      security = c.oneOf('DEFINER', 'INVOKER') ?? c.error();
    } else break;
  }
  if (c.word('VIEW'))
    return createView(c, { orReplace, alter: false, algorithm, definer: who, security });
  if (isWord(c.peek(), 'TRIGGER', 'PROCEDURE', 'FUNCTION', 'EVENT', 'AGGREGATE')) {
    throw notSupported(`CREATE ${(c.peek()?.value ?? '').toUpperCase()}`);
  }
  if (orReplace || algorithm !== null || who !== null || security !== null) c.error();
  if (c.word('DATABASE', 'SCHEMA')) return createDatabase(c);
  const temporary = c.word('TEMPORARY');
  if (!c.word('TABLE')) {
    if (temporary) c.error();
    return undefined;
  }
  if (temporary) throw notSupported('CREATE TEMPORARY TABLE');
  return createTable(c);
}

function createDatabase(c: Cursor): Statement {
  const ifNotExists = c.words('IF', 'NOT', 'EXISTS');
  const name = c.name();
  const { charset, collation } = databaseOptions(c);
  c.end();
  return {
    kind: 'create-database',
    name,
    ifNotExists,
    ...(charset === null ? {} : { charset }),
    ...(collation === null ? {} : { collation }),
  };
}

function databaseOptions(c: Cursor): { charset: string | null; collation: string | null } {
  let charset: string | null = null;
  let collation: string | null = null;
  for (;;) {
    const start = c.at;
    c.word('DEFAULT');
    if (c.word('CHARSET') || c.words('CHARACTER', 'SET')) {
      c.optionalEquals();
      charset = c.name(true);
    } else if (c.word('COLLATE')) {
      c.optionalEquals();
      collation = c.name(true);
    } else if (c.word('ENCRYPTION')) {
      c.optionalEquals();
      if (c.string().toUpperCase() !== 'N') throw notSupported('database encryption');
    } else if (c.words('READ', 'ONLY')) {
      throw notSupported('READ ONLY databases');
    } else {
      c.at = start;
      return { charset, collation };
    }
  }
}

/** The query of CREATE TABLE … [IGNORE | REPLACE] [AS] SELECT, if one follows. */
function tableQuery(c: Cursor): CreateTable['select'] | undefined {
  if (c.done()) return undefined;
  const duplicates = c.word('IGNORE') ? 'ignore' : c.word('REPLACE') ? 'replace' : 'error';
  c.word('AS');
  if (!isWord(c.peek(), 'SELECT', 'WITH', 'TABLE', 'VALUES') && !isOp(c.peek(), '(')) c.error();
  return { query: c.ctx.query(c.at), duplicates };
}

function createTable(c: Cursor): CreateTable {
  const ifNotExists = c.words('IF', 'NOT', 'EXISTS');
  const table = c.tableName();
  const base = { kind: 'create-table' as const, table, ifNotExists };
  if (c.word('LIKE')) {
    const like = c.tableName();
    c.end();
    return { ...base, columns: [], primaryKeys: [], collation: null, like };
  }
  if (isOp(c.peek(), '(') && isWord(c.peek(1), 'LIKE')) {
    c.at += 2;
    const like = c.tableName();
    c.expectOp(')');
    c.end();
    return { ...base, columns: [], primaryKeys: [], collation: null, like };
  }
  const columns: ColumnDefinition[] = [];
  const primaryKeys: string[][] = [];
  const indexes: IndexDefinition[] = [];
  const foreignKeys: ForeignKeyDefinition[] = [];
  const checks: CheckDefinition[] = [];
  if (isOp(c.peek(), '(') && !isWord(c.peek(1), 'SELECT', 'WITH', 'TABLE', 'VALUES')) {
    c.at++;
    do {
      const element = tableElement(c);
      switch (element.kind) {
        case 'column':
          columns.push(element.column);
          break;
        case 'primary-key':
          primaryKeys.push([...element.columns]);
          break;
        case 'index':
          indexes.push(element.index);
          break;
        case 'foreign-key':
          foreignKeys.push(element.foreignKey);
          break;
        case 'check':
          checks.push(element.check);
          break;
      }
    } while (c.op(','));
    c.expectOp(')');
  }
  const options = tableOptions(c);
  if (isWord(c.peek(), 'PARTITION')) throw notSupported('partitioning');
  const select = tableQuery(c);
  return {
    ...base,
    columns,
    primaryKeys,
    collation: options.collation ?? null,
    ...(indexes.length > 0 ? { indexes } : {}),
    ...(options.autoIncrement === undefined ? {} : { autoIncrementStart: options.autoIncrement }),
    ...(foreignKeys.length > 0 ? { foreignKeys } : {}),
    ...(checks.length > 0 ? { checks } : {}),
    ...(Object.keys(options).length > 0 ? { options } : {}),
    ...(select === undefined ? {} : { select }),
  };
}

interface ViewHead {
  readonly orReplace: boolean;
  readonly alter: boolean;
  readonly algorithm: 'UNDEFINED' | 'MERGE' | 'TEMPTABLE' | null;
  readonly definer: AccountName | null;
  readonly security: 'DEFINER' | 'INVOKER' | null;
}

/** Where a trailing WITH [CASCADED | LOCAL] CHECK OPTION starts, and its kind. */
function checkOption(c: Cursor): { at: number; option: 'CASCADED' | 'LOCAL' | null } {
  const n = c.tokens.length;
  if (n >= 3 && isWord(c.tokens[n - 1], 'OPTION') && isWord(c.tokens[n - 2], 'CHECK')) {
    const which = c.tokens[n - 3];
    if (isWord(which, 'WITH')) return { at: n - 3, option: 'CASCADED' };
    if (isWord(which, 'CASCADED', 'LOCAL') && isWord(c.tokens[n - 4], 'WITH')) {
      return { at: n - 4, option: which?.value.toUpperCase() === 'LOCAL' ? 'LOCAL' : 'CASCADED' };
    }
  }
  return { at: n, option: null };
}

function createView(c: Cursor, head: ViewHead): Statement {
  const name = c.tableName();
  const columns = isOp(c.peek(), '(') ? c.nameList() : null;
  c.expectWord('AS');
  const start = c.at;
  if (!isWord(c.peek(), 'SELECT', 'WITH', 'TABLE', 'VALUES') && !isOp(c.peek(), '(')) c.error();
  const { at: end, option } = checkOption(c);
  const text = c.text(start, end);
  const query = c.ctx.query(start, end);
  return { kind: 'create-view', ...head, name, columns, text, query, checkOption: option };
}

// ---------------------------------------------------------------------------------------------
// ALTER, DROP, RENAME, LOCK

function alter(c: Cursor): Statement | undefined {
  if (c.word('TABLE')) {
    const table = c.tableName();
    return { kind: 'alter-table', table, actions: alterActions(c) };
  }
  if (c.word('DATABASE', 'SCHEMA')) {
    const name = isWord(c.peek(), 'DEFAULT', 'CHARACTER', 'CHARSET', 'COLLATE', 'ENCRYPTION')
      ? null
      : c.name();
    const { charset, collation } = databaseOptions(c);
    c.end();
    return { kind: 'alter-database', name, charset, collation };
  }
  let algorithm: 'UNDEFINED' | 'MERGE' | 'TEMPTABLE' | null = null;
  let who: AccountName | null = null;
  let security: 'DEFINER' | 'INVOKER' | null = null;
  const start = c.at;
  for (;;) {
    if (c.word('ALGORITHM')) {
      c.optionalEquals();
      algorithm = c.oneOf('UNDEFINED', 'MERGE', 'TEMPTABLE') ?? c.error();
    } else if (c.word('DEFINER')) who = definerClause(c);
    else if (c.words('SQL', 'SECURITY')) security = c.oneOf('DEFINER', 'INVOKER') ?? c.error();
    else break;
  }
  if (c.word('VIEW')) {
    return createView(c, { orReplace: true, alter: true, algorithm, definer: who, security });
  }
  c.at = start;
  return undefined;
}

function tableList(c: Cursor): TableName[] {
  const names: TableName[] = [];
  do names.push(c.tableName());
  while (c.op(','));
  return names;
}

function drop(c: Cursor): Statement | undefined {
  if (c.word('DATABASE', 'SCHEMA')) {
    const ifExists = c.words('IF', 'EXISTS');
    const name = c.name();
    c.end();
    return { kind: 'drop-database', name, ifExists };
  }
  const temporary = c.word('TEMPORARY');
  if (c.word('TABLE', 'TABLES')) {
    const ifExists = c.words('IF', 'EXISTS');
    const tables = tableList(c);
    c.word('RESTRICT', 'CASCADE');
    c.end();
    if (temporary) throw notSupported('DROP TEMPORARY TABLE');
    return { kind: 'drop-table', tables, ifExists };
  }
  if (temporary) c.error();
  if (c.word('VIEW')) {
    const ifExists = c.words('IF', 'EXISTS');
    const views = tableList(c);
    c.word('RESTRICT', 'CASCADE');
    c.end();
    return { kind: 'drop-view', views, ifExists };
  }
  const routine = c.oneOf('PROCEDURE', 'FUNCTION', 'TRIGGER', 'EVENT');
  if (routine !== null) {
    const ifExists = c.words('IF', 'EXISTS');
    const name = c.tableName();
    c.end();
    return { kind: 'drop-routine', routine, name, ifExists };
  }
  return undefined;
}

function renameTables(c: Cursor): Statement {
  const renames: { from: TableName; to: TableName }[] = [];
  do {
    const from = c.tableName();
    c.expectWord('TO');
    renames.push({ from, to: c.tableName() });
  } while (c.op(','));
  c.end();
  return { kind: 'rename-table', renames };
}

function lockTables(c: Cursor): Statement {
  const locks: { table: TableName; alias: string | null; mode: LockMode }[] = [];
  do {
    const table = c.tableName();
    let alias: string | null = null;
    if (c.word('AS')) alias = c.name();
    else if (c.atName() && !isWord(c.peek(), 'READ', 'WRITE', 'LOW_PRIORITY')) alias = c.name();
    let mode: LockMode;
    if (c.word('READ')) mode = c.word('LOCAL') ? 'READ LOCAL' : 'READ';
    else if (c.word('LOW_PRIORITY')) {
      c.expectWord('WRITE');
      mode = 'LOW_PRIORITY WRITE';
    } else {
      c.expectWord('WRITE');
      mode = 'WRITE';
    }
    locks.push({ table, alias, mode });
  } while (c.op(','));
  c.end();
  return { kind: 'lock-tables', locks };
}
