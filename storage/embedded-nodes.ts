/**
 * The six storage nodes of an embedded cluster, built the same way wherever they run: in the
 * writer's thread (embedded.ts, in-process transport) or in the storage worker thread
 * (worker/storage-worker.ts). Each has its own LMDB environment under
 * `<dataDir>/storage/node-N` (N = 1..6), or a memory disk, and reaches its peers (gossip, repair)
 * over the in-process network it is registered on, at `node-0` … `node-5`. Being in one thread,
 * they share the pages their segments build by coalescing (segment/coalesce-share.ts: each
 * page is built once, not six times).
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Clock, Random } from './clock.js';
import { SEGMENTS_PER_GROUP } from './config.js';
import { StorageNode } from './node.js';
import { CoalesceShare } from './segment/coalesce-share.js';
import { LmdbNodeStore } from './segment/lmdb-store.js';
import { MemoryDisk, MemoryNodeStore } from './segment/memory-store.js';
import { type InProcessNetwork, inProcessAddress } from './transport.js';

export interface EmbeddedNodesOptions {
  readonly dataDir: string;
  readonly log: Logger;
  readonly store: 'lmdb' | 'memory';
  readonly clock: Clock;
  readonly random: Random;
  readonly network: InProcessNetwork;
  readonly retentionMs?: number;
  /**
   * The hot logs' shared flush blocks the nodes' thread for each round (device-sync.ts): true
   * in the storage worker, whose thread does nothing else.
   */
  readonly blockingRounds?: boolean;
}

/** Builds and registers the six nodes (not started). */
export function createEmbeddedNodes(options: EmbeddedNodesOptions): StorageNode[] {
  const nodes: StorageNode[] = [];
  const coalesceShare = new CoalesceShare();
  const blockingRounds = options.blockingRounds === true;
  for (let id = 1; id <= SEGMENTS_PER_GROUP; id++) {
    const path = join(options.dataDir, 'storage', `node-${id}`);
    const disk = new MemoryDisk();
    const openStore =
      options.store === 'memory'
        ? () => Promise.resolve(new MemoryNodeStore(disk, options.clock))
        : () => Promise.resolve(new LmdbNodeStore(path, { blockingRounds }));
    const node = new StorageNode({
      id,
      log: options.log,
      openStore,
      clock: options.clock,
      random: options.random,
      network: options.network,
      coalesceShare,
      ...(options.retentionMs === undefined ? {} : { retentionMs: options.retentionMs }),
    });
    options.network.register(inProcessAddress(id - 1), node);
    nodes.push(node);
  }
  return nodes;
}
