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
  | { readonly kind: 'string'; readonly value: string }
  /** _binary'…': a binary string, held as a byte string (bytes.ts). */
  | { readonly kind: 'binary'; readonly value: string };

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
    }
  /** A `?` placeholder: parameter `index` (0-based, in text order). */
  | { readonly kind: 'param'; readonly index: number }
  /** @name (names are case-insensitive; kept lower case). */
  | { readonly kind: 'user-variable'; readonly name: string }
  /** @name := value */
  | { readonly kind: 'assign-user-variable'; readonly name: string; readonly value: Expr };

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
  /** BINARY(n), VARBINARY(n), TINYBLOB / BLOB / MEDIUMBLOB / LONGBLOB (length: their bytes). */
  | {
      readonly kind: 'binary';
      readonly variant: 'binary' | 'varbinary' | 'blob';
      readonly length: number | null;
    }
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
  /** Column attribute UNIQUE [KEY] (issue 5). */
  readonly unique?: boolean;
  /** Column attribute AUTO_INCREMENT (issue 5). */
  readonly autoIncrement?: boolean;
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
  /** INDEX / KEY / UNIQUE [KEY] clauses, in order (issue 5). */
  readonly indexes?: readonly IndexDefinition[];
  /** Table option AUTO_INCREMENT = n (issue 5). */
  readonly autoIncrementStart?: bigint;
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
      /** FOR UPDATE / FOR SHARE / LOCK IN SHARE MODE (issue 5); absent for a plain SELECT. */
      readonly lock?: SelectLock;
    }
  | { readonly kind: 'show-databases'; readonly like: string | null }
  | { readonly kind: 'show-tables'; readonly database: string | null; readonly like: string | null }
  | { readonly kind: 'show-warnings' }
  | { readonly kind: 'use'; readonly database: string }
  | AdminStatement
  | TxnStatement
  | IndexStatement;

export type StatementKind = Statement['kind'];

// ---------------------------------------------------------------------------------------------
// Issue 4: variables, SHOW of session state, KILL, SQL prepared statements

export type SetTarget =
  | { readonly kind: 'user-variable'; readonly name: string }
  | {
      readonly kind: 'system-variable';
      /** null: no scope said (session for SET x; the next transaction for SET @@x of some). */
      readonly scope: 'global' | 'session' | null;
      readonly name: string;
    };

export type SetValue =
  | { readonly kind: 'expr'; readonly expr: Expr }
  /** A bare word a system variable takes as text: ON, utf8mb4, TRADITIONAL. */
  | { readonly kind: 'word'; readonly word: string }
  | { readonly kind: 'default' };

export interface SetAssignment {
  readonly target: SetTarget;
  readonly value: SetValue;
}

/** SHOW … [LIKE 'pattern' | WHERE expr] */
export interface ShowFilter {
  readonly like: string | null;
  readonly where: Expr | null;
}

export type AdminStatement =
  | { readonly kind: 'set-variables'; readonly assignments: readonly SetAssignment[] }
  /** SET NAMES cs [COLLATE coll] | SET NAMES DEFAULT (charset null). */
  | { readonly kind: 'set-names'; readonly charset: string | null; readonly collation: string | null }
  /** SET CHARACTER SET cs | DEFAULT (null). */
  | { readonly kind: 'set-charset'; readonly charset: string | null }
  | { readonly kind: 'show-variables'; readonly global: boolean; readonly filter: ShowFilter }
  | { readonly kind: 'show-status'; readonly global: boolean; readonly filter: ShowFilter }
  /** SHOW WARNINGS / ERRORS [LIMIT [offset,] count], SHOW COUNT(*) WARNINGS / ERRORS. */
  | {
      readonly kind: 'show-diagnostics';
      readonly which: 'warnings' | 'errors';
      readonly count: boolean;
      readonly limit: { readonly offset: bigint; readonly count: bigint } | null;
    }
  | { readonly kind: 'show-processlist'; readonly full: boolean }
  | { readonly kind: 'kill'; readonly query: boolean; readonly id: Expr }
  | {
      readonly kind: 'prepare-sql';
      readonly name: string;
      readonly source:
        | { readonly kind: 'text'; readonly text: string }
        | { readonly kind: 'user-variable'; readonly name: string };
    }
  | { readonly kind: 'execute-sql'; readonly name: string; readonly using: readonly string[] }
  | { readonly kind: 'deallocate-sql'; readonly name: string }
  | AccountStatement;

/** 'user'@'host' (host '%' when not given), or CURRENT_USER / USER() (the session's account). */
export type AccountRef =
  | { readonly kind: 'named'; readonly user: string; readonly host: string }
  | { readonly kind: 'current' };

/** IDENTIFIED [WITH plugin] [BY 'password' | AS 'hash'] */
export interface AccountAuth {
  readonly plugin: string | null;
  readonly password: string | null;
  readonly hash: string | null;
}

export interface AccountSpec {
  readonly account: AccountRef;
  readonly auth: AccountAuth | null;
}

/** ON *.* | ON db.* | ON * (current database) | ON db.t | ON t */
export type GrantLevel =
  | { readonly kind: 'global' }
  | { readonly kind: 'database'; readonly database: string | null }
  | { readonly kind: 'table'; readonly database: string | null; readonly table: string };

export type AccountStatement =
  | {
      readonly kind: 'create-user';
      readonly ifNotExists: boolean;
      readonly users: readonly AccountSpec[];
      readonly lock: boolean | null;
    }
  | {
      readonly kind: 'alter-user';
      readonly ifExists: boolean;
      readonly users: readonly AccountSpec[];
      readonly lock: boolean | null;
    }
  | { readonly kind: 'drop-user'; readonly ifExists: boolean; readonly users: readonly AccountRef[] }
  | {
      readonly kind: 'rename-user';
      readonly renames: readonly { readonly from: AccountRef; readonly to: AccountRef }[];
    }
  | { readonly kind: 'set-password'; readonly account: AccountRef | null; readonly password: string }
  | {
      readonly kind: 'grant';
      /** Upper case, as written: 'SELECT', 'ALL', 'GRANT OPTION', 'CREATE TEMPORARY TABLES' … */
      readonly privileges: readonly string[];
      readonly level: GrantLevel;
      readonly users: readonly AccountRef[];
      readonly grantOption: boolean;
    }
  | {
      readonly kind: 'revoke';
      readonly privileges: readonly string[];
      /** null: REVOKE ALL [PRIVILEGES], GRANT OPTION FROM … (every level). */
      readonly level: GrantLevel | null;
      readonly users: readonly AccountRef[];
    }
  | { readonly kind: 'show-grants'; readonly account: AccountRef | null };

// ---------------------------------------------------------------------------------------------
// Issue 5: transactions (parse-txn.ts)

/** transaction_isolation's values. */
export type TxnIsolation =
  | 'READ-UNCOMMITTED'
  | 'READ-COMMITTED'
  | 'REPEATABLE-READ'
  | 'SERIALIZABLE';

/** A SELECT's locking clause. */
export interface SelectLock {
  readonly strength: 'share' | 'update';
  readonly wait: 'wait' | 'nowait' | 'skip';
}

export type TxnStatement =
  /** BEGIN, START TRANSACTION [WITH CONSISTENT SNAPSHOT] [READ ONLY | READ WRITE] */
  | { readonly kind: 'begin'; readonly consistentSnapshot: boolean; readonly readOnly: boolean | null }
  | { readonly kind: 'commit'; readonly chain: boolean; readonly release: boolean }
  | { readonly kind: 'rollback'; readonly chain: boolean; readonly release: boolean }
  | { readonly kind: 'savepoint'; readonly name: string }
  | { readonly kind: 'rollback-to-savepoint'; readonly name: string }
  | { readonly kind: 'release-savepoint'; readonly name: string }
  /** SET [GLOBAL | SESSION] TRANSACTION …; scope null: the next transaction only. */
  | {
      readonly kind: 'set-transaction';
      readonly scope: 'global' | 'session' | null;
      readonly isolation: TxnIsolation | null;
      readonly readOnly: boolean | null;
    };

// ---------------------------------------------------------------------------------------------
// Issue 5: secondary indexes and EXPLAIN (parse-index.ts)

/** One column of an index: `name` or `name(prefix)`. */
export interface IndexColumn {
  readonly name: string;
  readonly prefix: number | null;
}

export interface IndexDefinition {
  /** null: unnamed (MySQL names it after its first column). */
  readonly name: string | null;
  readonly unique: boolean;
  readonly columns: readonly IndexColumn[];
}

export type IndexStatement =
  | {
      readonly kind: 'create-index';
      readonly table: TableName;
      readonly index: IndexDefinition & { readonly name: string };
    }
  | { readonly kind: 'drop-index'; readonly table: TableName; readonly name: string }
  /** EXPLAIN [FORMAT=TRADITIONAL] / DESCRIBE of a SELECT, INSERT, UPDATE or DELETE. */
  | { readonly kind: 'explain'; readonly statement: Statement };
