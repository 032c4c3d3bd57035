/**
 * Hash keys for equality under MySQL's comparison rules: GROUP BY, DISTINCT, UNION DISTINCT,
 * hash joins and IN (SELECT …) put rows that compare equal under the same key.
 *
 *   compare class   key of a non-NULL value
 *   int             the bigint itself
 *   decimal         the normalised decimal's text (1.50 and 1.5 share a key)
 *   double          the number (0 and -0 share a key under SameValueZero)
 *   string          the collation's weight string ('a' = 'A' under _ai_ci; PAD SPACE stripped)
 *   datetime        the µs bigint of a DATETIME; text that parses as one, likewise
 *
 * (K1) a == b under the class's comparison ⇔ key(a) === key(b). NULL has its own key, so NULLs
 * group together (GROUP BY, DISTINCT) — callers that need SQL's "NULL matches nothing" (joins,
 * IN) check for NULL first.
 */
import { serializeJson } from './json.js';
import { toJson } from './json-values.js';
import { unreachable } from '../unreachable.js';
import { asBytes } from './expr.js';
import { collation as collationNamed } from './collation.js';
import { parseDateTime } from './datetime.js';
import type { CompareMode } from './plan.js';
import { type SqlType, type Value, type Warnings, toDecimal, toDouble, toText } from './values.js';

export type KeyPart = string | number | bigint;

/** NULL's key (a string no other class produces: those are typed below). */
export const NULL_KEY = '\u0000N';

/** Turns a non-NULL value of static type `type` into its key (K1). */
export type KeyOf = (value: Exclude<Value, null>, warnings: Warnings) => KeyPart;

/** The compare class of values of one static type, as GROUP BY and DISTINCT compare them. */
export function classOf(type: SqlType): CompareMode {
  switch (type.kind) {
    case 'int':
    case 'null':
      return { kind: 'int' };
    case 'decimal':
      return { kind: 'decimal' };
    case 'double':
      return { kind: 'double' };
    case 'string':
      return { kind: 'string', collation: collationNamed(type.collation) };
    case 'datetime':
      return { kind: 'datetime' };
    default:
      // Types other parts add later compare as their text until given a class here.
      return { kind: 'string', collation: collationNamed('binary') };
  }
}

/** The key function for values of `type` compared in `mode`. */
export function keyOf(mode: CompareMode, type: SqlType): KeyOf {
  switch (mode.kind) {
    case 'int':
      return (v) => (typeof v === 'bigint' ? v : String(v));
    case 'decimal':
      return (v, w) => `d${toDecimal(type, v, w)?.normalized().toString() ?? '0'}`;
    case 'double':
      return (v, w) => toDouble(type, v, w) ?? 0;
    case 'string': {
      const c = mode.collation;
      if (c.name === 'binary') return (v) => `s${asBytes(type, v)}`;
      return (v) => `s${c.weights(toText(type, v) ?? '')}`;
    }
    case 'datetime':
      return (v) => {
        if (typeof v === 'bigint' && type.kind === 'datetime') return v;
        const text = toText(type, v) ?? '';
        return parseDateTime(text, 6) ?? `t${text}`;
      };
    // Issue 6b: TIME as µs; JSON by its canonical text (json.ts J1: equal documents, equal text).
    case 'time':
      return (v) =>
        typeof v === 'bigint' && type.kind === 'time' ? v : `t${toText(type, v) ?? ''}`;
    case 'json':
      return (v) => `j${serializeJson(toJson(type, v))}`;
    default:
      return unreachable(mode);
  }
}

/** A key for a tuple of values (one key function per position). */
export function tupleKey(
  values: readonly Value[],
  keys: readonly KeyOf[],
  warnings: Warnings,
): KeyPart {
  if (keys.length === 1) {
    const v = values[0] as Value;
    return v === null ? NULL_KEY : (keys[0] as KeyOf)(v, warnings);
  }
  let out = '';
  for (let i = 0; i < keys.length; i++) {
    const v = values[i] as Value;
    let k: string;
    if (v === null) k = NULL_KEY;
    else {
      const part = (keys[i] as KeyOf)(v, warnings);
      k = typeof part === 'string' ? part : typeof part === 'bigint' ? `i${part}` : `n${part}`;
    }
    out += `${k.length}:${k}`;
  }
  return out;
}
