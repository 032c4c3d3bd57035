/**
 * The messages of write forwarding's transport, and their value codecs: a RemoteSession on a
 * reader thread (remote-session.ts, TwinClient) runs every call on a twin engine Session on the
 * writer's thread (twin-host.ts, TwinHost), over one MessagePort.
 *
 *   reader → writer   'open'        open the twin of reader-side session `session`
 *                     'call'        run `request` on that twin; exactly one 'reply' answers `call`
 *                     'stmt-close'  close a prepared statement's twin (PreparedStatement.close is
 *                                   synchronous: no reply)
 *                     'cancel'      drop a rows stream early (its iterator's return(); no reply)
 *                     'hand-off'    the client connection itself moves to the writer's thread,
 *                                   and its twin becomes its session there (handoff.ts; no
 *                                   reply: the reader side is done with the session)
 *   writer → reader   'reply'       the outcome of call `call`, and the twin's status after it
 *                     'killed'      KILL [QUERY] named the twin's connection id
 *
 * A rows result crosses batch by batch: its first batch travels with the reply; when more
 * remain the reply names a `stream`, and each 'next' call brings one more batch (`more` says
 * whether another remains: the host reads one batch ahead, so a result of one batch needs no
 * second round trip).
 *
 * Invariants owned here (the codecs below keep them; both ends call them):
 *   (TW1) a Buffer sent arrives as a Buffer: structured clone turns it into a plain Uint8Array,
 *         and every value, row, parameter and statement text is restored on arrival (without a
 *         copy). No other Uint8Array crosses (SqlValue has none), so the restoring is exact.
 *   (TW2) a Buffer crosses with its own bytes only: structured clone copies a view's whole
 *         backing ArrayBuffer (8 KiB for a pooled Buffer, 16 KiB for a page's subarray), so a
 *         view is first copied into an ArrayBuffer of its exact size.
 *   (TW11) a call may carry a transaction to adopt before its request (ToTwin 'call'.adopt): the
 *         request runs only inside the adopted transaction, never without it.
 *   (TW13) a call may carry the previous statement's diagnostics (ToTwin 'call'.diagnostics,
 *         when that statement ran on the read engine): the twin takes them before the request
 *         runs, so ROW_COUNT(), FOUND_ROWS() and SHOW WARNINGS there read the statement the
 *         client ran last, not the twin's last.
 *   (TW3) an error crosses as its ER name and message and is rebuilt as the same SqlError
 *         (errno, SQLSTATE, text); any other exception becomes ER_UNKNOWN_ERROR with its
 *         message (the host logs it).
 */
import type { ClientFlags } from '../commands/context.js';
import type { ParamType } from '../protocol/packets/stmt-execute.js';
import {
  type ColumnInfo,
  type ErrorName,
  type FieldListColumn,
  type MovedTransaction,
  type Row,
  type StatementDiagnostics,
  type Result,
  type SessionInit,
  type SessionStatus,
  type SqlValue,
  SqlError,
  sqlErrorWithMessage,
} from '../../engine/index.js';

/** A value as it crosses the port: a Buffer arrives as a plain Uint8Array (TW1). */
export type WireValue = null | bigint | number | string | Uint8Array;
export type WireRow = readonly WireValue[];

/** SessionInit without its callbacks (functions do not clone; 'killed' stands for them). */
export type WireInit = Omit<SessionInit, 'onKill' | 'onKillQuery'>;

export interface WireError {
  readonly code: ErrorName;
  readonly message: string;
}

export type TwinRequest =
  | { readonly kind: 'execute'; readonly sql: string | Uint8Array }
  | { readonly kind: 'prepare'; readonly sql: string | Uint8Array }
  | { readonly kind: 'stmt-execute'; readonly handle: number; readonly params: WireRow }
  | { readonly kind: 'use-database'; readonly name: string }
  | { readonly kind: 'field-list'; readonly table: string; readonly wildcard: string }
  | { readonly kind: 'reset' }
  | {
      readonly kind: 'change-user';
      readonly user: string;
      readonly host: string;
      readonly database: string | null;
    }
  /** The next batch of rows stream `stream`. */
  | { readonly kind: 'next'; readonly stream: number }
  /** LOAD DATA LOCAL: the file's content for the 'local-infile' result `handle`. */
  | { readonly kind: 'load'; readonly handle: number; readonly content: Uint8Array }
  | { readonly kind: 'close' };

export type ToTwin =
  | { readonly kind: 'open'; readonly session: number; readonly init: WireInit }
  | {
      readonly kind: 'call';
      readonly session: number;
      readonly call: number;
      readonly request: TwinRequest;
      /**
       * TW11: a transaction the twin adopts first, in the same call (no round trip of its own);
       * when that fails the request does not run and the reply carries the adoption's error.
       */
      readonly adopt?: MovedTransaction;
      /** TW13: the previous statement's diagnostics, when it ran on the read engine. */
      readonly diagnostics?: StatementDiagnostics;
    }
  | { readonly kind: 'stmt-close'; readonly session: number; readonly handle: number }
  | { readonly kind: 'cancel'; readonly session: number; readonly stream: number }
  | { readonly kind: 'hand-off'; readonly session: number; readonly connection: WireConnection };

/**
 * A client connection moving to the writer's thread (connection.ts C6): its socket's duplicate
 * descriptor, the bytes it sent that were not read yet, and its prepared statements by protocol
 * id, each with the handle of its twin-side statement (every one has one by then).
 */
export interface WireConnection {
  readonly connectionId: number;
  readonly host: string;
  readonly scramble: Uint8Array;
  readonly client: ClientFlags;
  readonly fd: number;
  readonly unread: Uint8Array;
  readonly statements: {
    readonly statements: readonly {
      readonly id: number;
      readonly handle: number;
      readonly paramTypes: readonly ParamType[] | null;
    }[];
    readonly nextId: number;
    readonly lastId: number | null;
  };
}

/** An OK result crosses as it is (numbers, a bigint and a string). */
export type WireOk = Result & { readonly kind: 'ok' };

export interface WireRows {
  readonly columns: readonly ColumnInfo[];
  readonly rows: readonly WireRow[];
}

export type WireResult =
  | WireOk
  /** `stream` is null when `rows` are all the rows; else 'next' brings the rest. */
  | ({ readonly kind: 'rows'; readonly stream: number | null } & WireRows)
  | { readonly kind: 'multi'; readonly results: readonly WireRows[]; readonly final: WireOk }
  | { readonly kind: 'local-infile'; readonly filename: string; readonly load: number };

export type TwinOutcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'result'; readonly result: WireResult }
  | {
      readonly kind: 'prepared';
      readonly handle: number;
      readonly paramCount: number;
      readonly columns: readonly ColumnInfo[];
    }
  | { readonly kind: 'fields'; readonly fields: readonly FieldListColumn[] }
  | { readonly kind: 'batch'; readonly rows: readonly WireRow[]; readonly more: boolean }
  | { readonly kind: 'error'; readonly error: WireError };

export type FromTwin =
  | {
      readonly kind: 'reply';
      readonly call: number;
      /** The twin's status after the call; null when unchanged since its last reply. */
      readonly status: SessionStatus | null;
      readonly outcome: TwinOutcome;
    }
  | { readonly kind: 'killed'; readonly session: number; readonly query: boolean };

/** TW2: the bytes to post: the Buffer itself when it owns its ArrayBuffer, else a copy. */
export function toWireBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes;
  return new Uint8Array(bytes);
}

/** TW1: the Buffer over bytes that arrived, sharing their memory. */
export function fromWireBytes(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function isView(value: SqlValue): boolean {
  return (
    value instanceof Uint8Array &&
    (value.byteOffset !== 0 || value.byteLength !== value.buffer.byteLength)
  );
}

/** TW2: a row (or parameter list) to post; the row itself unless it holds a view. */
export function toWireRow(row: Row): WireRow {
  if (!row.some(isView)) return row;
  return row.map((value) => (value instanceof Uint8Array ? toWireBytes(value) : value));
}

function restored(row: WireRow): row is Row {
  return !row.some((value) => value instanceof Uint8Array);
}

/** TW1: a row (or parameter list) that arrived, with its Buffers back. */
export function fromWireRow(row: WireRow): Row {
  if (restored(row)) return row;
  return row.map((value) => (value instanceof Uint8Array ? fromWireBytes(value) : value));
}

export function toWireRows(rows: readonly Row[]): readonly WireRow[] {
  return rows.map(toWireRow);
}

export function fromWireRows(rows: readonly WireRow[]): Row[] {
  return rows.map(fromWireRow);
}

/** Statement text to post: a Buffer as its own bytes (TW2), a string as is. */
export function toWireText(sql: string | Buffer): string | Uint8Array {
  return typeof sql === 'string' ? sql : toWireBytes(sql);
}

export function fromWireText(sql: string | Uint8Array): string | Buffer {
  return typeof sql === 'string' ? sql : fromWireBytes(sql);
}

/** TW3: an exception as it crosses; `expected` is false for anything but a SqlError. */
export function toWireError(error: unknown): { wire: WireError; expected: boolean } {
  if (error instanceof SqlError) {
    return { wire: { code: error.code, message: error.message }, expected: true };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { wire: { code: 'ER_UNKNOWN_ERROR', message }, expected: false };
}

/** TW3: the SqlError again, with the errno and SQLSTATE of its name. */
export function fromWireError(error: WireError): SqlError {
  return sqlErrorWithMessage(error.code, error.message);
}
