/**
 * The composition root: config → pino root logger → storage cluster → engine → listener. The only
 * file of server/ that touches storage/ (to build the cluster the engine writes to: six embedded
 * nodes, or remote ones with --storage; and, for `borealis storage-node`, a storage node server).
 *
 * Startup logs 'ready' with the port once the listener accepts connections; scripts and tests wait
 * for that line. Stdout carries nothing but pino's JSON lines.
 *
 * Shutdown (close(), or SIGTERM/SIGINT in runServer) runs in reverse order: stop accepting and
 * close every connection and its session, then engine.close(), then the cluster's close(). A second
 * signal during shutdown exits at once with status 1.
 */
import pino, { type Logger } from 'pino';
import { createEngine, type WriterEngine, splitStatements } from '../engine/index.js';
import {
  type EmbeddedNode,
  PAGE_SIZE,
  type StorageClient,
  createEmbeddedCluster,
  createRemoteCluster,
  startStorageNodeServer,
} from '../storage/index.js';
import type { Config, StorageNodeConfig } from './config.js';
import { type Listener, type TlsIdentity, listen } from './listener.js';
import { type ReaderEndpoint, startReader } from './reader/reader-bridge.js';
import type { ArrivingTwin } from './reader/twin-host.js';
import { loadTlsIdentity } from './tls/identity.js';

export interface RunningServer {
  /** The port bound: config.port, or the one the OS chose for port 0. */
  readonly port: number;
  /** The reader endpoint's port (--reader-port), or null without one. */
  readonly readerPort: number | null;
  /** The six embedded storage nodes, which tests and operators can stop and start. */
  readonly storageNodes: readonly EmbeddedNode[];
  /** Connections that moved from the read thread to the writer's (--read-thread), so far. */
  readonly movedConnections: number;
  close(): Promise<void>;
}

/** Options not built yet; startServer refuses them rather than ignore them. */
export class NotBuiltError extends Error {
  override readonly name = 'NotBuiltError';
}

export function createRootLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    redact: {
      paths: [
        'password',
        'rootPassword',
        'authResponse',
        'clusterSecret',
        '*.password',
        '*.rootPassword',
        '*.clusterSecret',
      ],
      censor: '[redacted]',
    },
  });
}

export async function startServer(
  config: Config,
  log = createRootLogger(config),
): Promise<RunningServer> {
  if (config.readThread && config.ioThread) {
    throw new NotBuiltError('--read-thread with --io-thread is not built yet');
  }
  if (config.replicaOf !== null) {
    throw new NotBuiltError(
      '--replica-of (read replicas in another process) is not built yet; --reader-port serves ' +
        'a read engine in this one',
    );
  }
  log.info({ config }, 'starting');
  // The TLS identity first: a bad certificate stops the start before storage is touched.
  const tls = await loadTlsIdentity(
    { certPath: config.tlsCert, keyPath: config.tlsKey, dataDir: config.dataDir },
    log.child({ component: 'tls' }),
  );
  // Storage and engine scope their own child loggers.
  const cluster = await storageCluster(config, log);
  let engine: WriterEngine;
  try {
    engine = await createEngine({
      storage: cluster.client,
      log,
      rootPassword: config.rootPassword,
      bufferPoolPages: Math.floor(config.bufferPoolBytes / PAGE_SIZE),
    });
  } catch (error) {
    await cluster.close();
    throw error;
  }
  // With --read-thread, both threads' listeners count the port's connections together (L2).
  const served = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  let listener: Listener;
  try {
    listener = await listen({
      served,
      log: log.child({ component: 'server' }),
      config,
      engine,
      tls,
      splitStatements,
    });
  } catch (error) {
    await engine.close();
    await cluster.close();
    throw error;
  }
  let reader: ReaderEndpoint | null = null;
  try {
    if (config.readerPort !== null || config.readThread) {
      reader = await startReaderThread(config, engine, cluster.client, tls, listener, served, log);
    }
  } catch (error) {
    await listener.close();
    await engine.close();
    await cluster.close();
    throw error;
  }
  log.info({ host: config.host, port: listener.port, readerPort: reader?.port }, 'ready');
  let closed: Promise<void> | null = null;
  return {
    port: listener.port,
    readerPort: reader?.port ?? null,
    storageNodes: cluster.nodes,
    get movedConnections() {
      return listener.adopted;
    },
    close() {
      closed ??= (async () => {
        await reader?.close();
        await listener.close();
        await engine.close();
        await cluster.close();
        log.info('stopped');
      })();
      return closed;
    },
  };
}

/**
 * The reader thread (server/reader/): a read engine on a thread of its own, serving the reader
 * endpoint (--reader-port) and, with --read-thread, connections on the writer's port too.
 */
async function startReaderThread(
  config: Config,
  writer: WriterEngine,
  storage: StorageClient,
  tls: TlsIdentity | null,
  listener: Listener,
  served: Int32Array,
  log: Logger,
): Promise<ReaderEndpoint> {
  // The reader thread owns the descriptor from here: it listens on it, or closes it (SP1).
  const fd = config.readThread ? await listener.shareSocket() : null;
  return startReader({
    writer,
    pages: { readPage: (id, at) => storage.readPage(id, at) },
    data: {
      host: config.host,
      port: config.readerPort,
      maxConnections: config.maxConnections,
      maxAllowedPacket: config.maxAllowedPacket,
      connectTimeoutMs: config.connectTimeoutMs,
      awakeUs: config.awakeUs,
      logLevel: config.logLevel,
      bufferPoolPages: Math.floor(config.bufferPoolBytes / PAGE_SIZE),
      tls,
      firstConnectionId: READER_FIRST_CONNECTION_ID,
    },
    shared:
      fd === null
        ? null
        : {
            fd,
            firstConnectionId: ROUTED_FIRST_CONNECTION_ID,
            awake: listener.awake,
            served,
            ...(config.moveConnections ? { arrive: arriveOn(listener) } : {}),
          },
    log: log.child({ component: 'reader' }),
  });
}

/** Serves on the writer's listener a routed connection that moved here (twin-host.ts TW12). */
function arriveOn(listener: Listener): (arriving: ArrivingTwin) => void {
  return ({ session, connection, statements, onKill }) => {
    const image = connection.statements;
    listener.adopt(
      connection.fd,
      connection.connectionId,
      {
        session,
        statements: {
          statements: image.statements.flatMap(({ id, paramTypes }) => {
            const prepared = statements.get(id);
            return prepared === undefined ? [] : [{ id, prepared, paramTypes }];
          }),
          nextId: image.nextId,
          lastId: image.lastId,
        },
        host: connection.host,
        scramble: Buffer.from(connection.scramble),
        client: connection.client,
        unread: Buffer.from(connection.unread),
      },
      onKill,
    );
  };
}

/**
 * Connection ids of the reader thread's routed sessions (--read-thread) start here, apart from
 * the writer's (from 1) and the reader endpoint's; each shares its id with its twin.
 */
const ROUTED_FIRST_CONNECTION_ID = 2_000_000_001;

/** The reader endpoint's connection ids start here, apart from the writer's (from 1). */
const READER_FIRST_CONNECTION_ID = 1_000_000_001;

interface Cluster {
  readonly client: StorageClient;
  readonly nodes: readonly EmbeddedNode[];
  close(): Promise<void>;
}

/** Six embedded storage nodes under dataDir, or the remote ones of --storage. */
async function storageCluster(config: Config, log: Logger): Promise<Cluster> {
  if (config.storage.length === 0) {
    return createEmbeddedCluster({
      dataDir: config.dataDir,
      log,
      commitTimeoutMs: config.commitTimeoutMs,
      thread: config.storageThread,
    });
  }
  const remote = createRemoteCluster({
    addresses: config.storage.map((s) => `${s.host}:${s.port}`),
    clusterSecret: config.clusterSecret,
    log,
    commitTimeoutMs: config.commitTimeoutMs,
  });
  return { client: remote.client, nodes: [], close: () => remote.close() };
}

/** `borealis storage-node`: serves until SIGTERM or SIGINT, then closes and exits 0. */
export async function runStorageNode(config: StorageNodeConfig): Promise<void> {
  const log = createRootLogger(config);
  let node: Awaited<ReturnType<typeof startStorageNodeServer>>;
  try {
    log.info({ config }, 'starting storage node');
    node = await startStorageNodeServer({ ...config, log });
  } catch (error) {
    log.fatal({ err: error }, 'startup failed');
    log.flush();
    process.exit(1);
  }
  log.info({ host: config.host, port: node.port, nodeId: node.nodeId }, 'ready');
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  log.info({ signal }, 'shutting down');
  await node.close();
  log.info('stopped');
  log.flush();
  process.exit(0);
}

/** Runs until SIGTERM or SIGINT, then shuts down cleanly and exits 0. */
export async function runServer(config: Config): Promise<void> {
  const log = createRootLogger(config);
  // Listened for from the start: a signal during start-up (the writer's port may already take
  // connections while the read thread starts) shuts down cleanly once start-up is done, instead
  // of killing the process mid-way (AUTO_INCREMENT counters are written exactly only at a clean
  // close).
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  let server: RunningServer;
  try {
    server = await startServer(config, log);
  } catch (error) {
    log.fatal({ err: error }, 'startup failed');
    log.flush();
    process.exit(1);
  }
  log.info({ signal: await signal }, 'shutting down');
  const force = (again: NodeJS.Signals): void => {
    log.warn({ signal: again }, 'second signal: exiting without a clean shutdown');
    log.flush();
    process.exit(1);
  };
  process.once('SIGTERM', force);
  process.once('SIGINT', force);
  try {
    await server.close();
  } catch (error) {
    log.error({ err: error }, 'shutdown failed');
    log.flush();
    process.exit(1);
  }
  log.flush();
  process.exit(0);
}
