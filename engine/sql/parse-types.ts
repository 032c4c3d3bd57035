/**
 * The column types issue 6b added, from a written type (ast.ts RawColumnType) to a TypeSpec;
 * type-spec.ts delegates every name it does not know here.
 *
 *   FLOAT, FLOAT(p ≤ 24): float; FLOAT(p > 24), DOUBLE, DOUBLE PRECISION, REAL: double
 *   FLOAT(M,D), DOUBLE(M,D)          with precision and scale
 *   DATE, TIME[(fsp)], TIMESTAMP[(fsp)], YEAR[(4)], BIT[(n)], ENUM(…), SET(…), JSON
 *   BOOL, BOOLEAN                    TINYINT(1)
 *   TINYTEXT, MEDIUMTEXT, LONGTEXT   text with their byte limits
 */
import { SqlError } from '../errors.js';
import type { RawColumnType, TypeSpec } from './ast.js';

const TEXT_BYTES: Readonly<Record<string, number>> = {
  TINYTEXT: 255,
  MEDIUMTEXT: 16_777_215,
  LONGTEXT: 4_294_967_295,
  LONG: 16_777_215,
  'LONG VARCHAR': 16_777_215,
};

export function extendedTypeSpec(raw: RawColumnType): TypeSpec | undefined {
  const { length, scale, unsigned } = raw;
  switch (raw.name) {
    case 'FLOAT':
    case 'FLOAT4':
      if (length !== null && scale === null) {
        if (length > 53) throw new SqlError('ER_WRONG_FIELD_SPEC', ['']);
        return { kind: 'float', double: length > 24, precision: null, scale: null, unsigned };
      }
      return { kind: 'float', double: false, precision: length, scale, unsigned };
    case 'DOUBLE':
    case 'DOUBLE PRECISION':
    case 'REAL':
    case 'FLOAT8':
      return { kind: 'float', double: true, precision: length, scale, unsigned };
    case 'BOOL':
    case 'BOOLEAN':
      return { kind: 'int', name: 'TINYINT', unsigned: false };
    case 'DATE':
      return { kind: 'date' };
    case 'TIME':
      return { kind: 'time', fsp: length };
    case 'TIMESTAMP':
      return { kind: 'timestamp', fsp: length };
    case 'YEAR':
      return { kind: 'year' };
    case 'BIT':
      return { kind: 'bit', length };
    case 'ENUM':
    case 'SET':
      return { kind: raw.name === 'ENUM' ? 'enum' : 'set', values: raw.values };
    case 'JSON':
      return { kind: 'json' };
    default: {
      const bytes = TEXT_BYTES[raw.name];
      return bytes === undefined ? undefined : { kind: 'text', bytes };
    }
  }
}
