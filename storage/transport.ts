/**
 * How requests reach storage nodes: a Network (by address) and, over it, the SegmentTransport
 * (by slot) that the client and recovery use. The in-process network lives here too; the TCP one
 * is net/tcp-network.ts and the simulator's faulty one testing/sim.ts.
 *
 * A slot is a position in the membership (membership.ts); the SlotTransport maps slots to
 * addresses, and a membership change (a replaced node) only changes that map. Storage nodes use
 * a Network directly to reach their peers (gossip, repair).
 *
 * What any network promises:
 *   (T1) `send` resolves with the node's reply, or rejects (StorageError 'unavailable') when the
 *        node cannot be reached, or never settles at all (a silent network): callers put their
 *        own timeouts on every request.
 *   (T2) requests to one address are delivered in the order they were sent (TCP and in-process;
 *        the simulator breaks this on purpose, and nothing may depend on it for safety).
 *
 * The in-process network delivers asynchronously, never in the caller's own call stack: a
 * request sent now is handed to the node in a later tick (the Clock's defer), all requests of a
 * tick together, so an embedded node behaves like a remote one and the appends of one tick reach
 * the node's store in one batch (group commit). Messages are passed as they are, not copied: the
 * client never mutates a buffer it sent, and the stores copy what they keep.
 */
import assert from 'node:assert/strict';
import type { Clock } from './clock.js';
import { StorageError } from './errors.js';
import type { StorageReply, StorageRequest } from './messages.js';

export interface Network {
  send(address: string, request: StorageRequest): Promise<StorageReply>;
  /** Closes connections (TCP); pending requests reject. */
  close(): Promise<void>;
}

export interface SegmentTransport {
  /** Slots are numbered 0 .. nodeCount - 1. */
  readonly nodeCount: number;
  send(node: number, request: StorageRequest): Promise<StorageReply>;
  /** The address that slot `node` is reached at. */
  address(node: number): string;
  /**
   * Points the slots at these addresses (a membership change: a replaced node, or a membership
   * found on the nodes that has more or other slots than the seeds the transport began with).
   */
  setAddresses(addresses: readonly string[]): void;
  /** Sends to an address that may hold no slot yet (discovery, a replacement node). */
  sendTo(address: string, request: StorageRequest): Promise<StorageReply>;
}

export class SlotTransport implements SegmentTransport {
  private readonly addresses: string[];

  constructor(
    private readonly network: Network,
    addresses: readonly string[],
  ) {
    this.addresses = [...addresses];
  }

  get nodeCount(): number {
    return this.addresses.length;
  }

  address(node: number): string {
    const address = this.addresses[node];
    assert(address !== undefined, `slot ${node} exists`);
    return address;
  }

  setAddresses(addresses: readonly string[]): void {
    this.addresses.splice(0, this.addresses.length, ...addresses);
  }

  sendTo(address: string, request: StorageRequest): Promise<StorageReply> {
    return this.network.send(address, request);
  }

  send(node: number, request: StorageRequest): Promise<StorageReply> {
    const address = this.addresses[node];
    if (address === undefined) {
      return Promise.reject(new StorageError('unavailable', `no storage node ${node}`));
    }
    return this.network.send(address, request);
  }
}

/** What the in-process network delivers to: a StorageNode. */
export interface MessageHandler {
  readonly running: boolean;
  handle(request: StorageRequest): Promise<StorageReply>;
}

interface Queued {
  readonly request: StorageRequest;
  readonly resolve: (reply: StorageReply) => void;
  readonly reject: (error: unknown) => void;
}

export class InProcessNetwork implements Network {
  private readonly handlers = new Map<string, MessageHandler>();
  private readonly queues = new Map<string, Queued[]>();

  constructor(private readonly clock: Clock) {}

  register(address: string, handler: MessageHandler): void {
    this.handlers.set(address, handler);
  }

  send(address: string, request: StorageRequest): Promise<StorageReply> {
    if (!this.handlers.has(address)) {
      return Promise.reject(new StorageError('unavailable', `no storage node at ${address}`));
    }
    return new Promise((resolve, reject) => {
      let queue = this.queues.get(address);
      if (queue === undefined) {
        queue = [];
        this.queues.set(address, queue);
        this.clock.defer(() => this.deliver(address));
      }
      queue.push({ request, resolve, reject });
    });
  }

  /** T2: hands the node its queued requests in order, all in one tick. */
  private deliver(address: string): void {
    const batch = this.queues.get(address) ?? [];
    this.queues.delete(address);
    const handler = this.handlers.get(address);
    for (const q of batch) {
      if (handler === undefined || !handler.running) {
        q.reject(new StorageError('unavailable', `storage node ${address} is down`));
        continue;
      }
      try {
        handler.handle(q.request).then(q.resolve, q.reject);
      } catch (error) {
        q.reject(error);
      }
    }
  }

  async close(): Promise<void> {}
}

/** Slot i is `node-i` on an in-process network of these handlers (tests and embedded mode). */
export class InProcessTransport extends SlotTransport {
  readonly inProcessNetwork: InProcessNetwork;

  constructor(handlers: readonly MessageHandler[], clock: Clock) {
    const network = new InProcessNetwork(clock);
    handlers.forEach((h, i) => network.register(inProcessAddress(i), h));
    super(network, handlers.map((_, i) => inProcessAddress(i)));
    this.inProcessNetwork = network;
  }
}

export function inProcessAddress(slot: number): string {
  return `node-${slot}`;
}
