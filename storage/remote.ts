/**
 * Storage over TCP: a storage node as a server process (`borealis storage-node`), and the writer's
 * cluster of remote nodes (`borealis start --storage h:p,…`). The same StorageNode and
 * QuorumStorageClient as embedded mode; only the network differs (net/).
 */
import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import type { StorageClient } from './client-api.js';
import { QuorumStorageClient } from './client.js';
import { type Clock, systemClock, systemRandom } from './clock.js';
import { SEGMENTS_PER_GROUP } from './config.js';
import { StorageError } from './errors.js';
import { StorageServer } from './net/server.js';
import { TcpNetwork, parseAddress } from './net/tcp-network.js';
import { StorageNode } from './node.js';
import { LmdbNodeStore } from './segment/lmdb-store.js';
import { SlotTransport } from './transport.js';

export interface StorageNodeServerOptions {
  readonly dataDir: string;
  readonly host: string;
  /** 0: the OS chooses. */
  readonly port: number;
  /** '' when zones are not used. */
  readonly zone: string;
  readonly clusterSecret: string;
  readonly retentionMs?: number;
  readonly scrubIntervalMs?: number;
  readonly log: Logger;
  readonly clock?: Clock;
}

export interface RunningStorageNode {
  readonly port: number;
  readonly nodeId: string;
  close(): Promise<void>;
}

export async function startStorageNodeServer(
  options: StorageNodeServerOptions,
): Promise<RunningStorageNode> {
  checkSecret(options.clusterSecret);
  mkdirSync(options.dataDir, { recursive: true });
  const clock = options.clock ?? systemClock;
  const network = new TcpNetwork({ secret: options.clusterSecret, clock, log: options.log });
  const node = new StorageNode({
    id: 0,
    log: options.log,
    openStore: () => Promise.resolve(new LmdbNodeStore(options.dataDir)),
    clock,
    random: systemRandom,
    zone: options.zone,
    network,
    ...(options.retentionMs === undefined ? {} : { retentionMs: options.retentionMs }),
    ...(options.scrubIntervalMs === undefined ? {} : { scrubIntervalMs: options.scrubIntervalMs }),
  });
  await node.start();
  const server = new StorageServer({
    handler: node,
    secret: options.clusterSecret,
    host: options.host,
    port: options.port,
    clock,
    log: options.log,
  });
  let port: number;
  try {
    port = await server.listen();
  } catch (error) {
    await node.stop();
    throw error;
  }
  return {
    port,
    nodeId: node.nodeId,
    async close() {
      await server.close();
      await network.close();
      await node.stop();
    },
  };
}

export interface RemoteClusterOptions {
  /** "host:port" of six or more storage nodes: seeds for the membership (discovery.ts). */
  readonly addresses: readonly string[];
  readonly clusterSecret: string;
  readonly log: Logger;
  readonly commitTimeoutMs?: number;
  readonly clock?: Clock;
}

export interface RemoteCluster {
  readonly client: StorageClient & QuorumStorageClient;
  close(): Promise<void>;
}

export function createRemoteCluster(options: RemoteClusterOptions): RemoteCluster {
  checkSecret(options.clusterSecret);
  if (options.addresses.length < SEGMENTS_PER_GROUP) {
    throw new StorageError(
      'misconfigured',
      `--storage needs ${SEGMENTS_PER_GROUP} storage nodes or more, ` +
        `got ${options.addresses.length}`,
    );
  }
  for (const address of options.addresses) parseAddress(address);
  if (new Set(options.addresses).size !== options.addresses.length) {
    throw new StorageError('misconfigured', '--storage lists a node twice');
  }
  const clock = options.clock ?? systemClock;
  const network = new TcpNetwork({ secret: options.clusterSecret, clock, log: options.log });
  const client = new QuorumStorageClient({
    log: options.log,
    transport: new SlotTransport(network, options.addresses),
    clock,
    limits:
      options.commitTimeoutMs === undefined ? {} : { commitTimeoutMs: options.commitTimeoutMs },
  });
  return {
    client,
    async close() {
      await client.close();
      await network.close();
    },
  };
}

function checkSecret(secret: string): void {
  if (secret.length < 8) {
    throw new StorageError('misconfigured', 'the cluster secret must be at least 8 characters');
  }
}
