/**
 * The deterministic simulator's kernel: a seeded PRNG, a virtual clock with an event queue, a
 * faulty network, and a logger that buffers its lines (dumped when a seed fails).
 *
 * Determinism: the production code under test (segments, nodes, the quorum client) receives
 * this clock and this PRNG and does no I/O of its own (memory stores), so a run is a function of
 * its seed: events run one at a time in (time, sequence) order, and after each one every promise
 * continuation it caused runs (`drain`) before the next event. Nothing here reads the real clock
 * or Math.random.
 *
 * The network (T1 and beyond): a message may be dropped (it never arrives and nothing settles),
 * delayed by a random latency (so messages overtake each other: reordering), duplicated (the
 * node handles it twice; the second reply is dropped), or cut by a partition. A request to a
 * node that is down fails after a delay, as a refused TCP connection would; a reply from a
 * node that crashed since it took the request fails (the connection was reset).
 */
import type { Logger } from 'pino';
import { pino } from 'pino';
import type { Clock, Random, Timer } from '../clock.js';
import { StorageError } from '../errors.js';
import type { StorageReply, StorageRequest } from '../messages.js';
import type { MessageHandler, Network } from '../transport.js';

/** sfc32: small, fast, and good enough to schedule faults. */
export class Prng implements Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 16; i++) this.next();
  }

  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4_294_967_296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  between(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
}

interface SimEvent {
  readonly time: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/** Virtual time: timers and defers are events; nothing happens between events. */
export class VirtualClock implements Clock {
  private nowMs = 0;
  private seq = 0;
  private readonly heap: SimEvent[] = [];
  /** Events run so far. */
  events = 0;
  static readonly WALL_START_MS = 1_767_225_600_000;

  now(): number {
    return this.nowMs;
  }

  wallNow(): number {
    return VirtualClock.WALL_START_MS + Math.floor(this.nowMs);
  }

  setTimer(fn: () => void, delayMs: number): Timer {
    const event = this.push(this.nowMs + Math.max(0, delayMs), fn);
    return { cancel: () => (event.cancelled = true) };
  }

  defer(fn: () => void): void {
    this.push(this.nowMs, fn);
  }

  private push(time: number, fn: () => void): SimEvent {
    const event = { time, seq: this.seq++, fn, cancelled: false };
    const heap = this.heap;
    heap.push(event);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!before(event, heap[parent] as SimEvent)) break;
      heap[i] = heap[parent] as SimEvent;
      heap[parent] = event;
      i = parent;
    }
    return event;
  }

  private pop(): SimEvent | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    heap[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before(heap[l] as SimEvent, heap[m] as SimEvent)) m = l;
      if (r < heap.length && before(heap[r] as SimEvent, heap[m] as SimEvent)) m = r;
      if (m === i) break;
      const tmp = heap[i] as SimEvent;
      heap[i] = heap[m] as SimEvent;
      heap[m] = tmp;
      i = m;
    }
    return top;
  }

  /** The time of the next live event, if any. */
  peek(): number | undefined {
    while (this.heap[0]?.cancelled === true) this.pop();
    return this.heap[0]?.time;
  }

  /** Runs the next live event; false if there is none. */
  runNext(): boolean {
    for (let event = this.pop(); event !== undefined; event = this.pop()) {
      if (event.cancelled) continue;
      this.nowMs = event.time;
      this.events++;
      event.fn();
      return true;
    }
    return false;
  }

  /** Moves time forward with no event (nothing is due before `time`). */
  advanceTo(time: number): void {
    if (time > this.nowMs) this.nowMs = time;
  }
}

function before(a: SimEvent, b: SimEvent): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

/** Lets every promise continuation queued so far run (and those they queue). */
export function drain(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface NetworkFaults {
  dropRate: number;
  duplicateRate: number;
  delayMinMs: number;
  delayMaxMs: number;
  /** Probability that a message takes `slowMs` longer (a stall). */
  slowRate: number;
  slowMs: number;
}

export const NO_FAULTS: NetworkFaults = {
  dropRate: 0,
  duplicateRate: 0,
  delayMinMs: 0.05,
  delayMaxMs: 1,
  slowRate: 0,
  slowMs: 0,
};

interface Endpoint {
  readonly handler: MessageHandler;
  incarnation: number;
}

export class SimNetwork {
  faults: NetworkFaults = { ...NO_FAULTS };
  private readonly endpoints = new Map<string, Endpoint>();
  /** Addresses cut off from everyone. */
  private readonly isolated = new Set<string>();
  /** Pairs "a|b" that cannot talk (both ways). */
  private readonly cuts = new Set<string>();
  /** Addresses whose every message takes this much longer (a degraded node). */
  readonly slow = new Map<string, number>();
  messages = 0;
  dropped = 0;
  /** Deliveries on their way (requests and replies), so a blip can lose them all. */
  private readonly inFlight = new Set<Timer>();

  constructor(
    private readonly clock: VirtualClock,
    private readonly prng: Prng,
  ) {}

  register(address: string, handler: MessageHandler): void {
    this.endpoints.set(address, { handler, incarnation: 0 });
  }

  /** The node at `address` crashed or restarted: replies to earlier requests are lost. */
  bump(address: string): void {
    const e = this.endpoints.get(address);
    if (e !== undefined) e.incarnation++;
  }

  isolate(address: string): void {
    this.isolated.add(address);
  }

  cut(a: string, b: string): void {
    this.cuts.add(`${a}|${b}`);
    this.cuts.add(`${b}|${a}`);
  }

  heal(): void {
    this.isolated.clear();
    this.cuts.clear();
  }

  get partitioned(): boolean {
    return this.isolated.size > 0 || this.cuts.size > 0;
  }

  private blocked(from: string, to: string): boolean {
    return this.isolated.has(from) || this.isolated.has(to) || this.cuts.has(`${from}|${to}`);
  }

  /** The network as seen from `from` (the writer, or a node reaching its peers). */
  endpoint(from: string): Network {
    return {
      send: (to, request) => this.send(from, to, request),
      close: () => Promise.resolve(),
    };
  }

  private latency(from: string, to: string): number {
    const f = this.faults;
    const base = this.prng.between(f.delayMinMs, f.delayMaxMs);
    const degraded = (this.slow.get(from) ?? 0) + (this.slow.get(to) ?? 0);
    return (this.prng.chance(f.slowRate) ? base + f.slowMs : base) + degraded;
  }

  private lost(from: string, to: string): boolean {
    if (this.blocked(from, to) || this.prng.chance(this.faults.dropRate)) {
      this.dropped++;
      return true;
    }
    return false;
  }

  private later(delayMs: number, fn: () => void): void {
    const timer = this.clock.setTimer(() => {
      this.inFlight.delete(timer);
      fn();
    }, delayMs);
    this.inFlight.add(timer);
  }

  /** A network blip: every message on its way is lost (nothing it carried settles). */
  dropInFlight(): void {
    for (const t of this.inFlight) t.cancel();
    this.dropped += this.inFlight.size;
    this.inFlight.clear();
  }

  private send(from: string, to: string, request: StorageRequest): Promise<StorageReply> {
    this.messages++;
    return new Promise((resolve, reject) => {
      if (this.lost(from, to)) return; // never settles (T1)
      const copies = this.prng.chance(this.faults.duplicateRate) ? 2 : 1;
      for (let copy = 0; copy < copies; copy++) {
        const answer = copy === 0 ? { resolve, reject } : { resolve: () => {}, reject: () => {} };
        const delay = this.latency(from, to);
        this.later(delay, () => this.deliver(from, to, request, answer));
      }
    });
  }

  private deliver(
    from: string,
    to: string,
    request: StorageRequest,
    answer: { resolve: (r: StorageReply) => void; reject: (e: unknown) => void },
  ): void {
    const target = this.endpoints.get(to);
    const refused = (): void => {
      const error = new StorageError('unavailable', `${to} refused the connection`);
      this.clock.setTimer(() => answer.reject(error), this.latency(from, to));
    };
    if (target === undefined || !target.handler.running) return refused();
    const incarnation = target.incarnation;
    const settle = (fn: () => void): void => {
      if (this.lost(to, from)) return;
      this.later(this.latency(from, to), () => {
        if (target.incarnation !== incarnation) {
          answer.reject(new StorageError('unavailable', `${to}: connection reset`));
        } else {
          fn();
        }
      });
    };
    let reply: Promise<StorageReply>;
    try {
      reply = target.handler.handle(request);
    } catch (error) {
      reply = Promise.reject(error);
    }
    reply.then(
      (r) => settle(() => answer.resolve(r)),
      (e: unknown) => settle(() => answer.reject(e)),
    );
  }
}

/** A pino logger whose lines are kept in memory (the last `max`), stamped with virtual time. */
export class BufferLog {
  readonly lines: string[] = [];
  readonly log: Logger;

  constructor(
    clock: VirtualClock,
    private readonly max = 20_000,
    level = process.env['SIM_LOG_LEVEL'] ?? 'debug',
  ) {
    const stream = {
      write: (line: string): void => {
        this.lines.push(line);
        if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
      },
    };
    this.log = pino(
      {
        level,
        base: null,
        timestamp: () => `,"t":${clock.now().toFixed(3)}`,
      },
      stream,
    );
  }

  note(message: string): void {
    this.log.info({ sim: true }, message);
  }
}
