/**
 * A programmable Engine for server tests: each statement goes to a handler the test supplies,
 * and every session records what it was asked. Used only by tests; the real engine lives in
 * engine/.
 *
 * Prepared statements run through the same handler, with their parameters; `describe` tells what
 * a statement's PREPARE reports (by default: one parameter per '?' outside quotes, no columns).
 * Accounts, COM_FIELD_LIST columns and the statement splitter are programmable too.
 *
 * It keeps the seam's contract where the server could break it: `execute`, prepared executes and
 * `useDatabase` assert that the previous call on the session has finished (calls are
 * serialized), and that the session is still open; `close` may be called once, and every
 * prepared statement is closed once.
 */
import assert from 'node:assert/strict';
import { nativeAuthString } from '../auth/native-password.js';
import {
  type Account,
  type ColumnInfo,
  type ColumnType,
  type Engine,
  type FieldListColumn,
  type PreparedStatement,
  type Result,
  type Row,
  type Session,
  type SessionInit,
  type SessionStatus,
  type SqlValue,
  SqlError,
} from '../../engine/index.js';

export type FakeHandler = (
  sql: string,
  session: FakeSession,
  params?: readonly SqlValue[],
) => Result | Promise<Result>;

export interface StatementShape {
  readonly paramCount: number;
  readonly columns: readonly ColumnInfo[];
}

export class FakeEngine implements Engine {
  readonly sessions: FakeSession[] = [];
  readonly databases = new Set(['test', 'appdb', 'mysql', 'information_schema']);
  /**
   * Accounts for findAccount; without a match, 'root'@'%' with `rootPassword` (as bootstrapped).
   */
  readonly accounts: Account[] = [];
  /** COM_FIELD_LIST answers, per table. */
  readonly fields = new Map<string, readonly FieldListColumn[]>();
  /** What PREPARE reports; a test may make it throw (a statement that does not parse). */
  describe: (sql: string) => StatementShape = (sql) => ({
    paramCount: countPlaceholders(sql),
    columns: [],
  });
  closed = false;

  constructor(
    readonly handler: FakeHandler,
    readonly rootPassword = '',
  ) {}

  openSession(init: SessionInit): FakeSession {
    const session = new FakeSession(this, init);
    this.sessions.push(session);
    return session;
  }

  async findAccount(user: string, host: string): Promise<Account | undefined> {
    return (
      this.accounts.find((a) => a.user === user && a.host === host) ??
      this.accounts.find((a) => a.user === user && a.host === '%') ??
      (user === 'root' ? rootAccount(this.rootPassword) : undefined)
    );
  }

  statistics(): string {
    return `Uptime: 1  Threads: ${this.sessions.length}  Questions: 0`;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export class FakeSession implements Session {
  readonly executed: string[] = [];
  /** Prepared executes: the statement text and its parameters. */
  readonly executedPrepared: { sql: string; params: readonly SqlValue[] }[] = [];
  readonly prepared: FakePrepared[] = [];
  resetCount = 0;
  user: string;
  status: SessionStatus = {
    database: null,
    autocommit: true,
    inTransaction: false,
    warningCount: 0,
    charsetClient: 'utf8mb4',
    charsetResults: 'utf8mb4',
    waitTimeoutSeconds: 28_800,
  };
  closeCount = 0;
  #busy = false;

  constructor(
    readonly engine: FakeEngine,
    readonly init: SessionInit,
  ) {
    this.user = init.user;
    if (init.charset !== undefined) {
      this.status = { ...this.status, charsetClient: init.charset, charsetResults: init.charset };
    }
  }

  async execute(text: string | Buffer): Promise<Result> {
    const sql = typeof text === 'string' ? text : text.toString('utf8');
    this.executed.push(sql);
    return this.run(() => this.engine.handler(sql, this));
  }

  /** Runs one call, asserting the seam's serialization contract. */
  async run(call: () => Result | Promise<Result>): Promise<Result> {
    assert(this.closeCount === 0, 'execute on a closed session');
    assert(!this.#busy, 'calls on a session are serialized');
    this.#busy = true;
    try {
      return await call();
    } finally {
      this.#busy = false;
    }
  }

  async useDatabase(name: string): Promise<void> {
    assert(this.closeCount === 0, 'useDatabase on a closed session');
    if (!this.engine.databases.has(name)) throw new SqlError('ER_BAD_DB_ERROR', [name]);
    this.status = { ...this.status, database: name };
  }

  async prepare(text: string | Buffer): Promise<PreparedStatement> {
    const sql = typeof text === 'string' ? text : text.toString('utf8');
    assert(this.closeCount === 0, 'prepare on a closed session');
    const statement = new FakePrepared(this, sql, this.engine.describe(sql));
    this.prepared.push(statement);
    return statement;
  }

  async fieldList(table: string, wildcard: string): Promise<readonly FieldListColumn[]> {
    const columns = this.engine.fields.get(table);
    if (columns === undefined) {
      throw new SqlError('ER_NO_SUCH_TABLE', [this.status.database ?? '', table]);
    }
    const pattern = likePattern(wildcard === '' ? '%' : wildcard);
    return columns.filter((c) => pattern.test(c.column.name));
  }

  async reset(): Promise<void> {
    this.resetCount++;
  }

  async changeUser(user: string, _host: string, database: string | null): Promise<void> {
    this.user = user;
    this.resetCount++;
    if (database !== null && !this.engine.databases.has(database)) {
      throw new SqlError('ER_BAD_DB_ERROR', [database]);
    }
    this.status = { ...this.status, database };
  }

  systemVariable(): undefined {
    return undefined;
  }

  async close(): Promise<void> {
    this.closeCount++;
    assert(this.closeCount === 1, 'a session is closed once');
  }
}

export class FakePrepared implements PreparedStatement {
  closeCount = 0;
  readonly paramCount: number;
  readonly columns: readonly ColumnInfo[];

  constructor(
    readonly session: FakeSession,
    readonly sql: string,
    shape: StatementShape,
  ) {
    this.paramCount = shape.paramCount;
    this.columns = shape.columns;
  }

  async execute(params: readonly SqlValue[]): Promise<Result> {
    assert(this.closeCount === 0, 'execute of a closed statement');
    assert(params.length === this.paramCount, 'one value per parameter');
    this.session.executedPrepared.push({ sql: this.sql, params });
    return this.session.run(() => this.session.engine.handler(this.sql, this.session, params));
  }

  close(): void {
    this.closeCount++;
    assert(this.closeCount === 1, 'a prepared statement is closed once');
  }
}

/** '?' outside quotes. */
export function countPlaceholders(sql: string): number {
  return sql.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, '').split('?').length - 1;
}

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\]/g;

function likePattern(wildcard: string): RegExp {
  let body = '';
  for (const ch of wildcard) {
    body += ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(REGEX_SPECIAL, '\\$&');
  }
  return new RegExp(`^${body}$`, 'i');
}

/** A naive statement splitter for tests: ';' outside quotes, empty statements dropped. */
export function fakeSplitStatements(sql: Buffer): Buffer[] {
  const text = sql.toString('utf8');
  const parts: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (const ch of text) {
    if (quote !== null) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === ';') {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts.filter((p) => p.trim() !== '').map((p) => Buffer.from(p.trim(), 'utf8'));
}

const CHARACTER_TYPES: ReadonlySet<ColumnType> = new Set<ColumnType>([
  'VARCHAR',
  'VAR_STRING',
  'STRING',
  'ENUM',
  'SET',
  'JSON',
]);

/** A ColumnInfo with plausible defaults for its type. */
export function column(
  name: string,
  type: ColumnType,
  extra: Partial<ColumnInfo> = {},
): ColumnInfo {
  const character = CHARACTER_TYPES.has(type);
  return {
    name,
    orgName: name,
    table: 't',
    orgTable: 't',
    db: 'test',
    type,
    length: character ? 1020 : 20,
    decimals: type === 'DOUBLE' || type === 'FLOAT' || character ? 31 : 0,
    flags: 0,
    collation: character ? 255 : 63,
    ...extra,
  };
}

export function ok(fields: Partial<Extract<Result, { kind: 'ok' }>> = {}): Result {
  return { kind: 'ok', affectedRows: 0, lastInsertId: 0n, matchedRows: 0, info: '', ...fields };
}

export function rows(columns: readonly ColumnInfo[], batches: readonly (readonly Row[])[]): Result {
  return {
    kind: 'rows',
    columns,
    rows: (async function* () {
      for (const batch of batches) yield batch;
    })(),
  };
}

function rootAccount(password: string): Account {
  return {
    user: 'root',
    host: '%',
    plugin: 'mysql_native_password',
    authString: nativeAuthString(password),
    locked: false,
  };
}
