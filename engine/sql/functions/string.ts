/**
 * String functions, as MySQL 8 defines them. Characters are code points for character strings
 * and bytes for binary strings (bytes.ts byte strings: one code unit per byte). Positions are
 * 1-based; comparisons that MySQL makes by collation (LOCATE, INSTR, FIELD, FIND_IN_SET, STRCMP)
 * use the arguments' collation, REPLACE is always exact.
 */
import { createHash } from 'node:crypto';
import { bytesToText, textToBytes } from '../bytes.js';
import { binaryInfo, compareMode, constantValue, intInfo, stringInfo } from '../bind.js';
import { type Collation, collation } from '../collation.js';
import { Decimal } from '../decimal.js';
import { type EvalContext, compareIn } from '../expr.js';
import type { CallArgument, ExprInfo, PlanExpr } from '../plan.js';
import { type SqlType, type Value, toBigInt, toDecimal, toText } from '../values.js';
import { type FunctionBindHost, register, strict } from './registry.js';
import { charsOf, textResult } from './types.js';

type NonNull = Exclude<Value, null>;

function isBinary(t: SqlType): boolean {
  return t.kind === 'string' && t.collation === 'binary';
}

/** Argument i as text; a binary result turns character arguments into their bytes. */
function text(
  args: readonly CallArgument[],
  values: readonly NonNull[],
  i: number,
  bytes = false,
): string {
  const t = (args[i] as CallArgument).info.type;
  const s = toText(t, values[i] as NonNull) as string;
  return bytes && !isBinary(t) ? textToBytes(s) : s;
}

function int(
  args: readonly CallArgument[],
  values: readonly NonNull[],
  i: number,
  ctx: EvalContext,
): bigint {
  return toBigInt((args[i] as CallArgument).info.type, values[i] as NonNull, ctx.warnings) ?? 0n;
}

function chars(s: string): string[] {
  return Array.from(s);
}

function anyBinary(args: readonly PlanExpr[]): boolean {
  return args.some((a) => isBinary(a.info.type));
}

function nullableOf(args: readonly PlanExpr[]): boolean {
  return args.some((a) => a.info.nullable);
}

/** A function from strings to a string of the arguments' kind (binary if any is binary). */
function stringFunction(
  names: string | readonly string[],
  args: readonly [number, number],
  length: (args: readonly PlanExpr[], host: FunctionBindHost) => number,
  fn: (
    values: readonly NonNull[],
    ctx: EvalContext,
    a: readonly CallArgument[],
    binary: boolean,
  ) => Value,
  nullable?: (args: readonly PlanExpr[]) => boolean,
): void {
  register(names, {
    args,
    bind: (bound, host) => {
      const binary = anyBinary(bound);
      const info = textResult(
        length(bound, host),
        (nullable ?? nullableOf)(bound),
        bound.map((b) => b.info),
      );
      return { info, compile: strict((v, ctx, a) => fn(v, ctx, a, binary)) };
    },
  });
}

function intFunction(
  names: string | readonly string[],
  args: readonly [number, number],
  length: number,
  fn: (values: readonly NonNull[], ctx: EvalContext, a: readonly CallArgument[]) => Value,
): void {
  register(names, {
    args,
    bind: (bound) => ({ info: intInfo(length, nullableOf(bound)), compile: strict(fn) }),
  });
}

/** max_allowed_packet's default: a longer result is NULL with warning 1301, as in MySQL. */
const RESULT_CHARS_MAX = 67_108_864n;

function tooLarge(ctx: EvalContext, fn: string): null {
  const message = `Result of ${fn}() was larger than max_allowed_packet (67108864) - truncated`;
  ctx.warnings.warn('Warning', 1301, message);
  return null;
}

const sumChars = (args: readonly PlanExpr[]): number =>
  args.reduce((n, a) => n + charsOf(a.info), 0);
const firstChars = (args: readonly PlanExpr[]): number => charsOf((args[0] as PlanExpr).info);

// ---------------------------------------------------------------------------------------------

stringFunction('concat', [1, Infinity], sumChars, (v, _ctx, a, binary) =>
  v.map((_, i) => text(a, v, i, binary)).join(''),
);

register('concat_ws', {
  args: [2, Infinity],
  bind: (bound) => {
    const binary = anyBinary(bound);
    const info = textResult(
      sumChars(bound),
      (bound[0] as PlanExpr).info.nullable,
      bound.map((b) => b.info),
    );
    return {
      info,
      compile: (args) => (row, ctx) => {
        const sepArg = args[0] as CallArgument;
        const sep = sepArg.eval(row, ctx);
        if (sep === null) return null;
        const parts: string[] = [];
        for (let i = 1; i < args.length; i++) {
          const a = args[i] as CallArgument;
          const v = a.eval(row, ctx);
          if (v === null) continue;
          const s = toText(a.info.type, v) as string;
          parts.push(binary && !isBinary(a.info.type) ? textToBytes(s) : s);
        }
        const sepText = toText(sepArg.info.type, sep) as string;
        return parts.join(binary && !isBinary(sepArg.info.type) ? textToBytes(sepText) : sepText);
      },
    };
  },
});

intFunction(['length', 'octet_length'], [1, 1], 10, (v, _ctx, a) =>
  BigInt(
    isBinary((a[0] as CallArgument).info.type)
      ? text(a, v, 0).length
      : Buffer.byteLength(text(a, v, 0), 'utf8'),
  ),
);
intFunction('bit_length', [1, 1], 10, (v, _ctx, a) =>
  BigInt(
    8 *
      (isBinary((a[0] as CallArgument).info.type)
        ? text(a, v, 0).length
        : Buffer.byteLength(text(a, v, 0), 'utf8')),
  ),
);
intFunction(['char_length', 'character_length'], [1, 1], 10, (v, _ctx, a) =>
  BigInt(chars(text(a, v, 0)).length),
);

stringFunction(['lower', 'lcase'], [1, 1], firstChars, (v, _ctx, a, binary) =>
  binary ? text(a, v, 0) : text(a, v, 0).toLowerCase(),
);
stringFunction(['upper', 'ucase'], [1, 1], firstChars, (v, _ctx, a, binary) =>
  binary ? text(a, v, 0) : text(a, v, 0).toUpperCase(),
);

function substring(s: string[], pos: bigint, len: bigint | null): string {
  const n = BigInt(s.length);
  if (pos === 0n || pos > n || -pos > n) return '';
  const start = pos > 0n ? pos - 1n : n + pos;
  if (len !== null && len <= 0n) return '';
  const end = len === null ? n : start + len > n ? n : start + len;
  return s.slice(Number(start), Number(end)).join('');
}

stringFunction(['substring', 'substr', 'mid'], [2, 3], firstChars, (v, ctx, a, binary) =>
  substring(
    chars(text(a, v, 0, binary)),
    int(a, v, 1, ctx),
    v.length > 2 ? int(a, v, 2, ctx) : null,
  ),
);
stringFunction('left', [2, 2], firstChars, (v, ctx, a, binary) => {
  const n = int(a, v, 1, ctx);
  return n <= 0n
    ? ''
    : chars(text(a, v, 0, binary))
        .slice(0, Number(n > 1_000_000_000n ? 1_000_000_000n : n))
        .join('');
});
stringFunction('right', [2, 2], firstChars, (v, ctx, a, binary) => {
  const n = int(a, v, 1, ctx);
  const c = chars(text(a, v, 0, binary));
  return n <= 0n
    ? ''
    : c.slice(Math.max(0, c.length - Number(n > 1_000_000_000n ? 1_000_000_000n : n))).join('');
});

function trimmer(side: 'leading' | 'trailing' | 'both'): (s: string, r: string) => string {
  return (s, r) => {
    if (r === '') return s;
    let start = 0;
    let end = s.length;
    if (side !== 'trailing') while (s.startsWith(r, start)) start += r.length;
    if (side !== 'leading') while (end - r.length >= start && s.endsWith(r, end)) end -= r.length;
    return s.slice(start, end);
  };
}
for (const side of ['leading', 'trailing', 'both'] as const) {
  const trim = trimmer(side);
  stringFunction(`trim_${side}`, [1, 2], firstChars, (v, _ctx, a, binary) =>
    trim(text(a, v, 0, binary), v.length > 1 ? text(a, v, 1, binary) : ' '),
  );
}
stringFunction('trim', [1, 1], firstChars, (v, _ctx, a) => trimmer('both')(text(a, v, 0), ' '));
stringFunction('ltrim', [1, 1], firstChars, (v, _ctx, a) => trimmer('leading')(text(a, v, 0), ' '));
stringFunction('rtrim', [1, 1], firstChars, (v, _ctx, a) =>
  trimmer('trailing')(text(a, v, 0), ' '),
);

stringFunction('replace', [3, 3], firstChars, (v, _ctx, a, binary) => {
  const from = text(a, v, 1, binary);
  const s = text(a, v, 0, binary);
  return from === '' ? s : s.split(from).join(text(a, v, 2, binary));
});
stringFunction('reverse', [1, 1], firstChars, (v, _ctx, a, binary) =>
  chars(text(a, v, 0, binary))
    .reverse()
    .join(''),
);
stringFunction(
  'repeat',
  [2, 2],
  (b, host) => {
    // A constant count sizes the result, as MySQL's max_length (a long one is a BLOB type).
    const count = constantValue(b[1] as PlanExpr, host.params);
    return firstChars(b) * (typeof count === 'bigint' && count > 0n ? Number(count) : 10);
  },
  (v, ctx, a, binary) => {
    const n = int(a, v, 1, ctx);
    const s = text(a, v, 0, binary);
    if (n <= 0n) return '';
    if (BigInt(s.length) * n > RESULT_CHARS_MAX) return tooLarge(ctx, 'repeat');
    return s.repeat(Number(n));
  },
  () => true,
);

function pad(
  left: boolean,
): (v: readonly NonNull[], ctx: EvalContext, a: readonly CallArgument[], binary: boolean) => Value {
  return (v, ctx, a, binary) => {
    const n = int(a, v, 1, ctx);
    const s = chars(text(a, v, 0, binary));
    if (n < 0n) return null;
    if (n > RESULT_CHARS_MAX) return tooLarge(ctx, left ? 'lpad' : 'rpad');
    const len = Number(n);
    if (s.length >= len) return s.slice(0, len).join('');
    const p = chars(text(a, v, 2, binary));
    if (p.length === 0) return null;
    const missing = len - s.length;
    const fill =
      p.join('').repeat(Math.floor(missing / p.length)) + p.slice(0, missing % p.length).join('');
    return left ? fill + s.join('') : s.join('') + fill;
  };
}
stringFunction(
  'lpad',
  [3, 3],
  (b) => Number(constantLength(b[1])),
  pad(true),
  () => true,
);
stringFunction(
  'rpad',
  [3, 3],
  (b) => Number(constantLength(b[1])),
  pad(false),
  () => true,
);

function constantLength(e: PlanExpr | undefined): bigint {
  if (e !== undefined && e.kind === 'const' && typeof e.value === 'bigint')
    return e.value < 0n ? 0n : e.value;
  return 255n;
}

/** The collation two string arguments compare in. */
function pairCollation(bound: readonly PlanExpr[]): Collation {
  const mode = compareMode(bound.filter((b) => b.info.type.kind === 'string'));
  return mode.kind === 'string' ? mode.collation : collation('utf8mb4_0900_ai_ci');
}

/** 1-based position of `needle` in `hay` from `from` (by collation), 0 when absent. */
function locate(hay: string, needle: string, from: number, coll: Collation): number {
  const h = chars(hay);
  const n = chars(needle);
  if (from < 1 || from > h.length + 1) return 0;
  if (n.length === 0) return from;
  const exact = coll.name === 'binary' || coll.name.endsWith('_bin');
  for (let i = from - 1; i + n.length <= h.length; i++) {
    const piece = h.slice(i, i + n.length).join('');
    if (exact ? piece === needle : coll.compare(piece, needle) === 0) return i + 1;
  }
  return 0;
}

function registerLocate(name: string, order: 'needle-first' | 'hay-first', maxArgs: number): void {
  register(name, {
    args: [2, maxArgs],
    bind: (bound) => {
      const coll = pairCollation(bound.slice(0, 2));
      return {
        info: intInfo(11, nullableOf(bound)),
        compile: strict((v, ctx, a) => {
          const needle = order === 'needle-first' ? text(a, v, 0) : text(a, v, 1);
          const hay = order === 'needle-first' ? text(a, v, 1) : text(a, v, 0);
          const from = v.length > 2 ? Number(int(a, v, 2, ctx)) : 1;
          return BigInt(locate(hay, needle, from, coll));
        }),
      };
    },
  });
}
registerLocate('locate', 'needle-first', 3);
registerLocate('instr', 'hay-first', 2);

register('field', {
  args: [2, Infinity],
  bind: (bound) => {
    const mode = compareMode(bound);
    return {
      info: intInfo(3, false),
      compile: (args) => (row, ctx) => {
        const first = args[0] as CallArgument;
        const v = first.eval(row, ctx);
        if (v === null) return 0n;
        for (let i = 1; i < args.length; i++) {
          const a = args[i] as CallArgument;
          const w = a.eval(row, ctx);
          if (w !== null && compareInMode(mode, first.info.type, v, a.info.type, w, ctx) === 0)
            return BigInt(i);
        }
        return 0n;
      },
    };
  },
});

function compareInMode(
  mode: ReturnType<typeof compareMode>,
  ta: SqlType,
  a: NonNull,
  tb: SqlType,
  b: NonNull,
  ctx: EvalContext,
): number {
  return compareIn(mode, ta, a, tb, b, ctx.warnings);
}

register('find_in_set', {
  args: [2, 2],
  bind: (bound) => {
    const coll = pairCollation(bound);
    return {
      info: intInfo(3, nullableOf(bound)),
      compile: strict((v, _ctx, a) => {
        const needle = text(a, v, 0);
        const list = text(a, v, 1);
        if (needle.includes(',')) return 0n;
        if (list === '') return 0n;
        const at = list.split(',').findIndex((item) => coll.compare(item, needle) === 0);
        return BigInt(at + 1);
      }),
    };
  },
});

register('elt', {
  args: [2, Infinity],
  bind: (bound) => ({
    info: textResult(
      Math.max(...bound.slice(1).map((b) => charsOf(b.info))),
      true,
      bound.slice(1).map((b) => b.info),
    ),
    compile: (args) => (row, ctx) => {
      const first = args[0] as CallArgument;
      const n = first.eval(row, ctx);
      if (n === null) return null;
      const i = Number(toBigInt(first.info.type, n, ctx.warnings) ?? 0n);
      const a = args[i];
      if (i < 1 || a === undefined) return null;
      const v = a.eval(row, ctx);
      return v === null ? null : toText(a.info.type, v);
    },
  }),
});

stringFunction(
  'insert',
  [4, 4],
  (b) => firstChars(b) + charsOf((b[3] as PlanExpr).info),
  (v, ctx, a, binary) => {
    const s = chars(text(a, v, 0, binary));
    const pos = int(a, v, 1, ctx);
    const len = int(a, v, 2, ctx);
    const replacement = text(a, v, 3, binary);
    if (pos < 1n || pos > BigInt(s.length)) return s.join('');
    const start = Number(pos) - 1;
    const count =
      len < 0n || BigInt(start) + len > BigInt(s.length) ? s.length - start : Number(len);
    return s.slice(0, start).join('') + replacement + s.slice(start + count).join('');
  },
);

register('space', {
  args: [1, 1],
  bind: (bound) => ({
    info: stringInfo(Number(constantLength(bound[0])), true),
    compile: strict((v, ctx, a) => {
      const n = int(a, v, 0, ctx);
      if (n > RESULT_CHARS_MAX) return tooLarge(ctx, 'space');
      return n <= 0n ? '' : ' '.repeat(Number(n));
    }),
  }),
});

intFunction('ascii', [1, 1], 3, (v, _ctx, a) => {
  const bytes = text(a, v, 0, true);
  return bytes === '' ? 0n : BigInt(bytes.charCodeAt(0));
});
intFunction('ord', [1, 1], 21, (v, _ctx, a) => {
  const s = text(a, v, 0);
  if (s === '') return 0n;
  const first = isBinary((a[0] as CallArgument).info.type)
    ? (s[0] as string)
    : (Array.from(s)[0] as string);
  const bytes = textToBytes(first);
  let n = 0n;
  for (let i = 0; i < bytes.length; i++) n = n * 256n + BigInt(bytes.charCodeAt(i));
  return n;
});

register('char', {
  args: [1, Infinity],
  bind: (bound) => ({
    info: binaryInfo(bound.length * 4, false),
    compile: (args) => (row, ctx) => {
      let out = '';
      for (const a of args) {
        const v = a.eval(row, ctx);
        if (v === null) continue;
        let n = BigInt.asUintN(32, toBigInt(a.info.type, v, ctx.warnings) ?? 0n);
        let bytes = '';
        do {
          bytes = String.fromCharCode(Number(n & 0xffn)) + bytes;
          n >>= 8n;
        } while (n > 0n);
        out += bytes;
      }
      return out;
    },
  }),
});

register('hex', {
  args: [1, 1],
  bind: (bound) => ({
    info: stringInfo(Math.max(1, charsOf((bound[0] as PlanExpr).info)) * 2, nullableOf(bound)),
    compile: strict((v, ctx, a) => {
      const t = (a[0] as CallArgument).info.type;
      const value = v[0] as NonNull;
      if (
        typeof value === 'string' &&
        !(t.kind === 'string' && (t.variant === 'enum' || t.variant === 'set'))
      ) {
        return Buffer.from(text(a, v, 0, true), 'latin1')
          .toString('hex')
          .toUpperCase();
      }
      const n =
        typeof value === 'number'
          ? BigInt(Math.round(value))
          : (toDecimal(t, value, ctx.warnings) as Decimal).toBigInt();
      return BigInt.asUintN(64, n).toString(16).toUpperCase();
    }),
  }),
});

register('unhex', {
  args: [1, 1],
  bind: (bound) => ({
    info: binaryInfo(Math.ceil(charsOf((bound[0] as PlanExpr).info) / 2), true),
    compile: strict((v, _ctx, a) => {
      let s = text(a, v, 0);
      if (!/^[0-9a-fA-F]*$/.test(s)) return null;
      if (s.length % 2 === 1) s = `0${s}`;
      return Buffer.from(s, 'hex').toString('latin1');
    }),
  }),
});

stringFunction(
  'to_base64',
  [1, 1],
  (b) => Math.ceil(firstChars(b) / 3) * 4 + 2,
  (v, _ctx, a) => {
    const b64 = Buffer.from(text(a, v, 0, true), 'latin1').toString('base64');
    return b64.replace(/(.{76})(?=.)/g, '$1\n');
  },
);
register('from_base64', {
  args: [1, 1],
  bind: (bound) => ({
    info: binaryInfo(firstChars(bound), true),
    compile: strict((v, _ctx, a) => {
      const s = text(a, v, 0).replace(/[\s]/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 === 1) return null;
      return Buffer.from(s, 'base64').toString('latin1');
    }),
  }),
});

function digest(name: string, algorithm: string, hexChars: number): void {
  register(name, {
    args: [1, 1],
    bind: (bound) => ({
      info: stringInfo(hexChars, nullableOf(bound)),
      compile: strict((v, _ctx, a) =>
        createHash(algorithm)
          .update(Buffer.from(text(a, v, 0, true), 'latin1'))
          .digest('hex'),
      ),
    }),
  });
}
digest('md5', 'md5', 32);
digest('sha1', 'sha1', 40);
digest('sha', 'sha1', 40);

register('sha2', {
  args: [2, 2],
  bind: () => ({
    info: stringInfo(128, true),
    compile: strict((v, ctx, a) => {
      const bits = int(a, v, 1, ctx);
      const algorithm = { 0: 'sha256', 224: 'sha224', 256: 'sha256', 384: 'sha384', 512: 'sha512' }[
        Number(bits)
      ];
      if (algorithm === undefined) return null;
      return createHash(algorithm)
        .update(Buffer.from(text(a, v, 0, true), 'latin1'))
        .digest('hex');
    }),
  }),
});

register('quote', {
  args: [1, 1],
  bind: (bound) => ({
    // QUOTE(NULL) is binary like NULL itself, with NULL's ignorable derivation.
    info:
      (bound[0] as PlanExpr).info.type.kind === 'null'
        ? quoteNullInfo()
        : textResult(
            firstChars(bound) * 2 + 2,
            false,
            bound.map((b) => b.info),
          ),
    compile: (args) => (row, ctx) => {
      const a = args[0] as CallArgument;
      const v = a.eval(row, ctx);
      if (v === null) return 'NULL';
      const s = toText(a.info.type, v) as string;
      const escape = (c: string): string => (c === '\0' ? '\\0' : c === '\x1a' ? '\\Z' : `\\${c}`);
      return `'${s.replace(/[\\'\0\x1a]/g, escape)}'`;
    },
  }),
});

register('strcmp', {
  args: [2, 2],
  bind: (bound) => {
    const coll = pairCollation(bound);
    return {
      info: intInfo(2, nullableOf(bound)),
      compile: strict((v, _ctx, a) =>
        BigInt(Math.sign(coll.compare(text(a, v, 0), text(a, v, 1)))),
      ),
    };
  },
});

/** FORMAT(x, d): rounded to d decimals (half away from zero), thousands separated by ','. */
register('format', {
  args: [2, 3],
  bind: (bound) => ({
    info: stringInfo(
      Math.max(charsOf((bound[0] as PlanExpr).info), 10) + 40,
      nullableOf(bound.slice(0, 2)),
    ),
    compile: strict((v, ctx, a) => {
      const t = (a[0] as CallArgument).info.type;
      const value = v[0] as NonNull;
      const d = Math.min(30, Math.max(0, Number(int(a, v, 1, ctx))));
      const exact =
        typeof value === 'number'
          ? Decimal.fromDouble(value)
          : (toDecimal(t, value, ctx.warnings) as Decimal);
      const text = exact.rescale(d).toString();
      const negative = text.startsWith('-');
      const [whole = '0', fraction] = (negative ? text.slice(1) : text).split('.');
      const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
      const shown = fraction === undefined ? grouped : `${grouped}.${fraction}`;
      return negative && /[1-9]/.test(shown) ? `-${shown}` : shown;
    }),
  }),
});

const SOUNDEX_CODES: Readonly<Record<string, string>> = {
  B: '1',
  F: '1',
  P: '1',
  V: '1',
  C: '2',
  G: '2',
  J: '2',
  K: '2',
  Q: '2',
  S: '2',
  X: '2',
  Z: '2',
  D: '3',
  T: '3',
  L: '4',
  M: '5',
  N: '5',
  R: '6',
};

/**
 * MySQL's SOUNDEX: leading non-letters skipped, the first letter kept (upper case), then each
 * letter's code unless it is 0 (vowels, H, W, Y, non-ASCII letters) or repeats the last code
 * kept; padded to four characters, never cut.
 */
stringFunction(
  'soundex',
  [1, 1],
  (b) => Math.max(4, firstChars(b)),
  (v, _ctx, a) => {
    const letters = Array.from(text(a, v, 0)).filter((c) => /\p{L}/u.test(c));
    const first = letters[0];
    if (first === undefined) return '';
    let out = first.toUpperCase();
    let last = SOUNDEX_CODES[out] ?? '0';
    for (const c of letters.slice(1)) {
      const code = SOUNDEX_CODES[c.toUpperCase()] ?? '0';
      if (code !== '0' && code !== last) {
        out += code;
        last = code;
      }
    }
    return out.length < 4 ? out.padEnd(4, '0') : out;
  },
);

stringFunction('substring_index', [3, 3], firstChars, (v, ctx, a, binary) => {
  const s = text(a, v, 0, binary);
  const delim = text(a, v, 1, binary);
  const count = int(a, v, 2, ctx);
  if (delim === '' || count === 0n) return '';
  const parts = s.split(delim);
  if (count > 0n)
    return parts
      .slice(0, Number(count > BigInt(parts.length) ? BigInt(parts.length) : count))
      .join(delim);
  const n = -count > BigInt(parts.length) ? parts.length : Number(-count);
  return parts.slice(parts.length - n).join(delim);
});

register('make_set', {
  args: [2, Infinity],
  bind: (bound) => ({
    info: textResult(
      sumChars(bound.slice(1)) + bound.length,
      (bound[0] as PlanExpr).info.nullable,
      bound.slice(1).map((b) => b.info),
    ),
    compile: (args) => (row, ctx) => {
      const first = args[0] as CallArgument;
      const bitsValue = first.eval(row, ctx);
      if (bitsValue === null) return null;
      const bits = BigInt.asUintN(64, toBigInt(first.info.type, bitsValue, ctx.warnings) ?? 0n);
      const out: string[] = [];
      for (let i = 1; i < args.length; i++) {
        if (((bits >> BigInt(i - 1)) & 1n) === 0n) continue;
        const a = args[i] as CallArgument;
        const v = a.eval(row, ctx);
        if (v !== null) out.push(toText(a.info.type, v) as string);
      }
      return out.join(',');
    },
  }),
});

stringFunction(
  'export_set',
  [3, 5],
  () => 64 * 4,
  (v, ctx, a) => {
    const bits = BigInt.asUintN(64, int(a, v, 0, ctx));
    const on = text(a, v, 1);
    const off = text(a, v, 2);
    const sep = v.length > 3 ? text(a, v, 3) : ',';
    const count = v.length > 4 ? Math.min(64, Math.max(0, Number(int(a, v, 4, ctx)))) : 64;
    const out: string[] = [];
    for (let i = 0; i < count; i++) out.push(((bits >> BigInt(i)) & 1n) === 1n ? on : off);
    return out.join(sep);
  },
);

register(['charset'], {
  args: [1, 1],
  bind: (bound) => ({
    info: stringInfo(64, false, { system: true }),
    compile: () => () => {
      const t = (bound[0] as PlanExpr).info.type;
      if (t.kind !== 'string' || t.collation === 'binary') return 'binary';
      return 'utf8mb4';
    },
  }),
});
register(['collation'], {
  args: [1, 1],
  bind: (bound) => ({
    info: stringInfo(64, false, { system: true }),
    compile: () => () => {
      const t = (bound[0] as PlanExpr).info.type;
      if (t.kind !== 'string' || t.variant === 'json') return 'binary';
      return t.collation;
    },
  }),
});

register('weight_string', {
  args: [1, 1],
  bind: (bound) => ({
    info: binaryInfo(charsOf((bound[0] as PlanExpr).info) * 8, true),
    compile: strict((v, _ctx, a) => {
      const t = (a[0] as CallArgument).info.type;
      if (t.kind !== 'string') return null;
      return collation(t.collation)
        .sortKey(text(a, v, 0))
        .toString('latin1');
    }),
  }),
});

function quoteNullInfo(): ExprInfo {
  const info = binaryInfo(4, false);
  return { ...info, type: { ...(info.type as SqlType & { kind: 'string' }), ignorable: true } };
}

export function textArgument(info: ExprInfo, value: NonNull): string {
  return bytesToText(toText(info.type, value) as string);
}

