/**
 * The volume header (page 0) and page allocation.
 *
 *   OFFSET SIZE DESCRIPTION (page 0, after the common 32-byte page header)
 *   32     4    magic 'BRLS'
 *   36     4    format version (1)
 *   40     4    nextPageId: the first page id never allocated
 *   44     4    catalogRoot: root page of the catalog's B-tree
 *   48     4    freeListHead: first page of the free list (0 = empty); each free page's link0
 *                is the next one
 *   52     4    freePages: length of the free list
 *
 * Invariants:
 *   (V1) page ids below nextPageId are allocated or on the free list; none above is in use.
 *   (V2) every change to the header is a redo record on page 0 in the same mini-transaction as
 *        the allocation or free it records.
 */
import assert from 'node:assert/strict';
import { type PageId, PAGE_TYPE, page as pageFormat, pageId } from '../../storage/index.js';
import type { BufferPool } from './buffer-pool.js';
import type { LogWriter, MtrImpl } from './log-writer.js';

const MAGIC = 0x42524c53; // 'BRLS'
const FORMAT_VERSION = 1;
const AT = { magic: 32, version: 36, nextPageId: 40, catalogRoot: 44, freeHead: 48, freeCount: 52 };
const HEADER_PAGE = pageId(0);

export interface VolumeHeader {
  readonly nextPageId: PageId;
  readonly catalogRoot: PageId;
  readonly freeListHead: PageId;
  readonly freePages: number;
}

export class Volume {
  constructor(
    private readonly pool: BufferPool,
    private readonly writer: LogWriter,
  ) {}

  /** Formats page 0 of a new volume. The catalog root is allocated right after, by the caller. */
  format(mtr: MtrImpl): void {
    this.writer.create(mtr, HEADER_PAGE, {
      kind: 'page-init',
      pageType: PAGE_TYPE.volumeHeader,
      level: 0,
      link0: pageId(0),
      link1: pageId(0),
    });
    const body = Buffer.alloc(24);
    body.writeUInt32BE(MAGIC, 0);
    body.writeUInt32BE(FORMAT_VERSION, 4);
    body.writeUInt32BE(1, 8); // nextPageId
    this.write(mtr, AT.magic, body);
  }

  async header(): Promise<VolumeHeader> {
    const page = await this.pool.get(HEADER_PAGE);
    assert.equal(pageFormat.pageType(page), PAGE_TYPE.volumeHeader, 'page 0 is the header');
    assert.equal(page.readUInt32BE(AT.magic), MAGIC, 'volume magic');
    assert.equal(page.readUInt32BE(AT.version), FORMAT_VERSION, 'volume format version');
    return {
      nextPageId: pageId(page.readUInt32BE(AT.nextPageId)),
      catalogRoot: pageId(page.readUInt32BE(AT.catalogRoot)),
      freeListHead: pageId(page.readUInt32BE(AT.freeHead)),
      freePages: page.readUInt32BE(AT.freeCount),
    };
  }

  setCatalogRoot(mtr: MtrImpl, root: PageId): void {
    this.writeU32(mtr, AT.catalogRoot, root);
  }

  /** A page id for a new page: from the free list if it has one, else the next never used (V1). */
  async allocate(mtr: MtrImpl): Promise<PageId> {
    const header = await this.header();
    if (header.freeListHead !== 0) {
      const id = header.freeListHead;
      const free = await this.pool.get(id);
      assert.equal(pageFormat.pageType(free), PAGE_TYPE.free, 'V1: the free list holds free pages');
      this.writeU32(mtr, AT.freeHead, pageFormat.link(free, 0));
      this.writeU32(mtr, AT.freeCount, header.freePages - 1);
      return id;
    }
    this.writeU32(mtr, AT.nextPageId, header.nextPageId + 1);
    return header.nextPageId;
  }

  /** Puts pages on the free list, chained in the given order (V2). Nothing references them. */
  async freeMany(mtr: MtrImpl, ids: readonly PageId[]): Promise<void> {
    if (ids.length === 0) return;
    const header = await this.header();
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as PageId;
      assert(id !== 0, 'page 0 is never freed');
      const page = this.pool.peek(id) ?? (await this.pool.get(id));
      this.writer.apply(mtr, id, page, {
        kind: 'page-init',
        pageType: PAGE_TYPE.free,
        level: 0,
        link0: ids[i + 1] ?? header.freeListHead,
        link1: pageId(0),
      });
    }
    this.writeU32(mtr, AT.freeHead, ids[0] as PageId);
    this.writeU32(mtr, AT.freeCount, header.freePages + ids.length);
  }

  /** Keeps page 0 cached for good: every allocation reads and writes it. */
  async pinHeader(): Promise<void> {
    await this.pool.get(HEADER_PAGE);
    this.pool.pin(HEADER_PAGE);
  }

  private writeU32(mtr: MtrImpl, offset: number, value: number): void {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(value, 0);
    this.write(mtr, offset, bytes);
  }

  private write(mtr: MtrImpl, offset: number, bytes: Buffer): void {
    const page = this.pool.peek(HEADER_PAGE);
    assert(page !== undefined, 'the header page is cached while it changes');
    this.writer.apply(mtr, HEADER_PAGE, page, { kind: 'page-write', offset, bytes });
  }
}
