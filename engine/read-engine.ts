/**
 * A read engine: Aurora's read replica as an Engine. It runs over a replica's page layer
 * (btree/replica.ts), which the writer's redo stream keeps current, and serves every statement
 * that only reads (read-only.ts) at the read point the writer last reported durable (its VDL).
 * The writer's side is `tapWriter`: it forwards what the writer's page layer ships, the VDL as
 * commits become durable and, after a statement changed the catalog, the LSN at which it did;
 * `PendingFeed` is the read engine's end, which exists before the engine (it may be another
 * thread's: server/reader/); `attachReadEngine` joins the two in one thread.
 *
 * Invariants:
 *   (RE1) a statement reads at the replica's VDL with the catalog, stored programs and accounts
 *         as of that VDL: when the VDL passes a schema change the writer reported, the read engine
 *         reloads all three at one snapshot at or above it while new statements wait (RO2);
 *         reloads run one at a time, in order of the points they load.
 *   (RE2) the writer reports a schema change before the VDL that covers it: it notices the
 *         change in a microtask after the commit that shipped it (a statement applies its catalog
 *         change in the same tick as it ships the commit), and the durability of that commit is
 *         reported only from a later task.
 *   (RE3) a read engine never writes: its page layer refuses (ER_OPTION_PREVENTS_STATEMENT), its
 *         catalog load leaves the trees of an interrupted build to the writer, and its sessions
 *         never start a writing statement (RO1).
 *   (RE4) its replica lag (status Borealis_replica_lag_ms) is how long, in ms, the newest VDL it
 *         took in spent between the writer knowing it durable and this engine reading at it; 0
 *         when fed in the writer's own thread.
 */
import type { Logger } from 'pino';
import type { Lsn, PageId } from '../storage/index.js';
import type { Account, Engine, MovableSession, SessionInit } from './api.js';
import type { RedoTap, Snapshot, Trees } from './btree/api.js';
import { type ReplicaPageSource, type ReplicaTrees, openReplicaTrees } from './btree/index.js';
import { Catalog } from './catalog/catalog.js';
import { type EngineClock, systemEngineClock } from './clock.js';
import { PLAN_CACHE_ENTRIES } from './config.js';
import { EngineImpl, type WriterEngine } from './engine.js';
import { Latch } from './latch.js';
import { ReadOnlyGate } from './read-only.js';
import { sqlErrorWithMessage } from './errors.js';
import { type GlobalsImage, applyImage } from './globals-image.js';
import { Accounts } from './users/accounts.js';

/** What the writer sends a read engine, in order (RE2). */
export interface ReadEngineFeed extends RedoTap {
  /** A statement changed the catalog, programs or accounts in the commit ending at `lsn`. */
  schemaChanged(lsn: Lsn): void;
  /**
   * The writer's VDL, and when (wall-clock ms) the writer knew it durable, when it comes from
   * another thread: the read engine's replica lag is how long it took to arrive (RE4).
   */
  durable(vdl: Lsn, madeAtMs?: number): void;
}

/** Wall-clock ms with µs precision, comparable between threads (the replica lag's clock). */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

export interface ReadEngine extends Engine, ReadEngineFeed {
  /** The read point new statements read at. */
  readonly vdl: Lsn;
  /** Its oldest read point held now (undefined: none): what storage must keep for it. */
  readFloor(): Lsn | undefined;
  /** Resolves once no catalog reload is pending (tests: the point reported is being served). */
  settled(): Promise<void>;
  /** Runs before every statement (read-only.ts catchUp): a feed that waits to be taken in. */
  beforeStatement(catchUp: () => void): void;
  /** Its sessions' transactions can move to a writer's session (write forwarding). */
  openSession(init: SessionInit): MovableSession;
  /**
   * KILL [QUERY] that reached a session's twin on the writer (write forwarding): the statement
   * running here is interrupted too (and, for a connection, every later one).
   */
  interrupt(connectionId: number, connection: boolean): void;
  /** Its writer's globals (GI1), but for its role's own (read_only, …). */
  applyGlobals(image: GlobalsImage): void;
}

/** The globals a read engine's role sets, whatever its writer's say. */
const READ_ENGINE_ROLE = { read_only: 1n, super_read_only: 1n, innodb_read_only: 1n } as const;
const READ_ENGINE_ROLE_NAMES: ReadonlySet<string> = new Set(Object.keys(READ_ENGINE_ROLE));

export interface ReadEngineOptions {
  readonly trees: ReplicaTrees;
  readonly log: Logger;
  readonly clock?: EngineClock;
  readonly planCacheEntries?: number;
  /** Closes `trees` when the engine closes (undefined: the caller closes them). */
  readonly closeTrees?: () => Promise<void>;
}

/**
 * Trees whose reads without a snapshot read at `at` while it is set: a reload reads the catalog
 * at one point however long it takes (RE1), and the catalog keeps these trees afterwards.
 */
function pinnedReads(trees: Trees): { readonly trees: Trees; at: Snapshot | undefined } {
  const holder: { trees: Trees; at: Snapshot | undefined } = { trees, at: undefined };
  const overrides: Partial<Trees> = {
    get: (root, key, at) => trees.get(root, key, at ?? holder.at),
    scan: (root, range, at) => trees.scan(root, range, at ?? holder.at),
    scanValues: (root, range, at, read) => trees.scanValues(root, range, at ?? holder.at, read),
    readOverflow: (first, length, at) => trees.readOverflow(first, length, at ?? holder.at),
  };
  holder.trees = new Proxy(trees, {
    get(target, property, receiver) {
      const own = Reflect.get(overrides, property) as unknown;
      if (own !== undefined) return own;
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return holder;
}

class ReadEngineImpl extends EngineImpl implements ReadEngine {
  /** Schema changes reported and not yet covered by the VDL (RE1). */
  private readonly schemaChanges: Lsn[] = [];
  private reloads: Promise<void> = Promise.resolve();
  /** RE4. */
  private lagMs = 0;

  constructor(
    private readonly pages: ReplicaTrees,
    private readonly reads: { readonly trees: Trees; at: Snapshot | undefined },
    catalog: Catalog,
    accounts: Accounts,
    options: ReadEngineOptions,
    log: Logger,
  ) {
    super(
      pages,
      catalog,
      new Latch(),
      log,
      options.closeTrees ?? (async () => undefined),
      options.clock ?? systemEngineClock,
      undefined,
      {
        planCacheEntries: options.planCacheEntries ?? PLAN_CACHE_ENTRIES,
        accounts,
        defaultAuthPlugin: 'caching_sha2_password',
        roleGlobals: READ_ENGINE_ROLE,
      },
      new ReadOnlyGate(),
    );
    this.services.status.roleRows.set('Borealis_replica_lag_ms', () => this.lagMs.toFixed(3));
  }

  get vdl(): Lsn {
    return this.pages.vdl;
  }

  readFloor(): Lsn | undefined {
    return this.pages.pool.readPoints.lowest();
  }

  shipped(records: readonly Buffer[]): void {
    this.pages.receive(records);
  }

  schemaChanged(lsn: Lsn): void {
    this.schemaChanges.push(lsn);
  }

  durable(vdl: Lsn, madeAtMs?: number): void {
    if (vdl <= this.pages.vdl) return;
    // RE4: how long the newest VDL took from the writer to this engine.
    this.lagMs = madeAtMs === undefined ? 0 : Math.max(0, wallClockMs() - madeAtMs);
    this.pages.advance(vdl);
    let covered: Lsn | undefined;
    while (this.schemaChanges.length > 0 && (this.schemaChanges[0] as Lsn) <= vdl) {
      covered = this.schemaChanges.shift();
    }
    if (covered !== undefined) this.reloadSchema(covered);
  }

  settled(): Promise<void> {
    return this.reloads;
  }

  beforeStatement(catchUp: () => void): void {
    (this.readOnly as ReadOnlyGate).catchUp = catchUp;
  }

  applyGlobals(image: GlobalsImage): void {
    applyImage(image, this.services.globals, this.transactions.globals, READ_ENGINE_ROLE_NAMES);
  }

  interrupt(connectionId: number, connection: boolean): void {
    this.services.processes.get(connectionId)?.interrupt.raise(connection);
  }

  /**
   * The accounts as of the newest VDL the writer reported (a login right after CREATE USER on
   * the writer finds the account, as a statement would: RM2).
   */
  override async findAccount(user: string, host: string): Promise<Account | undefined> {
    await (this.readOnly as ReadOnlyGate).caughtUp();
    return super.findAccount(user, host);
  }

  /**
   * RE1: the catalog, programs and accounts as of the VDL now, new statements waiting. If the
   * reload fails (storage unreachable), statements fail until a later one succeeds: one is
   * retried every RELOAD_RETRY_MS.
   */
  private reloadSchema(changedAt: Lsn): void {
    const gate = this.readOnly as ReadOnlyGate;
    const reload = this.reloads.then(async () => {
      const { catalog, accounts, lsn } = await loadSchema(this.pages, this.reads);
      catalog.version = this.catalog.version + 1;
      this.catalog = catalog;
      this.services.accounts.replaceWith(accounts);
      if (changedAt > gate.schemaLsn) gate.schemaLsn = changedAt;
      gate.stale = undefined;
      this.log.debug({ lsn }, 'schema reloaded');
    });
    this.reloads = reload.catch((error: unknown) => {
      this.log.error({ err: error }, 'schema reload failed; retrying');
      gate.stale = sqlErrorWithMessage(
        'ER_UNKNOWN_ERROR',
        'The read engine could not load the catalog the writer changed; retrying',
        error,
      );
      setTimeout(() => {
        if (!this.closing && gate.stale !== undefined) this.reloadSchema(changedAt);
      }, RELOAD_RETRY_MS).unref();
    });
    const settling: Promise<void> = this.reloads.then(() => {
      if (gate.settling === settling) gate.settling = undefined;
    });
    gate.settling = settling;
  }
}

/** RE1: how long a failed catalog reload waits before the next attempt. */
const RELOAD_RETRY_MS = 1_000;

/** Accounts.load's root for a volume without accounts: a read engine never makes one (RE3). */
const NO_ROOT = { password: '', plugin: 'mysql_native_password' } as const;

/** The catalog and accounts at one snapshot of `pages` (its VDL now), read through `reads`. */
async function loadSchema(
  pages: ReplicaTrees,
  reads: { readonly trees: Trees; at: Snapshot | undefined },
): Promise<{ catalog: Catalog; accounts: Accounts; lsn: Lsn }> {
  const snapshot = pages.snapshot();
  reads.at = snapshot;
  try {
    const catalog = await Catalog.load(reads.trees, { readOnly: true });
    const accounts = await Accounts.load(reads.trees, NO_ROOT);
    return { catalog, accounts, lsn: snapshot.lsn };
  } finally {
    reads.at = undefined;
    snapshot.release();
  }
}

/** A read engine over `options.trees`, reading at their VDL with the catalog as of it. */
export async function createReadEngine(options: ReadEngineOptions): Promise<ReadEngine> {
  const log = options.log.child({ component: 'read-engine' });
  const reads = pinnedReads(options.trees);
  const { catalog, accounts, lsn } = await loadSchema(options.trees, reads);
  log.info({ vdl: lsn, databases: catalog.databaseNames().length }, 'read engine open');
  return new ReadEngineImpl(options.trees, reads, catalog, accounts, options, log);
}

/** The writer as a read engine sees it: the writer's engine (engine.ts, WriterEngine). */
export type WriterTap = Pick<WriterEngine, 'trees' | 'tapRedo' | 'schemaGenerations'>;

export interface AttachOptions {
  /** Where the replica reads the pages it does not cache (the storage tier, at a read point). */
  readonly pages: ReplicaPageSource;
  readonly log: Logger;
  readonly bufferPoolPages?: number;
  readonly clock?: EngineClock;
  readonly planCacheEntries?: number;
}

/**
 * The writer's half of a feed: from now on, everything `writer` ships, the VDLs it reports and
 * its schema changes (RE2) go to `feed`. `start` is the writer's latest commit: the records after
 * it are the feed's; a read engine may start there once it is durable.
 */
export function tapWriter(
  writer: WriterTap,
  feed: ReadEngineFeed,
): { readonly start: Lsn; detach(): void } {
  const start = writer.trees.latestLsn();
  let seen = writer.schemaGenerations();
  let checking = false;
  const check = (): void => {
    checking = false;
    const now = writer.schemaGenerations();
    if (now === seen) return;
    seen = now;
    feed.schemaChanged(writer.trees.latestLsn());
  };
  const detach = writer.tapRedo({
    shipped(records) {
      feed.shipped(records);
      if (!checking) {
        checking = true;
        queueMicrotask(check); // RE2
      }
    },
    durable(vdl) {
      feed.durable(vdl);
    },
  });
  return { start, detach };
}

/**
 * A read engine fed by `writer`, in this thread. It starts at the writer's latest commit once
 * that is durable (tapWriter): it caches no page from before. Closing it detaches it.
 */
export async function attachReadEngine(
  writer: WriterTap,
  options: AttachOptions,
): Promise<ReadEngine> {
  const feed = new PendingFeed();
  const { start, detach } = tapWriter(writer, feed);
  try {
    await writer.trees.waitDurable(start);
    return await feed.open({ vdl: start, catalogRoot: writer.trees.catalogRoot }, options, detach);
  } catch (error) {
    detach();
    throw error;
  }
}

/**
 * A read engine's end of a feed, which exists before the engine: records are held until `open`
 * makes the replica's trees (then go to them, held there until a VDL covers them); VDLs and
 * schema changes wait until the engine has loaded its catalog, and are then replayed in order.
 * After that everything goes straight to the engine.
 */
export class PendingFeed implements ReadEngineFeed {
  private trees: ReplicaTrees | undefined = undefined;
  private engine: ReadEngine | undefined = undefined;
  private readonly held: Buffer[][] = [];
  private readonly schema: Lsn[] = [];
  private vdl: Lsn | undefined = undefined;

  shipped(records: readonly Buffer[]): void {
    if (this.engine !== undefined) this.engine.shipped(records);
    else if (this.trees !== undefined) this.trees.receive(records);
    else this.held.push([...records]);
  }

  durable(vdl: Lsn, madeAtMs?: number): void {
    if (this.engine !== undefined) this.engine.durable(vdl, madeAtMs);
    else this.vdl = vdl;
  }

  schemaChanged(lsn: Lsn): void {
    if (this.engine !== undefined) this.engine.schemaChanged(lsn);
    else this.schema.push(lsn);
  }

  /**
   * The read engine, at `start` (durable on the writer; the feed's records continue it). `detach`
   * runs when the engine closes.
   */
  async open(
    start: { readonly vdl: Lsn; readonly catalogRoot: PageId },
    options: AttachOptions,
    detach: () => void,
  ): Promise<ReadEngine> {
    const trees = openReplicaTrees({
      pages: options.pages,
      start,
      log: options.log,
      ...(options.bufferPoolPages === undefined
        ? {}
        : { bufferPoolPages: options.bufferPoolPages }),
    });
    for (const records of this.held) trees.receive(records);
    this.held.length = 0;
    this.trees = trees;
    const engine = await createReadEngine({
      trees,
      log: options.log,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.planCacheEntries === undefined
        ? {}
        : { planCacheEntries: options.planCacheEntries }),
      closeTrees: async () => {
        detach();
        await trees.close();
      },
    });
    for (const lsn of this.schema) engine.schemaChanged(lsn);
    if (this.vdl !== undefined) engine.durable(this.vdl);
    this.engine = engine;
    return engine;
  }
}
