/**
 * Expressions printed the way MySQL 8 prints the expressions it stores — generated columns,
 * CHECK constraints and DEFAULT (expr) — in SHOW CREATE TABLE and information_schema:
 *
 *   a + 1 > 0 AND b IS NULL   →   (((`a` + 1) > 0) and (`b` is null))
 *   CONCAT(a, ' ', b)         →   concat(`a`,_utf8mb4' ',`b`)
 *   a IN (1, 2)               →   (`a` in (1,2))
 *
 * Every operator is parenthesized, column names are quoted and unqualified, function names are
 * lower case with arguments separated by bare commas, and string literals carry their character
 * set introducer. The printed text is what the catalog keeps: it reads back (parse.ts
 * parseExpression) to the same expression, so printing is idempotent. An expression kind this
 * printer does not know prints as null, and the caller keeps the text as written.
 */
import type { Expr, Literal } from './ast.js';

/** MySQL's escaping inside a '…' literal. */
export function quoteString(value: string): string {
  let out = '';
  for (const ch of value) {
    switch (ch) {
      case "'":
        out += "\\'";
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\0':
        out += '\\0';
        break;
      case '\x1a':
        out += '\\Z';
        break;
      default:
        out += ch;
    }
  }
  return `'${out}'`;
}

/** `name` with backquotes doubled. */
export function quoteName(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

function literalText(literal: Literal): string {
  switch (literal.kind) {
    case 'null':
      return 'NULL';
    case 'bool':
      return literal.value ? 'true' : 'false';
    case 'int':
      return literal.value.toString();
    case 'decimal':
      return literal.text;
    case 'string':
      return `_utf8mb4${quoteString(literal.value)}`;
    case 'binary':
      return `0x${Buffer.from(literal.value, 'latin1').toString('hex')}`;
    default:
      return '';
  }
}

const OPERATOR_TEXT: Readonly<Record<string, string>> = {
  div: 'DIV',
  mod: '%',
  and: 'and',
  or: 'or',
  xor: 'xor',
};

function list(items: readonly Expr[]): string | null {
  const parts = items.map(exprText);
  return parts.some((p) => p === null) ? null : parts.join(',');
}

/** The expression as MySQL prints a stored one; null for a kind not known here. */
export function exprText(e: Expr): string | null {
  switch (e.kind) {
    case 'literal':
      return literalText(e.literal);
    case 'column':
      return quoteName(e.name);
    case 'unary': {
      const operand = exprText(e.operand);
      if (operand === null) return null;
      if (e.op === 'not') return `(not(${operand}))`;
      return e.op === '-' ? `-(${operand})` : operand;
    }
    case 'binary': {
      const left = exprText(e.left);
      const right = exprText(e.right);
      if (left === null || right === null) return null;
      return `(${left} ${OPERATOR_TEXT[e.op] ?? e.op} ${right})`;
    }
    case 'is': {
      const operand = exprText(e.operand);
      return operand === null ? null : `(${operand} is ${e.negated ? 'not ' : ''}${e.test})`;
    }
    case 'between': {
      const parts = [e.operand, e.low, e.high].map(exprText);
      if (parts.some((p) => p === null)) return null;
      const [a, b, c] = parts as string[];
      return `(${a} ${e.negated ? 'not ' : ''}between ${b} and ${c})`;
    }
    case 'in': {
      const operand = exprText(e.operand);
      const items = list(e.list);
      if (operand === null || items === null) return null;
      return `(${operand} ${e.negated ? 'not ' : ''}in (${items}))`;
    }
    case 'like': {
      const operand = exprText(e.operand);
      const pattern = exprText(e.pattern);
      if (operand === null || pattern === null) return null;
      const escape = e.escape === null ? null : exprText(e.escape);
      const tail = e.escape === null ? '' : escape === null ? null : ` escape ${escape}`;
      if (tail === null) return null;
      return `(${operand} ${e.negated ? 'not ' : ''}like ${pattern}${tail})`;
    }
    case 'call': {
      const args = list(e.args);
      return args === null ? null : `${e.name.toLowerCase()}(${args})`;
    }
    case 'system-variable':
      return `@@${e.scope === null ? '' : `${e.scope}.`}${e.name}`;
    case 'user-variable':
      return `@${e.name}`;
    default:
      return null;
  }
}
