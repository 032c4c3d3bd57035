/**
 * Reads conformance case files (conformance/cases/**.sql). Pure: text in, statements out.
 *
 * Format:
 *   - Plain SQL. A statement ends with `;` at the end of a line (trailing spaces allowed); it may
 *     span several lines. The `;` is not sent.
 *   - Outside a statement, a line starting with `--` is a comment, unless it is exactly one of
 *     these directives, which apply to the next statement:
 *       `-- ordered`        compare rows in order (the default when the statement has a top-level
 *                           ORDER BY);
 *       `-- unordered`      compare rows as a multiset even with ORDER BY (ties in the sort key);
 *       `-- error N [M …]`  the statement must fail with one of these MySQL error numbers on the
 *                           reference side. Without it, an error on the reference side means the
 *                           case itself is broken.
 *   - Each file runs in a fresh database, on each side.
 *
 * Invariants: (C1) every statement has a 1-based `line`, the line its first token is on, which is
 * how known-differences name it; (C2) a directive never dangles: one not followed by a statement
 * is a syntax error, as is a malformed `-- error`.
 */

export interface CaseStatement {
  /** Line of the statement's first line (C1). */
  readonly line: number;
  readonly sql: string;
  readonly ordered: boolean;
  /** MySQL error numbers the reference must answer with; empty = must succeed. */
  readonly expectedErrors: readonly number[];
}

export interface CaseFile {
  /** Path relative to conformance/cases, with `/` separators. */
  readonly path: string;
  readonly statements: readonly CaseStatement[];
}

export class CaseSyntaxError extends Error {
  override readonly name = 'CaseSyntaxError';
  constructor(readonly path: string, readonly line: number, detail: string) {
    super(`${path}:${line}: ${detail}`);
  }
}

interface Pending {
  ordered: boolean | undefined;
  errors: number[];
  line: number;
}

export function parseCaseFile(path: string, text: string): CaseFile {
  const statements: CaseStatement[] = [];
  const lines = text.split(/\r?\n/);
  let pending: Pending | undefined;
  let body: string[] = [];
  let start = 0;
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.trimEnd();
    if (body.length === 0) {
      const trimmed = line.trim();
      if (trimmed === '') return;
      if (trimmed.startsWith('--')) {
        pending = applyDirective(path, lineNo, trimmed, pending);
        return;
      }
      start = lineNo;
    }
    body.push(line);
    if (line.endsWith(';')) {
      const sql = body.join('\n').replace(/;$/, '').trim();
      if (sql === '') throw new CaseSyntaxError(path, start, 'empty statement');
      statements.push({
        line: start,
        sql,
        ordered: pending?.ordered ?? hasTopLevelOrderBy(sql),
        expectedErrors: pending?.errors ?? [],
      });
      pending = undefined;
      body = [];
    }
  });
  if (body.length > 0) throw new CaseSyntaxError(path, start, 'statement does not end with ;');
  if (pending !== undefined) {
    throw new CaseSyntaxError(path, pending.line, 'directive without a statement after it');
  }
  return { path, statements };
}

function applyDirective(
  path: string,
  line: number,
  comment: string,
  pending: Pending | undefined,
): Pending | undefined {
  const words = comment.slice(2).trim().split(/[\s,]+/).filter((w) => w !== '');
  const next = (): Pending => pending ?? { ordered: undefined, errors: [], line };
  if (words.length === 1 && words[0] === 'ordered') return { ...next(), ordered: true };
  if (words.length === 1 && words[0] === 'unordered') return { ...next(), ordered: false };
  if (words[0] === 'error') {
    const codes = words.slice(1);
    if (codes.length === 0 || !codes.every((c) => /^\d{4,5}$/.test(c))) {
      throw new CaseSyntaxError(path, line, `"-- error" needs MySQL error numbers: ${comment}`);
    }
    return { ...next(), errors: [...next().errors, ...codes.map(Number)] };
  }
  return pending; // a plain comment
}

/**
 * True when the statement has ORDER BY outside parentheses, string literals, quoted identifiers
 * and comments, i.e. the order of the whole result is specified.
 */
export function hasTopLevelOrderBy(sql: string): boolean {
  return /\border\s+by\b/i.test(topLevelText(sql));
}

/** The statement with quoted and parenthesised parts blanked out. */
export function topLevelText(sql: string): string {
  let out = '';
  let depth = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] ?? '';
    const skipped = skipQuotedOrComment(sql, i);
    if (skipped > i) {
      out += ' ';
      i = skipped;
      continue;
    }
    if (c === '(') depth += 1;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) out += c;
    if (c === '(' || c === ')') out += ' ';
    i += 1;
  }
  return out;
}

/** If a quoted string, identifier or comment starts at `i`, the index after it; else `i`. */
function skipQuotedOrComment(sql: string, i: number): number {
  const c = sql[i];
  if (c === "'" || c === '"' || c === '`') {
    let j = i + 1;
    while (j < sql.length) {
      if (sql[j] === '\\' && c !== '`') j += 2;
      else if (sql[j] === c && sql[j + 1] === c) j += 2;
      else if (sql[j] === c) return j + 1;
      else j += 1;
    }
    return sql.length;
  }
  if (sql.startsWith('/*', i)) {
    const end = sql.indexOf('*/', i + 2);
    return end < 0 ? sql.length : end + 2;
  }
  if (sql.startsWith('-- ', i) || c === '#') {
    const end = sql.indexOf('\n', i);
    return end < 0 ? sql.length : end + 1;
  }
  return i;
}
