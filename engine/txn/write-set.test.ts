/**
 * The write set's commit order: toApply() gives each tree's entries in key order (W1), whatever
 * the order they were written in, without the visible-only ones, and a rollback to a mark leaves
 * the order of what remains (W2).
 */
import { describe, expect, it } from 'vitest';
import type { PageId } from '../../storage/index.js';
import { WriteSet } from './write-set.js';

const T1 = 7 as PageId;
const T2 = 9 as PageId;

function key(n: number): Buffer {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(n);
  return out;
}

function applied(writes: WriteSet): { root: PageId; keys: number[] }[] {
  return writes.toApply().map(({ root, entries }) => ({
    root,
    keys: entries.map((e) => e.key.readUInt16BE(0)),
  }));
}

describe('WriteSet.toApply', () => {
  it('orders a few keys and many keys per tree, and leaves visible-only entries out', () => {
    const writes = new WriteSet();
    for (const n of [5, 3, 9, 1]) writes.put(T1, key(n), Buffer.from('v'), { fresh: true });
    writes.put(T1, key(4), null, { fresh: false, visibleOnly: true });
    const many = Array.from({ length: 40 }, (_, i) => (i * 17) % 41);
    for (const n of many) writes.put(T2, key(n), null, { fresh: false });
    expect(applied(writes)).toEqual([
      { root: T1, keys: [1, 3, 5, 9] },
      { root: T2, keys: [...many].sort((a, b) => a - b) },
    ]);
  });

  it('keeps key order for what a rollback to a mark leaves, and for keys added later', () => {
    const writes = new WriteSet();
    writes.put(T1, key(300), Buffer.from('a'), { fresh: true });
    writes.put(T1, key(2), Buffer.from('b'), { fresh: true });
    expect(applied(writes)).toEqual([{ root: T1, keys: [2, 300] }]);
    const mark = writes.mark();
    writes.put(T1, key(1), Buffer.from('c'), { fresh: true });
    writes.rollbackTo(mark);
    writes.put(T1, key(256), Buffer.from('d'), { fresh: true });
    expect(applied(writes)).toEqual([{ root: T1, keys: [2, 256, 300] }]);
  });
});
