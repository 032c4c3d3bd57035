/**
 * A programmable Engine for server tests: each statement goes to a handler the test supplies,
 * and every session records what it was asked. Used only by tests; the real engine lives in
 * engine/.
 *
 * It keeps the seam's contract where the server could break it: `execute` and `useDatabase`
 * assert that the previous call on the session has finished (calls are serialized), and that the
 * session is still open; `close` may be called once.
 */
import assert from 'node:assert/strict';
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
  SqlError,
} from '../../engine/index.js';

export type FakeHandler = (sql: string, session: FakeSession) => Result | Promise<Result>;

export class FakeEngine implements Engine {
  readonly sessions: FakeSession[] = [];
  readonly databases = new Set(['test', 'appdb', 'mysql', 'information_schema']);
  closed = false;

  constructor(readonly handler: FakeHandler) {}

  openSession(init: SessionInit): FakeSession {
    const session = new FakeSession(this, init);
    this.sessions.push(session);
    return session;
  }

  async findAccount(): Promise<Account | undefined> {
    return undefined;
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
  ) {}

  async execute(text: string | Buffer): Promise<Result> {
    const sql = typeof text === 'string' ? text : text.toString('utf8');
    assert(this.closeCount === 0, 'execute on a closed session');
    assert(!this.#busy, 'calls on a session are serialized');
    this.executed.push(sql);
    this.#busy = true;
    try {
      return await this.engine.handler(sql, this);
    } finally {
      this.#busy = false;
    }
  }

  async useDatabase(name: string): Promise<void> {
    assert(this.closeCount === 0, 'useDatabase on a closed session');
    if (!this.engine.databases.has(name)) throw new SqlError('ER_BAD_DB_ERROR', [name]);
    this.status = { ...this.status, database: name };
  }

  async prepare(): Promise<PreparedStatement> {
    throw new SqlError('ER_NOT_SUPPORTED_YET', ['prepared statements in the fake engine']);
  }

  async fieldList(): Promise<readonly FieldListColumn[]> {
    return [];
  }

  async reset(): Promise<void> {}

  async changeUser(_user: string, _host: string, database: string | null): Promise<void> {
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
