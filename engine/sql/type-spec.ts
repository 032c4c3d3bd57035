/**
 * Column types as written in DDL → TypeSpec: the one seam between the parsers (parse-ddl.ts's
 * token parser, and parse.ts for what node-sql-parser still reads) and the type system.
 *
 * A parser reduces `INT(10) UNSIGNED ZEROFILL`, `CHAR(36) BINARY`, `enum ('a','b')`,
 * `VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin` to a RawColumnType (ast.ts): the type
 * name in upper case, its numbers, its ENUM/SET values and its attributes. `typeSpecOf` maps
 * that to a TypeSpec, answering ER_NOT_SUPPORTED_YET (1235) for a type not built yet, never a
 * different type. Types are added here (and in ast.ts TypeSpec, plan-ddl.ts columnType).
 */
import { SqlError } from '../errors.js';
import type { RawColumnType, TypeSpec } from './ast.js';
import { extendedTypeSpec } from './parse-types.js';

function notSupported(what: string): SqlError {
  return new SqlError('ER_NOT_SUPPORTED_YET', [what]);
}

/** The bytes each BLOB type holds. */
const BLOB_BYTES: Readonly<Record<string, number>> = {
  TINYBLOB: 255,
  BLOB: 65_535,
  MEDIUMBLOB: 16_777_215,
  LONGBLOB: 4_294_967_295,
};

const INT_TYPES: Readonly<Record<string, 'TINYINT' | 'SMALLINT' | 'MEDIUMINT' | 'INT' | 'BIGINT'>> =
  {
    TINYINT: 'TINYINT',
    INT1: 'TINYINT',
    SMALLINT: 'SMALLINT',
    INT2: 'SMALLINT',
    MEDIUMINT: 'MEDIUMINT',
    INT3: 'MEDIUMINT',
    MIDDLEINT: 'MEDIUMINT',
    INT: 'INT',
    INTEGER: 'INT',
    INT4: 'INT',
    BIGINT: 'BIGINT',
    INT8: 'BIGINT',
  };

/** A written column type → its TypeSpec; 1235 for types not built yet. */
export function typeSpecOf(raw: RawColumnType): TypeSpec {
  const { length, scale, unsigned } = raw;
  if (raw.zerofill) throw notSupported('ZEROFILL');
  const intName = INT_TYPES[raw.name];
  if (intName !== undefined) return { kind: 'int', name: intName, unsigned };
  switch (raw.name) {
    case 'DECIMAL':
    case 'DEC':
    case 'NUMERIC':
    case 'FIXED':
      return { kind: 'decimal', precision: length, scale, unsigned };
    case 'VARCHAR':
    case 'CHARACTER VARYING':
    case 'NVARCHAR':
      if (length === null) throw notSupported('VARCHAR without a length');
      return { kind: 'varchar', length };
    case 'CHAR':
    case 'CHARACTER':
    case 'NCHAR':
      return { kind: 'char', length };
    case 'TEXT':
      if (length !== null) throw notSupported('TEXT(n)');
      return { kind: 'text' };
    case 'DATETIME':
      return { kind: 'datetime', fsp: length };
    case 'BINARY':
      return { kind: 'binary', variant: 'binary', length };
    case 'VARBINARY':
      if (length === null) throw notSupported('VARBINARY without a length');
      return { kind: 'binary', variant: 'varbinary', length };
    case 'TINYBLOB':
    case 'BLOB':
    case 'MEDIUMBLOB':
    case 'LONGBLOB':
      return { kind: 'binary', variant: 'blob', length: BLOB_BYTES[raw.name] ?? null };
    default: {
      // Issue 6b: FLOAT/DOUBLE, DATE/TIME/TIMESTAMP/YEAR, BIT, ENUM/SET, JSON, the TEXT sizes.
      const extended = extendedTypeSpec(raw);
      if (extended !== undefined) return extended;
      throw notSupported(`column type ${raw.name}`);
    }
  }
}
