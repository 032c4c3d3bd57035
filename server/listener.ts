/**
 * The accept loop: a net.Server that hands each socket to serveConnection with a fresh connection
 * id, enforces max_connections, and closes everything on shutdown. It also holds what every
 * connection shares: the TLS context, the caching_sha2_password cache and RSA key pair, the
 * fallback root account, and the engine's statement splitter.
 *
 * Invariants:
 *   (L1) Connection ids increase from 1 and are never reused while the listener lives; they fit
 *        the greeting's int<4>.
 *   (L2) At most maxConnections connections are served at once — by this listener and every
 *        other one that shares its `served` count (the read thread's, on the same port); one
 *        more is answered with ER_CON_COUNT_ERROR (1040) in place of the greeting and closed.
 *   (L3) close() stops accepting, closes every connection (each closes its Session), and resolves
 *        only when all of them have finished.
 */
import assert from 'node:assert/strict';
import { closeSync } from 'node:fs';
import { type AddressInfo, type Server, Socket, createServer } from 'node:net';
import type { Logger } from 'pino';
import { createSecureContext } from 'node:tls';
import { type Engine, SqlError } from '../engine/index.js';
import type { AuthServices } from './auth/authenticate.js';
import { Sha2Cache } from './auth/caching-sha2-password.js';
import { lazyRsaKeyPair } from './auth/rsa-keys.js';
import { type ChannelLimits, type ClientSocket, DEFAULT_NET_TIMEOUTS } from './channel.js';
import type { StatementSplitter } from './commands/context.js';
import type { Config } from './config.js';
import { Awake } from './awake.js';
import { IoBridge } from './io/io-bridge.js';
import { duplicateListeningSocket } from './shared-port.js';
import {
  type ArrivingConnection,
  type ConnectionHandOff,
  dropConnection,
  refuseConnection,
  type ServedConnection,
  serveArrivingConnection,
  serveConnection,
} from './connection.js';

export type ListenerConfig = Pick<
  Config,
  'port' | 'host' | 'maxConnections' | 'maxAllowedPacket' | 'connectTimeoutMs'
> & Partial<Pick<Config, 'ioThread' | 'awakeUs'>>;

/** A certificate chain and its private key, in PEM. */
export interface TlsIdentity {
  readonly cert: string;
  readonly key: string;
}

export interface ListenerOptions {
  readonly log: Logger;
  readonly config: ListenerConfig;
  readonly engine: Engine;
  /** Offer TLS with this identity; without it CLIENT_SSL is not offered. */
  readonly tls?: TlsIdentity | null;
  /**
   * The engine's splitter for CLIENT_MULTI_STATEMENTS; without it a query text is one statement
   * (the engine then refuses a text holding several).
   */
  readonly splitStatements?: StatementSplitter;
  /** net_read_timeout and net_write_timeout; MySQL's defaults (config.ts) unless given. */
  readonly netTimeouts?: Pick<ChannelLimits, 'netReadTimeoutMs' | 'netWriteTimeoutMs'>;
  /** The first connection id (1 unless a second listener of the process counts apart). */
  readonly firstConnectionId?: number;
  /**
   * Accept on this listening socket descriptor (shared-port.ts: another thread's port) instead
   * of binding config.host and config.port; the listener closes it.
   */
  readonly fd?: number;
  /**
   * The thread's Awake (awake.ts), when other work of the thread (a twin's messages) shares
   * it; else one of config.awakeUs.
   */
  readonly awake?: Awake;
  /**
   * The count of connections served, in shared memory, when another thread's listener serves
   * the same port (L2): one Int32 cell.
   */
  readonly served?: Int32Array;
  /** Moves a connection to another thread when it asks to (connection.ts C6). */
  readonly handOff?: ConnectionHandOff;
}

export interface Listener {
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /** Connections being served right now. */
  readonly connectionCount: number;
  /** Connections that moved here from another thread (adopt), so far. */
  readonly adopted: number;
  /** What keeps this thread's event loop awake after work (awake.ts). */
  readonly awake: Awake;
  /** A second descriptor of the listening socket, for another thread (shared-port.ts). */
  shareSocket(): Promise<number>;
  /**
   * Serves a connection that moved here from another thread (connection.ts C6) on its socket's
   * descriptor `fd`, which the listener owns from now on; `onKill` is told what KILL does. The
   * connection is already counted in `served`, which the thread it came from shares (L2).
   */
  adopt(
    fd: number,
    connectionId: number,
    arriving: ArrivingConnection,
    onKill: (kill: () => void) => void,
  ): void;
  close(): Promise<void>;
}

const CONNECTION_ID_MAX = 0xffff_ffff;

export async function listen(options: ListenerOptions): Promise<Listener> {
  const { log, config, engine } = options;
  const auth: AuthServices = {
    engine,
    sha2Cache: new Sha2Cache(),
    rsaKeys: lazyRsaKeyPair(),
  };
  const tls =
    options.tls === undefined || options.tls === null
      ? null
      : createSecureContext({ cert: options.tls.cert, key: options.tls.key });
  const splitStatements = options.splitStatements ?? ((sql: Buffer) => [sql]);
  const limits = {
    maxAllowedPacket: config.maxAllowedPacket,
    connectTimeoutMs: config.connectTimeoutMs,
    ...(options.netTimeouts ?? DEFAULT_NET_TIMEOUTS),
  };
  const active = new Map<number, ServedConnection>();
  const servedCount = options.served ?? new Int32Array(new SharedArrayBuffer(4));
  // Absent (an embedding or a test that did not ask): the loop sleeps at once after a command.
  const awake = options.awake ?? new Awake((config.awakeUs ?? 0) / 1000);
  let nextConnectionId = options.firstConnectionId ?? 1;
  let closing = false;

  const accept = (socket: ClientSocket): void => {
    if (closing) {
      dropConnection(socket);
      return;
    }
    const connectionId = nextConnectionId++;
    assert(connectionId <= CONNECTION_ID_MAX, 'L1: connection ids fit int<4>');
    const connLog = log.child({ conn: connectionId });
    if (Atomics.add(servedCount, 0, 1) >= config.maxConnections) {
      Atomics.sub(servedCount, 0, 1);
      connLog.warn({ maxConnections: config.maxConnections }, 'too many connections');
      refuseConnection(socket, new SqlError('ER_CON_COUNT_ERROR'), connLog); // L2
      return;
    }
    const served = serveConnection({
      socket,
      connectionId,
      engine,
      auth,
      tls,
      splitStatements,
      limits,
      log: connLog,
      awake,
      ...(options.handOff === undefined ? {} : { handOff: options.handOff }),
    });
    track(connectionId, served, connLog);
  };

  const track = (connectionId: number, served: ServedConnection, connLog: Logger): void => {
    active.set(connectionId, served);
    served.done
      .catch((error: unknown) => {
        connLog.error({ err: error }, 'connection failed');
        return 'ended' as const;
      })
      .then((end) => {
        active.delete(connectionId);
        // L2: a connection that moved is still served, and counted, by the thread it went to.
        if (end === 'ended') Atomics.sub(servedCount, 0, 1);
      });
  };

  let adopted = 0;
  const adopt: Listener['adopt'] = (fd, connectionId, arriving, onKill) => {
    adopted++;
    const connLog = log.child({ conn: connectionId });
    let socket: Socket;
    try {
      socket = new Socket({ fd, readable: true, writable: true });
    } catch (error) {
      connLog.error({ err: error }, 'a moved connection could not be opened');
      closeSync(fd);
      refuseArrival(arriving, servedCount, connLog);
      return;
    }
    if (closing) {
      socket.destroy();
      refuseArrival(arriving, servedCount, connLog);
      return;
    }
    onKill(() => {
      connLog.info('killed');
      socket.destroy();
    });
    // L2: the count shared with the thread it left counts it already.
    const served = serveArrivingConnection(
      { socket, connectionId, engine, auth, tls, splitStatements, limits, log: connLog, awake },
      arriving,
    );
    track(connectionId, served, connLog);
  };

  // The sockets live in a socket I/O thread (io/io-bridge.ts), or in a net.Server here.
  const ioThread = config.ioThread === true;
  const sockets: SocketSource = ioThread
    ? await IoBridge.start(config.host, config.port, accept, log)
    : await netListener(options.fd ?? { port: config.port, host: config.host }, accept, log);
  log.info({ host: config.host, port: sockets.port, tls: tls !== null, ioThread },
    'listening');
  let closed: Promise<void> | null = null;

  return {
    port: sockets.port,
    get connectionCount() {
      return active.size;
    },
    get adopted() {
      return adopted;
    },
    awake,
    adopt,
    shareSocket() {
      if (sockets.server === undefined) {
        return Promise.reject(new Error('the socket I/O thread owns the listening socket'));
      }
      return duplicateListeningSocket(sockets.server);
    },
    close() {
      closed ??= (async () => {
        closing = true;
        const stopped = sockets.stopAccepting();
        const connections = [...active.values()];
        for (const connection of connections) connection.close();
        await Promise.all(connections.map((c) => c.done));
        await stopped;
        await sockets.close(); // L3
        log.info('listener closed');
      })();
      return closed;
    },
  };
}

/** C3 for a moved connection that is not served: its statements, then its session, closed. */
function refuseArrival(arriving: ArrivingConnection, servedCount: Int32Array, log: Logger) {
  Atomics.sub(servedCount, 0, 1); // L2: it was counted where it came from
  for (const { prepared } of arriving.statements.statements) prepared.close();
  arriving.session.close().catch((error: unknown) => {
    log.error({ err: error }, 'session close failed');
  });
}

/** Where accepted sockets come from: a net.Server here, or the socket I/O thread. */
interface SocketSource {
  readonly port: number;
  /** The listening server, when it is in this thread. */
  readonly server?: Server;
  /** Resolves once no new socket will be accepted and the listening socket is closed. */
  stopAccepting(): Promise<void>;
  /** Releases what is left (the I/O thread); after every connection has finished. */
  close(): Promise<void>;
}

async function netListener(
  where: { readonly port: number; readonly host: string } | number,
  accept: (socket: ClientSocket) => void,
  log: Logger,
): Promise<SocketSource> {
  const server = createServer({ noDelay: true, keepAlive: true }, accept);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const listening = typeof where === 'number' ? { fd: where } : where;
    server.listen(listening, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => log.error({ err: error }, 'listener error'));
  const stopped = new Promise<void>((resolve) => server.once('close', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    server,
    stopAccepting: () => {
      server.close();
      return stopped;
    },
    close: async () => undefined,
  };
}
