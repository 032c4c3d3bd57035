/**
 * A one-way message ring in shared memory between two threads (one producer, one consumer), and
 * the doorbell that wakes a thread waiting for it. The socket I/O thread (io-thread.ts) and the
 * engine's thread (io-bridge.ts) talk through two rings, one each way.
 *
 *   control  Int32Array over its own SharedArrayBuffer
 *            [HEAD] bytes ever written (u32, wraps)   [TAIL] bytes ever read (u32, wraps)
 *            [WANTS_ROOM] 1 while the producer holds a message that did not fit
 *   bytes    Uint8Array of `capacity` bytes (a power of two)
 *   message  OFFSET SIZE DESCRIPTION
 *            0      4    n: payload length (u32 LE)
 *            4      1    kind (the caller's, 0..255)
 *            5      4    stream id (u32 LE)
 *            9      n    payload
 *   doorbell Int32Array [SLEEPING] 1 while its owner waits, [RINGS] bumped by every ring
 *
 * Invariants:
 *   (R1) Only the producer writes HEAD and only the consumer writes TAIL; 0 ≤ HEAD − TAIL ≤
 *        capacity (mod 2^32), so a message is never overwritten before it is read.
 *   (R2) A message's bytes are written before HEAD moves past them (Atomics.store orders them),
 *        so the consumer never reads a message that is not whole; messages are read in the order
 *        they were written.
 *   (R3) No lost wake-up: a sleeper sets SLEEPING, reads RINGS, re-checks for work, then waits
 *        on RINGS only if it has not changed; a waker publishes its work first, then rings if
 *        SLEEPING is set. Either the sleeper's re-check sees the work or the waker sees the flag
 *        (all four accesses are sequentially consistent). Likewise for room: a producer whose
 *        message did not fit sets WANTS_ROOM and tries once more; a consumer that freed room
 *        clears WANTS_ROOM and rings the producer if it was set.
 */
import assert from 'node:assert/strict';

export const MESSAGE_HEADER_BYTES = 9;
const HEAD = 0;
const TAIL = 1;
const WANTS_ROOM = 2;
const SLEEPING = 0;
const RINGS = 1;

/** The shared memory of one ring, as passed to the other thread. */
export interface RingMemory {
  readonly control: SharedArrayBuffer;
  readonly bytes: SharedArrayBuffer;
}

export function createRingMemory(capacity: number): RingMemory {
  assert(capacity >= 1024 && (capacity & (capacity - 1)) === 0 && capacity <= 2 ** 30,
    'a ring holds a power of two of bytes, 1 KiB .. 1 GiB');
  return {
    control: new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT),
    bytes: new SharedArrayBuffer(capacity),
  };
}

abstract class RingEnd {
  protected readonly control: Int32Array;
  protected readonly bytes: Buffer;
  protected readonly mask: number;
  readonly capacity: number;

  constructor(memory: RingMemory) {
    this.control = new Int32Array(memory.control);
    this.bytes = Buffer.from(memory.bytes);
    this.capacity = this.bytes.length;
    this.mask = this.capacity - 1;
  }

  /** Bytes written and not yet read. */
  get usedBytes(): number {
    return (Atomics.load(this.control, HEAD) - Atomics.load(this.control, TAIL)) >>> 0;
  }
}

/** The writing end of a ring. */
export class RingProducer extends RingEnd {
  private readonly header = Buffer.alloc(MESSAGE_HEADER_BYTES);

  /** The largest payload a message can carry (a quarter of the ring). */
  get payloadMax(): number {
    return this.capacity / 4 - MESSAGE_HEADER_BYTES;
  }

  /** Writes one message; false (and nothing written) when the ring has no room for it now. */
  tryWrite(kind: number, stream: number, payload: Uint8Array | null): boolean {
    const n = payload?.length ?? 0;
    assert(n <= this.payloadMax, 'a message fits a quarter of its ring');
    const head = Atomics.load(this.control, HEAD) >>> 0;
    const tail = Atomics.load(this.control, TAIL) >>> 0;
    if (this.capacity - ((head - tail) >>> 0) < MESSAGE_HEADER_BYTES + n) return false;
    this.header.writeUInt32LE(n, 0);
    this.header[4] = kind;
    this.header.writeUInt32LE(stream >>> 0, 5);
    let at = this.copyIn(this.header, head);
    if (payload !== null) at = this.copyIn(payload, at);
    Atomics.store(this.control, HEAD, at | 0); // R1, R2
    return true;
  }

  /**
   * Writes the message, or, when it does not fit, asks the consumer to say when room is freed
   * (R3) and tries once more; false means the consumer will ring once it has read something.
   */
  writeOrWantRoom(kind: number, stream: number, payload: Uint8Array | null): boolean {
    if (this.tryWrite(kind, stream, payload)) return true;
    Atomics.store(this.control, WANTS_ROOM, 1);
    return this.tryWrite(kind, stream, payload);
  }

  private copyIn(source: Uint8Array, position: number): number {
    const start = position & this.mask;
    const first = Math.min(source.length, this.capacity - start);
    this.bytes.set(first === source.length ? source : source.subarray(0, first), start);
    if (first < source.length) this.bytes.set(source.subarray(first), 0);
    return (position + source.length) >>> 0;
  }
}

/** What a consumer is handed for each message; `payload` is its own copy. */
export type MessageHandler = (kind: number, stream: number, payload: Buffer) => void;

/** The reading end of a ring. */
export class RingConsumer extends RingEnd {
  private readonly header = Buffer.alloc(MESSAGE_HEADER_BYTES);
  private static readonly EMPTY = Buffer.alloc(0);

  get hasMessages(): boolean {
    return Atomics.load(this.control, HEAD) !== Atomics.load(this.control, TAIL);
  }

  /** Reads every message written so far, in order (R2); returns how many. */
  drain(handle: MessageHandler): number {
    const head = Atomics.load(this.control, HEAD) >>> 0;
    let tail = Atomics.load(this.control, TAIL) >>> 0;
    let count = 0;
    while (tail !== head) {
      this.copyOut(this.header, tail);
      const n = this.header.readUInt32LE(0);
      const kind = this.header[4]!;
      const stream = this.header.readUInt32LE(5);
      const payload = n === 0 ? RingConsumer.EMPTY : Buffer.allocUnsafe(n);
      if (n > 0) this.copyOut(payload, (tail + MESSAGE_HEADER_BYTES) >>> 0);
      tail = (tail + MESSAGE_HEADER_BYTES + n) >>> 0;
      Atomics.store(this.control, TAIL, tail | 0); // R1: the room is free before the handler runs
      count++;
      handle(kind, stream, payload);
    }
    return count;
  }

  /** True once after a drain freed room a producer was waiting for (R3): ring it. */
  takeRoomWanted(): boolean {
    return Atomics.load(this.control, WANTS_ROOM) === 1 &&
      Atomics.exchange(this.control, WANTS_ROOM, 0) === 1;
  }

  private copyOut(target: Buffer, position: number): void {
    const start = position & this.mask;
    const first = Math.min(target.length, this.capacity - start);
    this.bytes.copy(target, 0, start, start + first);
    if (first < target.length) this.bytes.copy(target, first, 0, target.length - first);
  }
}

/** The doorbell of one thread: others ring it after publishing work, only while it sleeps. */
export class Doorbell {
  private readonly cells: Int32Array;

  constructor(readonly memory: SharedArrayBuffer) {
    this.cells = new Int32Array(memory);
  }

  static create(): Doorbell {
    return new Doorbell(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  }

  /** The waker's side (R3): call after the work is published. */
  ring(): void {
    if (Atomics.load(this.cells, SLEEPING) === 0) return;
    Atomics.add(this.cells, RINGS, 1);
    Atomics.notify(this.cells, RINGS);
  }

  /**
   * The owner's side (R3): resolves once rung, or at once when `hasWork()` says there is work
   * after the flag is set. A waiting owner's event loop keeps running its other tasks.
   */
  async sleep(hasWork: () => boolean): Promise<void> {
    Atomics.store(this.cells, SLEEPING, 1);
    try {
      const rings = Atomics.load(this.cells, RINGS);
      if (hasWork()) return;
      const wait = Atomics.waitAsync(this.cells, RINGS, rings);
      if (wait.async) await wait.value;
    } finally {
      Atomics.store(this.cells, SLEEPING, 0);
    }
  }
}

interface Queued {
  readonly kind: number;
  readonly stream: number;
  readonly payload: Uint8Array | null;
  readonly done: (() => void) | null;
}

/**
 * A producer with a queue for what does not fit the ring yet: messages enter the ring in the
 * order they were sent, a payload larger than a message may carry is cut into several, and the
 * consumer's thread is rung after each write. `done` runs once the message is in the ring.
 */
export class RingSender {
  private readonly queue: Queued[] = [];
  private ringQueued = false;
  private readonly ringNow = (): void => {
    this.ringQueued = false;
    this.peer.ring();
  };

  constructor(
    private readonly producer: RingProducer,
    private readonly peer: Doorbell,
  ) {}

  /**
   * One ring for everything sent before the microtask queue runs (deferring it to setImmediate,
   * for bigger groups, lost a third of point-select throughput at 32 connections).
   */
  private ringSoon(): void {
    if (this.ringQueued) return;
    this.ringQueued = true;
    queueMicrotask(this.ringNow);
  }

  /** Messages waiting for room in the ring. */
  get backlog(): number {
    return this.queue.length;
  }

  send(kind: number, stream: number, payload: Uint8Array | null, done?: () => void): void {
    const max = this.producer.payloadMax;
    if (payload !== null && payload.length > max) {
      for (let at = 0; at < payload.length; at += max) {
        const last = at + max >= payload.length;
        this.send(kind, stream, payload.subarray(at, at + max), last ? done : undefined);
      }
      return;
    }
    if (this.queue.length === 0 && this.producer.writeOrWantRoom(kind, stream, payload)) {
      this.ringSoon();
      done?.();
      return;
    }
    this.queue.push({ kind, stream, payload, done: done ?? null });
  }

  /** Moves queued messages into the ring while they fit; true when none is left waiting. */
  flush(): boolean {
    let wrote = false;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      if (!this.producer.writeOrWantRoom(next.kind, next.stream, next.payload)) break;
      this.queue.shift();
      wrote = true;
      next.done?.();
    }
    if (wrote) this.ringSoon();
    return this.queue.length === 0;
  }
}
