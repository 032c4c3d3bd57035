/**
 * The catalog: databases and table definitions, persisted in the catalog B-tree (definitions.ts
 * gives the format) and cached in memory, loaded once when the engine starts.
 *
 * Changes are two-phase, so that a failed statement leaves the cache untouched: a DDL method
 * writes the catalog tree inside the statement's mini-transaction and returns a CatalogChange;
 * the caller applies the change to the cache only once `Trees.commit` has shipped the Mtr
 * (session.ts), or `Trees.commitStep` the step holding it (sql/index-build.ts IB5, when the
 * trees it frees are freed in steps after it). Everything here runs under the engine latch:
 * shared for lookups, exclusive for changes, so the cache and the tree never disagree for
 * longer than one statement.
 *
 * Names: database and table names are case-sensitive (lower_case_table_names = 0); column
 * names are not (definitions.ts, D2).
 *
 * Dropping a table or database leaves its trees to the caller, which frees them in steps after
 * the change (retireTrees). Loading first frees the trees a crash left pending (pending-trees.ts).
 */
import assert from 'node:assert/strict';
import { ENTRY_SIZE_MAX, type Mtr, type Trees } from '../btree/api.js';
import { SqlError } from '../errors.js';
import { pageId } from '../../storage/index.js';
import { ROW_ID_MAX, decodeRowId } from '../keys.js';
import { unreachable } from '../unreachable.js';
import {
  type DatabaseDef,
  type IndexDef,
  type IndexSpec,
  KEY_DATABASE,
  KEY_TABLE,
  type TableDef,
  databaseKey,
  decodeDatabase,
  type ViewDef,
  decodeTableEntry,
  encodeDatabase,
  encodeView,
  encodeTable,
  makeTableDef,
  counterKey,
  tableKey,
} from './definitions.js';
import { Programs } from './programs.js';
import { type PendingTree, dropPendingTrees } from './pending-trees.js';
import {
  AutoIncrementCounters,
  decodeCounter,
  encodeCounter,
  largestValue,
} from './auto-increment.js';

/** The last byte of a table's counter key (definitions.ts, counterKey). */
const COUNTER_SUFFIX = 0x01;

/** A table definition before its trees exist. */
export type TableSpec = Omit<
  TableDef,
  'root' | 'types' | 'keyTypes' | 'indexes' | 'autoIncrement'
> & {
  readonly indexes?: readonly IndexSpec[];
  readonly autoIncrement?: number | null;
  /** CREATE TABLE … AUTO_INCREMENT = n: the counter's first value. */
  readonly autoIncrementStart?: bigint;
};

export type CatalogChange =
  | { readonly kind: 'add-database'; readonly def: DatabaseDef }
  // Issue 6 (6c): views, renames, ALTER TABLE / TRUNCATE, ALTER DATABASE
  | { readonly kind: 'put-view'; readonly def: ViewDef }
  | { readonly kind: 'drop-view'; readonly database: string; readonly name: string }
  | {
      readonly kind: 'rename-table';
      readonly from: { readonly database: string; readonly name: string };
      readonly def: TableDef;
    }
  | {
      readonly kind: 'rename-view';
      readonly from: { readonly database: string; readonly name: string };
      readonly def: ViewDef;
    }
  /** A table's new definition, possibly with new trees (ALTER TABLE rebuild, TRUNCATE). */
  | {
      readonly kind: 'alter-table';
      readonly before: TableDef;
      readonly after: TableDef;
      /** The AUTO_INCREMENT counter's next value after the change, when it has one. */
      readonly autoIncrementNext?: bigint;
      /** The next hidden row id of a rebuilt table without a primary key. */
      readonly nextRowId?: bigint;
    }
  | { readonly kind: 'alter-database'; readonly def: DatabaseDef }
  | { readonly kind: 'drop-database'; readonly name: string }
  | { readonly kind: 'add-table'; readonly def: TableDef; readonly autoIncrementStart?: bigint }
  | { readonly kind: 'drop-table'; readonly database: string; readonly name: string }
  /** CREATE / DROP INDEX: the table's new definition (issue 5). */
  | { readonly kind: 'replace-table'; readonly def: TableDef };

interface DatabaseEntry {
  def: DatabaseDef;
  readonly tables: Map<string, TableDef>;
  /** Views (issue 6), in the tables' namespace (V1). */
  readonly views: Map<string, ViewDef>;
}

export class Catalog {
  private readonly databases = new Map<string, DatabaseEntry>();
  /** Bumped by every applied change: plans cached under an older version are stale. */
  version = 0;
  /** Tables opened since start (loaded, then created): MySQL's Opened_tables. */
  tablesOpened = 0;
  /** Next hidden row id per table without a primary key, keyed by its root page. */
  private readonly nextRowIds = new Map<number, bigint>();
  /** AUTO_INCREMENT counters (issue 5). */
  readonly autoIncrement = new AutoIncrementCounters();
  /** Stored procedures, functions and triggers (programs.ts, issue 6). */
  readonly programs: Programs;
  /** Trees an interrupted build left, dropped by `load` (pending-trees.ts). */
  droppedPendingTrees: readonly PendingTree[] = [];

  private constructor(private readonly trees: Trees) {
    this.programs = new Programs(trees);
  }

  /**
   * Reads every definition from the catalog tree (Trees.catalogRoot). A read engine's catalog
   * (`readOnly`) leaves the trees an interrupted build left to the writer, which drops them.
   */
  static async load(trees: Trees, options?: { readonly readOnly: boolean }): Promise<Catalog> {
    const catalog = new Catalog(trees);
    if (options?.readOnly !== true) catalog.droppedPendingTrees = await dropPendingTrees(trees);
    const tables: TableDef[] = [];
    const views: ViewDef[] = [];
    const counters = new Map<string, bigint>();
    // Keys from 0x03 on are the accounts' (users/accounts.ts), not the catalog's.
    const definitions = { upper: { key: Buffer.from([KEY_TABLE + 1]), inclusive: false } };
    for await (const batch of trees.scan(trees.catalogRoot, definitions)) {
      for (const entry of batch) {
        if (entry.key[0] === KEY_DATABASE) catalog.addDatabase(decodeDatabase(entry.value));
        else if (entry.key[0] === KEY_TABLE && entry.key.at(-1) === COUNTER_SUFFIX) {
          counters.set(entry.key.subarray(0, -1).toString('latin1'), decodeCounter(entry.value));
        } else if (entry.key[0] === KEY_TABLE) {
          const decoded = decodeTableEntry(entry.value);
          if (decoded.kind === 'table') tables.push(decoded.def);
          else views.push(decoded.def);
        } else assert.fail('catalog: unknown entry kind');
      }
    }
    for (const view of views) {
      const entry = catalog.databases.get(view.database);
      assert(entry !== undefined, 'catalog: a view belongs to a database');
      entry.views.set(view.name, view);
    }
    for (const table of tables) {
      const entry = catalog.databases.get(table.database);
      assert(entry !== undefined, 'catalog: a table belongs to a database');
      entry.tables.set(table.name, table);
      catalog.tablesOpened++;
      if (table.primaryKey.length === 0) await catalog.loadRowIdCounter(table);
      if (table.autoIncrement !== null) {
        // InnoDB 8: the persisted counter, or past the largest value, whichever is larger.
        const key = tableKey(table.database, table.name).toString('latin1');
        const persisted = counters.get(key) ?? 1n;
        const past = (await largestValue(trees, table)) + 1n;
        catalog.autoIncrement.set(table, persisted > past ? persisted : past, persisted);
      }
    }
    await catalog.programs.load();
    return catalog;
  }

  private addDatabase(def: DatabaseDef): void {
    assert(!this.databases.has(def.name), 'catalog: database names unique');
    this.databases.set(def.name, { def, tables: new Map(), views: new Map() });
  }

  /** InnoDB's way: the next row id is one past the largest in the table. */
  private async loadRowIdCounter(table: TableDef): Promise<void> {
    let next = 1n;
    for await (const batch of this.trees.scan(table.root, { reverse: true })) {
      const last = batch[0];
      if (last !== undefined) next = decodeRowId(last.key) + 1n;
      break;
    }
    this.nextRowIds.set(table.root, next);
  }

  // -- lookups -------------------------------------------------------------------------------

  hasDatabase(name: string): boolean {
    return this.databases.has(name);
  }

  table(database: string, name: string): TableDef | undefined {
    return this.databases.get(database)?.tables.get(name);
  }

  databaseNames(): string[] {
    return [...this.databases.keys()].sort();
  }

  tableNames(database: string): string[] {
    return [...(this.databases.get(database)?.tables.keys() ?? [])].sort();
  }

  tables(database: string): TableDef[] {
    return [...(this.databases.get(database)?.tables.values() ?? [])];
  }

  /** The database's definition (its default collation), or undefined. */
  database(name: string): DatabaseDef | undefined {
    return this.databases.get(name)?.def;
  }

  view(database: string, name: string): ViewDef | undefined {
    return this.databases.get(database)?.views.get(name);
  }

  views(database: string): ViewDef[] {
    return [...(this.databases.get(database)?.views.values() ?? [])];
  }

  /** True when `name` is a table or a view of `database` (V1). */
  hasTableOrView(database: string, name: string): boolean {
    const entry = this.databases.get(database);
    return entry !== undefined && (entry.tables.has(name) || entry.views.has(name));
  }

  /** Reserves `count` hidden row ids for `table`; returns the first. Gaps are harmless. */
  allocateRowIds(table: TableDef, count: number): bigint {
    assert.equal(table.primaryKey.length, 0, 'row ids only for tables without a primary key');
    const first = this.nextRowIds.get(table.root) ?? 1n;
    const next = first + BigInt(count);
    assert(next - 1n <= ROW_ID_MAX, 'row ids not exhausted');
    this.nextRowIds.set(table.root, next);
    return first;
  }

  // -- changes (inside the statement's Mtr; apply() after commit) -----------------------------

  async createDatabase(mtr: Mtr, def: DatabaseDef): Promise<CatalogChange> {
    const inserted = await this.trees.insert(
      mtr,
      this.trees.catalogRoot,
      databaseKey(def.name),
      encodeDatabase(def),
    );
    assert(inserted, 'catalog: the cache said the database was new');
    return { kind: 'add-database', def };
  }

  /**
   * Drops the database and its tables; returns the change, the table count and the tables,
   * whose trees the caller frees after the change (sql/index-build.ts retireTrees).
   */
  async dropDatabase(
    mtr: Mtr,
    name: string,
  ): Promise<{ change: CatalogChange; tables: number; dropped: readonly TableDef[] }> {
    const tables = this.tables(name);
    for (const table of tables) await this.dropTableTree(mtr, table);
    for (const view of this.views(name)) {
      await this.trees.delete(mtr, this.trees.catalogRoot, tableKey(view.database, view.name));
    }
    await this.programs.dropDatabase(mtr, name); // P2 (programs.ts)
    const deleted = await this.trees.delete(mtr, this.trees.catalogRoot, databaseKey(name));
    assert(deleted, 'catalog: the cache said the database existed');
    return { change: { kind: 'drop-database', name }, tables: tables.length, dropped: tables };
  }

  /** Creates the table's tree, its indexes' trees and its catalog entry. */
  async createTable(mtr: Mtr, spec: TableSpec): Promise<CatalogChange> {
    const key = tableKey(spec.database, spec.name);
    // The definition is one catalog entry (T5) until overflow pages exist.
    const placeholder = pageId(0xffff_ffff);
    const indexSpecs = spec.indexes ?? [];
    const sized = encodeTable(
      makeTableDef({
        ...spec,
        root: placeholder,
        indexes: indexSpecs.map((i) => ({ ...i, root: placeholder })),
      }),
    );
    if (key.length + sized.length > ENTRY_SIZE_MAX) throw new SqlError('ER_TOO_MANY_FIELDS');
    const root = await this.trees.createTree(mtr);
    const indexes: IndexDef[] = [];
    for (const index of indexSpecs)
      indexes.push({ ...index, root: await this.trees.createTree(mtr) });
    const { autoIncrementStart, ...rest } = spec;
    const def = makeTableDef({ ...rest, root, indexes });
    if (def.autoIncrement !== null && autoIncrementStart !== undefined && autoIncrementStart > 1n) {
      const counter = counterKey(def.database, def.name);
      await this.trees.insert(
        mtr,
        this.trees.catalogRoot,
        counter,
        encodeCounter(autoIncrementStart),
      );
    }
    const inserted = await this.trees.insert(mtr, this.trees.catalogRoot, key, encodeTable(def));
    assert(inserted, 'catalog: the cache said the table was new');
    return { kind: 'add-table', def, autoIncrementStart: autoIncrementStart ?? 1n };
  }

  /** CREATE [OR REPLACE] VIEW, ALTER VIEW: the view's entry (V1: its name is no table's). */
  async putView(mtr: Mtr, def: ViewDef): Promise<CatalogChange> {
    assert(this.table(def.database, def.name) === undefined, 'V1: a view is no table');
    const key = tableKey(def.database, def.name);
    const value = encodeView(def);
    if (key.length + value.length > ENTRY_SIZE_MAX) {
      throw new SqlError('ER_NOT_SUPPORTED_YET', ['view definitions this long']);
    }
    if (!(await this.trees.update(mtr, this.trees.catalogRoot, key, value))) {
      await this.trees.insert(mtr, this.trees.catalogRoot, key, value);
    }
    return { kind: 'put-view', def };
  }

  async dropView(mtr: Mtr, view: ViewDef): Promise<CatalogChange> {
    const deleted = await this.trees.delete(
      mtr,
      this.trees.catalogRoot,
      tableKey(view.database, view.name),
    );
    assert(deleted, 'catalog: the cache said the view existed');
    return { kind: 'drop-view', database: view.database, name: view.name };
  }

  /** RENAME TABLE of a table (its trees stay; its entry and counter move to the new name). */
  async renameTable(
    mtr: Mtr,
    table: TableDef,
    to: { readonly database: string; readonly name: string },
  ): Promise<CatalogChange> {
    // P3 (programs.ts): the table's triggers stay with it, in its database only.
    if (this.programs.renamingTriggers(mtr, table.database, table.name).length > 0) {
      if (to.database !== table.database) throw new SqlError('ER_TRG_IN_WRONG_SCHEMA');
      await this.programs.renameTableTriggers(mtr, table.database, table.name, to.name);
    }
    const def = makeTableDef({ ...table, database: to.database, name: to.name });
    const oldKey = tableKey(table.database, table.name);
    assert(
      await this.trees.delete(mtr, this.trees.catalogRoot, oldKey),
      'catalog: renamed table exists',
    );
    const inserted = await this.trees.insert(
      mtr,
      this.trees.catalogRoot,
      tableKey(to.database, to.name),
      encodeTable(def),
    );
    assert(inserted, 'catalog: the new name was free');
    const counter = await this.trees.get(
      this.trees.catalogRoot,
      counterKey(table.database, table.name),
    );
    if (counter !== undefined) {
      await this.trees.delete(mtr, this.trees.catalogRoot, counterKey(table.database, table.name));
      await this.trees.insert(
        mtr,
        this.trees.catalogRoot,
        counterKey(to.database, to.name),
        counter,
      );
    }
    return { kind: 'rename-table', from: { database: table.database, name: table.name }, def };
  }

  async renameView(
    mtr: Mtr,
    view: ViewDef,
    to: { readonly database: string; readonly name: string },
  ): Promise<CatalogChange> {
    const def: ViewDef = { ...view, database: to.database, name: to.name };
    assert(
      await this.trees.delete(mtr, this.trees.catalogRoot, tableKey(view.database, view.name)),
      'view exists',
    );
    await this.trees.insert(
      mtr,
      this.trees.catalogRoot,
      tableKey(to.database, to.name),
      encodeView(def),
    );
    return { kind: 'rename-view', from: { database: view.database, name: view.name }, def };
  }

  /**
   * A table's changed definition (ALTER TABLE, TRUNCATE): the entry is rewritten (the caller has
   * made and filled any new trees, and drops the old ones); `autoIncrementNext`, when given, is
   * persisted as the counter.
   */
  async alterTable(
    mtr: Mtr,
    before: TableDef,
    after: TableDef,
    extra: { readonly autoIncrementNext?: bigint; readonly nextRowId?: bigint } = {},
  ): Promise<CatalogChange> {
    assert(
      before.database === after.database && before.name === after.name,
      'alter keeps the name',
    );
    const key = tableKey(after.database, after.name);
    const value = encodeTable(after);
    if (key.length + value.length > ENTRY_SIZE_MAX) throw new SqlError('ER_TOO_MANY_FIELDS');
    assert(
      await this.trees.update(mtr, this.trees.catalogRoot, key, value),
      'catalog: altered table exists',
    );
    const counter = counterKey(after.database, after.name);
    if (after.autoIncrement === null) {
      await this.trees.delete(mtr, this.trees.catalogRoot, counter);
    } else if (extra.autoIncrementNext !== undefined) {
      const bytes = encodeCounter(extra.autoIncrementNext);
      if (!(await this.trees.update(mtr, this.trees.catalogRoot, counter, bytes))) {
        await this.trees.insert(mtr, this.trees.catalogRoot, counter, bytes);
      }
    }
    return { kind: 'alter-table', before, after, ...extra };
  }

  async alterDatabase(mtr: Mtr, def: DatabaseDef): Promise<CatalogChange> {
    const updated = await this.trees.update(
      mtr,
      this.trees.catalogRoot,
      databaseKey(def.name),
      encodeDatabase(def),
    );
    assert(updated, 'catalog: the altered database exists');
    return { kind: 'alter-database', def };
  }

  /** Drops the table's entries; the caller frees its trees after the change (retireTrees). */
  async dropTable(mtr: Mtr, table: TableDef): Promise<CatalogChange> {
    await this.dropTableTree(mtr, table);
    return { kind: 'drop-table', database: table.database, name: table.name };
  }

  /** The table's entries go; its trees stay for the caller to retire (in steps, IB5). */
  private async dropTableTree(mtr: Mtr, table: TableDef): Promise<void> {
    const key = tableKey(table.database, table.name);
    const deleted = await this.trees.delete(mtr, this.trees.catalogRoot, key);
    assert(deleted, 'catalog: the cache said the table existed');
    await this.trees.delete(mtr, this.trees.catalogRoot, counterKey(table.database, table.name));
    await this.programs.dropTableTriggers(mtr, table.database, table.name); // P2 (programs.ts)
  }

  /** Writes a table's changed definition (CREATE / DROP INDEX); apply() swaps it in after. */
  async replaceTable(mtr: Mtr, def: TableDef): Promise<CatalogChange> {
    const key = tableKey(def.database, def.name);
    const value = encodeTable(def);
    if (key.length + value.length > ENTRY_SIZE_MAX) throw new SqlError('ER_TOO_MANY_KEYS', [64]);
    const updated = await this.trees.update(mtr, this.trees.catalogRoot, key, value);
    assert(updated, 'catalog: the cache said the table existed');
    return { kind: 'replace-table', def };
  }

  apply(change: CatalogChange): void {
    this.version++;
    if (change.kind === 'add-table') this.tablesOpened++;
    switch (change.kind) {
      case 'add-database':
        this.addDatabase(change.def);
        return;
      case 'drop-database': {
        for (const table of this.tables(change.name)) {
          this.nextRowIds.delete(table.root);
          this.autoIncrement.forget(table);
        }
        this.databases.delete(change.name);
        this.programs.forgetDatabase(change.name);
        return;
      }
      case 'add-table': {
        const entry = this.databases.get(change.def.database);
        assert(entry !== undefined, 'catalog: a new table has its database');
        entry.tables.set(change.def.name, change.def);
        if (change.def.primaryKey.length === 0) this.nextRowIds.set(change.def.root, 1n);
        if (change.def.autoIncrement !== null) {
          const start = change.autoIncrementStart ?? 1n;
          this.autoIncrement.set(change.def, start, start);
        }
        return;
      }
      case 'replace-table': {
        const entry = this.databases.get(change.def.database);
        assert(entry?.tables.has(change.def.name) === true, 'catalog: a replaced table exists');
        entry.tables.set(change.def.name, change.def);
        return;
      }
      case 'put-view':
      case 'drop-view':
      case 'rename-table':
      case 'rename-view':
      case 'alter-table':
      case 'alter-database':
        this.applySchemaChange(change);
        return;
      case 'drop-table': {
        const table = this.table(change.database, change.name);
        if (table !== undefined) this.nextRowIds.delete(table.root);
        if (table !== undefined) this.autoIncrement.forget(table);
        this.databases.get(change.database)?.tables.delete(change.name);
        this.programs.forgetTable(change.database, change.name);
        return;
      }
      default:
        return unreachable(change);
    }
  }

  /** Issue 6's changes (views, renames, ALTER TABLE, ALTER DATABASE), applied to the cache. */
  private applySchemaChange(
    change: CatalogChange & {
      kind:
        | 'put-view'
        | 'drop-view'
        | 'rename-table'
        | 'rename-view'
        | 'alter-table'
        | 'alter-database';
    },
  ): void {
    const entry = (database: string): DatabaseEntry => {
      const found = this.databases.get(database);
      assert(found !== undefined, 'catalog: a changed object has its database');
      return found;
    };
    switch (change.kind) {
      case 'put-view':
        entry(change.def.database).views.set(change.def.name, change.def);
        return;
      case 'drop-view':
        entry(change.database).views.delete(change.name);
        return;
      case 'rename-view':
        entry(change.from.database).views.delete(change.from.name);
        entry(change.def.database).views.set(change.def.name, change.def);
        return;
      case 'rename-table': {
        const before = this.table(change.from.database, change.from.name);
        assert(before !== undefined, 'catalog: a renamed table existed');
        entry(change.from.database).tables.delete(change.from.name);
        entry(change.def.database).tables.set(change.def.name, change.def);
        this.programs.renameTable(change.from.database, change.from.name, change.def.name);
        return;
      }
      case 'alter-table': {
        const { before, after } = change;
        entry(after.database).tables.set(after.name, after);
        const next = change.autoIncrementNext ??
          (before.autoIncrement === null ? 1n : this.autoIncrement.peek(before));
        if (before.autoIncrement !== null) this.autoIncrement.forget(before);
        if (after.autoIncrement !== null) this.autoIncrement.set(after, next, next);
        if (before.root !== after.root) this.nextRowIds.delete(before.root);
        if (
          after.primaryKey.length === 0 &&
          (change.nextRowId !== undefined || before.root !== after.root)
        ) {
          this.nextRowIds.set(after.root, change.nextRowId ?? 1n);
        }
        return;
      }
      case 'alter-database':
        entry(change.def.name).def = change.def;
        return;
    }
  }
}
