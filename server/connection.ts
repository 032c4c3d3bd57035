/**
 * One client connection: the handshake, then the command loop, owning the Session and the
 * prepared statements. The socket itself is behind a Channel (channel.ts).
 *
 * Phases, in one linear function (handleConnection):
 *
 *   greeting ─▶ [SSLRequest ─▶ TLS] ─▶ response ─▶ authenticate ─▶ session, [database] ─▶ OK
 *       │               │                 │              │                  │               │
 *       └───────────────┴─────────────────┴── ERR / EOF ─┴──────────────────┴── commands ◀──┘
 *                                                                               │
 *                                        quit, EOF, wait_timeout, KILL, error ──▶ close
 *
 *   transition                          function
 *   accept → greeting                   handshake (encodeHandshakeV10)
 *   greeting → TLS                      readHandshakeResponse (isSslRequest, Channel.startTls)
 *   → response                          readHandshakeResponse (decodeHandshakeResponse)
 *   response → authenticated            handshake → auth/authenticate.ts (AuthSwitch, AuthMoreData)
 *   authenticated → OK                  handleConnection (Engine.openSession, useDatabase)
 *   commands                            commandLoop → dispatch → commands/index.ts
 *   idle past wait_timeout → close      commandLoop (ER_CLIENT_INTERACTION_TIMEOUT, 4031)
 *   any → close                         handleConnection's finally (statements, Session.close,
 *                                       Channel.close)
 *
 * Invariants:
 *   (C1) One command at a time: the next packet is read only after the previous command's
 *        response is fully written, so calls on the Session are serialized (engine/api.ts).
 *   (C2) A SqlError or CommandError answers ERR and the connection carries on, and so does a
 *        malformed command payload (the framing is intact); a ProtocolError from the framing or
 *        the handshake answers ERR and closes; any other exception is a bug: logged at error,
 *        answered with ER_UNKNOWN_ERROR (1105, HY000), and the connection closes. A client that
 *        goes away is logged at info.
 *   (C3) The prepared statements, then the Session, are closed exactly once, whichever way the
 *        connection ends.
 *   (C4) Secrets never reach the log: no auth data, no passwords (SQL that may hold one is
 *        redacted, commands/loggable-sql.ts).
 *   (C5) A connection that has not finished its handshake within connect_timeout is dropped,
 *        and one idle past the session's wait_timeout is told so (4031) and closed.
 *   (C6) A connection moves to another thread only between two commands (its last response
 *        written, the next not begun) and only whole: socket, unread bytes, session and
 *        prepared statements go together, and this side then closes none of them (C3 is the
 *        new owner's). The client sees one connection.
 */
import type { Awake } from './awake.js';
import type { SecureContext } from 'node:tls';
import type { Logger } from 'pino';
import {
  type Engine,
  type PreparedStatement,
  type Session,
  SqlError,
  type WireCharset,
} from '../engine/index.js';
import { type AuthExchange, type AuthServices, authenticate } from './auth/authenticate.js';
import { createScramble } from './auth/native-password.js';
import { Channel, type ChannelLimits, type ClientSocket, ClientGone } from './channel.js';
import { commandName, COMMANDS, isCommandByte } from './commands/index.js';
import type {
  ClientFlags,
  CommandContext,
  CommandOutcome,
  StatementSplitter,
} from './commands/context.js';
import { charsetOfCollation } from './protocol/charsets.js';
import {
  CLIENT,
  COLLATION,
  greetingCapabilities,
  hasFlag,
  NATIVE_PASSWORD_PLUGIN,
  PROTOCOL_VERSION,
  SERVER_STATUS,
  SERVER_VERSION,
} from './protocol/constants.js';
import { CommandError, ProtocolError } from './protocol/errors.js';
import { type Packet, PacketWriter } from './protocol/framing.js';
import { encodeErr, type ErrPacket } from './protocol/packets/err.js';
import {
  decodeHandshakeResponse,
  type HandshakeResponse41,
} from './protocol/packets/handshake-response.js';
import { encodeHandshakeV10 } from './protocol/packets/handshake-v10.js';
import { encodeOk, OK_HEADER } from './protocol/packets/ok.js';
import { isSslRequest } from './protocol/packets/ssl-request.js';
import { statusFlagsOf } from './results.js';
import { type RegistryImage, StatementRegistry } from './statements.js';

export interface ConnectionLimits extends ChannelLimits {
  readonly connectTimeoutMs: number;
}

export interface ConnectionDeps {
  readonly socket: ClientSocket;
  readonly connectionId: number;
  readonly engine: Engine;
  readonly auth: AuthServices;
  /** The TLS certificate and key; null: CLIENT_SSL is not offered. */
  readonly tls: SecureContext | null;
  readonly splitStatements: StatementSplitter;
  readonly limits: ConnectionLimits;
  /** Already scoped to this connection ({ conn: id }). */
  readonly log: Logger;
  /** Told after every command, to keep the event loop awake a moment (awake.ts). */
  readonly awake?: Awake;
  /** Moves the connection to another thread when it asks to (C6; reader/handoff.ts). */
  readonly handOff?: ConnectionHandOff;
}

/** What a connection carries to the thread it moves to (C6). */
export interface MovingConnection {
  readonly connectionId: number;
  readonly host: string;
  readonly scramble: Buffer;
  readonly client: ClientFlags;
  /** The socket's duplicate descriptor, and what the client sent that was not read yet. */
  readonly fd: number;
  readonly unread: Buffer;
  readonly statements: RegistryImage<PreparedStatement>;
}

/** C6: when and how a connection leaves this thread (between two commands). */
export interface ConnectionHandOff {
  /** A second descriptor of the socket's (native/descriptors.ts). */
  readonly duplicate: (fd: number) => number;
  /** Whether the connection should move, now that the last command is answered. */
  due(session: Session): boolean;
  /** Readies the statements to go (each gets its other side); false: the move is off. */
  ready(session: Session, statements: readonly PreparedStatement[]): Promise<boolean>;
  /**
   * Hands the connection over: from here the other thread owns the descriptor, the session's
   * state and the statements; this thread releases its own side of them.
   */
  move(session: Session, moving: MovingConnection): void;
}

/** A connection that moved here, with its Session and statements (C6). */
export interface ArrivingConnection {
  readonly session: Session;
  readonly statements: RegistryImage<PreparedStatement>;
  readonly host: string;
  readonly scramble: Buffer;
  readonly client: ClientFlags;
  readonly unread: Buffer;
}

export interface ServedConnection {
  /**
   * Settles once the connection and its Session are closed, or once it moved to another thread
   * (C6: 'moved'); never rejects (C2, C3).
   */
  readonly done: Promise<'ended' | 'moved'>;
  /** Ends the connection now (server shutdown); `done` settles when the Session is closed. */
  close(): void;
}

/** Node's timers take at most 2^31 - 1 ms; MySQL's wait_timeout goes to a year. */
const TIMER_MS_MAX = 2 ** 31 - 1;

/** Starts serving an accepted socket. */
export function serveConnection(deps: ConnectionDeps): ServedConnection {
  return { done: handleConnection(deps), close: () => deps.socket.destroy() };
}

/** Drops a socket without a word (it arrived while the server shuts down). */
export function dropConnection(socket: ClientSocket): void {
  socket.destroy();
}

/** The connection from greeting to close, in order (see the table above). */
async function handleConnection(deps: ConnectionDeps): Promise<'ended' | 'moved'> {
  const { socket, log } = deps;
  const channel = new Channel(socket, deps.limits);
  let session: Session | null = null;
  log.info({ remote: socket.remoteAddress, port: socket.remotePort }, 'connected');
  channel.setTimeout(deps.limits.connectTimeoutMs, () => {
    log.info('handshake timed out'); // C5
    channel.destroy();
  });
  let login: Login | null;
  try {
    login = await handshake(deps, channel);
    if (login !== null) {
      session = deps.engine.openSession({
        connectionId: deps.connectionId,
        user: login.response.username,
        host: login.host,
        ...charsetField(login.response.characterSet),
        onKill: () => {
          log.info('killed');
          channel.destroy();
        },
      });
      if (login.response.database !== null) await session.useDatabase(login.response.database);
      channel.send(okPacket(session));
      await channel.flush();
      channel.clearTimeout();
      log.info(connectedFields(login.response, login.host, channel), 'authenticated');
    }
  } catch (error) {
    await reportFailure(channel, log, error);
    login = null;
  }
  if (login === null || session === null) {
    await closeSession(session, log); // C3
    channel.close();
    return 'ended';
  }
  return serveSession(deps, channel, {
    session,
    statements: new StatementRegistry(deps.limits.maxAllowedPacket),
    host: login.host,
    scramble: login.scramble,
    client: negotiate(login.response.capabilities, deps.tls !== null),
  });
}

/** What the command loop serves: an open session, its statements, the client it talks to. */
interface Served {
  readonly session: Session;
  readonly statements: StatementRegistry;
  readonly host: string;
  readonly scramble: Buffer;
  readonly client: ClientFlags;
}

/**
 * Commands until the connection ends, then its statements, its session and the channel are
 * closed (C3) — unless it moved to another thread, whose they are now (C6).
 */
async function serveSession(
  deps: ConnectionDeps,
  channel: Channel,
  served: Served,
): Promise<'ended' | 'moved'> {
  const { log } = deps;
  let end: 'ended' | 'moved' = 'ended';
  try {
    const ctx = commandContext(deps, channel, served);
    end = await commandLoop(channel, ctx, deps.awake, deps.handOff);
  } catch (error) {
    await reportFailure(channel, log, error);
  } finally {
    if (end === 'ended') {
      await closeStatements(served.statements, log); // C3
      await closeSession(served.session, log);
      channel.close();
    }
  }
  return end;
}

/** A client that passed authentication. */
interface Login {
  readonly response: HandshakeResponse41;
  readonly scramble: Buffer;
  readonly host: string;
}

/** Greeting, [TLS], response, authentication; null when the client left or was denied. */
async function handshake(deps: ConnectionDeps, channel: Channel): Promise<Login | null> {
  const { log } = deps;
  const host = hostOf(deps.socket);
  const scramble = createScramble();
  channel.send(greeting(deps.connectionId, scramble, deps.tls !== null));
  await channel.flush();
  const response = await readHandshakeResponse(channel, deps.tls);
  if (response === null) {
    log.info('client left before the handshake response');
    return null;
  }
  const outcome = await authenticate(deps.auth, exchangeOf(channel), {
    user: response.username,
    host,
    scramble,
    clientPlugin: response.authPluginName,
    authResponse: response.authResponse,
    secure: channel.secure,
  });
  if (outcome.kind === 'gone') {
    log.info('client left during authentication');
    return null;
  }
  if (outcome.kind === 'denied') {
    log.info({ user: response.username, host, errno: outcome.error.errno }, 'access denied');
    channel.send(encodeErr(outcome.error));
    await channel.flush();
    return null;
  }
  return { response, scramble, host };
}

function commandContext(deps: ConnectionDeps, channel: Channel, served: Served): CommandContext {
  const { session, statements, host, scramble, client } = served;
  return {
    connectionId: deps.connectionId,
    host,
    scramble,
    session,
    engine: deps.engine,
    client,
    statements,
    splitStatements: deps.splitStatements,
    log: deps.log,
    reauthenticate: (request) =>
      authenticate(deps.auth, exchangeOf(channel), {
        user: request.user,
        host,
        scramble,
        clientPlugin: request.authPluginName,
        authResponse: request.authResponse,
        secure: channel.secure,
      }),
    send: (payload) => channel.send(payload),
    reserve: (length) => channel.reserve(length),
    get packetBuffer() {
      return channel.packetBuffer;
    },
    flushIfFull: () => channel.flushIfFull(),
    readPacket: async () => {
      await channel.flush();
      const packet = await channel.read(channel.nextSequenceId);
      return packet === null ? null : Buffer.from(packet.payload);
    },
  };
}

/** The HandshakeResponse41, after switching to TLS if the client sent an SSLRequest first. */
async function readHandshakeResponse(
  channel: Channel,
  tls: SecureContext | null,
): Promise<HandshakeResponse41 | null> {
  let packet = await channel.read(1);
  if (packet === null) return null;
  if (tls !== null && isSslRequest(packet.payload)) {
    await channel.startTls(tls);
    packet = await channel.read(channel.nextSequenceId);
    if (packet === null) return null;
  }
  // Without TLS offered, an SSLRequest is refused here (ER_HANDSHAKE_ERROR).
  return decodeHandshakeResponse(packet.payload);
}

function exchangeOf(channel: Channel): AuthExchange {
  return {
    send: (payload) => channel.send(payload),
    flush: () => channel.flush(),
    read: async () => {
      const packet = await channel.read(channel.nextSequenceId);
      return packet === null ? null : Buffer.from(packet.payload);
    },
  };
}

/** The handshake's charset for SessionInit; absent when the collation id is unknown. */
function charsetField(collation: number): { charset?: WireCharset; collationId?: number } {
  const charset = charsetOfCollation(collation);
  return charset === undefined ? {} : { charset, collationId: collation };
}

/** Sends ER_CON_COUNT_ERROR in place of a greeting and closes (the max_connections limit). */
export function refuseConnection(socket: ClientSocket, error: ErrPacket, log: Logger): void {
  const writer = new PacketWriter();
  writer.add(encodeErr(error));
  socket.on('error', (e) => log.debug({ err: e }, 'refused socket error'));
  socket.end(writer.take());
}

function greeting(connectionId: number, scramble: Buffer, tls: boolean): Buffer {
  return encodeHandshakeV10({
    protocolVersion: PROTOCOL_VERSION,
    serverVersion: SERVER_VERSION,
    connectionId,
    scramble,
    capabilities: greetingCapabilities(tls),
    characterSet: COLLATION.utf8mb4_0900_ai_ci,
    statusFlags: SERVER_STATUS.SERVER_STATUS_AUTOCOMMIT,
    authPluginName: NATIVE_PASSWORD_PLUGIN,
  });
}

function negotiate(clientCapabilities: number, tls: boolean): ClientFlags {
  const capabilities = (clientCapabilities & greetingCapabilities(tls)) >>> 0;
  return {
    capabilities,
    deprecateEof: hasFlag(capabilities, CLIENT.CLIENT_DEPRECATE_EOF),
    foundRows: hasFlag(capabilities, CLIENT.CLIENT_FOUND_ROWS),
    multiStatements: hasFlag(capabilities, CLIENT.CLIENT_MULTI_STATEMENTS),
    localFiles: hasFlag(capabilities, CLIENT.CLIENT_LOCAL_FILES),
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

/** Serves a connection that moved here from another thread (C6), from its next command. */
export function serveArrivingConnection(
  deps: ConnectionDeps,
  arriving: ArrivingConnection,
): ServedConnection {
  return { done: handleArriving(deps, arriving), close: () => deps.socket.destroy() };
}

async function handleArriving(
  deps: ConnectionDeps,
  arriving: ArrivingConnection,
): Promise<'ended' | 'moved'> {
  const channel = new Channel(deps.socket, deps.limits);
  channel.prime(arriving.unread); // N5
  deps.log.info('moved to this thread');
  const statements = StatementRegistry.restore(deps.limits.maxAllowedPacket, arriving.statements);
  return serveSession(deps, channel, { ...arriving, statements });
}

/** The command loop; 'moved' when the connection went to another thread (C6). */
async function commandLoop(
  channel: Channel,
  ctx: CommandContext,
  awake: Awake | undefined,
  handOff: ConnectionHandOff | undefined,
): Promise<'ended' | 'moved'> {
  for (;;) {
    const idleMs = Math.min(ctx.session.status.waitTimeoutSeconds * 1000, TIMER_MS_MAX);
    const packet = await channel.readCommand(idleMs);
    if (packet === null) {
      ctx.log.info('client disconnected');
      return 'ended';
    }
    if (packet === 'idle') {
      ctx.log.info({ waitTimeoutMs: idleMs }, 'idle past wait_timeout; closing'); // C5
      channel.nextSequenceId = 0;
      channel.send(encodeErr(new CommandError('ER_CLIENT_INTERACTION_TIMEOUT')));
      await channel.flush();
      return 'ended';
    }
    const dispatched = dispatch(ctx, packet);
    const outcome = dispatched instanceof Promise ? await dispatched : dispatched;
    const flushing = channel.flushNow(); // C1: the response is out before the next command is read
    if (flushing !== undefined) await flushing;
    awake?.touch();
    if (outcome !== 'continue') {
      ctx.log.info(outcome === 'quit' ? 'client quit' : 'closing after the command');
      return 'ended';
    }
    if (handOff?.due(ctx.session) === true && (await moveConnection(channel, ctx, handOff))) {
      return 'moved';
    }
  }
}

/** C6: hands the connection over if its channel and statements can go now. */
async function moveConnection(
  channel: Channel,
  ctx: CommandContext,
  handOff: ConnectionHandOff,
): Promise<boolean> {
  const before = channel.detachable ? ctx.statements.image() : undefined;
  if (before === undefined) return false;
  const prepared = before.statements.map((statement) => statement.prepared);
  if (!(await handOff.ready(ctx.session, prepared))) return false;
  // The wait may have let bytes in, or a close: everything is checked again.
  const statements = ctx.statements.image();
  if (!channel.detachable || statements === undefined) return false;
  let detached: { fd: number; unread: Buffer };
  try {
    detached = channel.detach(handOff.duplicate);
  } catch (error) {
    ctx.log.warn({ err: error }, 'could not move the connection; it stays');
    return false;
  }
  ctx.statements.handOver();
  handOff.move(ctx.session, {
    connectionId: ctx.connectionId,
    host: ctx.host,
    scramble: ctx.scramble,
    client: ctx.client,
    fd: detached.fd,
    unread: detached.unread,
    statements,
  });
  ctx.log.info('moved to another thread');
  return true;
}

/** Runs one command: its outcome at once when its handler gave it at once (issue 8). */
function dispatch(
  ctx: CommandContext,
  packet: Packet,
): CommandOutcome | Promise<CommandOutcome> {
  const command = packet.payload[0];
  if (command === undefined) {
    throw new ProtocolError('ER_MALFORMED_PACKET', 'empty command packet');
  }
  if (!isCommandByte(command)) {
    ctx.log.info({ command: commandName(command) }, 'unknown command');
    ctx.send(encodeErr(new SqlError('ER_UNKNOWN_COM_ERROR')));
    return 'continue';
  }
  let outcome: CommandOutcome | Promise<CommandOutcome>;
  try {
    outcome = COMMANDS[command](ctx, packet.payload);
  } catch (error) {
    return failed(ctx, command, error);
  }
  if (outcome instanceof Promise) return outcome.catch((error) => failed(ctx, command, error));
  return outcome;
}

/** C2: a command's error answered as ERR, the connection going on; any other is thrown on. */
function failed(ctx: CommandContext, command: number, error: unknown): CommandOutcome {
  if (!answersAndContinues(error)) throw error;
  ctx.log.debug({ command: commandName(command), errno: error.errno }, 'command failed');
  ctx.send(encodeErr(error)); // C2
  return 'continue';
}

function answersAndContinues(error: unknown): error is SqlError | CommandError | ProtocolError {
  if (error instanceof SqlError || error instanceof CommandError) return true;
  return error instanceof ProtocolError && error.code === 'ER_MALFORMED_PACKET';
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

async function closeStatements(statements: StatementRegistry | null, log: Logger): Promise<void> {
  try {
    await statements?.closeAll();
  } catch (error) {
    log.error({ err: error }, 'closing prepared statements failed');
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

function hostOf(socket: ClientSocket): string {
  const address = (socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
  // MySQL resolves the loopback address to 'localhost' in account names and messages.
  return address === '127.0.0.1' || address === '::1' ? 'localhost' : address;
}

function connectedFields(
  response: HandshakeResponse41,
  host: string,
  channel: Channel,
): Record<string, unknown> {
  return {
    user: response.username, // C4: no auth data
    host,
    database: response.database,
    client: response.connectAttributes.get('_client_name') ?? null,
    clientVersion: response.connectAttributes.get('_client_version') ?? null,
    deprecateEof: hasFlag(response.capabilities, CLIENT.CLIENT_DEPRECATE_EOF),
    tls: channel.tlsInfo,
  };
}
