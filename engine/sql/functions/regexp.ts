/**
 * REGEXP / RLIKE / REGEXP_LIKE, REGEXP_INSTR, REGEXP_SUBSTR, REGEXP_REPLACE. MySQL 8 uses ICU
 * regular expressions; JavaScript's (with the `u` flag) agree on the common syntax: classes,
 * quantifiers, anchors, alternation, groups, \d \w \s, POSIX classes written [[:alpha:]] (mapped
 * here). Matching is case-insensitive when the comparison collation is (…_ci), as in MySQL;
 * match_type 'c' / 'i' / 'm' / 'n' / 'u' override it. A bad pattern is ER_REGEXP_ERROR (3685) or
 * ER_REGEXP_MISMATCHED_PAREN (3692).
 */
import { SqlError } from '../../errors.js';
import { compareMode, intInfo } from '../bind.js';
import type { EvalContext } from '../expr.js';
import type { CallArgument, PlanExpr } from '../plan.js';
import { type Value, toBigInt, toText } from '../values.js';
import { register, strict } from './registry.js';
import { charsOf, textResult } from './types.js';

type NonNull = Exclude<Value, null>;

const POSIX: Readonly<Record<string, string>> = {
  alpha: '\\p{L}',
  digit: '0-9',
  alnum: '\\p{L}0-9',
  upper: '\\p{Lu}',
  lower: '\\p{Ll}',
  space: '\\s',
  punct: '\\p{P}',
  xdigit: '0-9A-Fa-f',
  blank: ' \\t',
  cntrl: '\\p{Cc}',
  print: '\\P{Cc}',
  graph: '\\p{L}\\p{N}\\p{P}\\p{S}',
  word: '\\w',
};

const cache = new Map<string, RegExp>();

function compilePattern(pattern: string, flags: string): RegExp {
  const key = `${flags}/${pattern}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const source = pattern
    .replace(/\[\[:(\w+):\]\]/g, (m, name: string) =>
      POSIX[name] === undefined ? m : `[${POSIX[name]}]`,
    )
    .replace(/\[:(\w+):\]/g, (m, name: string) => POSIX[name] ?? m)
    .replace(/\[\[:<:\]\]/g, '\\b(?=\\w)')
    .replace(/\[\[:>:\]\]/g, '\\b(?<=\\w)');
  let re: RegExp;
  try {
    re = new RegExp(source, `${flags}u`);
  } catch {
    const open = (pattern.match(/(?<!\\)\(/g) ?? []).length;
    const close = (pattern.match(/(?<!\\)\)/g) ?? []).length;
    throw new SqlError(open !== close ? 'ER_REGEXP_MISMATCHED_PAREN' : 'ER_REGEXP_ERROR');
  }
  if (cache.size < 1_000) cache.set(key, re);
  return re;
}

/** JavaScript flags for a match_type and the collation's case sensitivity. */
function flagsOf(caseInsensitive: boolean, matchType: string | null): string {
  let ci = caseInsensitive;
  let multiline = false;
  let dotAll = false;
  for (const c of matchType ?? '') {
    if (c === 'c') ci = false;
    else if (c === 'i') ci = true;
    else if (c === 'm') multiline = true;
    else if (c === 'n') dotAll = true;
    else if (c !== 'u') throw new SqlError('ER_WRONG_ARGUMENTS', ['regexp_like']);
  }
  return `${ci ? 'i' : ''}${multiline ? 'm' : ''}${dotAll ? 's' : ''}`;
}

function caseInsensitive(args: readonly PlanExpr[]): boolean {
  const mode = compareMode(args.slice(0, 2));
  if (mode.kind !== 'string') return true;
  const name = mode.collation.name;
  return name !== 'binary' && !name.endsWith('_bin') && !name.endsWith('_cs');
}

function text(a: readonly CallArgument[], v: readonly NonNull[], i: number): string {
  return toText((a[i] as CallArgument).info.type, v[i] as NonNull) as string;
}

function int(
  a: readonly CallArgument[],
  v: readonly NonNull[],
  i: number,
  ctx: EvalContext,
  fallback: number,
): number {
  if (i >= v.length) return fallback;
  return Number(toBigInt((a[i] as CallArgument).info.type, v[i] as NonNull, ctx.warnings) ?? 0n);
}

/** Code-point index ↔ UTF-16 index for positions MySQL counts in characters. */
function unitIndex(s: string, charPos: number): number {
  let units = 0;
  let chars = 0;
  for (const ch of s) {
    if (chars === charPos) return units;
    units += ch.length;
    chars++;
  }
  return charPos <= chars ? units : -1;
}

function charIndex(s: string, unit: number): number {
  return Array.from(s.slice(0, unit)).length;
}

register('regexp_like', {
  args: [2, 3],
  bind: (args) => {
    const ci = caseInsensitive(args);
    return {
      info: intInfo(
        1,
        args.some((a) => a.info.nullable),
      ),
      compile: strict((v, _ctx, a) => {
        const re = compilePattern(text(a, v, 1), flagsOf(ci, v.length > 2 ? text(a, v, 2) : null));
        return re.test(text(a, v, 0)) ? 1n : 0n;
      }),
    };
  },
});

/** The occurrence-th match at or after character `pos` (1-based), or null. */
function nth(s: string, re: RegExp, pos: number, occurrence: number): RegExpExecArray | null {
  const start = unitIndex(s, pos - 1);
  if (start < 0) throw new SqlError('ER_REGEXP_ERROR');
  const global = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  global.lastIndex = start;
  let m: RegExpExecArray | null = null;
  for (let k = 0; k < occurrence; k++) {
    m = global.exec(s);
    if (m === null) return null;
    if (m[0] === '') global.lastIndex++;
  }
  return m;
}

register('regexp_instr', {
  args: [2, 6],
  bind: (args) => {
    const ci = caseInsensitive(args);
    return {
      info: intInfo(21, true),
      compile: strict((v, ctx, a) => {
        const s = text(a, v, 0);
        const re = compilePattern(text(a, v, 1), flagsOf(ci, v.length > 5 ? text(a, v, 5) : null));
        const m = nth(s, re, int(a, v, 2, ctx, 1), int(a, v, 3, ctx, 1));
        if (m === null) return 0n;
        const end = int(a, v, 4, ctx, 0) === 1;
        return BigInt(charIndex(s, m.index + (end ? m[0].length : 0)) + 1);
      }),
    };
  },
});

register('regexp_substr', {
  args: [2, 5],
  bind: (args) => {
    const ci = caseInsensitive(args);
    return {
      info: textResult(charsOf((args[0] as PlanExpr).info), true, [(args[0] as PlanExpr).info]),
      compile: strict((v, ctx, a) => {
        const s = text(a, v, 0);
        const re = compilePattern(text(a, v, 1), flagsOf(ci, v.length > 4 ? text(a, v, 4) : null));
        const m = nth(s, re, int(a, v, 2, ctx, 1), int(a, v, 3, ctx, 1));
        return m === null ? null : m[0];
      }),
    };
  },
});

register('regexp_replace', {
  args: [3, 6],
  bind: (args) => {
    const ci = caseInsensitive(args);
    return {
      info: textResult(charsOf((args[0] as PlanExpr).info) * 2, true, [(args[0] as PlanExpr).info]),
      compile: strict((v, ctx, a) => {
        const s = text(a, v, 0);
        const re = compilePattern(text(a, v, 1), flagsOf(ci, v.length > 5 ? text(a, v, 5) : null));
        // MySQL's replacement refers to groups as $1 … $9, like JavaScript's.
        const replacement = text(a, v, 2);
        const pos = int(a, v, 3, ctx, 1);
        const occurrence = int(a, v, 4, ctx, 0);
        const start = unitIndex(s, pos - 1);
        if (start < 0) throw new SqlError('ER_REGEXP_ERROR');
        const head = s.slice(0, start);
        const tail = s.slice(start);
        const global = new RegExp(re.source, `${re.flags}g`);
        if (occurrence === 0) return head + tail.replace(global, replacement);
        let k = 0;
        return (
          head +
          tail.replace(global, (match: string, ...rest: unknown[]) => {
            k++;
            if (k !== occurrence) return match;
            const groups = rest.slice(0, -2) as (string | undefined)[];
            return replacement.replace(/\$(\d)/g, (_m, d: string) => groups[Number(d) - 1] ?? '');
          })
        );
      }),
    };
  },
});
