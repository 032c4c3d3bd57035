/**
 * Every statement kind, with the two decisions a read engine makes about it, in one table so
 * that a new kind cannot be added without both:
 *   access  what a read engine's own sessions may run (read-only.ts RO1): 'write' kinds change
 *           the volume and are refused with 1290 there;
 *   route   where a read engine's session with a twin on the writer runs it (route.ts SR1;
 *           'look': decided by looking into the statement).
 * A kind can read on a read engine and still be routed to the writer (KILL, SHOW PROCESSLIST,
 * SAVEPOINT): the two answer different questions.
 */
import type { StatementRoute } from './api.js';
import type { Statement } from './sql/ast.js';

export interface StatementKind {
  readonly access: 'read' | 'write';
  readonly route: StatementRoute | 'look';
}

export const STATEMENT_KINDS: Readonly<Record<Statement['kind'], StatementKind>> = {
  'select': { access: 'read', route: 'look' },
  'set-operation': { access: 'read', route: 'look' },
  'explain': { access: 'read', route: 'read' },
  'use': { access: 'read', route: 'mirror' },
  'show-databases': { access: 'read', route: 'read' },
  'show-tables': { access: 'read', route: 'read' },
  'show-warnings': { access: 'read', route: 'diagnostics' },
  'show-diagnostics': { access: 'read', route: 'diagnostics' },
  // The read engine's role shows read_only = ON: the session is the writer's.
  'show-variables': { access: 'read', route: 'write' },
  'show-status': { access: 'read', route: 'read' },
  // The writer's list holds every session's twin.
  'show-processlist': { access: 'read', route: 'write' },
  'show-grants': { access: 'read', route: 'read' },
  'show-columns': { access: 'read', route: 'read' },
  'show-index': { access: 'read', route: 'read' },
  'show-create-table': { access: 'read', route: 'write' }, // AUTO_INCREMENT: the writer's counter
  'show-create-database': { access: 'read', route: 'read' },
  'show-table-status': { access: 'read', route: 'write' }, // AUTO_INCREMENT: the writer's counter
  'show-engines': { access: 'read', route: 'read' },
  'show-charset': { access: 'read', route: 'read' },
  'show-collation': { access: 'read', route: 'read' },
  'show-routines': { access: 'read', route: 'read' },
  'show-create-routine': { access: 'read', route: 'read' },
  'set-variables': { access: 'read', route: 'look' },
  'set-names': { access: 'read', route: 'mirror' },
  'set-charset': { access: 'read', route: 'mirror' },
  'set-transaction': { access: 'read', route: 'look' },
  'kill': { access: 'read', route: 'write' }, // the writer's process list names every session
  'prepare-sql': { access: 'read', route: 'pin' },
  'execute-sql': { access: 'read', route: 'pin' },
  'deallocate-sql': { access: 'read', route: 'pin' },
  'lock-tables': { access: 'read', route: 'pin' },
  'unlock-tables': { access: 'read', route: 'pin' },
  'call': { access: 'read', route: 'pin' },
  'begin': { access: 'read', route: 'begin' },
  'commit': { access: 'read', route: 'end' },
  'rollback': { access: 'read', route: 'end' },
  'savepoint': { access: 'read', route: 'write' },
  'rollback-to-savepoint': { access: 'read', route: 'write' },
  'release-savepoint': { access: 'read', route: 'write' },
  'insert': { access: 'write', route: 'write' },
  'update': { access: 'write', route: 'write' },
  'delete': { access: 'write', route: 'write' },
  'update-join': { access: 'write', route: 'write' },
  'delete-join': { access: 'write', route: 'write' },
  'load-data': { access: 'write', route: 'write' },
  'create-database': { access: 'write', route: 'write' },
  'drop-database': { access: 'write', route: 'write' },
  'alter-database': { access: 'write', route: 'write' },
  'create-table': { access: 'write', route: 'write' },
  'drop-table': { access: 'write', route: 'write' },
  'alter-table': { access: 'write', route: 'write' },
  'rename-table': { access: 'write', route: 'write' },
  'truncate-table': { access: 'write', route: 'write' },
  'create-index': { access: 'write', route: 'write' },
  'drop-index': { access: 'write', route: 'write' },
  'create-view': { access: 'write', route: 'write' },
  'drop-view': { access: 'write', route: 'write' },
  'create-routine': { access: 'write', route: 'write' },
  'drop-routine': { access: 'write', route: 'write' },
  'create-trigger': { access: 'write', route: 'write' },
  'analyze-table': { access: 'write', route: 'write' },
  'check-table': { access: 'read', route: 'write' },
  'create-user': { access: 'write', route: 'write' },
  'alter-user': { access: 'write', route: 'write' },
  'drop-user': { access: 'write', route: 'write' },
  'rename-user': { access: 'write', route: 'write' },
  'set-password': { access: 'write', route: 'write' },
  'grant': { access: 'write', route: 'write' },
  'revoke': { access: 'write', route: 'write' },
};
