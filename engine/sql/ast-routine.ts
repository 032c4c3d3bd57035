/**
 * The AST of stored programs (issue 6): CREATE PROCEDURE / FUNCTION / TRIGGER, CALL, and the
 * compound statements of their bodies (parse-routine.ts builds them; routines.ts runs them).
 *
 * A body keeps its SQL statements and expressions as *text* (a slice of the CREATE statement as
 * written): they are parsed when they run (parse.ts caches by text), after local variables have
 * been replaced by their values (routine-locals.ts). A definition also keeps the texts SHOW
 * CREATE prints (parameter list, RETURNS type, characteristics, body), so what the catalog stores
 * is exactly what was written.
 *
 * Invariants:
 *   (R1) A body's labels are unique along any path from the root to a LEAVE / ITERATE, and every
 *        LEAVE / ITERATE names an enclosing label (ITERATE only a loop's): checked when parsed.
 *   (R2) Every local variable a body reads or assigns is declared in an enclosing block or is a
 *        parameter; names are case-insensitive and kept lower case.
 */
import type { AccountName, Expr, TableName } from './ast.js';

export type RoutineType = 'PROCEDURE' | 'FUNCTION';
export type ParamMode = 'IN' | 'OUT' | 'INOUT';
export type SqlDataAccess = 'CONTAINS SQL' | 'NO SQL' | 'READS SQL DATA' | 'MODIFIES SQL DATA';

export interface RoutineParam {
  readonly mode: ParamMode;
  /** Lower case (R2). */
  readonly name: string;
  /** The type as written, e.g. 'DECIMAL(10,2)'. */
  readonly type: string;
}

export interface RoutineCharacteristics {
  readonly comment: string;
  readonly deterministic: boolean;
  readonly dataAccess: SqlDataAccess;
  readonly security: 'DEFINER' | 'INVOKER';
}

/** CREATE [DEFINER = u] {PROCEDURE | FUNCTION} [IF NOT EXISTS] … as parsed. */
export interface CreateRoutine {
  readonly kind: 'create-routine';
  readonly type: RoutineType;
  readonly ifNotExists: boolean;
  readonly name: TableName;
  /** null: CURRENT_USER. */
  readonly definer: AccountName | null;
  readonly params: readonly RoutineParam[];
  /** The parameter list as written, without its parentheses. */
  readonly paramsText: string;
  /** A function's RETURNS type as written; null for a procedure. */
  readonly returns: string | null;
  readonly characteristics: RoutineCharacteristics;
  /** The characteristics as written (between the parameters or RETURNS type and the body). */
  readonly characteristicsText: string;
  readonly body: string;
}

export type TriggerTiming = 'BEFORE' | 'AFTER';
export type TriggerEvent = 'INSERT' | 'UPDATE' | 'DELETE';

/** CREATE [DEFINER = u] TRIGGER [IF NOT EXISTS] n {BEFORE | AFTER} e ON t FOR EACH ROW body */
export interface CreateTrigger {
  readonly kind: 'create-trigger';
  readonly ifNotExists: boolean;
  readonly name: TableName;
  readonly definer: AccountName | null;
  readonly timing: TriggerTiming;
  readonly event: TriggerEvent;
  readonly table: TableName;
  /** FOLLOWS / PRECEDES another trigger of the same table, timing and event. */
  readonly order: { readonly follows: boolean; readonly other: string } | null;
  readonly body: string;
}

/** CALL p [(args)] */
export interface CallStatement {
  readonly kind: 'call';
  readonly name: TableName;
  readonly args: readonly Expr[];
}

export type RoutineStatement = CreateRoutine | CreateTrigger | CallStatement;

// ---------------------------------------------------------------------------------------------
// Bodies

/** Where SET or SELECT … INTO puts a value. */
export type AssignTarget =
  /** A local variable or parameter (R2). */
  | { readonly kind: 'local'; readonly name: string }
  /** NEW.column of a trigger (a BEFORE trigger may set it). */
  | { readonly kind: 'new'; readonly column: string }
  /** @name */
  | { readonly kind: 'user'; readonly name: string };

export interface LocalDeclaration {
  readonly names: readonly string[];
  /** The type as written. */
  readonly type: string;
  /** The DEFAULT expression's text, or null (the variables start NULL). */
  readonly defaultExpr: string | null;
}

export type BodyNode =
  | {
      readonly kind: 'block';
      readonly label: string | null;
      readonly declarations: readonly LocalDeclaration[];
      readonly body: readonly BodyNode[];
    }
  /** SET of locals / NEW columns / user variables, left to right. */
  | {
      readonly kind: 'assign';
      readonly assignments: readonly { readonly target: AssignTarget; readonly expr: string }[];
    }
  /** SELECT … INTO targets: the query's text without its INTO clause; at most one row. */
  | {
      readonly kind: 'select-into';
      readonly query: string;
      readonly targets: readonly AssignTarget[];
    }
  /** Any other statement, run as it is written once the locals are replaced. */
  | { readonly kind: 'sql'; readonly text: string }
  | {
      readonly kind: 'if';
      readonly branches: readonly {
        readonly condition: string;
        readonly body: readonly BodyNode[];
      }[];
      readonly otherwise: readonly BodyNode[] | null;
      /** CASE without ELSE: no branch taken is ER_SP_CASE_NOT_FOUND (1339). */
      readonly caseNotFound: boolean;
    }
  | {
      readonly kind: 'loop';
      readonly label: string | null;
      /** WHILE: tested before each pass; REPEAT: UNTIL tested after; LOOP: none. */
      readonly test: { readonly when: 'before' | 'after'; readonly condition: string } | null;
      readonly body: readonly BodyNode[];
    }
  | { readonly kind: 'leave'; readonly label: string }
  | { readonly kind: 'iterate'; readonly label: string }
  | { readonly kind: 'return'; readonly expr: string };
