/**
 * Our SQL AST: strict, readonly, kind-tagged. parse.ts builds it from node-sql-parser's loose
 * AST (or from its own matcher for the statements that parser cannot read); nothing else in the
 * engine sees node-sql-parser's shapes. Names are as written (unquoted); resolution against the
 * catalog happens in the planner.
 */

import type {
  CheckDefinition,
  DmlExprNode,
  ForeignKeyDefinition,
  InsertExtras,
  SchemaStatement,
  TableOptionsSpec,
} from './ast-schema.js';

export type * from './ast-schema.js';
export type * from './ast-routine.js';
import type { RoutineStatement } from './ast-routine.js';

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
  | { readonly kind: 'binary'; readonly value: string }
  /** Issue 6b: a number with an exponent (1e3): a DOUBLE. */
  | { readonly kind: 'double'; readonly value: number }
  /** Issue 6b: X'41', 0x41, b'101', 0b101: a binary string that is an integer in numbers. */
  | { readonly kind: 'hex'; readonly value: string };

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
  | { readonly kind: 'assign-user-variable'; readonly name: string; readonly value: Expr }
  | QueryExprNode
  | DmlExprNode;

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
  /** TEXT; issue 6b: TINYTEXT / MEDIUMTEXT / LONGTEXT say their byte limit. */
  | { readonly kind: 'text'; readonly bytes?: number }
  | { readonly kind: 'datetime'; readonly fsp: number | null }
  // -- issue 6b (parse-types.ts, column-types.ts) ------------------------------------------------
  /** FLOAT, DOUBLE [PRECISION], REAL, FLOAT(p), FLOAT(M,D), DOUBLE(M,D). */
  | {
      readonly kind: 'float';
      readonly double: boolean;
      readonly precision: number | null;
      readonly scale: number | null;
      readonly unsigned: boolean;
    }
  | { readonly kind: 'date' }
  | { readonly kind: 'time'; readonly fsp: number | null }
  | { readonly kind: 'timestamp'; readonly fsp: number | null }
  | { readonly kind: 'year' }
  | { readonly kind: 'bit'; readonly length: number | null }
  | { readonly kind: 'enum' | 'set'; readonly values: readonly string[] }
  | { readonly kind: 'json' };

/**
 * A column type as written (parse-ddl.ts, parse.ts), before type-spec.ts reads it: the name in
 * upper case (INTEGER, CHAR, ENUM …), its numbers — (length) or (precision, scale) — its ENUM /
 * SET values, and its attributes.
 */
export interface RawColumnType {
  readonly name: string;
  readonly length: number | null;
  readonly scale: number | null;
  readonly values: readonly string[];
  readonly unsigned: boolean;
  readonly zerofill: boolean;
  /** The BINARY attribute of a character type (CHAR(36) BINARY: its charset's _bin collation). */
  readonly binary: boolean;
  readonly charset: string | null;
  readonly collation: string | null;
}

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
  // -- issue 6 (6c, parse-ddl.ts) ---------------------------------------------------------------
  readonly comment?: string;
  /** DEFAULT CURRENT_TIMESTAMP[(fsp)] / NOW([fsp]) / LOCALTIME …: the fsp. */
  readonly defaultNow?: number;
  /** DEFAULT (expr): an expression default (`default` is then null). */
  readonly defaultExpression?: Expr;
  /** ON UPDATE CURRENT_TIMESTAMP[(fsp)]. */
  readonly onUpdateNow?: number;
  /** GENERATED ALWAYS AS (expr) [VIRTUAL | STORED]. */
  readonly generated?: { readonly expr: Expr; readonly stored: boolean };
  /** Column-level CHECK constraints (they become the table's). */
  readonly checks?: readonly CheckDefinition[];
  /** An integer type's display width as written, INT(11), TINYINT(1). */
  readonly displayWidth?: number;
  /** CHARACTER SET of a string column, when given. */
  readonly charset?: string;
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
  // -- issue 6 (6c, parse-ddl.ts) ---------------------------------------------------------------
  readonly foreignKeys?: readonly ForeignKeyDefinition[];
  readonly checks?: readonly CheckDefinition[];
  /** Table options (ENGINE, CHARSET, COMMENT …); `collation` above is COLLATE's. */
  readonly options?: TableOptionsSpec;
  /** CREATE TABLE t LIKE source. */
  readonly like?: TableName;
  /** CREATE TABLE t [(…)] [IGNORE | REPLACE] [AS] SELECT …: the query. */
  readonly select?: {
    readonly query: Statement;
    readonly duplicates: 'error' | 'ignore' | 'replace';
  };
}

export type Statement =
  | {
      readonly kind: 'create-database';
      readonly name: string;
      readonly ifNotExists: boolean;
      /** [DEFAULT] CHARACTER SET / COLLATE (issue 6). */
      readonly charset?: string | null;
      readonly collation?: string | null;
    }
  | { readonly kind: 'drop-database'; readonly name: string; readonly ifExists: boolean }
  | CreateTable
  | {
      readonly kind: 'drop-table';
      readonly tables: readonly TableName[];
      readonly ifExists: boolean;
    }
  | ({
      readonly kind: 'insert';
      readonly table: TableName;
      readonly columns: readonly string[] | null;
      readonly rows: readonly (readonly Expr[])[];
    } & InsertExtras)
  | {
      readonly kind: 'update';
      readonly table: TableRef;
      readonly assignments: readonly Assignment[];
      readonly where: Expr | null;
      readonly orderBy: readonly OrderItem[];
      readonly limit: Expr | null;
      /** Every index hint of the statement's text. */
      readonly indexHints?: readonly IndexHint[];
    }
  | {
      readonly kind: 'delete';
      readonly table: TableRef;
      readonly where: Expr | null;
      readonly orderBy: readonly OrderItem[];
      readonly limit: Expr | null;
      /** Every index hint of the statement's text (its subqueries'). */
      readonly indexHints?: readonly IndexHint[];
    }
  | SelectStatement
  | SetOperation
  | {
      readonly kind: 'show-databases';
      readonly like: string | null;
      /** SHOW DATABASES WHERE … (issue 6). */
      readonly where?: Expr;
    }
  | {
      readonly kind: 'show-tables';
      readonly database: string | null;
      readonly like: string | null;
      /** SHOW FULL TABLES, … WHERE … (issue 6). */
      readonly full?: boolean;
      readonly where?: Expr;
    }
  | { readonly kind: 'show-warnings' }
  | { readonly kind: 'use'; readonly database: string }
  | AdminStatement
  | TxnStatement
  | IndexStatement
  | SchemaStatement
  /** Stored procedures, functions and triggers (ast-routine.ts). */
  | RoutineStatement
  /** ANALYZE [NO_WRITE_TO_BINLOG | LOCAL] TABLE t, … (issue 6a: refreshes join statistics). */
  | { readonly kind: 'analyze-table'; readonly tables: readonly TableName[] }
  | { readonly kind: 'check-table'; readonly tables: readonly TableName[] };

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
  | {
      readonly kind: 'set-names';
      readonly charset: string | null;
      readonly collation: string | null;
    }
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
  | {
      readonly kind: 'drop-user';
      readonly ifExists: boolean;
      readonly users: readonly AccountRef[];
    }
  | {
      readonly kind: 'rename-user';
      readonly renames: readonly { readonly from: AccountRef; readonly to: AccountRef }[];
    }
  | {
      readonly kind: 'set-password';
      readonly account: AccountRef | null;
      readonly password: string;
    }
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
  /** NOWAIT, SKIP LOCKED, MariaDB's WAIT n (seconds), or innodb_lock_wait_timeout ('wait'). */
  readonly wait: 'wait' | 'nowait' | 'skip' | { readonly seconds: number };
}

export type TxnStatement =
  /** BEGIN, START TRANSACTION [WITH CONSISTENT SNAPSHOT] [READ ONLY | READ WRITE] */
  | {
      readonly kind: 'begin';
      readonly consistentSnapshot: boolean;
      readonly readOnly: boolean | null;
    }
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
  /** COMMENT 'text' (issue 6). */
  readonly comment?: string;
  /** FULLTEXT (issue 6): kept in the definition, no tree (MATCH … AGAINST is not built). */
  readonly fulltext?: boolean;
}

export type IndexStatement =
  | {
      readonly kind: 'create-index';
      readonly table: TableName;
      readonly index: IndexDefinition & { readonly name: string };
    }
  | { readonly kind: 'drop-index'; readonly table: TableName; readonly name: string }
  /** EXPLAIN [FORMAT=TRADITIONAL] / DESCRIBE of a SELECT, INSERT, UPDATE or DELETE. */
  | {
      readonly kind: 'explain';
      readonly statement: Statement;
      /** EXPLAIN FORMAT=TREE (issue 6a): the plan as MySQL 8's iterator tree. */
      readonly format?: 'tree';
    };

// ---------------------------------------------------------------------------------------------
// Issue 6a: queries — joins, derived tables, set operations, CTEs, subqueries, aggregates and
// window functions (parse-query.ts builds them; query-planner.ts plans them)

/**
 * An index hint's table and the indexes it names (USE / IGNORE / FORCE INDEX): it chooses no
 * plan here, but the names must be the table's (1176), as in MySQL.
 */
export interface IndexHint {
  readonly table: TableName;
  readonly indexes: readonly string[];
}

/** A query block: SELECT … [FROM …] [WHERE …] [GROUP BY …] [HAVING …] [WINDOW …] … */
export interface SelectStatement {
  readonly kind: 'select';
  readonly with: WithClause | null;
  readonly distinct: boolean;
  readonly items: readonly SelectItem[];
  readonly from: TableExpr | null;
  readonly where: Expr | null;
  readonly groupBy: GroupBy | null;
  readonly having: Expr | null;
  readonly windows: readonly NamedWindow[];
  readonly orderBy: readonly OrderItem[];
  readonly limit: Limit | null;
  /** FOR UPDATE / FOR SHARE / LOCK IN SHARE MODE (issue 5); absent for a plain SELECT. */
  readonly lock?: SelectLock;
  /** Every index hint of the statement's text, on its top-level node only. */
  readonly indexHints?: readonly IndexHint[];
}

/** left UNION | INTERSECT | EXCEPT [ALL | DISTINCT] right, with the whole's ORDER BY / LIMIT. */
export interface SetOperation {
  readonly kind: 'set-operation';
  readonly op: 'union' | 'intersect' | 'except';
  /** DISTINCT (the default) removes duplicate rows; ALL keeps them. */
  readonly distinct: boolean;
  readonly left: QueryExpr;
  readonly right: QueryExpr;
  readonly with: WithClause | null;
  readonly orderBy: readonly OrderItem[];
  readonly limit: Limit | null;
  /** Every index hint of the statement's text, on its top-level node only. */
  readonly indexHints?: readonly IndexHint[];
}

export type QueryExpr = SelectStatement | SetOperation;

export interface WithClause {
  readonly recursive: boolean;
  readonly ctes: readonly CommonTableExpr[];
}

export interface CommonTableExpr {
  readonly name: string;
  /** (col, …) after the name, or null: the query's own column names. */
  readonly columns: readonly string[] | null;
  readonly query: QueryExpr;
}

export interface GroupBy {
  readonly items: readonly Expr[];
  readonly rollup: boolean;
}

/** What a FROM clause holds: tables, derived tables and joins of them (comma = CROSS JOIN). */
export type TableExpr =
  | { readonly kind: 'table'; readonly table: TableName; readonly alias: string | null }
  | {
      readonly kind: 'derived';
      readonly query: QueryExpr;
      readonly alias: string;
      /** AS alias (col, …), or null: the query's own column names. */
      readonly columns: readonly string[] | null;
      readonly lateral: boolean;
    }
  | {
      readonly kind: 'join';
      readonly join: 'inner' | 'left' | 'right' | 'cross';
      readonly left: TableExpr;
      readonly right: TableExpr;
      readonly on: Expr | null;
      readonly using: readonly string[] | null;
      readonly natural: boolean;
    };

export type CompareOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';

/** Expressions that hold queries or aggregate rows (the Expr union's query members). */
export type QueryExprNode =
  /** (a, b, …): a row constructor, in comparisons and IN. */
  | { readonly kind: 'row'; readonly items: readonly Expr[] }
  /** (SELECT …) as a value (or a row, compared with a row). */
  | { readonly kind: 'subquery'; readonly query: QueryExpr }
  | { readonly kind: 'exists'; readonly query: QueryExpr; readonly negated: boolean }
  | {
      readonly kind: 'in-subquery';
      readonly operand: Expr;
      readonly query: QueryExpr;
      readonly negated: boolean;
    }
  /** operand op ANY | SOME | ALL (SELECT …) */
  | {
      readonly kind: 'quantified';
      readonly op: CompareOperator;
      readonly all: boolean;
      readonly operand: Expr;
      readonly query: QueryExpr;
    }
  /** (a, b, …) op (SELECT x, y, …): a row compared with a one-row subquery. */
  | {
      readonly kind: 'row-compare';
      readonly op: CompareOperator;
      readonly operand: Expr;
      readonly query: QueryExpr;
    }
  | AggregateCall
  | WindowCall;

/** COUNT, SUM, GROUP_CONCAT, …: an aggregate, or (with `over`) an aggregate window function. */
export interface AggregateCall {
  readonly kind: 'aggregate';
  /** Lower case, synonyms resolved: std/stddev → stddev_pop, variance → var_pop. */
  readonly name: string;
  /** COUNT(*): no arguments and `star`. */
  readonly args: readonly Expr[];
  readonly star: boolean;
  readonly distinct: boolean;
  /** GROUP_CONCAT(… ORDER BY …) */
  readonly orderBy: readonly OrderItem[];
  /** GROUP_CONCAT(… SEPARATOR 's'); null: the default ','. */
  readonly separator: string | null;
  readonly over: WindowRef | null;
}

/** ROW_NUMBER(), RANK(), LAG(x, n, d), NTH_VALUE(x, n) … OVER (…) */
export interface WindowCall {
  readonly kind: 'window';
  readonly name: string;
  readonly args: readonly Expr[];
  readonly over: WindowRef;
}

export type WindowRef =
  | { readonly kind: 'named'; readonly name: string }
  | { readonly kind: 'spec'; readonly spec: WindowSpec };

export interface WindowSpec {
  /** OVER (w ORDER BY …): the named window this one refines. */
  readonly base: string | null;
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly OrderItem[];
  readonly frame: WindowFrame | null;
}

export interface WindowFrame {
  readonly unit: 'rows' | 'range';
  readonly start: FrameBound;
  readonly end: FrameBound;
}

export type FrameBound =
  | { readonly kind: 'unbounded-preceding' }
  | { readonly kind: 'unbounded-following' }
  | { readonly kind: 'current-row' }
  /** n PRECEDING / FOLLOWING, or INTERVAL n unit (RANGE over dates): `unit` upper case. */
  | {
      readonly kind: 'preceding' | 'following';
      readonly offset: Expr;
      readonly unit: string | null;
    };

export interface NamedWindow {
  readonly name: string;
  readonly spec: WindowSpec;
}
