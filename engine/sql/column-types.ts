/**
 * TypeSpec → column type for the types issue 6b added (plan-ddl.ts delegates them here), with
 * MySQL's definition errors:
 *
 *   FLOAT(M,D) / DOUBLE(M,D): M > 255 → ER_TOO_BIG_DISPLAYWIDTH (1439), D > 30 →
 *       ER_TOO_BIG_SCALE (1425), D > M → ER_M_BIGGER_THAN_D (1427)
 *   TIME(7) / TIMESTAMP(7)    ER_TOO_BIG_PRECISION (1426)
 *   BIT(0) / BIT(65)          ER_TOO_BIG_DISPLAYWIDTH (1439; MySQL says so for 0 too)
 *   ENUM('a','a')             ER_DUPLICATED_VALUE_IN_TYPE (1291), compared by the collation
 *   SET of more than 64       ER_TOO_BIG_SET (1097); a member with ',' → ER_ILLEGAL_VALUE_FOR_TYPE
 */
import type { ColumnType } from '../catalog/definitions.js';
import { SqlError } from '../errors.js';
import type { TypeSpec } from './ast.js';
import { type CollationName, collation as collationOf } from './collation.js';

type Extended = TypeSpec & {
  kind: 'float' | 'date' | 'time' | 'timestamp' | 'year' | 'bit' | 'enum' | 'set' | 'json';
};

function fspOf(fsp: number | null, column: string): number {
  const value = fsp ?? 0;
  if (value > 6) throw new SqlError('ER_TOO_BIG_PRECISION', [value, column, 6]);
  return value;
}

export function extendedColumnType(
  spec: Extended,
  column: string,
  collation: CollationName,
): ColumnType {
  switch (spec.kind) {
    case 'float': {
      const base = {
        kind: 'double' as const,
        ...(spec.double ? {} : { float: true as const }),
        ...(spec.unsigned ? { unsigned: true } : {}),
      };
      if (spec.precision === null || spec.scale === null) return base;
      if (spec.precision > 255) throw new SqlError('ER_TOO_BIG_DISPLAYWIDTH', [column, 255]);
      if (spec.scale > 30) throw new SqlError('ER_TOO_BIG_SCALE', [spec.scale, column, 30]);
      if (spec.scale > spec.precision) throw new SqlError('ER_M_BIGGER_THAN_D', [column]);
      return { ...base, precision: spec.precision, scale: spec.scale };
    }
    case 'date':
      return { kind: 'datetime', fsp: 0, variant: 'date' };
    case 'timestamp':
      return { kind: 'datetime', fsp: fspOf(spec.fsp, column), variant: 'timestamp' };
    case 'time':
      return { kind: 'time', fsp: fspOf(spec.fsp, column) };
    case 'year':
      return { kind: 'int', bytes: 2, unsigned: true, year: true };
    case 'bit': {
      const bits = spec.length ?? 1;
      if (bits < 1 || bits > 64) throw new SqlError('ER_TOO_BIG_DISPLAYWIDTH', [column, 64]);
      return { kind: 'int', bytes: 8, unsigned: true, bits };
    }
    case 'json':
      return { kind: 'string', variant: 'json', chars: 4_294_967_295, collation: 'utf8mb4_bin' };
    case 'enum':
    case 'set':
      return memberType(spec, column, collation);
    default:
      return spec satisfies never;
  }
}

function memberType(
  spec: TypeSpec & { kind: 'enum' | 'set' },
  column: string,
  collation: CollationName,
): ColumnType {
  const coll = collationOf(collation);
  const members = spec.values;
  for (let i = 0; i < members.length; i++) {
    for (let j = 0; j < i; j++) {
      if (coll.compare(members[i] as string, members[j] as string) === 0) {
        throw new SqlError('ER_DUPLICATED_VALUE_IN_TYPE', [
          column,
          members[i] as string,
          spec.kind.toUpperCase(),
        ]);
      }
    }
  }
  if (spec.kind === 'set') {
    if (members.length > 64) throw new SqlError('ER_TOO_BIG_SET', [column]);
    if (members.some((m) => m.includes(','))) throw new SqlError('ER_WRONG_FIELD_SPEC', [column]);
  }
  const chars = Math.max(1, ...members.map((m) => Array.from(m).length));
  return { kind: 'string', variant: spec.kind, chars, collation, members };
}
