/**
 * The token matcher for account statements (parse-admin.ts calls it):
 *
 *   CREATE USER [IF NOT EXISTS] user [auth] [, user [auth]] … [REQUIRE NONE] [ACCOUNT LOCK|UNLOCK]
 *   ALTER USER [IF EXISTS] user [auth] [, …] [ACCOUNT LOCK|UNLOCK]       (user may be USER())
 *   DROP USER [IF EXISTS] user [, user] …           RENAME USER a TO b [, c TO d] …
 *   SET PASSWORD [FOR user] = 'password'            SHOW GRANTS [FOR user | FOR CURRENT_USER()]
 *   GRANT priv [, priv] … ON level TO user [, user] … [WITH GRANT OPTION]
 *   REVOKE priv [, priv] … ON level FROM user [, …]  REVOKE ALL [PRIVILEGES], GRANT OPTION FROM …
 *
 *   user   'name'@'host' | name@host | `name`@`host` | 'name' (host '%') | CURRENT_USER[()]
 *   auth   IDENTIFIED BY 'pw' | IDENTIFIED WITH plugin [BY 'pw' | AS 'hash']
 *   level  *.* | db.* | * | db.t | t   (a privilege name is one or more words: LOCK TABLES, …)
 *
 * Roles, column privileges, PROXY, password policies (PASSWORD EXPIRE, FAILED_LOGIN_ATTEMPTS …),
 * RANDOM PASSWORD and REQUIRE SSL/X509 answer ER_NOT_SUPPORTED_YET.
 */
import type { AccountAuth, AccountRef, AccountSpec, AccountStatement, GrantLevel } from './ast.js';
import type { Token } from './lexer.js';
import { SqlError } from '../errors.js';
import { notSupported, parseErrorAt } from './parse.js';

export interface UserParseContext {
  readonly sql: string;
  readonly tokens: readonly Token[];
}

const USER_NAME_CHARS_MAX = 32;
const HOST_NAME_CHARS_MAX = 255;

class Cursor {
  at = 0;
  constructor(readonly ctx: UserParseContext) {}

  peek(offset = 0): Token | undefined {
    return this.ctx.tokens[this.at + offset];
  }

  done(): boolean {
    return this.at >= this.ctx.tokens.length;
  }

  /** ER_PARSE_ERROR at the current token; its 'near …' text never shows a password. */
  error(): never {
    throw parseErrorAt(masked(this.ctx), this.peek()?.start ?? this.ctx.sql.length);
  }

  isWord(offset: number, ...words: string[]): boolean {
    const t = this.peek(offset);
    return t !== undefined && t.kind === 'word' && words.includes(t.value.toUpperCase());
  }

  word(...words: string[]): boolean {
    if (!this.isWord(0, ...words)) return false;
    this.at++;
    return true;
  }

  expect(...words: string[]): void {
    if (!this.word(...words)) this.error();
  }

  op(value: string): boolean {
    const t = this.peek();
    if (t === undefined || t.kind !== 'op' || t.value !== value) return false;
    this.at++;
    return true;
  }

  /** A name: word, `identifier` or 'string'. */
  name(): string {
    const t = this.peek();
    if (
      t === undefined ||
      !(t.kind === 'word' || t.kind === 'quoted-ident' || t.kind === 'string')
    ) {
      this.error();
    }
    this.at++;
    return t.value;
  }

  string(): string {
    const t = this.peek();
    if (t === undefined || t.kind !== 'string') this.error();
    this.at++;
    return t.value;
  }

  end(): void {
    if (!this.done()) this.error();
  }
}

function tooLong(text: string, what: string, max: number): never {
  throw new SqlError('ER_WRONG_STRING_LENGTH', [text, what, max]);
}

function account(c: Cursor): AccountRef {
  if (c.word('CURRENT_USER')) {
    if (c.op('(') && !c.op(')')) c.error();
    return { kind: 'current' };
  }
  const user = c.name();
  let host = '%';
  const t = c.peek();
  if (
    t !== undefined &&
    t.kind === 'variable' &&
    t.start === (c.ctx.tokens[c.at - 1] as Token).end
  ) {
    c.at++;
    if (t.value.length > 1) host = t.value.slice(1);
    else host = c.name();
  }
  if (Array.from(user).length > USER_NAME_CHARS_MAX)
    tooLong(user, 'user name', USER_NAME_CHARS_MAX);
  if (host.length > HOST_NAME_CHARS_MAX) tooLong(host, 'host name', HOST_NAME_CHARS_MAX);
  return { kind: 'named', user, host: host.toLowerCase() };
}

/** USER() in ALTER USER: the session's own account. */
function alterTarget(c: Cursor): AccountRef {
  if (c.isWord(0, 'USER') && c.peek(1)?.value === '(') {
    c.at++;
    c.op('(');
    if (!c.op(')')) c.error();
    return { kind: 'current' };
  }
  return account(c);
}

function auth(c: Cursor): AccountAuth | null {
  if (!c.word('IDENTIFIED')) return null;
  let plugin: string | null = null;
  if (c.word('WITH')) plugin = c.name().toLowerCase();
  if (c.word('BY')) {
    if (c.word('RANDOM')) throw notSupported('RANDOM PASSWORD');
    return { plugin, password: c.string(), hash: null };
  }
  if (c.word('AS')) return { plugin, password: null, hash: c.string() };
  if (plugin === null) c.error();
  return { plugin, password: null, hash: null };
}

/** ACCOUNT LOCK | UNLOCK, REQUIRE NONE; everything else of the account options is refused. */
function accountOptions(c: Cursor): boolean | null {
  let lock: boolean | null = null;
  while (!c.done()) {
    if (c.word('ACCOUNT')) {
      if (c.word('LOCK')) lock = true;
      else if (c.word('UNLOCK')) lock = false;
      else c.error();
    } else if (c.word('REQUIRE')) {
      if (!c.word('NONE')) throw notSupported('REQUIRE SSL / X509 for accounts');
    } else if (c.isWord(0, 'DEFAULT') && c.isWord(1, 'ROLE')) {
      throw notSupported('roles');
    } else if (
      c.isWord(
        0,
        'PASSWORD',
        'FAILED_LOGIN_ATTEMPTS',
        'PASSWORD_LOCK_TIME',
        'WITH',
        'COMMENT',
        'ATTRIBUTE',
      )
    ) {
      throw notSupported('account options');
    } else {
      c.error();
    }
  }
  return lock;
}

function specs(c: Cursor, alter: boolean): AccountSpec[] {
  const out: AccountSpec[] = [];
  do {
    const target = alter ? alterTarget(c) : account(c);
    out.push({ account: target, auth: auth(c) });
  } while (c.op(','));
  return out;
}

function accounts(c: Cursor): AccountRef[] {
  const out: AccountRef[] = [];
  do out.push(account(c));
  while (c.op(','));
  return out;
}

function ifClause(c: Cursor, exists: boolean): boolean {
  if (!c.isWord(0, 'IF')) return false;
  c.at++;
  if (!exists) c.expect('NOT');
  c.expect('EXISTS');
  return true;
}

/** Privilege names up to ON (or FROM for REVOKE ALL …, GRANT OPTION). */
function privilegeNames(c: Cursor): string[] {
  const names: string[] = [];
  let words: string[] = [];
  for (;;) {
    const t = c.peek();
    if (t === undefined) c.error();
    if (t.kind === 'op' && t.value === '(') throw notSupported('column privileges');
    if (t.kind === 'op' && t.value === ',') {
      if (words.length === 0) c.error();
      names.push(words.join(' '));
      words = [];
      c.at++;
      continue;
    }
    if (t.kind === 'word' && (c.isWord(0, 'ON') || (c.isWord(0, 'FROM') && words.length > 0)))
      break;
    if (t.kind !== 'word') c.error();
    words.push(t.value.toUpperCase());
    c.at++;
  }
  if (words.length === 0) c.error();
  names.push(words.join(' '));
  return names.map((n) => (n === 'ALL PRIVILEGES' ? 'ALL' : n));
}

function level(c: Cursor): GrantLevel {
  c.word('TABLE');
  if (c.isWord(0, 'FUNCTION', 'PROCEDURE')) throw notSupported('routine privileges');
  if (c.op('*')) {
    if (!c.op('.')) return { kind: 'database', database: null };
    if (!c.op('*')) c.error();
    return { kind: 'global' };
  }
  const first = c.name();
  if (!c.op('.')) return { kind: 'table', database: null, table: first };
  if (c.op('*')) return { kind: 'database', database: first };
  return { kind: 'table', database: first, table: c.name() };
}

function grant(c: Cursor): AccountStatement {
  const privileges = privilegeNames(c);
  c.expect('ON');
  const lvl = level(c);
  c.expect('TO');
  const users = accounts(c);
  let grantOption = false;
  if (c.word('WITH')) {
    c.expect('GRANT');
    c.expect('OPTION');
    grantOption = true;
  }
  if (c.word('AS')) throw notSupported('GRANT … AS');
  c.end();
  if (privileges.includes('PROXY')) throw notSupported('PROXY');
  return { kind: 'grant', privileges, level: lvl, users, grantOption };
}

function revoke(c: Cursor): AccountStatement {
  if (c.word('IF')) throw notSupported('REVOKE IF EXISTS');
  const privileges = privilegeNames(c);
  if (c.word('FROM')) {
    // REVOKE ALL [PRIVILEGES], GRANT OPTION FROM …
    if (privileges.join(',') !== 'ALL,GRANT OPTION') c.error();
    const users = accounts(c);
    c.end();
    return { kind: 'revoke', privileges, level: null, users };
  }
  c.expect('ON');
  const lvl = level(c);
  c.expect('FROM');
  const users = accounts(c);
  if (c.word('IGNORE')) throw notSupported('REVOKE … IGNORE UNKNOWN USER');
  c.end();
  return { kind: 'revoke', privileges, level: lvl, users };
}

/** The statement text with every string literal's content replaced by '*' (no password shows). */
function masked(ctx: UserParseContext): string {
  let text = ctx.sql;
  for (const t of ctx.tokens) {
    if (t.kind !== 'string') continue;
    const inner = Math.max(0, t.end - t.start - 2);
    text = text.slice(0, t.start + 1) + '*'.repeat(inner) + text.slice(t.end - 1);
  }
  return text;
}

/** An account statement, or undefined when the tokens begin none. */
export function matchUserStatement(ctx: UserParseContext): AccountStatement | undefined {
  const c = new Cursor(ctx);
  if (c.isWord(0, 'CREATE', 'ALTER', 'DROP') && c.isWord(1, 'ROLE')) throw notSupported('roles');
  if (c.isWord(0, 'CREATE') && c.isWord(1, 'USER')) {
    c.at = 2;
    const ifNotExists = ifClause(c, false);
    const users = specs(c, false);
    return { kind: 'create-user', ifNotExists, users, lock: accountOptions(c) };
  }
  if (c.isWord(0, 'ALTER') && c.isWord(1, 'USER')) {
    c.at = 2;
    const ifExists = ifClause(c, true);
    const users = specs(c, true);
    return { kind: 'alter-user', ifExists, users, lock: accountOptions(c) };
  }
  if (c.isWord(0, 'DROP') && c.isWord(1, 'USER')) {
    c.at = 2;
    const ifExists = ifClause(c, true);
    const users = accounts(c);
    c.end();
    return { kind: 'drop-user', ifExists, users };
  }
  if (c.isWord(0, 'RENAME') && c.isWord(1, 'USER')) {
    c.at = 2;
    const renames: { from: AccountRef; to: AccountRef }[] = [];
    do {
      const from = account(c);
      c.expect('TO');
      renames.push({ from, to: account(c) });
    } while (c.op(','));
    c.end();
    return { kind: 'rename-user', renames };
  }
  if (c.isWord(0, 'SET') && c.isWord(1, 'PASSWORD')) {
    c.at = 2;
    const target = c.word('FOR') ? account(c) : null;
    if (c.word('TO')) throw notSupported('RANDOM PASSWORD');
    if (!c.op('=')) c.error();
    const password = c.string();
    if (c.word('REPLACE', 'RETAIN')) throw notSupported('password history options');
    c.end();
    return { kind: 'set-password', account: target, password };
  }
  if (c.isWord(0, 'SHOW') && c.isWord(1, 'GRANTS')) {
    c.at = 2;
    const target = c.word('FOR') ? account(c) : null;
    if (c.word('USING')) throw notSupported('roles');
    c.end();
    return { kind: 'show-grants', account: target };
  }
  if (c.word('GRANT')) return grant(c);
  if (c.word('REVOKE')) return revoke(c);
  return undefined;
}
