/**
 * What a command handler may use: the connection's Session, the client's negotiated flags, a
 * logger, and an output queue. Handlers never see the socket (connection.ts owns it).
 *
 * Contract: a handler queues the response packets of one command, in order, with `send`; it calls
 * `flushIfFull` after each batch of rows so that output reaches the socket in net-buffer-sized
 * writes, with back-pressure. The connection flushes whatever is left when the handler returns.
 * A handler rejects with SqlError to answer ERR (the connection sends it and carries on); any
 * other rejection closes the connection.
 */
import type { Logger } from 'pino';
import type { Session } from '../../engine/index.js';

export interface ClientFlags {
  /** Capabilities both sides have: the client's request ∩ SERVER_CAPABILITIES. */
  readonly capabilities: number;
  /** CLIENT_DEPRECATE_EOF: result sets end with an OK (0xFE header), and have no middle EOF. */
  readonly deprecateEof: boolean;
  /** CLIENT_FOUND_ROWS: OK reports rows matched, not rows changed. */
  readonly foundRows: boolean;
}

export interface CommandContext {
  readonly connectionId: number;
  readonly session: Session;
  readonly client: ClientFlags;
  readonly log: Logger;
  /** Queues one packet payload with the next sequence id. */
  send(payload: Buffer): void;
  /** Writes queued packets once NET_BUFFER_BYTES are waiting; resolves when the socket drains. */
  flushIfFull(): Promise<void>;
}

export type CommandOutcome = 'continue' | 'quit';

/** `payload` is the whole command packet, its first byte the COM_* byte. */
export type CommandHandler = (ctx: CommandContext, payload: Buffer) => Promise<CommandOutcome>;
