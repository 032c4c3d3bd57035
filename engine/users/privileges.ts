/**
 * Privileges, as MySQL 8 names and orders them, and the levels each may be granted at:
 *
 *   level               privileges
 *   global   (*.*)      every static privilege, and the dynamic ones (CONNECTION_ADMIN, …)
 *   database (db.*)     SELECT INSERT UPDATE DELETE CREATE DROP REFERENCES INDEX ALTER
 *                       CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW,
 *                       CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER
 *   table    (db.t)     SELECT INSERT UPDATE DELETE CREATE DROP REFERENCES INDEX ALTER
 *                       CREATE VIEW, SHOW VIEW, TRIGGER
 *
 * GRANT OPTION is kept apart from the privilege set (WITH GRANT OPTION). ALL [PRIVILEGES] means
 * every privilege of the level. SHOW GRANTS prints static privileges in STATIC order and dynamic
 * ones in their own statement, as MySQL 8 does.
 */

export const STATIC_PRIVILEGES = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'DROP',
  'RELOAD',
  'SHUTDOWN',
  'PROCESS',
  'FILE',
  'REFERENCES',
  'INDEX',
  'ALTER',
  'SHOW DATABASES',
  'SUPER',
  'CREATE TEMPORARY TABLES',
  'LOCK TABLES',
  'EXECUTE',
  'REPLICATION SLAVE',
  'REPLICATION CLIENT',
  'CREATE VIEW',
  'SHOW VIEW',
  'CREATE ROUTINE',
  'ALTER ROUTINE',
  'CREATE USER',
  'EVENT',
  'TRIGGER',
  'CREATE TABLESPACE',
  'CREATE ROLE',
  'DROP ROLE',
] as const;

export const DYNAMIC_PRIVILEGES = [
  'APPLICATION_PASSWORD_ADMIN',
  'AUDIT_ABORT_EXEMPT',
  'AUDIT_ADMIN',
  'AUTHENTICATION_POLICY_ADMIN',
  'BACKUP_ADMIN',
  'BINLOG_ADMIN',
  'BINLOG_ENCRYPTION_ADMIN',
  'CLONE_ADMIN',
  'CONNECTION_ADMIN',
  'ENCRYPTION_KEY_ADMIN',
  'FIREWALL_EXEMPT',
  'FLUSH_OPTIMIZER_COSTS',
  'FLUSH_STATUS',
  'FLUSH_TABLES',
  'FLUSH_USER_RESOURCES',
  'GROUP_REPLICATION_ADMIN',
  'GROUP_REPLICATION_STREAM',
  'INNODB_REDO_LOG_ARCHIVE',
  'INNODB_REDO_LOG_ENABLE',
  'PASSWORDLESS_USER_ADMIN',
  'PERSIST_RO_VARIABLES_ADMIN',
  'REPLICATION_APPLIER',
  'REPLICATION_SLAVE_ADMIN',
  'RESOURCE_GROUP_ADMIN',
  'RESOURCE_GROUP_USER',
  'ROLE_ADMIN',
  'SENSITIVE_VARIABLES_OBSERVER',
  'SERVICE_CONNECTION_ADMIN',
  'SESSION_VARIABLES_ADMIN',
  'SET_USER_ID',
  'SHOW_ROUTINE',
  'SYSTEM_USER',
  'SYSTEM_VARIABLES_ADMIN',
  'TABLE_ENCRYPTION_ADMIN',
  'TELEMETRY_LOG_ADMIN',
  'XA_RECOVER_ADMIN',
] as const;

export type Privilege = (typeof STATIC_PRIVILEGES)[number] | (typeof DYNAMIC_PRIVILEGES)[number];
export type GrantLevelKind = 'global' | 'database' | 'table';

export const DATABASE_PRIVILEGES: readonly Privilege[] = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'DROP',
  'REFERENCES',
  'INDEX',
  'ALTER',
  'CREATE TEMPORARY TABLES',
  'LOCK TABLES',
  'EXECUTE',
  'CREATE VIEW',
  'SHOW VIEW',
  'CREATE ROUTINE',
  'ALTER ROUTINE',
  'EVENT',
  'TRIGGER',
];

export const TABLE_PRIVILEGES: readonly Privilege[] = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'DROP',
  'REFERENCES',
  'INDEX',
  'ALTER',
  'CREATE VIEW',
  'SHOW VIEW',
  'TRIGGER',
];

const ALL_NAMES: ReadonlySet<string> = new Set([...STATIC_PRIVILEGES, ...DYNAMIC_PRIVILEGES]);

/** The privilege named `name` (any case, spaces collapsed), or undefined. */
export function privilegeByName(name: string): Privilege | undefined {
  const normal = name.trim().toUpperCase().replace(/\s+/g, ' ');
  return ALL_NAMES.has(normal) ? (normal as Privilege) : undefined;
}

/** The privileges ALL [PRIVILEGES] stands for at `level`. */
export function allAt(level: GrantLevelKind): readonly Privilege[] {
  switch (level) {
    case 'global':
      return [...STATIC_PRIVILEGES, ...DYNAMIC_PRIVILEGES];
    case 'database':
      return DATABASE_PRIVILEGES;
    case 'table':
      return TABLE_PRIVILEGES;
  }
}

export function grantableAt(level: GrantLevelKind, privilege: Privilege): boolean {
  return allAt(level).includes(privilege);
}

/** A set's privileges as SHOW GRANTS lists them: 'ALL PRIVILEGES' when it holds every one. */
export function privilegeList(level: GrantLevelKind, held: ReadonlySet<Privilege>): string[] {
  const all = allAt(level);
  if (level !== 'global' && all.every((p) => held.has(p))) return ['ALL PRIVILEGES'];
  return STATIC_PRIVILEGES.filter((p) => held.has(p));
}

export function dynamicList(held: ReadonlySet<Privilege>): string[] {
  return DYNAMIC_PRIVILEGES.filter((p) => held.has(p));
}
