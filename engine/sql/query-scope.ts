/**
 * Name resolution for query blocks: which relation of FROM a column name means, or which
 * enclosing block's (a correlated reference), as MySQL resolves them.
 *
 *   t.c / db.t.c   the relation named t (its alias, or the table's own name when it has none;
 *                  case-sensitive, like lower_case_table_names = 0); db.t.c only an unaliased
 *                  table of db. Column names are case-insensitive.
 *   c              the one relation in scope with a column c; two → ER_NON_UNIQ_ERROR (1052),
 *                  unless they are one column coalesced by USING / NATURAL; none → the enclosing
 *                  block's scope (a correlated reference), and finally ER_BAD_FIELD_ERROR (1054).
 *
 * Levels: the statement's block is level 0; an expression subquery or LATERAL derived table is
 * one level deeper than its block (it runs once per row of it); a plain derived table or CTE
 * stays at its block's level but cannot see its block's relations. A reference that resolves
 * `d` levels up becomes an 'outer-column' of depth d (query-expr.ts reads it from the enclosing
 * rows), and every block on the way records that it reads that level (SC1).
 *
 * Invariant (SC1): after binding, a block's `outerLevels` are exactly the levels of enclosing
 * blocks that it, or any block inside it, reads.
 */
import type { ColumnInfo } from '../api.js';
import type { TableDef } from '../catalog/definitions.js';
import { SqlError } from '../errors.js';
import type { Expr } from './ast.js';
import type { Clause, NameResolver } from './bind.js';
import type { ExprInfo, PlanExpr } from './plan.js';

export interface RelationColumn {
  readonly name: string;
  readonly info: ExprInfo;
  /** Metadata when selected as itself (the query sets the name and table alias). */
  readonly meta: ColumnInfo;
  /** `db`.`t`.`c`, as MySQL names a column in messages. */
  readonly qualifiedName: string;
  /** The base table column underneath, for functional dependence (ONLY_FULL_GROUP_BY). */
  readonly base: { readonly table: TableDef; readonly column: number } | null;
}

/** One relation of a FROM clause: where its columns sit in the block row. */
export interface Relation {
  readonly id: number;
  /** The name it is referred by: its alias, or the table's own name. */
  readonly name: string;
  /** The database of an unaliased base table (for db.t.c), else null. */
  readonly database: string | null;
  readonly offset: number;
  readonly columns: readonly RelationColumn[];
  /** Its name and database match in any case (information_schema's tables). */
  readonly folded?: boolean;
}

/** What a block knows while it binds: its level and what it reads from outside (SC1). */
export class BlockFrame {
  /** Levels of enclosing blocks this block, or a block inside it, reads. */
  readonly outerLevels = new Set<number>();
  constructor(
    readonly level: number,
    readonly parent: BlockFrame | null,
  ) {}

  /** A reference from this block (or one inside it) reads level `level` (SC1). */
  noteOuter(level: number): void {
    for (let f: BlockFrame | null = this; f !== null && f.level > level; f = f.parent) {
      f.outerLevels.add(level);
    }
  }
}

/** The relations names resolve against, and where to look when they do not. */
export class Scope implements NameResolver {
  /** "relation:column" of columns a USING/NATURAL join hides from unqualified names. */
  readonly hidden = new Set<string>();

  constructor(
    readonly frame: BlockFrame,
    readonly relations: readonly Relation[],
    /** The enclosing scope (another block's, one level up), or null. */
    readonly parent: Scope | null,
    /** Select-list aliases, for the clauses that may use them (set by the planner). */
    readonly aliases: ((name: string, clause: Clause) => PlanExpr | undefined) | null = null,
  ) {}

  /** The same relations with other aliases or a narrower set (ON clauses). */
  with(relations: readonly Relation[], aliases: Scope['aliases'] = this.aliases): Scope {
    const scope = new Scope(this.frame, relations, this.parent, aliases);
    for (const h of this.hidden) scope.hidden.add(h);
    return scope;
  }

  column(e: Expr & { kind: 'column' }, clause: Clause): PlanExpr {
    const alias =
      e.table === null && e.database === null ? this.aliases?.(e.name, clause) : undefined;
    if (alias !== undefined) return alias;
    let depth = 0;
    for (let scope: Scope | null = this; scope !== null; scope = scope.parent, depth++) {
      const found = scope.lookup(e, clause);
      if (found === undefined) continue;
      const { relation, index } = found;
      const column = relation.columns[index] as RelationColumn;
      if (depth === 0) {
        return {
          kind: 'column',
          info: column.info,
          index: relation.offset + index,
          name: column.name,
          qualifiedName: column.qualifiedName,
        };
      }
      this.frame.noteOuter(scope.frame.level);
      return {
        kind: 'outer-column',
        info: column.info,
        depth: this.frame.level - scope.frame.level,
        index: relation.offset + index,
        name: column.name,
        qualifiedName: column.qualifiedName,
      };
    }
    const shown = [e.database, e.table, e.name].filter((p) => p !== null).join('.');
    throw new SqlError('ER_BAD_FIELD_ERROR', [shown, clause]);
  }

  /** The relation and column index `e` names in this scope alone; undefined when none. */
  lookup(
    e: Expr & { kind: 'column' },
    clause: Clause,
  ): { relation: Relation; index: number } | undefined {
    const folded = e.name.toLowerCase();
    const candidates = this.relations.filter((r) => {
      if (e.table === null) return true;
      if (!sameName(r.name, e.table, r)) return false;
      return e.database === null || (r.database !== null && sameName(r.database, e.database, r));
    });
    const matches: { relation: Relation; index: number }[] = [];
    for (const relation of candidates) {
      const index = relation.columns.findIndex((c) => c.name.toLowerCase() === folded);
      if (index === -1) continue;
      if (e.table === null && this.hidden.has(`${relation.id}:${index}`)) continue;
      matches.push({ relation, index });
    }
    if (matches.length > 1) {
      const shown = e.table === null ? e.name : `${e.table}.${e.name}`;
      throw new SqlError('ER_NON_UNIQ_ERROR', [shown, clause]);
    }
    return matches[0];
  }

  /** The relation named `name` (for t.* and USING), or undefined. */
  relation(name: string): Relation | undefined {
    return this.relations.find((r) => sameName(r.name, name, r));
  }
}

/** Relation names compare case-sensitively (lower_case_table_names = 0), I_S's in any case. */
export function sameName(a: string, b: string, r: Relation): boolean {
  return r.folded === true ? a.toLowerCase() === b.toLowerCase() : a === b;
}
