import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import {
  createRingMemory,
  Doorbell,
  MESSAGE_HEADER_BYTES,
  RingConsumer,
  RingProducer,
  RingSender,
} from './ring.js';

function payloadOf(seed: number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = (seed * 31 + i) & 0xff;
  return bytes;
}

interface Seen {
  readonly kind: number;
  readonly stream: number;
  readonly payload: Buffer;
}

function drainAll(consumer: RingConsumer): Seen[] {
  const seen: Seen[] = [];
  consumer.drain((kind, stream, payload) => seen.push({ kind, stream, payload }));
  return seen;
}

describe('ring', () => {
  it('delivers messages whole and in order across the wrap-around (R1, R2)', () => {
    const memory = createRingMemory(1024);
    const producer = new RingProducer(memory);
    const consumer = new RingConsumer(memory);
    let written = 0;
    let read = 0;
    for (let round = 0; round < 200; round++) {
      while (producer.tryWrite(written % 7, written, payloadOf(written, (written * 37) % 200))) {
        written++;
      }
      for (const message of drainAll(consumer)) {
        expect(message.kind).toBe(read % 7);
        expect(message.stream).toBe(read);
        expect(message.payload.equals(payloadOf(read, (read * 37) % 200))).toBe(true);
        read++;
      }
    }
    expect(read).toBe(written);
    expect(written).toBeGreaterThan(1000); // the ring wrapped many times
  });

  it('refuses a message with no room, and asks the consumer to say when there is (R3)', () => {
    const memory = createRingMemory(1024);
    const producer = new RingProducer(memory);
    const consumer = new RingConsumer(memory);
    const big = payloadOf(1, producer.payloadMax);
    let n = 0;
    while (producer.tryWrite(1, n, big)) n++;
    expect(n).toBe(4);
    expect(producer.usedBytes).toBe(4 * (MESSAGE_HEADER_BYTES + big.length));
    expect(producer.writeOrWantRoom(1, 99, big)).toBe(false);
    expect(consumer.takeRoomWanted()).toBe(true); // wanted, though nothing was read yet
    expect(producer.writeOrWantRoom(1, 99, big)).toBe(false);
    expect(drainAll(consumer)).toHaveLength(4);
    expect(consumer.takeRoomWanted()).toBe(true);
    expect(consumer.takeRoomWanted()).toBe(false); // once
    expect(producer.writeOrWantRoom(1, 99, big)).toBe(true);
  });

  it('cuts a large payload into messages and keeps later ones behind a backlog', () => {
    const memory = createRingMemory(1024);
    const bell = Doorbell.create();
    const sender = new RingSender(new RingProducer(memory), bell);
    const consumer = new RingConsumer(memory);
    const large = payloadOf(3, 3000);
    const done: string[] = [];
    sender.send(2, 5, large, () => done.push('large'));
    sender.send(3, 5, Buffer.from('after'), () => done.push('after'));
    expect(sender.backlog).toBeGreaterThan(0);
    expect(done).toEqual([]);
    const seen: Seen[] = [];
    while (sender.backlog > 0 || consumer.hasMessages) {
      seen.push(...drainAll(consumer));
      sender.flush();
    }
    expect(done).toEqual(['large', 'after']);
    const body = Buffer.concat(seen.filter((m) => m.kind === 2).map((m) => m.payload));
    expect(body.equals(large)).toBe(true);
    expect(seen.at(-1)?.payload.toString()).toBe('after');
    expect(seen.every((m) => m.payload.length <= 1024 / 4 - MESSAGE_HEADER_BYTES)).toBe(true);
  });

  it('wakes a sleeping thread for every message another thread writes (R3)', async () => {
    const memory = createRingMemory(64 * 1024);
    const bell = Doorbell.create();
    const consumer = new RingConsumer(memory);
    const count = 20_000;
    // A producer thread that writes in bursts of random length with pauses between them.
    const worker = new Worker(
      `
      const { workerData } = require('node:worker_threads');
      const { memory, bell, count } = workerData;
      const head = new Int32Array(memory.control);
      const bytes = new Uint8Array(memory.bytes);
      const cells = new Int32Array(bell);
      let position = 0;
      const spin = (us) => { const end = process.hrtime.bigint() + BigInt(us * 1000); while (process.hrtime.bigint() < end); };
      for (let i = 0; i < count; i++) {
        while (bytes.length - ((position - Atomics.load(head, 1)) >>> 0) < 13) spin(1);
        const view = Buffer.from(memory.bytes);
        const header = Buffer.alloc(13);
        header.writeUInt32LE(4, 0); header[4] = 1; header.writeUInt32LE(0, 5); header.writeUInt32LE(i, 9);
        for (let k = 0; k < 13; k++) view[(position + k) & (bytes.length - 1)] = header[k];
        position = (position + 13) >>> 0;
        Atomics.store(head, 0, position | 0);
        if (Atomics.load(cells, 0) === 1) { Atomics.add(cells, 1, 1); Atomics.notify(cells, 1); }
        if (i % 97 === 0) spin(50);
      }
      `,
      { eval: true, workerData: { memory, bell: bell.memory, count } },
    );
    const got: number[] = [];
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    const deadline = Date.now() + 30_000;
    while (got.length < count && Date.now() < deadline) {
      consumer.drain((_kind, _stream, payload) => got.push(payload.readUInt32LE(0)));
      if (got.length < count) await bell.sleep(() => consumer.hasMessages);
    }
    await exited;
    expect(got).toHaveLength(count);
    expect(got.every((value, i) => value === i)).toBe(true);
  });
});
