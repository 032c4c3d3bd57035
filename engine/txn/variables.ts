/**
 * The system variables the transaction layer owns: their values live in SessionTransactions
 * (session scope) and TransactionManager.globals (global scope); the generic SET / @@ / SHOW
 * VARIABLES machinery (engine/variables/) finds them here first by name.
 *
 *   name                       scope  values
 *   autocommit                 both   0/1 (ON/OFF); SET autocommit=1 commits an open transaction
 *   transaction_isolation      both   READ-UNCOMMITTED … SERIALIZABLE, or 0..3
 *   transaction_read_only      both   0/1
 *   innodb_lock_wait_timeout   both   1 .. 1073741824 seconds (clamped, warning 1292)
 *   lock_wait_timeout          both   1 .. 31536000 seconds: metadata locks (DDL vs transactions)
 *   auto_increment_increment   both   1 .. 65535 (clamped)
 *   auto_increment_offset      both   1 .. 65535 (clamped)
 *   last_insert_id, identity   session  the value LAST_INSERT_ID() returns
 *
 * `set` receives the value as the SET evaluated it (bigint, number, string, Decimal; a bare word
 * as a string) and validates it with MySQL's errors: ER_WRONG_VALUE_FOR_VAR (1231) for a value
 * outside the allowed set, ER_WRONG_TYPE_FOR_VAR (1232) for a value of the wrong kind.
 */
import { LOCK_WAIT_TIMEOUT_MAX_S, METADATA_LOCK_WAIT_TIMEOUT_S } from '../config.js';
import { SqlError } from '../errors.js';
import { Decimal } from '../sql/decimal.js';
import type { Value } from '../sql/values.js';
import type { ExternalVariable } from '../variables/session-variables.js';
import type { TransactionGlobals } from './manager.js';
import { ISOLATION_LEVELS, type Isolation } from './transaction.js';

/** What a session offers the variables: its values, and the actions some SETs take. */
export interface TxnVariableHost {
  readonly globals: TransactionGlobals;
  autocommit: boolean;
  isolation: Isolation;
  readOnly: boolean;
  lockWaitTimeoutS: number;
  /** lock_wait_timeout: metadata locks (mdl.ts). */
  metadataLockWaitS: number;
  autoIncrementIncrement: number;
  autoIncrementOffset: number;
  lastInsertId: bigint;
  /** SET autocommit = 1 commits an open transaction (MySQL does). */
  setAutocommit(on: boolean): Promise<void>;
  /** SET @@transaction_isolation (no scope): the next transaction only; 1568 inside one. */
  setNextIsolation(level: Isolation): void;
  setNextReadOnly(readOnly: boolean): void;
}

export interface TxnVariable {
  readonly name: string;
  readonly scope: 'session' | 'both';
  readonly default: Value;
  get(s: TxnVariableHost, global: boolean): Value;
  /** `next`: SET @@x without a scope, for the variables where that means the next transaction. */
  set(s: TxnVariableHost, value: Value, global: boolean, next?: boolean): void | Promise<void>;
}

function shown(value: Value): string {
  if (value === null) return 'NULL';
  if (value instanceof Decimal) return value.toString();
  return String(value);
}

function wrongValue(name: string, value: Value): SqlError {
  return new SqlError('ER_WRONG_VALUE_FOR_VAR', [name, shown(value)]);
}

function asBool(name: string, value: Value): boolean {
  if (typeof value === 'bigint') {
    if (value === 0n || value === 1n) return value === 1n;
    throw wrongValue(name, value);
  }
  if (typeof value === 'string') {
    const word = value.toUpperCase();
    if (word === 'ON' || word === 'TRUE' || word === '1') return true;
    if (word === 'OFF' || word === 'FALSE' || word === '0') return false;
    throw wrongValue(name, value);
  }
  if (value === null) throw wrongValue(name, value);
  throw new SqlError('ER_WRONG_TYPE_FOR_VAR', [name]);
}

function asInt(name: string, value: Value, min: number, max: number): number {
  let n: bigint;
  if (typeof value === 'bigint') n = value;
  else if (value instanceof Decimal && value.scale === 0) n = value.toBigInt();
  else throw new SqlError('ER_WRONG_TYPE_FOR_VAR', [name]);
  if (n < BigInt(min)) return min;
  if (n > BigInt(max)) return max;
  return Number(n);
}

function asIsolation(name: string, value: Value): Isolation {
  if (typeof value === 'bigint') {
    const level = ISOLATION_LEVELS[Number(value)];
    if (value >= 0n && level !== undefined) return level;
    throw wrongValue(name, value);
  }
  if (typeof value === 'string') {
    const word = value.toUpperCase().replace(/ /g, '-');
    const level = ISOLATION_LEVELS.find((l) => l === word);
    if (level !== undefined) return level;
    throw wrongValue(name, value);
  }
  if (value === null) throw wrongValue(name, value);
  throw new SqlError('ER_WRONG_TYPE_FOR_VAR', [name]);
}

const bool = (b: boolean): bigint => (b ? 1n : 0n);

const DEFINITIONS: readonly TxnVariable[] = [
  {
    name: 'autocommit',
    scope: 'both',
    default: 1n,
    get: (s, global) => bool(global ? s.globals.autocommit : s.autocommit),
    set: async (s, value, global) => {
      const on = asBool('autocommit', value);
      if (global) s.globals.autocommit = on;
      else await s.setAutocommit(on);
    },
  },
  {
    name: 'transaction_isolation',
    scope: 'both',
    default: 'REPEATABLE-READ',
    get: (s, global) => (global ? s.globals.isolation : s.isolation),
    set: (s, value, global, next) => {
      const level = asIsolation('transaction_isolation', value);
      if (global) s.globals.isolation = level;
      else if (next === true) s.setNextIsolation(level);
      else s.isolation = level;
    },
  },
  {
    name: 'transaction_read_only',
    scope: 'both',
    default: 0n,
    get: (s, global) => bool(global ? s.globals.readOnly : s.readOnly),
    set: (s, value, global, next) => {
      const readOnly = asBool('transaction_read_only', value);
      if (global) s.globals.readOnly = readOnly;
      else if (next === true) s.setNextReadOnly(readOnly);
      else s.readOnly = readOnly;
    },
  },
  {
    name: 'innodb_lock_wait_timeout',
    scope: 'both',
    default: 50n,
    get: (s, global) => BigInt(global ? s.globals.lockWaitTimeoutS : s.lockWaitTimeoutS),
    set: (s, value, global) => {
      const seconds = asInt('innodb_lock_wait_timeout', value, 1, LOCK_WAIT_TIMEOUT_MAX_S);
      if (global) s.globals.lockWaitTimeoutS = seconds;
      else s.lockWaitTimeoutS = seconds;
    },
  },
  {
    name: 'auto_increment_increment',
    scope: 'both',
    default: 1n,
    get: (s, g) => BigInt(g ? s.globals.autoIncrementIncrement : s.autoIncrementIncrement),
    set: (s, value, global) => {
      const n = asInt('auto_increment_increment', value, 1, 65_535);
      if (global) s.globals.autoIncrementIncrement = n;
      else s.autoIncrementIncrement = n;
    },
  },
  {
    name: 'auto_increment_offset',
    scope: 'both',
    default: 1n,
    get: (s, g) => BigInt(g ? s.globals.autoIncrementOffset : s.autoIncrementOffset),
    set: (s, value, global) => {
      const n = asInt('auto_increment_offset', value, 1, 65_535);
      if (global) s.globals.autoIncrementOffset = n;
      else s.autoIncrementOffset = n;
    },
  },
  {
    name: 'lock_wait_timeout',
    scope: 'both',
    default: BigInt(METADATA_LOCK_WAIT_TIMEOUT_S),
    get: (s, global) => BigInt(global ? s.globals.metadataLockWaitS : s.metadataLockWaitS),
    set: (s, value, global) => {
      const seconds = asInt('lock_wait_timeout', value, 1, METADATA_LOCK_WAIT_TIMEOUT_S);
      if (global) s.globals.metadataLockWaitS = seconds;
      else s.metadataLockWaitS = seconds;
    },
  },
  ...['last_insert_id', 'identity'].map(
    (name): TxnVariable => ({
      name,
      scope: 'session',
      default: 0n,
      get: (s) => s.lastInsertId,
      set: (s, value) => {
        const n =
          typeof value === 'bigint'
            ? value
            : value instanceof Decimal && value.scale === 0
              ? value.toBigInt()
              : null;
        if (n === null) throw new SqlError('ER_WRONG_TYPE_FOR_VAR', [name]);
        s.lastInsertId = BigInt.asUintN(64, n);
      },
    }),
  ),
];

export const TXN_VARIABLES: ReadonlyMap<string, TxnVariable> = new Map(
  DEFINITIONS.map((d) => [d.name, d]),
);

/** The transaction variables bound to one session, as the SET / @@ machinery takes them. */
export function bindTxnVariables(host: TxnVariableHost): Map<string, ExternalVariable> {
  return new Map(
    [...TXN_VARIABLES].map(([name, v]) => [
      name,
      {
        scope: v.scope,
        default: v.default,
        get: (global: boolean) => v.get(host, global),
        set: (value: Value, global: boolean) => v.set(host, value, global),
      },
    ]),
  );
}
