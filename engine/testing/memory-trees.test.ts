/**
 * The MemoryTrees double keeps the Trees contract the SQL layer relies on: ranges and reverse
 * scans, rollback of everything an Mtr did (T2), one Mtr at a time (T3), copies (T4).
 */
import { describe, expect, it } from 'vitest';
import { MemoryTrees } from './memory-trees.js';

const k = (n: number): Buffer => Buffer.from([n]);

async function keys(
  trees: MemoryTrees,
  root: Parameters<MemoryTrees['scan']>[0],
  range: Parameters<MemoryTrees['scan']>[1],
): Promise<number[]> {
  const out: number[] = [];
  for await (const batch of trees.scan(root, range))
    for (const e of batch) out.push(e.key[0] as number);
  return out;
}

describe('MemoryTrees', () => {
  it('scans ranges forwards and backwards', async () => {
    const trees = new MemoryTrees();
    const mtr = await trees.begin();
    const root = await trees.createTree(mtr);
    for (let i = 0; i < 200; i++) await trees.insert(mtr, root, k(i), Buffer.from('v'));
    await trees.commit(mtr);
    expect((await keys(trees, root, {})).length).toBe(200);
    const lower = { key: k(10), inclusive: false };
    const upper = { key: k(15), inclusive: true };
    expect(await keys(trees, root, { lower, upper })).toEqual([11, 12, 13, 14, 15]);
    expect(await keys(trees, root, { lower, upper, reverse: true })).toEqual([15, 14, 13, 12, 11]);
    expect((await keys(trees, root, { reverse: true })).slice(0, 2)).toEqual([199, 198]);
  });

  it('rolls back every change of an Mtr, in reverse', async () => {
    const trees = new MemoryTrees();
    const first = await trees.begin();
    const root = await trees.createTree(first);
    await trees.insert(first, root, k(1), Buffer.from('a'));
    await trees.commit(first);
    const mtr = await trees.begin();
    await trees.update(mtr, root, k(1), Buffer.from('b'));
    await trees.insert(mtr, root, k(2), Buffer.from('c'));
    await trees.delete(mtr, root, k(1));
    const other = await trees.createTree(mtr);
    await expect(trees.begin()).rejects.toThrow(/T3/);
    trees.rollback(mtr);
    expect(trees.entries(root)).toEqual([{ key: k(1), value: Buffer.from('a') }]);
    expect(trees.entries(other)).toBeUndefined();
  });

  it('hands out copies', async () => {
    const trees = new MemoryTrees();
    const mtr = await trees.begin();
    const root = await trees.createTree(mtr);
    await trees.insert(mtr, root, k(1), Buffer.from('a'));
    await trees.commit(mtr);
    const value = await trees.get(root, k(1));
    value?.fill(0);
    expect(await trees.get(root, k(1))).toEqual(Buffer.from('a'));
  });
});
