/**
 * Test helper: a process that writes to an LmdbNodeStore until it is killed, for the hot log's
 * crash tests (hot-log.test.ts spawns it from dist/ and kills it with SIGKILL). It prints one line
 * per acknowledged write on stdout, so the parent knows exactly what must survive (H1):
 *
 *   ack <group> <lsn>      append of record <lsn> to <group> resolved
 *   image <group> <lsn>    putPageImage of page 1 at <lsn> resolved
 *   truncated | collected  the truncate / collect of the 'rewrite' mode resolved
 *
 * Modes (argv: mode, directory, flush interval in ms):
 *   append   three groups, each with several appends in flight, a page image every 40 records
 *   rewrite  group 0: records 1..200, truncate above 100, collect 1..50; then appends to group 1
 */
import { fileURLToPath } from 'node:url';
import { type Lsn, type PageId } from '../lsn.js';
import { LmdbNodeStore } from './lmdb-store.js';
import { META_DEFAULTS, type SegmentMeta, type StoredRecord } from './store.js';

/** The bytes the helper writes as record `lsn` of `group` (the parent checks them). */
export function recordBytes(group: number, lsn: number): Buffer {
  const bytes = Buffer.alloc(120 + (lsn % 50), group + 1);
  bytes.writeUInt32BE(group, 0);
  bytes.writeUInt32BE(lsn, 4);
  return bytes;
}

export function pageFor(lsn: number): PageId {
  return (lsn % 5) as PageId;
}

export function storedRecord(group: number, lsn: number): StoredRecord {
  const entry = { lsn: lsn as Lsn, prevLsn: (lsn - 1) as Lsn, pageId: pageFor(lsn), cpl: true };
  return { entry, bytes: recordBytes(group, lsn) };
}

export function metaAt(scl: number): SegmentMeta {
  return {
    ...META_DEFAULTS,
    scl: scl as Lsn,
    vdlHint: scl as Lsn,
    sealedEpoch: 1,
    appliedEpoch: 1,
    history: [{ epoch: 1, startLsn: 0 as Lsn }],
  };
}

export function imageBytes(lsn: number): Buffer {
  return Buffer.alloc(16384, lsn % 251);
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Several appends in flight per group, forever; acknowledgements printed as they come. */
async function appendForever(store: LmdbNodeStore, groups: readonly number[]): Promise<never> {
  const next = new Map(groups.map((g) => [g, 1]));
  const one = async (group: number): Promise<void> => {
    const lsn = next.get(group) ?? 1;
    next.set(group, lsn + 1);
    await store.segment(group).append([storedRecord(group, lsn)], metaAt(lsn));
    say(`ack ${group} ${lsn}`);
    if (lsn % 40 === 0) {
      const image = { lsn: lsn as Lsn, bytes: imageBytes(lsn) };
      await store.segment(group).putPageImage(1 as PageId, image);
      say(`image ${group} ${lsn}`);
    }
  };
  const lane = async (group: number): Promise<never> => {
    for (;;) await one(group);
  };
  return Promise.race(groups.flatMap((g) => [lane(g), lane(g), lane(g)]));
}

async function rewrite(store: LmdbNodeStore): Promise<never> {
  const s = store.segment(0);
  for (let lsn = 1; lsn <= 200; lsn += 10) {
    const batch = Array.from({ length: 10 }, (_, i) => storedRecord(0, lsn + i));
    await s.append(batch, metaAt(lsn + 9));
  }
  await s.putPageImage(1 as PageId, { lsn: 150 as Lsn, bytes: imageBytes(150) });
  await s.truncate(100 as Lsn, metaAt(100));
  say('truncated');
  await s.collect(0 as Lsn, 50 as Lsn, [], { ...metaAt(100), gcLsn: 50 as Lsn });
  say('collected');
  return appendForever(store, [1]);
}

async function main(): Promise<void> {
  const [mode, dir, flushMs] = process.argv.slice(2);
  if (dir === undefined) throw new Error('usage: hot-log-child append|rewrite DIR FLUSH_MS');
  const store = new LmdbNodeStore(dir, { flushIntervalMs: Number(flushMs ?? 20) });
  say('ready');
  if (mode === 'rewrite') await rewrite(store);
  else await appendForever(store, [0, 1, 2]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}
