/**
 * What binding needs to know of a system variable (@@name, @@session.name, @@global.name): its
 * result type for the metadata. The variables themselves — scopes, types, defaults, SET — live in
 * engine/variables/ (registry.ts, definitions.ts, session-variables.ts); execution reads the
 * current value through EvalContext.variables. An unknown name is ER_UNKNOWN_SYSTEM_VARIABLE
 * (1193).
 */
import { findSystemVariable } from '../variables/registry.js';
import '../variables/definitions.js';
import type { ExprInfo } from './plan.js';
import { Decimal } from './decimal.js';
import type { Value } from './values.js';

interface Variable {
  readonly info: ExprInfo;
  readonly value: Value;
}

/** The type of @@name holding `value`: integers as BIGINT, doubles, the rest as utf8mb3 text. */
export function systemVariableInfo(value: Value, nullable: boolean): ExprInfo {
  if (typeof value === 'bigint') {
    const unsigned = value > 9_223_372_036_854_775_807n;
    return {
      type: { kind: 'int', bytes: 8, unsigned },
      nullable,
      length: Math.max(value.toString().length, 1),
      decimals: 0,
      collationId: 63,
    };
  }
  if (typeof value === 'number' || value instanceof Decimal) {
    return { type: { kind: 'double' }, nullable, length: 22, decimals: 6, collationId: 63 };
  }
  const text = value === null ? '' : String(value);
  return {
    type: {
      kind: 'string',
      variant: 'varchar',
      chars: Math.max(text.length, 1),
      collation: 'utf8mb4_0900_ai_ci',
    },
    nullable,
    length: Math.max(text.length, 1) * 3,
    decimals: 31,
    collationId: 33,
  };
}

/** The variable with its default value, or undefined when MySQL would answer 1193. */
export function systemVariable(name: string): Variable | undefined {
  const def = findSystemVariable(name);
  if (def === undefined) return undefined;
  return { info: systemVariableInfo(def.default, def.nullable === true), value: def.default };
}
