/**
 * Test helper: a process that writes to an LmdbNodeStore until it is killed, for the hot log's
 * crash tests and the lazy truncation's (segment.ts V1–V4; hot-log.test.ts spawns it from dist/
 * and kills it with SIGKILL). It prints one line per acknowledged write on stdout, so the parent
 * knows exactly what must survive (H1):
 *
 *   ack <group> <lsn>      append of record <lsn> to <group> resolved
 *   image <group> <lsn>    putPageImage of page 1 at <lsn> resolved
 *   truncated | collected  the purge above 100 / collect of the 'rewrite' mode resolved
 *   voided <after> <upTo>  'truncate' mode: the truncation for epoch 2 voided (after, upTo]
 *   purged <after>         'truncate' mode: a purge write is durable; keys above <after> remain
 *
 * Modes (argv: mode, directory, flush interval in ms):
 *   append   three groups, each with several appends in flight, a page image every 40 records
 *   rewrite  group 0: records 1..200, purge above 100, collect 1..50; then appends to group 1
 *   truncate a Segment of group 0: epoch 1 writes TRUNCATE_RECORDS records (epochOne), then a
 *            truncation for epoch 2 at TRUNCATE_CUT, whose purge runs until the process is killed
 */
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { type Lsn, type PageId, lsn as toLsn } from '../lsn.js';
import { TestWriter, leafInit, pageOf } from '../testing/records.js';
import { LmdbNodeStore } from './lmdb-store.js';
import { Segment } from './segment.js';
import { META_DEFAULTS, type SegmentMeta, type SegmentStore, type StoredRecord } from './store.js';

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

/** Removes every record above `cut` (and the images at their keys) in one store write. */
export async function purgeAbove(s: SegmentStore, cut: number, meta: SegmentMeta): Promise<void> {
  await s.purge([...s.index(cut as Lsn, Number.MAX_SAFE_INTEGER as Lsn)], meta);
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
  await s.putPageImage(pageFor(150), { lsn: 150 as Lsn, bytes: imageBytes(150) });
  await purgeAbove(s, 100, metaAt(100));
  say('truncated');
  await s.collect(0 as Lsn, 50 as Lsn, [], { ...metaAt(100), gcLsn: 50 as Lsn });
  say('collected');
  return appendForever(store, [1]);
}

export const TRUNCATE_RECORDS = 40_000;
export const TRUNCATE_CUT = 3_000;

/** Epoch 1's records of the 'truncate' mode, over pages 1..8 of group 0 (`writer` keeps pages). */
export function epochOne(writer: TestWriter, count: number): Buffer[] {
  const all: Buffer[] = [];
  for (let p = 1; p <= 8; p++) all.push(...writer.mtr([[pageOf(0, p), leafInit()]]));
  while (all.length < count) {
    const bytes = Buffer.alloc(40, all.length % 251);
    const change = { kind: 'page-write', offset: 8192 + (all.length % 64) * 40, bytes } as const;
    all.push(writer.record(pageOf(0, 1 + (all.length % 8)), change, true));
  }
  return all;
}

async function truncateAndPurge(store: LmdbNodeStore): Promise<void> {
  const segment = new Segment(store.segment(0), pino({ level: 'silent' }));
  const writer = new TestWriter({ epoch: 1, vdl: toLsn(0), groupTails: new Map() });
  const records = epochOne(writer, TRUNCATE_RECORDS);
  const history = [{ epoch: 1, startLsn: toLsn(0) }];
  const append = { kind: 'AppendRequest', group: 0, epoch: 1, vdlHint: toLsn(0) } as const;
  for (let i = 0; i < records.length; i += 1000) {
    const reply = await segment.processMessage({
      ...append, readFloor: toLsn(0), records: records.slice(i, i + 1000), history,
    });
    if (reply.kind !== 'AppendReply') throw new Error(`append: ${JSON.stringify(reply)}`);
  }
  await segment.drain();
  await segment.processMessage({ kind: 'SclRequest', group: 0, epoch: 2 });
  history.push({ epoch: 2, startLsn: toLsn(TRUNCATE_CUT) });
  const truncate = { kind: 'TruncateRequest', group: 0, epoch: 2, history } as const;
  const reply = await segment.processMessage(truncate);
  if (reply.kind !== 'TruncateReply') throw new Error(`truncate: ${JSON.stringify(reply)}`);
  let voided = segment.voidedRange;
  say(`voided ${voided?.after} ${voided?.upTo}`);
  while (voided !== undefined) {
    await new Promise((resolve) => setImmediate(resolve));
    if (segment.voidedRange === voided) continue;
    voided = segment.voidedRange;
    say(`purged ${voided?.after ?? 'all'}`);
  }
  setInterval(() => {}, 1000); // stays until it is killed, as the other modes do
}

async function main(): Promise<void> {
  const [mode, dir, flushMs] = process.argv.slice(2);
  if (dir === undefined) throw new Error('usage: hot-log-child append|rewrite|truncate DIR MS');
  const store = new LmdbNodeStore(dir, { flushIntervalMs: Number(flushMs ?? 20) });
  say('ready');
  if (mode === 'rewrite') await rewrite(store);
  else if (mode === 'truncate') await truncateAndPurge(store);
  else await appendForever(store, [0, 1, 2]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}
