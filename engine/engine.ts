/**
 * The Engine: opens the page layer (Trees), loads the catalog from Trees.catalogRoot, and opens
 * Sessions over them. It owns the engine-wide latch that orders statements (session.ts).
 *
 * Lifecycle: createEngine → openSession … → close. `close` waits for running statements (it
 * takes the latch exclusively), refuses new ones with ER_SERVER_SHUTDOWN, and closes the Trees
 * it opened (injected Trees belong to the caller).
 */
import type { Logger } from 'pino';
import type { StorageClient } from '../storage/index.js';
import type { Account, Engine, Session, SessionInit } from './api.js';
import type { Trees } from './btree/api.js';
import { openTrees } from './btree/index.js';
import { Catalog } from './catalog/catalog.js';
import { Latch } from './latch.js';
import { type EngineCore, EngineSession } from './session.js';

export interface EngineOptions {
  readonly storage: StorageClient;
  readonly log: Logger;
  /** Trees to use instead of opening them over `storage` (tests); the caller closes them. */
  readonly trees?: Trees;
  /** Buffer pool size in 16 KiB pages when the engine opens its own Trees. */
  readonly bufferPoolPages?: number;
}

class EngineImpl implements Engine, EngineCore {
  closing = false;

  constructor(
    readonly trees: Trees,
    readonly catalog: Catalog,
    readonly latch: Latch,
    readonly log: Logger,
    private readonly closeTrees: () => Promise<void>,
  ) {}

  private readonly startedAt = Date.now();
  private sessionsOpened = 0;

  openSession(init: SessionInit): Session {
    this.sessionsOpened++;
    return new EngineSession(this, init);
  }

  /** Accounts live in the catalog from issue 4 on; until then the server knows only root. */
  async findAccount(): Promise<Account | undefined> {
    return undefined;
  }

  statistics(): string {
    const uptime = Math.max(1, Math.floor((Date.now() - this.startedAt) / 1000));
    return (
      `Uptime: ${uptime}  Threads: ${this.sessionsOpened}  Questions: 0  Slow queries: 0  ` +
      `Opens: 0  Flush tables: 1  Open tables: 0  Queries per second avg: 0.000`
    );
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const release = await this.latch.exclusive();
    try {
      await this.closeTrees();
      this.log.info('engine closed');
    } finally {
      release();
    }
  }
}

export async function createEngine(options: EngineOptions): Promise<Engine> {
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
  log.info({ databases: catalog.databaseNames().length }, 'catalog loaded');
  return new EngineImpl(trees, catalog, new Latch(), log, closeTrees);
}
