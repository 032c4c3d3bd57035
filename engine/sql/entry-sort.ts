/**
 * An external merge sort of (key, value) entries in bounded memory, for building an index from
 * a table's rows (index-build.ts), as InnoDB's row_merge_sort does: entries gather in one
 * in-memory run of at most `runBytes` bytes; a full run is sorted by key and appended to a
 * temporary file; `sorted()` then merges the runs (a heap of one reader per run), or, when
 * everything fit one run, hands out the in-memory run directly, with no file at all.
 *
 *   run record   u16 keyLength  u32 valueLength  u8 tag  key  value
 *
 * The temporary file lives in os.tmpdir() and is unlinked as soon as it is open, so a crash
 * leaves nothing behind; `close` releases it.
 *
 * Invariants:
 *   (ES1) `sorted()` yields every added entry exactly once, in increasing key order (bytewise);
 *         equal keys keep no particular order.
 *   (ES2) memory is bounded by `runBytes` (one run's records plus its index arrays) plus one
 *         read buffer per run while merging (READ_BYTES_TOTAL shared, at least READ_BYTES_MIN
 *         each), whatever the number of entries.
 */
import assert from 'node:assert/strict';
import { type FileHandle, mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const HEADER_BYTES = 7;
/** Read buffers of all runs together while merging (ES2). */
const READ_BYTES_TOTAL = 8 * 1024 * 1024;
const READ_BYTES_MIN = 64 * 1024;
/** Bytes written to the file at a time when a run is spilled. */
const WRITE_BYTES = 1024 * 1024;

/** An entry handed out by `sorted()`: views valid until the next entry is asked for. */
export interface SortedEntry {
  readonly key: Buffer;
  readonly value: Buffer;
  /** A small number the caller attached to the entry (0–255). */
  readonly tag: number;
}

/** Sign of a[as, ae) − b[bs, be), bytewise; short keys compared in JS (cf. btree.ts). */
function compareRange(
  a: Buffer, as: number, ae: number, b: Buffer, bs: number, be: number,
): number {
  const n = ae - as;
  const m = be - bs;
  if (n > 32 || m > 32) return a.compare(b, bs, be, as, ae);
  const common = n < m ? n : m;
  for (let i = 0; i < common; i++) {
    const d = (a[as + i] as number) - (b[bs + i] as number);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return n === m ? 0 : n < m ? -1 : 1;
}

/** The first six bytes of a key as a number: most comparisons end here. */
function prefixOf(buf: Buffer, start: number, end: number): number {
  let p = 0;
  for (let i = 0; i < 6; i++) p = p * 256 + (start + i < end ? (buf[start + i] as number) : 0);
  return p;
}

/** One in-memory run: records packed in an arena, sorted through an index. */
class Run {
  arena: Buffer;
  used = 0;
  offsets: number[] = [];
  prefixes: number[] = [];

  constructor(bytes: number) {
    this.arena = Buffer.allocUnsafe(bytes);
  }

  fits(size: number): boolean {
    return this.used + size <= this.arena.length;
  }

  add(key: Buffer, value: Buffer, tag: number): void {
    const size = HEADER_BYTES + key.length + value.length;
    if (size > this.arena.length) {
      // One entry larger than a run: the arena grows to hold it (entries are bounded, T5).
      const bigger = Buffer.allocUnsafe(this.used + size);
      this.arena.copy(bigger, 0, 0, this.used);
      this.arena = bigger;
    }
    assert(this.fits(size), 'ES2: a run is spilled before it overflows');
    const a = this.arena;
    const at = this.used;
    a.writeUInt16BE(key.length, at);
    a.writeUInt32BE(value.length, at + 2);
    a[at + 6] = tag;
    key.copy(a, at + HEADER_BYTES);
    value.copy(a, at + HEADER_BYTES + key.length);
    this.offsets.push(at);
    this.prefixes.push(prefixOf(a, at + HEADER_BYTES, at + HEADER_BYTES + key.length));
    this.used += size;
  }

  /** Record numbers in key order (ES1). */
  order(): Uint32Array {
    const a = this.arena;
    const { offsets, prefixes } = this;
    const order = new Uint32Array(offsets.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    return order.sort((x, y) => {
      const px = prefixes[x] as number;
      const py = prefixes[y] as number;
      if (px !== py) return px < py ? -1 : 1;
      const ox = offsets[x] as number;
      const oy = offsets[y] as number;
      const kx = ox + HEADER_BYTES;
      const ky = oy + HEADER_BYTES;
      return compareRange(a, kx, kx + a.readUInt16BE(ox), a, ky, ky + a.readUInt16BE(oy));
    });
  }

  get count(): number {
    return this.offsets.length;
  }
}

/** The entry of the record at `at` of `buf` (views into `buf`). */
function recordAt(buf: Buffer, at: number): SortedEntry & { readonly size: number } {
  const keyLength = buf.readUInt16BE(at);
  const valueLength = buf.readUInt32BE(at + 2);
  const k = at + HEADER_BYTES;
  return {
    key: buf.subarray(k, k + keyLength),
    value: buf.subarray(k + keyLength, k + keyLength + valueLength),
    tag: buf[at + 6] as number,
    size: HEADER_BYTES + keyLength + valueLength,
  };
}

/** Reads one spilled run back, record by record, through a bounded buffer. */
class RunReader {
  private buf: Buffer;
  private start = 0;
  private end = 0;
  private position: number;
  private readonly limit: number;
  current: SortedEntry | undefined;

  constructor(
    private readonly file: FileHandle,
    extent: { readonly start: number; readonly bytes: number },
    bufferBytes: number,
  ) {
    this.buf = Buffer.allocUnsafe(bufferBytes);
    this.position = extent.start;
    this.limit = extent.start + extent.bytes;
  }

  /** Moves to the next record (current undefined at the end). */
  async next(): Promise<void> {
    if (this.current !== undefined) this.start += HEADER_BYTES + this.current.key.length +
      this.current.value.length;
    this.current = undefined;
    if (this.end - this.start < HEADER_BYTES && !(await this.fill(HEADER_BYTES))) return;
    const size = HEADER_BYTES + this.buf.readUInt16BE(this.start) +
      this.buf.readUInt32BE(this.start + 2);
    if (this.end - this.start < size) {
      assert(await this.fill(size), 'ES1: a spilled run holds whole records');
    }
    this.current = recordAt(this.buf, this.start);
  }

  /** Makes at least `bytes` unread bytes available; false at the end of the run. */
  private async fill(bytes: number): Promise<boolean> {
    const left = this.end - this.start;
    if (left === 0 && this.position >= this.limit) return false;
    if (bytes > this.buf.length) {
      const bigger = Buffer.allocUnsafe(bytes);
      this.buf.copy(bigger, 0, this.start, this.end);
      this.buf = bigger;
    } else {
      this.buf.copy(this.buf, 0, this.start, this.end);
    }
    this.start = 0;
    this.end = left;
    while (this.end < bytes && this.position < this.limit) {
      const want = Math.min(this.buf.length - this.end, this.limit - this.position);
      const { bytesRead } = await this.file.read(this.buf, this.end, want, this.position);
      assert(bytesRead > 0, 'ES1: the run is in the file');
      this.end += bytesRead;
      this.position += bytesRead;
    }
    return this.end >= bytes;
  }
}

export class EntrySorter {
  private run: Run | undefined;
  private file: FileHandle | undefined;
  private fileBytes = 0;
  private readonly extents: { start: number; bytes: number }[] = [];
  entries = 0;

  constructor(private readonly runBytes: number) {
    assert(runBytes >= 1024, 'a run holds at least 1 KiB');
  }

  /** Runs spilled to the temporary file so far. */
  get spilledRuns(): number {
    return this.extents.length;
  }

  /** Adds an entry; a promise when a full run has to be spilled first (await it), else none. */
  add(key: Buffer, value: Buffer, tag = 0): Promise<void> | undefined {
    assert(key.length <= 0xffff && tag >= 0 && tag <= 0xff, 'a record header holds it');
    const run = (this.run ??= new Run(this.runBytes));
    this.entries++;
    if (run.fits(HEADER_BYTES + key.length + value.length) || run.count === 0) {
      run.add(key, value, tag);
      return undefined;
    }
    return this.spill(run).then(() => {
      this.run = new Run(this.runBytes);
      this.run.add(key, value, tag);
    });
  }

  /** ES1: every entry, in key order. Call once, after the last `add`. */
  async *sorted(): AsyncGenerator<SortedEntry> {
    const run = this.run;
    this.run = undefined;
    if (this.extents.length === 0) {
      if (run !== undefined) yield* inMemory(run);
      return;
    }
    if (run !== undefined && run.count > 0) await this.spill(run);
    yield* this.merge();
  }

  async close(): Promise<void> {
    this.run = undefined;
    const file = this.file;
    this.file = undefined;
    await file?.close();
  }

  private async spill(run: Run): Promise<void> {
    const file = this.file ?? (await this.openFile());
    const order = run.order();
    const out = Buffer.allocUnsafe(WRITE_BYTES);
    const start = this.fileBytes;
    let filled = 0;
    const write = async (bytes: Buffer): Promise<void> => {
      await file.write(bytes, 0, bytes.length, this.fileBytes);
      this.fileBytes += bytes.length;
    };
    for (const i of order) {
      const at = run.offsets[i] as number;
      const size = HEADER_BYTES + run.arena.readUInt16BE(at) + run.arena.readUInt32BE(at + 2);
      if (filled + size > out.length) {
        await write(out.subarray(0, filled));
        filled = 0;
      }
      if (size > out.length) await write(run.arena.subarray(at, at + size));
      else {
        run.arena.copy(out, filled, at, at + size);
        filled += size;
      }
    }
    await write(out.subarray(0, filled));
    this.extents.push({ start, bytes: this.fileBytes - start });
  }

  /** A temporary file that exists only through its handle (unlinked at once). */
  private async openFile(): Promise<FileHandle> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'borealis-sort-'));
    try {
      this.file = await open(path.join(dir, 'runs'), 'w+');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return this.file;
  }

  private async *merge(): AsyncGenerator<SortedEntry> {
    const file = this.file;
    assert(file !== undefined, 'runs were spilled');
    const each = Math.max(READ_BYTES_MIN, Math.floor(READ_BYTES_TOTAL / this.extents.length));
    const heap: RunReader[] = [];
    for (const extent of this.extents) {
      const reader = new RunReader(file, extent, each);
      await reader.next();
      if (reader.current !== undefined) heap.push(reader);
    }
    heapify(heap);
    while (heap.length > 0) {
      const top = heap[0] as RunReader;
      yield top.current as SortedEntry;
      await top.next();
      if (top.current === undefined) {
        const last = heap.pop() as RunReader;
        if (heap.length === 0) break;
        heap[0] = last;
      }
      siftDown(heap, 0);
    }
  }
}

function* inMemory(run: Run): Generator<SortedEntry> {
  for (const i of run.order()) yield recordAt(run.arena, run.offsets[i] as number);
}

function less(a: RunReader, b: RunReader): boolean {
  const x = a.current as SortedEntry;
  const y = b.current as SortedEntry;
  return compareRange(x.key, 0, x.key.length, y.key, 0, y.key.length) < 0;
}

function heapify(heap: RunReader[]): void {
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(heap, i);
}

function siftDown(heap: RunReader[], i: number): void {
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < heap.length && less(heap[l] as RunReader, heap[m] as RunReader)) m = l;
    if (r < heap.length && less(heap[r] as RunReader, heap[m] as RunReader)) m = r;
    if (m === i) return;
    const t = heap[i] as RunReader;
    heap[i] = heap[m] as RunReader;
    heap[m] = t;
    i = m;
  }
}
