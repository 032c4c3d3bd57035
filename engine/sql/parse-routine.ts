/**
 * The token parser for stored programs (issue 6), called by parse.ts before node-sql-parser:
 *
 *   CREATE [DEFINER = u] PROCEDURE [IF NOT EXISTS] p ([IN | OUT | INOUT] name type, …)
 *          [characteristic …] body
 *   CREATE [DEFINER = u] FUNCTION [IF NOT EXISTS] f (name type, …) RETURNS type
 *          [characteristic …] body
 *   CREATE [DEFINER = u] TRIGGER [IF NOT EXISTS] n {BEFORE | AFTER} {INSERT | UPDATE | DELETE}
 *          ON t FOR EACH ROW [{FOLLOWS | PRECEDES} other] body
 *   CALL p [([arg, …])]
 *
 *   characteristic: COMMENT 's' | LANGUAGE SQL | [NOT] DETERMINISTIC | CONTAINS SQL | NO SQL
 *                   | READS SQL DATA | MODIFIES SQL DATA | SQL SECURITY {DEFINER | INVOKER}
 *
 * and `parseBody`, which reads a body (one statement, or a compound one) into ast-routine.ts's
 * BodyNodes: [label:] BEGIN [DECLARE v[, …] type [DEFAULT e]; …] … END [label], SET, SELECT …
 * INTO, IF / ELSEIF / ELSE, CASE, WHILE, REPEAT, LOOP, LEAVE, ITERATE, RETURN; any other statement
 * is kept as text. DECLARE … CONDITION / HANDLER / CURSOR (and OPEN / FETCH / CLOSE, SIGNAL,
 * RESIGNAL, GET DIAGNOSTICS) answer ER_NOT_SUPPORTED_YET.
 *
 * `compoundEnd` lets parse.ts keep a CREATE PROCEDURE / FUNCTION / TRIGGER whole although its
 * body holds `;`s: the statement runs to its last token.
 */
import { SqlError } from '../errors.js';
import type {
  AccountName,
  AssignTarget,
  BodyNode,
  CreateRoutine,
  CreateTrigger,
  LocalDeclaration,
  RoutineCharacteristics,
  RoutineParam,
  SqlDataAccess,
  Statement,
  TableName,
} from './ast.js';
import { type Token, lex } from './lexer.js';
import {
  Cursor, type ParseContext, definerClause, isOp, isWord, unquoteHost,
} from './parse-cursor.js';
import { columnType } from './parse-ddl-table.js';
import { notSupported, parseErrorAt } from './parse.js';

const PROGRAM_WORDS = ['PROCEDURE', 'FUNCTION', 'TRIGGER'];

/** Index of the PROCEDURE / FUNCTION / TRIGGER word of a CREATE of one, or -1. */
function programWordAt(tokens: readonly Token[]): number {
  if (!isWord(tokens[0], 'CREATE')) return -1;
  const c = new Cursor({ sql: '', tokens } as unknown as ParseContext);
  c.at = 1;
  try {
    if (c.word('DEFINER')) definerClause(c);
  } catch {
    return -1;
  }
  return isWord(c.peek(), ...PROGRAM_WORDS) ? c.at : -1;
}

/**
 * For parse.ts: the end of a CREATE PROCEDURE / FUNCTION / TRIGGER statement (its last token
 * not a trailing `;`), or undefined for any other statement.
 */
export function compoundEnd(tokens: readonly Token[]): number | undefined {
  if (programWordAt(tokens) === -1) return undefined;
  let end = tokens.length;
  while (end > 0 && isOp(tokens[end - 1], ';')) end--;
  return end;
}

export function matchRoutineStatement(ctx: ParseContext): Statement | undefined {
  const c = new Cursor(ctx);
  if (c.word('CALL')) return call(c);
  if (programWordAt(ctx.tokens) === -1) return undefined;
  c.at = 1;
  const definer = c.word('DEFINER') ? definerClause(c) : null;
  const what = c.expectWord(...PROGRAM_WORDS);
  const ifNotExists = c.words('IF', 'NOT', 'EXISTS');
  const name = c.tableName();
  if (what === 'TRIGGER') return createTrigger(c, { ifNotExists, name, definer });
  return createRoutine(c, what === 'PROCEDURE' ? 'PROCEDURE' : 'FUNCTION', {
    ifNotExists,
    name,
    definer,
  });
}

function call(c: Cursor): Statement {
  const name = c.tableName();
  const ranges: [number, number][] = [];
  if (c.op('(')) {
    if (!c.op(')')) {
      const close = c.closing(c.at - 1);
      let from = c.at;
      let depth = 0;
      for (let i = c.at; i <= close; i++) {
        const t = c.tokens[i] as Token;
        if (isOp(t, '(')) depth++;
        else if (isOp(t, ')')) depth--;
        if (i === close || (depth === 0 && isOp(t, ','))) {
          if (i === from) {
            c.at = i;
            c.error();
          }
          ranges.push(c.range(from, i));
          from = i + 1;
        }
      }
      c.at = close + 1;
    }
  }
  c.end();
  return { kind: 'call', name, args: ranges.length === 0 ? [] : c.ctx.expressions(ranges) };
}

interface Head {
  readonly ifNotExists: boolean;
  readonly name: TableName;
  readonly definer: AccountName | null;
}

/** A type as written (the tokens columnType reads), validated. */
function typeText(c: Cursor): string {
  const from = c.at;
  columnType(c);
  return c.text(from, c.at);
}

function params(c: Cursor, procedure: boolean): { list: RoutineParam[]; text: string } {
  c.expectOp('(');
  const open = c.at - 1;
  const list: RoutineParam[] = [];
  if (!c.op(')')) {
    do {
      const mode = procedure ? (c.oneOf('IN', 'OUT', 'INOUT') ?? 'IN') : 'IN';
      const name = c.name().toLowerCase();
      if (list.some((p) => p.name === name)) throw new SqlError('ER_SP_DUP_PARAM', [name]);
      list.push({ mode, name, type: typeText(c) });
    } while (c.op(','));
    c.expectOp(')');
  }
  const text = c.at - 1 > open + 1 ? c.text(open + 1, c.at - 1) : '';
  return { list, text };
}

function characteristics(c: Cursor): { value: RoutineCharacteristics; text: string } {
  const from = c.at;
  let comment = '';
  let deterministic = false;
  let dataAccess: SqlDataAccess = 'CONTAINS SQL';
  let security: 'DEFINER' | 'INVOKER' = 'DEFINER';
  for (;;) {
    if (c.word('COMMENT')) comment = c.string();
    else if (c.word('LANGUAGE')) c.expectWord('SQL');
    else if (c.word('DETERMINISTIC')) deterministic = true;
    else if (c.words('NOT', 'DETERMINISTIC')) deterministic = false;
    else if (c.words('CONTAINS', 'SQL')) dataAccess = 'CONTAINS SQL';
    else if (c.words('NO', 'SQL')) dataAccess = 'NO SQL';
    else if (c.words('READS', 'SQL', 'DATA')) dataAccess = 'READS SQL DATA';
    else if (c.words('MODIFIES', 'SQL', 'DATA')) dataAccess = 'MODIFIES SQL DATA';
    else if (c.words('SQL', 'SECURITY')) security = c.oneOf('DEFINER', 'INVOKER') ?? c.error();
    else break;
  }
  const text = c.at > from ? c.text(from, c.at) : '';
  return { value: { comment, deterministic, dataAccess, security }, text };
}

/** The rest of the statement as the body's text. */
function bodyText(c: Cursor): string {
  if (c.done()) c.error();
  return c.text(c.at, c.tokens.length);
}

function createRoutine(c: Cursor, type: 'PROCEDURE' | 'FUNCTION', head: Head): CreateRoutine {
  const { list, text } = params(c, type === 'PROCEDURE');
  let returns: string | null = null;
  if (type === 'FUNCTION') {
    c.expectWord('RETURNS');
    returns = typeText(c);
  }
  const chars = characteristics(c);
  const body = bodyText(c);
  const nodes = parseBody(body, {
    locals: list.map((p) => p.name),
    trigger: null,
    function: type === 'FUNCTION',
  });
  if (type === 'FUNCTION' && !containsReturn(nodes)) {
    throw new SqlError('ER_SP_NORETURN', [qualified(head.name)]);
  }
  return {
    kind: 'create-routine',
    type,
    ...head,
    params: list,
    paramsText: text,
    returns,
    characteristics: chars.value,
    characteristicsText: chars.text,
    body,
  };
}

function qualified(name: TableName): string {
  return name.database === null ? name.name : `${name.database}.${name.name}`;
}

function containsReturn(nodes: readonly BodyNode[]): boolean {
  return nodes.some((n) => {
    switch (n.kind) {
      case 'return':
        return true;
      case 'block':
      case 'loop':
        return containsReturn(n.body);
      case 'if':
        return n.branches.some((b) => containsReturn(b.body)) || containsReturn(n.otherwise ?? []);
      default:
        return false;
    }
  });
}

function createTrigger(c: Cursor, head: Head): CreateTrigger {
  const timing = c.oneOf('BEFORE', 'AFTER') ?? c.error();
  const event = c.oneOf('INSERT', 'UPDATE', 'DELETE') ?? c.error();
  c.expectWord('ON');
  const table = c.tableName();
  c.expectWord('FOR');
  c.expectWord('EACH');
  c.expectWord('ROW');
  let order: CreateTrigger['order'] = null;
  const follows = c.oneOf('FOLLOWS', 'PRECEDES');
  if (follows !== null) order = { follows: follows === 'FOLLOWS', other: c.name() };
  const body = bodyText(c);
  parseBody(body, { locals: [], trigger: { timing, event }, function: false });
  return { kind: 'create-trigger', ...head, timing, event, table, order, body };
}

// ---------------------------------------------------------------------------------------------
// Bodies

export interface BodyScope {
  /** Parameters (lower case). */
  readonly locals: readonly string[];
  /** A trigger's timing and event (NEW / OLD rules), or null. */
  readonly trigger: { readonly timing: string; readonly event: string } | null;
  /** RETURN is allowed (a function). */
  readonly function: boolean;
}

const cache = new Map<string, readonly BodyNode[]>();
const BODY_CACHE_MAX = 256;

/** A body's nodes (cached by text and scope: bodies are parsed again each time they run). */
export function parseBody(body: string, scope: BodyScope): readonly BodyNode[] {
  const key =
    `${scope.function ? 'F' : 'P'}${scope.trigger?.timing ?? ''}${scope.trigger?.event ?? ''}` +
    `${scope.locals.join(',')}\u0000${body}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const lexed = lex(body);
  const broken = lexed.tokens.find((t) => t.kind === 'error');
  if (broken !== undefined) throw parseErrorAt(body, broken.start);
  const parser = new BodyParser(body, lexed.tokens, scope);
  const nodes = parser.program();
  if (cache.size >= BODY_CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(key, nodes);
  return nodes;
}

const UNSUPPORTED_STARTS = ['OPEN', 'FETCH', 'CLOSE', 'SIGNAL', 'RESIGNAL', 'GET'];

class BodyParser {
  private at = 0;
  private readonly scopes: Set<string>[];
  private readonly labels: { name: string; loop: boolean }[] = [];

  constructor(
    private readonly sql: string,
    private readonly tokens: readonly Token[],
    private readonly scope: BodyScope,
  ) {
    this.scopes = [new Set(scope.locals)];
  }

  program(): BodyNode[] {
    const nodes = [this.statement()];
    while (this.op(';')) if (this.at < this.tokens.length) nodes.push(this.statement());
    if (this.at < this.tokens.length) this.error();
    return nodes;
  }

  // -- tokens --

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset];
  }

  private error(at = this.at): never {
    throw parseErrorAt(this.sql, this.tokens[at]?.start ?? this.sql.length);
  }

  private word(...words: string[]): boolean {
    if (!isWord(this.peek(), ...words)) return false;
    this.at++;
    return true;
  }

  private expectWord(...words: string[]): void {
    if (!this.word(...words)) this.error();
  }

  private op(op: string): boolean {
    if (!isOp(this.peek(), op)) return false;
    this.at++;
    return true;
  }

  private name(): string {
    const t = this.peek();
    if (t === undefined || (t.kind !== 'word' && t.kind !== 'quoted-ident')) this.error();
    this.at++;
    return t.value;
  }

  private text(from: number, to: number): string {
    if (to <= from) this.error(from);
    return this.sql.slice((this.tokens[from] as Token).start, (this.tokens[to - 1] as Token).end);
  }

  /**
   * The index of the first token from `from` on that is one of `words` (or `;` when `semicolon`)
   * outside parentheses and CASE … END expressions; the end of the tokens when none is.
   */
  private find(from: number, words: readonly string[], semicolon: boolean): number {
    let depth = 0;
    let cases = 0;
    for (let i = from; i < this.tokens.length; i++) {
      const t = this.tokens[i] as Token;
      if (isOp(t, '(')) depth++;
      else if (isOp(t, ')')) depth--;
      else if (depth === 0 && isWord(t, 'CASE')) cases++;
      else if (depth === 0 && cases > 0 && isWord(t, 'END')) cases--;
      else if (depth === 0 && cases === 0) {
        if (semicolon && isOp(t, ';')) return i;
        if (words.length > 0 && isWord(t, ...words)) return i;
      }
    }
    return this.tokens.length;
  }

  /** An expression's text up to one of `words` (consumed). */
  private exprUntil(...words: string[]): string {
    const end = this.find(this.at, words, true);
    if (!isWord(this.tokens[end], ...words)) this.error(end);
    const text = this.text(this.at, end);
    this.at = end + 1;
    return text;
  }

  private isLocal(name: string): boolean {
    const lower = name.toLowerCase();
    return this.scopes.some((s) => s.has(lower));
  }

  // -- statements --

  /** Statements up to one of `stops` (not consumed), each ended by `;`. */
  private list(...stops: string[]): BodyNode[] {
    const nodes: BodyNode[] = [];
    while (!isWord(this.peek(), ...stops)) {
      if (this.at >= this.tokens.length) this.error();
      nodes.push(this.statement());
      if (!this.op(';')) this.error();
    }
    return nodes;
  }

  private statement(): BodyNode {
    const first = this.peek();
    if (first === undefined) this.error();
    let label: string | null = null;
    if ((first.kind === 'word' || first.kind === 'quoted-ident') && isOp(this.peek(1), ':')) {
      label = first.value.toLowerCase();
      this.at += 2;
      if (!isWord(this.peek(), 'BEGIN', 'LOOP', 'WHILE', 'REPEAT')) this.error();
    }
    const start = this.peek();
    if (isWord(start, 'BEGIN') && !isWord(this.peek(1), 'WORK') && !isOp(this.peek(1), ';')) {
      return this.labelled(label, false, () => this.block(label));
    }
    if (isWord(start, 'BEGIN') && label !== null)
      return this.labelled(label, false, () => this.block(label));
    if (isWord(start, 'LOOP', 'WHILE', 'REPEAT')) {
      return this.labelled(label, true, () => this.loop(label));
    }
    if (this.word('IF')) return this.ifStatement();
    if (this.word('CASE')) return this.caseStatement();
    if (this.word('LEAVE', 'ITERATE')) return this.jump(start as Token);
    if (this.word('RETURN')) {
      if (!this.scope.function) throw new SqlError('ER_SP_BADRETURN');
      return { kind: 'return', expr: this.simpleText() };
    }
    if (isWord(start, 'DECLARE')) this.error();
    if (isWord(start, ...UNSUPPORTED_STARTS)) {
      throw notSupported(`${(start as Token).value.toUpperCase()} in stored programs`);
    }
    if (isWord(start, 'SET')) return this.set();
    if (isWord(start, 'SELECT', 'WITH') || isOp(start, '(')) return this.select();
    if (isWord(start, 'CREATE') && programWordAt(this.tokens.slice(this.at)) !== -1) {
      throw new SqlError('ER_SP_BADSTATEMENT', ['CREATE ' + this.peekProgramWord()]);
    }
    return { kind: 'sql', text: this.simpleText() };
  }

  private peekProgramWord(): string {
    const at = programWordAt(this.tokens.slice(this.at));
    return (this.tokens[this.at + at] as Token).value.toUpperCase();
  }

  /** A simple statement's text, to its `;` (not consumed) or the end. */
  private simpleText(): string {
    const end = this.find(this.at, [], true);
    const text = this.text(this.at, end);
    this.at = end;
    return text;
  }

  private labelled(label: string | null, loop: boolean, parse: () => BodyNode): BodyNode {
    if (label !== null) {
      if (this.labels.some((l) => l.name === label))
        throw new SqlError('ER_SP_LABEL_REDEFINE', [label]);
      this.labels.push({ name: label, loop });
    }
    try {
      return parse();
    } finally {
      if (label !== null) this.labels.pop();
    }
  }

  /** After END [WHILE | …]: an optional end label, which must match (1310). */
  private endLabel(label: string | null): void {
    const t = this.peek();
    if (t === undefined || (t.kind !== 'word' && t.kind !== 'quoted-ident')) return;
    if (isWord(t, 'END', 'ELSE', 'ELSEIF', 'UNTIL', 'WHEN')) return;
    this.at++;
    if (label === null || t.value.toLowerCase() !== label) {
      throw new SqlError('ER_SP_LABEL_MISMATCH', [t.value]);
    }
  }

  private block(label: string | null): BodyNode {
    this.expectWord('BEGIN');
    const names = new Set<string>();
    this.scopes.push(names);
    try {
      const declarations: LocalDeclaration[] = [];
      while (isWord(this.peek(), 'DECLARE')) {
        declarations.push(this.declare(names));
        if (!this.op(';')) this.error();
      }
      const body = this.list('END');
      this.expectWord('END');
      this.endLabel(label);
      return { kind: 'block', label, declarations, body };
    } finally {
      this.scopes.pop();
    }
  }

  private declare(names: Set<string>): LocalDeclaration {
    this.expectWord('DECLARE');
    if (
      isWord(this.peek(1), 'CONDITION', 'CURSOR') ||
      isWord(this.peek(), 'CONTINUE', 'EXIT', 'UNDO')
    ) {
      throw notSupported('DECLARE … CONDITION / CURSOR / HANDLER in stored programs');
    }
    const declared: string[] = [];
    do {
      const name = this.name().toLowerCase();
      if (names.has(name) || declared.includes(name)) throw new SqlError('ER_SP_DUP_VAR', [name]);
      declared.push(name);
    } while (this.op(','));
    const typeStart = this.at;
    const c = new Cursor({ sql: this.sql, tokens: this.tokens } as unknown as ParseContext);
    c.at = this.at;
    columnType(c);
    this.at = c.at;
    const type = this.text(typeStart, this.at);
    let defaultExpr: string | null = null;
    if (this.word('DEFAULT')) defaultExpr = this.simpleText();
    for (const n of declared) names.add(n);
    return { names: declared, type, defaultExpr };
  }

  private ifStatement(): BodyNode {
    const branches: { condition: string; body: BodyNode[] }[] = [];
    let otherwise: BodyNode[] | null = null;
    do {
      const condition = this.exprUntil('THEN');
      branches.push({ condition, body: this.list('ELSEIF', 'ELSE', 'END') });
    } while (this.word('ELSEIF'));
    if (this.word('ELSE')) otherwise = this.list('END');
    this.expectWord('END');
    this.expectWord('IF');
    return { kind: 'if', branches, otherwise, caseNotFound: false };
  }

  /** CASE [operand] WHEN … THEN … [ELSE …] END CASE, as an IF chain. */
  private caseStatement(): BodyNode {
    let operand: string | null = null;
    if (!isWord(this.peek(), 'WHEN')) operand = this.exprUntil('WHEN');
    else this.at++;
    const branches: { condition: string; body: BodyNode[] }[] = [];
    for (;;) {
      const value = this.exprUntil('THEN');
      const condition = operand === null ? value : `(${operand}) = (${value})`;
      branches.push({ condition, body: this.list('WHEN', 'ELSE', 'END') });
      if (!this.word('WHEN')) break;
    }
    let otherwise: BodyNode[] | null = null;
    if (this.word('ELSE')) otherwise = this.list('END');
    this.expectWord('END');
    this.expectWord('CASE');
    return { kind: 'if', branches, otherwise, caseNotFound: otherwise === null };
  }

  private loop(label: string | null): BodyNode {
    if (this.word('WHILE')) {
      const condition = this.exprUntil('DO');
      const body = this.list('END');
      this.expectWord('END');
      this.expectWord('WHILE');
      this.endLabel(label);
      return { kind: 'loop', label, test: { when: 'before', condition }, body };
    }
    if (this.word('REPEAT')) {
      const body = this.list('UNTIL');
      this.expectWord('UNTIL');
      const condition = this.exprUntil('END');
      this.expectWord('REPEAT');
      this.endLabel(label);
      return { kind: 'loop', label, test: { when: 'after', condition }, body };
    }
    this.expectWord('LOOP');
    const body = this.list('END');
    this.expectWord('END');
    this.expectWord('LOOP');
    this.endLabel(label);
    return { kind: 'loop', label, test: null, body };
  }

  private jump(start: Token): BodyNode {
    const leave = isWord(start, 'LEAVE');
    const label = this.name().toLowerCase();
    const found = this.labels.find((l) => l.name === label);
    if (found === undefined || (!leave && !found.loop)) {
      throw new SqlError('ER_SP_LILABEL_MISMATCH', [leave ? 'LEAVE' : 'ITERATE', label]);
    }
    return leave ? { kind: 'leave', label } : { kind: 'iterate', label };
  }

  /** A target of SET or INTO that the program assigns itself, or null (a variable SET keeps). */
  private target(): AssignTarget | null {
    const t = this.peek();
    if (t === undefined) this.error();
    if (t.kind === 'variable' && t.value.startsWith('@') && !t.value.startsWith('@@')) {
      const raw = t.value.slice(1);
      if (raw === '') return null;
      this.at++;
      return { kind: 'user', name: unquoteHost(raw).toLowerCase() };
    }
    if ((t.kind === 'word' || t.kind === 'quoted-ident') && isOp(this.peek(1), '.')) {
      if (this.scope.trigger !== null && isWord(t, 'NEW', 'OLD')) {
        const column = this.peek(2);
        if (column === undefined || (column.kind !== 'word' && column.kind !== 'quoted-ident'))
          this.error();
        if (isWord(t, 'OLD')) throw new SqlError('ER_TRG_CANT_CHANGE_ROW', ['OLD', '']);
        if (this.scope.trigger.event === 'DELETE') {
          throw new SqlError('ER_TRG_NO_SUCH_ROW_IN_TRG', ['NEW', 'DELETE']);
        }
        if (this.scope.trigger.timing === 'AFTER') {
          throw new SqlError('ER_TRG_CANT_CHANGE_ROW', ['NEW', 'after ']);
        }
        this.at += 3;
        return { kind: 'new', column: column.value };
      }
      return null;
    }
    if ((t.kind === 'word' || t.kind === 'quoted-ident') && this.isLocal(t.value)) {
      this.at++;
      return { kind: 'local', name: t.value.toLowerCase() };
    }
    return null;
  }

  /** SET a = e, … : locals, NEW columns and user variables here; others by SET itself. */
  private set(): BodyNode {
    const setAt = this.at;
    this.expectWord('SET');
    if (
      isWord(
        this.peek(),
        'TRANSACTION',
        'NAMES',
        'CHARACTER',
        'CHARSET',
        'PASSWORD',
        'ROLE',
        'DEFAULT',
      )
    ) {
      this.at = setAt;
      return { kind: 'sql', text: this.simpleText() };
    }
    const end = this.find(this.at, [], true);
    const parts: { from: number; to: number }[] = [];
    let from = this.at;
    let depth = 0;
    for (let i = this.at; i <= end; i++) {
      const t = this.tokens[i];
      if (isOp(t, '(')) depth++;
      else if (isOp(t, ')')) depth--;
      if (i === end || (depth === 0 && isOp(t, ','))) {
        parts.push({ from, to: i });
        from = i + 1;
      }
    }
    const assignments: { target: AssignTarget; expr: string }[] = [];
    const others: string[] = [];
    for (const part of parts) {
      this.at = part.from;
      const target = this.target();
      if (target === null || !(this.op('=') || this.op(':='))) {
        others.push(this.text(part.from, part.to));
        continue;
      }
      assignments.push({ target, expr: this.text(this.at, part.to) });
    }
    this.at = end;
    if (others.length > 0 && assignments.length > 0) {
      throw notSupported('SET of local and system variables in one statement');
    }
    if (others.length > 0) return { kind: 'sql', text: `SET ${others.join(', ')}` };
    return { kind: 'assign', assignments };
  }

  /** SELECT … [INTO targets] …: the INTO clause taken out. */
  private select(): BodyNode {
    const start = this.at;
    const end = this.find(this.at, [], true);
    let into = -1;
    let depth = 0;
    for (let i = start; i < end; i++) {
      const t = this.tokens[i];
      if (isOp(t, '(')) depth++;
      else if (isOp(t, ')')) depth--;
      else if (depth === 0 && isWord(t, 'INTO')) {
        into = i;
        break;
      }
    }
    if (into === -1 || isWord(this.tokens[into + 1], 'OUTFILE', 'DUMPFILE')) {
      return { kind: 'sql', text: this.simpleText() };
    }
    this.at = into + 1;
    const targets: AssignTarget[] = [];
    do {
      const name = this.peek();
      const target = this.target();
      if (target === null) {
        throw name !== undefined && (name.kind === 'word' || name.kind === 'quoted-ident')
          ? new SqlError('ER_SP_UNDECLARED_VAR', [name.value])
          : parseErrorAt(this.sql, name?.start ?? this.sql.length);
      }
      targets.push(target);
    } while (this.op(','));
    const after = this.at;
    const head = this.text(start, into);
    const tail = after < end ? ' ' + this.text(after, end) : '';
    this.at = end;
    return { kind: 'select-into', query: head + tail, targets };
  }
}
