/**
 * The server's configuration: command-line options over environment variables over defaults,
 * into one typed, validated Config. Limits are named here with their reasons and asserted at
 * module load; bad user input is a ConfigError with a message for a human, never an assertion.
 *
 *   option               env                        default
 *   --port               BOREALIS_PORT              3306
 *   --host               BOREALIS_HOST              127.0.0.1
 *   --data-dir           BOREALIS_DATA_DIR          ./data
 *   --root-password      BOREALIS_ROOT_PASSWORD     '' (root logs in with an empty password)
 *   --storage            BOREALIS_STORAGE           [] (embedded storage nodes)
 *   --replica-of         BOREALIS_REPLICA_OF        null (a writer)
 *   --reader-port        BOREALIS_READER_PORT       null: no reader endpoint; a port: a read engine
 *                                                   on a thread of its own serves read-only
 *                                                   connections there (server/reader/)
 *   --read-thread        BOREALIS_READ_THREAD       on (off when --io-thread is on): a read
 *                                                   engine on a second thread accepts
 *                                                   connections on --port too, runs their reads
 *                                                   and forwards the rest to the writer
 *                                                   (server/reader/routing-session.ts)
 *   --max-connections    BOREALIS_MAX_CONNECTIONS   151 (MySQL's max_connections)
 *   --max-allowed-packet BOREALIS_MAX_ALLOWED_PACKET 64 MiB (MySQL 8's max_allowed_packet)
 *   --commit-timeout     BOREALIS_COMMIT_TIMEOUT_MS 10000 ms (then a commit's outcome is unknown)
 *   --buffer-pool-size   BOREALIS_BUFFER_POOL_SIZE  128M (innodb_buffer_pool_size; bytes, or with
 *                                                   a K/M/G suffix)
 *   --storage-thread     BOREALIS_STORAGE_THREAD    worker: the embedded storage nodes run in a
 *                                                   worker thread (the second core); main: in
 *                                                   the server's own thread
 *   --io-thread          BOREALIS_IO_THREAD         off: client sockets on the server's own
 *                                                   thread; on: in a socket I/O thread
 *                                                   (server/io/), which reads and writes them
 *   --awake-us           BOREALIS_AWAKE_US          1000: after a command the event loop stays
 *                                                   awake this many µs while a core is spare
 *                                                   (awake.ts), long enough for a commit's round
 *                                                   to storage; 0: sleeps at once
 *   --tls-cert           BOREALIS_TLS_CERT          null: a self-signed certificate made at first
 *   --tls-key            BOREALIS_TLS_KEY           start under <data-dir>/tls (both or neither)
 *   --cluster-secret     BOREALIS_CLUSTER_SECRET    '' (required with --storage: every storage
 *                                                   message is authenticated with it)
 *                        LOG_LEVEL                  info
 *
 * `borealis storage-node` has its own StorageNodeConfig (loadStorageNodeConfig, at the end).
 */
import assert from 'node:assert/strict';

/** MySQL's own bounds for max_allowed_packet. */
export const MAX_ALLOWED_PACKET_MIN = 1024;
export const MAX_ALLOWED_PACKET_MAX = 1024 * 1024 * 1024;
/** Connections: at least one; the ceiling is MySQL's for max_connections. */
export const MAX_CONNECTIONS_MAX = 100_000;
/** --awake-us bounds: spinning longer than 10 ms after a command buys nothing. */
export const AWAKE_US_MAX = 10_000;
/** MySQL's connect_timeout: a client has this long to finish the handshake. */
export const CONNECT_TIMEOUT_MS = 10_000;
/**
 * Output is written to the socket once this many bytes are queued (MySQL's net_buffer_length),
 * and at the end of every response. A result set is therefore never held whole in memory.
 */
export const NET_BUFFER_BYTES = 16 * 1024;
/**
 * Input back-pressure: the socket is paused while more than this many received bytes wait to be
 * parsed (a client pipelining faster than the engine answers).
 */
export const READ_BUFFER_BYTES_MAX = 1024 * 1024;
/**
 * MySQL's net_read_timeout and net_write_timeout: a packet begun but not finished within this
 * long, or output the client does not read for this long, ends the connection, so a stalled
 * peer never holds a connection (and its Session) forever.
 */
export const NET_READ_TIMEOUT_MS = 30_000;
export const NET_WRITE_TIMEOUT_MS = 60_000;

assert(MAX_ALLOWED_PACKET_MIN <= MAX_ALLOWED_PACKET_MAX, 'packet limits are ordered');
assert(NET_BUFFER_BYTES >= 1024, 'a net buffer holds at least a small result');
assert(CONNECT_TIMEOUT_MS > 0, 'handshakes time out');
assert(READ_BUFFER_BYTES_MAX >= NET_BUFFER_BYTES, 'input buffer ≥ net buffer');
assert(NET_READ_TIMEOUT_MS > 0 && NET_WRITE_TIMEOUT_MS > 0, 'reads and writes time out');

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** Secret: the root logger redacts `rootPassword`. */
  readonly rootPassword: string;
  /** Remote storage nodes; empty means embedded nodes under dataDir. */
  readonly storage: readonly HostPort[];
  /** The writer this server replicates, or null for a writer. */
  readonly replicaOf: HostPort | null;
  /** The reader endpoint's port (a read engine on its own thread), or null for none. */
  readonly readerPort: number | null;
  /** A read engine's thread accepts on `port` too and forwards what it cannot run. */
  readonly readThread: boolean;
  /**
   * With readThread: a connection whose statement ran on the writer moves to the writer's
   * thread (needs the native helper, server/native/); off: it stays and forwards.
   */
  readonly moveConnections: boolean;
  readonly maxConnections: number;
  /** Largest payload accepted from a client (max_allowed_packet). */
  readonly maxAllowedPacket: number;
  /** How long a commit waits for the storage quorum before it reports an unknown outcome. */
  readonly commitTimeoutMs: number;
  /** PEM files of the TLS certificate chain and its key; null: self-signed under dataDir. */
  readonly tlsCert: string | null;
  readonly tlsKey: string | null;
  /** Secret shared with the storage nodes (--storage); the root logger redacts it. */
  readonly clusterSecret: string;
  readonly connectTimeoutMs: number;
  readonly logLevel: LogLevel;
  /** Bytes of the engine's page cache (innodb_buffer_pool_size). */
  readonly bufferPoolBytes: number;
  /** Where the embedded storage nodes run: a worker thread, or the server's own thread. */
  readonly storageThread: 'worker' | 'main';
  /** Client sockets read and written by a socket I/O thread (server/io/io-bridge.ts). */
  readonly ioThread: boolean;
  /** µs the event loop stays awake after a command while a core is spare (awake.ts); 0: off. */
  readonly awakeUs: number;
}

export const DEFAULT_CONFIG: Config = {
  port: 3306,
  host: '127.0.0.1',
  dataDir: './data',
  rootPassword: '',
  storage: [],
  replicaOf: null,
  readerPort: null,
  readThread: true,
  moveConnections: true,
  maxConnections: 151,
  maxAllowedPacket: 64 * 1024 * 1024,
  commitTimeoutMs: 10_000,
  tlsCert: null,
  tlsKey: null,
  clusterSecret: '',
  connectTimeoutMs: CONNECT_TIMEOUT_MS,
  logLevel: 'info',
  bufferPoolBytes: 128 * 1024 * 1024,
  storageThread: 'worker',
  ioThread: false,
  awakeUs: 1000,
};

/** --buffer-pool-size bounds: 1 MiB (64 pages) up to 1 TiB. */
export const BUFFER_POOL_BYTES_MIN = 1024 * 1024;
export const BUFFER_POOL_BYTES_MAX = 1024 ** 4;

/** Options as given on the command line, all strings, all optional. */
export interface ConfigOptions {
  readonly port?: string | undefined;
  readonly host?: string | undefined;
  readonly dataDir?: string | undefined;
  readonly rootPassword?: string | undefined;
  readonly storage?: string | undefined;
  readonly replicaOf?: string | undefined;
  readonly readerPort?: string | undefined;
  readonly readThread?: string | undefined;
  readonly moveConnections?: string | undefined;
  readonly maxConnections?: string | undefined;
  readonly maxAllowedPacket?: string | undefined;
  readonly commitTimeout?: string | undefined;
  readonly tlsCert?: string | undefined;
  readonly tlsKey?: string | undefined;
  readonly clusterSecret?: string | undefined;
  readonly bufferPoolSize?: string | undefined;
  readonly storageThread?: string | undefined;
  readonly ioThread?: string | undefined;
  readonly awakeUs?: string | undefined;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

/** Options over env over defaults; throws ConfigError on a bad value. */
export function loadConfig(options: ConfigOptions, env: Env): Config {
  const pick = (option: string | undefined, envName: string): string | undefined =>
    option ?? env[envName];
  const port = pick(options.port, 'BOREALIS_PORT');
  const storage = pick(options.storage, 'BOREALIS_STORAGE');
  const replicaOf = pick(options.replicaOf, 'BOREALIS_REPLICA_OF');
  const maxConnections = pick(options.maxConnections, 'BOREALIS_MAX_CONNECTIONS');
  const maxAllowedPacket = pick(options.maxAllowedPacket, 'BOREALIS_MAX_ALLOWED_PACKET');
  const commitTimeout = pick(options.commitTimeout, 'BOREALIS_COMMIT_TIMEOUT_MS');
  const tlsCert = pick(options.tlsCert, 'BOREALIS_TLS_CERT') || null;
  const tlsKey = pick(options.tlsKey, 'BOREALIS_TLS_KEY') || null;
  if ((tlsCert === null) !== (tlsKey === null)) {
    throw new ConfigError('--tls-cert and --tls-key go together: give both or neither');
  }
  const host = pick(options.host, 'BOREALIS_HOST') ?? DEFAULT_CONFIG.host;
  const dataDir = pick(options.dataDir, 'BOREALIS_DATA_DIR') ?? DEFAULT_CONFIG.dataDir;
  if (host === '') throw new ConfigError('--host must not be empty');
  if (dataDir === '') throw new ConfigError('--data-dir must not be empty');
  const storageNodes =
    storage === undefined || storage === '' ? [] : storage.split(',').map(parseHostPort);
  const clusterSecret = pick(options.clusterSecret, 'BOREALIS_CLUSTER_SECRET') ?? '';
  checkStorage(storageNodes, clusterSecret);
  const ioThread = parseOnOff('--io-thread', pick(options.ioThread, 'BOREALIS_IO_THREAD'),
    DEFAULT_CONFIG.ioThread);
  return {
    port: port === undefined ? DEFAULT_CONFIG.port : parseInteger('--port', port, 0, 65_535),
    host,
    dataDir,
    rootPassword: pick(options.rootPassword, 'BOREALIS_ROOT_PASSWORD') ?? '',
    storage: storageNodes,
    replicaOf: replicaOf === undefined || replicaOf === '' ? null : parseHostPort(replicaOf),
    readerPort: parseReaderPort(pick(options.readerPort, 'BOREALIS_READER_PORT')),
    // The two are not built together: --io-thread on alone turns the read thread's default off.
    readThread: parseOnOff('--read-thread', pick(options.readThread, 'BOREALIS_READ_THREAD'),
      DEFAULT_CONFIG.readThread && !ioThread),
    moveConnections: parseOnOff('--move-connections',
      pick(options.moveConnections, 'BOREALIS_MOVE_CONNECTIONS'), DEFAULT_CONFIG.moveConnections),
    maxConnections:
      maxConnections === undefined
        ? DEFAULT_CONFIG.maxConnections
        : parseInteger('--max-connections', maxConnections, 1, MAX_CONNECTIONS_MAX),
    maxAllowedPacket:
      maxAllowedPacket === undefined
        ? DEFAULT_CONFIG.maxAllowedPacket
        : parseInteger(
            '--max-allowed-packet',
            maxAllowedPacket,
            MAX_ALLOWED_PACKET_MIN,
            MAX_ALLOWED_PACKET_MAX,
          ),
    commitTimeoutMs:
      commitTimeout === undefined
        ? DEFAULT_CONFIG.commitTimeoutMs
        : parseInteger('--commit-timeout', commitTimeout, 100, 3_600_000),
    tlsCert,
    tlsKey,
    clusterSecret,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    logLevel: parseLogLevel(env['LOG_LEVEL']),
    bufferPoolBytes: parseSize(
      '--buffer-pool-size',
      pick(options.bufferPoolSize, 'BOREALIS_BUFFER_POOL_SIZE'),
      DEFAULT_CONFIG.bufferPoolBytes,
    ),
    storageThread: parseStorageThread(pick(options.storageThread, 'BOREALIS_STORAGE_THREAD')),
    ioThread,
    awakeUs: parseAwakeUs(pick(options.awakeUs, 'BOREALIS_AWAKE_US')),
  };
}

function parseOnOff(name: string, text: string | undefined, fallback: boolean): boolean {
  if (text === undefined || text === '') return fallback;
  if (text === 'on' || text === '1') return true;
  if (text === 'off' || text === '0') return false;
  throw new ConfigError(`${name} must be on or off, not '${text}'`);
}

function parseAwakeUs(text: string | undefined): number {
  if (text === undefined || text === '') return DEFAULT_CONFIG.awakeUs;
  return parseInteger('--awake-us', text, 0, AWAKE_US_MAX);
}

function parseStorageThread(text: string | undefined): 'worker' | 'main' {
  if (text === undefined || text === '') return DEFAULT_CONFIG.storageThread;
  if (text === 'worker' || text === 'main') return text;
  throw new ConfigError(`--storage-thread must be worker or main, not '${text}'`);
}

/** A byte size as MySQL options take it: digits with an optional K, M or G suffix. */
export function parseSize(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const match = /^(\d+)([kKmMgG]?)$/.exec(text);
  if (match === null) throw new ConfigError(`${name} must be bytes or N[K|M|G], got '${text}'`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match[2] ?? '').toLowerCase()] ?? 1;
  const bytes = Number(match[1]) * unit;
  if (bytes < BUFFER_POOL_BYTES_MIN || bytes > BUFFER_POOL_BYTES_MAX) {
    throw new ConfigError(
      `${name} must be between ${BUFFER_POOL_BYTES_MIN} and ${BUFFER_POOL_BYTES_MAX} bytes, ` +
        `got ${text}`,
    );
  }
  return bytes;
}

function parseInteger(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text)) throw new ConfigError(`${name} must be an integer, got '${text}'`);
  const value = Number(text);
  if (value < min || value > max) {
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${text}`);
  }
  return value;
}

export function parseHostPort(text: string): HostPort {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) throw new ConfigError(`expected host:port, got '${text}'`);
  return {
    host: text.slice(0, colon),
    port: parseInteger(`port of '${text}'`, text.slice(colon + 1), 1, 65_535),
  };
}

function parseLogLevel(text: string | undefined): LogLevel {
  if (text === undefined || text === '') return DEFAULT_CONFIG.logLevel;
  const level = LOG_LEVELS.find((l) => l === text);
  if (level === undefined) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got '${text}'`);
  }
  return level;
}

/** Remote storage needs six nodes or more and the cluster secret they were started with. */
function checkStorage(storage: readonly HostPort[], clusterSecret: string): void {
  if (storage.length === 0) return;
  if (storage.length < STORAGE_NODES_MIN) {
    throw new ConfigError(
      `--storage needs ${STORAGE_NODES_MIN} storage nodes or more, got ${storage.length}`,
    );
  }
  checkSecret(clusterSecret, '--storage');
}

function checkSecret(secret: string, what: string): void {
  if (secret.length < CLUSTER_SECRET_MIN) {
    throw new ConfigError(
      `${what} needs --cluster-secret (or BOREALIS_CLUSTER_SECRET) of at least ` +
        `${CLUSTER_SECRET_MIN} characters: storage nodes answer only who knows it`,
    );
  }
}

/** Six segments per protection group, each on its own node. */
export const STORAGE_NODES_MIN = 6;
export const CLUSTER_SECRET_MIN = 8;

/**
 * `borealis storage-node`:
 *
 *   option               env                        default
 *   --port               BOREALIS_PORT              (required)
 *   --host               BOREALIS_HOST              127.0.0.1
 *   --data-dir           BOREALIS_DATA_DIR          (required)
 *   --zone               BOREALIS_ZONE              '' (no zones)
 *   --cluster-secret     BOREALIS_CLUSTER_SECRET    (required)
 *   --retention          BOREALIS_RETENTION         24h (records kept for backtrack and time
 *                                                   travel; 500ms, 90s, 30m, 24h, 7d or ms)
 *   --scrub-interval     BOREALIS_SCRUB_INTERVAL    1h (a full CRC scrub this often)
 */
export interface StorageNodeConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly zone: string;
  /** The root logger redacts it. */
  readonly clusterSecret: string;
  readonly retentionMs: number;
  readonly scrubIntervalMs: number;
  readonly logLevel: LogLevel;
}

export interface StorageNodeOptions {
  readonly port?: string | undefined;
  readonly host?: string | undefined;
  readonly dataDir?: string | undefined;
  readonly zone?: string | undefined;
  readonly clusterSecret?: string | undefined;
  readonly retention?: string | undefined;
  readonly scrubInterval?: string | undefined;
}

export function loadStorageNodeConfig(options: StorageNodeOptions, env: Env): StorageNodeConfig {
  const pick = (option: string | undefined, envName: string): string | undefined =>
    option ?? env[envName];
  const port = pick(options.port, 'BOREALIS_PORT');
  const dataDir = pick(options.dataDir, 'BOREALIS_DATA_DIR');
  if (port === undefined) throw new ConfigError('storage-node needs --port');
  if (dataDir === undefined || dataDir === '') {
    throw new ConfigError('storage-node needs --data-dir');
  }
  const clusterSecret = pick(options.clusterSecret, 'BOREALIS_CLUSTER_SECRET') ?? '';
  checkSecret(clusterSecret, 'storage-node');
  const retention = pick(options.retention, 'BOREALIS_RETENTION') ?? '24h';
  const scrub = pick(options.scrubInterval, 'BOREALIS_SCRUB_INTERVAL') ?? '1h';
  return {
    port: parseInteger('--port', port, 0, 65_535),
    host: pick(options.host, 'BOREALIS_HOST') ?? DEFAULT_CONFIG.host,
    dataDir,
    zone: pick(options.zone, 'BOREALIS_ZONE') ?? '',
    clusterSecret,
    retentionMs: parseDuration('--retention', retention),
    scrubIntervalMs: parseDuration('--scrub-interval', scrub),
    logLevel: parseLogLevel(env['LOG_LEVEL']),
  };
}

const DURATION_UNITS_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** '500ms', '90s', '30m', '24h', '7d', or a number of milliseconds. */
export function parseDuration(name: string, text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(text);
  if (match === null) {
    throw new ConfigError(
      `${name} must be a duration like 500ms, 90s, 30m, 24h or 7d, got '${text}'`,
    );
  }
  const unit = (match[2] ?? 'ms') as keyof typeof DURATION_UNITS_MS;
  const value = Number(match[1]) * DURATION_UNITS_MS[unit];
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError(`${name} is out of range: '${text}'`);
  }
  return value;
}

function parseReaderPort(text: string | undefined): number | null {
  if (text === undefined || text === '') return DEFAULT_CONFIG.readerPort;
  return parseInteger('--reader-port', text, 0, 65_535);
}
