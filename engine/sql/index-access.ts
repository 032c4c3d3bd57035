/**
 * Access paths: which key — the primary key (the clustered tree) or a secondary index — a
 * single-table statement reads by, and which part of its WHERE that key applies.
 *
 *   The WHERE clause is split into AND-ed conjuncts. A conjunct `keycol op constant` (=, <, <=,
 *   >, >=, BETWEEN, IN; the constant free of columns) whose comparison mode matches the key
 *   column's own order constrains that column. Walking a key's columns in order, equalities and
 *   IN lists build key prefixes, and the first column with a range bounds a range scan. A prefix
 *   column (col(n)) takes equalities only and never applies them exactly. An INT/DECIMAL column
 *   compared in DOUBLE (with a DOUBLE parameter, as mysql2 sends numbers, or with text) is bounded
 *   by the constant's double (key-bounds.ts KB1, KB2) and keeps the comparison in the residual.
 *
 * Every key is tried; the best is chosen by rank (lower is better):
 *
 *   0   primary key, every column fixed                 (pk-lookup)
 *   1   UNIQUE index, every column fixed                (index-range, at most one row)
 *   2   primary key, leading columns fixed              (pk-range)
 *   3   index, leading columns fixed (more is better)   (index-range)
 *   4   primary key range on its first column           (pk-range)
 *   5   index range on its first column                 (index-range)
 *   9   nothing applies                                 (full-scan)
 *
 * Ties go to the primary key, then to indexes in definition order. Constraints the chosen path
 * applies exactly (key-bounds.ts) leave the residual filter; all others stay in it. ORDER BY on
 * the chosen key's columns in one direction reads the path forwards or backwards instead of
 * sorting; a full scan with ORDER BY … LIMIT on an index's leading columns reads that index.
 */
import type { ColumnDef, IndexDef, TableDef } from '../catalog/definitions.js';
import { PLAN_POINT_KEYS_MAX } from '../config.js';
import { unreachable } from '../unreachable.js';
import { doubleInfo, intInfo } from './bind.js';
import { collation } from './collation.js';
import { doublePoints } from './key-bounds.js';
import type {
  Access,
  CallArgument,
  CompareMode,
  KeyBound,
  PlanExpr,
  SortKey,
  TableSource,
} from './plan.js';
import { isConstant } from './planner.js';
import { toDouble } from './values.js';

/** One column of a key, as the planner sees it. */
interface KeyColumn {
  readonly column: number;
  readonly prefixChars: number | null;
}

interface Constraint {
  /** Position in the key. */
  readonly keyPart: number;
  readonly kind: 'eq' | 'range';
  readonly values: readonly PlanExpr[];
  readonly lower: readonly KeyBound[];
  readonly upper: readonly KeyBound[];
  /** The access path applies it exactly, so it leaves the residual. */
  readonly exact: boolean;
  readonly conjunct: PlanExpr;
}

/** What a key's columns make of the WHERE clause. */
interface KeyMatch {
  readonly prefixes: PlanExpr[][];
  readonly lower: KeyBound[];
  readonly upper: KeyBound[];
  readonly ranged: boolean;
  readonly depth: number;
  readonly used: Set<PlanExpr>;
}

export function conjuncts(e: PlanExpr | null): PlanExpr[] {
  if (e === null) return [];
  if (e.kind === 'logic' && e.op === 'and') return [...conjuncts(e.left), ...conjuncts(e.right)];
  return [e];
}

export function andAll(parts: readonly PlanExpr[]): PlanExpr | null {
  if (parts.length === 0) return null;
  return parts.reduce((left, right) => ({
    kind: 'logic',
    info: intInfo(1, left.info.nullable || right.info.nullable),
    op: 'and',
    left,
    right,
  }));
}

function primaryColumns(table: TableDef): KeyColumn[] {
  return table.primaryKey.map((column) => ({ column, prefixChars: null }));
}

interface Sargability {
  readonly ok: boolean;
  /** The key bound decides the comparison exactly (the conjunct leaves the residual). */
  readonly exact: boolean;
  /** An INT/DECIMAL key compared as a DOUBLE: the key takes the constant's double. */
  readonly asDouble?: boolean;
  /** False when an equality cannot be one key value (key-bounds.ts KB2): it becomes a range. */
  readonly point?: boolean;
}

/** Whether comparing `column` with `constant` in `mode` follows the column's key order. */
function sargable(column: ColumnDef, mode: CompareMode, constant: PlanExpr): Sargability {
  const ct = constant.info.type;
  switch (column.type.kind) {
    case 'int':
    case 'decimal':
      // Against a DOUBLE, text (id = '5') or a mix (id IN (1, '2')) the comparison is in DOUBLE:
      // key-bounds.ts bounds the key by the constant's double (KB1, KB2), and the comparison
      // itself stays in the residual.
      if (mode.kind === 'double') {
        return { ok: true, exact: false, asDouble: true, point: doublePoints(column.type) };
      }
      return { ok: mode.kind === 'int' || mode.kind === 'decimal', exact: true };
    case 'string':
      return {
        // ENUM / SET keys are in member order, not collation order (issue 6b).
        ok:
          mode.kind === 'string' &&
          mode.collation.name === collation(column.type.collation).name &&
          column.type.variant !== 'enum' &&
          column.type.variant !== 'set',
        exact: true,
      };
    case 'datetime':
      return { ok: mode.kind === 'datetime', exact: ct.kind === 'datetime' };
    case 'time':
      // TIME keys: no comparison mode of their own yet, so no key bounds (a full scan filters).
      return { ok: false, exact: false };
    case 'double':
      // Issue 6b: DOUBLE/FLOAT keys order numerically (key-bounds.ts converts the constant).
      return { ok: mode.kind === 'double', exact: ct.kind !== 'string' };
    default:
      return unreachable(column.type);
  }
}

/**
 * The constant as the key bound takes it: converted to DOUBLE first when the comparison is in
 * DOUBLE on an INT/DECIMAL key (key-bounds.ts reads a DOUBLE source as such a comparison).
 */
function keyValue(s: Sargability, constant: PlanExpr): PlanExpr {
  if (s.asDouble !== true || constant.info.type.kind === 'double') return constant;
  return {
    kind: 'call',
    info: doubleInfo(constant.info.nullable),
    name: 'cast_as_double',
    args: [constant],
    deterministic: true,
    compile: ([arg]) => {
      const { eval: value, info } = arg as CallArgument;
      return (row, ctx) => toDouble(info.type, value(row, ctx), ctx.warnings);
    },
  };
}

/** `col = v` as the range [v, v] (key-bounds.ts KB2 widens both sides). */
function pointRange(keyPart: number, value: PlanExpr, s: Sargability, c: PlanExpr): Constraint {
  const bound = [{ expr: value, inclusive: true }];
  return { keyPart, kind: 'range', values: [], lower: bound, upper: bound, exact: s.exact,
    conjunct: c };
}

const FLIP: Readonly<Record<string, string>> = {
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
  '=': '=',
};

class KeyConstraints {
  constructor(
    private readonly table: TableDef,
    private readonly key: readonly KeyColumn[],
  ) {}

  private partOf(e: PlanExpr): number {
    if (e.kind !== 'column') return -1;
    return this.key.findIndex((k) => k.column === e.index);
  }

  /** Sargability at key part `keyPart`; prefix parts are never exact. */
  private check(keyPart: number, mode: CompareMode, constant: PlanExpr): Sargability {
    const part = this.key[keyPart] as KeyColumn;
    const s = sargable(this.table.columns[part.column] as ColumnDef, mode, constant);
    return part.prefixChars === null ? s : { ...s, exact: false };
  }

  private isPrefix(keyPart: number): boolean {
    return (this.key[keyPart] as KeyColumn).prefixChars !== null;
  }

  of(c: PlanExpr): Constraint | undefined {
    if (c.kind === 'compare' && c.op !== '<>') {
      let [col, constant, op] = [c.left, c.right, c.op as string];
      if (this.partOf(col) === -1) [col, constant, op] = [c.right, c.left, FLIP[c.op] as string];
      const keyPart = this.partOf(col);
      if (keyPart === -1 || !isConstant(constant)) return undefined;
      const s = this.check(keyPart, c.mode, constant);
      if (!s.ok) return undefined;
      const value = keyValue(s, constant);
      if (op === '=' && s.point !== false) {
        return { keyPart, kind: 'eq', values: [value], lower: [], upper: [], exact: s.exact,
          conjunct: c };
      }
      if (this.isPrefix(keyPart)) return undefined;
      if (op === '=') return pointRange(keyPart, value, s, c);
      const bound = { expr: value, inclusive: op.endsWith('=') };
      const lower = op.startsWith('>') ? [bound] : [];
      const upper = op.startsWith('<') ? [bound] : [];
      return { keyPart, kind: 'range', values: [], lower, upper, exact: s.exact, conjunct: c };
    }
    if (c.kind === 'between' && !c.negated) {
      const keyPart = this.partOf(c.operand);
      if (keyPart === -1 || this.isPrefix(keyPart)) return undefined;
      if (!isConstant(c.low) || !isConstant(c.high)) return undefined;
      const a = this.check(keyPart, c.mode, c.low);
      const b = this.check(keyPart, c.mode, c.high);
      if (!a.ok || !b.ok) return undefined;
      return {
        keyPart, kind: 'range', values: [],
        lower: [{ expr: keyValue(a, c.low), inclusive: true }],
        upper: [{ expr: keyValue(b, c.high), inclusive: true }],
        exact: a.exact && b.exact, conjunct: c,
      };
    }
    if (c.kind === 'in' && !c.negated) {
      const keyPart = this.partOf(c.operand);
      if (keyPart === -1 || !c.list.every(isConstant)) return undefined;
      const checks = c.list.map((item) => this.check(keyPart, c.mode, item));
      if (!checks.every((s) => s.ok)) return undefined;
      const values = c.list.map((item, i) => keyValue(checks[i] as Sargability, item));
      if (checks.some((s) => s.point === false)) {
        // KB2: one value is a range; several would be several ranges (not planned yet).
        const [only] = values;
        if (values.length !== 1 || only === undefined || this.isPrefix(keyPart)) return undefined;
        return pointRange(keyPart, only, checks[0] as Sargability, c);
      }
      return { keyPart, kind: 'eq', values, lower: [], upper: [],
        exact: checks.every((s) => s.exact), conjunct: c };
    }
    return undefined;
  }

  /** Equalities on leading columns, then the first range (the file comment). */
  match(parts: readonly PlanExpr[]): KeyMatch {
    const constraints = parts
      .map((p) => this.of(p))
      .filter((c): c is Constraint => c !== undefined);
    const used = new Set<PlanExpr>();
    let prefixes: PlanExpr[][] = [[]];
    let lower: KeyBound[] = [];
    let upper: KeyBound[] = [];
    let ranged = false;
    for (let keyPart = 0; keyPart < this.key.length; keyPart++) {
      const mine = constraints.filter((c) => c.keyPart === keyPart);
      const eq = mine.find((c) => c.kind === 'eq');
      if (eq !== undefined && prefixes.length * eq.values.length <= PLAN_POINT_KEYS_MAX) {
        prefixes = prefixes.flatMap((p) => eq.values.map((v) => [...p, v]));
        if (eq.exact) used.add(eq.conjunct);
        continue;
      }
      const ranges = mine.filter((c) => c.kind === 'range');
      if (ranges.length > 0) {
        ranged = true;
        lower = ranges.flatMap((c) => c.lower);
        upper = ranges.flatMap((c) => c.upper);
        for (const c of ranges) if (c.exact) used.add(c.conjunct);
      }
      break;
    }
    return { prefixes, lower, upper, ranged, depth: prefixes[0]?.length ?? 0, used };
  }
}

interface Candidate {
  readonly rank: number;
  readonly access: Access;
  readonly used: Set<PlanExpr>;
  /** Key columns of the path, for ORDER BY. */
  readonly key: readonly KeyColumn[];
  readonly depth: number;
}

function primaryCandidate(table: TableDef, parts: readonly PlanExpr[]): Candidate | null {
  if (table.primaryKey.length === 0) return null;
  const key = primaryColumns(table);
  const m = new KeyConstraints(table, key).match(parts);
  const { prefixes, lower, upper, depth, used } = m;
  // Columns fixed to one value (IN lists give several prefixes: those are ordered, not fixed).
  const fixed = prefixes.length === 1 ? depth : 0;
  if (depth === key.length) {
    return { rank: 0, access: { kind: 'pk-lookup', keys: prefixes }, used, key, depth: fixed };
  }
  if (depth === 0 && !m.ranged) return null;
  const rank = depth > 0 ? 2 : 4;
  return { rank, access: { kind: 'pk-range', prefixes, lower, upper }, used, key, depth: fixed };
}

function indexCandidate(
  table: TableDef,
  index: IndexDef,
  parts: readonly PlanExpr[],
): Candidate | null {
  const key = index.parts.map((p) => ({ column: p.column, prefixChars: p.prefixChars }));
  const m = new KeyConstraints(table, key).match(parts);
  if (m.depth === 0 && !m.ranged) return null;
  const whole = m.depth === key.length && key.every((k) => k.prefixChars === null);
  const rank = index.unique && whole ? 1 : m.depth > 0 ? 3 - m.depth / 100 : 5;
  const access: Access = {
    kind: 'index-range', index, prefixes: m.prefixes, lower: m.lower, upper: m.upper,
  };
  return { rank, access, used: m.used, key, depth: m.prefixes.length === 1 ? m.depth : 0 };
}

/** 'asc'/'desc' when sorting by `keys` is reading `key` (past its fixed columns) in order. */
function orderFollows(
  key: readonly KeyColumn[],
  depth: number,
  keys: readonly SortKey[],
): 'asc' | 'desc' | null {
  if (keys.length === 0) return null;
  const descending = keys[0]?.descending === true;
  // Sort keys may name fixed columns too (they are equal on every row read).
  let at = 0;
  for (const k of keys) {
    if (k.expr.kind !== 'column' || k.descending !== descending) return null;
    const column = k.expr.index;
    const fixed = key.slice(0, depth).some((c) => c.column === column);
    if (fixed) continue;
    const next = key[Math.max(at, depth)];
    if (next === undefined || next.column !== column || next.prefixChars !== null) return null;
    at = Math.max(at, depth) + 1;
  }
  return descending ? 'desc' : 'asc';
}

export interface SourceChoice {
  readonly source: TableSource;
  readonly order: readonly SortKey[] | null;
}

/** The access path for one table (the file comment), with its residual and sort. */
export function chooseSource(
  table: TableDef,
  where: PlanExpr | null,
  sortKeys: readonly SortKey[],
  limited: boolean,
): SourceChoice {
  const parts = conjuncts(where);
  const candidates: Candidate[] = [];
  const primary = primaryCandidate(table, parts);
  if (primary !== null) candidates.push(primary);
  for (const index of table.indexes) {
    const c = indexCandidate(table, index, parts);
    if (c !== null) candidates.push(c);
  }
  const possibleKeys = candidates.map((c) =>
    c.access.kind === 'index-range' ? c.access.index.name : 'PRIMARY',
  );
  let best = candidates.reduce<Candidate | null>(
    (a, c) => (a === null || c.rank < a.rank ? c : a),
    null,
  );
  if (best === null) best = fullScan(table, sortKeys, limited);
  const residual = andAll(parts.filter((p) => !best.used.has(p)));
  const direction = orderFollows(best.key, best.depth, sortKeys);
  const source: TableSource = {
    table,
    access: best.access,
    reverse: direction === 'desc',
    residual,
    possibleKeys,
  };
  return { source, order: sortKeys.length === 0 || direction !== null ? null : sortKeys };
}

/** No key applies: the clustered tree in order, or an index when it saves a sort under LIMIT. */
function fullScan(table: TableDef, sortKeys: readonly SortKey[], limited: boolean): Candidate {
  const scan: Candidate = {
    rank: 9, access: { kind: 'full-scan' }, used: new Set(), key: primaryColumns(table), depth: 0,
  };
  if (!limited || orderFollows(scan.key, 0, sortKeys) !== null) return scan;
  for (const index of table.indexes) {
    const key = index.parts.map((p) => ({ column: p.column, prefixChars: p.prefixChars }));
    if (orderFollows(key, 0, sortKeys) !== null) {
      return { rank: 9, access: { kind: 'index-scan', index }, used: new Set(), key, depth: 0 };
    }
  }
  return scan;
}
