/**
 * The feed ring (feed-ring.ts FR1–FR3) with a ring small enough to fill: every event reaches the
 * reader in the tap's order, batches whole however they were cut, and `flush` says true only
 * once nothing waits outside the ring.
 */
import { describe, expect, it } from 'vitest';
import type { Lsn, ReadEngineFeed } from '../../engine/index.js';
import { createRingMemory } from '../io/ring.js';
import { Prng } from '../testing/prng.js';
import { FeedReader, FeedWriter } from './feed-ring.js';

type Event = readonly ['records', string[]] | readonly ['durable' | 'schema', number];

class Recorder implements ReadEngineFeed {
  readonly events: Event[] = [];
  shipped(records: readonly Buffer[]): void {
    this.events.push(['records', records.map((r) => r.toString('latin1'))]);
  }
  durable(vdl: Lsn): void {
    this.events.push(['durable', vdl]);
  }
  schemaChanged(lsn: Lsn): void {
    this.events.push(['schema', lsn]);
  }
}

describe('the feed ring', () => {
  it('delivers every event in order, batches whole, through a ring that fills (FR1–FR3)', () => {
    const prng = new Prng(20261123);
    const memory = createRingMemory(1024); // a message carries at most 247 bytes
    let notified = 0;
    const writer = new FeedWriter(memory, () => notified++);
    const recorder = new Recorder();
    const reader = new FeedReader(memory, recorder);
    const sent: Event[] = [];
    let lsn = 2 ** 33; // above 2^32: both halves of an LSN matter
    for (let i = 0; i < 400; i++) {
      const pick = prng.int(10);
      if (pick < 6) {
        const records = Array.from({ length: 1 + prng.int(6) }, () =>
          String.fromCharCode(...Array.from({ length: 1 + prng.int(180) }, () => prng.int(256))),
        );
        writer.shipped(records.map((r) => Buffer.from(r, 'latin1')));
        sent.push(['records', records]);
      } else if (pick < 9) {
        lsn += 1 + prng.int(1000);
        writer.durable(lsn as Lsn);
        sent.push(['durable', lsn]);
      } else {
        writer.schemaChanged(lsn as Lsn);
        sent.push(['schema', lsn]);
      }
      if (prng.int(8) === 0) {
        reader.drain();
        writer.flush();
      }
    }
    for (let i = 0; i < 1000 && !writer.flush(); i++) reader.drain();
    expect(writer.flush()).toBe(true); // FR3: nothing waits outside the ring
    reader.drain();
    expect(notified).toBeGreaterThan(0); // the ring did fill
    expect(recorder.events).toEqual(sent);
  });
});
