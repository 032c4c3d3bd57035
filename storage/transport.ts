/**
 * SegmentTransport: how the client reaches storage nodes. The interface, and the in-process
 * implementation that embedded mode uses.
 *
 * The client and the segments know only this interface and the messages (messages.ts), so a TCP
 * transport or a worker-thread transport slots in without touching either. What any transport
 * promises:
 *   (T1) `send` resolves with the node's reply, or rejects (StorageError 'unavailable') when the
 *        node cannot be reached, or never settles at all (a silent network): the client puts its
 *        own timeouts on every request.
 *   (T2) requests to one node are delivered in the order they were sent.
 *
 * The in-process transport delivers asynchronously, never in the caller's own call stack: a
 * request sent now is handed to the node in a later tick (the Clock's defer), all requests of a
 * tick together, so an embedded node behaves like a remote one and the appends of one tick reach
 * the node's store in one batch (group commit). Messages are passed as they are, not copied: the
 * client never mutates a buffer it sent, and the stores copy what they keep.
 */
import type { Clock } from './clock.js';
import { StorageError } from './errors.js';
import type { StorageReply, StorageRequest } from './messages.js';

export interface SegmentTransport {
  /** Nodes are numbered 0 .. nodeCount - 1. */
  readonly nodeCount: number;
  send(node: number, request: StorageRequest): Promise<StorageReply>;
}

/** What the in-process transport delivers to: a StorageNode. */
export interface MessageHandler {
  readonly running: boolean;
  handle(request: StorageRequest): Promise<StorageReply>;
}

interface Queued {
  readonly request: StorageRequest;
  readonly resolve: (reply: StorageReply) => void;
  readonly reject: (error: unknown) => void;
}

export class InProcessTransport implements SegmentTransport {
  private readonly queues: Queued[][];
  private readonly scheduled: boolean[];

  constructor(
    private readonly handlers: readonly MessageHandler[],
    private readonly clock: Clock,
  ) {
    this.queues = handlers.map(() => []);
    this.scheduled = handlers.map(() => false);
  }

  get nodeCount(): number {
    return this.handlers.length;
  }

  send(node: number, request: StorageRequest): Promise<StorageReply> {
    const queue = this.queues[node];
    if (queue === undefined) {
      return Promise.reject(new StorageError('unavailable', `no storage node ${node}`));
    }
    return new Promise((resolve, reject) => {
      queue.push({ request, resolve, reject });
      if (!this.scheduled[node]) {
        this.scheduled[node] = true;
        this.clock.defer(() => this.deliver(node));
      }
    });
  }

  /** T2: hands the node its queued requests in order, all in one tick. */
  private deliver(node: number): void {
    this.scheduled[node] = false;
    const queue = this.queues[node];
    const handler = this.handlers[node];
    if (queue === undefined || handler === undefined) return;
    const batch = queue.splice(0, queue.length);
    for (const q of batch) {
      if (!handler.running) {
        q.reject(new StorageError('unavailable', `storage node ${node} is down`));
        continue;
      }
      try {
        handler.handle(q.request).then(q.resolve, q.reject);
      } catch (error) {
        q.reject(error);
      }
    }
  }
}
