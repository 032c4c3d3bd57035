/**
 * The storage worker thread: the six embedded storage nodes run here, so that their work (CRCs,
 * LMDB writes, page materialisation, gossip, scrub) uses the second core instead of the writer's
 * event loop. The writer's thread reaches them through WorkerNetwork (worker-network.ts) with the
 * same storage protocol as every other transport; this file is the other end of that channel.
 *
 * Every message from the writer's thread is a batch (batch.ts). Requests are handed to their node
 * in the order they arrived, all in the turn the batch arrived (T2, and the appends of one batch
 * share one LMDB transaction per node: group commit). Replies, and the answers to control
 * entries, are collected and posted back in batches (reply-outbox.ts).
 *
 * Invariants:
 *   (SW1) a request to a node that is not running is answered with StorageError 'unavailable'
 *         (N1), like a dead node.
 *   (SW2) every request and control entry is answered exactly once.
 *   (SW3) 'close' stops every node (their writes drained, stores closed) before it is answered;
 *         the thread then has nothing left to run and exits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { systemClock, systemRandom } from '../clock.js';
import { createEmbeddedNodes } from '../embedded-nodes.js';
import { StorageError } from '../errors.js';
import type { StorageNode } from '../node.js';
import { InProcessNetwork, inProcessAddress } from '../transport.js';
import { type BatchEntry, type ControlOp, decodeBatch, encodeBatch } from './batch.js';
import { ReplyOutbox } from './reply-outbox.js';

/** What the writer's thread passes at spawn (worker-network.ts). */
export interface StorageWorkerData {
  readonly dataDir: string;
  readonly store: 'lmdb' | 'memory';
  readonly logLevel: string;
  readonly retentionMs?: number;
}

function isWorkerData(x: unknown): x is StorageWorkerData {
  if (typeof x !== 'object' || x === null) return false;
  return 'dataDir' in x && typeof x.dataDir === 'string' && 'store' in x &&
    (x.store === 'lmdb' || x.store === 'memory') && 'logLevel' in x &&
    typeof x.logLevel === 'string';
}

class StorageWorker {
  private readonly outbox: ReplyOutbox;
  private readonly network = new InProcessNetwork(systemClock);
  readonly nodes: StorageNode[];
  /** The nodes by their in-process address (`node-0` … `node-5`). */
  private readonly byAddress = new Map<string, StorageNode>();

  constructor(
    data: StorageWorkerData,
    private readonly port: NonNullable<typeof parentPort>,
  ) {
    const log = pino({ level: data.logLevel }).child({ thread: 'storage-worker' });
    this.nodes = createEmbeddedNodes({
      dataDir: data.dataDir,
      log,
      store: data.store,
      clock: systemClock,
      random: systemRandom,
      network: this.network,
      blockingRounds: true, // this thread runs only the nodes: a round blocks nothing else
      ...(data.retentionMs === undefined ? {} : { retentionMs: data.retentionMs }),
    });
    this.nodes.forEach((node, i) => this.byAddress.set(inProcessAddress(i), node));
    this.outbox = new ReplyOutbox((entries) => {
      const batch = encodeBatch(entries);
      this.port.postMessage(batch, [batch]);
    }, systemClock.defer);
  }

  /**
   * The nodes have started: replies go promptly when every node's hot log makes its appends
   * durable in its device's shared rounds (reply-outbox.ts).
   */
  started(): void {
    this.outbox.prompt = this.nodes.every(
      (n) => n.syncMode === 'shared-direct' || n.syncMode === 'shared-flush',
    );
  }

  receive(batch: ArrayBuffer): void {
    for (const entry of decodeBatch(batch)) {
      switch (entry.kind) {
        case 'request':
          this.request(entry.id, entry.address, entry);
          break;
        case 'control':
          this.control(entry.id, entry.op, entry.node);
          break;
        default:
          throw new Error(`the storage worker was sent a ${entry.kind}`);
      }
    }
  }

  private request(id: number, address: string, entry: BatchEntry & { kind: 'request' }): void {
    const node = this.byAddress.get(address);
    if (node === undefined || !node.running) {
      const error = new StorageError('unavailable', `storage node ${address} is down`); // SW1
      this.outbox.post({ kind: 'failure', id, error });
      return;
    }
    node.handle(entry.request).then(
      (reply) => this.outbox.post({ kind: 'reply', id, reply }),
      (error: unknown) => {
        const failure = error instanceof StorageError
          ? error
          : new StorageError('unavailable', `storage node ${address} failed: ${String(error)}`);
        this.outbox.post({ kind: 'failure', id, error: failure });
      },
    );
  }

  private control(id: number, op: ControlOp, index: number): void {
    const done = (error: unknown): void =>
      this.outbox.post({ kind: 'control-done', id, error: error === null ? null : String(error) });
    const node = this.nodes[index];
    let work: Promise<unknown>;
    if (op === 'close') work = Promise.all(this.nodes.map((n) => n.stop())); // SW3
    else if (node === undefined) work = Promise.reject(new Error(`no node ${index}`));
    else work = op === 'start-node' ? node.start() : node.stop();
    work.then(() => done(null), done);
  }
}

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('storage-worker.ts runs only as a worker thread');
  if (!isWorkerData(workerData)) throw new Error('storage worker: bad workerData');
  const worker = new StorageWorker(workerData, port);
  port.on('message', (batch: unknown) => {
    if (!(batch instanceof ArrayBuffer)) throw new Error('storage worker: expected a batch');
    worker.receive(batch);
  });
  await Promise.all(worker.nodes.map((n) => n.start()));
  worker.started();
  port.postMessage('ready');
}

await main();
