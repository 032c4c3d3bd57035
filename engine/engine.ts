/**
 * The Engine: opens the page layer (Trees), loads the catalog from Trees.catalogRoot, and opens
 * Sessions over them. It owns the engine-wide latch that orders statements (session.ts).
 *
 * Lifecycle: createEngine → openSession … → close. `close` waits for running statements (it
 * takes the latch exclusively), refuses new ones with ER_SERVER_SHUTDOWN, and closes the Trees
 * it opened (injected Trees belong to the caller).
 */
import type { Logger } from 'pino';
import type { Lsn, StorageClient } from '../storage/index.js';
import type { Account, Engine, MovableSession, SessionInit } from './api.js';
import type { RedoTap, Trees } from './btree/api.js';
import { type OpenTrees, openTrees } from './btree/index.js';
import { Catalog } from './catalog/catalog.js';
import { Latch } from './latch.js';
import { type EngineClock, systemEngineClock } from './clock.js';
import { type EngineCore, EngineSession } from './session.js';
import type { SessionServices } from './session-extras.js';
import { GlobalVariables } from './variables/session-variables.js';
import { GlobalStatus } from './variables/status.js';
import { PLAN_CACHE_ENTRIES } from './config.js';
import { PlanCache } from './sql/plan-cache.js';
import { ProcessList } from './process-list.js';
import { Accounts } from './users/accounts.js';
import type { AuthPlugin } from './users/passwords.js';
import { TransactionManager } from './txn/manager.js';
import type { TransactionLimits } from './txn/transaction.js';
import type { ReadOnlyGate } from './read-only.js';
import type { Value } from './sql/values.js';
import { type GlobalsImage, imageOf, sameTransactionGlobals } from './globals-image.js';

export interface EngineOptions {
  readonly storage: StorageClient;
  readonly log: Logger;
  /** Trees to use instead of opening them over `storage` (tests); the caller closes them. */
  readonly trees?: Trees;
  /** Buffer pool size in 16 KiB pages when the engine opens its own Trees. */
  readonly bufferPoolPages?: number;
  /** The clock (tests drive their own); the system clock by default. */
  readonly clock?: EngineClock;
  /** Plan cache capacity in normalised texts (0 turns it off); PLAN_CACHE_ENTRIES by default. */
  readonly planCacheEntries?: number;
  /**
   * root@localhost's password, used once: when the volume has no accounts yet (its first
   * start). Secret: never logged.
   */
  readonly rootPassword?: string;
  /** @@default_authentication_plugin: new accounts' plugin (MySQL 8: caching_sha2_password). */
  readonly defaultAuthPlugin?: AuthPlugin;
  /** A transaction's write-set bound (WRITE_SET_BYTES_MAX unless a test says otherwise). */
  readonly writeSetBytesMax?: number;
}

/** What the issue-4 services start from (see SessionServices). */
interface SessionSetup {
  readonly planCacheEntries: number;
  readonly accounts: Accounts;
  readonly defaultAuthPlugin: AuthPlugin;
  /** Global variables whose value the engine's role sets (a read engine's read_only). */
  readonly roleGlobals?: Readonly<Record<string, Value>>;
}

export class EngineImpl implements Engine, EngineCore {
  closing = false;
  storage: StorageClient | undefined = undefined;
  readonly transactions: TransactionManager;
  readonly services: SessionServices;

  constructor(
    readonly trees: Trees,
    /** Replaced as a whole when a read engine reloads it (read-engine.ts). */
    public catalog: Catalog,
    readonly latch: Latch,
    readonly log: Logger,
    private readonly closeTrees: () => Promise<void>,
    clock: EngineClock,
    txnLimits: TransactionLimits | undefined,
    issue4: SessionSetup,
    readonly readOnly?: ReadOnlyGate,
  ) {
    this.transactions = new TransactionManager(trees, catalog, latch, log, txnLimits, clock);
    const status = new GlobalStatus(clock, () => ({
      open: this.catalog
        .databaseNames()
        .reduce((n, db) => n + this.catalog.tableNames(db).length, 0),
      opened: this.catalog.tablesOpened,
    }));
    this.services = {
      clock,
      globals: new GlobalVariables({
        default_authentication_plugin: issue4.defaultAuthPlugin,
        ...issue4.roleGlobals,
      }),
      status,
      planCache: new PlanCache(issue4.planCacheEntries),
      processes: new ProcessList(clock),
      accounts: issue4.accounts,
    };
    this.schemaSeen = { generation: this.schemaGenerations(), lsn: trees.latestLsn() };
  }

  /** A read engine's tap on this writer's redo (read-engine.ts); the trees must offer one. */
  tapRedo(tap: RedoTap): () => void {
    const trees = this.trees as Partial<OpenTrees>;
    if (typeof trees.tapRedo !== 'function') {
      throw new Error('tapRedo: these trees ship no redo to tap');
    }
    return trees.tapRedo(tap);
  }

  /** The oldest read point of the read engines fed from this writer (OpenTrees). */
  setReaderFloor(lowest: Lsn | undefined): void {
    (this.trees as Partial<OpenTrees>).setReaderFloor?.(lowest);
  }

  /** Moved by every change to the catalog, stored programs or accounts (read-engine.ts, RE2). */
  schemaGenerations(): number {
    const { catalog, services } = this;
    return catalog.version + catalog.programs.generation + services.accounts.generation;
  }

  openSession(init: SessionInit): MovableSession {
    return new EngineSession(this, init);
  }

  private readonly globalsWatchers = new Set<(image: GlobalsImage) => void>();
  /** What the last image given to the watchers held (noteGlobals). */
  private globalsSeen: { readonly version: number; readonly image: GlobalsImage } | undefined;

  /** Its global variables as another engine takes them in (globals-image.ts). */
  globalsImage(): GlobalsImage {
    return imageOf(this.services.globals, this.transactions.globals);
  }

  /** Calls `watcher` with the image whenever a statement changed a global (GI1). */
  watchGlobals(watcher: (image: GlobalsImage) => void): () => void {
    this.globalsWatchers.add(watcher);
    return () => this.globalsWatchers.delete(watcher);
  }

  /** EngineCore: a SET of variables ended; the watchers hear of a changed global. */
  noteGlobals(): void {
    if (this.globalsWatchers.size === 0) return;
    const { version } = this.services.globals; // moved by every SET GLOBAL of a system variable
    const seen = this.globalsSeen;
    const txn = this.transactions.globals;
    if (seen?.version === version && sameTransactionGlobals(seen.image, txn)) return;
    const image = this.globalsImage();
    this.globalsSeen = { version, image };
    for (const watcher of this.globalsWatchers) watcher(image);
  }

  /** The last schema generation seen, and the latest LSN when it was first seen (noteSchema). */
  private schemaSeen: { readonly generation: number; readonly lsn: Lsn };

  /**
   * EngineCore: a change is dated by the latest LSN when first noticed, at or after its commit
   * (every statement's end notices one), so a read point before a change is always caught.
   */
  noteSchema(): void {
    const generation = this.schemaGenerations();
    if (this.schemaSeen.generation !== generation) {
      this.schemaSeen = { generation, lsn: this.trees.latestLsn() };
    }
  }

  schemaChangedAfter(lsn: Lsn): boolean {
    this.noteSchema();
    return lsn < this.schemaSeen.lsn;
  }

  /** The account a login as user@host uses (users/accounts.ts has MySQL's matching order). */
  async findAccount(user: string, host: string): Promise<Account | undefined> {
    const record = this.services.accounts.match(user, host);
    if (record === undefined) return undefined;
    const { plugin, authString, locked } = record;
    return { user: record.user, host: record.host, plugin, authString, locked };
  }

  statistics(): string {
    return this.services.status.statistics();
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const release = await this.latch.exclusive();
    try {
      if (this.readOnly === undefined) await persistCountersOnClose(this);
      await this.closeTrees();
      this.log.info('engine closed');
    } finally {
      release();
    }
  }
}

/**
 * A clean close writes each AUTO_INCREMENT counter exactly (auto-increment.ts, A2: commits
 * persist them a reserve ahead), so a restart resumes where this run stopped. A volume that
 * cannot take the write keeps the reserve: the restart skips values, reuses none.
 */
async function persistCountersOnClose(engine: EngineImpl): Promise<void> {
  const { catalog, trees } = engine;
  const tables = catalog
    .databaseNames()
    .flatMap((db) => catalog.tables(db))
    .filter((t) => t.autoIncrement !== null);
  if (tables.length === 0) return;
  try {
    const mtr = await trees.begin();
    let written: number;
    try {
      written = await catalog.autoIncrement.persistExactly(trees, mtr, tables);
    } catch (error) {
      trees.rollback(mtr);
      throw error;
    }
    await trees.commit(mtr);
    if (written > 0) engine.log.info({ counters: written }, 'AUTO_INCREMENT counters persisted');
  } catch (error) {
    engine.log.warn({ err: error }, 'AUTO_INCREMENT counters not persisted at close');
  }
}

/** The writer: an Engine a read engine can be fed from (read-engine.ts). */
export interface WriterEngine extends Engine {
  /** Its sessions can take in a transaction moved from a read engine (write forwarding). */
  openSession(init: SessionInit): MovableSession;
  /** Its globals for a read engine (globals-image.ts), now and after every SET GLOBAL. */
  globalsImage(): GlobalsImage;
  watchGlobals(watcher: (image: GlobalsImage) => void): () => void;
  readonly trees: Trees;
  tapRedo(tap: RedoTap): () => void;
  schemaGenerations(): number;
  /** Storage keeps what reads at or above `lowest` need (a reader thread's oldest snapshot). */
  setReaderFloor(lowest: Lsn | undefined): void;
}

export async function createEngine(options: EngineOptions): Promise<WriterEngine> {
  const log = options.log.child({ component: 'engine' });
  let trees: Trees;
  let closeTrees: () => Promise<void>;
  if (options.trees !== undefined) {
    trees = options.trees;
    closeTrees = async () => undefined;
  } else {
    const opened = await openTrees({
      storage: options.storage,
      log: options.log,
      ...(options.bufferPoolPages === undefined
        ? {}
        : { bufferPoolPages: options.bufferPoolPages }),
    });
    trees = opened;
    closeTrees = () => opened.close();
  }
  const catalog = await Catalog.load(trees);
  const defaultAuthPlugin = options.defaultAuthPlugin ?? 'caching_sha2_password';
  // root@localhost is made with mysql_native_password, the plugin the greeting offers: no auth
  // switch at connect, and libmariadb clients (sysbench) never load caching_sha2_password from
  // several threads at once, which fails there with 1156. Accounts made later get
  // @@default_authentication_plugin, as in MySQL 8.
  const accounts = await Accounts.load(trees, {
    password: options.rootPassword ?? '',
    plugin: 'mysql_native_password',
  });
  log.info({ databases: catalog.databaseNames().length }, 'catalog loaded');
  for (const tree of catalog.droppedPendingTrees) {
    // A DDL statement was cut off (a crash) while it built or freed this tree.
    log.warn({ root: tree.root, what: tree.what }, 'freed a tree an interrupted statement left');
  }
  const txnLimits =
    options.writeSetBytesMax === undefined
      ? undefined
      : { writeSetBytesMax: options.writeSetBytesMax };
  const engine = new EngineImpl(
    trees,
    catalog,
    new Latch(),
    log,
    closeTrees,
    options.clock ?? systemEngineClock,
    txnLimits,
    {
      planCacheEntries: options.planCacheEntries ?? PLAN_CACHE_ENTRIES,
      accounts,
      defaultAuthPlugin,
    },
  );
  // The storage tier, for information_schema.BOREALIS_SEGMENTS (6c); test doubles may lack it.
  engine.storage =
    typeof options.storage.segmentStatus === 'function' ? options.storage : undefined;
  return engine;
}
