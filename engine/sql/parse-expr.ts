/**
 * Expression forms node-sql-parser hands over in shapes of their own (issue 6b), turned into our
 * AST's `call` expressions that the function registry (functions/*.ts) binds:
 *
 *   CASE [x] WHEN … THEN … [ELSE …] END   case(<has operand 0|1>, [x,] w1, t1, …, [else])
 *                                           with an odd/even count telling whether ELSE is there
 *   CAST(x AS type), CONVERT(x, type)     cast(x, '<TYPE TEXT>')
 *   CONVERT(x USING cs)                   convert_using(x, 'cs')
 *   x COLLATE name                        collate(x, 'name')
 *   d + INTERVAL n unit, d - INTERVAL …   date_add / date_sub(d, n, 'unit')
 *   DATE_ADD(d, INTERVAL n unit) …        date_add(d, n, 'unit')
 *   EXTRACT(unit FROM d)                  extract('unit', d)
 *   DATE '…', TIME '…', TIMESTAMP '…'     cast('…', 'DATE' | 'TIME' | 'DATETIME(6)') as literals
 *   a -> '$.p', a ->> '$.p'               json_extract(a, p), json_unquote(json_extract(a, p))
 *   a [NOT] REGEXP | RLIKE b              regexp_like(a, b) [negated]
 *   a | b, a & b, a ^ b, a << b, a >> b, ~a   calls named by the operator
 *   TRIM(LEADING|TRAILING|BOTH [r] FROM s)    trim_leading / trim_trailing / trim_both(s[, r])
 *   POSITION(a IN b)                      locate(a, b)
 *   TIMESTAMPDIFF(unit, …), TIMESTAMPADD  the unit as a string literal
 *
 * Names that users cannot write as function calls (CAST, CASE and the operators are keywords or
 * symbols) keep these calls from colliding with real functions.
 */
import type { Expr } from './ast.js';

type Obj = Readonly<Record<string, unknown>>;

export interface ExprHost {
  expr(x: unknown): Expr;
  unsupported(what: string): Error;
}

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const str = (value: string): Expr => ({ kind: 'literal', literal: { kind: 'string', value } });
const int = (value: number): Expr => ({
  kind: 'literal',
  literal: { kind: 'int', value: BigInt(value) },
});
const call = (name: string, args: readonly Expr[]): Expr => ({ kind: 'call', name, args });

export function caseExpr(node: Obj, host: ExprHost): Expr {
  const operand = isObj(node.expr) ? host.expr(node.expr) : null;
  const args: Expr[] = [int(operand === null ? 0 : 1)];
  if (operand !== null) args.push(operand);
  const branches = Array.isArray(node.args) ? node.args : [];
  let elseExpr: Expr | null = null;
  for (const b of branches) {
    if (!isObj(b)) throw host.unsupported('CASE');
    if (b.type === 'when') args.push(host.expr(b.cond), host.expr(b.result));
    else if (b.type === 'else') elseExpr = host.expr(b.result);
  }
  if (elseExpr !== null) args.push(elseExpr);
  return call('case', args);
}

/** A node-sql-parser data type (CAST target) as the text the cast binder reads. */
export function typeText(target: Obj): string {
  const name = String(target.dataType ?? '').toUpperCase();
  let out = name === 'UNSIGNEDINTEGER' ? 'UNSIGNED' : name === 'SIGNEDINTEGER' ? 'SIGNED' : name;
  if (typeof target.length === 'number') {
    out +=
      typeof target.scale === 'number'
        ? `(${target.length},${target.scale})`
        : `(${target.length})`;
  }
  const suffix = Array.isArray(target.suffix) ? target.suffix : [];
  for (const s of suffix) {
    if (isObj(s) && typeof s.value === 'string') out += ` ${s.value.toUpperCase()}`;
    else if (typeof s === 'string') out += ` ${s.toUpperCase()}`;
  }
  return out.replace('CHARACTERSET', 'CHARACTER SET');
}

export function castExpr(node: Obj, host: ExprHost): Expr {
  const targets = Array.isArray(node.target) ? node.target : [];
  const target = targets[0];
  if (!isObj(target) || targets.length !== 1) throw host.unsupported('CAST');
  return call('cast', [host.expr(node.expr), str(typeText(target))]);
}

/** DATE '…' / TIME '…' / TIMESTAMP '…' literals. */
export function temporalLiteral(type: string, value: string): Expr {
  const target = type === 'date' ? 'DATE' : type === 'time' ? 'TIME' : 'DATETIME(6)';
  return call('temporal_literal', [str(value), str(target)]);
}

export function intervalParts(node: Obj, host: ExprHost): [Expr, Expr] {
  return [host.expr(node.expr), str(String(node.unit ?? '').toUpperCase())];
}

export function isInterval(x: unknown): x is Obj {
  return isObj(x) && x.type === 'interval';
}

/** Binary operators this file turns into calls, or undefined for the others. */
export function operatorCall(operator: string, left: Expr, right: () => Expr): Expr | undefined {
  switch (operator) {
    case '->':
      return call('json_extract', [left, right()]);
    case '->>':
      return call('json_unquote', [call('json_extract', [left, right()])]);
    case 'REGEXP':
    case 'RLIKE':
      return call('regexp_like', [left, right()]);
    case 'NOT REGEXP':
    case 'NOTREGEXP':
    case 'NOT RLIKE':
    case 'NOTRLIKE':
      return { kind: 'unary', op: 'not', operand: call('regexp_like', [left, right()]) };
    case '|':
    case '&':
    case '^':
    case '<<':
    case '>>':
      return call(operator, [left, right()]);
    default:
      return undefined;
  }
}

/** Function calls whose arguments node-sql-parser leaves in special shapes. */
export function specialCall(
  name: string,
  rawArgs: readonly unknown[],
  host: ExprHost,
): Expr | undefined {
  const origin = (x: unknown): string | undefined =>
    isObj(x) && x.type === 'origin' && typeof x.value === 'string'
      ? x.value.toUpperCase()
      : undefined;
  switch (name) {
    case 'trim': {
      const first = origin(rawArgs[0]);
      if (first === undefined) return undefined;
      const fromAt = rawArgs.findIndex((a) => origin(a) === 'FROM');
      const side = ['LEADING', 'TRAILING', 'BOTH'].includes(first) ? first.toLowerCase() : 'both';
      const start = first === 'FROM' ? 0 : 1;
      const remove = rawArgs.slice(start, fromAt === -1 ? start : fromAt).map((a) => host.expr(a));
      const subject = rawArgs.slice(fromAt + 1).map((a) => host.expr(a));
      if (subject.length !== 1 || remove.length > 1) throw host.unsupported('TRIM');
      return call(`trim_${side}`, [subject[0] as Expr, ...remove]);
    }
    case 'position': {
      const only = rawArgs[0];
      if (
        rawArgs.length === 1 &&
        isObj(only) &&
        only.type === 'binary_expr' &&
        only.operator === 'IN'
      ) {
        return call('locate', [host.expr(only.left), host.expr(only.right)]);
      }
      return undefined;
    }
    case 'timestampdiff':
    case 'timestampadd': {
      const unit =
        origin(rawArgs[0]) ??
        (isObj(rawArgs[0]) && rawArgs[0].type === 'column_ref'
          ? String(rawArgs[0].column).toUpperCase()
          : undefined);
      if (unit === undefined) return undefined;
      return call(name, [str(unit), ...rawArgs.slice(1).map((a) => host.expr(a))]);
    }
    case 'date_add':
    case 'date_sub':
    case 'adddate':
    case 'subdate': {
      const interval = rawArgs[1];
      if (rawArgs.length !== 2 || !isInterval(interval)) return undefined;
      const fn = name === 'date_add' || name === 'adddate' ? 'date_add' : 'date_sub';
      return call(fn, [host.expr(rawArgs[0]), ...intervalParts(interval, host)]);
    }
    case 'get_format': {
      const kind =
        origin(rawArgs[0]) ??
        (isObj(rawArgs[0]) && rawArgs[0].type === 'column_ref'
          ? String(rawArgs[0].column).toUpperCase()
          : undefined);
      if (kind === undefined || rawArgs.length !== 2) return undefined;
      return call('get_format', [str(kind), host.expr(rawArgs[1])]);
    }
    case 'default': {
      // DEFAULT(col) inside an expression: the column's DEFAULT (bound against the DML target).
      const arg = rawArgs.length === 1 ? host.expr(rawArgs[0]) : undefined;
      if (arg?.kind !== 'column') return undefined;
      return { kind: 'default', column: arg.name };
    }
    case 'convert': {
      const [value, type] = rawArgs;
      if (rawArgs.length === 2 && isObj(type) && type.type === 'datatype') {
        return call('cast', [host.expr(value), str(typeText(type))]);
      }
      if (rawArgs.length === 1 && isObj(value) && typeof value.suffix === 'string') {
        const m = /^USING(.+)$/i.exec(value.suffix);
        if (m !== null) {
          const { suffix: _suffix, ...rest } = value;
          return call('convert_using', [host.expr(rest), str((m[1] as string).toLowerCase())]);
        }
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
