/**
 * Test helper: a tiny writer that turns page changes into encoded redo records, the way the
 * engine's log writer does in production. It numbers records gap-free from the volume's VDL,
 * links each to its protection group's previous record, marks the last record of each
 * mini-transaction as its CPL, and applies every record to its own copy of the page with
 * applyRedo, so tests can compare what storage materialises with what the writer holds.
 */
import type { VolumeState } from '../client-api.js';
import { PAGES_PER_GROUP, protectionGroupOf } from '../config.js';
import { LSN_NONE, type Lsn, type PageId, lsn, pageId } from '../lsn.js';
import { PAGE_SIZE, PAGE_TYPE } from '../page.js';
import { applyRedo } from '../page-apply.js';
import { type PageChange, encodeRedo } from '../redo.js';

export type Change = readonly [PageId, PageChange];

export class TestWriter {
  private next: number;
  readonly epoch: number;
  readonly tails: Map<number, Lsn>;
  readonly pages = new Map<PageId, Buffer>();

  constructor(state: VolumeState) {
    this.next = state.vdl + 1;
    this.epoch = state.epoch;
    this.tails = new Map(state.groupTails);
  }

  /** The LSN of the last record produced. */
  get lastLsn(): Lsn {
    return lsn(this.next - 1);
  }

  /** One mini-transaction: its records, encoded, the last one a CPL. */
  mtr(changes: readonly Change[], options: { cpl?: boolean } = {}): Buffer[] {
    return changes.map(([id, change], i) =>
      this.record(id, change, (options.cpl ?? true) && i === changes.length - 1),
    );
  }

  record(id: PageId, change: PageChange, cpl: boolean): Buffer {
    const group = protectionGroupOf(id);
    const record = {
      lsn: lsn(this.next++),
      prevLsn: this.tails.get(group) ?? LSN_NONE,
      pageId: id,
      epoch: this.epoch,
      cpl,
      change,
    };
    this.tails.set(group, record.lsn);
    let page = this.pages.get(id);
    if (page === undefined) {
      page = Buffer.alloc(PAGE_SIZE);
      this.pages.set(id, page);
    }
    applyRedo(page, record);
    return encodeRedo(record);
  }

  /** A copy of the writer's page (all zero if never written). */
  page(id: PageId): Buffer {
    return Buffer.from(this.pages.get(id) ?? Buffer.alloc(PAGE_SIZE));
  }
}

export function leafInit(): PageChange {
  return {
    kind: 'page-init',
    pageType: PAGE_TYPE.btreeLeaf,
    level: 0,
    link0: pageId(0),
    link1: pageId(0),
  };
}

export function cellInsert(slot: number, text: string): PageChange {
  return { kind: 'cell-insert', slot, cell: Buffer.from(text) };
}

/** Page `n` of protection group `group`. */
export function pageOf(group: number, n: number): PageId {
  return pageId(group * PAGES_PER_GROUP + n);
}
