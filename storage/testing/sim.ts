/**
 * Deterministic simulation of the storage tier (TigerBeetle's VOPR, FoundationDB's simulation):
 * the production StorageNode, Segment and QuorumStorageClient code, on memory stores that lose
 * unsynced writes when they crash, over the faulty network of sim-kernel.ts, all on one virtual
 * clock and one seeded PRNG. `runSimulation({ seed })` is a pure function of the seed.
 *
 * A run: a cluster (6 nodes without zones, or 6 or 9 in three zones), a writer, and a random
 * schedule of steps — commits of random mini-transactions (applied to the writer's pages with
 * applyRedo, as the engine does), page reads, node crashes and restarts, partitions, a writer
 * crash and recovery (sometimes leaving the old writer running as a zombie), a byte flipped in a
 * stored record (for the scrub), a dead node replaced by an empty one — with virtual time
 * running between steps. Then the faults stop, every node comes back, a last writer recovers,
 * and the cluster must converge.
 *
 * Invariants, checked after every event (I1) or at each recovery, read and at the end:
 *   (I1) a writer's VDL never decreases.
 *   (I2) one writer per epoch: each recovery takes an epoch above every earlier one.
 *   (I3) an acknowledged commit is never lost: every recovery's VDL is at or above every LSN any
 *        writer (zombies too) has had acknowledged, and the records up to it are the ones that
 *        writer shipped.
 *   (I4) every page read (through the client, or from any single segment) equals the writer's
 *        page at that LSN, computed by applyRedo over the oracle's records.
 *   (I5) after healing, every segment of every group reaches the group's tail (gossip and
 *        catch-up fill every hole), and recovery's group tails are the oracle's.
 *   (I6) usage counts a segment's metadata carries are what its node's disk holds (usage.ts
 *        U4): checked on the disk a crash left, and at the end after every node stops cleanly.
 * A failure throws SimFailure, whose message names the seed (SIM_SEED=n replays it) and whose
 * `log` is the buffered log of the run.
 */
import assert from 'node:assert/strict';
import { QuorumStorageClient } from '../client.js';
import type { VolumeState } from '../client-api.js';
import { PAGES_PER_GROUP, protectionGroupOf } from '../config.js';
import { LSN_NONE, type Lsn, type PageId, lsn, pageId } from '../lsn.js';
import { placement } from '../membership.js';
import { StorageNode } from '../node.js';
import { PAGE_SIZE, PAGE_TYPE, canInsert, cell as pageCell, cellCount, pageType } from '../page.js';
import { applyRedo, cellReplacement } from '../page-apply.js';
import { type PageChange, decodeRedo, decodeRedoHeader } from '../redo.js';
import { MemoryDisk, MemoryNodeStore } from '../segment/memory-store.js';
import { SlotTransport } from '../transport.js';
import { TestWriter } from './records.js';
import { BufferLog, Prng, SimNetwork, VirtualClock, drain } from './sim-kernel.js';

export interface SimOptions {
  readonly seed: number;
  /** Steps of the random schedule (default 200). */
  readonly steps?: number;
}

export interface SimResult {
  readonly seed: number;
  readonly nodes: number;
  readonly zones: boolean;
  readonly commits: number;
  readonly acked: number;
  readonly writers: number;
  readonly crashes: number;
  readonly corruptions: number;
  readonly replacements: number;
  readonly reads: number;
  /** Segments whose persisted usage counts I6 compared with their disk. */
  readonly usageChecked: number;
  readonly events: number;
  readonly virtualMs: number;
  readonly vdl: number;
}

export class SimFailure extends Error {
  override readonly name = 'SimFailure';
  constructor(
    message: string,
    readonly seed: number,
    readonly log: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const CLIENT_LIMITS = {
  commitTimeoutMs: 1_500,
  requestTimeoutMs: 300,
  readTimeoutMs: 300,
  hedgeDelayMinMs: 5,
  backoffMinMs: 5,
  backoffMaxMs: 200,
  laggingBytesMax: 3_000,
  catchUpBytesMax: 2_000,
  appendBatchBytesMax: 1_500,
} as const;

const NODE_TIMING = {
  retentionMs: 4_000,
  scrubIntervalMs: 3_000,
  gossipIntervalMs: 100,
  gcIntervalMs: 500,
} as const;

class SimNode {
  disk = new MemoryDisk();
  store: MemoryNodeStore | undefined;
  readonly node: StorageNode;
  /** Replaced by an empty node: never comes back. */
  retired = false;
  /** Its disk's sync latency: a crash meanwhile loses what was staged. */
  readonly syncDelayMs: number;

  constructor(
    readonly address: string,
    readonly zone: string,
    w: World,
    id: number,
  ) {
    this.syncDelayMs = w.prng.chance(0.8) ? w.prng.between(0.1, 3) : 0;
    this.node = new StorageNode({
      id,
      log: w.log,
      openStore: () => {
        this.store = new MemoryNodeStore(this.disk, w.clock, this.syncDelayMs);
        return Promise.resolve(this.store);
      },
      clock: w.clock,
      random: w.prng,
      zone,
      network: w.net.endpoint(address),
      ...NODE_TIMING,
    });
    w.net.register(address, this.node);
  }

  get up(): boolean {
    return this.node.running;
  }
}

class SimWriter {
  readonly shipped = new Map<number, Buffer>();
  ackedThrough: Lsn = LSN_NONE;
  lastDurable: Lsn = LSN_NONE;
  fenced = false;
  writer: TestWriter | undefined;
  base: Lsn = LSN_NONE;

  constructor(
    readonly id: number,
    readonly client: QuorumStorageClient,
  ) {}
}

/** Everything a run holds. */
class World {
  readonly clock = new VirtualClock();
  readonly prng: Prng;
  readonly buffer: BufferLog;
  readonly net: SimNetwork;
  readonly nodes: SimNode[] = [];
  readonly writers: SimWriter[] = [];
  current: SimWriter | undefined;
  /** The newest writer's records, by LSN - 1: the timeline recovery must keep (I3). */
  timeline: Buffer[] = [];
  epochs: number[] = [];
  pages: PageId[] = [];
  counts = {
    commits: 0, acked: 0, crashes: 0, corruptions: 0, replacements: 0, reads: 0, usageChecked: 0,
  };
  spares = 0;
  original: string[] = [];
  /** Spares whose replacement failed half-way: they stay up (a membership may name them). */
  extras: SimNode[] = [];
  writerCrashDue = false;
  faultsOn = true;

  constructor(readonly seed: number) {
    this.prng = new Prng(seed);
    this.buffer = new BufferLog(this.clock);
    this.net = new SimNetwork(this.clock, this.prng);
  }

  get log() {
    return this.buffer.log;
  }

  fail(message: string): never {
    throw new Error(`I: ${message}`);
  }
}

export async function runSimulation(options: SimOptions): Promise<SimResult> {
  const w = new World(options.seed);
  try {
    return await run(w, options.steps ?? 200);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new SimFailure(
      `seed ${options.seed} failed at virtual ${w.clock.now().toFixed(1)} ms: ${message}\n` +
        `replay: SIM_SEED=${options.seed} SIM_STEPS=${options.steps ?? 200} ` +
        'npx vitest run storage/testing/sim.test.ts',
      options.seed,
      w.buffer.lines,
      { cause: error },
    );
  }
}

async function run(w: World, steps: number): Promise<SimResult> {
  const shape = w.prng.pick(['6', '6z', '9z'] as const);
  const count = shape === '9z' ? 9 : 6;
  const zones = shape !== '6';
  for (let i = 0; i < count; i++) {
    const zone = zones ? `zone-${'abc'[i % 3]}` : '';
    w.nodes.push(new SimNode(`node-${i}`, zone, w, i + 1));
  }
  w.original = w.nodes.map((n) => n.address);
  for (const n of w.nodes) await settle(w, n.node.start());
  w.pages = choosePages(w.prng);
  setFaults(w);
  w.buffer.note(`sim seed ${w.seed}: ${count} nodes, zones ${zones}`);
  await openWriter(w, false);
  for (let step = 0; step < steps; step++) {
    await randomStep(w);
    await runFor(w, w.prng.between(1, 40));
  }
  await heal(w);
  const final = await openWriter(w, false);
  await converge(w, final);
  const vdl = final.client.durableLsn();
  for (const n of upNodes(w)) {
    await settle(w, n.node.stop());
    checkUsage(w, n, 'after a clean stop');
  }
  return {
    seed: w.seed,
    nodes: count,
    zones,
    ...w.counts,
    writers: w.writers.length,
    events: w.clock.events,
    virtualMs: Math.round(w.clock.now()),
    vdl,
  };
}

function choosePages(prng: Prng): PageId[] {
  const groups = [0, 1, 2, 3 + prng.int(5)];
  const pages: PageId[] = [];
  for (const g of groups) {
    const n = 1 + prng.int(3);
    for (let i = 0; i < n; i++) pages.push(pageId(g * PAGES_PER_GROUP + 1 + i));
  }
  return pages;
}

function setFaults(w: World): void {
  const p = w.prng;
  w.net.faults = {
    dropRate: p.chance(0.5) ? p.between(0, 0.03) : 0,
    duplicateRate: p.chance(0.5) ? p.between(0, 0.05) : 0,
    delayMinMs: 0.05,
    delayMaxMs: p.between(0.2, 8),
    slowRate: p.chance(0.3) ? p.between(0, 0.02) : 0,
    slowMs: p.between(20, 400),
  };
  // Sometimes a node or two are degraded: acknowledgements come from the others first.
  if (p.chance(0.5)) {
    for (let i = 1 + p.int(2); i > 0; i--) {
      w.net.slow.set(p.pick(w.nodes).address, p.between(3, 30));
    }
  }
}

// ---- the event loop -----------------------------------------------------------------------

/** Runs events for `durationMs` of virtual time, checking I1 after each. */
async function runFor(w: World, durationMs: number): Promise<void> {
  const end = w.clock.now() + durationMs;
  for (let t = w.clock.peek(); t !== undefined && t <= end; t = w.clock.peek()) {
    w.clock.runNext();
    await drain();
    checkVdl(w);
  }
  w.clock.advanceTo(end);
}

/** Runs events until `promise` settles (or `limitMs` of virtual time passes). */
async function settle<T>(w: World, promise: Promise<T>, limitMs = 60_000): Promise<T> {
  let done = false;
  const watched = promise.finally(() => {
    done = true;
  });
  watched.catch(() => undefined);
  await drain();
  const end = w.clock.now() + limitMs;
  while (!done) {
    const t = w.clock.peek();
    if (t === undefined || t > end) throw new Error(`nothing settled in ${limitMs} ms`);
    w.clock.runNext();
    await drain();
    checkVdl(w);
  }
  return watched;
}

/** I1. */
function checkVdl(w: World): void {
  for (const sw of w.writers) {
    const vdl = sw.client.durableLsn();
    if (vdl < sw.lastDurable) w.fail(`I1: writer ${sw.id}: VDL ${sw.lastDurable} → ${vdl}`);
    sw.lastDurable = vdl;
  }
}

// ---- the schedule --------------------------------------------------------------------------

async function randomStep(w: World): Promise<void> {
  const r = w.prng.next();
  if (r < 0.55) return commit(w);
  if (r < 0.68) return read(w);
  if (r < 0.76) return crashNode(w);
  if (r < 0.84) return restartNode(w);
  if (r < 0.87) return partition(w);
  if (r < 0.9) return w.net.heal();
  if (w.writerCrashDue) {
    w.writerCrashDue = false;
    return writerCrash(w);
  }
  if (r < 0.92) return writerCrash(w);
  if (r < 0.94) return crashHolders(w, w.current?.ackedThrough ?? LSN_NONE);
  if (r < 0.96) return corrupt(w);
  if (r < 0.975) return replaceNode(w);
  return runFor(w, w.prng.between(100, 1_500));
}

function liveWriter(w: World): SimWriter | undefined {
  const sw = w.current;
  return sw === undefined || sw.fenced || sw.writer === undefined ? undefined : sw;
}

async function commit(w: World): Promise<void> {
  const zombies = w.writers.filter((z) => z !== w.current && !z.fenced && z.writer !== undefined);
  const sw = zombies.length > 0 && w.prng.chance(0.1) ? w.prng.pick(zombies) : liveWriter(w);
  if (sw?.writer === undefined) return;
  if (sw.writer.lastLsn - sw.client.durableLsn() > 300) return; // the LSN allocation limit
  const records = randomMtr(w, sw.writer);
  for (const bytes of records) {
    const h = decodeRedoHeader(bytes);
    sw.shipped.set(h.lsn, bytes);
    if (sw === w.current) w.timeline[h.lsn - 1] = bytes;
  }
  try {
    sw.client.ship(records);
  } catch {
    sw.fenced = true;
    return;
  }
  w.counts.commits++;
  const last = sw.writer.lastLsn;
  sw.client.waitDurable(last).then(
    () => {
      if (last > sw.ackedThrough) sw.ackedThrough = last;
      w.counts.acked++;
      // The adversary strikes at the moment of the acknowledgement, when the fewest hold it.
      if (sw === w.current && w.faultsOn && w.prng.chance(0.05)) {
        crashHolders(w, last);
        w.net.dropInFlight();
        w.writerCrashDue = true;
      }
    },
    () => undefined, // outcome unknown: nothing is promised
  );
}

/** A random mini-transaction over the workload's pages, applied to the writer's own pages. */
function randomMtr(w: World, tw: TestWriter): Buffer[] {
  const n = 1 + w.prng.int(3);
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const id = w.prng.pick(w.pages);
    out.push(tw.record(id, randomChange(w.prng, tw.page(id)), i === n - 1));
  }
  return out;
}

function randomChange(prng: Prng, page: Buffer): PageChange {
  const none = pageId(0);
  const n = pageType(page) === PAGE_TYPE.unformatted ? -1 : cellCount(page);
  if (n < 0 || prng.chance(0.01)) {
    return { kind: 'page-init', pageType: PAGE_TYPE.btreeLeaf, level: 0, link0: none, link1: none };
  }
  const cell = Buffer.from(`c${prng.int(1e6)}${'x'.repeat(prng.int(60))}`);
  const r = prng.next();
  if (!canInsert(page, cell.length + 8)) return { kind: 'cells-truncate', slot: n >> 1 };
  if (r < 0.6 || n === 0) return { kind: 'cell-insert', slot: prng.int(n + 1), cell };
  if (r < 0.8) return { kind: 'cell-delete', slot: prng.int(n) };
  if (r < 0.9) return { kind: 'cell-replace', slot: prng.int(n), cell };
  if (r < 0.95) {
    // A same-length replace of one byte, as the log writer ships it: a 'cell-patch'.
    const slot = prng.int(n);
    const next = Buffer.from(pageCell(page, slot));
    if (next.length > 0) next[prng.int(next.length)] = prng.int(256);
    return cellReplacement(page, { kind: 'cell-replace', slot, cell: next });
  }
  return { kind: 'link-set', which: prng.chance(0.5) ? 0 : 1, target: pageId(prng.int(99)) };
}

async function read(w: World): Promise<void> {
  const sw = liveWriter(w);
  if (sw === undefined) return;
  const vdl = sw.client.durableLsn();
  if (vdl === LSN_NONE) return;
  const at = w.prng.chance(0.7) ? vdl : lsn(Math.max(1, vdl - w.prng.int(20)));
  const id = w.prng.pick(w.pages);
  let page: Buffer;
  try {
    page = await settle(w, sw.client.readPage(id, at));
  } catch {
    return; // unavailable under faults: allowed, a wrong page is not
  }
  w.counts.reads++;
  const expected = oraclePage(w.timeline, id, at);
  if (!page.equals(expected)) w.fail(`I4: page ${id} at ${at} differs from the writer's`);
}

/** The writer's page at `at`: applyRedo over the timeline's records of that page. */
function oraclePage(timeline: readonly Buffer[], id: PageId, at: Lsn): Buffer {
  const page = Buffer.alloc(PAGE_SIZE);
  for (let i = 0; i < at && i < timeline.length; i++) {
    const bytes = timeline[i];
    if (bytes !== undefined && bytes.readUInt32BE(24) === id) applyRedo(page, decodeRedo(bytes));
  }
  return page;
}

/** I6: the usage counts in each segment's metadata on a node's disk, against a full count. */
function checkUsage(w: World, n: SimNode, when: string): void {
  const store = new MemoryNodeStore(n.disk, w.clock);
  for (const [group, g] of n.disk.groups) {
    const saved = g.meta?.usage;
    if (saved === undefined) continue;
    const held = store.segment(group).usage();
    const same = saved.records === held.records && saved.recordBytes === held.recordBytes &&
      saved.images === held.images && saved.imageBytes === held.imageBytes;
    const detail = `${JSON.stringify(saved)} saved, ${JSON.stringify(held)} held`;
    if (!same) w.fail(`I6: ${n.address} group ${group} ${when}: ${detail}`);
    w.counts.usageChecked++;
  }
}

function upNodes(w: World): SimNode[] {
  return w.nodes.filter((n) => n.up && !n.retired);
}

async function crashNode(w: World): Promise<void> {
  const up = upNodes(w);
  const down = w.nodes.filter((n) => !n.up && !n.retired).length;
  if (down >= 3 || up.length === 0) return;
  const victim = w.prng.pick(up);
  victim.node.halt();
  victim.store?.crash();
  checkUsage(w, victim, 'after a crash');
  w.net.bump(victim.address);
  w.counts.crashes++;
  w.buffer.note(`crash ${victim.address}`);
}

/**
 * The adversary's favourite: the nodes that hold the newest acknowledged record die, two of
 * them, and often the writer with them, so recovery must find the record on the others (I3).
 */
function crashHolders(w: World, acked: Lsn): void {
  const sw = w.current;
  const record = sw?.shipped.get(acked);
  if (sw === undefined || record === undefined) return;
  const group = protectionGroupOf(record.readUInt32BE(24) as PageId);
  const holders = upNodes(w).filter((n) =>
    n.disk.groups.get(group)?.index.some((e) => e.lsn === acked),
  );
  for (let i = 0; i < 3 && holders.length > 0; i++) {
    const victim = holders.splice(w.prng.int(holders.length), 1)[0] as SimNode;
    victim.node.halt();
    victim.store?.crash();
    checkUsage(w, victim, 'after a crash');
    w.net.bump(victim.address);
    w.counts.crashes++;
    w.buffer.note(`crash ${victim.address} (holds ${acked})`);
  }
}

async function restartNode(w: World): Promise<void> {
  const down = w.nodes.filter((n) => !n.up && !n.retired);
  if (down.length === 0) return;
  const node = w.prng.pick(down);
  w.net.bump(node.address);
  w.buffer.note(`restart ${node.address}`);
  await settle(w, node.node.start());
}

function partition(w: World): void {
  const live = w.nodes.filter((n) => !n.retired);
  if (w.prng.chance(0.5)) {
    const n = w.prng.pick(live);
    w.net.isolate(n.address);
    w.buffer.note(`isolate ${n.address}`);
  } else {
    const a = w.prng.pick(live);
    const b = w.prng.chance(0.5) ? writerAddress(w) : w.prng.pick(live).address;
    w.net.cut(a.address, b);
    w.buffer.note(`cut ${a.address} | ${b}`);
  }
}

function writerAddress(w: World): string {
  return `writer-${w.current?.id ?? 0}`;
}

/** The writer dies (or lives on, fenced, as a zombie) and a new one recovers. */
async function writerCrash(w: World): Promise<void> {
  const old = w.current;
  if (old !== undefined && w.prng.chance(0.7)) await settle(w, old.client.close());
  w.buffer.note(`writer ${old?.id} ${old?.client === undefined ? '' : 'crashes'}`);
  await openWriter(w, true);
}

/** Opens a new writer: recovery, then I2, I3 and I5's group tails; retried until it works. */
async function openWriter(w: World, mayFail: boolean): Promise<SimWriter> {
  for (let attempt = 0; ; attempt++) {
    const id = w.writers.length;
    // The seeds an operator gives: the nodes as they are now, or as they were at the start
    // (then discovery finds the replaced slots' new addresses in the membership).
    const current = w.nodes.filter((n) => !n.retired).map((n) => n.address);
    const seeds = w.prng.chance(0.5) ? current : w.original;
    const transport = new SlotTransport(w.net.endpoint(`writer-${id}`), seeds);
    const client = new QuorumStorageClient({
      log: w.log.child({ writer: id }),
      transport,
      clock: w.clock,
      limits: CLIENT_LIMITS,
    });
    const sw = new SimWriter(id, client);
    let state: VolumeState;
    try {
      state = await settle(w, client.open(), 30_000);
    } catch (error) {
      w.buffer.note(`writer ${id} open failed: ${String(error)}`);
      if (mayFail && attempt >= 2) return sw;
      if (attempt > 40) throw new Error(`no writer could open: ${String(error)}`);
      // An operator brings a node back, and after a while mends the network.
      await restartNode(w);
      if (attempt > 5) w.net.heal();
      await runFor(w, 500);
      continue;
    }
    checkRecovery(w, sw, state);
    return sw;
  }
}

function checkRecovery(w: World, sw: SimWriter, state: VolumeState): void {
  if (w.epochs.some((e) => e >= state.epoch)) {
    w.fail(`I2: epoch ${state.epoch} after epochs ${w.epochs.join(',')}`);
  }
  if (state.vdl > w.timeline.length) {
    w.fail(`I3: recovered VDL ${state.vdl} beyond anything shipped (${w.timeline.length})`);
  }
  for (const other of w.writers) {
    if (state.vdl < other.ackedThrough) {
      w.fail(`I3: writer ${other.id} had ${other.ackedThrough} acknowledged, VDL is ${state.vdl}`);
    }
    for (let l = other.base + 1; l <= other.ackedThrough; l++) {
      const shipped = other.shipped.get(l);
      if (shipped !== undefined && !shipped.equals(w.timeline[l - 1] ?? Buffer.alloc(0))) {
        w.fail(`I3: writer ${other.id}'s acknowledged record ${l} is not the one recovered`);
      }
    }
  }
  w.timeline = w.timeline.slice(0, state.vdl);
  checkTails(w, state);
  w.epochs.push(state.epoch);
  const writer = new TestWriter(state);
  for (const id of w.pages) writer.pages.set(id, oraclePage(w.timeline, id, state.vdl));
  sw.writer = writer;
  sw.base = state.vdl;
  w.writers.push(sw);
  w.current = sw;
  w.buffer.note(`writer ${sw.id} open: epoch ${state.epoch}, VDL ${state.vdl}`);
}

/** I5: recovery's group tails are the oracle's. */
function checkTails(w: World, state: VolumeState): void {
  const tails = new Map<number, Lsn>();
  w.timeline.forEach((bytes, i) => {
    tails.set(protectionGroupOf(bytes.readUInt32BE(24) as PageId), lsn(i + 1));
  });
  for (const [group, tail] of tails) {
    if ((state.groupTails.get(group) ?? LSN_NONE) !== tail) {
      w.fail(`I5: group ${group} tail ${state.groupTails.get(group)}, the writer's is ${tail}`);
    }
  }
}

/** Flips a byte of one stored record on one node (at most one copy of a group's records). */
async function corrupt(w: World): Promise<void> {
  if (w.counts.corruptions >= 2) return;
  const n = w.prng.pick(w.nodes.filter((x) => !x.retired));
  const groups = [...n.disk.groups.keys()];
  if (groups.length === 0) return;
  const group = w.prng.pick(groups);
  const pages = [...(n.disk.groups.get(group)?.records.entries() ?? [])];
  const withRecords = pages.filter(([, list]) => list.length > 0);
  if (withRecords.length === 0) return;
  const [page, list] = w.prng.pick(withRecords);
  const item = w.prng.pick(list);
  const byte = 34 + w.prng.int(Math.max(1, item.value.length - 34));
  if (n.disk.corruptRecord(group, { pageId: page, lsn: item.lsn }, byte)) {
    w.counts.corruptions++;
    w.buffer.note(`corrupt ${n.address} group ${group} page ${page} lsn ${item.lsn}`);
  }
}

/** A down node is declared dead: an empty node takes its slot and is rebuilt (M1, K8). */
async function replaceNode(w: World): Promise<void> {
  const sw = liveWriter(w);
  const m = sw?.client.membership;
  if (sw === undefined || m === undefined || m.joining.length > 0 || w.counts.replacements >= 2) {
    return;
  }
  const dead = w.nodes.filter((n) => !n.up && !n.retired);
  if (dead.length !== 1) return; // replace only when the rest are up to rebuild from
  const victim = dead[0] as SimNode;
  const slot = m.nodes.findIndex((node) => node.address === victim.address);
  if (slot < 0) return;
  const spare = new SimNode(`spare-${w.spares++}`, victim.zone, w, 100 + w.spares);
  await settle(w, spare.node.start());
  try {
    await settle(w, sw.client.replaceNode(slot, spare.address), 10_000);
  } catch (error) {
    // The new membership may have reached some nodes: the spare stays up, as an operator's would.
    w.buffer.note(`replace failed: ${String(error)}`);
    w.extras.push(spare);
    return;
  }
  victim.retired = true;
  w.nodes[w.nodes.indexOf(victim)] = spare;
  w.counts.replacements++;
  w.buffer.note(`replaced ${victim.address} by ${spare.address} in slot ${slot}`);
}

// ---- the end: heal and converge ------------------------------------------------------------

async function heal(w: World): Promise<void> {
  w.faultsOn = false;
  w.net.heal();
  w.net.faults = { ...w.net.faults, dropRate: 0, duplicateRate: 0, slowRate: 0 };
  for (const n of w.nodes) {
    if (!n.up && !n.retired) {
      w.net.bump(n.address);
      await settle(w, n.node.start());
    }
  }
  w.buffer.note('healed');
  await runFor(w, 2_000);
}

/** I5 and I4 per segment: every segment complete to its group's tail, every page right. */
async function converge(w: World, sw: SimWriter): Promise<void> {
  const tw = sw.writer;
  assert(tw !== undefined, 'the final writer opened');
  const vdl = sw.client.durableLsn();
  const m = sw.client.membership;
  assert(m !== undefined, 'open');
  const tails = new Map<number, Lsn>();
  for (let i = 0; i < vdl; i++) {
    const bytes = w.timeline[i];
    if (bytes === undefined) continue;
    tails.set(protectionGroupOf(bytes.readUInt32BE(24) as PageId), lsn(i + 1));
  }
  const deadline = w.clock.now() + 60_000;
  for (;;) {
    const lagging = await laggingSegments(w, sw, tails);
    if (lagging.length === 0) break;
    if (w.clock.now() > deadline) w.fail(`I5: segments never caught up: ${lagging.join('; ')}`);
    await runFor(w, 500);
  }
  await scrubClean(w);
  for (const id of w.pages) await checkEverySegment(w, sw, id, vdl);
}

/** Scrubs every node until a pass finds nothing bad: every flipped byte was repaired. */
async function scrubClean(w: World): Promise<void> {
  for (let round = 0; ; round++) {
    let corrupt = 0;
    for (const n of w.nodes.filter((x) => !x.retired)) {
      const scrub = w.net.endpoint('checker').send(n.address, { kind: 'ScrubRequest' });
      const reply = await settle(w, scrub);
      if (reply.kind === 'ScrubReply') corrupt += reply.corrupt;
    }
    if (corrupt === 0) return;
    if (round > 20) w.fail(`I4: ${corrupt} bad copies that the scrub could not repair`);
    await runFor(w, 500);
  }
}

async function laggingSegments(
  w: World,
  sw: SimWriter,
  tails: ReadonlyMap<number, Lsn>,
): Promise<string[]> {
  const m = sw.client.membership;
  assert(m !== undefined, 'open');
  const out: string[] = [];
  for (const [group, tail] of tails) {
    for (const slot of placement(m, group)) {
      const address = m.nodes[slot]?.address ?? '';
      const request = { kind: 'ListGroupsRequest' as const };
      const reply = await settle(w, w.net.endpoint('checker').send(address, request));
      const summary =
        reply.kind === 'ListGroupsReply' ? reply.groups.find((g) => g.group === group) : undefined;
      const synced = summary?.appliedEpoch === sw.client.writerEpoch;
      if (summary === undefined || summary.scl < tail || !synced) {
        const seen = JSON.stringify(summary);
        out.push(`group ${group} slot ${slot} (${address}): ${seen}, tail ${tail}`);
      }
    }
  }
  return out;
}

async function checkEverySegment(w: World, sw: SimWriter, id: PageId, at: Lsn): Promise<void> {
  const m = sw.client.membership;
  assert(m !== undefined, 'open');
  const expected = oraclePage(w.timeline, id, at);
  const written = w.timeline.slice(0, at).some((b) => {
    return protectionGroupOf(b.readUInt32BE(24) as PageId) === protectionGroupOf(id);
  });
  if (!written) return; // no segment of a group that was never written need exist
  for (const slot of placement(m, protectionGroupOf(id))) {
    const address = m.nodes[slot]?.address ?? '';
    const request = {
      kind: 'ReadPageRequest' as const,
      group: protectionGroupOf(id),
      epoch: sw.client.writerEpoch,
      pageId: id,
      readPoint: at,
    };
    const reply = await settle(w, w.net.endpoint('checker').send(address, request));
    if (reply.kind === 'Refused' && reply.reason === 'collected') continue;
    if (reply.kind !== 'ReadPageReply') w.fail(`I4: ${address} answered ${JSON.stringify(reply)}`);
    if (!reply.page.equals(expected)) w.fail(`I4: ${address} page ${id} at ${at} differs`);
  }
}
