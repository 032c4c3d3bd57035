#!/usr/bin/env node
/**
 * The `borealis` command (the package's bin; built to dist/server/cli.js).
 *
 *   borealis start [options]      a writer with six embedded storage nodes under --data-dir,
 *                                 or remote ones (--storage)
 *   borealis storage-node …       a storage node serving remote writers
 *   borealis --help
 *
 * Options that are not built yet (--replica-of) end the program with a message saying so and
 * status 1: they are never silently ignored. Usage errors exit with 2. Parsing is a pure function
 * (parseCommandLine) so that it can be tested without starting anything; main.ts is loaded only
 * to run a command.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type Config,
  ConfigError,
  type StorageNodeConfig,
  loadConfig,
  loadStorageNodeConfig,
} from './config.js';
import { unreachable } from './unreachable.js';

export const USAGE = `Usage:
  borealis start [options]
      --port N                 port to listen on (default 3306; env BOREALIS_PORT)
      --host ADDR              address to listen on (default 127.0.0.1; env BOREALIS_HOST)
      --data-dir DIR           where the storage nodes keep their data (default ./data)
      --root-password PW       password of 'root' (default: empty)
      --max-connections N      connections served at once (default 151)
      --max-allowed-packet N   largest packet accepted, in bytes (default 67108864)
      --commit-timeout MS      how long a commit waits for the storage quorum (default 10000)
      --buffer-pool-size SIZE  page cache size: bytes or N[K|M|G] (default 128M)
      --storage-thread T       embedded storage nodes in a 'worker' thread (default) or 'main'
      --io-thread on|off       client sockets read and written by a thread of their own
                               (default off)
      --reader-port N          a reader endpoint on port N: a read engine on a thread of its
                               own serves read-only connections (default: none)
      --read-thread on|off     a second thread accepts on --port too: it runs reads on a read
                               engine of its own and forwards the rest (default on; off
                               when --io-thread is on)
      --move-connections on|off  with --read-thread: a connection that mostly writes moves to
                               the writer's thread instead of forwarding (default on; needs
                               the native helper built by npm run build)
      --awake-us N             after a command the event loop stays awake N µs while a core
                               is spare, so the next one is read at once (default 1000; 0: off)
      --tls-cert FILE          TLS certificate chain, PEM (default: a self-signed certificate
      --tls-key FILE           made at first start under DATA-DIR/tls); give both or neither
      --storage H:P,...        remote storage nodes, six or more (borealis storage-node)
      --cluster-secret S       the storage nodes' shared secret (required with --storage)
      --replica-of H:P         run as a read replica of a writer (not built yet)
  borealis storage-node [options]
      --port N                 port to listen on (required; 0 lets the OS choose)
      --host ADDR              address to listen on (default 127.0.0.1)
      --data-dir DIR           where the node keeps its segments (required)
      --zone Z                 its availability zone (zones: three, two nodes each at least)
      --cluster-secret S       shared with every node and writer (required)
      --retention T            how long records are kept (default 24h; e.g. 90s, 30m, 7d)
      --scrub-interval T       how often every record and page is CRC-checked (default 1h)
  borealis --help

Environment: BOREALIS_DATA_DIR, BOREALIS_ROOT_PASSWORD, BOREALIS_MAX_CONNECTIONS,
BOREALIS_MAX_ALLOWED_PACKET, BOREALIS_STORAGE, BOREALIS_REPLICA_OF, BOREALIS_CLUSTER_SECRET,
BOREALIS_ZONE, BOREALIS_RETENTION, BOREALIS_SCRUB_INTERVAL, BOREALIS_STORAGE_THREAD; LOG_LEVEL
(default info).
Options win over the environment.
`;

export type CliCommand =
  | { readonly kind: 'start'; readonly config: Config }
  | { readonly kind: 'storage-node'; readonly config: StorageNodeConfig }
  | { readonly kind: 'help' }
  | { readonly kind: 'fail'; readonly message: string; readonly exitCode: 1 | 2 };

type Env = Readonly<Record<string, string | undefined>>;

const LATER = 'it comes in a later issue';

export function parseCommandLine(argv: readonly string[], env: Env): CliCommand {
  const [command, ...rest] = argv;
  switch (command) {
    case '--help':
    case '-h':
    case 'help':
      return { kind: 'help' };
    case 'start':
      return parseStart(rest, env);
    case 'storage-node':
      return parseStorageNode(rest, env);
    case undefined:
      return usageError('no command given');
    default:
      return usageError(`unknown command '${command}'`);
  }
}

function parseStart(args: readonly string[], env: Env): CliCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'root-password': { type: 'string' },
        'max-connections': { type: 'string' },
        'max-allowed-packet': { type: 'string' },
        'commit-timeout': { type: 'string' },
        'buffer-pool-size': { type: 'string' },
        'storage-thread': { type: 'string' },
        'io-thread': { type: 'string' },
        'reader-port': { type: 'string' },
        'read-thread': { type: 'string' },
        'move-connections': { type: 'string' },
        'awake-us': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        storage: { type: 'string' },
        'cluster-secret': { type: 'string' },
        'replica-of': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) return { kind: 'help' };
  let config: Config;
  try {
    config = loadConfig(
      {
        port: values.port,
        host: values.host,
        dataDir: values['data-dir'],
        rootPassword: values['root-password'],
        maxConnections: values['max-connections'],
        maxAllowedPacket: values['max-allowed-packet'],
        commitTimeout: values['commit-timeout'],
        bufferPoolSize: values['buffer-pool-size'],
        storageThread: values['storage-thread'],
        ioThread: values['io-thread'],
        readerPort: values['reader-port'],
        readThread: values['read-thread'],
        moveConnections: values['move-connections'],
        awakeUs: values['awake-us'],
        tlsCert: values['tls-cert'],
        tlsKey: values['tls-key'],
        storage: values.storage,
        clusterSecret: values['cluster-secret'],
        replicaOf: values['replica-of'],
      },
      env,
    );
  } catch (error) {
    if (error instanceof ConfigError) return usageError(error.message);
    throw error;
  }
  if (config.replicaOf !== null) {
    return notBuilt(`--replica-of (read replicas) is not built yet; ${LATER}`);
  }
  return { kind: 'start', config };
}

function parseStorageNode(args: readonly string[], env: Env): CliCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        zone: { type: 'string' },
        'cluster-secret': { type: 'string' },
        retention: { type: 'string' },
        'scrub-interval': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) return { kind: 'help' };
  try {
    const config = loadStorageNodeConfig(
      {
        port: values.port,
        host: values.host,
        dataDir: values['data-dir'],
        zone: values.zone,
        clusterSecret: values['cluster-secret'],
        retention: values.retention,
        scrubInterval: values['scrub-interval'],
      },
      env,
    );
    return { kind: 'storage-node', config };
  } catch (error) {
    if (error instanceof ConfigError) return usageError(error.message);
    throw error;
  }
}

function usageError(message: string): CliCommand {
  return { kind: 'fail', message: `${message}\n\n${USAGE}`, exitCode: 2 };
}

function notBuilt(message: string): CliCommand {
  return { kind: 'fail', message, exitCode: 1 };
}

async function main(): Promise<void> {
  const command = parseCommandLine(process.argv.slice(2), process.env);
  switch (command.kind) {
    case 'help':
      process.stdout.write(USAGE);
      return;
    case 'fail':
      process.stderr.write(`borealis: ${command.message}\n`);
      process.exitCode = command.exitCode;
      return;
    case 'start': {
      const { runServer } = await import('./main.js');
      await runServer(command.config);
      return;
    }
    case 'storage-node': {
      const { runStorageNode } = await import('./main.js');
      await runStorageNode(command.config);
      return;
    }
    default:
      unreachable(command);
  }
}

/** True when this file is the program (node dist/server/cli.js, or the npm bin symlink). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main().catch((error: unknown) => {
    process.stderr.write(`borealis: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
