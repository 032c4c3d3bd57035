/**
 * The writer's feed to a reader thread through a ring in shared memory (io/ring.ts): the writer
 * copies each shipped batch, VDL and schema change into the ring as it happens — no buffer
 * allocated, nothing posted and no thread woken per commit — and the reader drains it before
 * each statement and every DRAIN_INTERVAL_MS (reader-thread.ts). Only when the ring is full does
 * the writer queue what does not fit and post the reader a 'feed' message, every
 * FEED_INTERVAL_MS until the queue is in the ring.
 *
 *   message kind   payload
 *   RECORDS_PART   [u32 length, record bytes]…  a batch too large for one message: more follows
 *   RECORDS        [u32 length, record bytes]…  a batch's (last) part: the batch is whole
 *   DURABLE        u32 high, u32 low, f64       the writer's VDL, and the wall-clock ms it was
 *                                               written at (the reader's lag: read-engine RE4)
 *   SCHEMA         u32 high, u32 low            a commit at this LSN changed the catalog
 *
 * Invariants:
 *   (FR1) events reach the reader in the order the tap gave them (messages.ts RM1): one ring,
 *         and what finds it full waits in the writer's queue, which goes first when room is
 *         freed, so nothing overtakes it.
 *   (FR2) the reader hands a batch on whole (its parts joined), as the replica's R2 needs.
 *   (FR3) `flush` returns true only when nothing waits outside the ring: a message posted after
 *         it ('start', 'close') is handled after every event before it (the reader drains the
 *         ring before it handles any message).
 */
import { type Lsn, type ReadEngineFeed, wallClockMs } from '../../engine/index.js';
import { type RingMemory, RingConsumer, RingProducer } from '../io/ring.js';

const RECORDS_PART = 1;
const RECORDS = 2;
const DURABLE = 3;
const SCHEMA = 4;

/** The ring's size: a few seconds of a busy writer's redo while the reader is slow. */
export const FEED_RING_BYTES = 16 * 1024 * 1024;
/** How often a writer whose events wait for room asks the reader to drain. */
const FEED_INTERVAL_MS = 1;

interface Waiting {
  readonly kind: number;
  readonly payload: Buffer;
}

/** The writer's end. `notify` posts the reader a message that makes it drain the ring now. */
export class FeedWriter implements ReadEngineFeed {
  private readonly producer: RingProducer;
  private readonly waiting: Waiting[] = [];
  private scratch = Buffer.allocUnsafe(64 * 1024);
  private readonly lsnBytes = Buffer.alloc(8);
  /** A DURABLE payload: the LSN's 8 bytes and the time. */
  private readonly stamped = Buffer.alloc(16);
  private timer: NodeJS.Timeout | undefined = undefined;

  constructor(
    memory: RingMemory,
    private readonly notify: () => void,
  ) {
    this.producer = new RingProducer(memory);
  }

  shipped(records: readonly Buffer[]): void {
    const max = this.producer.payloadMax;
    let used = 0;
    for (const record of records) {
      const size = 4 + record.length;
      if (used > 0 && used + size > max) {
        this.write(RECORDS_PART, this.scratch.subarray(0, used));
        used = 0;
      }
      if (this.scratch.length < used + size) this.grow(used + size);
      this.scratch.writeUInt32LE(record.length, used);
      record.copy(this.scratch, used + 4);
      used += size;
    }
    this.write(RECORDS, this.scratch.subarray(0, used));
  }

  durable(vdl: Lsn): void {
    this.lsn(vdl, this.stamped);
    this.stamped.writeDoubleLE(wallClockMs(), 8);
    this.write(DURABLE, this.stamped);
  }

  schemaChanged(lsn: Lsn): void {
    this.write(SCHEMA, this.lsn(lsn));
  }

  /**
   * Moves what waits into the ring; true when nothing waits (FR3). While something does, the
   * reader is told to drain and this runs again in FEED_INTERVAL_MS.
   */
  flush(): boolean {
    this.timer = undefined;
    while (this.waiting.length > 0) {
      const next = this.waiting[0] as Waiting;
      if (!this.producer.tryWrite(next.kind, 0, next.payload)) break;
      this.waiting.shift();
    }
    if (this.waiting.length > 0) {
      this.notify();
      this.timer = setTimeout(() => this.flush(), FEED_INTERVAL_MS);
    }
    return this.waiting.length === 0;
  }

  /** FR1: into the ring, or behind what waits for room. */
  private write(kind: number, payload: Buffer): void {
    if (this.waiting.length > 0 || !this.producer.tryWrite(kind, 0, payload)) {
      this.waiting.push({ kind, payload: Buffer.from(payload) });
      if (this.timer === undefined) this.flush();
    }
  }

  private grow(bytes: number): void {
    const grown = Buffer.allocUnsafe(Math.max(bytes, this.scratch.length * 2));
    this.scratch.copy(grown);
    this.scratch = grown;
  }

  private lsn(value: Lsn, into = this.lsnBytes): Buffer {
    into.writeUInt32LE(Math.floor(value / 0x1_0000_0000), 0);
    into.writeUInt32LE(value >>> 0, 4);
    return into;
  }
}

/** The reader's end: `drain` hands every event in the ring to `feed`, in order (FR1, FR2). */
export class FeedReader {
  private readonly consumer: RingConsumer;
  private parts: Buffer[] = [];

  constructor(
    memory: RingMemory,
    private readonly feed: ReadEngineFeed,
  ) {
    this.consumer = new RingConsumer(memory);
  }

  drain(): void {
    this.consumer.drain((kind, _stream, payload) => {
      if (kind === RECORDS_PART) {
        this.parts.push(...records(payload));
      } else if (kind === RECORDS) {
        const last = records(payload);
        const batch = this.parts.length === 0 ? last : [...this.parts, ...last];
        this.parts = [];
        this.feed.shipped(batch);
      } else {
        const lsn = (payload.readUInt32LE(0) * 0x1_0000_0000 + payload.readUInt32LE(4)) as Lsn;
        if (kind === DURABLE) this.feed.durable(lsn, payload.readDoubleLE(8));
        else this.feed.schemaChanged(lsn);
      }
    });
  }
}

function records(payload: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at < payload.length) {
    const length = payload.readUInt32LE(at);
    out.push(payload.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return out;
}
