/**
 * parse(sql) → Statement: the only importer of node-sql-parser (MySQL dialect).
 *
 * The text goes through lexer.ts first (MySQL's comment, literal and operator rules settled, every
 * literal carried exactly), then either a small token matcher for the statements node-sql-parser
 * cannot read (SHOW DATABASES, SHOW TABLES [FROM db] [LIKE …], USE db), or node-sql-parser, whose
 * loose AST is narrowed from `unknown` into ast.ts here and nowhere else.
 *
 * Errors, as MySQL gives them:
 *   - text that does not parse → ER_PARSE_ERROR (1064) "… near '<text from the failure, 80
 *     characters>' at line N";
 *   - a statement we read but do not run yet → ER_NOT_SUPPORTED_YET (1235) naming it, never a
 *     different statement or a wrong result;
 *   - only whitespace and comments → ER_EMPTY_QUERY (1065).
 *
 * node-sql-parser costs ~140 µs a statement, so parsed statements are cached by text (an LRU of
 * PARSE_CACHE_ENTRIES). Statements are immutable, so a cached one may be shared by sessions.
 */
import sqlParser from 'node-sql-parser/build/mysql.js';
import { PARSE_CACHE_ENTRIES, PARSE_CACHE_TEXT_CHARS_MAX, STATEMENT_BYTES_MAX } from '../config.js';
import { SqlError } from '../errors.js';
import type {
  BinaryOp,
  ColumnDefinition,
  CreateTable,
  Expr,
  IndexDefinition,
  IndexHint,
  Limit,
  Literal,
  OrderItem,
  QueryExpr,
  SelectLock,
  Statement,
  TableName,
  TableRef,
  TypeSpec,
} from './ast.js';
import { type Lexed, type Token, decodeStringBody, lex, literalReference } from './lexer.js';
import { matchAdminStatement } from './parse-admin.js';
import {
  autoIncrementOption,
  createIndexStatement,
  dropIndexStatement,
  explainedStart,
  tableIndexDefinition,
} from './parse-index.js';
import { textToBytes } from './bytes.js';
import {
  castExpr,
  caseExpr,
  intervalParts,
  isInterval,
  operatorCall,
  specialCall,
  temporalLiteral,
} from './parse-expr.js';
import { lockingClause, matchTxnStatement } from './parse-txn.js';
import { DerivedAliasError, QueryConverter } from './parse-query.js';
import { matchAnalyze } from './analyze.js';
import { matchCheckTable } from './check-table.js';
import { type QueryText, QueryTextSyntaxError, analyzeQueryText } from './query-text.js';
import { typeSpecOf } from './type-spec.js';
import type { ParseContext } from './parse-cursor.js';
import { matchDdlStatement } from './parse-ddl.js';
import { matchShowStatement } from './parse-show.js';
import { matchInsertStatement } from './parse-insert.js';
import { matchMultiTableStatement } from './parse-dml.js';
import { matchLoadStatement } from './parse-load.js';
import { compoundEnd, matchRoutineStatement } from './parse-routine.js';

const parser = new sqlParser.Parser();

// ---------------------------------------------------------------------------------------------
// The cache

/** A parsed statement with its `?` placeholders (numbered 0 … paramCount-1 in text order). */
export interface ParsedStatement {
  readonly statement: Statement;
  readonly paramCount: number;
  /** Offset of the first `?` in the text (for 1064 when a text statement has one), or -1. */
  readonly firstParam: number;
}

const cache = new Map<string, ParsedStatement>();

/** Parses one statement (a trailing ';' allowed) that may hold `?` placeholders. */
export function parseStatement(sql: string): ParsedStatement {
  const cached = cache.get(sql);
  if (cached !== undefined) {
    cache.delete(sql);
    cache.set(sql, cached);
    return cached;
  }
  const parsed = parseUncached(sql);
  if (sql.length <= PARSE_CACHE_TEXT_CHARS_MAX) {
    if (cache.size >= PARSE_CACHE_ENTRIES) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
    cache.set(sql, parsed);
  }
  return parsed;
}

/** Parses one statement of a text query (a `?` is ER_PARSE_ERROR). Throws SqlError. */
export function parse(sql: string): Statement {
  const parsed = parseStatement(sql);
  if (parsed.paramCount > 0) throw parseErrorAt(sql, parsed.firstParam);
  return parsed.statement;
}

/**
 * One expression read from text (a stored CHECK, generated column or DEFAULT expression, as
 * expr-text.ts printed it). Throws SqlError.
 */
export function parseExpression(text: string): Expr {
  const sql = `SELECT ${text}`;
  const lexed = lex(sql);
  const broken = lexed.tokens.find((t) => t.kind === 'error');
  if (broken !== undefined) throw parseErrorAt(sql, broken.start);
  const [expr] = parseExpressions(sql, lexed, [[7, sql.length]], { next: 0 });
  if (expr === undefined) throw parseErrorAt(sql, 7);
  return expr;
}

/** For tests: how many texts the cache holds. */
export function parseCacheSize(): number {
  return cache.size;
}

// ---------------------------------------------------------------------------------------------
// Errors

const NEAR_CHARS_MAX = 80;

/** ER_PARSE_ERROR at `offset` of the original text, worded as MySQL words it. */
export function parseErrorAt(sql: string, offset: number): SqlError {
  const at = Math.max(0, Math.min(offset, sql.length));
  let line = 1;
  for (let i = 0; i < at; i++) if (sql.charCodeAt(i) === 10) line++;
  return new SqlError('ER_PARSE_ERROR', [sql.slice(at, at + NEAR_CHARS_MAX), line]);
}

export function notSupported(what: string): SqlError {
  return new SqlError('ER_NOT_SUPPORTED_YET', [what]);
}

/** Words that can begin a MySQL statement: an error on any other first word is at that word. */
const STATEMENT_STARTS = new Set(
  (
    'ALTER ANALYZE BEGIN BINLOG CACHE CALL CHANGE CHECK CHECKSUM CLONE COMMIT CREATE DEALLOCATE ' +
    'DELETE DESC DESCRIBE DO DROP EXECUTE EXPLAIN FLUSH GET GRANT HANDLER HELP IMPORT INSERT ' +
    'INSTALL KILL LOAD LOCK OPTIMIZE PREPARE PURGE RELEASE RENAME REPAIR REPLACE RESET RESIGNAL ' +
    'REVOKE ROLLBACK SAVEPOINT SELECT SET SHOW SHUTDOWN SIGNAL START STOP TABLE TRUNCATE ' +
    'UNINSTALL UNLOCK UPDATE USE VALUES WITH XA'
  ).split(' '),
);

/** The original offset where MySQL would report a node-sql-parser failure at `parserOffset`. */
function failureOffset(lexed: Lexed, parserOffset: number, onlyWordChars: boolean): number {
  const first = lexed.tokens[0];
  if (
    first !== undefined &&
    first.kind === 'word' &&
    !STATEMENT_STARTS.has(first.value.toUpperCase())
  ) {
    return first.start;
  }
  const offset = lexed.toOriginal(parserOffset);
  for (const token of lexed.tokens) {
    // MySQL fails on whole tokens: a failure inside a token is at its start, and so is a failure
    // just past a word that node-sql-parser was still reading as an identifier ('FROM WHERE').
    if (token.start < offset && offset < token.end) return token.start;
    if (onlyWordChars && token.kind === 'word' && token.end === offset) return token.start;
  }
  return offset;
}

// ---------------------------------------------------------------------------------------------
// Parsing

function parseUncached(sql: string): ParsedStatement {
  if (Buffer.byteLength(sql, 'utf8') > STATEMENT_BYTES_MAX) {
    throw new SqlError('ER_NET_PACKET_TOO_LARGE');
  }
  const lexed = lex(sql);
  const tokens = lexed.tokens;
  const broken = tokens.find((t) => t.kind === 'error');
  if (broken !== undefined) throw parseErrorAt(sql, broken.start);
  const end = statementEnd(sql, tokens);
  const significant = tokens.slice(0, end);
  if (significant.length === 0) throw new SqlError('ER_EMPTY_QUERY');
  const params = significant.filter((t) => t.kind === 'param');
  const counter = { next: 0 };
  const statement = statementOf(sql, lexed, significant, counter);
  const first = params[0];
  // Every `?` must have become a parameter (none may sit where a value cannot be).
  if (first !== undefined && counter.next !== params.length) throw parseErrorAt(sql, first.start);
  return { statement, paramCount: counter.next, firstParam: first?.start ?? -1 };
}

function statementOf(
  sql: string,
  lexed: Lexed,
  significant: readonly Token[],
  counter: { next: number },
): Statement {
  const txn = matchTxnStatement(sql, significant);
  if (txn !== undefined) return txn;
  const admin = matchAdminStatement({
    sql,
    tokens: significant,
    expressions: (ranges) => parseExpressions(sql, lexed, ranges, counter),
  });
  if (admin !== undefined) return admin;
  // Issue 6 (6c): schema statements, SHOW and DESCRIBE, by token parsers (parse-ddl.ts).
  const schemaContext: ParseContext = {
    sql,
    tokens: significant,
    expressions: (ranges) => parseExpressions(sql, lexed, ranges, counter),
    query: (at, end) => subStatement(sql, significant, at, end, counter),
    param: () => ({ kind: 'param', index: counter.next++ }),
    fromClause: (at, end) => fromClauseOf(sql, significant, at, end, counter),
  };
  const schema =
    matchShowStatement(schemaContext) ??
    matchRoutineStatement(schemaContext) ??
    matchDdlStatement(schemaContext) ??
    matchInsertStatement(schemaContext) ??
    matchMultiTableStatement(schemaContext) ??
    matchLoadStatement(schemaContext);
  if (schema !== undefined) return schema;
  const matched =
    matchStatement(sql, significant) ??
    matchAnalyze(sql, significant) ??
    matchCheckTable(sql, significant);
  if (matched !== undefined) return matched;
  const explained = explainedStart(significant);
  if (explained !== null) {
    const tree =
      significant
        .slice(1, 4)
        .map((t) => t.value.toUpperCase())
        .join(' ') === 'FORMAT = TREE';
    // A prepared EXPLAIN's `?` are its statement's (EXPLAIN itself has none before them).
    const inner = parseStatement(sql.slice(explained));
    counter.next += inner.paramCount;
    return { kind: 'explain', statement: inner.statement, ...(tree ? { format: 'tree' } : {}) };
  }
  const locking = lockingClause(significant);
  const queryText = analyzeText(sql, lexed, significant);
  const rewritten = queryText.lexed;
  const ast = runParser(
    sql,
    locking === null
      ? rewritten
      : {
          ...rewritten,
          parserText: rewritten.parserText.slice(0, rewritten.toParser(locking.start)),
        },
  );
  const statement = withIndexHints(
    convertStatement(sql, lexed, counter, queryText, ast),
    queryText.indexHints,
  );
  if (locking === null) return statement;
  if (statement.kind !== 'select' && statement.kind !== 'set-operation') {
    throw parseErrorAt(sql, locking.start);
  }
  return lockLastBlock(statement, locking.lock);
}

/**
 * A statement's own locking clause is its last query block's: after a set operation it locks
 * the rows of the last part only (MySQL, MariaDB), and each other part locks by its own.
 */
function lockLastBlock(q: QueryExpr, lock: SelectLock): QueryExpr {
  return q.kind === 'select' ? { ...q, lock } : { ...q, right: lockLastBlock(q.right, lock) };
}

/** The statement with the index hints its text had, for the planner to check (1176). */
function withIndexHints(statement: Statement, indexHints: readonly IndexHint[]): Statement {
  if (indexHints.length === 0) return statement;
  switch (statement.kind) {
    case 'select':
    case 'set-operation':
    case 'update':
    case 'delete':
      return { ...statement, indexHints };
    default:
      return statement; // INSERT … SELECT, CREATE … SELECT: the hints are not checked
  }
}

/** query-text.ts's analysis; its syntax errors are ER_PARSE_ERROR where they are. */
function analyzeText(sql: string, lexed: Lexed, significant: readonly Token[]): QueryText {
  try {
    return analyzeQueryText(sql, lexed, significant);
  } catch (e) {
    if (e instanceof QueryTextSyntaxError) throw parseErrorAt(sql, e.offset);
    throw e;
  }
}

function convertStatement(
  sql: string,
  lexed: Lexed,
  counter: { next: number },
  queryText: QueryText,
  ast: unknown,
): Statement {
  try {
    return new Converter(sql, queryText.lexed, counter, queryText, lexed).statement(ast);
  } catch (e) {
    if (e instanceof DerivedAliasError) throw new SqlError('ER_DERIVED_MUST_HAVE_ALIAS');
    throw e;
  }
}

/**
 * The statement in tokens [at, end) of a larger one (the query of CREATE VIEW, CREATE TABLE …
 * SELECT, INSERT … SELECT), parsed on its own; its `?` placeholders continue the outer count.
 */
function subStatement(
  sql: string,
  tokens: readonly Token[],
  at: number,
  end: number | undefined,
  counter: { next: number },
): Statement {
  const first = tokens[at];
  const last = tokens[(end ?? tokens.length) - 1];
  if (first === undefined || last === undefined) throw parseErrorAt(sql, sql.length);
  const parsed = parseStatement(sql.slice(first.start, last.end));
  counter.next += parsed.paramCount;
  return parsed.statement;
}

/** Tokens [at, end) read as the FROM clause of `SELECT 1 FROM …` (multi-table UPDATE / DELETE). */
function fromClauseOf(
  sql: string,
  tokens: readonly Token[],
  at: number,
  end: number,
  counter: { next: number },
): import('./ast.js').TableExpr {
  const first = tokens[at];
  const last = tokens[end - 1];
  if (first === undefined || last === undefined) throw parseErrorAt(sql, sql.length);
  const parsed = parseStatement(`SELECT 1 FROM ${sql.slice(first.start, last.end)}`);
  if (parsed.statement.kind !== 'select' || parsed.statement.from === null) {
    throw parseErrorAt(sql, first.start);
  }
  counter.next += parsed.paramCount;
  return parsed.statement.from;
}

/**
 * Expressions at original-text ranges [start, end), read by node-sql-parser as one select list
 * (for the statements the token matchers read: SET values, SHOW … WHERE, KILL).
 */
function parseExpressions(
  sql: string,
  lexed: Lexed,
  ranges: readonly (readonly [number, number])[],
  counter: { next: number },
): Expr[] {
  if (ranges.length === 0) return [];
  for (const [a, b] of ranges) {
    // These are read without locations, so a <=> (lexed as `<= `) could not be told apart.
    const at = sql.slice(a, b).indexOf('<=>');
    if (at !== -1) throw new SqlError('ER_NOT_SUPPORTED_YET', ['<=> in this statement']);
  }
  const texts = ranges.map(([a, b]) =>
    lexed.parserText.slice(lexed.toParser(a), lexed.toParser(b)),
  );
  let ast: unknown;
  try {
    ast = parser.astify(`SELECT ${texts.join(', ')}`, { database: 'MySQL', trimQuery: false });
  } catch (e) {
    if (pegError(e) === undefined) throw e;
    throw parseErrorAt(sql, (ranges[0] as readonly [number, number])[0]);
  }
  const node = obj(Array.isArray(ast) ? ast[0] : ast, 'expression');
  const columns = list(node.columns);
  if (columns.length !== ranges.length || present(node.from)) {
    throw parseErrorAt(sql, (ranges[0] as readonly [number, number])[0]);
  }
  const converter = new Converter(sql, lexed, counter);
  return columns.map((c) => converter.expr(obj(c, 'expression').expr));
}

/** Index of the first token after the statement (its ';' or the end); text after → 1064. */
function statementEnd(sql: string, tokens: readonly Token[]): number {
  // A stored program's body holds `;`s: the CREATE runs to its end (parse-routine.ts).
  const compound = compoundEnd(tokens);
  if (compound !== undefined) return compound;
  const semicolon = tokens.findIndex((t) => t.kind === 'op' && t.value === ';');
  if (semicolon === -1) return tokens.length;
  const after = tokens.slice(semicolon + 1).find((t) => !(t.kind === 'op' && t.value === ';'));
  if (after !== undefined) throw parseErrorAt(sql, after.start);
  return semicolon;
}

interface PegError {
  readonly offset: number;
  readonly onlyWordChars: boolean;
}

function pegError(e: unknown): PegError | undefined {
  if (!(e instanceof Error) || e.name !== 'SyntaxError') return undefined;
  const location: unknown = (e as { location?: unknown }).location;
  const expected: unknown = (e as { expected?: unknown }).expected;
  if (!isObj(location) || !isObj(location.start)) return undefined;
  const offset = location.start.offset;
  if (typeof offset !== 'number') return undefined;
  const onlyWordChars =
    Array.isArray(expected) &&
    expected.length > 0 &&
    expected.every((x: unknown) => isObj(x) && x.type === 'class');
  return { offset, onlyWordChars };
}

function runParser(sql: string, lexed: Lexed): unknown {
  let ast: unknown;
  try {
    // Locations only when a <=> needs finding again (Converter.nullSafe).
    const parseOptions = { includeLocations: sql.includes('<=>') };
    ast = parser.astify(lexed.parserText, { database: 'MySQL', trimQuery: false, parseOptions });
  } catch (e) {
    const failure = pegError(e);
    // node-sql-parser refuses a scalar subquery of several columns itself (issue 6a).
    if (e instanceof Error && e.message === 'invalid column clause with select statement') {
      throw new SqlError('ER_OPERAND_COLUMNS', [1]);
    }
    if (failure === undefined) throw e;
    throw parseErrorAt(sql, failureOffset(lexed, failure.offset, failure.onlyWordChars));
  }
  if (Array.isArray(ast)) {
    // statementEnd has already refused a second statement.
    if (ast.length !== 1) throw parseErrorAt(sql, 0);
    return ast[0];
  }
  return ast;
}

// ---------------------------------------------------------------------------------------------
// The token matcher: statements node-sql-parser cannot read

function isWord(token: Token | undefined, ...words: string[]): boolean {
  return token !== undefined && token.kind === 'word' && words.includes(token.value.toUpperCase());
}

function identifier(token: Token | undefined): string | undefined {
  if (token === undefined) return undefined;
  if (token.kind === 'quoted-ident') return token.value;
  if (token.kind === 'word') return token.value;
  return undefined;
}

function matchStatement(sql: string, tokens: readonly Token[]): Statement | undefined {
  const [first, second] = tokens;
  if (isWord(first, 'USE') && tokens.length === 2) {
    const database = identifier(second);
    if (database !== undefined) return { kind: 'use', database };
  }
  // node-sql-parser reads only some SET forms; none is built yet (issue 5 brings variables).
  if (isWord(first, 'SET')) throw notSupported('SET');
  if (!isWord(first, 'SHOW')) return undefined;
  if (isWord(second, 'WARNINGS') && tokens.length === 2) return { kind: 'show-warnings' };
  if (isWord(second, 'DATABASES', 'SCHEMAS')) {
    const like = likeClause(sql, tokens, 2);
    if (like !== undefined) return { kind: 'show-databases', like: like.pattern };
  }
  if (isWord(second, 'TABLES')) {
    let at = 2;
    let database: string | null = null;
    if (isWord(tokens[at], 'FROM', 'IN')) {
      const name = identifier(tokens[at + 1]);
      if (name === undefined) throw parseErrorAt(sql, tokens[at + 1]?.start ?? sql.length);
      database = name;
      at += 2;
    }
    const like = likeClause(sql, tokens, at);
    if (like !== undefined) return { kind: 'show-tables', database, like: like.pattern };
  }
  return undefined;
}

/** `[LIKE 'pattern']` ending the statement at token `at`; undefined when the rest is other. */
function likeClause(
  sql: string,
  tokens: readonly Token[],
  at: number,
): { pattern: string | null } | undefined {
  if (at === tokens.length) return { pattern: null };
  if (!isWord(tokens[at], 'LIKE')) return undefined;
  const pattern = tokens[at + 1];
  if (pattern === undefined || pattern.kind !== 'string') {
    throw parseErrorAt(sql, pattern?.start ?? sql.length);
  }
  if (at + 2 !== tokens.length) throw parseErrorAt(sql, (tokens[at + 2] as Token).start);
  return { pattern: pattern.value };
}

// ---------------------------------------------------------------------------------------------
// Select-list item texts (the column names MySQL reports for unaliased expressions)

const SELECT_OPTIONS = new Set(
  (
    'ALL DISTINCT DISTINCTROW HIGH_PRIORITY STRAIGHT_JOIN SQL_SMALL_RESULT SQL_BIG_RESULT ' +
    'SQL_BUFFER_RESULT SQL_NO_CACHE SQL_CACHE SQL_CALC_FOUND_ROWS'
  ).split(' '),
);
const SELECT_LIST_ENDS = new Set(
  'FROM WHERE GROUP HAVING ORDER LIMIT INTO FOR LOCK UNION WINDOW EXCEPT INTERSECT'.split(' '),
);

export function selectItemTexts(sql: string, tokens: readonly Token[]): string[] {
  let i = tokens.findIndex((t) => isWord(t, 'SELECT'));
  if (i === -1) return [];
  i++;
  while (i < tokens.length && isWord(tokens[i], ...SELECT_OPTIONS)) i++;
  const texts: string[] = [];
  let depth = 0;
  let itemStart = i;
  const close = (end: number): void => {
    const a = tokens[itemStart];
    const b = tokens[end - 1];
    if (a !== undefined && b !== undefined && end > itemStart)
      texts.push(sql.slice(a.start, b.end));
  };
  for (; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind === 'op' && t.value === '(') depth++;
    else if (t.kind === 'op' && t.value === ')') depth--;
    else if (depth === 0 && t.kind === 'op' && t.value === ',') {
      close(i);
      itemStart = i + 1;
    } else if (
      depth === 0 &&
      (isWord(t, ...SELECT_LIST_ENDS) || (t.kind === 'op' && t.value === ';'))
    ) {
      break;
    }
  }
  close(i);
  return texts;
}

// ---------------------------------------------------------------------------------------------
// Narrowing node-sql-parser's output

type Obj = Readonly<Record<string, unknown>>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** node-sql-parser returned a shape we do not know: we cannot tell what was meant. */
function unexpected(what: string): SqlError {
  return notSupported(what);
}

function obj(x: unknown, what: string): Obj {
  if (!isObj(x)) throw unexpected(what);
  return x;
}

function list(x: unknown): readonly unknown[] {
  return Array.isArray(x) ? x : [];
}

function text(x: unknown): string | null {
  return typeof x === 'string' ? x : null;
}

/** Truthy in node-sql-parser's sense: present and not null/empty. */
function present(x: unknown): boolean {
  if (x === null || x === undefined || x === false) return false;
  if (Array.isArray(x)) return x.length > 0;
  return true;
}

/** Unquotes a name node-sql-parser hands over raw (`a``b` keeps its doubled backticks). */
function nameOf(x: unknown, what: string): string {
  if (typeof x === 'string') return x.replace(/``/g, '`');
  if (isObj(x) && isObj(x.expr)) return nameOf(x.expr.value, what);
  if (isObj(x) && typeof x.value === 'string') return nameOf(x.value, what);
  throw unexpected(what);
}

const STATEMENT_NAMES: Readonly<Record<string, string>> = {
  alter: 'ALTER',
  set: 'SET',
  lock: 'LOCK TABLES',
  unlock: 'UNLOCK TABLES',
  show: 'SHOW',
  desc: 'DESCRIBE',
  explain: 'EXPLAIN',
  transaction: 'transactions',
  truncate: 'TRUNCATE TABLE',
  rename: 'RENAME TABLE',
  call: 'CALL',
  grant: 'GRANT',
  load_data: 'LOAD DATA',
};

const BINARY_OPS: Readonly<Record<string, BinaryOp>> = {
  '+': '+',
  '-': '-',
  '*': '*',
  '/': '/',
  DIV: 'div',
  MOD: 'mod',
  '%': 'mod',
  '=': '=',
  '!=': '<>',
  '<>': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  AND: 'and',
  OR: 'or',
  XOR: 'xor',
};

class Converter {
  /** Queries, subqueries, aggregates and windows (parse-query.ts). */
  private readonly queries: QueryConverter;

  constructor(
    private readonly sql: string,
    private readonly lexed: Lexed,
    /** Numbers the `?` placeholders in the order conversion meets them, which is text order. */
    private readonly params: { next: number } = { next: 0 },
    queryText: QueryText | null = null,
    /** The text before query-text.ts rewrote it (window specifications are read from it). */
    original: Lexed = lexed,
  ) {
    this.queries = new QueryConverter(
      {
        expr: (x) => this.expr(x),
        alias: (raw) => this.alias(raw),
        orderBy: (x) => this.orderBy(x),
        limit: (x) => this.limit(x),
        tableName: (x) => this.tableName(x),
        expressions: (ranges) => parseExpressions(sql, original, ranges, params),
        syntaxError: () => parseErrorAt(sql, sql.length),
      },
      queryText,
    );
  }

  statement(ast: unknown): Statement {
    const node = obj(ast, 'statement');
    const type = text(node.type) ?? '';
    switch (type) {
      case 'select':
        return this.queries.query(node);
      case 'insert':
        return this.insert(node);
      case 'replace':
        throw notSupported('REPLACE');
      case 'update':
        return this.update(node);
      case 'delete':
        return this.delete(node);
      case 'create':
        return this.create(node);
      case 'drop':
        return this.drop(node);
      case 'use':
        return { kind: 'use', database: nameOf(node.db, 'USE') };
      default:
        throw notSupported(STATEMENT_NAMES[type] ?? type.toUpperCase());
    }
  }

  // -- literals and names ------------------------------------------------------------------

  /** A string node-sql-parser hands over: a literal reference or raw text. */
  private stringValue(raw: unknown, quote: string): string {
    const value = text(raw) ?? '';
    const index = literalReference(value);
    if (index === undefined) return decodeStringBody(value, quote);
    const entry = this.lexed.literals[index];
    if (entry === undefined) throw unexpected('literal');
    return entry.kind === 'string' ? entry.value : entry.kind === 'hex' ? entry.bytes : entry.text;
  }

  /** An alias, which may be written as a string ('x' or "x"). */
  private alias(raw: unknown): string | null {
    if (raw === null || raw === undefined) return null;
    const value = text(raw);
    if (value !== null && literalReference(value) !== undefined)
      return this.stringValue(value, "'");
    return nameOf(raw, 'alias');
  }

  private literalOf(node: Obj): Literal {
    const index = literalReference(text(node.value) ?? '');
    if (index !== undefined) {
      const entry = this.lexed.literals[index];
      if (entry === undefined) throw unexpected('literal');
      if (entry.kind === 'hex') return { kind: 'hex', value: entry.bytes };
      return entry.kind === 'string'
        ? { kind: 'string', value: entry.value }
        : numberLiteral(entry.text);
    }
    return { kind: 'string', value: this.stringValue(node.value, "'") };
  }

  // -- expressions ---------------------------------------------------------------------------

  expr(x: unknown): Expr {
    const node = obj(x, 'expression');
    if (isObj(node.ast)) return this.queries.subquery(node);
    // Modifiers node-sql-parser hangs on any node: none may be dropped silently.
    if (present(node.collate) || (isObj(node.suffix) && present(node.suffix.collate))) {
      return this.collated(node);
    }
    if (
      typeof node.prefix === 'string' &&
      node.prefix.toLowerCase() === '_binary' &&
      node.type === 'single_quote_string'
    ) {
      const literal = this.literalOf(node);
      if (literal.kind !== 'string') throw unexpected('_binary string');
      return { kind: 'literal', literal: { kind: 'binary', value: textToBytes(literal.value) } };
    }
    if (typeof node.prefix === 'string' && node.prefix.toLowerCase() === 'binary') {
      // BINARY 'x': the string as a binary string (issue 6b).
      const { prefix: _prefix, ...plain } = node;
      const target: Expr = { kind: 'literal', literal: { kind: 'string', value: 'BINARY' } };
      return { kind: 'call', name: 'cast', args: [this.expr(plain), target] };
    }
    if (present(node.prefix) && node.type !== 'var') {
      throw notSupported(`${String(node.prefix).toUpperCase()} strings`);
    }
    const type = text(node.type) ?? '';
    switch (type) {
      case 'number':
      case 'bigint':
        return { kind: 'literal', literal: numberLiteral(String(node.value)) };
      case 'single_quote_string':
      case 'double_quote_string':
      case 'natural_string':
        return { kind: 'literal', literal: this.literalOf(node) };
      case 'bool':
        return { kind: 'literal', literal: { kind: 'bool', value: node.value === true } };
      case 'null':
        return { kind: 'literal', literal: { kind: 'null' } };
      case 'column_ref':
        return this.columnRef(node);
      case 'binary_expr':
        return this.binary(node);
      case 'unary_expr':
        return this.unary(node);
      case 'function':
        return this.call(node);
      case 'aggr_func':
        return this.queries.aggregateNode(node);
      case 'var':
        return this.variable(node);
      case 'origin':
        if (node.value === '?') return { kind: 'param', index: this.params.next++ };
        throw notSupported(`'${String(node.value)}' in an expression`);
      case 'assign': {
        const left = obj(node.left, 'assignment');
        if (left.type !== 'var' || left.prefix !== '@') throw notSupported('assignment');
        const value = this.expr(node.right);
        return {
          kind: 'assign-user-variable',
          name: nameOf(left.name, 'variable').toLowerCase(),
          value,
        };
      }
      case 'expr_list':
        return this.parenthesized(node);
      case 'hex_string':
      case 'full_hex_string':
      case 'bit_string':
        // The lexer turned every well-formed one into a literal (issue 6b).
        throw parseErrorAt(this.sql, 0);
      case 'case':
        return caseExpr(node, this.exprHost);
      case 'cast':
        return castExpr(node, this.exprHost);
      case 'interval':
        throw parseErrorAt(this.sql, 0);
      case 'extract': {
        const args = obj(node.args, 'EXTRACT');
        return {
          kind: 'call',
          name: 'extract',
          args: [
            {
              kind: 'literal',
              literal: { kind: 'string', value: String(args.field).toUpperCase() },
            },
            this.expr(args.source),
          ],
        };
      }
      case 'date':
      case 'time':
      case 'timestamp':
      case 'datetime':
        return temporalLiteral(type, this.stringValue(node.value, "'"));
      default:
        throw notSupported(`expression '${type}'`);
    }
  }

  /** Issue 6b: the hooks parse-expr.ts converts through. */
  private readonly exprHost = {
    expr: (x: unknown): Expr => this.expr(x),
    unsupported: (what: string): Error => notSupported(what),
  };

  /** `x COLLATE name` → collate(x, 'name') (issue 6b). */
  private collated(node: Obj): Expr {
    const holder = isObj(node.collate)
      ? node.collate
      : isObj(node.suffix)
        ? node.suffix.collate
        : null;
    const inner = isObj(holder) && isObj(holder.collate) ? holder.collate.name : undefined;
    const name = typeof inner === 'string' ? inner : nameOf(inner, 'collation');
    const stripped = isObj(node.suffix) && present(node.suffix.collate)
      ? { ...node, suffix: { ...node.suffix, collate: null } }
      : { ...node, collate: null };
    const value = this.expr(stripped);
    return {
      kind: 'call',
      name: 'collate',
      args: [value, { kind: 'literal', literal: { kind: 'string', value: name } }],
    };
  }

  private parenthesized(node: Obj): Expr {
    const items = list(node.value);
    if (items.length !== 1) return this.queries.row(items);
    return this.expr(items[0]);
  }

  private columnRef(node: Obj): Expr {
    if (present(node.collate)) throw notSupported('COLLATE');
    const column = nameOf(node.column, 'column');
    if (column === '*') throw notSupported("'*' in an expression");
    const table =
      node.table === null || node.table === undefined ? null : nameOf(node.table, 'table');
    const database = node.db === null || node.db === undefined ? null : nameOf(node.db, 'database');
    return { kind: 'column', database, table, name: column };
  }

  private binary(node: Obj): Expr {
    const operator = (text(node.operator) ?? '').toUpperCase();
    if (operator === '+' && isInterval(node.left)) {
      // INTERVAL n unit + date (issue 6b).
      const parts = intervalParts(node.left, this.exprHost);
      return { kind: 'call', name: 'date_add', args: [this.expr(node.right), ...parts] };
    }
    const left = this.expr(node.left);
    if (operator === '<=' && this.nullSafe(node)) return nullSafeEqual(left, this.expr(node.right));
    switch (operator) {
      case 'IS':
      case 'IS NOT':
        return {
          kind: 'is',
          operand: left,
          test: isTest(node.right),
          negated: operator === 'IS NOT',
        };
      case 'BETWEEN':
      case 'NOT BETWEEN': {
        const [low, high] = list(obj(node.right, 'BETWEEN').value);
        return {
          kind: 'between',
          operand: left,
          low: this.expr(low),
          high: this.expr(high),
          negated: operator === 'NOT BETWEEN',
        };
      }
      case 'IN':
      case 'NOT IN': {
        const right = obj(node.right, 'IN');
        const subquery = isObj(right.ast) ? right.ast : QueryConverter.subqueryOf(right);
        if (subquery !== undefined) {
          return this.queries.inSubquery(left, subquery, operator === 'NOT IN');
        }
        const items = list(right.value);
        return {
          kind: 'in',
          operand: left,
          list: items.map((e) => this.expr(e)),
          negated: operator === 'NOT IN',
        };
      }
      case 'LIKE':
      case 'NOT LIKE':
        return this.like(left, obj(node.right, 'LIKE'), operator === 'NOT LIKE');
      default: {
        const quantified = this.queries.quantified(operator, left, node.right);
        if (quantified !== undefined) return quantified;
        // Issue 6b: INTERVAL arithmetic, ->, ->>, REGEXP, bit operators.
        if ((operator === '+' || operator === '-') && isInterval(node.right)) {
          const fn = operator === '+' ? 'date_add' : 'date_sub';
          return {
            kind: 'call',
            name: fn,
            args: [left, ...intervalParts(node.right, this.exprHost)],
          };
        }
        const special = operatorCall(operator, left, () => this.expr(node.right));
        if (special !== undefined) return special;
        const op = BINARY_OPS[operator];
        if (op === undefined) throw notSupported(`operator ${operator}`);
        return { kind: 'binary', op, left, right: this.expr(node.right) };
      }
    }
  }

  /**
   * Whether a `<=` node was written `<=>` (the lexer hands node-sql-parser `<= ` for it): its own
   * operator is the `<=` of its location outside its operands' locations.
   */
  private nullSafe(node: Obj): boolean {
    const at = (x: unknown): number | undefined =>
      isObj(x) && isObj(x.loc) && isObj(x.loc.start) && typeof x.loc.start.offset === 'number'
        ? x.loc.start.offset : undefined;
    const end = (x: unknown): number | undefined =>
      isObj(x) && isObj(x.loc) && isObj(x.loc.end) && typeof x.loc.end.offset === 'number'
        ? x.loc.end.offset : undefined;
    const from = at(node);
    const to = end(node);
    if (from === undefined || to === undefined) return false;
    const covered: [number, number][] = [];
    const collect = (x: unknown): void => {
      if (Array.isArray(x)) return x.forEach(collect);
      if (!isObj(x)) return;
      const a = at(x);
      const b = end(x);
      if (a !== undefined && b !== undefined) covered.push([a, b]);
      for (const [key, value] of Object.entries(x)) if (key !== 'loc') collect(value);
    };
    collect(node.left);
    collect(node.right);
    const text = this.lexed.parserText;
    for (let p = text.indexOf('<=', from); p !== -1 && p < to; p = text.indexOf('<=', p + 1)) {
      if (covered.some(([a, b]) => p >= a && p < b)) continue;
      const original = this.lexed.toOriginal(p);
      return this.sql.slice(original, original + 3) === '<=>';
    }
    return false;
  }

  private like(operand: Expr, right: Obj, negated: boolean): Expr {
    const escapeNode = isObj(right.escape) ? right.escape.value : undefined;
    const pattern = Object.fromEntries(Object.entries(right).filter(([key]) => key !== 'escape'));
    return {
      kind: 'like',
      operand,
      pattern: this.expr(pattern),
      escape: escapeNode === undefined ? null : this.expr(escapeNode),
      negated,
    };
  }

  private unary(node: Obj): Expr {
    const operator = (text(node.operator) ?? '').toUpperCase();
    if (operator === 'NOT EXISTS' && isObj(node.expr) && isObj(node.expr.ast)) {
      return this.queries.exists(node.expr.ast, true);
    }
    const operand = this.expr(node.expr);
    if (operator === '-') return negate(operand);
    if (operator === '+') return operand;
    if (operator === 'NOT' || operator === '!') return { kind: 'unary', op: 'not', operand };
    if (operator === '~') return { kind: 'call', name: '~', args: [operand] };
    throw notSupported(`operator ${operator}`);
  }

  private call(node: Obj): Expr {
    const nameNode = obj(node.name, 'function name');
    const parts = list(nameNode.name).map((p) => nameOf(p, 'function name'));
    if (parts.length !== 1) throw notSupported('qualified function names');
    const name = (parts[0] as string).toLowerCase();
    const subquery = QueryConverter.subqueryOf(node.args);
    if (name === 'exists' && subquery !== undefined) return this.queries.exists(subquery, false);
    const rawArgs = isObj(node.args) ? list(node.args.value) : [];
    const formed = specialCall(name, rawArgs, this.exprHost);
    if (formed !== undefined) return formed;
    const args = rawArgs.map((a) => this.expr(a));
    const special = this.queries.functionCall(name, args, node.over);
    if (special !== undefined) return special;
    if (present(node.over)) throw notSupported('window functions');
    if (name === 'not' && args.length === 1)
      return { kind: 'unary', op: 'not', operand: args[0] as Expr };
    return { kind: 'call', name, args };
  }

  private variable(node: Obj): Expr {
    if (node.prefix === '@') {
      const base = nameOf(node.name, 'variable');
      const members = list(node.members).map((m) => nameOf(m, 'variable'));
      return { kind: 'user-variable', name: [base, ...members].join('.').toLowerCase() };
    }
    if (node.prefix !== '@@') throw notSupported(`variable prefix ${String(node.prefix)}`);
    const name = nameOf(node.name, 'variable').toLowerCase();
    const members = list(node.members).map((m) => nameOf(m, 'variable').toLowerCase());
    if (members.length === 0) return { kind: 'system-variable', scope: null, name };
    if (members.length === 1 && (name === 'session' || name === 'global' || name === 'local')) {
      const scope = name === 'global' ? 'global' : 'session';
      return { kind: 'system-variable', scope, name: members[0] as string };
    }
    throw notSupported('structured system variables');
  }

  // -- clauses ---------------------------------------------------------------------------------

  private tableName(x: unknown): TableName {
    const node = obj(x, 'table');
    if (isObj(node.expr)) throw notSupported('derived tables');
    if (present(node.join)) throw notSupported('joins');
    const database = node.db === null || node.db === undefined ? null : nameOf(node.db, 'database');
    return { database, name: nameOf(node.table, 'table') };
  }

  private tableRef(x: unknown): TableRef {
    const node = obj(x, 'table');
    return { table: this.tableName(node), alias: this.alias(node.as) };
  }

  private singleTable(x: unknown, what: string): TableRef {
    const tables = list(x);
    if (tables.length !== 1) throw notSupported(`multi-table ${what} (joins)`);
    return this.tableRef(tables[0]);
  }

  private where(x: unknown): Expr | null {
    return present(x) ? this.expr(x) : null;
  }

  private orderBy(x: unknown): OrderItem[] {
    return list(x).map((item) => {
      const node = obj(item, 'ORDER BY');
      return { expr: this.expr(node.expr), descending: text(node.type)?.toUpperCase() === 'DESC' };
    });
  }

  private limit(x: unknown): Limit | null {
    if (!isObj(x)) return null;
    const values = list(x.value).map((v) => this.expr(v));
    const [first, second] = values;
    if (first === undefined) return null;
    if (second === undefined) return { count: first, offset: null };
    // LIMIT offset, count   |   LIMIT count OFFSET offset
    return x.seperator === ','
      ? { count: second, offset: first }
      : { count: first, offset: second };
  }

  // -- statements ------------------------------------------------------------------------------

  private insert(node: Obj): Statement {
    const prefix = (text(node.prefix) ?? '').toLowerCase();
    if (prefix.includes('ignore')) throw notSupported('INSERT IGNORE');
    if (present(node.on_duplicate_update)) throw notSupported('ON DUPLICATE KEY UPDATE');
    if (present(node.partition)) throw notSupported('PARTITION');
    const tables = list(node.table);
    if (tables.length !== 1) throw unexpected('INSERT');
    const table = this.tableName(tables[0]);
    if (present(node.set)) {
      const sets = list(node.set).map((s) => obj(s, 'SET'));
      return {
        kind: 'insert',
        table,
        columns: sets.map((s) => nameOf(s.column, 'column')),
        rows: [sets.map((s) => this.expr(s.value))],
      };
    }
    const values = obj(node.values, 'VALUES');
    if (values.type !== 'values') throw notSupported('INSERT ... SELECT');
    const rows = list(values.values).map((row) =>
      list(obj(row, 'row').value).map((e) => this.expr(e)),
    );
    const columns =
      node.columns === null ? null : list(node.columns).map((c) => nameOf(c, 'column'));
    return { kind: 'insert', table, columns, rows };
  }

  private update(node: Obj): Statement {
    const table = this.singleTable(node.table, 'UPDATE');
    const assignments = list(node.set).map((s) => {
      const set = obj(s, 'SET');
      const column = {
        kind: 'column' as const,
        database: null,
        table: present(set.table) ? nameOf(set.table, 'table') : null,
        name: nameOf(set.column, 'column'),
      };
      return { column, value: this.expr(set.value) };
    });
    const limit = this.limit(node.limit);
    if (limit !== null && limit.offset !== null) throw parseErrorAt(this.sql, this.sql.length);
    return {
      kind: 'update',
      table,
      assignments,
      where: this.where(node.where),
      orderBy: this.orderBy(node.orderby),
      limit: limit?.count ?? null,
    };
  }

  private delete(node: Obj): Statement {
    const from = list(node.from);
    const targets = list(node.table);
    if (from.length !== 1 || targets.some((t) => !(isObj(t) && t.addition === true))) {
      throw notSupported('multi-table DELETE (joins)');
    }
    const limit = this.limit(node.limit);
    if (limit !== null && limit.offset !== null) throw parseErrorAt(this.sql, this.sql.length);
    return {
      kind: 'delete',
      table: this.tableRef(from[0]),
      where: this.where(node.where),
      orderBy: this.orderBy(node.orderby),
      limit: limit?.count ?? null,
    };
  }

  private create(node: Obj): Statement {
    const keyword = (text(node.keyword) ?? '').toLowerCase();
    if (keyword === 'database' || keyword === 'schema') {
      const target = obj(node.database ?? node.schema, 'CREATE DATABASE');
      const parts = list(target.schema).map((p) => nameOf(p, 'database'));
      if (parts.length !== 1) throw unexpected('CREATE DATABASE');
      if (present(node.create_definitions)) throw notSupported('CREATE DATABASE options');
      return {
        kind: 'create-database',
        name: parts[0] as string,
        ifNotExists: present(node.if_not_exists),
      };
    }
    if (keyword === 'table') return this.createTable(node);
    if (keyword === 'index') return createIndexStatement(node, (t) => this.tableName(t));
    throw notSupported(`CREATE ${keyword.toUpperCase()}`);
  }

  private drop(node: Obj): Statement {
    const keyword = (text(node.keyword) ?? '').toLowerCase();
    const ifExists = (text(node.prefix) ?? '').toLowerCase() === 'if exists';
    if (keyword === 'database' || keyword === 'schema') {
      return { kind: 'drop-database', name: nameOf(node.name, 'database'), ifExists };
    }
    if (keyword === 'table') {
      return {
        kind: 'drop-table',
        tables: list(node.name).map((t) => this.tableName(t)),
        ifExists,
      };
    }
    if (keyword === 'index') return dropIndexStatement(node, (t) => this.tableName(t));
    throw notSupported(`DROP ${keyword.toUpperCase()}`);
  }

  // -- CREATE TABLE ----------------------------------------------------------------------------

  private createTable(node: Obj): CreateTable {
    if (present(node.temporary)) throw notSupported('CREATE TEMPORARY TABLE');
    if (present(node.as) || present(node.query_expr)) throw notSupported('CREATE TABLE ... SELECT');
    if (present(node.ignore_replace)) throw notSupported('CREATE TABLE ... SELECT');
    if (present(node.like)) throw notSupported('CREATE TABLE ... LIKE');
    const tables = list(node.table);
    if (tables.length !== 1) throw unexpected('CREATE TABLE');
    const columns: ColumnDefinition[] = [];
    const primaryKeys: string[][] = [];
    const indexes: IndexDefinition[] = [];
    for (const d of list(node.create_definitions)) {
      const definition = obj(d, 'table element');
      const resource = text(definition.resource);
      const constraint = (text(definition.constraint_type) ?? '').toLowerCase();
      if (resource === 'column') columns.push(this.columnDefinition(definition));
      else if (resource === 'index' || constraint.startsWith('unique')) {
        indexes.push(tableIndexDefinition(definition));
      } else if (resource === 'constraint') primaryKeys.push(this.constraint(definition));
      else throw notSupported(`table element ${resource ?? '?'}`);
    }
    return {
      kind: 'create-table',
      table: this.tableName(tables[0]),
      ifNotExists: present(node.if_not_exists),
      columns,
      primaryKeys,
      collation: this.tableOptions(list(node.table_options)),
      ...(indexes.length > 0 ? { indexes } : {}),
      ...autoIncrementOption(list(node.table_options)),
    };
  }

  /** A table-level constraint: only PRIMARY KEY is built; returns its columns. */
  private constraint(definition: Obj): string[] {
    const type = (text(definition.constraint_type) ?? '').toLowerCase();
    if (type === 'primary key') {
      return list(definition.definition).map((c) => {
        const column = obj(c, 'key part');
        if (text(column.order_by)?.toUpperCase() === 'DESC') throw notSupported('descending keys');
        return nameOf(column.column, 'column');
      });
    }
    if (type.startsWith('unique')) throw notSupported('UNIQUE keys');
    if (type === 'foreign key') throw notSupported('FOREIGN KEY');
    if (type === 'check') throw notSupported('CHECK constraints');
    throw notSupported(`constraint ${type.toUpperCase()}`);
  }

  private columnDefinition(definition: Obj): ColumnDefinition {
    const known = new Set([
      'column',
      'definition',
      'resource',
      'nullable',
      'default_val',
      'primary_key',
      'collate',
      'character_set',
      'comment',
      'unique',
      'auto_increment',
      'reference_definition',
      'check',
      'generated',
      'column_format',
      'storage',
    ]);
    for (const [key, value] of Object.entries(definition)) {
      if (!known.has(key) && present(value)) throw notSupported(`column attribute ${key}`);
    }
    if (present(definition.reference_definition)) throw notSupported('FOREIGN KEY');
    if (present(definition.check)) throw notSupported('CHECK constraints');
    if (present(definition.generated)) throw notSupported('generated columns');
    const nullable = isObj(definition.nullable) ? definition.nullable.type === 'null' : null;
    const defaultValue = isObj(definition.default_val)
      ? this.expr(definition.default_val.value)
      : null;
    const collate =
      isObj(definition.collate) && isObj(definition.collate.collate)
        ? nameOf(definition.collate.collate.name, 'collation')
        : null;
    return {
      name: nameOf(obj(definition.column, 'column').column, 'column'),
      type: typeSpec(obj(definition.definition, 'column type'), (x) =>
        this.stringValue(isObj(x) ? x.value : x, "'"),
      ),
      nullable,
      default: defaultValue,
      primaryKey: present(definition.primary_key),
      collation: collate,
      ...(present(definition.unique) ? { unique: true } : {}),
      ...(present(definition.auto_increment) ? { autoIncrement: true } : {}),
    };
  }

  /** Table options: ENGINE and CHARSET are accepted and ignored; COLLATE is kept. */
  private tableOptions(options: readonly unknown[]): string | null {
    let collation: string | null = null;
    for (const o of options) {
      const option = obj(o, 'table option');
      const keyword = (text(option.keyword) ?? '').toLowerCase();
      if (keyword === 'collate' || keyword === 'default collate') {
        const value = isObj(option.value) ? option.value.value : option.value;
        collation = nameOf(value, 'collation');
      }
    }
    return collation;
  }
}

/**
 * a <=> b, MySQL's null-safe equality (1 when both are NULL, 0 when one is, else a = b), as
 * CASE WHEN a IS NULL THEN b IS NULL WHEN b IS NULL THEN 0 ELSE a = b END.
 */
function nullSafeEqual(left: Expr, right: Expr): Expr {
  const isNull = (operand: Expr): Expr => ({ kind: 'is', operand, test: 'null', negated: false });
  const int = (value: bigint): Expr => ({ kind: 'literal', literal: { kind: 'int', value } });
  return {
    kind: 'call',
    name: 'case',
    args: [
      int(0n),
      isNull(left),
      isNull(right),
      isNull(right),
      int(0n),
      { kind: 'binary', op: '=', left, right },
    ],
  };
}

function isTest(x: unknown): 'null' | 'true' | 'false' {
  const node = obj(x, 'IS');
  if (node.type === 'null') return 'null';
  if (node.type === 'bool') return node.value === true ? 'true' : 'false';
  throw notSupported('IS UNKNOWN');
}

/** A number's exact text → int (fits a bigint literal) or decimal literal. */
export function numberLiteral(numberText: string): Literal {
  if (/^-?\d+$/.test(numberText)) return { kind: 'int', value: BigInt(numberText) };
  if (/^-?(\d+\.?\d*|\.\d+)$/.test(numberText)) {
    return {
      kind: 'decimal',
      text: numberText.endsWith('.') ? numberText.slice(0, -1) : numberText,
    };
  }
  // Issue 6b: a number with an exponent is a DOUBLE (so is 1e400: out of range → 1367 in MySQL).
  if (/^-?(\d+\.?\d*|\.\d+)[eE][-+]?\d+$/.test(numberText)) {
    const value = Number(numberText);
    if (!Number.isFinite(value)) throw notSupported('DOUBLE literals out of range');
    return { kind: 'double', value };
  }
  throw notSupported('floating-point literals');
}

/** Unary minus on a number literal folds into the literal, as MySQL's parser does. */
function negate(operand: Expr): Expr {
  if (operand.kind === 'literal') {
    const literal = operand.literal;
    if (literal.kind === 'int')
      return { kind: 'literal', literal: { kind: 'int', value: -literal.value } };
    if (literal.kind === 'decimal') {
      const t = literal.text.startsWith('-') ? literal.text.slice(1) : `-${literal.text}`;
      return { kind: 'literal', literal: { kind: 'decimal', text: t } };
    }
    if (literal.kind === 'double') {
      return { kind: 'literal', literal: { kind: 'double', value: -literal.value } };
    }
  }
  return { kind: 'unary', op: '-', operand };
}

/** node-sql-parser's column type → the written type (ast.ts RawColumnType) → TypeSpec. */
function typeSpec(definition: Obj, decode: (value: unknown) => string): TypeSpec {
  const suffix = list(definition.suffix).map((s) => String(s).toUpperCase());
  // ENUM / SET members (issue 6b): string literals, trailing spaces dropped as MySQL does.
  const members = isObj(definition.expr) ? list(definition.expr.value) : [];
  return typeSpecOf({
    name: (text(definition.dataType) ?? '').toUpperCase(),
    length: typeof definition.length === 'number' ? definition.length : null,
    scale: typeof definition.scale === 'number' ? definition.scale : null,
    values: members.map((m) => decode(m).replace(/ +$/, '')),
    unsigned: suffix.includes('UNSIGNED'),
    zerofill: suffix.includes('ZEROFILL'),
    binary: false,
    charset: null,
    collation: null,
  });
}
