/**
 * What a segment holds (records, page images and their bytes) for its status: a count kept up to
 * date by every change of known size, persisted in the segment's metadata (store.ts, version 3)
 * so that a restart does not count again, and a full count in the background where it is
 * unknown.
 *
 * Invariants (S9 of segment.ts is the promise; these are how it is kept):
 *   (U1) a full count never blocks: it reads USAGE_SCAN_BATCH records or USAGE_SCAN_IMAGES images
 *        per step, and the status reports the last complete count meanwhile. It never hogs its
 *        thread either: the full counts of one thread (one clock) run one at a time, and each
 *        step is followed by a pause USAGE_SCAN_PAUSE_FACTOR times as long as the step took.
 *   (U2) a full count runs only where the count is unknown: at load when the metadata carries
 *        no counts (U4). Appends, page images, garbage collection, image installs, repairs and
 *        the purge of what a truncation voided (segment.ts V2) adjust the count by what they add
 *        and remove; a truncation itself removes nothing (V1): the void keys count as held
 *        until their purge.
 *   (U3) an append or an image that becomes durable while a full count runs is counted once:
 *        by the count if the count's cursor has not passed its key yet, else here. (The scan
 *        reads (pageId, lsn) order; a write is visible to it only once durable.)
 * A change of known size that lands while a full count runs restarts that count (its keys may
 * lie on both sides of the cursor).
 *
 * Persisted counts (the segment keeps these; its store writes carry its metadata):
 *   (U4) Metadata that carries counts (SegmentMeta.usage) carries exactly what the store holds
 *        once the store write that carries it is durable. A segment loaded with counts needs no
 *        full count; one loaded without (a version-2 store, or a crash that left metadata
 *        without counts) counts in the background, as before. The counts are also checked
 *        for sanity where they are encoded and decoded (store.ts usageIsSane).
 *   (U5) So counts go with a store write only when (a) they are known (no full count runs),
 *        (b) no other store write of the segment is in flight (one issued earlier may land
 *        before this one and is not counted yet), and (c) they include the write's own effect.
 *        Writes that carry counts: a segment idle for USAGE_CHECKPOINT_IDLE_MS writes them
 *        alone (a checkpoint), its node writes them when it stops cleanly, and seals and
 *        truncations (which remove nothing: segment.ts V1) carry them. Every other
 *        metadata write (appends, collection, purges) carries none.
 *   (U6) A store write that carries no metadata (a page image, a repaired copy, a dropped
 *        image) is issued only once no metadata with counts can be the store's newest: if the
 *        last metadata issued carried counts, metadata without them is written first and the
 *        write waits until it is durable. So no crash leaves counts beside a change they miss.
 *   (U7) A change counted from what the store holds before it (an image write that may
 *        overwrite one, collection, image installs, repairs) reads the store while no other
 *        write that can add or remove images of the segment is in flight: coalescing writes
 *        one image per page and lsn at a time and skips while one of the others waits; the
 *        others run one at a time, alone (segment.ts `imagesAlone`). So every delta is exact,
 *        and so is the count (U2, U3), which is what makes U4 hold.
 */
import assert from 'node:assert/strict';
import type { Clock } from '../clock.js';
import { USAGE_SCAN_BATCH, USAGE_SCAN_IMAGES, USAGE_SCAN_PAUSE_FACTOR } from '../config.js';
import {
  type RecordKey,
  type SegmentStore,
  type StoredRecord,
  type Usage,
  usageIsSane,
} from './store.js';

/** A full count under way: what it has counted so far, and where it stands (U1). */
interface FullCount {
  readonly counted: Usage;
  /** The last record, then image, counted; undefined: none yet. */
  record: RecordKey | undefined;
  recordsDone: boolean;
  image: RecordKey | undefined;
}

export function noUsage(): Usage {
  return { records: 0, recordBytes: 0, images: 0, imageBytes: 0 };
}

/** The bytes an image takes in the store, as counted: the page and its crc. */
export function imageBytes(page: Buffer): number {
  return page.length + 4;
}

export class UsageCounter {
  /** Kept up to date; undefined while unknown (a full count runs, or must be started). */
  private known: Usage | undefined;
  /** What the status reports while the count is unknown (U1). */
  private last: Usage = noUsage();
  private full: FullCount | undefined;

  /**
   * `loaded`: the counts the segment's metadata carried (U4; zero for a new segment), or
   * undefined: count in the background. `stopped`: background work must end (the segment failed
   * or retired). `fail`: a store read failed. `counted`: a full count has just completed.
   */
  constructor(
    private readonly store: SegmentStore,
    private readonly clock: Clock,
    loaded: Readonly<Usage> | undefined,
    private readonly stopped: () => boolean,
    private readonly fail: (error: unknown) => void,
    private readonly counted: () => void = () => {},
  ) {
    if (loaded === undefined) {
      this.start();
      return;
    }
    assert(usageIsSane(loaded), 'U4: loaded usage counts are whole and not negative');
    this.known = { ...loaded };
    this.last = this.known;
  }

  /** True while a full count runs (or must be started): the counts are not known (U5 a). */
  get counting(): boolean {
    return this.known === undefined;
  }

  /**
   * U5: the counts once `delta` is durable too, if they are known; undefined otherwise. Counts
   * that cannot be what a store holds (a bug broke U7) are not persisted: they are counted again.
   */
  after(delta: Readonly<Usage> = noUsage()): Usage | undefined {
    const usage = this.known;
    if (usage === undefined) return undefined;
    const next = {
      records: usage.records + delta.records,
      recordBytes: usage.recordBytes + delta.recordBytes,
      images: usage.images + delta.images,
      imageBytes: usage.imageBytes + delta.imageBytes,
    };
    if (usageIsSane(next)) return next;
    this.recount();
    return undefined;
  }

  /** The count for the status; starts a full count if it is unknown and none runs. */
  current(): Usage {
    if (this.known === undefined) this.start();
    return this.known ?? this.last;
  }

  /** Records that are now durable (U3). */
  recordsAdded(records: readonly StoredRecord[]): void {
    const usage = this.known;
    if (usage !== undefined) {
      usage.records += records.length;
      for (const r of records) usage.recordBytes += r.bytes.length;
      return;
    }
    const full = this.full;
    if (full === undefined) return; // the next status starts a full count, which will see them
    for (const r of records) {
      if (!passed(full.record, full.recordsDone, r.entry)) continue;
      full.counted.records++;
      full.counted.recordBytes += r.bytes.length;
    }
  }

  /**
   * A page image that is now durable (U3), counted as a new one: coalescing writes an image at a
   * page's newest record, where there is rarely one already (an overwrite counts twice until the
   * next full count).
   */
  imageAdded(key: RecordKey, page: Buffer): void {
    const usage = this.known;
    if (usage !== undefined) {
      usage.images++;
      usage.imageBytes += imageBytes(page);
      return;
    }
    const full = this.full;
    if (full === undefined || !full.recordsDone || !passed(full.image, false, key)) return;
    full.counted.images++;
    full.counted.imageBytes += imageBytes(page);
  }

  /** A change of known size is durable (U2); during a full count, that count starts over. */
  adjust(delta: Usage): void {
    if (delta.records === 0 && delta.recordBytes === 0) {
      if (delta.images === 0 && delta.imageBytes === 0) return; // nothing changed
    }
    const usage = this.known;
    if (usage === undefined) {
      this.recount();
      return;
    }
    usage.records += delta.records;
    usage.recordBytes += delta.recordBytes;
    usage.images += delta.images;
    usage.imageBytes += delta.imageBytes;
  }

  /** The count is unknown (U2, or a bug broke U7): count everything again, from the start. */
  recount(): void {
    this.known = undefined;
    if (this.full === undefined) this.start();
    else this.full = newFullCount();
  }

  private start(): void {
    if (this.full !== undefined) return;
    this.full = newFullCount();
    queueOf(this.clock).enqueue(this.step);
  }

  /** One step of the full count (U1): true when the count is over (done, stopped or failed). */
  private readonly step = (): boolean => {
    const full = this.full;
    if (full === undefined) return true;
    if (this.stopped()) {
      this.full = undefined;
      return true;
    }
    let done: boolean;
    try {
      done = this.countSome(full);
    } catch (error) {
      this.full = undefined;
      this.fail(error); // S5: a store that cannot be read fails the segment, not the process
      return true;
    }
    if (!done) return false;
    this.full = undefined;
    this.known = full.counted;
    this.last = full.counted;
    this.counted();
    return true;
  };

  /** Counts one batch; true when the count is complete. */
  private countSome(full: FullCount): boolean {
    if (!full.recordsDone) {
      const batch = this.store.scanRecords(full.record, USAGE_SCAN_BATCH);
      for (const r of batch) full.counted.recordBytes += r.bytes.length;
      full.counted.records += batch.length;
      const last = batch[batch.length - 1];
      if (last !== undefined) full.record = { pageId: last.pageId, lsn: last.lsn };
      full.recordsDone = batch.length < USAGE_SCAN_BATCH;
      return false;
    }
    const batch = this.store.scanImages(full.image, USAGE_SCAN_IMAGES);
    for (const image of batch) full.counted.imageBytes += imageBytes(image.bytes);
    full.counted.images += batch.length;
    const last = batch[batch.length - 1];
    if (last !== undefined) full.image = { pageId: last.pageId, lsn: last.lsn };
    return batch.length < USAGE_SCAN_IMAGES;
  }
}

/** A full count's steps; a step returns true once its count is over. */
type Step = () => boolean;

/**
 * The full counts of one thread (one clock), run one at a time, each step followed by a pause
 * as long as USAGE_SCAN_PAUSE_FACTOR times the step (U1).
 */
class CountQueue {
  private readonly waiting: Step[] = [];
  private running = false;

  constructor(private readonly clock: Clock) {}

  enqueue(step: Step): void {
    this.waiting.push(step);
    if (!this.running) {
      this.running = true;
      this.clock.defer(this.next);
    }
  }

  private readonly next = (): void => {
    const step = this.waiting[0];
    if (step === undefined) {
      this.running = false;
      return;
    }
    const started = this.clock.now();
    if (step()) this.waiting.shift();
    const took = this.clock.now() - started;
    if (took * USAGE_SCAN_PAUSE_FACTOR < 1) this.clock.defer(this.next);
    else this.clock.setTimer(this.next, took * USAGE_SCAN_PAUSE_FACTOR);
  };
}

const queues = new WeakMap<Clock, CountQueue>();

function queueOf(clock: Clock): CountQueue {
  let queue = queues.get(clock);
  if (queue === undefined) {
    queue = new CountQueue(clock);
    queues.set(clock, queue);
  }
  return queue;
}

function newFullCount(): FullCount {
  return { counted: noUsage(), record: undefined, recordsDone: false, image: undefined };
}

/** True if a scan in (pageId, lsn) order that stands at `cursor` has gone past `key`. */
function passed(cursor: RecordKey | undefined, done: boolean, key: RecordKey): boolean {
  if (done) return true;
  if (cursor === undefined) return false;
  return key.pageId < cursor.pageId || (key.pageId === cursor.pageId && key.lsn <= cursor.lsn);
}
