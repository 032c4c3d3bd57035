/**
 * The system-variable registry: what a variable is (scope, type, default, read-only) and how a
 * value given to SET becomes its canonical value, with MySQL's errors:
 *
 *   unknown name                                   ER_UNKNOWN_SYSTEM_VARIABLE (1193)
 *   value of the wrong kind ('abc' for an integer) ER_WRONG_TYPE_FOR_VAR (1232)
 *   value outside the allowed set                  ER_WRONG_VALUE_FOR_VAR (1231)
 *   integer outside [min, max]                     clamped, warning 1292 (as MySQL does)
 *
 * Canonical values (what @@x reads and SHOW VARIABLES prints):
 *
 *   type      value        SELECT @@x        SHOW VARIABLES
 *   bool      0n | 1n      0 / 1             OFF / ON
 *   int       bigint       the number        the number
 *   double    number       the number        6 decimals
 *   enum      string       declared spelling
 *   set       string       members in declared order, comma-separated, upper case
 *   flags     string       name=on|off,… in declared order (optimizer_switch)
 *   string    string       as given (a `check` may refuse it)
 *
 * Scopes: 'global' variables have one engine-wide value; 'session' ones exist per session only;
 * 'both' have a global value that each new session copies (session-variables.ts).
 *
 * Invariant (V1): a definition's default is canonical for its type (asserted at registration).
 */
import assert from 'node:assert/strict';
import { SqlError } from '../errors.js';
import { Decimal } from '../sql/decimal.js';
import { formatDouble } from '../sql/values.js';
import type { Value, Warnings } from '../sql/values.js';

export type VariableScope = 'global' | 'session' | 'both';

export type VariableType =
  | { readonly kind: 'bool' }
  | { readonly kind: 'int'; readonly min: bigint; readonly max: bigint }
  | { readonly kind: 'double'; readonly min: number; readonly max: number }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'set'; readonly values: readonly string[] }
  | { readonly kind: 'flags'; readonly names: readonly string[] }
  | { readonly kind: 'string' };

export interface SystemVariableDef {
  /** Lower case. */
  readonly name: string;
  readonly scope: VariableScope;
  readonly type: VariableType;
  readonly default: Value;
  /** Not settable at all (ER_INCORRECT_GLOBAL_LOCAL_VAR … read only). */
  readonly readOnly?: boolean;
  /** Settable only with SET GLOBAL; the session value is a copy (max_allowed_packet). */
  readonly sessionReadOnly?: boolean;
  /** NULL is a valid value (character_set_results). */
  readonly nullable?: boolean;
  /**
   * Further validation or rewriting of a canonical value (time_zone, sql_mode, character sets):
   * returns the value to store, or throws SqlError.
   */
  readonly check?: (value: Value) => Value;
}

/** A value handed to SET: an evaluated expression, a bare word (ON, utf8mb4), or DEFAULT. */
export type SetInput =
  | { readonly kind: 'value'; readonly value: Value }
  | { readonly kind: 'word'; readonly word: string };

const registry = new Map<string, SystemVariableDef>();

/** Adds definitions; a name may be defined once (V1 is checked here). */
export function registerSystemVariables(defs: readonly SystemVariableDef[]): void {
  for (const def of defs) {
    assert.equal(def.name, def.name.toLowerCase(), 'variable names are lower case');
    assert(!registry.has(def.name), `variable ${def.name} defined once`);
    if (def.default !== null) {
      const canonical = canonicalValue(def, { kind: 'value', value: def.default }, NO_WARNINGS);
      assert.deepEqual(canonical, def.default, `V1: ${def.name}'s default is canonical`);
    } else {
      assert(def.nullable === true || def.type.kind === 'string', `V1: ${def.name} may be NULL`);
    }
    registry.set(def.name, def);
  }
}

export function findSystemVariable(name: string): SystemVariableDef | undefined {
  return registry.get(name.toLowerCase());
}

export function systemVariableNames(): string[] {
  return [...registry.keys()].sort();
}

const NO_WARNINGS: Warnings = { warn: () => undefined, count: () => 0 };

/** The value as MySQL prints it in error messages ('…' of 1231). */
export function valueText(value: Value): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') return formatDouble(value);
  return value.toString();
}

function wrongValue(def: SystemVariableDef, shown: string): SqlError {
  return new SqlError('ER_WRONG_VALUE_FOR_VAR', [def.name, shown]);
}

function wrongType(def: SystemVariableDef): SqlError {
  return new SqlError('ER_WRONG_TYPE_FOR_VAR', [def.name]);
}

function isNumber(value: Value): value is bigint | number | Decimal {
  return typeof value === 'bigint' || typeof value === 'number' || value instanceof Decimal;
}

function textOf(input: SetInput): string | undefined {
  if (input.kind === 'word') return input.word;
  return typeof input.value === 'string' ? input.value : undefined;
}

function boolValue(def: SystemVariableDef, input: SetInput): Value {
  const text = textOf(input);
  if (text !== undefined) {
    const upper = text.toUpperCase();
    if (upper === 'ON' || upper === 'TRUE') return 1n;
    if (upper === 'OFF' || upper === 'FALSE') return 0n;
    throw wrongValue(def, text);
  }
  const value = input.kind === 'value' ? input.value : null;
  if (typeof value === 'bigint') {
    if (value === 0n || value === 1n) return value;
    throw wrongValue(def, value.toString());
  }
  if (value === null) throw wrongValue(def, 'NULL');
  throw wrongType(def);
}

function intValue(
  def: SystemVariableDef,
  type: VariableType & { kind: 'int' },
  input: SetInput,
  warnings: Warnings,
): Value {
  const value = input.kind === 'value' ? input.value : undefined;
  if (value === null) throw wrongValue(def, 'NULL');
  if (typeof value !== 'bigint') throw wrongType(def);
  if (value < type.min || value > type.max) {
    warnings.warn('Warning', 1292, `Truncated incorrect ${def.name} value: '${value}'`);
    return value < type.min ? type.min : type.max;
  }
  return value;
}

function doubleValue(
  def: SystemVariableDef,
  type: VariableType & { kind: 'double' },
  input: SetInput,
  warnings: Warnings,
): Value {
  const value = input.kind === 'value' ? input.value : undefined;
  if (value === null) throw wrongValue(def, 'NULL');
  if (value === undefined || !isNumber(value)) throw wrongType(def);
  const n = typeof value === 'number' ? value : Number(value.toString());
  if (n < type.min || n > type.max) {
    warnings.warn('Warning', 1292, `Truncated incorrect ${def.name} value: '${valueText(value)}'`);
    return n < type.min ? type.min : type.max;
  }
  return n;
}

function enumValue(def: SystemVariableDef, values: readonly string[], input: SetInput): Value {
  const text = textOf(input);
  if (text !== undefined) {
    const found = values.find((v) => v.toUpperCase() === text.toUpperCase());
    if (found === undefined) throw wrongValue(def, text);
    return found;
  }
  const value = input.kind === 'value' ? input.value : null;
  if (typeof value === 'bigint') {
    const found = value >= 0n && value < BigInt(values.length) ? values[Number(value)] : undefined;
    if (found === undefined) throw wrongValue(def, value.toString());
    return found;
  }
  if (value === null) throw wrongValue(def, 'NULL');
  throw wrongType(def);
}

function setValue(def: SystemVariableDef, values: readonly string[], input: SetInput): Value {
  const text = textOf(input);
  const chosen = new Set<number>();
  if (text !== undefined) {
    for (const raw of text.split(',')) {
      const item = raw.trim().toUpperCase();
      if (item === '') continue;
      const index = values.indexOf(item);
      if (index === -1) throw wrongValue(def, raw.trim());
      chosen.add(index);
    }
  } else {
    const value = input.kind === 'value' ? input.value : null;
    if (value === null) throw wrongValue(def, 'NULL');
    if (typeof value !== 'bigint') throw wrongType(def);
    if (value < 0n || value >= 1n << BigInt(values.length)) {
      throw wrongValue(def, value.toString());
    }
    values.forEach((_, i) => {
      if ((value >> BigInt(i)) & 1n) chosen.add(i);
    });
  }
  return values.filter((_, i) => chosen.has(i)).join(',');
}

/** optimizer_switch: 'default', or 'name=on|off|default,…' changing only the names given. */
function flagsValue(
  def: SystemVariableDef,
  names: readonly string[],
  input: SetInput,
  current: Value,
): Value {
  const text = textOf(input);
  if (text === undefined) throw wrongType(def);
  const defaults = parseFlags(typeof def.default === 'string' ? def.default : '');
  const state = parseFlags(typeof current === 'string' ? current : '');
  for (const raw of text.split(',')) {
    const item = raw.trim().toLowerCase();
    if (item === '') continue;
    if (item === 'default') {
      for (const [name, on] of defaults) state.set(name, on);
      continue;
    }
    const [name, setting] = item.split('=').map((s) => s.trim());
    if (name === undefined || !names.includes(name)) throw wrongValue(def, raw.trim());
    if (setting === 'on' || setting === 'off') state.set(name, setting === 'on');
    else if (setting === 'default') state.set(name, defaults.get(name) ?? false);
    else throw wrongValue(def, raw.trim());
  }
  return names.map((name) => `${name}=${state.get(name) === true ? 'on' : 'off'}`).join(',');
}

function parseFlags(text: string): Map<string, boolean> {
  const flags = new Map<string, boolean>();
  for (const item of text.split(',')) {
    const [name, setting] = item.split('=');
    if (name !== undefined && name !== '') flags.set(name, setting === 'on');
  }
  return flags;
}

/**
 * The canonical value SET stores for `input`; `current` is the value being changed (flags
 * variables change only the flags named). Throws SqlError 1231/1232.
 */
export function canonicalValue(
  def: SystemVariableDef,
  input: SetInput,
  warnings: Warnings,
  current: Value = def.default,
): Value {
  if (input.kind === 'value' && input.value === null && def.nullable === true) return null;
  const type = def.type;
  let value: Value;
  switch (type.kind) {
    case 'bool':
      value = boolValue(def, input);
      break;
    case 'int':
      value = intValue(def, type, input, warnings);
      break;
    case 'double':
      value = doubleValue(def, type, input, warnings);
      break;
    case 'enum':
      value = enumValue(def, type.values, input);
      break;
    case 'set':
      value = setValue(def, type.values, input);
      break;
    case 'flags':
      value = flagsValue(def, type.names, input, current);
      break;
    case 'string': {
      const text = textOf(input);
      if (text === undefined) {
        const v = input.kind === 'value' ? input.value : null;
        if (v === null) throw wrongValue(def, 'NULL');
        throw wrongType(def);
      }
      value = text;
      break;
    }
    default:
      return assert.fail('unknown variable type');
  }
  return def.check === undefined ? value : def.check(value);
}

/** The text SHOW VARIABLES prints for a value of `def`. */
export function showText(def: SystemVariableDef | undefined, value: Value): string {
  if (value === null) return '';
  if (def?.type.kind === 'bool') return value === 1n ? 'ON' : 'OFF';
  if (typeof value === 'number') return value.toFixed(6);
  return value.toString();
}
