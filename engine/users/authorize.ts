/**
 * Privilege checks: what a session's account may do, asked before every statement runs.
 *
 *   statement                       needs                          refused with
 *   SELECT … FROM t                 SELECT on t                    1142 ER_TABLEACCESS_DENIED
 *   INSERT INTO t                   INSERT on t                    1142
 *   UPDATE t … (WHERE / reads)      UPDATE (and SELECT) on t       1142
 *   DELETE FROM t (WHERE …)         DELETE (and SELECT) on t       1142
 *   CREATE / DROP TABLE t           CREATE / DROP on t             1142
 *   CREATE / DROP INDEX … ON t      INDEX on t                     1142
 *   EXPLAIN statement               what the statement needs
 *   CREATE / DROP DATABASE d        CREATE / DROP on d.*           1044 ER_DBACCESS_DENIED
 *   USE d, SHOW TABLES FROM d       any privilege in d             1044
 *   SET GLOBAL                      SYSTEM_VARIABLES_ADMIN|SUPER   1227
 *   KILL another user's thread      CONNECTION_ADMIN|SUPER         1095
 *   SHOW PROCESSLIST (all threads)  PROCESS                        (own threads only)
 *
 * A privilege on t is held when the account has it globally (*.*), on a database grant whose
 * name (a LIKE pattern, as MySQL's db grants are) matches t's database, or on t itself. Checks read
 * the current grants, so GRANT and REVOKE take effect at once. Statement kinds not listed touch
 * no table (SET, SHOW VARIABLES, BEGIN …); a new kind that reads or writes tables must be added
 * to `authorize`.
 */
import { queryTables } from '../sql/query-tables.js';
import { SqlError } from '../errors.js';
import type { Expr, Statement, TableName } from '../sql/ast.js';
import { collation } from '../sql/collation.js';
import { likeMatch } from '../sql/expr.js';
import type { AccountRecord, Accounts } from './accounts.js';
import { DATABASE_PRIVILEGES, type Privilege } from './privileges.js';
import { authorizeSchema } from './authorize-schema.js';

export interface Identity {
  readonly user: string;
  readonly host: string;
}

const dbNames = collation('utf8mb4_0900_bin');

export class SessionPrivileges {
  constructor(
    private readonly accounts: Accounts,
    /** The account the session logged in as (CURRENT_USER), or null when none matches. */
    public account: Identity | null,
    /** The login name and client host (USER()), as messages name the session. */
    public login: Identity,
  ) {}

  /** The last record() looked up, and what from (issue 8: every statement asks for it). */
  private recordMade: {
    readonly account: Identity;
    readonly generation: number;
    readonly record: AccountRecord | undefined;
  } | null = null;

  private record(): AccountRecord | undefined {
    const account = this.account;
    if (account === null) return undefined;
    const made = this.recordMade;
    const generation = this.accounts.generation;
    if (made !== null && made.account === account && made.generation === generation) {
      return made.record;
    }
    const record = this.accounts.get(account.user, account.host);
    this.recordMade = { account, generation, record };
    return record;
  }

  hasGlobal(privilege: Privilege): boolean {
    return this.record()?.privileges.has(privilege) === true;
  }

  /** True when the account has at least one of `privileges` globally. */
  hasAnyGlobal(...privileges: Privilege[]): boolean {
    const record = this.record();
    return record !== undefined && privileges.some((p) => record.privileges.has(p));
  }

  hasGlobalGrantOption(): boolean {
    return this.record()?.grantOption === true;
  }

  private grants() {
    return this.account === null ? [] : this.accounts.grants(this.account.user, this.account.host);
  }

  private databaseGrants(database: string) {
    return this.grants().filter(
      (g) => g.table === null && likeMatch(database, g.database, '\\', dbNames),
    );
  }

  hasOnDatabase(database: string, privilege: Privilege): boolean {
    if (this.hasGlobal(privilege)) return true;
    return this.databaseGrants(database).some((g) => g.privileges.has(privilege));
  }

  hasOnTable(database: string, table: string, privilege: Privilege): boolean {
    if (this.hasOnDatabase(database, privilege)) return true;
    const grant =
      this.account === null
        ? undefined
        : this.accounts.grant(this.account.user, this.account.host, database, table);
    return grant?.privileges.has(privilege) === true;
  }

  /** GRANT OPTION on a database (or globally) / on a table. */
  hasGrantOption(database: string | null, table: string | null): boolean {
    if (this.hasGlobalGrantOption()) return true;
    if (database === null || this.account === null) return false;
    if (this.databaseGrants(database).some((g) => g.grantOption)) return true;
    if (table === null) return false;
    return (
      this.accounts.grant(this.account.user, this.account.host, database, table)?.grantOption ===
      true
    );
  }

  /** Any privilege at all in `database` (USE, SHOW TABLES, SHOW DATABASES' list). */
  hasAnyOnDatabase(database: string): boolean {
    const record = this.record();
    if (record === undefined) return false;
    if (DATABASE_PRIVILEGES.some((p) => record.privileges.has(p))) return true;
    if (this.databaseGrants(database).some((g) => g.privileges.size > 0 || g.grantOption))
      return true;
    return this.grants().some((g) => g.table !== null && g.database === database);
  }

  requireTable(privilege: Privilege, database: string, table: string): void {
    if (this.hasOnTable(database, table, privilege)) return;
    throw new SqlError('ER_TABLEACCESS_DENIED_ERROR', [
      privilege,
      this.login.user,
      this.login.host,
      table,
    ]);
  }

  requireDatabase(privilege: Privilege, database: string): void {
    if (this.hasOnDatabase(database, privilege)) return;
    throw this.databaseDenied(database);
  }

  requireAnyOnDatabase(database: string): void {
    if (!this.hasAnyOnDatabase(database)) throw this.databaseDenied(database);
  }

  databaseDenied(database: string): SqlError {
    return new SqlError('ER_DBACCESS_DENIED_ERROR', [this.login.user, this.login.host, database]);
  }

  /** ER_SPECIFIC_ACCESS_DENIED_ERROR unless one of `privileges` is held globally. */
  requireGlobal(...privileges: Privilege[]): void {
    if (this.hasAnyGlobal(...privileges)) return;
    throw new SqlError('ER_SPECIFIC_ACCESS_DENIED_ERROR', [privileges.join(' or ')]);
  }
}

/** True when `e` reads a column (conservatively true for kinds not known here). */
function readsColumns(e: Expr): boolean {
  switch (e.kind) {
    case 'literal':
    case 'system-variable':
    case 'param':
    case 'user-variable':
      return false;
    case 'column':
      return true;
    case 'unary':
      return readsColumns(e.operand);
    case 'binary':
      return readsColumns(e.left) || readsColumns(e.right);
    case 'is':
      return readsColumns(e.operand);
    case 'between':
      return [e.operand, e.low, e.high].some(readsColumns);
    case 'in':
      return readsColumns(e.operand) || e.list.some(readsColumns);
    case 'like':
      return [e.operand, e.pattern, ...(e.escape === null ? [] : [e.escape])].some(readsColumns);
    case 'call':
      return e.args.some(readsColumns);
    case 'assign-user-variable':
      return readsColumns(e.value);
    default:
      return true;
  }
}

/** Checks that the session may run `statement` (see the file comment); throws if not. */
export function authorize(
  statement: Statement,
  privileges: SessionPrivileges,
  current: string | null,
): void {
  const table = (name: TableName, privilege: Privilege): void => {
    const database = name.database ?? current;
    // Without a database the planner answers ER_NO_DB_ERROR; information_schema is everyone's
    // (its rows show only what the account may see), as in MySQL.
    if (database !== null && database.toLowerCase() !== 'information_schema') {
      privileges.requireTable(privilege, database, name.name);
    }
  };
  switch (statement.kind) {
    case 'select':
    case 'set-operation':
      // Issue 6a: every table the query reads, joins and subqueries included.
      for (const name of queryTables(statement)) table(name, 'SELECT');
      return;
    case 'insert':
      table(statement.table, 'INSERT');
      if (statement.replace === true) table(statement.table, 'DELETE');
      if (statement.onDuplicate !== undefined) table(statement.table, 'UPDATE');
      if (statement.query !== undefined) {
        for (const name of queryTables(statement.query)) table(name, 'SELECT');
      }
      return;
    case 'update':
      table(statement.table.table, 'UPDATE');
      if (
        statement.where !== null ||
        statement.assignments.some((a) => readsColumns(a.value)) ||
        statement.orderBy.length > 0
      ) {
        table(statement.table.table, 'SELECT');
      }
      return;
    case 'delete':
      table(statement.table.table, 'DELETE');
      if (statement.where !== null || statement.orderBy.length > 0) {
        table(statement.table.table, 'SELECT');
      }
      return;
    case 'create-table':
      table(statement.table, 'CREATE');
      if (statement.like !== undefined) table(statement.like, 'SELECT');
      if (statement.select !== undefined) {
        table(statement.table, 'INSERT');
        for (const name of queryTables(statement.select.query)) table(name, 'SELECT');
      }
      return;
    case 'drop-table':
      for (const t of statement.tables) table(t, 'DROP');
      return;
    case 'create-database':
      privileges.requireDatabase('CREATE', statement.name);
      return;
    case 'drop-database':
      privileges.requireDatabase('DROP', statement.name);
      return;
    case 'use':
      privileges.requireAnyOnDatabase(statement.database);
      return;
    case 'check-table':
      for (const name of statement.tables) table(name, 'SELECT');
      return;
    case 'analyze-table':
      // MySQL: ANALYZE TABLE needs SELECT and INSERT on each table.
      for (const name of statement.tables) {
        table(name, 'SELECT');
        table(name, 'INSERT');
      }
      return;
    case 'create-index':
    case 'drop-index':
      table(statement.table, 'INDEX');
      return;
    case 'explain':
      authorize(statement.statement, privileges, current);
      return;
    case 'show-tables': {
      const database = statement.database ?? current;
      if (database !== null) privileges.requireAnyOnDatabase(database);
      return;
    }
    // Issue 6 (6c): schema and metadata statements (authorize-schema.ts).
    case 'update-join':
    case 'delete-join':
    case 'alter-table':
    case 'rename-table':
    case 'truncate-table':
    case 'create-view':
    case 'drop-view':
    case 'lock-tables':
    case 'unlock-tables':
    case 'alter-database':
    case 'drop-routine':
    case 'show-columns':
    case 'show-index':
    case 'show-create-table':
    case 'show-create-database':
    case 'show-table-status':
    case 'show-engines':
    case 'show-charset':
    case 'show-collation':
    case 'show-routines':
    case 'show-create-routine':
    case 'load-data':
      authorizeSchema(statement, privileges, current);
      return;
    default:
      return;
  }
}
