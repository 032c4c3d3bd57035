/**
 * The embedded storage cluster: six storage nodes in this process, each with its own LMDB
 * environment under `<dataDir>/storage/node-N` (N = 1..6), reached through the in-process
 * transport by the same QuorumStorageClient that would talk to remote nodes. Nothing about the
 * quorum is simulated away: the segments, nodes, client and recovery are the production code.
 *
 * The nodes reach each other over the same in-process network (gossip, repair), at the addresses
 * `node-0` … `node-5` that the membership records. They can be stopped and started one by one
 * (tests, operations); the client is returned unopened, since `open` is the writer's crash
 * recovery (C1).
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { StorageClient } from './client-api.js';
import { QuorumStorageClient } from './client.js';
import { type Clock, type Random, systemClock, systemRandom } from './clock.js';
import { SEGMENTS_PER_GROUP } from './config.js';
import { StorageNode } from './node.js';
import { LmdbNodeStore } from './segment/lmdb-store.js';
import { MemoryDisk, MemoryNodeStore } from './segment/memory-store.js';
import { InProcessNetwork, SlotTransport, inProcessAddress } from './transport.js';

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
  const clock = options.clock ?? systemClock;
  const log = options.log.child({ component: 'embedded-cluster' });
  const network = new InProcessNetwork(clock);
  const nodes: StorageNode[] = [];
  for (let id = 1; id <= SEGMENTS_PER_GROUP; id++) {
    const path = join(options.dataDir, 'storage', `node-${id}`);
    const disk = new MemoryDisk();
    const openStore =
      options.store === 'memory'
        ? () => Promise.resolve(new MemoryNodeStore(disk, clock))
        : () => Promise.resolve(new LmdbNodeStore(path));
    const node = new StorageNode({
      id,
      log: options.log,
      openStore,
      clock,
      random: options.random ?? systemRandom,
      network,
      ...(options.retentionMs === undefined ? {} : { retentionMs: options.retentionMs }),
    });
    network.register(inProcessAddress(id - 1), node);
    nodes.push(node);
  }
  await Promise.all(nodes.map((n) => n.start()));
  const transport = new SlotTransport(
    network,
    nodes.map((_, i) => inProcessAddress(i)),
  );
  const client = new QuorumStorageClient({
    log: options.log,
    transport,
    clock,
    limits:
      options.commitTimeoutMs === undefined ? {} : { commitTimeoutMs: options.commitTimeoutMs },
  });
  log.info({ dataDir: options.dataDir, store: options.store ?? 'lmdb' }, 'embedded cluster up');
  return {
    client,
    nodes,
    async close() {
      await client.close();
      await Promise.all(nodes.map((n) => n.stop()));
      log.info('embedded cluster closed');
    },
  };
}
