/**
 * The writer's end of write forwarding's transport: for every reader-side session
 * (remote-session.ts) it holds a twin Session of the writer engine and runs on it the calls
 * that arrive (twin-messages.ts), answering each with its outcome and the twin's status.
 *
 *   (none) ──'open'──▶ open ──'call' close / host close()──▶ closed
 *   (none) ──'open' that the engine refused──▶ refused (every call answers the refusal)
 *
 * What a twin holds besides its Session: its prepared statements by handle, its open rows
 * streams by id (one batch read ahead), and at most one pending LOAD DATA LOCAL.
 *
 * Invariants:
 *   (TW4) every 'call' gets exactly one 'reply': for an unknown, refused or closed session, an
 *         unknown stream, statement or load handle, and a failure alike.
 *   (TW5) a twin's calls run one at a time, in the order they arrived (one promise chain per
 *         twin): the Session contract's serialization (api.ts) holds across the hop.
 *   (TW6) a rows stream is held from the call that opened it until it is exhausted, fails, is
 *         cancelled or its twin closes; dropped early, its iterator is returned. Several may be
 *         open at once (a prepared statement's cursor stays open across later calls).
 *   (TW7) a pending LOAD handle lives until the twin's next call of any kind, or its close.
 *   (TW12) a 'hand-off' runs after every call queued before it (TW5); from then the twin is
 *         the moved connection's session, which closes it: the host forgets it (its open
 *         streams dropped, prepared statements the connection does not name closed), and KILL
 *         of its connection id reaches the connection here instead of the reader.
 */
import assert from 'node:assert/strict';
import type { Logger } from 'pino';
import type {
  MovableSession,
  MovedTransaction,
  StatementDiagnostics,
  PreparedStatement,
  Result,
  Row,
  SessionInit,
  SessionStatus,
} from '../../engine/index.js';
import { SqlError } from '../../engine/index.js';
import { unreachable } from '../unreachable.js';
import { closeSync } from 'node:fs';
import {
  type FromTwin,
  type WireConnection,
  type ToTwin,
  type TwinOutcome,
  type TwinRequest,
  type WireError,
  type WireInit,
  type WireOk,
  type WireResult,
  type WireRows,
  fromWireRow,
  fromWireBytes,
  fromWireText,
  toWireError,
  toWireRows,
} from './twin-messages.js';

/** The writer engine as the host needs it. */
export interface TwinEngine {
  openSession(init: SessionInit): MovableSession;
}

/** One batch read ahead of what the reader side has asked for: rows, the end, or a failure. */
type Ahead =
  | { readonly kind: 'batch'; readonly rows: readonly Row[] }
  | { readonly kind: 'end' }
  | { readonly kind: 'failed'; readonly error: unknown };

interface Stream {
  readonly iterator: AsyncIterator<readonly Row[]>;
  ahead: Ahead;
}

interface Twin {
  readonly id: number;
  readonly session: MovableSession;
  readonly connectionId: number;
  /** TW5: the calls so far, in order; never rejects. */
  chain: Promise<void>;
  readonly streams: Map<number, Stream>;
  readonly prepared: Map<number, PreparedStatement>;
  load: { readonly handle: number; readonly result: Result & { kind: 'local-infile' } } | null;
  /** The status the last reply carried (TW8 in remote-session.ts). */
  sentStatus: SessionStatus | null;
  /** Handles of prepared statements, streams and loads, from 1. */
  nextHandle: number;
  closed: boolean;
  /** What KILL [QUERY] of the twin's connection id does (TW12: changes when it moves here). */
  readonly kills: Kills;
}

interface Kills {
  kill: () => void;
  killQuery: () => void;
}

/** A routed session's connection that moved to this thread, with its twin as its session. */
export interface ArrivingTwin {
  readonly session: MovableSession;
  readonly connection: WireConnection;
  /** The twin's prepared statements by the connection's statement ids. */
  readonly statements: ReadonlyMap<number, PreparedStatement>;
  /** Points KILL of the connection id at the connection here (TW12). */
  onKill(kill: () => void): void;
}

export class TwinHost {
  readonly #engine: TwinEngine;
  readonly #post: (message: FromTwin) => void;
  readonly #log: Logger;
  readonly #twins = new Map<number, Twin>();
  /** Sessions the engine would not open, with why: their calls answer it (TW4). */
  readonly #refused = new Map<number, WireError>();
  #closing = false;

  readonly #arrive: ((arriving: ArrivingTwin) => void) | undefined;

  /** `arrive` serves a connection that moved here (TW12); without it a hand-off is refused. */
  constructor(
    engine: TwinEngine,
    post: (message: FromTwin) => void,
    log: Logger,
    arrive?: (arriving: ArrivingTwin) => void,
  ) {
    this.#engine = engine;
    this.#post = post;
    this.#log = log;
    this.#arrive = arrive;
  }

  receive(message: ToTwin): void {
    switch (message.kind) {
      case 'open':
        this.#open(message.session, message.init);
        return;
      case 'call': {
        const twin = this.#twins.get(message.session);
        if (twin === undefined || twin.closed) {
          this.#refuse(message.session, message.call, message.request);
          return;
        }
        this.#enqueue(twin, () =>
          this.#perform(twin, message.call, message.request, message.adopt,
            message.diagnostics));
        return;
      }
      case 'stmt-close': {
        const twin = this.#twins.get(message.session);
        if (twin !== undefined) {
          this.#enqueue(twin, () => this.#closeStatement(twin, message.handle));
        }
        return;
      }
      case 'cancel': {
        const twin = this.#twins.get(message.session);
        if (twin !== undefined) this.#enqueue(twin, () => this.#drop(twin, message.stream));
        return;
      }
      case 'hand-off': {
        const twin = this.#twins.get(message.session);
        if (twin === undefined) {
          closeSync(message.connection.fd); // nothing to serve it with: the client sees it close
          return;
        }
        this.#enqueue(twin, () => this.#handOff(twin, message.connection));
        return;
      }
      default:
        unreachable(message);
    }
  }

  /** Closes every twin, after the calls already queued on it. */
  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all(
      [...this.#twins.values()].map((twin) => this.#enqueue(twin, () => this.#closeTwin(twin))),
    );
    this.#refused.clear();
  }

  #open(id: number, init: WireInit): void {
    assert(!this.#twins.has(id) && !this.#refused.has(id), 'TW4: a session id is opened once');
    if (this.#closing) {
      this.#refused.set(id, toWireError(new SqlError('ER_SERVER_SHUTDOWN')).wire);
      return;
    }
    try {
      const kills: Kills = {
        kill: () => this.#post({ kind: 'killed', session: id, query: false }),
        killQuery: () => this.#post({ kind: 'killed', session: id, query: true }),
      };
      const session = this.#engine.openSession({
        ...init,
        onKill: () => kills.kill(),
        onKillQuery: () => kills.killQuery(),
      });
      this.#twins.set(id, {
        id,
        session,
        connectionId: init.connectionId,
        chain: Promise.resolve(),
        streams: new Map(),
        prepared: new Map(),
        load: null,
        sentStatus: null,
        nextHandle: 1,
        closed: false,
        kills,
      });
    } catch (error) {
      const { wire, expected } = toWireError(error);
      if (!expected) this.#log.error({ err: error, conn: init.connectionId }, 'twin open failed');
      this.#refused.set(id, wire);
    }
  }

  /** TW4: the answer to a call on a session that has no open twin; closing it is fine. */
  #refuse(id: number, call: number, request: TwinRequest): void {
    if (request.kind === 'close') {
      this.#refused.delete(id);
      this.#post({ kind: 'reply', call, status: null, outcome: DONE });
      return;
    }
    const error =
      this.#refused.get(id) ??
      toWireError(
        this.#closing
          ? new SqlError('ER_SERVER_SHUTDOWN')
          : new SqlError('ER_UNKNOWN_ERROR', ['session closed']),
      ).wire;
    this.#post({ kind: 'reply', call, status: null, outcome: { kind: 'error', error } });
  }

  /** TW5: runs `work` after everything queued on `twin`; the returned promise never rejects. */
  #enqueue(twin: Twin, work: () => Promise<void>): Promise<void> {
    twin.chain = twin.chain.then(work).catch((error: unknown) => {
      this.#log.error({ err: error, conn: twin.connectionId }, 'twin work failed');
    });
    return twin.chain;
  }

  /** TW4: one call, one reply, whatever happens. */
  async #perform(
    twin: Twin,
    call: number,
    request: TwinRequest,
    adopt?: MovedTransaction,
    diagnostics?: StatementDiagnostics,
  ): Promise<void> {
    if (twin.closed) {
      this.#refuse(twin.id, call, request); // queued behind its close
      return;
    }
    if (request.kind !== 'load') twin.load = null; // TW7
    let outcome: TwinOutcome;
    try {
      if (diagnostics !== undefined) twin.session.adoptDiagnostics(diagnostics); // TW13
      if (adopt !== undefined) await twin.session.adoptTransaction(adopt); // TW11
      outcome = await this.#run(twin, request);
    } catch (error) {
      const { wire, expected } = toWireError(error);
      if (!expected) {
        this.#log.error({ err: error, conn: twin.connectionId }, 'twin call failed');
      }
      outcome = { kind: 'error', error: wire };
    }
    this.#post({ kind: 'reply', call, status: this.#statusChange(twin), outcome });
  }

  /** The twin's status if it changed since the last reply (the engine keeps it while equal). */
  #statusChange(twin: Twin): SessionStatus | null {
    if (twin.closed) return null;
    const status = twin.session.status;
    if (status === twin.sentStatus) return null;
    twin.sentStatus = status;
    return status;
  }

  async #run(twin: Twin, request: TwinRequest): Promise<TwinOutcome> {
    const { session } = twin;
    switch (request.kind) {
      case 'execute':
        return this.#result(twin, await session.execute(fromWireText(request.sql)));
      case 'prepare': {
        const statement = await session.prepare(fromWireText(request.sql));
        const handle = twin.nextHandle++;
        twin.prepared.set(handle, statement);
        const { paramCount, columns } = statement;
        return { kind: 'prepared', handle, paramCount, columns };
      }
      case 'stmt-execute': {
        const statement = twin.prepared.get(request.handle);
        if (statement === undefined) {
          throw new SqlError('ER_UNKNOWN_STMT_HANDLER', [request.handle, 'mysqld_stmt_execute']);
        }
        return this.#result(twin, await statement.execute(fromWireRow(request.params)));
      }
      case 'use-database':
        await session.useDatabase(request.name);
        return DONE;
      case 'field-list':
        return { kind: 'fields', fields: await session.fieldList(request.table, request.wildcard) };
      case 'reset':
        await session.reset();
        twin.prepared.clear(); // the engine discarded them
        return DONE;
      case 'change-user':
        await session.changeUser(request.user, request.host, request.database);
        twin.prepared.clear();
        return DONE;
      case 'next':
        return this.#next(twin, request.stream);
      case 'load':
        return this.#load(twin, request.handle, request.content);
      case 'close':
        await this.#closeTwin(twin);
        return DONE;
      default:
        return unreachable(request);
    }
  }

  async #result(twin: Twin, result: Result): Promise<TwinOutcome> {
    return { kind: 'result', result: await this.#wireResult(twin, result) };
  }

  async #wireResult(twin: Twin, result: Result): Promise<WireResult> {
    switch (result.kind) {
      case 'ok':
        return wireOk(result);
      case 'rows':
        return this.#openRows(twin, result);
      case 'multi': {
        const results: WireRows[] = [];
        for (const each of result.results) {
          const rows = each.collected ?? (await collect(each.rows));
          results.push({ columns: each.columns, rows: toWireRows(rows) });
        }
        return { kind: 'multi', results, final: wireOk(result.final) };
      }
      case 'local-infile': {
        const handle = twin.nextHandle++;
        twin.load = { handle, result }; // TW7
        return { kind: 'local-infile', filename: result.filename, load: handle };
      }
      default:
        return unreachable(result);
    }
  }

  /**
   * The first batch, and a stream for the rest if any (TW6). A failure while reading waits in
   * the stream for the batch it follows, as the local server would send rows, then the error.
   */
  async #openRows(twin: Twin, result: Result & { kind: 'rows' }): Promise<WireResult> {
    const { columns } = result;
    if (result.collected !== undefined) {
      return { kind: 'rows', columns, rows: toWireRows(result.collected), stream: null };
    }
    const iterator = result.rows[Symbol.asyncIterator]();
    const first = await pull(iterator);
    if (first.kind === 'end') return { kind: 'rows', columns, rows: [], stream: null };
    const ahead = first.kind === 'batch' ? await pull(iterator) : first;
    const rows = first.kind === 'batch' ? toWireRows(first.rows) : [];
    if (ahead.kind === 'end') return { kind: 'rows', columns, rows, stream: null };
    const stream = twin.nextHandle++;
    twin.streams.set(stream, { iterator, ahead });
    return { kind: 'rows', columns, rows, stream };
  }

  /** The batch read ahead, then the one after it read ahead in turn (TW6). */
  async #next(twin: Twin, id: number): Promise<TwinOutcome> {
    const stream = twin.streams.get(id);
    if (stream === undefined) throw new SqlError('ER_UNKNOWN_ERROR', ['the rows are closed']);
    const { ahead } = stream;
    assert(ahead.kind !== 'end', 'TW6: an exhausted stream is dropped');
    if (ahead.kind === 'failed') {
      twin.streams.delete(id);
      throw ahead.error;
    }
    stream.ahead = await pull(stream.iterator);
    if (stream.ahead.kind === 'end') twin.streams.delete(id);
    return { kind: 'batch', rows: toWireRows(ahead.rows), more: stream.ahead.kind !== 'end' };
  }

  async #load(twin: Twin, handle: number, content: Uint8Array): Promise<TwinOutcome> {
    const pending = twin.load;
    twin.load = null; // TW7
    if (pending === null || pending.handle !== handle) {
      throw new SqlError('ER_UNKNOWN_ERROR', ['no LOAD DATA LOCAL is waiting for its file']);
    }
    return this.#result(twin, await pending.result.load(fromWireBytes(content)));
  }

  async #closeStatement(twin: Twin, handle: number): Promise<void> {
    const statement = twin.prepared.get(handle);
    twin.prepared.delete(handle);
    statement?.close();
  }

  /** TW6: a stream cancelled early; its iterator is returned. */
  async #drop(twin: Twin, id: number): Promise<void> {
    const stream = twin.streams.get(id);
    if (stream === undefined) return; // exhausted, or failed, before the cancel arrived
    twin.streams.delete(id);
    if (stream.ahead.kind === 'batch') await stream.iterator.return?.();
  }

  /** TW12: the twin's connection moved here; the twin is its session from now on. */
  async #handOff(twin: Twin, connection: WireConnection): Promise<void> {
    if (twin.closed || this.#arrive === undefined) {
      closeSync(connection.fd);
      if (!twin.closed) await this.#closeTwin(twin);
      return;
    }
    twin.closed = true;
    twin.load = null;
    this.#twins.delete(twin.id);
    for (const id of [...twin.streams.keys()]) await this.#drop(twin, id);
    const statements = new Map<number, PreparedStatement>();
    for (const { id, handle } of connection.statements.statements) {
      const statement = twin.prepared.get(handle);
      if (statement === undefined) continue; // an EXECUTE of it answers 1243, as after a close
      twin.prepared.delete(handle);
      statements.set(id, statement);
    }
    for (const statement of twin.prepared.values()) statement.close();
    twin.prepared.clear();
    const { kills } = twin;
    kills.killQuery = () => undefined; // the statement runs here, where KILL QUERY reaches it
    this.#arrive({
      session: twin.session,
      connection,
      statements,
      onKill: (kill) => {
        kills.kill = kill;
      },
    });
  }

  async #closeTwin(twin: Twin): Promise<void> {
    if (twin.closed) return;
    twin.closed = true;
    twin.load = null; // TW7
    for (const id of [...twin.streams.keys()]) await this.#drop(twin, id); // TW6
    twin.prepared.clear();
    this.#twins.delete(twin.id);
    await twin.session.close();
  }
}

const DONE: TwinOutcome = { kind: 'done' };

function wireOk(result: Result & { kind: 'ok' }): WireOk {
  const { affectedRows, lastInsertId, matchedRows, info } = result;
  return { kind: 'ok', affectedRows, lastInsertId, matchedRows, info };
}

/** The next batch, or the end, or the failure (an iterator that threw is finished). */
async function pull(iterator: AsyncIterator<readonly Row[]>): Promise<Ahead> {
  try {
    const next = await iterator.next();
    return next.done === true ? { kind: 'end' } : { kind: 'batch', rows: next.value };
  } catch (error) {
    return { kind: 'failed', error };
  }
}

async function collect(rows: AsyncIterable<readonly Row[]>): Promise<Row[]> {
  const all: Row[] = [];
  for await (const batch of rows) all.push(...batch);
  return all;
}
