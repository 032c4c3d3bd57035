/**
 * System variable values: one GlobalVariables per engine, one SessionVariables per session.
 *
 *   GLOBAL value   engine-wide; SET GLOBAL changes it for sessions opened later
 *   SESSION value  a session's own copy, taken from the GLOBAL values when it opens (and again on
 *                  COM_RESET_CONNECTION / COM_CHANGE_USER); session-only variables start at their
 *                  default
 *
 * Reading (@@x, @@session.x, @@global.x) and the scope errors MySQL gives:
 *
 *   @@x            the session value, or the global one for a global-only variable
 *   @@session.x    ER_INCORRECT_GLOBAL_LOCAL_VAR (1238) "… is a GLOBAL variable" if global-only
 *   @@global.x     ER_INCORRECT_GLOBAL_LOCAL_VAR (1238) "… is a SESSION variable" if session-only
 *
 * Some variables are computed rather than stored (warning_count, timestamp): the session
 * `provide`s a getter. Others belong to another part of the engine (the transaction layer's
 * autocommit, transaction_isolation …): `external` looks them up first, and their owner keeps
 * the value and validates it. Components that react to a stored variable changing `watch` it:
 * `check` runs before any assignment of a SET applies (and may refuse it), `apply` after.
 *
 * Invariant (S1): a session's stored map holds a canonical value (registry.ts, V1) for every
 * session-scope and both-scope variable.
 */
import assert from 'node:assert/strict';
import { SqlError } from '../errors.js';
import type { Value } from '../sql/values.js';
import './definitions.js';
import { type SystemVariableDef, findSystemVariable, systemVariableNames } from './registry.js';

/** A variable owned elsewhere (issue 5's transaction variables), bound to one session. */
export interface ExternalVariable {
  readonly scope: 'session' | 'both';
  readonly default: Value;
  get(global: boolean): Value;
  set(value: Value, global: boolean): void | Promise<void>;
}

export interface VariableWatch {
  check?(value: Value, global: boolean): void | Promise<void>;
  apply?(value: Value, global: boolean): void | Promise<void>;
}

export type ReadScope = 'global' | 'session' | null;

export class GlobalVariables {
  private readonly values = new Map<string, Value>();
  /** Bumped by every change: what a session derives from the values is current while equal. */
  version = 0;

  constructor(overrides: Readonly<Record<string, Value>> = {}) {
    for (const name of systemVariableNames()) {
      const def = findSystemVariable(name) as SystemVariableDef;
      this.values.set(
        name,
        Object.hasOwn(overrides, name) ? (overrides[name] as Value) : def.default,
      );
    }
  }

  get(name: string): Value {
    const value = this.values.get(name);
    // Issue 8 (cost): no message made per read (every global is in the map, none undefined).
    if (value === undefined) assert.fail(`global ${name} exists`);
    return value;
  }

  set(name: string, value: Value): void {
    assert(this.values.has(name), `global ${name} exists`);
    this.values.set(name, value);
    this.version++;
  }

  /** Every global value, by name. */
  entries(): IterableIterator<[string, Value]> {
    return this.values.entries();
  }

  /** Values for a new session: every variable that has a session scope. */
  sessionCopy(): Map<string, Value> {
    const copy = new Map<string, Value>();
    for (const [name, value] of this.values) {
      const def = findSystemVariable(name) as SystemVariableDef;
      if (def.scope !== 'global') copy.set(name, value);
    }
    return copy;
  }
}

export class SessionVariables {
  private values: Map<string, Value>;
  /** Bumped by every change of the session values (with `globals.version`: see there). */
  version = 0;
  private readonly providers = new Map<string, () => Value>();
  private readonly watchers = new Map<string, VariableWatch[]>();
  /** Variables owned elsewhere, by name, looked up before the registry (set by the session). */
  externals: ReadonlyMap<string, ExternalVariable> = new Map();

  constructor(readonly globals: GlobalVariables) {
    this.values = globals.sessionCopy();
  }

  /** Back to the global values (COM_RESET_CONNECTION, COM_CHANGE_USER). */
  reset(): void {
    this.values = this.globals.sessionCopy();
    this.version++;
  }

  provide(name: string, getter: () => Value): void {
    assert(findSystemVariable(name) !== undefined, `provide: ${name} is defined`);
    this.providers.set(name, getter);
  }

  watch(name: string, hooks: VariableWatch): void {
    assert(findSystemVariable(name) !== undefined, `watch: ${name} is defined`);
    const list = this.watchers.get(name) ?? [];
    list.push(hooks);
    this.watchers.set(name, list);
  }

  /** The session value (global for a global-only variable) of a registered variable. */
  get(name: string): Value {
    const external = this.externals.get(name);
    if (external !== undefined) return external.get(false);
    const provider = this.providers.get(name);
    if (provider !== undefined) return provider();
    if (this.values.has(name)) return this.values.get(name) as Value;
    return this.globals.get(name);
  }

  /** @@[scope.]name, with MySQL's errors (1193, 1238). */
  read(name: string, scope: ReadScope): Value {
    const folded = name.toLowerCase();
    const external = this.externals.get(folded);
    if (external !== undefined) return external.get(scope === 'global');
    const def = findSystemVariable(folded);
    if (def === undefined) throw new SqlError('ER_UNKNOWN_SYSTEM_VARIABLE', [name]);
    checkReadScope(def, scope);
    if (scope === 'global') return this.globals.get(folded);
    return this.get(folded);
  }

  /** Stores a canonical value (S1); the caller has validated it. */
  store(name: string, value: Value, global: boolean): void {
    if (global) this.globals.set(name, value);
    else {
      this.values.set(name, value);
      this.version++;
    }
  }

  async check(name: string, value: Value, global: boolean): Promise<void> {
    for (const w of this.watchers.get(name) ?? []) await w.check?.(value, global);
  }

  async applied(name: string, value: Value, global: boolean): Promise<void> {
    for (const w of this.watchers.get(name) ?? []) await w.apply?.(value, global);
  }
}

export function checkReadScope(def: SystemVariableDef, scope: ReadScope): void {
  if (scope === 'session' && def.scope === 'global') {
    throw new SqlError('ER_INCORRECT_GLOBAL_LOCAL_VAR', [def.name, 'GLOBAL']);
  }
  if (scope === 'global' && def.scope === 'session') {
    throw new SqlError('ER_INCORRECT_GLOBAL_LOCAL_VAR', [def.name, 'SESSION']);
  }
}
