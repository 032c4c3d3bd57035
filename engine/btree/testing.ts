/**
 * A StorageClient test double for the page layer's unit tests: it keeps every shipped record in
 * memory, is durable as soon as a record is shipped (unless told to hold), and materialises pages
 * with applyRedo like a segment does. The real quorum client lives in storage/; engine tests that
 * need the quorum use the embedded cluster instead.
 */
import assert from 'node:assert/strict';
import {
  type Lsn,
  type PageId,
  type RedoRecord,
  type SegmentStatusRow,
  type StorageClient,
  type VolumeState,
  PAGE_SIZE,
  StorageError,
  applyRedo,
  decodeRedo,
  protectionGroupOf,
} from '../../storage/index.js';

export class MemoryStorage {
  /** Every record ever shipped, decoded, in LSN order. */
  readonly records: Buffer[] = [];
  epoch = 0;
  /** `records` by page, decoded, for readPage: covers records [0, indexed). */
  private readonly byPage = new Map<PageId, RedoRecord[]>();
  private indexed = 0;

  /** Page `id`'s records in LSN order (the index catches up with `records` first). */
  recordsOf(id: PageId): readonly RedoRecord[] {
    for (; this.indexed < this.records.length; this.indexed++) {
      const record = decodeRedo(this.records[this.indexed] as Buffer);
      const list = this.byPage.get(record.pageId);
      if (list === undefined) this.byPage.set(record.pageId, [record]);
      else list.push(record);
    }
    return this.byPage.get(id) ?? [];
  }

  /** Drops the records above `vdl` (recovery's truncation), from the index too. */
  truncate(vdl: Lsn): void {
    while (this.records.length > 0 && decodeRedo(this.records.at(-1) as Buffer).lsn > vdl) {
      this.records.pop();
    }
    this.byPage.clear();
    this.indexed = 0;
  }
}

export class MemoryStorageClient implements StorageClient {
  private vdl: Lsn = 0 as Lsn;
  private waiters: { lsn: Lsn; resolve: () => void }[] = [];
  /** When true, shipped records are held: nothing becomes durable until `release`. */
  hold = false;
  private held: Buffer[] = [];

  constructor(private readonly volume: MemoryStorage) {}

  async open(): Promise<VolumeState> {
    this.volume.epoch++;
    const tails = new Map<number, Lsn>();
    let vdl = 0 as Lsn;
    for (const bytes of this.volume.records) {
      const record = decodeRedo(bytes);
      tails.set(protectionGroupOf(record.pageId), record.lsn);
      if (record.cpl) vdl = record.lsn;
    }
    // Drop records past the last consistency point, as recovery truncates above VDL.
    this.volume.truncate(vdl);
    this.vdl = vdl;
    return { epoch: this.volume.epoch, vdl, groupTails: tails };
  }

  ship(records: readonly Buffer[]): void {
    for (const bytes of records) {
      const last = this.held.at(-1) ?? this.volume.records.at(-1);
      const record = decodeRedo(bytes);
      if (last !== undefined) assert.equal(record.lsn, decodeRedo(last).lsn + 1, 'C2: gap-free');
      this.held.push(bytes);
    }
    if (!this.hold) this.release();
  }

  release(): void {
    for (const bytes of this.held) {
      this.volume.records.push(bytes);
      const record = decodeRedo(bytes);
      if (record.cpl) this.vdl = record.lsn;
    }
    this.held = [];
    const ready = this.waiters.filter((w) => w.lsn <= this.vdl);
    this.waiters = this.waiters.filter((w) => w.lsn > this.vdl);
    for (const w of ready) w.resolve();
  }

  waitDurable(target: Lsn): Promise<void> {
    if (target <= this.vdl) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ lsn: target, resolve });
      if (this.hold) {
        setTimeout(() => reject(new StorageError('quorum-timeout', 'held')), 20).unref();
      }
    });
  }

  async readPage(id: PageId, readPoint: Lsn): Promise<Buffer> {
    assert(readPoint <= this.vdl, 'C5: read at or below VDL');
    const page = Buffer.alloc(PAGE_SIZE);
    for (const record of this.volume.recordsOf(id)) {
      if (record.lsn > readPoint) break;
      applyRedo(page, record);
    }
    return page;
  }

  durableLsn(): Lsn {
    return this.vdl;
  }

  /** No segments: this double has no storage nodes. */
  async segmentStatus(): Promise<readonly SegmentStatusRow[]> {
    return [];
  }

  async close(): Promise<void> {}
}


