/**
 * The comparer: given what the reference (MariaDB or MySQL) and the target (Borealis) answered to
 * one statement, list every client-visible difference. Pure; no I/O.
 *
 * Compared: outcome kind; error number and SQLSTATE (not the message text, which legitimately
 * differs between MariaDB and MySQL 8); column names; column types as the client sees them; rows
 * (in order when the statement fixes the order, else as a multiset); affected rows; last insert
 * id; warning count; the OK info string; the in-transaction and autocommit status bits.
 *
 * Invariants: (K1) equal outcomes give no difference and any single changed field gives at least
 * one; (K2) rows compared as a multiset differ iff some row occurs a different number of times.
 */
import {
  formatCell,
  formatOutcome,
  unreachable,
  type Cell,
  type ColumnMeta,
  type Outcome,
  type StatusBits,
} from './outcome.js';
import assert from 'node:assert/strict';

export type Aspect =
  | 'outcome'
  | 'error'
  | 'column-names'
  | 'column-types'
  | 'rows'
  | 'affected-rows'
  | 'insert-id'
  | 'warnings'
  | 'info'
  | 'status';

export interface Difference {
  readonly aspect: Aspect;
  readonly reference: string;
  readonly target: string;
}

export interface CompareOptions {
  readonly ordered: boolean;
}

export function compareOutcomes(
  reference: Outcome,
  target: Outcome,
  options: CompareOptions,
): Difference[] {
  if (reference.kind !== target.kind || reference.kind === 'failure') {
    return [whole('outcome', reference, target)];
  }
  switch (reference.kind) {
    case 'error': {
      assert(target.kind === 'error', 'K0: kinds are equal here');
      const r = `${reference.errno} (${reference.sqlState})`;
      const t = `${target.errno} (${target.sqlState})`;
      return r === t ? [] : [whole('error', reference, target)];
    }
    case 'ok': {
      assert(target.kind === 'ok', 'K0: kinds are equal here');
      return [
        ...field('affected-rows', reference.affectedRows, target.affectedRows),
        ...field('insert-id', reference.insertId, target.insertId),
        ...field('warnings', String(reference.warnings), String(target.warnings)),
        ...field('info', reference.info, target.info),
        ...compareStatus(reference.status, target.status),
      ];
    }
    case 'rows': {
      assert(target.kind === 'rows', 'K0: kinds are equal here');
      return [
        ...compareColumns(reference.columns, target.columns),
        ...compareRows(reference.rows, target.rows, options.ordered),
        ...(reference.warnings === null || target.warnings === null
          ? []
          : field('warnings', String(reference.warnings), String(target.warnings))),
        ...compareStatus(reference.status, target.status),
      ];
    }
    default:
      return unreachable(reference);
  }
}

function whole(aspect: Aspect, reference: Outcome, target: Outcome): Difference {
  return { aspect, reference: formatOutcome(reference), target: formatOutcome(target) };
}

function field(aspect: Aspect, reference: string, target: string): Difference[] {
  return reference === target ? [] : [{ aspect, reference, target }];
}

function compareStatus(r: StatusBits | null, t: StatusBits | null): Difference[] {
  if (r === null || t === null) return [];
  const show = (s: StatusBits): string =>
    `inTransaction=${s.inTransaction} autocommit=${s.autocommit}`;
  return field('status', show(r), show(t));
}

function compareColumns(r: readonly ColumnMeta[], t: readonly ColumnMeta[]): Difference[] {
  return [
    ...field('column-names', r.map((c) => c.name).join(', '), t.map((c) => c.name).join(', ')),
    ...field('column-types', r.map((c) => `${c.name}:${c.type}`).join(', '),
      t.map((c) => `${c.name}:${c.type}`).join(', ')),
  ];
}

/** A row as one comparable string (cells cannot contain U+0000 after JSON encoding). */
function rowKey(row: readonly Cell[]): string {
  return JSON.stringify(row);
}

function formatRow(row: readonly Cell[]): string {
  return `(${row.map(formatCell).join(', ')})`;
}

export function compareRows(
  r: readonly (readonly Cell[])[],
  t: readonly (readonly Cell[])[],
  ordered: boolean,
): Difference[] {
  if (ordered) {
    const rk = r.map(rowKey);
    const tk = t.map(rowKey);
    if (rk.length === tk.length && rk.every((k, i) => k === tk[i])) return [];
    const firstDiff = rk.findIndex((k, i) => k !== tk[i]);
    const at = firstDiff < 0 ? rk.length : firstDiff;
    const from = (rows: readonly (readonly Cell[])[]): string =>
      `${rows.length} row(s) in order; from row ${at + 1}: ` +
      (rows.length <= at ? '(end)' : rows.slice(at, at + 5).map(formatRow).join(' '));
    return [{ aspect: 'rows', reference: from(r), target: from(t) }];
  }
  const counts = new Map<string, { row: readonly Cell[]; n: number }>();
  for (const row of r) bump(counts, row, 1);
  for (const row of t) bump(counts, row, -1);
  const onlyRef: string[] = [];
  const onlyTarget: string[] = [];
  for (const { row, n } of counts.values()) {
    for (let i = 0; i < Math.abs(n); i += 1) (n > 0 ? onlyRef : onlyTarget).push(formatRow(row));
  }
  if (onlyRef.length === 0 && onlyTarget.length === 0) return []; // (K2)
  const show = (rows: string[]): string => rows.slice(0, 10).join(' ') +
    (rows.length > 10 ? ` … ${rows.length - 10} more` : '');
  return [{
    aspect: 'rows',
    reference: `${r.length} row(s) (multiset); only here: ${show(onlyRef) || '-'}`,
    target: `${t.length} row(s) (multiset); only here: ${show(onlyTarget) || '-'}`,
  }];
}

function bump(
  counts: Map<string, { row: readonly Cell[]; n: number }>,
  row: readonly Cell[],
  delta: number,
): void {
  const key = rowKey(row);
  const entry = counts.get(key);
  if (entry === undefined) counts.set(key, { row, n: delta });
  else entry.n += delta;
}
