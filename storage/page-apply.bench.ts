/**
 * Micro-benchmark of applyRedo on a full leaf page (issue 8): what a segment pays per record when
 * it materialises a page that sysbench's oltp_write_only keeps changing. Not part of `npm test`;
 * run after `tsc -p .` with `node dist/storage/page-apply.bench.js [--time ms]`.
 *
 *   replace-same    cell-replace with a cell of the same length (UPDATE of a fixed-size row)
 *   replace-shorter cell-replace with a cell 8 bytes shorter, then back to full length
 *   update-mix      sysbench's write transaction on one leaf: two same-size replaces, a delete
 *                   and an insert of the same row (the insert may need a compaction)
 *   delete-insert   a delete and an insert at the same slot on a fragmented page: every insert
 *                   compacts (the compaction's own cost)
 *
 * Each task applies pre-decoded records to one page; figures are per record.
 */
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import { type Lsn, type PageId, pageId } from './lsn.js';
import { applyRedo } from './page-apply.js';
import { PAGE_TYPE, canInsert, newPage } from './page.js';
import type { PageChange, RedoRecord } from './redo.js';

const ROW_BYTES = 200;
const PAGE: PageId = pageId(7);

let lsn = 0;
function record(change: PageChange): RedoRecord {
  lsn++;
  return { lsn: lsn as Lsn, prevLsn: (lsn - 1) as Lsn, pageId: PAGE, epoch: 1, cpl: true, change };
}

/** Cells are made once (64 of each length and fill), so the tasks time applyRedo alone. */
const rows = new Map<string, Buffer>();
function row(key: number, length = ROW_BYTES, fill = 0x61): Buffer {
  const id = `${key & 63}/${length}/${fill & 0xff}`;
  let b = rows.get(id);
  if (b === undefined) {
    b = Buffer.alloc(length, fill);
    b.writeUInt32BE(key & 63, 0);
    rows.set(id, b);
  }
  return b;
}

/** A leaf filled with ROW_BYTES-byte cells until the next one does not fit. */
function fullPage(): { page: Buffer; cells: number } {
  const page = newPage();
  applyRedo(page, record({
    kind: 'page-init', pageType: PAGE_TYPE.btreeLeaf, level: 0, link0: pageId(0), link1: pageId(0),
  }));
  let n = 0;
  while (canInsert(page, ROW_BYTES)) {
    applyRedo(page, record({ kind: 'cell-insert', slot: n, cell: row(n) }));
    n++;
  }
  return { page, cells: n };
}

/** A task that applies `changes` in a loop to one page; LSNs keep rising (A2). */
function task(changes: (cells: number, i: number) => PageChange[]): () => void {
  const { page, cells } = fullPage();
  let i = 0;
  return () => {
    for (const change of changes(cells, i++)) applyRedo(page, record(change));
  };
}

const { values } = parseArgs({ options: { time: { type: 'string', default: '1000' } } });
const bench = new Bench({ time: Number(values.time) });
bench
  .add('replace-same', task((n, i) => [
    { kind: 'cell-replace', slot: (i * 7) % n, cell: row(i, ROW_BYTES, i & 7) },
  ]))
  .add('replace-shorter', task((n, i) => [
    { kind: 'cell-replace', slot: (i * 7) % n, cell: row(i, ROW_BYTES - 8) },
    { kind: 'cell-replace', slot: (i * 7) % n, cell: row(i, ROW_BYTES) },
  ]))
  .add('update-mix', task((n, i) => [
    { kind: 'cell-replace', slot: (i * 7) % n, cell: row(i, ROW_BYTES, 1) },
    { kind: 'cell-replace', slot: (i * 11) % n, cell: row(i, ROW_BYTES, 2) },
    { kind: 'cell-delete', slot: (i * 13) % n },
    { kind: 'cell-insert', slot: (i * 13) % n, cell: row(i) },
  ]))
  .add('delete-insert', task((n, i) => [
    { kind: 'cell-delete', slot: (i * 5) % n },
    { kind: 'cell-delete', slot: (i * 3) % (n - 1) },
    { kind: 'cell-insert', slot: (i * 3) % (n - 1), cell: row(i) },
    { kind: 'cell-insert', slot: (i * 5) % n, cell: row(i) },
  ]));

const perTask: Record<string, number> = {
  'replace-same': 1, 'replace-shorter': 2, 'update-mix': 4, 'delete-insert': 4,
};
await bench.run();
for (const t of bench.tasks) {
  const result = t.result;
  const mean = result !== undefined && 'latency' in result ? result.latency.mean : NaN;
  const records = perTask[t.name] ?? 1;
  const ns = (mean * 1e6) / records;
  process.stdout.write(`${t.name.padEnd(16)} ${ns.toFixed(0).padStart(7)} ns/record\n`);
}
