/**
 * Catalog type codes of the column types issue 6 added (definitions.ts keeps the older ones and
 * delegates here). A code is a short string inside the table's JSON entry:
 *
 *   f[<M>,<D>][u]          FLOAT [(M,D)] [UNSIGNED]             f, f7,2u
 *   F[<M>,<D>][u]          DOUBLE [(M,D)] [UNSIGNED]            F, F10,2
 *   y                      YEAR
 *   b<n>                   BIT(n)                               b8
 *   D                      DATE
 *   S<fsp>                 TIMESTAMP(fsp)                       S0
 *   M<fsp>                 TIME(fsp)                            M3
 *   e<coll>:<json>         ENUM(members), collation id          e255:["a","b"]
 *   s<coll>:<json>         SET(members)                         s255:["x","y"]
 *   j                      JSON
 *
 * and DEFAULT texts read back through `extendedDefault` (a TIMESTAMP's default is kept as UTC;
 * a BIT's as its bytes).
 */
import { COLLATION_NAMES, type CollationName, collation } from '../sql/collation.js';
import { parseDateTime } from '../sql/datetime.js';
import { parseTime } from '../sql/temporal.js';
import { type SqlType, type Value, bytesToUnsigned } from '../sql/values.js';

type Column = Exclude<SqlType, { kind: 'null' }>;

/** The code of a type added by issue 6, or undefined for the older types. */
export function extendedTypeCode(type: Column): string | undefined {
  switch (type.kind) {
    case 'double': {
      const ms = type.scale === undefined ? '' : `${type.precision ?? 0},${type.scale}`;
      return `${type.float === true ? 'f' : 'F'}${ms}${type.unsigned === true ? 'u' : ''}`;
    }
    case 'int':
      if (type.year === true) return 'y';
      if (type.bits !== undefined) return `b${type.bits}`;
      return undefined;
    case 'datetime':
      if (type.variant === 'date') return 'D';
      if (type.variant === 'timestamp') return `S${type.fsp}`;
      return undefined;
    case 'time':
      return `M${type.fsp}`;
    case 'string':
      if (type.variant === 'json') return 'j';
      if (type.variant === 'enum' || type.variant === 'set') {
        const letter = type.variant === 'enum' ? 'e' : 's';
        return `${letter}${collation(type.collation).id}:${JSON.stringify(type.members ?? [])}`;
      }
      return undefined;
    default:
      return undefined;
  }
}

function collationById(id: number): CollationName | undefined {
  return COLLATION_NAMES.find((n) => collation(n).id === id);
}

/** The type of an issue-6 code, or undefined when `code` is none of them. */
export function decodeExtendedTypeCode(code: string): Column | undefined {
  let m = /^([fF])(?:(\d+),(\d+))?(u?)$/.exec(code);
  if (m !== null) {
    return {
      kind: 'double',
      ...(m[1] === 'f' ? { float: true as const } : {}),
      ...(m[3] === undefined ? {} : { precision: Number(m[2]), scale: Number(m[3]) }),
      ...(m[4] === 'u' ? { unsigned: true } : {}),
    };
  }
  if (code === 'y') return { kind: 'int', bytes: 2, unsigned: true, year: true };
  m = /^b(\d+)$/.exec(code);
  if (m !== null) return { kind: 'int', bytes: 8, unsigned: true, bits: Number(m[1]) };
  if (code === 'D') return { kind: 'datetime', fsp: 0, variant: 'date' };
  m = /^S([0-6])$/.exec(code);
  if (m !== null) return { kind: 'datetime', fsp: Number(m[1]), variant: 'timestamp' };
  m = /^M([0-6])$/.exec(code);
  if (m !== null) return { kind: 'time', fsp: Number(m[1]) };
  if (code === 'j') {
    return { kind: 'string', variant: 'json', chars: 4_294_967_295, collation: 'utf8mb4_bin' };
  }
  m = /^([es])(\d+):(\[.*\])$/.exec(code);
  if (m !== null) {
    const coll = collationById(Number(m[2]));
    const members: unknown = JSON.parse(m[3] as string);
    if (coll === undefined || !Array.isArray(members)) return undefined;
    const texts = members.map(String);
    const chars = Math.max(1, ...texts.map((t) => Array.from(t).length));
    const variant = m[1] === 'e' ? 'enum' : 'set';
    return { kind: 'string', variant, chars, collation: coll, members: texts };
  }
  return undefined;
}

/** A DEFAULT's text as a value of an issue-6 type, or undefined for the older types. */
export function extendedDefault(type: Column, text: string): Value | undefined {
  switch (type.kind) {
    case 'double':
      return Number(text);
    case 'int':
      if (type.year === true) return BigInt(text);
      if (type.bits !== undefined) return bytesToUnsigned(text);
      return undefined;
    case 'datetime':
      return type.variant === undefined ? undefined : parseDateTime(text, type.fsp);
    case 'time':
      return parseTime(text, type.fsp)?.value;
    case 'string':
      return type.variant === 'json' || type.variant === 'enum' || type.variant === 'set'
        ? text
        : undefined;
    default:
      return undefined;
  }
}
