/**
 * Privilege checks for issue 6's schema and metadata statements (6c), called by authorize.ts:
 *
 *   statement                          needs
 *   ALTER TABLE t                      ALTER on t (… RENAME TO u: also DROP on t, CREATE and
 *                                      INSERT on u)
 *   RENAME TABLE t TO u                ALTER and DROP on t, CREATE and INSERT on u
 *   TRUNCATE t                         DROP on t
 *   LOAD DATA … INTO TABLE t           INSERT on t (REPLACE: also DELETE)
 *   CREATE VIEW v, ALTER VIEW v        CREATE VIEW on v (OR REPLACE, ALTER: also DROP)
 *   DROP VIEW v                        DROP on v
 *   LOCK TABLES t …                    LOCK TABLES on t's database and SELECT on t
 *   ALTER DATABASE d                   ALTER on d.*
 *   SHOW COLUMNS / INDEX / CREATE      SELECT on t (information_schema: nothing)
 *   SHOW TABLES / TABLE STATUS FROM d  any privilege in d
 *   SHOW CREATE DATABASE d             any privilege in d
 */
import type { SchemaStatement, TableName } from '../sql/ast.js';
import { queryTables } from '../sql/query-tables.js';
import type { Privilege } from './privileges.js';
import type { SessionPrivileges } from './authorize.js';

const SYSTEM_DATABASE = 'information_schema';

export function authorizeSchema(
  statement: SchemaStatement,
  privileges: SessionPrivileges,
  current: string | null,
): void {
  const table = (name: TableName, ...needed: Privilege[]): void => {
    const database = name.database ?? current;
    if (database === null || database.toLowerCase() === SYSTEM_DATABASE) return;
    for (const privilege of needed) privileges.requireTable(privilege, database, name.name);
  };
  const database = (name: string | null): void => {
    const db = name ?? current;
    if (db !== null && db.toLowerCase() !== SYSTEM_DATABASE) privileges.requireAnyOnDatabase(db);
  };
  switch (statement.kind) {
    case 'update-join':
    case 'delete-join': {
      // SELECT on every table read; UPDATE (DELETE) on the ones written (by alias, or by table
      // name when unaliased).
      const read = queryTables({ kind: 'select', from: statement.from });
      for (const name of read) table(name, 'SELECT');
      if (statement.kind === 'delete-join') {
        for (const target of statement.targets) {
          const named = read.find((t) => t.name === target.name) ?? target;
          table(named, 'DELETE');
        }
      } else {
        for (const a of statement.assignments) {
          // An unqualified column may be any table's: UPDATE is needed on every one.
          const named =
            a.column.table === null ? read : read.filter((t) => t.name === a.column.table);
          for (const t of named.length === 0 ? read : named) table(t, 'UPDATE');
        }
      }
      return;
    }
    case 'alter-table':
      table(statement.table, 'ALTER');
      for (const action of statement.actions) {
        if (action.kind === 'rename-table') {
          table(statement.table, 'DROP');
          table(action.to, 'CREATE', 'INSERT');
        }
      }
      return;
    case 'rename-table':
      for (const { from, to } of statement.renames) {
        table(from, 'ALTER', 'DROP');
        table(to, 'CREATE', 'INSERT');
      }
      return;
    case 'truncate-table':
      table(statement.table, 'DROP');
      return;
    case 'load-data':
      table(statement.table, 'INSERT');
      if (statement.duplicates === 'replace') table(statement.table, 'DELETE');
      return;
    case 'create-view':
      table(statement.name, 'CREATE VIEW');
      if (statement.orReplace) table(statement.name, 'DROP');
      for (const name of queryTables(statement.query)) table(name, 'SELECT');
      return;
    case 'drop-view':
      for (const view of statement.views) table(view, 'DROP');
      return;
    case 'lock-tables':
      for (const lock of statement.locks) {
        const db = lock.table.database ?? current;
        if (db !== null) privileges.requireDatabase('LOCK TABLES', db);
        table(lock.table, 'SELECT');
      }
      return;
    case 'alter-database': {
      const db = statement.name ?? current;
      if (db !== null) privileges.requireDatabase('ALTER', db);
      return;
    }
    case 'show-columns':
    case 'show-index':
    case 'show-create-table':
      table(statement.table, 'SELECT');
      return;
    case 'show-table-status':
      database(statement.database);
      return;
    case 'show-create-database':
      database(statement.name);
      return;
    case 'unlock-tables':
    case 'drop-routine':
    case 'show-engines':
    case 'show-charset':
    case 'show-collation':
    case 'show-routines':
    case 'show-create-routine':
      return;
  }
}
