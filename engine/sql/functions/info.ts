/**
 * Information and miscellaneous functions: UUID, UUID_SHORT, UUID_TO_BIN / BIN_TO_UUID, IS_UUID,
 * INET_ATON / INET_NTOA, IS_IPV4, SLEEP, BENCHMARK, CURRENT_ROLE, ICU_VERSION.
 * (DATABASE, USER, VERSION, CONNECTION_ID, LAST_INSERT_ID and NOW stay in bind.ts.)
 *
 * SLEEP(n) cannot block inside synchronous expression evaluation, so the session waits for a
 * statement's SLEEP calls before running it (`performSleeps`): the wait races the statement's
 * interrupt, so KILL QUERY (the mysql CLI's Ctrl-C) ends it at once with ER_QUERY_INTERRUPTED
 * (1317), as MySQL 8 ends a killed SLEEP statement; a SLEEP that ran to its end evaluates to 0.
 * Its argument must be constant (1235 otherwise): a per-row SLEEP would wait once, not per row.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { SqlError } from '../../errors.js';
import { binaryInfo, constantValue, intInfo, stringInfo } from '../bind.js';
import { type EvalContext, compile } from '../expr.js';
import type { CallArgument, PlanExpr } from '../plan.js';
import { type Value, toBigInt, toDouble, toText, truth } from '../values.js';
import { register, strict } from './registry.js';

type NonNull = Exclude<Value, null>;

register('uuid', {
  args: [0, 0],
  bind: () => ({
    info: stringInfo(36, false, { system: true }),
    deterministic: false,
    compile: () => () => randomUUID(),
  }),
});

let shortCounter = BigInt(randomBytes(3).readUIntBE(0, 3)) << 24n;
register('uuid_short', {
  args: [0, 0],
  bind: () => ({
    info: intInfo(21, false, true),
    deterministic: false,
    compile: () => (_row, ctx) => {
      shortCounter += 1n;
      return (
        ((BigInt(ctx.session.connectionId) & 0xffn) << 56n) | (shortCounter & ((1n << 56n) - 1n))
      );
    },
  }),
});

const UUID_TEXT =
  /^\{?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})\}?$/i;

function uuidHex(text: string): string | undefined {
  const m = UUID_TEXT.exec(text);
  return m === null ? undefined : m.slice(1).join('').toLowerCase();
}

register('is_uuid', {
  args: [1, 1],
  bind: (args) => ({
    info: intInfo(1, (args[0] as PlanExpr).info.nullable),
    compile: strict((v, _ctx, a) =>
      uuidHex(toText((a[0] as CallArgument).info.type, v[0] as NonNull) as string) === undefined
        ? 0n
        : 1n,
    ),
  }),
});

function swapFlag(a: readonly CallArgument[], v: readonly Value[], ctx: EvalContext): boolean {
  const arg = a[1];
  const value = v[1];
  if (arg === undefined || value === undefined || value === null) return false;
  return truth(arg.info.type, value, ctx.warnings) === true;
}

register('uuid_to_bin', {
  args: [1, 2],
  bind: () => ({
    info: binaryInfo(16, true),
    compile: strict((v, ctx, a) => {
      const text = toText((a[0] as CallArgument).info.type, v[0] as NonNull) as string;
      const hex = uuidHex(text);
      if (hex === undefined)
        throw new SqlError('ER_WRONG_VALUE_FOR_TYPE', ['string', text, 'uuid_to_bin']);
      const ordered = swapFlag(a, v, ctx)
        ? hex.slice(12, 16) + hex.slice(8, 12) + hex.slice(0, 8) + hex.slice(16)
        : hex;
      return Buffer.from(ordered, 'hex').toString('latin1');
    }),
  }),
});

register('bin_to_uuid', {
  args: [1, 2],
  bind: () => ({
    info: stringInfo(36, true, { system: true }),
    compile: strict((v, ctx, a) => {
      const t = (a[0] as CallArgument).info.type;
      const bytes = toText(t, v[0] as NonNull) as string;
      if (bytes.length !== 16)
        throw new SqlError('ER_WRONG_VALUE_FOR_TYPE', ['string', bytes, 'bin_to_uuid']);
      let hex = Buffer.from(bytes, 'latin1').toString('hex');
      if (swapFlag(a, v, ctx))
        hex = hex.slice(8, 16) + hex.slice(4, 8) + hex.slice(0, 4) + hex.slice(16);
      const parts = [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20)];
      return `${parts.join('-')}-${hex.slice(20)}`;
    }),
  }),
});

register('inet_aton', {
  args: [1, 1],
  bind: () => ({
    info: intInfo(21, true, true),
    compile: strict((v, _ctx, a) => {
      const text = toText((a[0] as CallArgument).info.type, v[0] as NonNull) as string;
      if (!/^\d+(\.\d+){0,3}$/.test(text)) return null;
      const parts = text.split('.').map(Number);
      if (parts.some((p) => p > 255)) return null;
      // MySQL reads '127.1' as 127.0.0.1: the last part fills the low bytes.
      let n = 0n;
      parts.forEach((p, i) => {
        const shift = i === parts.length - 1 ? 0n : BigInt(8 * (3 - i));
        n |= BigInt(p) << shift;
      });
      return n;
    }),
  }),
});

register('inet_ntoa', {
  args: [1, 1],
  bind: () => ({
    info: stringInfo(15, true, { system: true }),
    compile: strict((v, ctx, a) => {
      const n = toBigInt((a[0] as CallArgument).info.type, v[0] as NonNull, ctx.warnings) ?? 0n;
      if (n < 0n || n > 0xffffffffn) return null;
      return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn)).join('.');
    }),
  }),
});

register('is_ipv4', {
  args: [1, 1],
  bind: () => ({
    info: intInfo(1, false),
    compile: (args) => (row, ctx) => {
      const a = args[0] as CallArgument;
      const value = a.eval(row, ctx);
      if (value === null) return 0n;
      const text = toText(a.info.type, value) as string;
      const parts = text.split('.');
      return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)
        ? 1n
        : 0n;
    },
  }),
});

register('row_count', {
  args: [0, 0],
  bind: () => ({
    info: intInfo(21, false),
    deterministic: false,
    compile: () => (_row, ctx) => ctx.counts?.rowCount ?? -1n,
  }),
});

register('found_rows', {
  args: [0, 0],
  bind: () => ({
    info: intInfo(21, false),
    deterministic: false,
    compile: () => (_row, ctx) => ctx.counts?.foundRows ?? 0n,
  }),
});

register('current_role', {
  args: [0, 0],
  bind: () => ({ info: stringInfo(255, false, { system: true }), compile: () => () => 'NONE' }),
});

register('icu_version', {
  args: [0, 0],
  bind: () => ({
    info: stringInfo(20, false, { system: true }),
    compile: () => () => process.versions.icu ?? '',
  }),
});

register('sleep', {
  args: [1, 1],
  bind: (args, host) => {
    const arg = args[0] as PlanExpr;
    const constant =
      arg.kind === 'const' ||
      (arg.kind === 'param' && constantValue(arg, host.params) !== undefined);
    if (!constant)
      throw new SqlError('ER_NOT_SUPPORTED_YET', [
        'SLEEP() with an argument that is not a constant',
      ]);
    return { info: intInfo(21, false), deterministic: false, compile: () => () => 0n };
  },
});

/** BENCHMARK(count, expr): evaluates expr count times; 0. */
register('benchmark', {
  args: [2, 2],
  bind: () => ({
    info: intInfo(1, false),
    deterministic: false,
    compile:
      ([count, expr]) =>
      (row, ctx) => {
        const c = count as CallArgument;
        const n = c.eval(row, ctx);
        const times = n === null ? 0 : Number(toBigInt(c.info.type, n, ctx.warnings) ?? 0n);
        if (times < 0) return null;
        for (let i = 0; i < Math.min(times, 100_000_000); i++) {
          (expr as CallArgument).eval(row, ctx);
          if ((i & 0xffff) === 0xffff) ctx.interrupt?.check();
        }
        return 0n;
      },
  }),
});

/** Every SLEEP call of a plan (a structural walk: plans are plain data). */
function sleepCalls(node: unknown, out: PlanExpr[], seen: Set<unknown>): void {
  if (typeof node !== 'object' || node === null || seen.has(node)) return;
  seen.add(node);
  if (Array.isArray(node)) {
    for (const item of node) sleepCalls(item, out, seen);
    return;
  }
  const record = node as Record<string, unknown>;
  if (record.kind === 'call' && record.name === 'sleep' && typeof record.compile === 'function') {
    out.push(node as PlanExpr);
  }
  for (const [key, value] of Object.entries(record)) {
    if (key !== 'info' && key !== 'table' && key !== 'collation') sleepCalls(value, out, seen);
  }
}

/** SLEEP calls per plan, found once: plans are immutable and shared by executions (issue 8). */
const sleepsOfPlan = new WeakMap<object, readonly PlanExpr[]>();

/** The SLEEP calls of `plan` (a walk of the whole plan the first time only). */
export function sleepCallsOf(plan: object): readonly PlanExpr[] {
  let calls = sleepsOfPlan.get(plan);
  if (calls === undefined) {
    const found: PlanExpr[] = [];
    sleepCalls(plan, found, new Set());
    calls = found;
    sleepsOfPlan.set(plan, calls);
  }
  return calls;
}

/**
 * Waits for the SLEEP calls in `plan` (see the file comment), each racing the statement's
 * interrupt; rejects with ER_QUERY_INTERRUPTED when killed.
 */
export async function performSleeps(
  plan: object,
  ctx: EvalContext,
  wait: (ms: number) => Promise<void>,
  race: <T>(work: Promise<T>) => Promise<T>,
): Promise<void> {
  for (const call of sleepCallsOf(plan)) {
    if (call.kind !== 'call') continue;
    const arg = call.args[0] as PlanExpr;
    const value = compile(arg)([], ctx);
    const seconds = value === null ? 0 : (toDouble(arg.info.type, value, ctx.warnings) ?? 0);
    if (value === null || seconds < 0) {
      throw new SqlError('ER_WRONG_ARGUMENTS', ['sleep.']);
    }
    if (seconds > 0) await race(wait(Math.min(seconds, 31_536_000) * 1000));
  }
}
