/**
 * A sorted set of strings (keys in latin1 form, whose string order is their byte order) with
 * range iteration, for the lock manager's question "which locked keys lie in this gap?".
 *
 * Kept as a list of sorted chunks of at most CHUNK_MAX strings, so an insert or delete moves at
 * most a chunk's worth of elements (a plain sorted array would move half the set).
 *
 * Invariants: (SK1) every chunk is non-empty and sorted, all of a chunk's strings are below all
 * of the next chunk's; (SK2) no string appears twice; (SK3) `size` is the total count.
 */
import assert from 'node:assert/strict';

const CHUNK_MAX = 512;

function lowerBound(list: readonly string[], key: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class SortedKeys {
  private chunks: string[][] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Index of the chunk that holds `key` or would: the last chunk whose first string ≤ key. */
  private chunkFor(key: string): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (((this.chunks[mid] as string[])[0] as string) <= key) lo = mid + 1;
      else hi = mid;
    }
    return Math.max(0, lo - 1);
  }

  add(key: string): void {
    if (this.chunks.length === 0) {
      this.chunks.push([key]);
      this.count = 1;
      return;
    }
    const c = this.chunkFor(key);
    const chunk = this.chunks[c] as string[];
    const at = lowerBound(chunk, key);
    if (chunk[at] === key) return; // SK2
    chunk.splice(at, 0, key);
    this.count++;
    if (chunk.length > CHUNK_MAX) {
      this.chunks.splice(c + 1, 0, chunk.splice(CHUNK_MAX / 2));
    }
  }

  delete(key: string): void {
    if (this.chunks.length === 0) return;
    const c = this.chunkFor(key);
    const chunk = this.chunks[c] as string[];
    const at = lowerBound(chunk, key);
    if (chunk[at] !== key) return;
    chunk.splice(at, 1);
    this.count--;
    if (chunk.length === 0) this.chunks.splice(c, 1); // SK1
  }

  has(key: string): boolean {
    if (this.chunks.length === 0) return false;
    const chunk = this.chunks[this.chunkFor(key)] as string[];
    return chunk[lowerBound(chunk, key)] === key;
  }

  /**
   * The strings strictly between `after` and `before` (null: unbounded), in order. With
   * `inclusive`, the bounds themselves count too.
   */
  *between(after: string | null, before: string | null, inclusive = false): Generator<string> {
    if (this.chunks.length === 0) return;
    let c = after === null ? 0 : this.chunkFor(after);
    let i = after === null ? 0 : lowerBound(this.chunks[c] as string[], after);
    for (; c < this.chunks.length; c++, i = 0) {
      const chunk = this.chunks[c] as string[];
      for (; i < chunk.length; i++) {
        const key = chunk[i] as string;
        if (after !== null && (key < after || (key === after && !inclusive))) continue;
        if (before !== null && (key > before || (key === before && !inclusive))) return;
        yield key;
      }
    }
  }

  /** For tests: SK1–SK3. */
  check(): void {
    let previous: string | null = null;
    let total = 0;
    for (const chunk of this.chunks) {
      assert(chunk.length > 0 && chunk.length <= CHUNK_MAX + 1, 'SK1: chunk sizes');
      for (const key of chunk) {
        assert(previous === null || previous < key, 'SK1, SK2: strictly increasing');
        previous = key;
        total++;
      }
    }
    assert.equal(total, this.count, 'SK3: size');
  }
}
