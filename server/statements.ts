/**
 * A connection's prepared statements: ids, the parameter types each statement was last bound
 * with, long data being accumulated, and open cursors. Only the connection's command handlers
 * use it, one command at a time.
 *
 *   statement lifecycle      COM_STMT_PREPARE → add        COM_STMT_CLOSE → close
 *                            COM_RESET_CONNECTION, COM_CHANGE_USER, disconnect → closeAll
 *   cursor lifecycle         COM_STMT_EXECUTE (CURSOR_TYPE_READ_ONLY, rows) → open
 *                            COM_STMT_FETCH → take … until exhausted (then closed)
 *                            COM_STMT_EXECUTE again, COM_STMT_RESET, COM_STMT_CLOSE → closed
 *
 * Invariants:
 *   (P1) Statement ids are unique per connection, from 1, never reused; 0xFFFFFFFF names the
 *        statement prepared last (the mariadb connector pipelines PREPARE and EXECUTE with it).
 *   (P2) Every PreparedStatement the engine handed out is closed exactly once: on
 *        COM_STMT_CLOSE, or by closeAll when the session resets or the connection ends.
 *   (P3) A statement has at most one open cursor; opening another closes the first, and a
 *        cursor's rows iterator is returned (iterator.return) whenever it is dropped early.
 *   (P4) Long data is bounded: a statement's accumulated pieces never exceed the
 *        max_allowed_packet the registry was built with; a longer value fails at execute.
 */
import assert from 'node:assert/strict';
import type { ColumnInfo, PreparedStatement, Row, SqlError } from '../engine/index.js';
import { CommandError } from './protocol/errors.js';
import { LAST_PREPARED_STATEMENT_ID, type ParamType } from './protocol/packets/stmt-execute.js';

const NO_LONG_DATA: ReadonlyMap<number, Buffer> = new Map();

export class Cursor {
  readonly #iterator: AsyncIterator<readonly Row[]>;
  #batch: readonly Row[] = [];
  #index = 0;
  #done = false;

  constructor(
    readonly columns: readonly ColumnInfo[],
    rows: AsyncIterable<readonly Row[]>,
  ) {
    this.#iterator = rows[Symbol.asyncIterator]();
  }

  /** Up to `count` rows, and whether the cursor is now exhausted. */
  async take(count: number): Promise<{ rows: Row[]; exhausted: boolean }> {
    const rows: Row[] = [];
    while (rows.length < count && (await this.#fill())) {
      const n = Math.min(count - rows.length, this.#batch.length - this.#index);
      for (let i = 0; i < n; i++) rows.push(this.#batch[this.#index + i] as Row);
      this.#index += n;
    }
    return { rows, exhausted: !(await this.#fill()) };
  }

  /** P3: releases the engine's iterator if rows remain. */
  async close(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    await this.#iterator.return?.();
  }

  /** True when a row is buffered, pulling the next batch if needed. */
  async #fill(): Promise<boolean> {
    while (this.#index >= this.#batch.length) {
      if (this.#done) return false;
      const next = await this.#iterator.next();
      if (next.done === true) {
        this.#done = true;
        return false;
      }
      this.#batch = next.value;
      this.#index = 0;
    }
    return true;
  }
}

export class ServerStatement {
  /** The types of the last execute that sent them (libmariadb sends types only once). */
  paramTypes: readonly ParamType[] | null = null;
  readonly #longData = new Map<number, Buffer[]>();
  #longDataBytes = 0;
  /** Set when a long data piece was refused (P4, or a bad parameter); the next execute fails. */
  longDataError: SqlError | CommandError | null = null;
  #cursor: Cursor | null = null;

  constructor(
    readonly id: number,
    readonly prepared: PreparedStatement,
    readonly longDataBytesMax: number,
  ) {}

  get cursor(): Cursor | null {
    return this.#cursor;
  }

  appendLongData(paramId: number, data: Buffer): void {
    if (this.#longDataBytes + data.length > this.longDataBytesMax) {
      this.longDataError ??= new CommandError('ER_NET_PACKET_TOO_LARGE'); // P4
      return;
    }
    this.#longDataBytes += data.length;
    const pieces = this.#longData.get(paramId);
    if (pieces === undefined) this.#longData.set(paramId, [data]);
    else pieces.push(data);
  }

  /** Each parameter's long data, joined. */
  longData(): ReadonlyMap<number, Buffer> {
    if (this.#longData.size === 0) return NO_LONG_DATA;
    return new Map([...this.#longData].map(([id, pieces]) => [id, Buffer.concat(pieces)]));
  }

  /** Long data has come since the last execute (or a piece was refused). */
  get holdsLongData(): boolean {
    return this.#longData.size > 0 || this.longDataError !== null;
  }

  clearLongData(): void {
    if (this.#longData.size > 0) this.#longData.clear();
    this.#longDataBytes = 0;
    this.longDataError = null;
  }

  async openCursor(cursor: Cursor): Promise<void> {
    await this.closeCursor(); // P3
    this.#cursor = cursor;
  }

  async closeCursor(): Promise<void> {
    const cursor = this.#cursor;
    this.#cursor = null;
    await cursor?.close();
  }
}

/** A statement as a connection that moves to another thread carries it (reader/handoff.ts). */
export interface StatementImage<P> {
  readonly id: number;
  readonly prepared: P;
  readonly paramTypes: readonly ParamType[] | null;
}

/** A registry's ids and statements, to be restored on another thread (P1 carries over). */
export interface RegistryImage<P> {
  readonly statements: readonly StatementImage<P>[];
  readonly nextId: number;
  readonly lastId: number | null;
}

export class StatementRegistry {
  readonly #statements = new Map<number, ServerStatement>();
  #nextId = 1;
  #lastId: number | null = null;

  constructor(readonly longDataBytesMax: number) {}

  /** A registry holding what `image` held, with the same ids (P1). */
  static restore(
    longDataBytesMax: number,
    image: RegistryImage<PreparedStatement>,
  ): StatementRegistry {
    const registry = new StatementRegistry(longDataBytesMax);
    for (const { id, prepared, paramTypes } of image.statements) {
      const statement = new ServerStatement(id, prepared, longDataBytesMax);
      statement.paramTypes = paramTypes;
      registry.#statements.set(id, statement);
    }
    registry.#nextId = image.nextId;
    registry.#lastId = image.lastId;
    return registry;
  }

  /**
   * The registry's image, when no statement has long data or an open cursor (those stay with
   * the thread that holds them); undefined otherwise.
   */
  image(): RegistryImage<PreparedStatement> | undefined {
    const statements: StatementImage<PreparedStatement>[] = [];
    for (const s of this.#statements.values()) {
      if (s.cursor !== null || s.holdsLongData) return undefined;
      statements.push({ id: s.id, prepared: s.prepared, paramTypes: s.paramTypes });
    }
    return { statements, nextId: this.#nextId, lastId: this.#lastId };
  }

  /** Forgets every statement without closing it: their new owner closes them (P2). */
  handOver(): void {
    this.#statements.clear();
    this.#lastId = null;
  }

  get size(): number {
    return this.#statements.size;
  }

  add(prepared: PreparedStatement): ServerStatement {
    const id = this.#nextId++;
    assert(id < LAST_PREPARED_STATEMENT_ID, 'P1: statement ids fit int<4>');
    const statement = new ServerStatement(id, prepared, this.longDataBytesMax);
    this.#statements.set(id, statement);
    this.#lastId = id;
    return statement;
  }

  /** The statement with this id (P1: 0xFFFFFFFF is the last prepared), or undefined. */
  get(id: number): ServerStatement | undefined {
    const resolved = id === LAST_PREPARED_STATEMENT_ID ? this.#lastId : id;
    return resolved === null ? undefined : this.#statements.get(resolved);
  }

  /** Forgets the last-prepared id, e.g. when a PREPARE failed (its EXECUTE must then fail). */
  forgetLast(): void {
    this.#lastId = null;
  }

  async close(statement: ServerStatement): Promise<void> {
    if (!this.#statements.delete(statement.id)) return;
    if (this.#lastId === statement.id) this.#lastId = null;
    await statement.closeCursor();
    statement.prepared.close(); // P2
  }

  async closeAll(): Promise<void> {
    for (const statement of [...this.#statements.values()]) await this.close(statement);
  }
}
