/**
 * Our SQL AST: strict, readonly, kind-tagged. parse.ts builds it from node-sql-parser's loose
 * AST (or from its own matcher for the statements that parser cannot read); nothing else in the
 * engine sees node-sql-parser's shapes. Names are as written (unquoted); resolution against the
 * catalog happens in the planner.
 */

export interface TableName {
  /** null: the session's current database. */
  readonly database: string | null;
  readonly name: string;
}

export type Literal =
  | { readonly kind: 'null' }
  | { readonly kind: 'bool'; readonly value: boolean }
  /** An integer literal, exact; negative when the text had a unary minus folded in. */
  | { readonly kind: 'int'; readonly value: bigint }
  /** A literal with a decimal point: exact DECIMAL text, e.g. '-12.50'. */
  | { readonly kind: 'decimal'; readonly text: string }
  | { readonly kind: 'string'; readonly value: string };

export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | 'div'
  | 'mod'
  | '='
  | '<>'
  | '<'
  | '<='
  | '>'
  | '>='
  | 'and'
  | 'or'
  | 'xor';

export type Expr =
  | { readonly kind: 'literal'; readonly literal: Literal }
  | {
      readonly kind: 'column';
      readonly database: string | null;
      readonly table: string | null;
      readonly name: string;
    }
  | { readonly kind: 'unary'; readonly op: '-' | '+' | 'not'; readonly operand: Expr }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | {
      readonly kind: 'is';
      readonly operand: Expr;
      readonly test: 'null' | 'true' | 'false';
      readonly negated: boolean;
    }
  | {
      readonly kind: 'between';
      readonly operand: Expr;
      readonly low: Expr;
      readonly high: Expr;
      readonly negated: boolean;
    }
  | {
      readonly kind: 'in';
      readonly operand: Expr;
      readonly list: readonly Expr[];
      readonly negated: boolean;
    }
  | {
      readonly kind: 'like';
      readonly operand: Expr;
      readonly pattern: Expr;
      readonly escape: Expr | null;
      readonly negated: boolean;
    }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[] }
  /** @@name, @@session.name, @@global.name */
  | {
      readonly kind: 'system-variable';
      readonly scope: 'session' | 'global' | null;
      readonly name: string;
    };

export type SelectItem =
  | { readonly kind: 'star'; readonly table: string | null }
  | {
      readonly kind: 'expr';
      readonly expr: Expr;
      readonly alias: string | null;
      /** The item's text as written: the column name MySQL reports when there is no alias. */
      readonly text: string;
    };

export type ColumnRef = Expr & { readonly kind: 'column' };

export interface Assignment {
  readonly column: ColumnRef;
  readonly value: Expr;
}

export interface OrderItem {
  readonly expr: Expr;
  readonly descending: boolean;
}

export interface Limit {
  readonly count: Expr;
  readonly offset: Expr | null;
}

export interface TableRef {
  readonly table: TableName;
  readonly alias: string | null;
}

export type TypeSpec =
  | {
      readonly kind: 'int';
      readonly name: 'TINYINT' | 'SMALLINT' | 'MEDIUMINT' | 'INT' | 'BIGINT';
      readonly unsigned: boolean;
    }
  | {
      readonly kind: 'decimal';
      readonly precision: number | null;
      readonly scale: number | null;
      readonly unsigned: boolean;
    }
  | { readonly kind: 'varchar'; readonly length: number }
  | { readonly kind: 'char'; readonly length: number | null }
  | { readonly kind: 'text' }
  | { readonly kind: 'datetime'; readonly fsp: number | null };

export interface ColumnDefinition {
  readonly name: string;
  readonly type: TypeSpec;
  /** true: NULL, false: NOT NULL, null: not said. */
  readonly nullable: boolean | null;
  /** DEFAULT expression (a literal, possibly signed), or null when there is none. */
  readonly default: Expr | null;
  readonly primaryKey: boolean;
  readonly collation: string | null;
}

export interface CreateTable {
  readonly kind: 'create-table';
  readonly table: TableName;
  readonly ifNotExists: boolean;
  readonly columns: readonly ColumnDefinition[];
  /** Table-level PRIMARY KEY (col, …) clauses, in order (more than one is ER_MULTIPLE_PRI_KEY). */
  readonly primaryKeys: readonly (readonly string[])[];
  /** Table option COLLATE / DEFAULT COLLATE, when given. */
  readonly collation: string | null;
}

export type Statement =
  | { readonly kind: 'create-database'; readonly name: string; readonly ifNotExists: boolean }
  | { readonly kind: 'drop-database'; readonly name: string; readonly ifExists: boolean }
  | CreateTable
  | {
      readonly kind: 'drop-table';
      readonly tables: readonly TableName[];
      readonly ifExists: boolean;
    }
  | {
      readonly kind: 'insert';
      readonly table: TableName;
      readonly columns: readonly string[] | null;
      readonly rows: readonly (readonly Expr[])[];
    }
  | {
      readonly kind: 'update';
      readonly table: TableRef;
      readonly assignments: readonly Assignment[];
      readonly where: Expr | null;
      readonly orderBy: readonly OrderItem[];
      readonly limit: Expr | null;
    }
  | {
      readonly kind: 'delete';
      readonly table: TableRef;
      readonly where: Expr | null;
      readonly orderBy: readonly OrderItem[];
      readonly limit: Expr | null;
    }
  | {
      readonly kind: 'select';
      readonly items: readonly SelectItem[];
      readonly from: TableRef | null;
      readonly where: Expr | null;
      readonly orderBy: readonly OrderItem[];
      readonly limit: Limit | null;
    }
  | { readonly kind: 'show-databases'; readonly like: string | null }
  | { readonly kind: 'show-tables'; readonly database: string | null; readonly like: string | null }
  | { readonly kind: 'show-warnings' }
  | { readonly kind: 'use'; readonly database: string };

export type StatementKind = Statement['kind'];
