/**
 * Segments of one group in one thread share the pages they build by coalescing (segment.ts S11,
 * coalesce-share.ts CS1–CS2): a segment that holds the record a shared page was built at writes
 * that page as its own image instead of reading its page back, and the image is the page as of
 * that record; a segment behind the page builds its own. Memory stores, the real clock.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { COALESCE_BACKGROUND_RECORDS } from '../config.js';
import { type Lsn, type PageId, lsn } from '../lsn.js';
import type { AppendRequest } from '../messages.js';
import { PAGE_SIZE } from '../page.js';
import { TestWriter, leafInit, pageOf } from '../testing/records.js';
import { CoalesceShare } from './coalesce-share.js';
import { MemoryDisk, MemoryNodeStore } from './memory-store.js';
import { Segment } from './segment.js';
import type { SegmentStore } from './store.js';

const log = pino({ level: process.env['LOG_LEVEL'] ?? 'silent' });
const PAGE = pageOf(0, 0);
const CHUNK = 64;

/** A segment of group 0 over a memory store that counts its page reads (materialising). */
function replica(share: CoalesceShare | undefined) {
  const store = new MemoryNodeStore(new MemoryDisk(), systemClock).segment(0);
  const counted = { pageReads: 0 };
  const watched = Object.assign(Object.create(store) as SegmentStore, {
    pageRecords: (pageId: PageId, afterLsn: Lsn, upToLsn: Lsn) => {
      counted.pageReads++;
      return store.pageRecords(pageId, afterLsn, upToLsn);
    },
  });
  return { segment: new Segment(watched, log, { coalesceShare: share }), store, counted };
}

function append(records: Buffer[]): AppendRequest {
  return {
    kind: 'AppendRequest',
    group: 0,
    epoch: 1,
    vdlHint: lsn(0),
    readFloor: lsn(0),
    records,
    history: [{ epoch: 1, startLsn: lsn(0) }],
  };
}

/** Chunks of records of one page, and the writer's page as of the end of each chunk. */
function workload(): { chunks: Buffer[][]; pages: Map<number, Buffer> } {
  const w = new TestWriter({ epoch: 1, vdl: lsn(0), groupTails: new Map() });
  const chunks: Buffer[][] = [];
  const pages = new Map<number, Buffer>();
  let records = w.mtr([[PAGE, leafInit()]]);
  for (let i = 0; i < 4 * COALESCE_BACKGROUND_RECORDS; i++) {
    const bytes = Buffer.from(`v${i}`);
    const change = { kind: 'page-write', offset: 100 + (i % 64), bytes } as const;
    records.push(w.record(PAGE, change, true));
    if (records.length < CHUNK) continue;
    chunks.push(records);
    pages.set(w.lastLsn, w.page(PAGE));
    records = [];
  }
  return { chunks, pages };
}

/** One turn of the event loop, and the image writes it started. */
async function turns(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Every image the store holds of PAGE, each checked against the writer's page at its LSN. */
function imagesOf(store: SegmentStore, pages: Map<number, Buffer>): number[] {
  const lsns: number[] = [];
  for (const image of store.scanImages(undefined, 1000)) {
    expect(image.intact).toBe(true);
    expect(image.bytes.equals(pages.get(image.lsn) ?? Buffer.alloc(PAGE_SIZE))).toBe(true);
    lsns.push(image.lsn);
  }
  return lsns;
}

describe('pages shared by coalescing (S11)', () => {
  it('builds each page once for segments that hold the same records', async () => {
    const share = new CoalesceShare();
    const six = Array.from({ length: 6 }, () => replica(share));
    const { chunks, pages } = workload();
    const top = (chunks.length * CHUNK) as Lsn;
    for (const chunk of chunks) {
      for (const r of six) {
        expect((await r.segment.processMessage(append(chunk))).kind).toBe('AppendReply');
        await turns();
      }
    }
    for (const r of six) await r.segment.drain();
    const [first, ...others] = six;
    expect(first?.counted.pageReads).toBeGreaterThan(0);
    const built = imagesOf(first?.store as SegmentStore, pages);
    expect(built.length).toBeGreaterThanOrEqual(3); // S8: a page every 256 records, not once
    for (const r of others) {
      expect(r.counted.pageReads).toBe(0); // never read its page back: took the shared one
      expect(imagesOf(r.store, pages)).toEqual(built);
      const page = r.segment.materialise(PAGE, top);
      expect(page.kind === 'page' && page.page.equals(pages.get(top) ?? Buffer.alloc(0)))
        .toBe(true);
    }
  });

  it('builds its own page when the shared one lies above its SCL', async () => {
    const share = new CoalesceShare();
    const ahead = replica(share);
    const behind = replica(share);
    const { chunks, pages } = workload();
    for (const chunk of chunks) {
      await ahead.segment.processMessage(append(chunk));
      await turns();
    }
    for (const chunk of chunks) {
      await behind.segment.processMessage(append(chunk));
      await turns();
    }
    await ahead.segment.drain();
    await behind.segment.drain();
    expect(behind.counted.pageReads).toBeGreaterThan(0);
    // Each image is the page as of its own LSN, none above what the segment held then.
    expect(imagesOf(behind.store, pages).length).toBeGreaterThanOrEqual(3);
  });

  it('takes nothing without a share, and nothing of another epoch or group', () => {
    const share = new CoalesceShare();
    const page = Buffer.alloc(PAGE_SIZE, 1);
    share.offer(0, 1, PAGE, { lsn: lsn(10), prevLsn: lsn(9), page });
    expect(share.find(0, 1, PAGE)?.page).toBe(page);
    expect(share.find(0, 2, PAGE)).toBeUndefined();
    expect(share.find(1, 1, PAGE)).toBeUndefined();
    expect(share.find(0, 1, pageOf(0, 1))).toBeUndefined();
  });
});

describe('CoalesceShare', () => {
  it('keeps the newest page per page (CS2)', () => {
    const share = new CoalesceShare();
    const older = Buffer.alloc(PAGE_SIZE, 1);
    const newer = Buffer.alloc(PAGE_SIZE, 2);
    share.offer(0, 1, PAGE, { lsn: lsn(20), prevLsn: lsn(19), page: newer });
    share.offer(0, 1, PAGE, { lsn: lsn(10), prevLsn: lsn(9), page: older });
    expect(share.find(0, 1, PAGE)?.page).toBe(newer);
  });

  it('keeps a bounded number of pages, the oldest offered going first (CS2)', () => {
    const share = new CoalesceShare();
    const page = Buffer.alloc(PAGE_SIZE);
    for (let n = 0; n < 1000; n++) {
      share.offer(0, 1, pageOf(0, n), { lsn: lsn(n + 1), prevLsn: lsn(n), page });
    }
    expect(share.size).toBeLessThanOrEqual(128);
    expect(share.find(0, 1, pageOf(0, 999))).toBeDefined();
    expect(share.find(0, 1, pageOf(0, 0))).toBeUndefined();
  });
});
