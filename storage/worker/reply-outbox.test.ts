import { describe, expect, it } from 'vitest';
import type { BatchEntry } from './batch.js';
import { ReplyOutbox } from './reply-outbox.js';

const done = (id: number): BatchEntry => ({ kind: 'control-done', id, error: null });

/** Posts from continuations of one settled round, and notes when each send and a turn happen. */
async function round(prompt: boolean): Promise<string[]> {
  const events: string[] = [];
  const outbox = new ReplyOutbox(
    (entries) => events.push(`send ${entries.map((e) => e.id).join(',')}`),
    (fn) => setImmediate(fn),
  );
  outbox.prompt = prompt;
  // The next batch's work, queued before the round's replies exist (a poll-phase callback).
  setImmediate(() => events.push('next turn'));
  // Six writes settle at once; each node's reply comes a few continuations later.
  await Promise.all(
    [1, 2, 3, 4, 5, 6].map(async (id) => {
      for (let hop = 0; hop < id % 3; hop++) await Promise.resolve();
      outbox.post(done(id));
    }),
  );
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  return events;
}

describe('ReplyOutbox', () => {
  it('prompt: a round’s replies go in one message before the next turn (RO1, RO2)', async () => {
    expect(await round(true)).toEqual(['send 3,6,1,4,2,5', 'next turn']);
  });

  it('deferred: the replies wait for the turn, and still go together', async () => {
    expect(await round(false)).toEqual(['next turn', 'send 3,6,1,4,2,5']);
  });

  it('sends what is posted after a send in a message of its own', async () => {
    const sent: number[][] = [];
    const outbox = new ReplyOutbox((entries) => sent.push(entries.map((e) => e.id)), setImmediate);
    outbox.prompt = true;
    outbox.post(done(1));
    await new Promise((resolve) => setImmediate(resolve));
    outbox.post(done(2));
    outbox.post(done(3));
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual([[1], [2, 3]]);
  });
});
