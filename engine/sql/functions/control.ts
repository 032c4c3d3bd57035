/**
 * Control flow: IF, IFNULL, NULLIF, COALESCE, CASE, and GREATEST / LEAST, ISNULL. Only the
 * branch chosen is evaluated (IF(1, 1, 1/0) raises no warning); the result has the aggregated
 * type of the branches (types.ts), each branch's value converted into it.
 */
import { compareMode } from '../bind.js';
import { compareIn } from '../expr.js';
import type { CallArgument, ExprInfo, PlanExpr } from '../plan.js';
import { truth } from '../values.js';
import { register } from './registry.js';
import { aggregateInfo, convertValue } from './types.js';
import { intInfo } from '../bind.js';

register('if', {
  args: [3, 3],
  bind: (args) => {
    const [, a, b] = args as [PlanExpr, PlanExpr, PlanExpr];
    const info = aggregateInfo([a.info, b.info], a.info.nullable || b.info.nullable);
    return {
      info,
      compile: ([cond, yes, no]) => {
        const c = cond as CallArgument;
        const y = yes as CallArgument;
        const n = no as CallArgument;
        return (row, ctx) => {
          const chosen = truth(c.info.type, c.eval(row, ctx), ctx.warnings) === true ? y : n;
          return convertValue(info.type, chosen.info.type, chosen.eval(row, ctx), ctx.warnings);
        };
      },
    };
  },
});

function firstNonNull(name: string, minArgs: number, maxArgs: number): void {
  register(name, {
    args: [minArgs, maxArgs],
    bind: (args) => {
      const info = aggregateInfo(
        args.map((a) => a.info),
        args.every((a) => a.info.nullable),
      );
      return {
        info,
        compile: (compiled) => (row, ctx) => {
          for (const a of compiled) {
            const v = a.eval(row, ctx);
            if (v !== null) return convertValue(info.type, a.info.type, v, ctx.warnings);
          }
          return null;
        },
      };
    },
  });
}
firstNonNull('ifnull', 2, 2);
firstNonNull('coalesce', 1, Infinity);

register('nullif', {
  args: [2, 2],
  bind: (args) => {
    const [a] = args as [PlanExpr, PlanExpr];
    const mode = compareMode(args);
    const info: ExprInfo = { ...a.info, nullable: true };
    return {
      info,
      compile: ([x, y]) => {
        const ax = x as CallArgument;
        const by = y as CallArgument;
        return (row, ctx) => {
          const v = ax.eval(row, ctx);
          if (v === null) return null;
          const w = by.eval(row, ctx);
          if (w === null) return v;
          const c = compareIn(mode, ax.info.type, v, by.info.type, w, ctx.warnings);
          return c === 0 ? null : v;
        };
      },
    };
  },
});

register('isnull', {
  args: [1, 1],
  bind: () => ({
    info: intInfo(1, false),
    compile: ([a]) => {
      const e = (a as CallArgument).eval;
      return (row, ctx) => (e(row, ctx) === null ? 1n : 0n);
    },
  }),
});

/**
 * CASE: args are [hasOperand (0|1), operand?, when1, then1, …, else?] (parse-expr.ts). With an
 * operand, each WHEN compares to it in the mode of all of them (MySQL's agg_cmp_type).
 */
register('case', {
  args: [3, Infinity],
  bindRaw: (raw, host) => {
    const all = raw.map((e) => host.bind(e));
    const hasOperand = all[0]?.kind === 'const' && all[0].value === 1n;
    const operand = hasOperand ? (all[1] as PlanExpr) : null;
    const rest = all.slice(hasOperand ? 2 : 1);
    const pairs: [PlanExpr, PlanExpr][] = [];
    for (let i = 0; i + 1 < rest.length; i += 2)
      pairs.push([rest[i] as PlanExpr, rest[i + 1] as PlanExpr]);
    const elseExpr = rest.length % 2 === 1 ? (rest.at(-1) as PlanExpr) : null;
    const results = [...pairs.map((p) => p[1]), ...(elseExpr === null ? [] : [elseExpr])];
    const nullable = elseExpr === null || results.some((r) => r.info.nullable);
    const info = aggregateInfo(
      results.map((r) => r.info),
      nullable,
    );
    const mode = operand === null ? null : compareMode([operand, ...pairs.map((p) => p[0])]);
    const base = hasOperand ? 2 : 1;
    return {
      info,
      args: all,
      compile: (compiled) => (row, ctx) => {
        const subject = operand === null ? null : (compiled[1] as CallArgument);
        const value = subject === null ? null : subject.eval(row, ctx);
        for (let p = 0; p < pairs.length; p++) {
          const when = compiled[base + 2 * p] as CallArgument;
          const w = when.eval(row, ctx);
          let hit: boolean;
          if (subject === null) hit = truth(when.info.type, w, ctx.warnings) === true;
          else if (value === null || w === null || mode === null) hit = false;
          else
            hit = compareIn(mode, subject.info.type, value, when.info.type, w, ctx.warnings) === 0;
          if (hit) {
            const then = compiled[base + 2 * p + 1] as CallArgument;
            return convertValue(info.type, then.info.type, then.eval(row, ctx), ctx.warnings);
          }
        }
        if (elseExpr === null) return null;
        const e = compiled.at(-1) as CallArgument;
        return convertValue(info.type, e.info.type, e.eval(row, ctx), ctx.warnings);
      },
    };
  },
});

function extreme(name: string, sign: 1 | -1): void {
  register(name, {
    args: [2, Infinity],
    bind: (args) => {
      const mode = compareMode(args);
      const info = aggregateInfo(
        args.map((a) => a.info),
        args.some((a) => a.info.nullable),
      );
      return {
        info,
        compile: (compiled) => (row, ctx) => {
          let best: { v: Exclude<ReturnType<CallArgument['eval']>, null>; a: CallArgument } | null =
            null;
          for (const a of compiled) {
            const v = a.eval(row, ctx);
            if (v === null) return null;
            if (
              best === null ||
              sign * compareIn(mode, a.info.type, v, best.a.info.type, best.v, ctx.warnings) > 0
            ) {
              best = { v, a };
            }
          }
          return best === null
            ? null
            : convertValue(info.type, best.a.info.type, best.v, ctx.warnings);
        },
      };
    },
  });
}
extreme('greatest', 1);
extreme('least', -1);
