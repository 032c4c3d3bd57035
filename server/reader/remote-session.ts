/**
 * The reader's end of write forwarding's transport: a RemoteSession is a Session whose every
 * call runs on a twin Session of the writer engine (twin-host.ts), over one MessagePort
 * (twin-messages.ts). TwinClient opens them, matches replies to calls and passes KILL on.
 *
 *   TwinClient:     live ──failAll(error)──▶ failed (sticky: every call rejects with `error`)
 *   RemoteSession:  open ──close()──▶ closed
 *
 * What a RemoteSession does not offer remotely:
 *   - systemVariable() is synchronous in the seam and cannot wait for the writer: it answers
 *     undefined; callers read system variables from the local session of the same connection.
 *   - moveTransaction() is left out: a forwarded transaction does not move on again from the
 *     writer; a transaction moves in with the call that needs it (adoptWithNextCall, TW11).
 *
 * Invariants:
 *   (TW8) a call is pending from the moment it is posted until its reply arrives or failAll;
 *         its session's status is updated from the reply before the call settles, so `status`
 *         is always the one the last reply carried (the initial status until the first).
 *   (TW9) messages on one port arrive in order: 'open' is posted before the session's first
 *         call, and 'cancel' or 'stmt-close' after the calls before them, so none needs a reply.
 *   (TW10) a rows stream is read once; left early, the host is told to drop it (TW6).
 */
import assert from 'node:assert/strict';
import type {
  ColumnInfo,
  FieldListColumn,
  MovedTransaction,
  StatementDiagnostics,
  PreparedStatement,
  Result,
  Row,
  Session,
  SessionInit,
  SessionStatus,
  SqlValue,
} from '../../engine/index.js';
import { unreachable } from '../unreachable.js';
import {
  type FromTwin,
  type ToTwin,
  type TwinOutcome,
  type TwinRequest,
  type WireConnection,
  type WireOk,
  type WireResult,
  type WireRows,
  fromWireError,
  fromWireRows,
  toWireBytes,
  toWireRow,
  toWireText,
} from './twin-messages.js';

/** What a RemoteSession needs of its TwinClient. */
interface TwinChannel {
  /** Posts a call; resolves with its outcome (rejects with the SqlError of an error). */
  call(session: RemoteSession, request: TwinRequest): Promise<TwinOutcome>;
  /** Posts a message that has no reply (TW9). */
  post(message: ToTwin): void;
  /** The session is closed: KILL no longer reaches it. */
  forget(session: RemoteSession): void;
  /** True once failAll was called: the writer's end is gone. */
  failed(): boolean;
}

interface PendingCall {
  readonly session: RemoteSession;
  resolve(outcome: TwinOutcome): void;
  reject(error: Error): void;
}

export class TwinClient {
  readonly #post: (message: ToTwin) => void;
  readonly #pending = new Map<number, PendingCall>();
  readonly #sessions = new Map<number, RemoteSession>();
  readonly #channel: TwinChannel;
  #nextCall = 1;
  #nextSession = 1;
  #failed: Error | null = null;

  constructor(post: (message: ToTwin) => void) {
    this.#post = post;
    this.#channel = {
      call: (session, request) => this.#call(session, request),
      post: (message) => {
        if (this.#failed === null) this.#post(message);
      },
      forget: (session) => this.#sessions.delete(session.id),
      failed: () => this.#failed !== null,
    };
  }

  receive(message: FromTwin): void {
    switch (message.kind) {
      case 'reply': {
        const pending = this.#pending.get(message.call);
        if (pending === undefined) return; // failed before the reply came (TW8)
        this.#pending.delete(message.call);
        if (message.status !== null) pending.session.statusFromTwin(message.status); // TW8
        const { outcome } = message;
        if (outcome.kind === 'error') pending.reject(fromWireError(outcome.error));
        else pending.resolve(outcome);
        return;
      }
      case 'killed': {
        const init = this.#sessions.get(message.session)?.init;
        if (message.query) init?.onKillQuery?.();
        else init?.onKill?.();
        return;
      }
      default:
        unreachable(message);
    }
  }

  /** A session whose twin opens on the writer now; its first call follows the 'open' (TW9). */
  open(init: SessionInit): RemoteSession {
    const id = this.#nextSession++;
    const session = new RemoteSession(id, init, this.#channel);
    this.#sessions.set(id, session);
    const { connectionId, user, host, charset, collationId } = init;
    this.#channel.post({
      kind: 'open',
      session: id,
      init: {
        connectionId,
        user,
        host,
        ...(charset === undefined ? {} : { charset }),
        ...(collationId === undefined ? {} : { collationId }),
      },
    });
    return session;
  }

  /** The writer's end is gone: every pending call rejects with `error`, and every later one. */
  failAll(error: Error): void {
    this.#failed ??= error;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const call of pending) call.reject(error);
  }

  #call(session: RemoteSession, request: TwinRequest): Promise<TwinOutcome> {
    if (this.#failed !== null) return Promise.reject(this.#failed);
    const call = this.#nextCall++;
    return new Promise<TwinOutcome>((resolve, reject) => {
      this.#pending.set(call, { session, resolve, reject }); // TW8
      this.#post({ kind: 'call', session: session.id, call, request, ...session.takeCarried() });
    });
  }
}

/** What a call carries besides its request: a transaction to adopt (TW11), diagnostics (TW13). */
interface Carried {
  readonly adopt?: MovedTransaction;
  readonly diagnostics?: StatementDiagnostics;
}
const NOTHING_CARRIED: Carried = Object.freeze({});

export class RemoteSession implements Session {
  #status: SessionStatus;
  #closed = false;

  constructor(
    readonly id: number,
    readonly init: SessionInit,
    private readonly channel: TwinChannel,
  ) {
    const charset = init.charset ?? 'utf8mb4';
    this.#status = {
      database: null,
      autocommit: true,
      inTransaction: false,
      warningCount: 0,
      charsetClient: charset,
      charsetResults: charset,
      waitTimeoutSeconds: 28_800,
    };
  }

  /** TW8: the twin's status as the last reply carried it. */
  get status(): SessionStatus {
    return this.#status;
  }

  /** For TwinClient only: a reply's status (TW8). */
  statusFromTwin(status: SessionStatus): void {
    this.#status = status;
  }

  async execute(sql: string | Buffer): Promise<Result> {
    return this.#result({ kind: 'execute', sql: toWireText(sql) });
  }

  async prepare(sql: string | Buffer): Promise<PreparedStatement> {
    const outcome = await this.channel.call(this, { kind: 'prepare', sql: toWireText(sql) });
    assert(outcome.kind === 'prepared', 'TW4: a prepare is answered by a statement');
    return new RemotePrepared(this, outcome.handle, outcome.paramCount, outcome.columns);
  }

  async useDatabase(name: string): Promise<void> {
    await this.#done({ kind: 'use-database', name });
  }

  async fieldList(table: string, wildcard: string): Promise<readonly FieldListColumn[]> {
    const outcome = await this.channel.call(this, { kind: 'field-list', table, wildcard });
    assert(outcome.kind === 'fields', 'TW4: a field list is answered by fields');
    return outcome.fields;
  }

  async reset(): Promise<void> {
    await this.#done({ kind: 'reset' });
  }

  async changeUser(user: string, host: string, database: string | null): Promise<void> {
    await this.#done({ kind: 'change-user', user, host, database });
  }

  /** Not offered remotely (see the top of this file): read the local session's. */
  systemVariable(_name: string): SqlValue | undefined {
    return undefined;
  }

  /** What the next call carries besides its request (TW11, TW13); null: nothing. */
  #carried: Carried | null = null;

  /**
   * TW11: the twin adopts `moved` at the start of this session's next call, which then runs
   * inside it (or fails with the adoption's error): one round trip saved.
   */
  adoptWithNextCall(moved: MovedTransaction): void {
    this.#carried = { ...this.#carried, adopt: moved };
  }

  /** TW13: the twin takes `d` as its previous statement's before its next call runs. */
  diagnosticsWithNextCall(d: StatementDiagnostics): void {
    this.#carried = { ...this.#carried, diagnostics: d };
  }

  /** For TwinClient only: what the next call carries (TW11, TW13), taken once. */
  takeCarried(): Carried {
    const carried = this.#carried ?? NOTHING_CARRIED;
    this.#carried = null;
    return carried;
  }

  /**
   * The client connection moves to the writer's thread (twin-host.ts TW12): the twin becomes
   * its session there, so it is not closed from here; this session is done. False when the
   * writer's end is gone (the caller still owns the descriptor then).
   */
  handOff(connection: WireConnection): boolean {
    assert(!this.#closed, 'a closed session does not move');
    this.#closed = true;
    this.channel.forget(this);
    if (this.channel.failed()) return false; // the writer's end is gone: nobody to take it
    this.channel.post({ kind: 'hand-off', session: this.id, connection });
    return true;
  }

  /** The twin-side handle of a statement this session prepared, if it is one. */
  handleOf(statement: PreparedStatement): number | undefined {
    return statement instanceof RemotePrepared ? statement.handle : undefined;
  }

  /** Closes the twin; resolves as well when the writer's end is gone (nothing left to close). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.channel.forget(this);
    try {
      await this.#done({ kind: 'close' });
    } catch (error) {
      if (!this.channel.failed()) throw error;
    }
  }

  /** For RemotePrepared: a prepared statement's execute. */
  executePrepared(handle: number, params: readonly SqlValue[]): Promise<Result> {
    return this.#result({ kind: 'stmt-execute', handle, params: toWireRow(params) });
  }

  /** For RemotePrepared and RemoteRows: a message with no reply (TW9). */
  post(message: ToTwin): void {
    this.channel.post(message);
  }

  /** For RemoteRows: the next batch of `stream`, and whether more remain. */
  async next(stream: number): Promise<{ rows: Row[]; more: boolean }> {
    const outcome = await this.channel.call(this, { kind: 'next', stream });
    assert(outcome.kind === 'batch', 'TW4: a next is answered by a batch');
    return { rows: fromWireRows(outcome.rows), more: outcome.more };
  }

  async #done(request: TwinRequest): Promise<void> {
    const outcome = await this.channel.call(this, request);
    assert(outcome.kind === 'done', `TW4: ${request.kind} is answered by done`);
  }

  async #result(request: TwinRequest): Promise<Result> {
    const outcome = await this.channel.call(this, request);
    assert(outcome.kind === 'result', `TW4: ${request.kind} is answered by a result`);
    return this.#fromWire(outcome.result);
  }

  #fromWire(result: WireResult): Result {
    switch (result.kind) {
      case 'ok':
        return okOf(result);
      case 'rows': {
        const rows = fromWireRows(result.rows);
        if (result.stream === null) return collectedRows(result.columns, rows);
        return {
          kind: 'rows',
          columns: result.columns,
          rows: new RemoteRows(this, result.stream, rows),
        };
      }
      case 'multi':
        return {
          kind: 'multi',
          results: result.results.map((each: WireRows) =>
            collectedRows(each.columns, fromWireRows(each.rows)),
          ),
          final: okOf(result.final),
        };
      case 'local-infile': {
        const handle = result.load;
        return {
          kind: 'local-infile',
          filename: result.filename,
          load: (content: Buffer) =>
            this.#result({ kind: 'load', handle, content: toWireBytes(content) }),
        };
      }
      default:
        return unreachable(result);
    }
  }
}

class RemotePrepared implements PreparedStatement {
  #closed = false;

  constructor(
    private readonly session: RemoteSession,
    readonly handle: number,
    readonly paramCount: number,
    readonly columns: readonly ColumnInfo[],
  ) {}

  execute(params: readonly SqlValue[]): Promise<Result> {
    return this.session.executePrepared(this.handle, params);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.session.post({ kind: 'stmt-close', session: this.session.id, handle: this.handle });
  }
}

/**
 * The rows of a result whose first batch came with the reply; the rest come one 'next' call
 * per batch. Read once (TW10); returned early, the host drops the stream (TW6).
 */
class RemoteRows implements AsyncIterable<readonly Row[]>, AsyncIterator<readonly Row[]> {
  #first: Row[] | null;
  /** True until the host says no batch remains, or the reader leaves. */
  #open = true;
  #iterated = false;

  constructor(
    private readonly session: RemoteSession,
    private readonly stream: number,
    first: Row[],
  ) {
    this.#first = first;
  }

  [Symbol.asyncIterator](): AsyncIterator<readonly Row[]> {
    assert(!this.#iterated, 'TW10: rows are read once');
    this.#iterated = true;
    return this;
  }

  async next(): Promise<IteratorResult<readonly Row[]>> {
    const first = this.#first;
    if (first !== null) {
      this.#first = null;
      return { done: false, value: first };
    }
    if (!this.#open) return { done: true, value: undefined };
    try {
      const { rows, more } = await this.session.next(this.stream);
      this.#open = more;
      return { done: false, value: rows };
    } catch (error) {
      this.#open = false; // the host dropped it with the failure (TW6)
      throw error;
    }
  }

  async return(): Promise<IteratorResult<readonly Row[]>> {
    this.#first = null;
    if (this.#open) {
      this.#open = false;
      this.session.post({ kind: 'cancel', session: this.session.id, stream: this.stream }); // TW10
    }
    return { done: true, value: undefined };
  }
}

function okOf(result: WireOk): Result & { kind: 'ok' } {
  const { affectedRows, lastInsertId, matchedRows, info } = result;
  return { kind: 'ok', affectedRows, lastInsertId, matchedRows, info };
}

/** All the rows at once: offered as `collected` too (no promise per batch, results.ts). */
function collectedRows(columns: readonly ColumnInfo[], rows: Row[]): Result & { kind: 'rows' } {
  return { kind: 'rows', columns, rows: once(rows), collected: rows };
}

async function* once(rows: readonly Row[]): AsyncGenerator<readonly Row[]> {
  if (rows.length > 0) yield rows;
}
