import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type Lsn, type PageId, pageId } from './lsn.js';
import { applyRedo, cellReplacement } from './page-apply.js';
import {
  CELL_LENGTH_SIZE,
  HEADER_SIZE,
  PAGE_SIZE,
  PAGE_TYPE,
  canInsert,
  cell,
  cellCount,
  cellLength,
  cellOffset,
  checkPage,
  contentStart,
  fragmentedBytes,
  freeBytes,
  link,
  newPage,
  pageLsn,
} from './page.js';
import {
  type CellEdit,
  type PageChange,
  type RedoRecord,
  RedoCorruption,
  decodeRedo,
  encodeRedo,
  redoIsIntact,
} from './redo.js';
import { prng } from './testing/prng.js';

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
      { kind: 'cell-edits', edits: [
        { kind: 'cell-delete', slot: 4 },
        { kind: 'cell-insert', slot: 65535, cell: Buffer.from('new') },
        { kind: 'cell-replace', slot: 1, cell: Buffer.alloc(0) },
        { kind: 'cell-patch', slot: 2, offset: 300, bytes: Buffer.from('pq') },
        { kind: 'cell-patch', slot: 0, offset: 0, bytes: Buffer.alloc(0) },
      ] },
      { kind: 'cell-patch', slot: 9, offset: 16_000, bytes: Buffer.alloc(0) },
      { kind: 'cell-patch', slot: 1, offset: 17, bytes: Buffer.from([0, 1, 255]) },
    ];
    changes.forEach((change, i) => {
      const r = record(2 ** 40 + i, change);
      const bytes = encodeRedo(r);
      expect(redoIsIntact(bytes)).toBe(true);
      const back = decodeRedo(bytes);
      expect(back).toEqual({ ...r, change: JSON.parse(JSON.stringify(change), reviveBuffers) });
    });
  });

  it('refuse a cell-edits body that overruns, falls short, or names another kind', () => {
    const edits: PageChange = { kind: 'cell-edits', edits: [
      { kind: 'cell-insert', slot: 0, cell: Buffer.from('abc') },
      { kind: 'cell-delete', slot: 0 },
    ] };
    const good = encodeRedo(record(9, edits));
    const reseal = (bytes: Buffer): Buffer => {
      bytes.writeUInt32BE(bytes.length, 4);
      bytes.writeUInt32BE(crc32(bytes.subarray(4)), 0);
      return bytes;
    };
    const countAt = 34; // the body: u16 count, then the edits
    const more = Buffer.from(good);
    more.writeUInt16BE(3, countAt); // one edit more than the body holds
    expect(() => decodeRedo(reseal(more))).toThrow(RedoCorruption);
    const fewer = Buffer.from(good);
    fewer.writeUInt16BE(1, countAt); // bytes left over after the edits
    expect(() => decodeRedo(reseal(fewer))).toThrow(RedoCorruption);
    const other = Buffer.from(good);
    other[countAt + 2] = 7; // link-set is no cell edit
    expect(() => decodeRedo(reseal(other))).toThrow(RedoCorruption);
    expect(decodeRedo(good).change).toEqual(edits);
    const patched: PageChange = { kind: 'cell-edits', edits: [
      { kind: 'cell-patch', slot: 0, offset: 2, bytes: Buffer.from('xy') },
    ] };
    const long = encodeRedo(record(9, patched));
    long.writeUInt16BE(3, countAt + 2 + 5); // its length: one byte more than the record holds
    expect(() => decodeRedo(reseal(long))).toThrow(RedoCorruption);
    const cut = reseal(encodeRedo(record(9, patched)).subarray(0, countAt + 2 + 5));
    expect(() => decodeRedo(cut)).toThrow(RedoCorruption); // no room for its length
    const bare = encodeRedo(record(9, { kind: 'cell-patch', slot: 0, offset: 0, bytes: EMPTY }));
    expect(() => decodeRedo(reseal(bare.subarray(0, countAt + 3)))).toThrow(RedoCorruption);
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

const EMPTY = Buffer.alloc(0);

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

/** Σ footprint of the model's cells: what freeBytes must say whatever the layout (A3). */
function modelFree(cells: readonly Buffer[]): number {
  let used = 0;
  for (const c of cells) used += 2 + CELL_LENGTH_SIZE + c.length;
  return PAGE_SIZE - HEADER_SIZE - used;
}

function expectPageHolds(page: Buffer, cells: readonly Buffer[]): void {
  checkPage(page, pageId(7));
  expect(cellCount(page)).toBe(cells.length);
  expect(freeBytes(page)).toBe(modelFree(cells));
  const wrong = cells.findIndex((c, i) => !cell(page, i).equals(c));
  expect(wrong).toBe(-1);
}

describe("applyRedo: a 'cell-edits' record (issue 8)", () => {
  it('leaves the page as its edits as separate records do, but for the page LSN', () => {
    const random = prng(11);
    const int = (n: number): number => Math.floor(random() * n);
    for (let round = 0; round < 50; round++) {
      const one = newPage();
      const apart = newPage();
      applyRedo(one, record(1, init));
      applyRedo(apart, record(1, init));
      let lsn = 1;
      let joined = 1;
      let n = 0;
      while (n < 40 || int(4) > 0) {
        const edits: CellEdit[] = [];
        for (let i = 1 + int(6); i > 0; i--) {
          const cell = Buffer.alloc(1 + int(300), int(256));
          const pick = int(3);
          let edit: CellEdit;
          if (n === 0 || (pick === 0 && canInsert(apart, cell.length))) {
            if (!canInsert(apart, cell.length)) break;
            edit = { kind: 'cell-insert', slot: int(n + 1), cell };
            n++;
          } else if (pick === 1) {
            edit = { kind: 'cell-delete', slot: int(n) };
            n--;
          } else {
            const slot = int(n);
            const room = freeBytes(apart) + CELL_LENGTH_SIZE + cellLength(apart, slot);
            if (room < CELL_LENGTH_SIZE + cell.length) break;
            edit = { kind: 'cell-replace', slot, cell };
          }
          applyRedo(apart, record(++lsn, edit));
          edits.push(edit);
        }
        if (edits.length === 0) break;
        joined = lsn;
        const bytes = encodeRedo(record(joined, { kind: 'cell-edits', edits }));
        applyRedo(one, decodeRedo(bytes)); // as storage gets it: encoded and decoded
        // All but the page LSN (bytes 0-7): the last edit's in `apart`, the joined record's here.
        expect(one.subarray(8).equals(apart.subarray(8))).toBe(true);
        applyRedo(one, record(++lsn, { kind: 'link-set', which: 0, target: pageId(lsn) }));
        applyRedo(apart, record(lsn, { kind: 'link-set', which: 0, target: pageId(lsn) }));
      }
      checkPage(one, pageId(7));
      expect(pageLsn(one)).toBe(lsn);
    }
  });
});

describe("cellReplacement: a same-length replace ships as a 'cell-patch' (issue 8)", () => {
  it('leaves the page as the replace does, and ships fewer bytes when few differ', () => {
    const random = prng(5);
    const int = (n: number): number => Math.floor(random() * n);
    let patches = 0;
    for (let round = 0; round < 300; round++) {
      const sizes = Array.from({ length: 1 + int(30) }, () => int(200));
      const base = newPage();
      applyRedo(base, record(1, init));
      sizes.forEach((size, slot) => {
        const cell = Buffer.from(Array.from({ length: size }, () => int(4)));
        applyRedo(base, record(2 + slot, { kind: 'cell-insert', slot, cell }));
      });
      const slot = int(sizes.length);
      const old = cell(base, slot);
      // The same length with 0-3 bytes changed, or another length.
      let next = Buffer.from(old);
      if (int(5) === 0) next = Buffer.alloc(Math.max(0, old.length + int(9) - 4), 1);
      else for (let i = int(4); i > 0 && next.length > 0; i--) next[int(next.length)] = int(4);
      const lsn = 2 + sizes.length;
      const replaced = Buffer.from(base);
      if (freeBytes(replaced) + old.length < next.length) continue;
      applyRedo(replaced, record(lsn, { kind: 'cell-replace', slot, cell: next }));
      const shipped = cellReplacement(base, { kind: 'cell-replace', slot, cell: next });
      const patched = Buffer.from(base);
      applyRedo(patched, decodeRedo(encodeRedo(record(lsn, shipped))));
      expect(patched.equals(replaced)).toBe(true);
      const replace: PageChange = { kind: 'cell-replace', slot, cell: next };
      const replaceSize = encodeRedo(record(lsn, replace)).length;
      if (shipped.kind === 'cell-patch') {
        patches++;
        expect(next.length).toBe(old.length);
        expect(encodeRedo(record(lsn, shipped)).length).toBeLessThan(replaceSize);
      } else {
        expect(shipped).toEqual(replace);
      }
    }
    expect(patches).toBeGreaterThan(100);
  });

  it('patches only the bytes from the first that differs to the last', () => {
    const page = newPage();
    applyRedo(page, record(1, init));
    const row = Buffer.from('id:0001|k:0007|c:abcdefgh|pad:zzzz');
    applyRedo(page, record(2, { kind: 'cell-insert', slot: 0, cell: row }));
    const replaceBy = (cell: Buffer) => ({ kind: 'cell-replace' as const, slot: 0, cell });
    const next = Buffer.from(row);
    next.write('8', row.indexOf('k:') + 5);
    expect(cellReplacement(page, replaceBy(next))).toEqual({
      kind: 'cell-patch', slot: 0, offset: row.indexOf('k:') + 5, bytes: Buffer.from('8'),
    });
    expect(cellReplacement(page, replaceBy(row))).toEqual({
      kind: 'cell-patch', slot: 0, offset: row.length, bytes: EMPTY,
    });
    const all = Buffer.alloc(row.length, '#');
    expect(cellReplacement(page, replaceBy(all))).toEqual({
      kind: 'cell-replace', slot: 0, cell: all,
    });
  });

  it('refuses a patch that runs past its cell (A3)', () => {
    const page = newPage();
    applyRedo(page, record(1, init));
    applyRedo(page, record(2, { kind: 'cell-insert', slot: 0, cell: Buffer.from('abcd') }));
    const past: PageChange = { kind: 'cell-patch', slot: 0, offset: 3, bytes: Buffer.from('xy') };
    expect(() => applyRedo(page, record(3, past))).toThrow(/A3/);
    applyRedo(page, record(3, { ...past, offset: 2 }));
    expect(cell(page, 0).toString()).toBe('abxy');
  });
});

describe('applyRedo: in-place replace and compaction (issue 8)', () => {
  /** A leaf filled with `size`-byte cells (byte i+1 each) until the next does not fit. */
  function fullPage(size: number): { page: Buffer; cells: Buffer[]; lsn: number } {
    const page = newPage();
    let lsn = 1;
    applyRedo(page, record(lsn++, init));
    const cells: Buffer[] = [];
    while (canInsert(page, size)) {
      const c = Buffer.alloc(size, cells.length + 1);
      applyRedo(page, record(lsn++, { kind: 'cell-insert', slot: cells.length, cell: c }));
      cells.push(c);
    }
    return { page, cells, lsn };
  }

  it('overwrites a same-size cell where it lies: no fragment, no compaction', () => {
    const { page, cells, lsn } = fullPage(100);
    const before = Buffer.from(page);
    const slot = 5;
    const at = cellOffset(page, slot);
    const c = Buffer.alloc(100, 0xab);
    applyRedo(page, record(lsn, { kind: 'cell-replace', slot, cell: c }));
    cells[slot] = c;
    expectPageHolds(page, cells);
    expect(cellOffset(page, slot)).toBe(at);
    expect(fragmentedBytes(page)).toBe(0);
    expect(contentStart(page)).toBe(contentStart(before));
    // Only the cell's bytes and the page LSN changed.
    for (let i = 8; i < PAGE_SIZE; i++) {
      if (i >= at && i < at + 100) continue;
      if (page[i] !== before[i]) throw new Error(`byte ${i} changed`);
    }
  });

  it('shrinks a cell in place: the rest becomes fragmented bytes, zeroed', () => {
    const { page, cells, lsn } = fullPage(100);
    const at = cellOffset(page, 3);
    const c = Buffer.alloc(60, 0xcd);
    applyRedo(page, record(lsn, { kind: 'cell-replace', slot: 3, cell: c }));
    cells[3] = c;
    expectPageHolds(page, cells);
    expect(cellOffset(page, 3)).toBe(at);
    expect(fragmentedBytes(page)).toBe(40);
    expect(page.subarray(at + 60, at + 100).every((b) => b === 0)).toBe(true);
    // The freed 40 bytes are usable: an insert that needs them compacts and fits.
    const more = Buffer.alloc(freeBytes(page) - 4, 0xef);
    applyRedo(page, record(lsn + 1, { kind: 'cell-insert', slot: 0, cell: more }));
    cells.unshift(more);
    expectPageHolds(page, cells);
    expect(freeBytes(page)).toBe(0);
  });

  it('grows a cell by a delete and an insert, compacting when the gap is too small', () => {
    const { page, cells, lsn } = fullPage(100);
    applyRedo(page, record(lsn, { kind: 'cell-delete', slot: 0 }));
    cells.shift();
    const c = Buffer.alloc(150, 0x77);
    applyRedo(page, record(lsn + 1, { kind: 'cell-replace', slot: 10, cell: c }));
    cells[10] = c;
    expectPageHolds(page, cells);
  });

  it('compacts the live cells in slot order, cell 0 lowest, and zeroes the free space', () => {
    const { page, cells, lsn } = fullPage(90);
    let next = lsn;
    // Punch holes in the middle of the content area, then insert one cell that needs them all.
    for (const slot of [40, 30, 20, 10]) {
      applyRedo(page, record(next++, { kind: 'cell-delete', slot }));
      cells.splice(slot, 1);
    }
    const gap = contentStart(page) - (HEADER_SIZE + 2 * cells.length);
    // Needs more than the gap (so it compacts), far less than the free space (so some is left).
    const free = freeBytes(page);
    const big = Buffer.alloc(gap + 10, 0x5a);
    expect(free).toBeGreaterThan(gap + 100);
    applyRedo(page, record(next, { kind: 'cell-insert', slot: 7, cell: big }));
    cells.splice(7, 0, big);
    expectPageHolds(page, cells);
    expect(fragmentedBytes(page)).toBe(0);
    expect(freeBytes(page)).toBe(free - (gap + 14));
    expect(page.subarray(HEADER_SIZE + 2 * cells.length, contentStart(page)).every((x) => x === 0))
      .toBe(true);
    // The new cell sits at contentStart; the others follow contiguously in slot order.
    expect(cellOffset(page, 7) - CELL_LENGTH_SIZE).toBe(contentStart(page));
    let at = contentStart(page) + CELL_LENGTH_SIZE + big.length;
    cells.forEach((c, slot) => {
      if (slot === 7) return;
      expect(cellOffset(page, slot) - CELL_LENGTH_SIZE).toBe(at);
      at += CELL_LENGTH_SIZE + c.length;
    });
    expect(at).toBe(PAGE_SIZE);
  });

  it('matches a cell-list model through random inserts, replaces of every size, deletes', () => {
    for (const seed of [1, 2, 3]) {
      const random = prng(seed);
      const page = newPage();
      let lsn = 1;
      applyRedo(page, record(lsn++, init));
      const cells: Buffer[] = [];
      for (let step = 0; step < 3000; step++) {
        const n = cells.length;
        const op = random();
        const size = Math.floor(random() * 300);
        const slot = Math.floor(random() * (n + 1));
        let change: PageChange | undefined;
        if (op < 0.4 && canInsert(page, size)) {
          change = { kind: 'cell-insert', slot, cell: Buffer.alloc(size, step) };
          cells.splice(slot, 0, change.cell);
        } else if (op < 0.8 && slot < n) {
          const old = (cells[slot] as Buffer).length;
          // Same size, shorter, or longer (as far as the page has room: A3).
          const pick = random();
          const room = freeBytes(page) + old;
          const length = pick < 0.4 ? old : pick < 0.7 ? Math.floor(random() * (old + 1))
            : Math.min(room, old + 1 + Math.floor(random() * 200));
          change = { kind: 'cell-replace', slot, cell: Buffer.alloc(length, ~step & 0xff) };
          cells[slot] = change.cell;
        } else if (op < 0.97 && slot < n) {
          change = { kind: 'cell-delete', slot };
          cells.splice(slot, 1);
        } else if (slot < n) {
          change = { kind: 'cells-truncate', slot };
          cells.length = slot;
        }
        if (change === undefined) continue;
        applyRedo(page, record(lsn++, change));
        expectPageHolds(page, cells);
      }
    }
  });

  it('is deterministic with replaces: every copy, and a decoded copy, ends byte-identical', () => {
    const random = prng(9);
    const probe = newPage();
    const records: RedoRecord[] = [record(1, init)];
    applyRedo(probe, records[0] as RedoRecord);
    for (let lsn = 2; records.length < 5000; lsn++) {
      const n = cellCount(probe);
      const slot = Math.floor(random() * n);
      const size = Math.floor(random() * 120);
      let change: PageChange;
      if (n > 0 && random() < 0.5) {
        const room = freeBytes(probe) + cellLength(probe, slot);
        change = { kind: 'cell-replace', slot, cell: Buffer.alloc(Math.min(size, room), lsn) };
      } else if (n > 0 && random() < 0.3) {
        change = { kind: 'cell-delete', slot };
      } else if (canInsert(probe, size)) {
        change = { kind: 'cell-insert', slot: Math.floor(random() * (n + 1)), cell:
          Buffer.alloc(size, lsn) };
      } else {
        continue;
      }
      records.push(record(records.length + 1, change));
      applyRedo(probe, records.at(-1) as RedoRecord);
    }
    const a = newPage();
    const b = newPage();
    for (const r of records) applyRedo(a, r);
    for (const r of records) applyRedo(b, decodeRedo(encodeRedo(r)));
    expect(a.equals(probe)).toBe(true);
    expect(b.equals(probe)).toBe(true);
  });
});
