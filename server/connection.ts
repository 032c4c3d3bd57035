/**
 * One client connection: the only code that touches a net.Socket. It frames bytes into packets
 * (protocol/framing.ts), runs the handshake, then the command loop, and owns the Session.
 *
 * Phases, in one linear function (handleConnection):
 *
 *   greeting ──▶ response ──▶ [auth switch] ──▶ verify ──▶ session, [database] ──▶ OK ──▶ commands
 *       │            │              │              │                │                      │
 *       └────────────┴──────────────┴── ERR / EOF ─┴────────────────┴──────────── close ◀──┘
 *
 *   transition                          function
 *   accept → greeting                   handleConnection (encodeHandshakeV10)
 *   greeting → response                 Channel.read(1), decodeHandshakeResponse
 *   response → auth switch              authenticate (plugin ≠ mysql_native_password)
 *   → verify                            authenticate (verifyNativePassword)
 *   verify → OK                         handleConnection (Engine.openSession, useDatabase)
 *   commands                            commandLoop → dispatch → commands/index.ts
 *   any → close                         handleConnection's finally (Session.close, Channel.close)
 *
 * Invariants:
 *   (C1) One command at a time: the next packet is read only after the previous command's
 *        response is fully written, so calls on the Session are serialized (engine/api.ts).
 *   (C2) A SqlError answers ERR and the connection carries on; a ProtocolError answers ERR and
 *        closes; any other exception is a bug: logged at error, answered with ER_UNKNOWN_ERROR
 *        (1105, HY000), and the connection closes. A client that goes away is logged at info.
 *   (C3) The Session is closed exactly once, whichever way the connection ends.
 *   (C4) Secrets never reach the log: no auth data, no passwords.
 */
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { type Engine, type Session, SqlError } from '../engine/index.js';
import { createScramble, verifyNativePassword } from './auth/native-password.js';
import { commandName, COMMANDS, isCommandByte } from './commands/index.js';
import type { ClientFlags, CommandContext, CommandOutcome } from './commands/context.js';
import { CONNECT_TIMEOUT_MS, NET_BUFFER_BYTES, READ_BUFFER_BYTES_MAX } from './config.js';
import {
  CLIENT,
  COLLATION,
  hasFlag,
  NATIVE_PASSWORD_PLUGIN,
  PROTOCOL_VERSION,
  SERVER_CAPABILITIES,
  SERVER_STATUS,
  SERVER_VERSION,
} from './protocol/constants.js';
import { malformed, ProtocolError } from './protocol/errors.js';
import { type Packet, PacketReader, PacketWriter } from './protocol/framing.js';
import {
  decodeAuthSwitchResponse,
  encodeAuthSwitchRequest,
} from './protocol/packets/auth-switch.js';
import { encodeErr, type ErrPacket } from './protocol/packets/err.js';
import {
  decodeHandshakeResponse,
  type HandshakeResponse41,
} from './protocol/packets/handshake-response.js';
import { encodeHandshakeV10 } from './protocol/packets/handshake-v10.js';
import { encodeOk, OK_HEADER } from './protocol/packets/ok.js';
import { statusFlagsOf } from './results.js';

export interface ConnectionLimits {
  readonly maxAllowedPacket: number;
  readonly connectTimeoutMs: number;
}

export interface ConnectionDeps {
  readonly socket: Socket;
  readonly connectionId: number;
  readonly engine: Engine;
  /** The root account's stored hash (nativePasswordHash); null for an empty password. */
  readonly rootPasswordHash: Buffer | null;
  readonly limits: ConnectionLimits;
  /** Already scoped to this connection ({ conn: id }). */
  readonly log: Logger;
}

/** The only account until users live in the catalog. */
const ROOT_USER = 'root';

export interface ServedConnection {
  /** Settles once the connection and its Session are closed; never rejects (C2, C3). */
  readonly done: Promise<void>;
  /** Ends the connection now (server shutdown); `done` settles when the Session is closed. */
  close(): void;
}

/** Starts serving an accepted socket. */
export function serveConnection(deps: ConnectionDeps): ServedConnection {
  return { done: handleConnection(deps), close: () => deps.socket.destroy() };
}

/** Drops a socket without a word (it arrived while the server shuts down). */
export function dropConnection(socket: Socket): void {
  socket.destroy();
}

/** The connection from greeting to close, in order (see the table above). */
async function handleConnection(deps: ConnectionDeps): Promise<void> {
  const { socket, log, connectionId } = deps;
  const channel = new Channel(socket, deps.limits.maxAllowedPacket);
  const host = hostOf(socket);
  let session: Session | null = null;
  log.info({ remote: socket.remoteAddress, port: socket.remotePort }, 'connected');
  socket.setTimeout(deps.limits.connectTimeoutMs, () => {
    log.info('handshake timed out');
    socket.destroy();
  });
  try {
    const scramble = createScramble();
    channel.send(greeting(connectionId, scramble));
    await channel.flush();
    const responsePacket = await channel.read(1);
    if (responsePacket === null) return log.info('client left before the handshake response');
    const response = decodeHandshakeResponse(responsePacket.payload);
    const authResponse = await authenticate(channel, response, scramble);
    if (authResponse === null) return log.info('client left during the auth switch');
    const denied = checkAccount(response.username, host, authResponse, scramble, deps);
    if (denied !== null) {
      log.info({ user: response.username, host }, 'access denied');
      channel.send(encodeErr(denied));
      return await channel.flush();
    }
    session = deps.engine.openSession({ connectionId, user: response.username, host });
    if (response.database !== null) await session.useDatabase(response.database);
    channel.send(okPacket(session));
    await channel.flush();
    socket.setTimeout(0);
    log.info(connectedFields(response, host), 'authenticated');
    await commandLoop(channel, {
      connectionId,
      session,
      client: negotiate(response.capabilities),
      log,
      send: (payload) => channel.send(payload),
      flushIfFull: () => channel.flushIfFull(),
    });
  } catch (error) {
    await reportFailure(channel, log, error);
  } finally {
    await closeSession(session, log); // C3
    channel.close();
  }
}

/** Sends ER_CON_COUNT_ERROR in place of a greeting and closes (the max_connections limit). */
export function refuseConnection(socket: Socket, error: ErrPacket, log: Logger): void {
  const writer = new PacketWriter();
  writer.add(encodeErr(error));
  socket.on('error', (e) => log.debug({ err: e }, 'refused socket error'));
  socket.end(writer.take());
}

function greeting(connectionId: number, scramble: Buffer): Buffer {
  return encodeHandshakeV10({
    protocolVersion: PROTOCOL_VERSION,
    serverVersion: SERVER_VERSION,
    connectionId,
    scramble,
    capabilities: SERVER_CAPABILITIES,
    characterSet: COLLATION.utf8mb4_0900_ai_ci,
    statusFlags: SERVER_STATUS.SERVER_STATUS_AUTOCOMMIT,
    authPluginName: NATIVE_PASSWORD_PLUGIN,
  });
}

/**
 * The client's mysql_native_password answer: from the response itself, or after an
 * AuthSwitchRequest when the client used another plugin. null if the client left.
 */
async function authenticate(
  channel: Channel,
  response: HandshakeResponse41,
  scramble: Buffer,
): Promise<Buffer | null> {
  const plugin = response.authPluginName;
  if (plugin === null || plugin === NATIVE_PASSWORD_PLUGIN) return response.authResponse;
  channel.send(
    encodeAuthSwitchRequest({
      pluginName: NATIVE_PASSWORD_PLUGIN,
      pluginData: Buffer.concat([scramble, Buffer.from([0])]),
    }),
  );
  await channel.flush();
  const answer = await channel.read(channel.nextSequenceId);
  return answer === null ? null : decodeAuthSwitchResponse(answer.payload);
}

/** null when the account may log in, else the ER_ACCESS_DENIED_ERROR to send. */
function checkAccount(
  user: string,
  host: string,
  authResponse: Buffer,
  scramble: Buffer,
  deps: ConnectionDeps,
): ErrPacket | null {
  const storedHash = deps.rootPasswordHash;
  if (user === ROOT_USER && verifyNativePassword({ scramble, authResponse, storedHash })) {
    return null;
  }
  const usingPassword = authResponse.length > 0 ? 'YES' : 'NO';
  return new SqlError('ER_ACCESS_DENIED_ERROR', [user, host, usingPassword]);
}

function negotiate(clientCapabilities: number): ClientFlags {
  const capabilities = (clientCapabilities & SERVER_CAPABILITIES) >>> 0;
  return {
    capabilities,
    deprecateEof: hasFlag(capabilities, CLIENT.CLIENT_DEPRECATE_EOF),
    foundRows: hasFlag(capabilities, CLIENT.CLIENT_FOUND_ROWS),
  };
}

function okPacket(session: Session): Buffer {
  return encodeOk({
    header: OK_HEADER,
    affectedRows: 0,
    lastInsertId: 0n,
    statusFlags: statusFlagsOf(session.status),
    warnings: 0,
    info: '',
  });
}

async function commandLoop(channel: Channel, ctx: CommandContext): Promise<void> {
  for (;;) {
    const packet = await channel.read(0);
    if (packet === null) {
      ctx.log.info('client disconnected');
      return;
    }
    const outcome = await dispatch(ctx, packet);
    await channel.flush(); // C1: the response is out before the next command is read
    if (outcome === 'quit') {
      ctx.log.info('client quit');
      return;
    }
  }
}

async function dispatch(ctx: CommandContext, packet: Packet): Promise<CommandOutcome> {
  const command = packet.payload[0];
  if (command === undefined) throw malformed('empty command packet');
  if (!isCommandByte(command)) {
    ctx.log.info({ command: commandName(command) }, 'unknown command');
    ctx.send(encodeErr(new SqlError('ER_UNKNOWN_COM_ERROR')));
    return 'continue';
  }
  try {
    return await COMMANDS[command](ctx, packet.payload);
  } catch (error) {
    if (!(error instanceof SqlError)) throw error;
    ctx.log.debug({ code: error.code, errno: error.errno }, 'statement failed');
    ctx.send(encodeErr(error)); // C2
    return 'continue';
  }
}

/** C2: log by kind, answer ERR if the socket still takes it. The connection then closes. */
async function reportFailure(channel: Channel, log: Logger, error: unknown): Promise<void> {
  let answer: ErrPacket;
  if (error instanceof ClientGone) {
    log.info({ reason: error.message }, 'client went away');
    return;
  } else if (error instanceof ProtocolError) {
    log.warn({ code: error.code, detail: error.detail }, 'protocol error');
    answer = error;
  } else if (error instanceof SqlError) {
    // Only during the handshake (an unknown database): commands answer SqlErrors themselves.
    log.info({ code: error.code, errno: error.errno }, 'connection refused by the engine');
    answer = error;
  } else {
    log.error({ err: error }, 'unexpected error; closing the connection');
    const message = error instanceof Error ? error.message : String(error);
    answer = new SqlError('ER_UNKNOWN_ERROR', [`Internal error: ${message}`]);
  }
  try {
    channel.send(encodeErr(answer));
    await channel.flush();
  } catch (sendError) {
    log.debug({ err: sendError }, 'could not send the error');
  }
}

async function closeSession(session: Session | null, log: Logger): Promise<void> {
  if (session === null) return;
  try {
    await session.close();
  } catch (error) {
    log.error({ err: error }, 'session close failed');
  }
}

function hostOf(socket: Socket): string {
  const address = (socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
  // MySQL resolves the loopback address to 'localhost' in account names and messages.
  return address === '127.0.0.1' || address === '::1' ? 'localhost' : address;
}

function connectedFields(response: HandshakeResponse41, host: string): Record<string, unknown> {
  return {
    user: response.username, // C4: no auth data
    host,
    database: response.database,
    client: response.connectAttributes.get('_client_name') ?? null,
    clientVersion: response.connectAttributes.get('_client_version') ?? null,
    deprecateEof: hasFlag(response.capabilities, CLIENT.CLIENT_DEPRECATE_EOF),
  };
}

/** The socket went away while we were writing. */
class ClientGone extends Error {
  override readonly name = 'ClientGone';
}

/**
 * A socket seen as packets: reads wait for a whole packet, writes go out in one buffer per flush
 * and wait for 'drain' when the socket is full.
 */
class Channel {
  readonly #socket: Socket;
  readonly #reader: PacketReader;
  readonly #writer = new PacketWriter();
  #wake: (() => void) | null = null;
  #ended = false;

  constructor(socket: Socket, maxAllowedPacket: number) {
    this.#socket = socket;
    this.#reader = new PacketReader(maxAllowedPacket);
    socket.on('data', (chunk: Buffer) => {
      this.#reader.push(chunk);
      if (this.#wake === null && this.#reader.bufferedBytes > READ_BUFFER_BYTES_MAX) {
        socket.pause(); // input back-pressure: resumed by the next read that needs bytes
      }
      this.#notify();
    });
    const end = (): void => {
      this.#ended = true;
      this.#notify();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end); // the reason surfaces as ClientGone or a null read
  }

  /** The sequence id the next packet sent will carry. */
  get nextSequenceId(): number {
    return this.#writer.sequenceId;
  }

  /** The next packet, whose first fragment must carry `sequenceId`; null once the client left. */
  async read(sequenceId: number): Promise<Packet | null> {
    for (;;) {
      const packet = this.#readBuffered(sequenceId);
      if (packet !== undefined) {
        this.#writer.sequenceId = packet.nextSequenceId;
        return packet;
      }
      if (this.#ended) return null;
      if (this.#socket.isPaused()) this.#socket.resume();
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  send(payload: Buffer): void {
    this.#writer.add(payload);
  }

  #readBuffered(sequenceId: number): Packet | undefined {
    try {
      return this.#reader.read(sequenceId);
    } catch (error) {
      // An in-order packet that is refused (too large) is answered with the next id.
      if (error instanceof ProtocolError && error.sequenceId !== null) {
        this.#writer.sequenceId = (error.sequenceId + 1) & 0xff;
      }
      throw error;
    }
  }

  async flushIfFull(): Promise<void> {
    if (this.#writer.pendingBytes >= NET_BUFFER_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#writer.pendingBytes === 0) return;
    const bytes = this.#writer.take();
    if (this.#socket.destroyed || !this.#socket.writable) throw new ClientGone('socket closed');
    if (!this.#socket.write(bytes)) await this.#drained();
  }

  close(): void {
    const socket = this.#socket;
    if (socket.destroyed) return;
    socket.once('finish', () => socket.destroy());
    // A peer that neither reads nor closes does not keep the socket forever.
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => socket.destroy());
    socket.end();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  #drained(): Promise<void> {
    const socket = this.#socket;
    return new Promise<void>((resolve, reject) => {
      const onDrain = (): void => {
        socket.off('close', onClose);
        resolve();
      };
      const onClose = (): void => {
        socket.off('drain', onDrain);
        reject(new ClientGone('socket closed while writing'));
      };
      socket.once('drain', onDrain);
      socket.once('close', onClose);
    });
  }
}
