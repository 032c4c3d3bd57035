/**
 * Overflow chains: a long value stored outside its B-tree entry, in a chain of overflow pages
 * (PAGE_TYPE.overflow), each a `page-load` redo record of one cell — up to OVERFLOW_PIECE_BYTES of
 * the value — whose link0 names the next page (0 ends the chain). The entry keeps a reference
 * (first page, length); sql's row format decides which values go out (row.ts).
 *
 * A chain is written once, in the mini-transaction that commits its row, and never changed: a
 * new version of the value is a new chain, and the old one is freed by the mini-transaction
 * that replaces or deletes its row. Its pages may then be reused, so a reader follows a chain at
 * the read point it read the row at (BufferPool.pageAt), where the chain is intact.
 *
 * Invariants: (O1) a chain of n bytes has ceil(n / OVERFLOW_PIECE_BYTES) pages (one for an empty
 * value), each full but the last; (O2) every page of a chain is an overflow page as of any read
 * point at which the row that references it is visible.
 */
import assert from 'node:assert/strict';
import {
  type Lsn,
  type PageId,
  PAGE_TYPE,
  page as pg,
  pageId,
} from '../../storage/index.js';
import type { BufferPool } from './buffer-pool.js';
import type { LogWriter, MtrImpl } from './log-writer.js';
import type { Volume } from './volume.js';

/** Bytes of a value per overflow page: one cell filling the page. */
export const OVERFLOW_PIECE_BYTES = pg.CELL_SIZE_MAX;

export class Overflow {
  constructor(
    private readonly pool: BufferPool,
    private readonly writer: LogWriter,
    private readonly volume: Volume,
  ) {}

  /** Writes `bytes` as a new chain (O1); returns its first page. */
  async write(mtr: MtrImpl, bytes: Buffer): Promise<PageId> {
    const pieces = Math.max(1, Math.ceil(bytes.length / OVERFLOW_PIECE_BYTES));
    const ids: PageId[] = [];
    for (let i = 0; i < pieces; i++) ids.push(await this.volume.allocate(mtr));
    for (let i = 0; i < pieces; i++) {
      const piece = bytes.subarray(i * OVERFLOW_PIECE_BYTES, (i + 1) * OVERFLOW_PIECE_BYTES);
      this.writer.create(mtr, ids[i] as PageId, {
        kind: 'page-load',
        pageType: PAGE_TYPE.overflow,
        level: 0,
        link0: ids[i + 1] ?? pageId(0),
        link1: pageId(0),
        cells: [Buffer.from(piece)],
      });
    }
    return ids[0] as PageId;
  }

  /** The chain's `length` bytes, as of `at` (or now). */
  read(first: PageId, length: number, at?: Lsn): Promise<Buffer> {
    return readChain(this.pool, first, length, at);
  }

  /** Frees the chain's pages (the row that referenced it is gone or replaced). */
  async free(mtr: MtrImpl, first: PageId): Promise<void> {
    const ids: PageId[] = [];
    for (let id = first; id !== 0; ) {
      ids.push(id);
      const page = await this.pool.get(id);
      assert.equal(pg.pageType(page), PAGE_TYPE.overflow, 'O2: a chain of overflow pages');
      id = pg.link(page, 0);
    }
    await this.volume.freeMany(mtr, ids);
  }
}

/** A chain's `length` bytes read through `pool`, as of `at` (or now): a writer's or a replica's. */
export async function readChain(
  pool: BufferPool,
  first: PageId,
  length: number,
  at?: Lsn,
): Promise<Buffer> {
  const out = Buffer.allocUnsafe(length);
  let written = 0;
  let id = first;
  for (;;) {
    const page = at === undefined ? await pool.get(id) : await pool.pageAt(id, at);
    assert.equal(pg.pageType(page), PAGE_TYPE.overflow, 'O2: a chain of overflow pages');
    const piece = pg.cell(page, 0);
    assert(written + piece.length <= length, 'O1: the chain holds the value');
    piece.copy(out, written);
    written += piece.length;
    const next = pg.link(page, 0);
    if (next === 0) break;
    id = next;
  }
  assert.equal(written, length, 'O1: the chain holds the whole value');
  return out;
}
