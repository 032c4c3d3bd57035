/**
 * The token matcher for transaction statements (node-sql-parser reads none of them), called by
 * parse.ts before its other matchers:
 *
 *   BEGIN [WORK]
 *   START TRANSACTION [WITH CONSISTENT SNAPSHOT | READ ONLY | READ WRITE] [, …]
 *   COMMIT [WORK] [AND [NO] CHAIN] [[NO] RELEASE]
 *   ROLLBACK [WORK] [AND [NO] CHAIN] [[NO] RELEASE]
 *   ROLLBACK [WORK] TO [SAVEPOINT] name
 *   SAVEPOINT name                      RELEASE SAVEPOINT name
 *   SET [GLOBAL | SESSION | LOCAL] TRANSACTION
 *       {ISOLATION LEVEL {REPEATABLE READ | READ COMMITTED | READ UNCOMMITTED | SERIALIZABLE}
 *        | READ WRITE | READ ONLY} [, …]
 *
 * Keywords are case-insensitive (Drizzle sends `begin`, `savepoint x`). Anything else returns
 * undefined; a statement that starts like one of these and then goes wrong is ER_PARSE_ERROR at
 * the first token that does not fit, as MySQL reports it.
 */
import type { SelectLock, Statement, TxnIsolation, TxnStatement } from './ast.js';
import type { Token } from './lexer.js';
import { notSupported, parseErrorAt } from './parse.js';

function isWord(token: Token | undefined, ...words: string[]): boolean {
  return token !== undefined && token.kind === 'word' && words.includes(token.value.toUpperCase());
}

function isOp(token: Token | undefined, op: string): boolean {
  return token !== undefined && token.kind === 'op' && token.value === op;
}

class Reader {
  at = 0;
  constructor(
    private readonly sql: string,
    private readonly tokens: readonly Token[],
  ) {}

  get done(): boolean {
    return this.at >= this.tokens.length;
  }

  peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset];
  }

  /** Consumes the next token if it is one of `words`. */
  take(...words: string[]): boolean {
    if (!isWord(this.peek(), ...words)) return false;
    this.at++;
    return true;
  }

  /** Consumes the next token if it is the operator `op`. */
  takeOp(op: string): boolean {
    if (!isOp(this.peek(), op)) return false;
    this.at++;
    return true;
  }

  expect(...words: string[]): void {
    if (!this.take(...words)) throw this.error();
  }

  name(): string {
    const token = this.peek();
    if (token === undefined || (token.kind !== 'word' && token.kind !== 'quoted-ident')) {
      throw this.error();
    }
    this.at++;
    return token.value;
  }

  end(): void {
    if (!this.done) throw this.error();
  }

  error(): Error {
    return parseErrorAt(this.sql, this.peek()?.start ?? this.sql.length);
  }
}

/** `[AND [NO] CHAIN] [[NO] RELEASE]` of COMMIT and ROLLBACK. */
function completion(r: Reader): { chain: boolean; release: boolean } {
  let chain = false;
  let release = false;
  if (r.take('AND')) {
    chain = !r.take('NO');
    r.expect('CHAIN');
  }
  if (r.take('NO')) r.expect('RELEASE');
  else if (r.take('RELEASE')) release = true;
  r.end();
  if (release) throw notSupported('COMMIT/ROLLBACK ... RELEASE');
  return { chain, release };
}

function isolationLevel(r: Reader): TxnIsolation {
  if (r.take('SERIALIZABLE')) return 'SERIALIZABLE';
  if (r.take('REPEATABLE')) {
    r.expect('READ');
    return 'REPEATABLE-READ';
  }
  r.expect('READ');
  if (r.take('COMMITTED')) return 'READ-COMMITTED';
  r.expect('UNCOMMITTED');
  return 'READ-UNCOMMITTED';
}

function setTransaction(r: Reader, scope: 'global' | 'session' | null): TxnStatement {
  let isolation: TxnIsolation | null = null;
  let readOnly: boolean | null = null;
  do {
    if (r.take('ISOLATION')) {
      r.expect('LEVEL');
      if (isolation !== null) throw r.error();
      isolation = isolationLevel(r);
    } else {
      r.expect('READ');
      if (readOnly !== null) throw r.error();
      if (r.take('ONLY')) readOnly = true;
      else {
        r.expect('WRITE');
        readOnly = false;
      }
    }
  } while (r.takeOp(','));
  r.end();
  return { kind: 'set-transaction', scope, isolation, readOnly };
}

function startTransaction(r: Reader): TxnStatement {
  let consistentSnapshot = false;
  let readOnly: boolean | null = null;
  if (!r.done) {
    do {
      if (r.take('WITH')) {
        r.expect('CONSISTENT');
        r.expect('SNAPSHOT');
        consistentSnapshot = true;
      } else {
        r.expect('READ');
        if (readOnly !== null) throw r.error();
        if (r.take('ONLY')) readOnly = true;
        else {
          r.expect('WRITE');
          readOnly = false;
        }
      }
    } while (r.takeOp(','));
  }
  r.end();
  return { kind: 'begin', consistentSnapshot, readOnly };
}

export function matchTxnStatement(sql: string, tokens: readonly Token[]): Statement | undefined {
  const r = new Reader(sql, tokens);
  const first = r.peek();
  if (isWord(first, 'BEGIN')) {
    // BEGIN … END blocks exist only in stored programs; a bare BEGIN [WORK] starts a transaction.
    r.at++;
    r.take('WORK');
    r.end();
    return { kind: 'begin', consistentSnapshot: false, readOnly: null };
  }
  if (isWord(first, 'START') && isWord(r.peek(1), 'TRANSACTION')) {
    r.at += 2;
    return startTransaction(r);
  }
  if (isWord(first, 'COMMIT')) {
    r.at++;
    r.take('WORK');
    return { kind: 'commit', ...completion(r) };
  }
  if (isWord(first, 'ROLLBACK')) {
    r.at++;
    r.take('WORK');
    if (r.take('TO')) {
      r.take('SAVEPOINT');
      const name = r.name();
      r.end();
      return { kind: 'rollback-to-savepoint', name };
    }
    return { kind: 'rollback', ...completion(r) };
  }
  if (isWord(first, 'SAVEPOINT')) {
    r.at++;
    const name = r.name();
    r.end();
    return { kind: 'savepoint', name };
  }
  if (isWord(first, 'RELEASE') && isWord(r.peek(1), 'SAVEPOINT')) {
    r.at += 2;
    const name = r.name();
    r.end();
    return { kind: 'release-savepoint', name };
  }
  if (isWord(first, 'SET')) {
    const scopeWord = isWord(r.peek(1), 'GLOBAL', 'SESSION', 'LOCAL');
    if (!isWord(r.peek(scopeWord ? 2 : 1), 'TRANSACTION')) return undefined;
    const scope = !scopeWord
      ? null
      : isWord(r.peek(1), 'GLOBAL')
        ? 'global'
        : 'session';
    r.at += scopeWord ? 3 : 2;
    return setTransaction(r, scope);
  }
  return undefined;
}

/** A SELECT's locking clause, found at the end of its tokens. */
export interface LockingClause {
  /** Offset in the original text where the clause starts (node-sql-parser reads up to it). */
  readonly start: number;
  readonly lock: SelectLock;
}

/**
 * `FOR UPDATE | FOR SHARE [OF t [, t …]] [NOWAIT | SKIP LOCKED]` or `LOCK IN SHARE MODE` ending a
 * SELECT at the top level (node-sql-parser reads only some of these forms, so they are taken
 * off before it reads the rest). Null when the tokens end otherwise.
 */
export function lockingClause(tokens: readonly Token[]): LockingClause | null {
  const first = tokens[0];
  if (!isWord(first, 'SELECT') && !isOp(first, '(')) return null;
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (isOp(t, '(')) depth++;
    else if (isOp(t, ')')) depth--;
    if (depth !== 0) continue;
    if (isWord(t, 'LOCK') && isWord(tokens[i + 1], 'IN') && isWord(tokens[i + 2], 'SHARE')) {
      if (!isWord(tokens[i + 3], 'MODE')) return null;
      const wait = waitClause(tokens, i + 4);
      if (wait === null || wait.end !== tokens.length) return null;
      return { start: t.start, lock: { strength: 'share', wait: wait.policy } };
    }
    if (isWord(t, 'FOR') && isWord(tokens[i + 1], 'UPDATE', 'SHARE')) {
      const lock = forClause(tokens, i + 1);
      return lock === null ? null : { start: t.start, lock };
    }
  }
  return null;
}

function forClause(tokens: readonly Token[], at: number): SelectLock | null {
  const strength = isWord(tokens[at], 'UPDATE') ? 'update' : 'share';
  let i = at + 1;
  if (isWord(tokens[i], 'OF')) {
    for (i++; ; i++) {
      const name = tokens[i];
      if (name === undefined || (name.kind !== 'word' && name.kind !== 'quoted-ident')) return null;
      if (!isOp(tokens[i + 1], ',')) break;
      i++;
    }
    i++;
  }
  const wait = waitClause(tokens, i);
  return wait !== null && wait.end === tokens.length ? { strength, wait: wait.policy } : null;
}

/**
 * `[NOWAIT | SKIP LOCKED | WAIT n]` at `at` (MariaDB's WAIT n: wait at most n seconds, then
 * 1205); where it ends. Null for WAIT without a number.
 */
function waitClause(
  tokens: readonly Token[],
  at: number,
): { policy: SelectLock['wait']; end: number } | null {
  if (isWord(tokens[at], 'NOWAIT')) return { policy: 'nowait', end: at + 1 };
  if (isWord(tokens[at], 'SKIP') && isWord(tokens[at + 1], 'LOCKED')) {
    return { policy: 'skip', end: at + 2 };
  }
  if (isWord(tokens[at], 'WAIT')) {
    const n = tokens[at + 1];
    if (n?.kind !== 'number' || !/^\d+(\.\d*)?$/.test(n.value)) return null;
    return { policy: { seconds: Number(n.value) }, end: at + 2 };
  }
  return { policy: 'wait', end: at };
}
