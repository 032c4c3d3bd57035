/**
 * The engine latch: readers share, a writer excludes (L1), waiters are served in order so a
 * writer is not starved by later readers.
 */
import { describe, expect, it } from 'vitest';
import { Latch } from './latch.js';

describe('Latch', () => {
  it('shares between readers and excludes a writer, first come first served', async () => {
    const latch = new Latch();
    const events: string[] = [];
    const r1 = await latch.shared();
    const r2 = await latch.shared();
    const writer = latch.exclusive().then((release) => {
      events.push('writer');
      return release;
    });
    const late = latch.shared().then((release) => {
      events.push('late reader');
      return release;
    });
    await Promise.resolve();
    expect(events).toEqual([]);
    expect(latch.state()).toEqual({ readers: 2, writer: false, waiting: 2 });
    r1();
    r2();
    const releaseWriter = await writer;
    expect(events).toEqual(['writer']);
    releaseWriter();
    (await late)();
    expect(events).toEqual(['writer', 'late reader']);
    expect(latch.state()).toEqual({ readers: 0, writer: false, waiting: 0 });
  });

  it('grants tryExclusive only when exclusive() would be granted at once', async () => {
    const latch = new Latch();
    const release = latch.tryExclusive();
    expect(release).toBeDefined();
    expect(latch.tryExclusive()).toBeUndefined(); // held
    const reader = latch.shared();
    release?.();
    (await reader)();
    const r = await latch.shared();
    expect(latch.tryExclusive()).toBeUndefined(); // a reader holds it (L1)
    const writer = latch.exclusive();
    r();
    const w = await writer;
    const queued = latch.shared();
    w();
    const r2 = await queued;
    expect(latch.state()).toEqual({ readers: 1, writer: false, waiting: 0 });
    r2();
    const again = latch.tryExclusive();
    expect(latch.state()).toEqual({ readers: 0, writer: true, waiting: 0 });
    again?.();
    expect(() => again?.()).toThrow(/L2/);
  });

  it('refuses a double release (L2)', async () => {
    const release = await new Latch().exclusive();
    release();
    expect(() => release()).toThrow(/L2/);
  });
});
