/**
 * The embedded storage cluster: six storage nodes in this process, each with its own LMDB
 * environment under `<dataDir>/storage/node-N` (N = 1..6), reached by the same
 * QuorumStorageClient that would talk to remote nodes: through the in-process transport when the
 * nodes run in this thread, or through WorkerNetwork (worker/) when they run in a worker thread,
 * so that storage work uses a second core. Nothing about the quorum is simulated away: the
 * segments, nodes, client and recovery are the production code.
 *
 * The nodes reach each other over the same in-process network (gossip, repair), at the addresses
 * `node-0` … `node-5` that the membership records. They can be stopped and started one by one
 * (tests, operations); the client is returned unopened, since `open` is the writer's crash
 * recovery (C1).
 */
import assert from 'node:assert/strict';
import type { Logger } from 'pino';
import type { StorageClient } from './client-api.js';
import { QuorumStorageClient } from './client.js';
import { type Clock, type Random, systemClock, systemRandom } from './clock.js';
import { SEGMENTS_PER_GROUP } from './config.js';
import { createEmbeddedNodes } from './embedded-nodes.js';
import { InProcessNetwork, type Network, SlotTransport, inProcessAddress } from './transport.js';
import { WorkerNetwork } from './worker/worker-network.js';

export interface EmbeddedClusterOptions {
  readonly dataDir: string;
  readonly log: Logger;
  readonly commitTimeoutMs?: number;
  /** 'lmdb' (the default) persists under dataDir; 'memory' keeps each node's state in memory. */
  readonly store?: 'lmdb' | 'memory';
  readonly clock?: Clock;
  readonly random?: Random;
  /** Record retention of the nodes (default 24 h). */
  readonly retentionMs?: number;
  /**
   * 'main' (the default) runs the nodes in this thread; 'worker' runs them in a worker thread
   * (worker/), so storage work uses another core. A custom clock or random needs 'main'.
   */
  readonly thread?: 'main' | 'worker';
}

export interface EmbeddedNode {
  /** 1..6, as in the node's directory name. */
  readonly id: number;
  readonly running: boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface EmbeddedCluster {
  readonly client: StorageClient;
  readonly nodes: readonly EmbeddedNode[];
  /** Closes the client, then stops every node. */
  close(): Promise<void>;
}

export async function createEmbeddedCluster(
  options: EmbeddedClusterOptions,
): Promise<EmbeddedCluster> {
  const log = options.log.child({ component: 'embedded-cluster' });
  const nodes = options.thread === 'worker' ? await workerNodes(options) : await mainNodes(options);
  const addresses = Array.from({ length: SEGMENTS_PER_GROUP }, (_, i) => inProcessAddress(i));
  const client = new QuorumStorageClient({
    log: options.log,
    transport: new SlotTransport(nodes.network, addresses),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    limits:
      options.commitTimeoutMs === undefined ? {} : { commitTimeoutMs: options.commitTimeoutMs },
  });
  const thread = options.thread ?? 'main';
  const store = options.store ?? 'lmdb';
  log.info({ dataDir: options.dataDir, store, thread }, 'embedded cluster up');
  return {
    client,
    nodes: nodes.nodes,
    async close() {
      await client.close();
      await nodes.close();
      log.info('embedded cluster closed');
    },
  };
}

interface RunningNodes {
  readonly network: Network;
  readonly nodes: readonly EmbeddedNode[];
  close(): Promise<void>;
}

/** The six nodes in this thread, on an in-process network. */
async function mainNodes(options: EmbeddedClusterOptions): Promise<RunningNodes> {
  const clock = options.clock ?? systemClock;
  const network = new InProcessNetwork(clock);
  const nodes = createEmbeddedNodes({
    dataDir: options.dataDir,
    log: options.log,
    store: options.store ?? 'lmdb',
    clock,
    random: options.random ?? systemRandom,
    network,
    ...(options.retentionMs === undefined ? {} : { retentionMs: options.retentionMs }),
  });
  await Promise.all(nodes.map((n) => n.start()));
  return {
    network,
    nodes,
    close: async () => {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  };
}

/** The six nodes in a worker thread; each EmbeddedNode here stands for one of them. */
async function workerNodes(options: EmbeddedClusterOptions): Promise<RunningNodes> {
  assert(options.clock === undefined && options.random === undefined,
    'a custom clock or random runs the nodes in this thread');
  const network = await WorkerNetwork.start({
    dataDir: options.dataDir,
    store: options.store ?? 'lmdb',
    logLevel: options.log.level,
    ...(options.retentionMs === undefined ? {} : { retentionMs: options.retentionMs }),
  }, options.log);
  const nodes = Array.from({ length: SEGMENTS_PER_GROUP }, (_, i) => workerNode(network, i));
  return { network, nodes, close: () => network.close() };
}

function workerNode(network: WorkerNetwork, index: number): EmbeddedNode {
  let running = true;
  return {
    id: index + 1,
    get running() {
      return running;
    },
    async stop() {
      running = false;
      await network.control('stop-node', index);
    },
    async start() {
      await network.control('start-node', index);
      running = true;
    },
  };
}
