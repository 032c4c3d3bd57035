/**
 * What a command handler may use: the connection's Session and prepared statements, the Engine
 * (for COM_STATISTICS), the client's negotiated flags, a logger, an output queue, and, for
 * COM_CHANGE_USER, re-authentication. Handlers never see the socket (connection.ts owns it).
 *
 * Contract: a handler queues the response packets of one command, in order, with `send`; it calls
 * `flushIfFull` after each batch of rows so that output reaches the socket in net-buffer-sized
 * writes, with back-pressure. The connection flushes whatever is left when the handler returns.
 * A handler rejects with SqlError or CommandError to answer ERR (the connection sends it and
 * carries on), or with a ProtocolError ER_MALFORMED_PACKET for a payload that does not parse
 * (answered the same way: the framing is intact); any other rejection closes the connection.
 */
import type { Logger } from 'pino';
import type { Engine, Session } from '../../engine/index.js';
import type { AuthOutcome } from '../auth/authenticate.js';
import type { ChangeUser } from '../protocol/packets/change-user.js';
import type { StatementRegistry } from '../statements.js';

export interface ClientFlags {
  /** Capabilities both sides have: the client's request ∩ the greeting's. */
  readonly capabilities: number;
  /** CLIENT_DEPRECATE_EOF: result sets end with an OK (0xFE header), and have no middle EOF. */
  readonly deprecateEof: boolean;
  /** CLIENT_FOUND_ROWS: OK reports rows matched, not rows changed. */
  readonly foundRows: boolean;
  /** CLIENT_MULTI_STATEMENTS, as negotiated and then switched by COM_SET_OPTION. */
  multiStatements: boolean;
  /** CLIENT_LOCAL_FILES: the client sends files for LOAD DATA LOCAL INFILE. */
  readonly localFiles: boolean;
}

/** Splits a COM_QUERY text into its statements (the engine's lexer knows quotes and comments). */
export type StatementSplitter = (sql: Buffer) => readonly Buffer[];

export interface CommandContext {
  readonly connectionId: number;
  /** The client's host as accounts see it ('localhost' for loopback). */
  readonly host: string;
  /** The greeting's scramble (COM_CHANGE_USER authenticates against it again). */
  readonly scramble: Buffer;
  readonly session: Session;
  readonly engine: Engine;
  readonly client: ClientFlags;
  readonly statements: StatementRegistry;
  readonly splitStatements: StatementSplitter;
  readonly log: Logger;
  /** COM_CHANGE_USER: authenticates `request` over this connection (AuthSwitch if needed). */
  reauthenticate(request: ChangeUser): Promise<AuthOutcome>;
  /** Queues one packet payload with the next sequence id. */
  send(payload: Buffer): void;
  /**
   * Queues one packet of `length` payload bytes (less than 0xFFFFFF) that the caller writes at
   * the returned offset of `packetBuffer` before anything else is sent (issue 8: result rows
   * encoded in place).
   */
  reserve(length: number): number;
  /** Where reserve()'s payload goes; valid until the next send, reserve or flush. */
  readonly packetBuffer: Buffer;
  /**
   * Writes queued packets once NET_BUFFER_BYTES are waiting; the promise resolves when the socket
   * drains. Undefined when fewer bytes wait (nothing written, nothing to await).
   */
  flushIfFull(): Promise<void> | undefined;
  /**
   * Flushes what is queued, then reads the client's next packet of this command (the next
   * sequence id): LOAD DATA LOCAL's file content. Null when the client left.
   */
  readPacket(): Promise<Buffer | null>;
}

/** 'close': the command failed in a way that ends the connection (a failed COM_CHANGE_USER). */
export type CommandOutcome = 'continue' | 'quit' | 'close';

/** `payload` is the whole command packet, its first byte the COM_* byte. */
export type CommandHandler = (ctx: CommandContext, payload: Buffer) => Promise<CommandOutcome>;

/**
 * A handler that may answer at once, without a promise, when nothing waited (issue 8:
 * COM_STMT_EXECUTE of a cached point select); it may then throw as an async one would reject.
 */
export type CommandHandlerNow = (
  ctx: CommandContext,
  payload: Buffer,
) => CommandOutcome | Promise<CommandOutcome>;
