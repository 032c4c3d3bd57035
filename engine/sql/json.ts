/**
 * The JSON value model: what JSON columns hold and JSON functions (functions/json.ts) and the
 * JSON aggregates work on.
 *
 *   JSON          model (Json)              canonical text (what rows and expressions hold)
 *   null          null                      null
 *   true / false  boolean                   true / false
 *   integer       bigint (int64 / uint64)   12
 *   decimal       Decimal (from SQL DECIMAL) 1.50
 *   double        number                    1.5, 1.0, 1e20 (a '.0' when integral)
 *   string        string                    "a\"b" (JSON escapes)
 *   array         Json[]                    [1, 2]
 *   object        JsonObject (Map)          {"a": 1, "bb": 2}: keys sorted by length, then by
 *                                           their UTF-8 bytes, no duplicates (the last wins)
 *
 * so the canonical text is MySQL's JSON_* output and equal documents have equal texts (J1).
 * Comparison follows MySQL's JSON ordering: first by type precedence (BOOLEAN > ARRAY > OBJECT >
 * STRING > numbers > NULL), then within the type: numbers by value, strings by their bytes,
 * arrays element by element then by length, booleans false < true; objects are equal or not.
 */
import { Decimal } from './decimal.js';
import { formatDouble } from './values.js';

export type JsonObject = Map<string, Json>;
export type Json = null | boolean | bigint | number | Decimal | string | Json[] | JsonObject;

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

class Parser {
  i = 0;
  constructor(readonly text: string) {}

  fail(message: string): never {
    throw new JsonSyntaxError(message, this.i);
  }

  space(): void {
    const t = this.text;
    while (this.i < t.length && ' \t\n\r'.includes(t[this.i] as string)) this.i++;
  }

  value(depth: number): Json {
    if (depth > 100) this.fail('The JSON document exceeds the maximum depth.');
    this.space();
    const c = this.text[this.i];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return value;
      }
    }
    return this.fail(c === undefined ? 'The document is empty.' : 'Invalid value.');
  }

  object(depth: number): JsonObject {
    this.i++;
    const out: JsonObject = new Map();
    this.space();
    if (this.text[this.i] === '}') {
      this.i++;
      return sortObject(out);
    }
    for (;;) {
      this.space();
      if (this.text[this.i] !== '"') this.fail('Missing a name for object member.');
      const key = this.string();
      this.space();
      if (this.text[this.i] !== ':') this.fail('Missing a colon after a name of object member.');
      this.i++;
      out.set(key, this.value(depth + 1));
      this.space();
      const c = this.text[this.i++];
      if (c === '}') return sortObject(out);
      if (c !== ',') {
        this.i--;
        this.fail("Missing a comma or '}' after an object member.");
      }
    }
  }

  array(depth: number): Json[] {
    this.i++;
    const out: Json[] = [];
    this.space();
    if (this.text[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.space();
      const c = this.text[this.i++];
      if (c === ']') return out;
      if (c !== ',') {
        this.i--;
        this.fail("Missing a comma or ']' after an array element.");
      }
    }
  }

  string(): string {
    const t = this.text;
    this.i++;
    let out = '';
    for (;;) {
      const c = t[this.i++];
      if (c === undefined) this.fail('Missing a closing quotation mark in string.');
      if (c === '"') return out;
      if (c === '\\') {
        const e = t[this.i++];
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (e !== undefined && simple[e] !== undefined) out += simple[e];
        else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(this.i, this.i + 4))) {
          out += String.fromCharCode(parseInt(t.slice(this.i, this.i + 4), 16));
          this.i += 4;
        } else {
          this.i--;
          this.fail('Invalid escape character in string.');
        }
      } else if (c < ' ') {
        this.i--;
        this.fail('Invalid encoding in string.');
      } else {
        out += c;
      }
    }
  }

  number(): bigint | number {
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/.exec(this.text.slice(this.i));
    if (m === null) return this.fail('Invalid value.');
    this.i += m[0].length;
    if (m[1] === undefined && m[2] === undefined) {
      const n = BigInt(m[0]);
      if (n >= INT64_MIN && n <= UINT64_MAX) return n;
    }
    const d = Number(m[0]);
    if (!Number.isFinite(d)) this.fail('Number too big to be stored in double.');
    return d;
  }
}

/** Parses JSON text; throws JsonSyntaxError with MySQL's (rapidjson's) message and position. */
export function parseJson(text: string): Json {
  const parser = new Parser(text);
  const value = parser.value(0);
  parser.space();
  if (parser.i < text.length)
    parser.fail('The document root must not be followed by other values.');
  return value;
}

/** Whether `text` is valid JSON. */
export function isValidJson(text: string): boolean {
  try {
    parseJson(text);
    return true;
  } catch (e) {
    if (e instanceof JsonSyntaxError) return false;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Objects and serialisation

function compareKeys(a: string, b: string): number {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length !== y.length ? x.length - y.length : Buffer.compare(x, y);
}

/** An object with its keys in MySQL's order (J1). */
export function sortObject(object: JsonObject): JsonObject {
  const keys = [...object.keys()];
  let sorted = true;
  for (let i = 1; i < keys.length; i++) {
    if (compareKeys(keys[i - 1] as string, keys[i] as string) > 0) sorted = false;
  }
  if (sorted) return object;
  keys.sort(compareKeys);
  return new Map(keys.map((k) => [k, object.get(k) as Json]));
}

export function isObject(value: Json): value is JsonObject {
  return value instanceof Map;
}

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

export function quoteJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const e = ESCAPES[ch];
    if (e !== undefined) out += e;
    else if (ch < ' ') out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A JSON double as MySQL prints it: shortest digits, '.0' when integral, e-notation past 1e15. */
export function formatJsonDouble(x: number): string {
  const text = formatDouble(x);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** The canonical text of a JSON value (J1). */
export function serializeJson(value: Json): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return formatJsonDouble(value);
  if (value instanceof Decimal) return value.toString();
  if (typeof value === 'string') return quoteJsonString(value);
  if (Array.isArray(value)) return `[${value.map(serializeJson).join(', ')}]`;
  const parts: string[] = [];
  for (const [k, v] of value) parts.push(`${quoteJsonString(k)}: ${serializeJson(v)}`);
  return `{${parts.join(', ')}}`;
}

/** JSON_PRETTY's layout: two-space indents, one member or element a line. */
export function prettyJson(value: Json, indent = ''): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + prettyJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (isObject(value)) {
    if (value.size === 0) return '{}';
    const members = [...value].map(
      ([k, v]) => `${inner}${quoteJsonString(k)}: ${prettyJson(v, inner)}`,
    );
    return `{\n${members.join(',\n')}\n${indent}}`;
  }
  return serializeJson(value);
}

// ---------------------------------------------------------------------------------------------
// Types and comparison

export type JsonTypeName =
  | 'NULL'
  | 'BOOLEAN'
  | 'INTEGER'
  | 'UNSIGNED INTEGER'
  | 'DOUBLE'
  | 'DECIMAL'
  | 'STRING'
  | 'ARRAY'
  | 'OBJECT';

export function jsonType(value: Json): JsonTypeName {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (typeof value === 'bigint') return value > 2n ** 63n - 1n ? 'UNSIGNED INTEGER' : 'INTEGER';
  if (typeof value === 'number') return 'DOUBLE';
  if (value instanceof Decimal) return 'DECIMAL';
  if (typeof value === 'string') return 'STRING';
  if (Array.isArray(value)) return 'ARRAY';
  return 'OBJECT';
}

function precedence(value: Json): number {
  if (value === null) return 0;
  if (typeof value === 'bigint' || typeof value === 'number' || value instanceof Decimal) return 1;
  if (typeof value === 'string') return 2;
  if (isObject(value)) return 3;
  if (Array.isArray(value)) return 4;
  return 5;
}

function numberAsDecimal(value: bigint | number | Decimal): Decimal | number {
  if (typeof value === 'bigint') return Decimal.fromBigInt(value);
  return value;
}

function compareNumbers(a: bigint | number | Decimal, b: bigint | number | Decimal): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a === b ? 0 : a < b ? -1 : 1;
  const x = numberAsDecimal(a);
  const y = numberAsDecimal(b);
  if (typeof x === 'number' || typeof y === 'number') {
    const p = typeof x === 'number' ? x : x.toNumber();
    const q = typeof y === 'number' ? y : y.toNumber();
    return p === q ? 0 : p < q ? -1 : 1;
  }
  return x.compare(y);
}

/** MySQL's JSON comparison; objects that differ compare by their canonical texts. */
export function compareJson(a: Json, b: Json): number {
  const pa = precedence(a);
  const pb = precedence(b);
  if (pa !== pb) return pa - pb;
  if (a === null || b === null) return 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'string' && typeof b === 'string') {
    return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareJson(a[i] as Json, b[i] as Json);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (isObject(a) && isObject(b)) {
    const x = serializeJson(a);
    const y = serializeJson(b);
    return x === y ? 0 : x < y ? -1 : 1;
  }
  return compareNumbers(a as bigint | number | Decimal, b as bigint | number | Decimal);
}

// ---------------------------------------------------------------------------------------------
// Paths

export type PathLeg =
  | { readonly kind: 'member'; readonly name: string }
  | { readonly kind: 'member-wildcard' }
  | { readonly kind: 'index'; readonly index: number; readonly fromEnd: boolean }
  | { readonly kind: 'index-wildcard' }
  | { readonly kind: 'ellipsis' };

export interface JsonPath {
  readonly legs: readonly PathLeg[];
  readonly wildcard: boolean;
}

/** Parses '$.a[1].*' …; undefined with the failing position when it is no path. */
export function parseJsonPath(text: string): JsonPath | { error: number } {
  let i = 0;
  const t = text;
  const space = (): void => {
    while (i < t.length && /\s/.test(t[i] as string)) i++;
  };
  space();
  if (t[i] !== '$') return { error: i };
  i++;
  const legs: PathLeg[] = [];
  let wildcard = false;
  for (;;) {
    space();
    if (i >= t.length) break;
    const c = t[i];
    if (c === '.') {
      i++;
      space();
      if (t[i] === '*') {
        i++;
        legs.push({ kind: 'member-wildcard' });
        wildcard = true;
      } else if (t[i] === '"') {
        let j = i + 1;
        let name = '';
        while (j < t.length && t[j] !== '"') {
          if (t[j] === '\\' && j + 1 < t.length) j++;
          name += t[j];
          j++;
        }
        if (j >= t.length) return { error: i };
        i = j + 1;
        legs.push({ kind: 'member', name });
      } else {
        const m = /^[A-Za-z_$\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/.exec(t.slice(i));
        if (m === null) return { error: i };
        i += m[0].length;
        legs.push({ kind: 'member', name: m[0] });
      }
    } else if (c === '[') {
      i++;
      space();
      if (t[i] === '*') {
        i++;
        legs.push({ kind: 'index-wildcard' });
        wildcard = true;
      } else {
        const m = /^(last(?:\s*-\s*(\d+))?|\d+)/.exec(t.slice(i));
        if (m === null) return { error: i };
        i += m[0].length;
        if (m[0].startsWith('last')) {
          legs.push({ kind: 'index', index: Number(m[2] ?? '0'), fromEnd: true });
        } else {
          legs.push({ kind: 'index', index: Number(m[0]), fromEnd: false });
        }
      }
      space();
      if (t[i] !== ']') return { error: i };
      i++;
    } else if (c === '*' && t[i + 1] === '*') {
      i += 2;
      legs.push({ kind: 'ellipsis' });
      wildcard = true;
    } else {
      return { error: i };
    }
  }
  if (legs.at(-1)?.kind === 'ellipsis') return { error: t.length };
  return { legs, wildcard };
}

/** Every value `path` reaches in `doc`, in document order (duplicates removed for **). */
export function findPath(doc: Json, legs: readonly PathLeg[]): Json[] {
  let current: Json[] = [doc];
  for (const leg of legs) {
    const next: Json[] = [];
    for (const v of current) stepInto(v, leg, next);
    current = leg.kind === 'ellipsis' ? [...new Set(next)] : next;
  }
  return current;
}

function stepInto(v: Json, leg: PathLeg, out: Json[]): void {
  switch (leg.kind) {
    case 'member':
      if (isObject(v) && v.has(leg.name)) out.push(v.get(leg.name) as Json);
      return;
    case 'member-wildcard':
      if (isObject(v)) out.push(...v.values());
      return;
    case 'index': {
      // A scalar or object is an array of one at index 0 (MySQL's auto-wrapping).
      const array = Array.isArray(v) ? v : [v];
      const at = leg.fromEnd ? array.length - 1 - leg.index : leg.index;
      if (at >= 0 && at < array.length) out.push(array[at] as Json);
      return;
    }
    case 'index-wildcard':
      if (Array.isArray(v)) out.push(...v);
      return;
    case 'ellipsis':
      descendants(v, out);
      return;
    default:
      return;
  }
}

function descendants(v: Json, out: Json[]): void {
  out.push(v);
  if (Array.isArray(v)) for (const x of v) descendants(x, out);
  else if (isObject(v)) for (const x of v.values()) descendants(x, out);
}

/** A copy of `doc` with the value at `legs` (no wildcards) changed by `change`. */
export function updatePath(
  doc: Json,
  legs: readonly PathLeg[],
  change: (current: Json | undefined, parent: Json) => Json | undefined,
): Json {
  if (legs.length === 0) return change(doc, null) ?? doc;
  const [leg, ...rest] = legs as [PathLeg, ...PathLeg[]];
  if (leg.kind === 'member') {
    if (!isObject(doc)) return doc;
    const child = doc.get(leg.name);
    if (rest.length === 0) {
      const replaced = change(child, doc);
      const copy: JsonObject = new Map(doc);
      if (replaced === undefined) copy.delete(leg.name);
      else copy.set(leg.name, replaced);
      return sortObject(copy);
    }
    if (child === undefined) return doc;
    const copy: JsonObject = new Map(doc);
    copy.set(leg.name, updatePath(child, rest, change));
    return copy;
  }
  if (leg.kind === 'index') {
    const wrapped = !Array.isArray(doc);
    const array = wrapped ? [doc] : [...(doc as Json[])];
    const at = leg.fromEnd ? array.length - 1 - leg.index : leg.index;
    if (rest.length === 0) {
      const current = at >= 0 && at < array.length ? array[at] : undefined;
      const replaced = change(current, array);
      if (current === undefined) {
        if (replaced === undefined) return doc;
        array.push(replaced);
      } else if (replaced === undefined) {
        if (wrapped) return doc;
        array.splice(at, 1);
      } else array[at] = replaced;
      return wrapped && array.length === 1 ? (array[0] as Json) : array;
    }
    if (at < 0 || at >= array.length) return doc;
    array[at] = updatePath(array[at] as Json, rest, change);
    return wrapped ? (array[0] as Json) : array;
  }
  return doc;
}
