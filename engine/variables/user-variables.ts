/**
 * User variables (@name): per session, case-insensitive names, each holding a value and one of
 * MySQL's user-variable types: INTEGER (signed or unsigned), DECIMAL, REAL, STRING, or NULL.
 * Assigning a DATETIME stores its text, as MySQL does. A variable never assigned is NULL.
 *
 * What `SELECT @a` reports follows MySQL: an integer as BIGINT, a decimal as DECIMAL(65,30) (so
 * `SET @a = 1.5; SELECT @a` shows 1.500000000000000000000000000000), a double as DOUBLE, a string
 * as a string of the length it has; always nullable.
 */
import { SqlError } from '../errors.js';
import { decimalInfo, doubleInfo, intInfo, stringInfo } from '../sql/bind.js';
import { collation } from '../sql/collation.js';
import type { ExprInfo } from '../sql/plan.js';
import { type SqlType, type Value, toText } from '../sql/values.js';

export interface UserValue {
  readonly value: Value;
  readonly type: SqlType;
}

const UNSET: UserValue = { value: null, type: { kind: 'null' } };
const TEXT_TYPE: SqlType = {
  kind: 'string',
  variant: 'varchar',
  chars: 65_535,
  collation: 'utf8mb4_0900_ai_ci',
};
const USER_VARIABLE_NAME_CHARS_MAX = 64;

export class UserVariables {
  private readonly values = new Map<string, UserValue>();

  get(name: string): UserValue {
    return this.values.get(name.toLowerCase()) ?? UNSET;
  }

  /** Stores `value` (of static type `type`) converted to a user-variable type. */
  set(name: string, value: Value, type: SqlType): UserValue {
    if (Array.from(name).length > USER_VARIABLE_NAME_CHARS_MAX) {
      throw new SqlError('ER_TOO_LONG_IDENT', [name]);
    }
    const stored = userValue(value, type);
    this.values.set(name.toLowerCase(), stored);
    return stored;
  }

  clear(): void {
    this.values.clear();
  }

  names(): string[] {
    return [...this.values.keys()];
  }
}

/** A value as a user variable keeps it. */
export function userValue(value: Value, type: SqlType): UserValue {
  if (value === null) return { value: null, type: type.kind === 'datetime' ? TEXT_TYPE : type };
  switch (type.kind) {
    case 'int':
      return { value, type: { kind: 'int', bytes: 8, unsigned: type.unsigned } };
    case 'decimal':
      return { value, type: { kind: 'decimal', precision: 65, scale: 30, unsigned: false } };
    case 'double':
      return { value, type };
    case 'string':
      return { value, type: { ...type, variant: 'varchar' } };
    case 'datetime':
    case 'null':
      return {
        value: toText(type, value),
        type: TEXT_TYPE,
      };
    default:
      return { value, type };
  }
}

/** The result metadata of reading a user variable holding `uv`. */
export function userVariableInfo(uv: UserValue): ExprInfo {
  const t = uv.type;
  switch (t.kind) {
    case 'int':
      return intInfo(21, true, t.unsigned);
    case 'decimal':
      return decimalInfo(65, 30, true);
    case 'double':
      return doubleInfo(true);
    case 'string': {
      const chars = typeof uv.value === 'string' ? Math.max(Array.from(uv.value).length, 1) : 1;
      return stringInfo(chars, true, { collation: collation(t.collation) });
    }
    default:
      return { ...stringInfo(1, true), type: { kind: 'null' } };
  }
}
