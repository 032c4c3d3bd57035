/**
 * The AST of schema and metadata statements (issue 6, part c): ALTER TABLE, RENAME, TRUNCATE,
 * views, LOCK TABLES, the SHOW family and DESCRIBE, and the pieces CREATE TABLE gains (foreign
 * keys, CHECK constraints, table options). ast.ts appends `SchemaStatement` to its Statement
 * union; the token parsers parse-ddl*.ts and parse-show.ts build these nodes.
 */
import type {
  Assignment,
  ColumnDefinition,
  Expr,
  IndexDefinition,
  ShowFilter,
  Statement,
  TableExpr,
  TableName,
} from './ast.js';

/** Expression nodes of DML (6c): DEFAULT in VALUES / SET, and DEFAULT(col) anywhere. */
export type DmlExprNode = { readonly kind: 'default'; readonly column: string | null };

/** INSERT / REPLACE's parts beyond the table, columns and rows (parse-insert.ts). */
export interface InsertExtras {
  /** REPLACE: a row with a duplicate key replaces the old row(s). */
  readonly replace?: boolean;
  /** INSERT IGNORE: duplicates and bad values become warnings, the row is skipped or adjusted. */
  readonly ignore?: boolean;
  /** ON DUPLICATE KEY UPDATE assignments (VALUES(c) and alias.c read the new row). */
  readonly onDuplicate?: readonly Assignment[];
  /** VALUES … AS alias [(c1, c2 …)]: names for the new row in ON DUPLICATE KEY UPDATE. */
  readonly rowAlias?: { readonly name: string; readonly columns: readonly string[] | null };
  /** INSERT … SELECT / TABLE / VALUES ROW(): the query (rows is then empty). */
  readonly query?: Statement;
}

/** ON DELETE / ON UPDATE of a foreign key, as written. */
export type ForeignKeyRuleSpec = 'RESTRICT' | 'CASCADE' | 'SET NULL' | 'NO ACTION' | 'SET DEFAULT';

export interface ForeignKeyDefinition {
  /** CONSTRAINT symbol; null: generated (<table>_ibfk_<n>). */
  readonly name: string | null;
  /** FOREIGN KEY index_name, used for the implicit index when CONSTRAINT gives no name. */
  readonly indexName: string | null;
  readonly columns: readonly string[];
  readonly refTable: TableName;
  readonly refColumns: readonly string[];
  /** null: not said (NO ACTION). */
  readonly onDelete: ForeignKeyRuleSpec | null;
  readonly onUpdate: ForeignKeyRuleSpec | null;
}

/** CHECK (expr): the expression and its text as written. */
export interface CheckDefinition {
  /** CONSTRAINT symbol; null: generated (<table>_chk_<n>). */
  readonly name: string | null;
  readonly expr: Expr;
  readonly enforced: boolean;
  /** Where it starts in the statement (token index): generated names follow text order. */
  readonly position?: number;
}

/** Table options; absent: not given. */
export interface TableOptionsSpec {
  readonly engine?: string;
  readonly charset?: string;
  readonly collation?: string;
  readonly comment?: string;
  readonly autoIncrement?: bigint;
  readonly rowFormat?: string;
  /** Options MySQL keeps as text in Create_options, lower-cased name=value. */
  readonly createOptions?: readonly string[];
}

export type ColumnPosition =
  | { readonly kind: 'first' }
  | { readonly kind: 'after'; readonly column: string };

export type AlterAction =
  | {
      readonly kind: 'add-column';
      readonly column: ColumnDefinition;
      readonly position: ColumnPosition | null;
    }
  | { readonly kind: 'drop-column'; readonly name: string }
  /** MODIFY col def, CHANGE old new def (from = old). */
  | {
      readonly kind: 'change-column';
      readonly from: string;
      readonly column: ColumnDefinition;
      readonly position: ColumnPosition | null;
    }
  | { readonly kind: 'rename-column'; readonly from: string; readonly to: string }
  /** ALTER [COLUMN] c SET DEFAULT … | DROP DEFAULT (default null). */
  | {
      readonly kind: 'column-default';
      readonly name: string;
      readonly default: Expr | null;
      /** SET DEFAULT (expr): an expression default. */
      readonly expression: boolean;
    }
  | { readonly kind: 'add-index'; readonly index: IndexDefinition }
  | { readonly kind: 'add-primary-key'; readonly columns: readonly string[] }
  | { readonly kind: 'add-foreign-key'; readonly foreignKey: ForeignKeyDefinition }
  | { readonly kind: 'add-check'; readonly check: CheckDefinition }
  | { readonly kind: 'drop-index'; readonly name: string }
  | { readonly kind: 'drop-primary-key' }
  | { readonly kind: 'drop-foreign-key'; readonly name: string }
  | { readonly kind: 'drop-check'; readonly name: string }
  /** DROP CONSTRAINT name: a foreign key, a CHECK or a UNIQUE index, whichever has the name. */
  | { readonly kind: 'drop-constraint'; readonly name: string }
  | { readonly kind: 'alter-check'; readonly name: string; readonly enforced: boolean }
  | { readonly kind: 'rename-index'; readonly from: string; readonly to: string }
  | { readonly kind: 'rename-table'; readonly to: TableName }
  | { readonly kind: 'options'; readonly options: TableOptionsSpec }
  /** CONVERT TO CHARACTER SET cs [COLLATE c]: every string column and the table default. */
  | {
      readonly kind: 'convert-charset';
      readonly charset: string;
      readonly collation: string | null;
    }
  /** DISABLE / ENABLE KEYS: InnoDB has no such option (a note), nothing changes. */
  | { readonly kind: 'keys' }
  /** FORCE, ALGORITHM=…, LOCK=…, VISIBLE: no change to the definition. */
  | { readonly kind: 'no-op' };

export interface AccountName {
  readonly user: string;
  readonly host: string;
}

export interface CreateView {
  readonly kind: 'create-view';
  /** CREATE OR REPLACE, or ALTER VIEW (which must find the view). */
  readonly orReplace: boolean;
  readonly alter: boolean;
  readonly algorithm: 'UNDEFINED' | 'MERGE' | 'TEMPTABLE' | null;
  /** DEFINER = user@host; null: not given (CURRENT_USER). */
  readonly definer: AccountName | null;
  readonly security: 'DEFINER' | 'INVOKER' | null;
  readonly name: TableName;
  readonly columns: readonly string[] | null;
  /** The SELECT as written (from its first token to the end, or to WITH … CHECK OPTION). */
  readonly text: string;
  readonly query: Statement;
  readonly checkOption: 'CASCADED' | 'LOCAL' | null;
}

export type LockMode = 'READ' | 'READ LOCAL' | 'WRITE' | 'LOW_PRIORITY WRITE';

/** Multi-table UPDATE and DELETE (parse-dml.ts). */
export type JoinDmlStatement =
  | {
      readonly kind: 'update-join';
      readonly from: TableExpr;
      readonly assignments: readonly Assignment[];
      readonly where: Expr | null;
      readonly ignore: boolean;
      /** ORDER BY / LIMIT were written: MySQL refuses them here (1221). */
      readonly misuse?: 'ORDER BY' | 'LIMIT';
    }
  | {
      readonly kind: 'delete-join';
      /** The tables (or aliases) rows are deleted from. */
      readonly targets: readonly TableName[];
      readonly from: TableExpr;
      readonly where: Expr | null;
      readonly ignore: boolean;
    };

/** LOAD DATA [LOCAL] INFILE (parse-load.ts). */
export interface LoadData {
  readonly kind: 'load-data';
  readonly local: boolean;
  readonly filename: string;
  /** REPLACE / IGNORE; null: not said (LOCAL then means IGNORE). */
  readonly duplicates: 'replace' | 'ignore' | null;
  readonly table: TableName;
  readonly charset: string | null;
  readonly fieldsTerminated: string;
  readonly enclosed: string;
  readonly optionallyEnclosed: boolean;
  readonly escaped: string;
  readonly linesStarting: string;
  readonly linesTerminated: string;
  readonly ignoreLines: number;
  /** The file's fields, in order: a column, or a user variable (@v) the SET clause reads. */
  readonly targets:
    | readonly ({ readonly kind: 'column' | 'variable'; readonly name: string })[]
    | null;
  readonly set: readonly Assignment[];
}

export type SchemaStatement =
  | LoadData
  | JoinDmlStatement
  | {
      readonly kind: 'alter-table';
      readonly table: TableName;
      readonly actions: readonly AlterAction[];
    }
  | {
      readonly kind: 'rename-table';
      readonly renames: readonly { readonly from: TableName; readonly to: TableName }[];
    }
  | { readonly kind: 'truncate-table'; readonly table: TableName }
  | CreateView
  | { readonly kind: 'drop-view'; readonly views: readonly TableName[]; readonly ifExists: boolean }
  | {
      readonly kind: 'lock-tables';
      readonly locks: readonly {
        readonly table: TableName;
        readonly alias: string | null;
        readonly mode: LockMode;
      }[];
    }
  | { readonly kind: 'unlock-tables' }
  /** ALTER DATABASE / SCHEMA [name] [DEFAULT] CHARACTER SET … COLLATE … */
  | {
      readonly kind: 'alter-database';
      readonly name: string | null;
      readonly charset: string | null;
      readonly collation: string | null;
    }
  /** DROP PROCEDURE / FUNCTION / TRIGGER / EVENT: none exists here (they are not built). */
  | {
      readonly kind: 'drop-routine';
      readonly routine: 'PROCEDURE' | 'FUNCTION' | 'TRIGGER' | 'EVENT';
      readonly name: TableName;
      readonly ifExists: boolean;
    }
  | MetadataStatement;

/**
 * SHOW statements and DESCRIBE: rows made from the catalog, run in the session (and ast.ts's
 * 'show-databases' and 'show-tables', which metadata-statements.ts also runs).
 */
export type MetadataStatement =
  | {
      readonly kind: 'show-columns';
      readonly table: TableName;
      readonly full: boolean;
      readonly filter: ShowFilter;
    }
  | { readonly kind: 'show-index'; readonly table: TableName; readonly filter: ShowFilter }
  | { readonly kind: 'show-create-table'; readonly table: TableName; readonly view: boolean }
  | { readonly kind: 'show-create-database'; readonly name: string; readonly ifNotExists: boolean }
  | {
      readonly kind: 'show-table-status';
      readonly database: string | null;
      readonly filter: ShowFilter;
    }
  | { readonly kind: 'show-engines' }
  | { readonly kind: 'show-charset'; readonly filter: ShowFilter }
  | { readonly kind: 'show-collation'; readonly filter: ShowFilter }
  /** SHOW TRIGGERS / EVENTS [FROM db], SHOW PROCEDURE / FUNCTION STATUS: empty (not built). */
  | {
      readonly kind: 'show-routines';
      readonly which: 'triggers' | 'events' | 'procedure status' | 'function status';
      readonly database: string | null;
      readonly filter: ShowFilter;
    }
  /** SHOW CREATE PROCEDURE / FUNCTION / TRIGGER / EVENT: none exists. */
  | {
      readonly kind: 'show-create-routine';
      readonly routine: 'PROCEDURE' | 'FUNCTION' | 'TRIGGER' | 'EVENT';
      readonly name: TableName;
    };
