import { describe, expect, it } from 'vitest';
import { type Lsn, type PageId, pageId } from './lsn.js';
import { applyRedo } from './page-apply.js';
import {
  PAGE_TYPE,
  canInsert,
  cell,
  cellCount,
  checkPage,
  freeBytes,
  link,
  newPage,
  pageLsn,
} from './page.js';
import { type PageChange, type RedoRecord, decodeRedo, encodeRedo, redoIsIntact } from './redo.js';

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function record(lsn: number, change: PageChange, id: PageId = pageId(7)): RedoRecord {
  return {
    lsn: lsn as Lsn,
    prevLsn: (lsn - 1) as Lsn,
    pageId: id,
    epoch: 3,
    cpl: lsn % 2 === 0,
    change,
  };
}

const init: PageChange = {
  kind: 'page-init', pageType: PAGE_TYPE.btreeLeaf, level: 0, link0: pageId(0), link1: pageId(0),
};

describe('redo records', () => {
  it('round-trip every kind through encode and decode', () => {
    const changes: PageChange[] = [
      init,
      { kind: 'page-load', pageType: PAGE_TYPE.btreeInternal, level: 2, link0: pageId(9),
        link1: pageId(1), cells: [Buffer.from('ab'), Buffer.alloc(0), Buffer.from('xyz')] },
      { kind: 'cell-insert', slot: 3, cell: Buffer.from('hello') },
      { kind: 'cell-replace', slot: 0, cell: Buffer.from('') },
      { kind: 'cell-delete', slot: 65535 },
      { kind: 'cells-truncate', slot: 12 },
      { kind: 'link-set', which: 1, target: pageId(0xffff_fffe) },
      { kind: 'page-write', offset: 40, bytes: Buffer.from([1, 2, 3]) },
    ];
    changes.forEach((change, i) => {
      const r = record(2 ** 40 + i, change);
      const bytes = encodeRedo(r);
      expect(redoIsIntact(bytes)).toBe(true);
      const back = decodeRedo(bytes);
      expect(back).toEqual({ ...r, change: JSON.parse(JSON.stringify(change), reviveBuffers) });
    });
  });

  it('refuse a record with one flipped bit', () => {
    const bytes = encodeRedo(record(5, { kind: 'cell-insert', slot: 0, cell: Buffer.from('abc') }));
    for (let bit = 0; bit < bytes.length * 8; bit += 7) {
      const copy = Buffer.from(bytes);
      copy[bit >> 3] = (copy[bit >> 3] as number) ^ (1 << (bit & 7));
      expect(redoIsIntact(copy)).toBe(false);
    }
  });
});

function reviveBuffers(_key: string, value: unknown): unknown {
  if (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'Buffer'
  ) {
    return Buffer.from((value as { data: number[] }).data);
  }
  return value;
}

describe('applyRedo', () => {
  it('keeps a slotted page equal to an array oracle through random inserts and deletes', () => {
    const random = prng(11);
    const page = newPage();
    let lsn = 1;
    applyRedo(page, record(lsn++, init));
    const oracle: Buffer[] = [];
    for (let step = 0; step < 20_000; step++) {
      const n = oracle.length;
      const size = Math.floor(random() * 400);
      const op = random();
      if (op < 0.55 && canInsert(page, size)) {
        const slot = Math.floor(random() * (n + 1));
        const c = Buffer.alloc(size, step & 0xff);
        applyRedo(page, record(lsn++, { kind: 'cell-insert', slot, cell: c }));
        oracle.splice(slot, 0, c);
      } else if (op < 0.75 && n > 0) {
        const slot = Math.floor(random() * n);
        const c = Buffer.alloc(Math.min(size, freeBytes(page)), 0xee);
        applyRedo(page, record(lsn++, { kind: 'cell-replace', slot, cell: c }));
        oracle[slot] = c;
      } else if (op < 0.98 && n > 0) {
        const slot = Math.floor(random() * n);
        applyRedo(page, record(lsn++, { kind: 'cell-delete', slot }));
        oracle.splice(slot, 1);
      } else if (n > 0) {
        const slot = Math.floor(random() * n);
        applyRedo(page, record(lsn++, { kind: 'cells-truncate', slot }));
        oracle.length = slot;
      }
      checkPage(page, pageId(7));
      expect(cellCount(page)).toBe(oracle.length);
      if (step % 97 === 0) oracle.forEach((c, i) => expect(cell(page, i).equals(c)).toBe(true));
    }
    expect(pageLsn(page)).toBe(lsn - 1);
  });

  it('is deterministic: two pages fed the same records end byte-identical', () => {
    const random = prng(5);
    const a = newPage();
    const b = newPage();
    const records: RedoRecord[] = [record(1, init)];
    const probe = newPage();
    applyRedo(probe, record(1, init));
    let count = 0;
    for (let lsn = 2; lsn < 3000; lsn++) {
      const change: PageChange = count > 0 && random() < 0.4
        ? { kind: 'cell-delete', slot: Math.floor(random() * count) }
        : {
          kind: 'cell-insert',
          slot: Math.floor(random() * (count + 1)),
          cell: Buffer.alloc(Math.floor(random() * 60), lsn),
        };
      if (change.kind === 'cell-insert' && !canInsert(probe, change.cell.length)) continue;
      count += change.kind === 'cell-insert' ? 1 : -1;
      records.push(record(records.length + 1, change));
      applyRedo(probe, records.at(-1) as RedoRecord);
    }
    for (const r of records) applyRedo(a, r);
    for (const r of records) applyRedo(b, decodeRedo(encodeRedo(r)));
    expect(a.equals(b)).toBe(true);
  });

  it('sets links and refuses records out of LSN order', () => {
    const page = newPage();
    applyRedo(page, record(1, init));
    applyRedo(page, record(2, { kind: 'link-set', which: 0, target: pageId(44) }));
    expect(link(page, 0)).toBe(44);
    expect(() => applyRedo(page, record(2, { kind: 'cell-delete', slot: 0 }))).toThrow(/A2/);
  });
});
