/**
 * SQL values ↔ the JSON model (json.ts), as MySQL converts them for JSON functions and JSON
 * comparison:
 *
 *   JSON-typed value (text)        parsed
 *   integer / DECIMAL / DOUBLE     the number (a DOUBLE stays a double: 1.0)
 *   character string               a JSON string (not parsed: JSON_ARRAY('[1]') = ["[1]"])
 *   DATE / DATETIME / TIME         a JSON string of its text (MySQL's opaque temporal scalars print
 *                                  so; DATETIME with six fractional digits)
 *   NULL                           null
 */
import { Decimal } from './decimal.js';
import { type Json, parseJson } from './json.js';
import { type SqlType, type Value, temporalText, toText } from './values.js';

export function toJson(type: SqlType, value: Value): Json {
  if (value === null) return null;
  if (type.kind === 'string' && type.variant === 'json' && typeof value === 'string') {
    return parseJson(value);
  }
  if (typeof value === 'number' || typeof value === 'string' || value instanceof Decimal) {
    return value;
  }
  if (type.kind === 'datetime' && type.variant !== 'date') {
    return temporalText({ kind: 'datetime', fsp: 6 }, value);
  }
  if (type.kind === 'datetime' || type.kind === 'time') return temporalText(type, value);
  if (type.kind === 'int' && type.bits !== undefined) return toText(type, value);
  return value;
}

/** Whether a value of `type` is JSON already (a JSON column or a JSON function's result). */
export function isJsonType(type: SqlType): boolean {
  return type.kind === 'string' && type.variant === 'json';
}
