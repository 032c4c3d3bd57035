/**
 * Stored programs in the catalog (issue 6): procedures, functions and triggers, persisted in the
 * catalog B-tree next to the tables (definitions.ts) and cached in memory, loaded with the
 * catalog when the engine starts.
 *
 *   key                                              value
 *   0x05 name(db) type('P' | 'F') name(lower) n     chunk n of { v, routine: RoutineDef } (JSON)
 *   0x06 name(db) name(lower) n                      chunk n of { v, trigger: TriggerDef } (JSON)
 *
 * A definition longer than one entry is cut into chunks of CHUNK_BYTES (n = 0, 1, …).
 *
 * Changes are two-phase like the catalog's: a method writes the tree inside the statement's Mtr
 * and returns a ProgramChange; `apply` changes the cache once the Mtr is committed.
 *
 * Invariants:
 *   (P1) Routine names are case-insensitive per database and type; trigger names per database.
 *   (P2) A trigger's table exists in its database: dropping the table (or the database) drops
 *        its triggers in the same Mtr; dropping a database drops its routines.
 *   (P3) Renaming a table (RENAME TABLE, ALTER TABLE … RENAME) keeps its triggers: their
 *        definitions are rewritten to name the new table in the same Mtr, and a table with
 *        triggers cannot move to another database (1435), as in MySQL. Several renames in one
 *        Mtr (a swap through a temporary name) each see the earlier ones (`pending`).
 */
import assert from 'node:assert/strict';
import type { Mtr, Trees } from '../btree/api.js';
import type {
  RoutineCharacteristics,
  RoutineParam,
  RoutineType,
  TriggerEvent,
  TriggerTiming,
} from '../sql/ast-routine.js';

export const KEY_ROUTINE = 0x05;
export const KEY_TRIGGER = 0x06;
const DEFINITION_VERSION = 1;
/** Chunk size: well under ENTRY_SIZE_MAX with the key. */
const CHUNK_BYTES = 3_500;
const CHUNKS_MAX = 250;

export interface Definer {
  readonly user: string;
  readonly host: string;
}

/** What every stored program records of the session that created it. */
export interface ProgramContext {
  readonly definer: Definer;
  readonly sqlMode: string;
  readonly charsetClient: string;
  readonly collationConnection: string;
  readonly databaseCollation: string;
  /** ms since the epoch. */
  readonly created: number;
}

export interface RoutineDef extends ProgramContext {
  readonly database: string;
  readonly name: string;
  readonly type: RoutineType;
  readonly params: readonly RoutineParam[];
  readonly paramsText: string;
  readonly returns: string | null;
  readonly characteristics: RoutineCharacteristics;
  readonly characteristicsText: string;
  readonly body: string;
  readonly modified: number;
}

export interface TriggerDef extends ProgramContext {
  readonly database: string;
  readonly name: string;
  readonly table: string;
  readonly timing: TriggerTiming;
  readonly event: TriggerEvent;
  readonly body: string;
}

export type ProgramChange =
  | { readonly kind: 'put-routine'; readonly def: RoutineDef }
  | {
      readonly kind: 'drop-routine';
      readonly database: string;
      readonly type: RoutineType;
      readonly name: string;
    }
  | { readonly kind: 'put-trigger'; readonly def: TriggerDef }
  | { readonly kind: 'drop-trigger'; readonly database: string; readonly name: string };

function nameBytes(name: string): number[] {
  const parts: number[] = [];
  for (const b of Buffer.from(name, 'utf8')) {
    parts.push(b);
    if (b === 0) parts.push(0xff);
  }
  parts.push(0, 0);
  return parts;
}

function routineBase(database: string, type: RoutineType, name: string): number[] {
  return [
    KEY_ROUTINE,
    ...nameBytes(database),
    type === 'PROCEDURE' ? 0x50 : 0x46,
    ...nameBytes(name.toLowerCase()),
  ];
}

function triggerBase(database: string, name: string): number[] {
  return [KEY_TRIGGER, ...nameBytes(database), ...nameBytes(name.toLowerCase())];
}

function routineKey(type: RoutineType, name: string): string {
  return `${type}:${name.toLowerCase()}`;
}

export class Programs {
  private readonly routineMap = new Map<string, Map<string, RoutineDef>>();
  private readonly triggerMap = new Map<string, Map<string, TriggerDef>>();
  /** P3: trigger definitions an uncommitted Mtr's renames rewrote, by lower-cased name. */
  private readonly pending = new WeakMap<Mtr, Map<string, TriggerDef>>();
  /** Bumped by every change applied (a read engine's writer notices it: read-engine.ts). */
  generation = 0;

  constructor(private readonly trees: Trees) {}

  /** Reads every stored program from the catalog tree. */
  async load(): Promise<void> {
    const range = {
      lower: { key: Buffer.from([KEY_ROUTINE]), inclusive: true },
      upper: { key: Buffer.from([KEY_TRIGGER + 1]), inclusive: false },
    };
    let base: Buffer | null = null;
    let chunks: Buffer[] = [];
    const flush = (): void => {
      if (base !== null) this.decode(base[0] as number, Buffer.concat(chunks));
      chunks = [];
    };
    for await (const batch of this.trees.scan(this.trees.catalogRoot, range)) {
      for (const entry of batch) {
        const entryBase = entry.key.subarray(0, -1);
        if (base === null || !entryBase.equals(base)) {
          flush();
          base = Buffer.from(entryBase);
        }
        chunks.push(Buffer.from(entry.value));
      }
    }
    flush();
  }

  private decode(kind: number, bytes: Buffer): void {
    const o = JSON.parse(bytes.toString('utf8')) as {
      v: number;
      routine?: RoutineDef;
      trigger?: TriggerDef;
    };
    assert.equal(o.v, DEFINITION_VERSION, 'programs: definition version');
    if (kind === KEY_ROUTINE && o.routine !== undefined) this.cacheRoutine(o.routine);
    else if (kind === KEY_TRIGGER && o.trigger !== undefined) this.cacheTrigger(o.trigger);
    else assert.fail('programs: unknown entry');
  }

  // -- lookups -------------------------------------------------------------------------------

  routine(database: string, type: RoutineType, name: string): RoutineDef | undefined {
    return this.routineMap.get(database)?.get(routineKey(type, name));
  }

  /** Routines of `database` (every database's when null), by name. */
  routines(database: string | null): RoutineDef[] {
    const dbs = database === null ? [...this.routineMap.values()] : [this.routineMap.get(database)];
    return dbs
      .flatMap((m) => [...(m?.values() ?? [])])
      .sort((a, b) => a.database.localeCompare(b.database) || a.name.localeCompare(b.name));
  }

  /** True when any database has a trigger (statements build their trigger host only then). */
  anyTriggers(): boolean {
    for (const m of this.triggerMap.values()) if (m.size > 0) return true;
    return false;
  }

  trigger(database: string, name: string): TriggerDef | undefined {
    return this.triggerMap.get(database)?.get(name.toLowerCase());
  }

  /** Triggers of `database` (every database's when null), in ACTION_ORDER per table and event. */
  triggers(database: string | null): TriggerDef[] {
    const dbs = database === null ? [...this.triggerMap.values()] : [this.triggerMap.get(database)];
    return dbs
      .flatMap((m) => [...(m?.values() ?? [])])
      .sort(
        (a, b) =>
          a.database.localeCompare(b.database) ||
          a.created - b.created ||
          a.name.localeCompare(b.name),
      );
  }

  /** The triggers a row change of `table` fires at `timing`, in order. */
  tableTriggers(
    database: string,
    table: string,
    timing: TriggerTiming,
    event: TriggerEvent,
  ): TriggerDef[] {
    const all = this.triggerMap.get(database);
    if (all === undefined || all.size === 0) return [];
    return [...all.values()]
      .filter((t) => t.table === table && t.timing === timing && t.event === event)
      .sort((a, b) => a.created - b.created || a.name.localeCompare(b.name));
  }

  /** ACTION_ORDER: 1-based position among the triggers of its table, timing and event. */
  actionOrder(def: TriggerDef): number {
    return (
      this.tableTriggers(def.database, def.table, def.timing, def.event).findIndex(
        (t) => t.name === def.name,
      ) + 1
    );
  }

  // -- changes (inside the statement's Mtr; apply() after commit) ----------------------------

  private async putChunks(mtr: Mtr, base: number[], value: Buffer): Promise<void> {
    const count = Math.max(1, Math.ceil(value.length / CHUNK_BYTES));
    assert(count <= CHUNKS_MAX, 'programs: definition within CHUNKS_MAX chunks');
    await this.deleteChunks(mtr, base);
    for (let i = 0; i < count; i++) {
      const key = Buffer.from([...base, i]);
      const chunk = value.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES);
      const inserted = await this.trees.insert(mtr, this.trees.catalogRoot, key, chunk);
      assert(inserted, 'programs: chunk keys are free after the delete');
    }
  }

  private async deleteChunks(mtr: Mtr, base: number[]): Promise<boolean> {
    let any = false;
    for (let i = 0; i < CHUNKS_MAX; i++) {
      if (!(await this.trees.delete(mtr, this.trees.catalogRoot, Buffer.from([...base, i])))) break;
      any = true;
    }
    return any;
  }

  async putRoutine(mtr: Mtr, def: RoutineDef): Promise<ProgramChange> {
    const value = Buffer.from(JSON.stringify({ v: DEFINITION_VERSION, routine: def }), 'utf8');
    await this.putChunks(mtr, routineBase(def.database, def.type, def.name), value);
    return { kind: 'put-routine', def };
  }

  async dropRoutine(mtr: Mtr, def: RoutineDef): Promise<ProgramChange> {
    const deleted = await this.deleteChunks(mtr, routineBase(def.database, def.type, def.name));
    assert(deleted, 'programs: the cache said the routine existed');
    return { kind: 'drop-routine', database: def.database, type: def.type, name: def.name };
  }

  async putTrigger(mtr: Mtr, def: TriggerDef): Promise<ProgramChange> {
    const value = Buffer.from(JSON.stringify({ v: DEFINITION_VERSION, trigger: def }), 'utf8');
    await this.putChunks(mtr, triggerBase(def.database, def.name), value);
    return { kind: 'put-trigger', def };
  }

  async dropTrigger(mtr: Mtr, def: TriggerDef): Promise<ProgramChange> {
    const deleted = await this.deleteChunks(mtr, triggerBase(def.database, def.name));
    assert(deleted, 'programs: the cache said the trigger existed');
    return { kind: 'drop-trigger', database: def.database, name: def.name };
  }

  /** P2: the triggers of a table being dropped (the cache follows in forgetTable). */
  async dropTableTriggers(mtr: Mtr, database: string, table: string): Promise<void> {
    for (const t of this.triggers(database)) {
      if (t.table === table) await this.deleteChunks(mtr, triggerBase(database, t.name));
    }
  }

  /** P3: the triggers of `table` as `mtr` sees them (the cache, with the Mtr's renames). */
  renamingTriggers(mtr: Mtr, database: string, table: string): TriggerDef[] {
    const pending = this.pending.get(mtr);
    return this.triggers(database)
      .map((t) => pending?.get(t.name.toLowerCase()) ?? t)
      .filter((t) => t.table === table);
  }

  /**
   * P3: a table renamed within `database` keeps its triggers (the cache follows in
   * renameTable once the Mtr commits). The caller has refused a move to another database.
   */
  async renameTableTriggers(mtr: Mtr, database: string, from: string, to: string): Promise<void> {
    let pending = this.pending.get(mtr);
    for (const t of this.renamingTriggers(mtr, database, from)) {
      const def: TriggerDef = { ...t, table: to };
      await this.putTrigger(mtr, def);
      if (pending === undefined) this.pending.set(mtr, (pending = new Map()));
      pending.set(def.name.toLowerCase(), def);
    }
  }

  /** P2: the routines of a database being dropped (its tables' triggers go with the tables). */
  async dropDatabase(mtr: Mtr, database: string): Promise<void> {
    for (const r of this.routines(database)) {
      await this.deleteChunks(mtr, routineBase(database, r.type, r.name));
    }
  }

  apply(change: ProgramChange): void {
    this.generation++;
    switch (change.kind) {
      case 'put-routine':
        this.cacheRoutine(change.def);
        return;
      case 'drop-routine':
        this.routineMap.get(change.database)?.delete(routineKey(change.type, change.name));
        return;
      case 'put-trigger':
        this.cacheTrigger(change.def);
        return;
      case 'drop-trigger':
        this.triggerMap.get(change.database)?.delete(change.name.toLowerCase());
        return;
    }
  }

  forgetDatabase(database: string): void {
    this.routineMap.delete(database);
    this.triggerMap.delete(database);
  }

  /** P3: the cache after a committed rename of a table within `database`. */
  renameTable(database: string, from: string, to: string): void {
    const all = this.triggerMap.get(database);
    if (all === undefined) return;
    for (const [key, t] of all) if (t.table === from) all.set(key, { ...t, table: to });
  }

  forgetTable(database: string, table: string): void {
    const all = this.triggerMap.get(database);
    if (all === undefined) return;
    for (const [key, t] of all) if (t.table === table) all.delete(key);
  }

  private cacheRoutine(def: RoutineDef): void {
    let m = this.routineMap.get(def.database);
    if (m === undefined) this.routineMap.set(def.database, (m = new Map()));
    m.set(routineKey(def.type, def.name), def);
  }

  private cacheTrigger(def: TriggerDef): void {
    let m = this.triggerMap.get(def.database);
    if (m === undefined) this.triggerMap.set(def.database, (m = new Map()));
    m.set(def.name.toLowerCase(), def);
  }
}
