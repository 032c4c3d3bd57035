/**
 * JSON functions over the JSON model (json.ts). A JSON argument is a JSON-typed value (a JSON
 * column, another JSON function) or text, which is parsed: invalid text is
 * ER_INVALID_JSON_TEXT_IN_PARAM (3141) naming the argument and function, a bad path
 * ER_INVALID_JSON_PATH (3143). Results are JSON (canonical text) unless MySQL says otherwise
 * (JSON_UNQUOTE, JSON_TYPE and JSON_PRETTY are text; JSON_LENGTH, JSON_DEPTH, JSON_VALID,
 * JSON_CONTAINS[_PATH] integers).
 */
import { SqlError } from '../../errors.js';
import { intInfo, stringInfo } from '../bind.js';
import {
  type Json,
  type JsonObject,
  type PathLeg,
  JsonSyntaxError,
  compareJson,
  findPath,
  isObject,
  jsonType,
  parseJson,
  parseJsonPath,
  prettyJson,
  quoteJsonString,
  serializeJson,
  sortObject,
  updatePath,
} from '../json.js';
import { isJsonType, toJson } from '../json-values.js';
import type { CallArgument, PlanExpr } from '../plan.js';
import { type Value, toText } from '../values.js';
import { lenientCall, register, strict } from './registry.js';
import { jsonInfo } from './types.js';

type NonNull = Exclude<Value, null>;

/** Argument i as a JSON document: JSON-typed values as they are, text parsed (3141). */
function doc(a: readonly CallArgument[], v: readonly Value[], i: number, fn: string): Json {
  const arg = a[i] as CallArgument;
  const value = v[i] as NonNull;
  if (isJsonType(arg.info.type)) return parseJson(value as string);
  const t = arg.info.type;
  if (t.kind !== 'string' || t.collation === 'binary') {
    throw new SqlError('ER_INVALID_TYPE_FOR_JSON', [i + 1, fn]);
  }
  try {
    return parseJson(value as string);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    throw new SqlError('ER_INVALID_JSON_TEXT_IN_PARAM', [i + 1, fn, e.message, e.position]);
  }
}

/** Argument i as a value to put into a document (strings stay strings, JSON stays JSON). */
function member(a: readonly CallArgument[], v: readonly Value[], i: number): Json {
  const arg = a[i] as CallArgument;
  return toJson(arg.info.type, v[i] ?? null);
}

function path(
  a: readonly CallArgument[],
  v: readonly Value[],
  i: number,
  noWildcards = false,
): readonly PathLeg[] & { wildcard?: boolean } {
  const text = toText((a[i] as CallArgument).info.type, v[i] as NonNull) as string;
  const parsed = parseJsonPath(text);
  if ('error' in parsed) throw new SqlError('ER_INVALID_JSON_PATH', [parsed.error]);
  if (noWildcards && parsed.wildcard) throw new SqlError('ER_INVALID_JSON_PATH_WILDCARD');
  return Object.assign([...parsed.legs], { wildcard: parsed.wildcard });
}

const json = (value: Json): string => serializeJson(value);

register('json_valid', {
  args: [1, 1],
  bind: (args) => ({
    info: intInfo(1, (args[0] as PlanExpr).info.nullable),
    compile: strict((v, _ctx, a) => {
      if (isJsonType((a[0] as CallArgument).info.type)) return 1n;
      const t = (a[0] as CallArgument).info.type;
      if (t.kind !== 'string') return 0n;
      try {
        parseJson(v[0] as string);
        return 1n;
      } catch (e) {
        if (e instanceof JsonSyntaxError) return 0n;
        throw e;
      }
    }),
  }),
});

register('json_type', {
  args: [1, 1],
  bind: () => ({
    info: stringInfo(17, true),
    compile: strict((v, _ctx, a) => jsonType(doc(a, v, 0, 'json_type'))),
  }),
});

register('json_quote', {
  args: [1, 1],
  bind: () => ({
    info: stringInfo(255, true),
    compile: strict((v, _ctx, a) =>
      quoteJsonString(toText((a[0] as CallArgument).info.type, v[0] as NonNull) as string),
    ),
  }),
});

register('json_unquote', {
  args: [1, 1],
  bind: (args) => ({
    info: stringInfo(
      Math.ceil(Math.min((args[0] as PlanExpr).info.length, 4_294_967_295) / 4),
      true,
    ),
    compile: strict((v, _ctx, a) => {
      const arg = a[0] as CallArgument;
      const text = toText(arg.info.type, v[0] as NonNull) as string;
      if (isJsonType(arg.info.type)) {
        const value = parseJson(text);
        return typeof value === 'string' ? value : text;
      }
      if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
        try {
          const value = parseJson(text);
          if (typeof value === 'string') return value;
        } catch (e) {
          if (!(e instanceof JsonSyntaxError)) throw e;
          throw new SqlError('ER_INVALID_JSON_TEXT_IN_PARAM', [
            1,
            'json_unquote',
            e.message,
            e.position,
          ]);
        }
      }
      return text;
    }),
  }),
});

register('json_array', {
  args: [0, Infinity],
  bind: () => ({
    info: jsonInfo(false),
    compile: lenientCall((v, _ctx, a) => json(v.map((_, i) => member(a, v, i)))),
  }),
});

register('json_object', {
  args: [0, Infinity],
  bind: (args) => {
    if (args.length % 2 === 1)
      throw new SqlError('ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT', ['json_object']);
    return {
      info: jsonInfo(false),
      compile: lenientCall((v, _ctx, a) => {
        const out: JsonObject = new Map();
        for (let i = 0; i < v.length; i += 2) {
          const key = v[i];
          if (key === null || key === undefined) throw new SqlError('ER_JSON_DOCUMENT_NULL_KEY');
          const name = toText((a[i] as CallArgument).info.type, key) as string;
          if (!out.has(name)) out.set(name, member(a, v, i + 1));
        }
        return json(sortObject(out));
      }),
    };
  },
});

register('json_extract', {
  args: [2, Infinity],
  bind: () => ({
    info: jsonInfo(true),
    compile: strict((v, _ctx, a) => {
      const document = doc(a, v, 0, 'json_extract');
      const found: Json[] = [];
      let wrap = v.length > 2;
      for (let i = 1; i < v.length; i++) {
        const legs = path(a, v, i);
        if (legs.wildcard === true) wrap = true;
        found.push(...findPath(document, legs));
      }
      if (found.length === 0) return null;
      return json(wrap ? found : (found[0] as Json));
    }),
  }),
});

register('json_contains_path', {
  args: [3, Infinity],
  bind: () => ({
    info: intInfo(1, true),
    compile: strict((v, _ctx, a) => {
      const document = doc(a, v, 0, 'json_contains_path');
      const mode = (
        toText((a[1] as CallArgument).info.type, v[1] as NonNull) as string
      ).toLowerCase();
      if (mode !== 'one' && mode !== 'all')
        throw new SqlError('ER_JSON_BAD_ONE_OR_ALL_ARG', ['json_contains_path']);
      let hits = 0;
      for (let i = 2; i < v.length; i++) if (findPath(document, path(a, v, i)).length > 0) hits++;
      return mode === 'one' ? (hits > 0 ? 1n : 0n) : hits === v.length - 2 ? 1n : 0n;
    }),
  }),
});

/** JSON_CONTAINS: scalars equal; arrays contain each candidate element; objects each member. */
function contains(target: Json, candidate: Json): boolean {
  if (Array.isArray(target)) {
    if (Array.isArray(candidate)) return candidate.every((c) => target.some((t) => contains(t, c)));
    return target.some((t) => contains(t, candidate));
  }
  if (isObject(target)) {
    if (!isObject(candidate)) return false;
    for (const [k, c] of candidate) {
      const t = target.get(k);
      if (t === undefined || !contains(t, c)) return false;
    }
    return true;
  }
  if (Array.isArray(candidate) || isObject(candidate)) return false;
  return compareJson(target, candidate) === 0;
}

register('json_contains', {
  args: [2, 3],
  bind: () => ({
    info: intInfo(1, true),
    compile: strict((v, _ctx, a) => {
      const target = doc(a, v, 0, 'json_contains');
      const candidate = doc(a, v, 1, 'json_contains');
      const at = v.length > 2 ? findPath(target, path(a, v, 2, true)) : [target];
      if (at.length === 0) return null;
      return contains(at[0] as Json, candidate) ? 1n : 0n;
    }),
  }),
});

register('json_keys', {
  args: [1, 2],
  bind: () => ({
    info: jsonInfo(true),
    compile: strict((v, _ctx, a) => {
      const document = doc(a, v, 0, 'json_keys');
      const at = v.length > 1 ? findPath(document, path(a, v, 1, true))[0] : document;
      if (at === undefined || !isObject(at)) return null;
      return json([...at.keys()]);
    }),
  }),
});

register('json_length', {
  args: [1, 2],
  bind: () => ({
    info: intInfo(10, true),
    compile: strict((v, _ctx, a) => {
      const document = doc(a, v, 0, 'json_length');
      const at = v.length > 1 ? findPath(document, path(a, v, 1, true))[0] : document;
      if (at === undefined) return null;
      if (Array.isArray(at)) return BigInt(at.length);
      if (isObject(at)) return BigInt(at.size);
      return 1n;
    }),
  }),
});

function depth(value: Json): number {
  if (Array.isArray(value)) return value.length === 0 ? 1 : 1 + Math.max(...value.map(depth));
  if (isObject(value))
    return value.size === 0 ? 1 : 1 + Math.max(...[...value.values()].map(depth));
  return 1;
}

register('json_depth', {
  args: [1, 1],
  bind: () => ({
    info: intInfo(10, true),
    compile: strict((v, _ctx, a) => BigInt(depth(doc(a, v, 0, 'json_depth')))),
  }),
});

register('json_pretty', {
  args: [1, 1],
  bind: () => ({
    info: stringInfo(65_535, true),
    compile: strict((v, _ctx, a) => prettyJson(doc(a, v, 0, 'json_pretty'))),
  }),
});

/** JSON_SET / JSON_INSERT / JSON_REPLACE (path, value pairs applied left to right). */
function modify(name: string, insert: boolean, replace: boolean): void {
  register(name, {
    args: [3, Infinity],
    bind: (args) => {
      if (args.length % 2 === 0) throw new SqlError('ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT', [name]);
      return {
        info: jsonInfo(true),
        compile: lenientCall((v, _ctx, a) => {
          if (v[0] === null) return null;
          let document = doc(a, v, 0, name);
          for (let i = 1; i < v.length; i += 2) {
            if (v[i] === null) return null;
            const legs = path(a, v, i, true);
            const value = member(a, v, i + 1);
            document = updatePath(document, legs, (current) => {
              if (current === undefined) return insert ? value : undefined;
              return replace ? value : current;
            });
          }
          return json(document);
        }),
      };
    },
  });
}
modify('json_set', true, true);
modify('json_insert', true, false);
modify('json_replace', false, true);

register('json_remove', {
  args: [2, Infinity],
  bind: () => ({
    info: jsonInfo(true),
    compile: strict((v, _ctx, a) => {
      let document = doc(a, v, 0, 'json_remove');
      for (let i = 1; i < v.length; i++) {
        const legs = path(a, v, i, true);
        if (legs.length === 0) throw new SqlError('ER_INVALID_JSON_PATH', [1]);
        document = updatePath(document, legs, () => undefined);
      }
      return json(document);
    }),
  }),
});

register('json_array_append', {
  args: [3, Infinity],
  bind: () => ({
    info: jsonInfo(true),
    compile: lenientCall((v, _ctx, a) => {
      if (v[0] === null) return null;
      let document = doc(a, v, 0, 'json_array_append');
      for (let i = 1; i < v.length; i += 2) {
        const value = member(a, v, i + 1);
        document = updatePath(document, path(a, v, i, true), (current) => {
          if (current === undefined) return undefined;
          return Array.isArray(current) ? [...current, value] : [current, value];
        });
      }
      return json(document);
    }),
  }),
});

function mergePreserve(x: Json, y: Json): Json {
  if (isObject(x) && isObject(y)) {
    const out: JsonObject = new Map(x);
    for (const [k, v] of y) out.set(k, out.has(k) ? mergePreserve(out.get(k) as Json, v) : v);
    return sortObject(out);
  }
  const ax = Array.isArray(x) ? x : [x];
  const ay = Array.isArray(y) ? y : [y];
  return [...ax, ...ay];
}

function mergePatch(x: Json, y: Json): Json {
  if (!isObject(y)) return y;
  const out: JsonObject = isObject(x) ? new Map(x) : new Map();
  for (const [k, v] of y) {
    if (v === null) out.delete(k);
    else out.set(k, mergePatch(out.get(k) ?? null, v));
  }
  return sortObject(out);
}

function merger(names: readonly string[], fn: (x: Json, y: Json) => Json): void {
  register(names, {
    args: [2, Infinity],
    bind: () => ({
      info: jsonInfo(true),
      compile: lenientCall((v, _ctx, a) => {
        if (v.some((x) => x === null) && fn === mergePreserve) return null;
        let out: Json | undefined;
        for (let i = 0; i < v.length; i++) {
          if (v[i] === null) {
            out = null;
            continue;
          }
          const d = doc(a, v, i, names[0] as string);
          out = out === undefined ? d : fn(out, d);
        }
        return out === undefined || (out === null && v.at(-1) === null) ? null : json(out as Json);
      }),
    }),
  });
}
merger(['json_merge_preserve', 'json_merge'], mergePreserve);
merger(['json_merge_patch'], mergePatch);

register('json_search', {
  args: [3, Infinity],
  bind: () => ({
    info: jsonInfo(true),
    compile: lenientCall((v, _ctx, a) => {
      if (v[0] === null || v[1] === null || v[2] === null) return null;
      const document = doc(a, v, 0, 'json_search');
      const mode = (
        toText((a[1] as CallArgument).info.type, v[1] as NonNull) as string
      ).toLowerCase();
      if (mode !== 'one' && mode !== 'all')
        throw new SqlError('ER_JSON_BAD_ONE_OR_ALL_ARG', ['json_search']);
      const needle = toText((a[2] as CallArgument).info.type, v[2] as NonNull) as string;
      const escape =
        v.length > 3 && v[3] !== null
          ? (toText((a[3] as CallArgument).info.type, v[3] as NonNull) as string) || '\\'
          : '\\';
      const matcher = likeRegExp(needle, escape);
      const found: string[] = [];
      const walk = (value: Json, at: string): void => {
        if (mode === 'one' && found.length > 0) return;
        if (typeof value === 'string') {
          if (matcher.test(value)) found.push(at);
        } else if (Array.isArray(value)) value.forEach((x, i) => walk(x, `${at}[${i}]`));
        else if (isObject(value)) {
          for (const [k, x] of value)
            walk(x, `${at}.${/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : quoteJsonString(k)}`);
        }
      };
      walk(document, '$');
      if (found.length === 0) return null;
      return json(found.length === 1 ? (found[0] as string) : found);
    }),
  }),
});

function likeRegExp(pattern: string, escape: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === escape && i + 1 < pattern.length)
      out += (pattern[++i] as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '%') out += '.*';
    else if (c === '_') out += '.';
    else out += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 'su');
}
