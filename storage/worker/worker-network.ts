/**
 * WorkerNetwork: the Network (transport.ts) of an embedded cluster whose six storage nodes run in
 * a worker thread (storage-worker.ts), so that storage work runs on the second core. The writer's
 * QuorumStorageClient uses it through a SlotTransport exactly as it would a TCP network.
 *
 * Requests sent in one turn go out as one batch (batch.ts) at the end of the turn, in the order
 * they were sent (T2), in one transferred ArrayBuffer; the six AppendRequests of one group's
 * records share one copy of them. Replies come back in batches and settle the senders' promises.
 *
 * Lifecycle:
 *
 *     starting ──'ready'──▶ running ──close()──▶ closed
 *     starting | running ──the thread exits or fails──▶ dead
 *
 * Invariants:
 *   (WN1) every promise `send` or `control` returned settles: with the worker's answer, or with
 *         StorageError 'unavailable' once the thread is dead or closed (T1 allows the network to
 *         be down; it never hangs a caller on a thread that is gone).
 *   (WN2) one batch per turn in each direction; a batch holds everything sent in that turn.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { StorageError } from '../errors.js';
import type { StorageReply, StorageRequest } from '../messages.js';
import type { Network } from '../transport.js';
import { type BatchEntry, type ControlOp, decodeBatch, encodeBatch } from './batch.js';
import type { StorageWorkerData } from './storage-worker.js';

type Pending =
  | {
      readonly kind: 'request';
      readonly resolve: (reply: StorageReply) => void;
      readonly reject: (error: unknown) => void;
    }
  | {
      readonly kind: 'control';
      readonly resolve: () => void;
      readonly reject: (error: unknown) => void;
    };

type State = 'starting' | 'running' | 'closed' | 'dead';

/**
 * The compiled worker script. Under vitest this module runs from its .ts source, which a worker
 * thread cannot load; the build's copy (dist/, made by `tsc` before the tests run) serves then.
 */
function workerScript(): URL {
  const here = new URL(import.meta.url);
  const script = here.pathname.endsWith('.ts')
    ? new URL('../../dist/storage/worker/storage-worker.js', here)
    : new URL('./storage-worker.js', here);
  if (!existsSync(fileURLToPath(script))) {
    throw new StorageError('misconfigured', `the storage worker script ${script.pathname} is ` +
      'missing: build with `tsc -p .`');
  }
  return script;
}

export class WorkerNetwork implements Network {
  private state: State = 'starting';
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private outbox: BatchEntry[] = [];
  private flushQueued = false;
  private nextId = 1;
  private readonly log: Logger;

  private constructor(data: StorageWorkerData, log: Logger) {
    this.log = log.child({ component: 'storage-worker-network' });
    this.worker = new Worker(workerScript(), { workerData: data });
    this.worker.on('message', (message: unknown) => this.receive(message));
    this.worker.on('error', (error) => this.die(error));
    this.worker.on('exit', (code) => this.die(new Error(`storage worker exited with ${code}`)));
  }

  /** Spawns the worker; resolves once its six nodes have started. */
  static async start(data: StorageWorkerData, log: Logger): Promise<WorkerNetwork> {
    const network = new WorkerNetwork(data, log);
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: unknown): void => {
        if (message !== 'ready') return;
        network.worker.off('error', reject);
        resolve();
      };
      network.worker.once('error', reject);
      network.worker.on('message', onMessage);
    });
    if (network.state === 'starting') network.state = 'running';
    return network;
  }

  send(address: string, request: StorageRequest): Promise<StorageReply> {
    return new Promise((resolve, reject) => {
      const id = this.enqueue({ kind: 'request', resolve, reject });
      if (id !== undefined) this.outbox.push({ kind: 'request', id, address, request });
    });
  }

  /** Starts or stops one node (its index, 0..5), or closes them all. */
  control(op: ControlOp, node: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const id = this.enqueue({ kind: 'control', resolve, reject });
      if (id !== undefined) this.outbox.push({ kind: 'control', id, op, node });
    });
  }

  /** Stops every node (their stores closed), then ends the thread. */
  async close(): Promise<void> {
    if (this.state === 'closed' || this.state === 'dead') return;
    try {
      await this.control('close', 0);
    } finally {
      this.state = 'closed';
      await this.worker.terminate();
      this.failAll('the storage worker was closed');
    }
  }

  /** An id for a new entry, its flush scheduled (WN2); undefined when rejected at once (WN1). */
  private enqueue(pending: Pending): number | undefined {
    if (this.state === 'closed' || this.state === 'dead') {
      pending.reject(new StorageError('unavailable', `the storage worker is ${this.state}`));
      return undefined;
    }
    const id = this.nextId++;
    this.pending.set(id, pending);
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => this.flush());
    }
    return id;
  }

  private flush(): void {
    this.flushQueued = false;
    const entries = this.outbox;
    this.outbox = [];
    if (entries.length === 0 || this.state === 'dead' || this.state === 'closed') return;
    const batch = encodeBatch(entries);
    this.worker.postMessage(batch, [batch]);
  }

  private receive(message: unknown): void {
    if (!(message instanceof ArrayBuffer)) return; // 'ready'
    for (const entry of decodeBatch(message)) {
      const pending = this.pending.get(entry.id);
      if (pending === undefined) continue;
      this.pending.delete(entry.id);
      if (entry.kind === 'failure') pending.reject(entry.error);
      else if (entry.kind === 'reply' && pending.kind === 'request') pending.resolve(entry.reply);
      else if (entry.kind === 'control-done' && pending.kind === 'control') {
        if (entry.error === null) pending.resolve();
        else pending.reject(new StorageError('unavailable', entry.error));
      } else pending.reject(new Error(`the storage worker answered a ${pending.kind} oddly`));
    }
  }

  /** WN1: the thread is gone; nothing sent to it will be answered. */
  private die(error: unknown): void {
    if (this.state === 'closed' || this.state === 'dead') return;
    this.state = 'dead';
    this.log.error({ err: error }, 'the storage worker thread died');
    this.failAll(`the storage worker thread died: ${String(error)}`);
  }

  private failAll(message: string): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(new StorageError('unavailable', message));
  }
}
