/**
 * Running account statements: CREATE / ALTER / DROP / RENAME USER, SET PASSWORD, GRANT, REVOKE
 * and SHOW GRANTS, with MySQL 8's checks and errors:
 *
 *   needs CREATE USER (global)      CREATE/ALTER/DROP/RENAME USER, SET PASSWORD FOR another,
 *                                   else 1227; SET PASSWORD for oneself, ALTER USER USER() and
 *                                   SHOW GRANTS for oneself need nothing
 *   a named account missing         1396 "Operation X failed for 'u'@'h'" (all that failed
 *                                   listed; the statement changes nothing), or with IF [NOT]
 *                                   EXISTS a Note 3162 / 3163 and the others go ahead
 *   GRANT to a missing account      1410 (MySQL 8 no longer creates users with GRANT)
 *   GRANT / REVOKE needs            GRANT OPTION at the level and every privilege granted:
 *                                   1044 for a database, 1142 for a table, 1227 globally
 *   a privilege not for the level   1221 (database), 1144 (table)
 *   REVOKE of a grant not held      1141 (database), 1147 (table)
 *   unknown plugin                  1524; a malformed AS 'hash' 1827
 *
 * Changes are computed against the cached accounts, then written in one mini-transaction by the
 * session (AccountHost.write), so a statement applies whole or not at all.
 */
import type { ColumnInfo, Row } from '../api.js';
import { SqlError } from '../errors.js';
import type { AccountAuth, AccountRef, AccountStatement, GrantLevel } from '../sql/ast.js';
import type { Warnings } from '../sql/values.js';
import { showColumnInfo } from '../sql/metadata.js';
import type { AccountChange, AccountRecord, Accounts, GrantRecord } from './accounts.js';
import type { Identity, SessionPrivileges } from './authorize.js';
import { AUTH_PLUGINS, type AuthPlugin, isValidHash, passwordHash } from './passwords.js';
import {
  type GrantLevelKind,
  type Privilege,
  allAt,
  dynamicList,
  grantableAt,
  privilegeByName,
  privilegeList,
} from './privileges.js';

export interface AccountHost {
  readonly accounts: Accounts;
  readonly privileges: SessionPrivileges;
  readonly database: string | null;
  readonly warnings: Warnings;
  /** @@default_authentication_plugin. */
  readonly defaultPlugin: AuthPlugin;
  tableExists(database: string, table: string): boolean;
  /** Writes the changes in one mini-transaction and applies them to the cache. */
  write(changes: readonly AccountChange[]): Promise<void>;
}

export type AccountOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'rows'; readonly columns: readonly ColumnInfo[]; readonly rows: Row[] };

const OK: AccountOutcome = { kind: 'ok' };

/** 'u'@'h' as MySQL's messages print an account. */
export function accountText(a: Identity): string {
  return `'${a.user}'@'${a.host}'`;
}

function named(ref: AccountRef, host: AccountHost): Identity {
  if (ref.kind === 'named') return { user: ref.user, host: ref.host };
  const self = host.privileges.account;
  if (self === null) throw new SqlError('ER_PASSWORD_NO_MATCH');
  return self;
}

function requireCreateUser(host: AccountHost): void {
  host.privileges.requireGlobal('CREATE USER');
}

function pluginOf(name: string | null, fallback: AuthPlugin): AuthPlugin {
  if (name === null) return fallback;
  const plugin = AUTH_PLUGINS.find((p) => p === name);
  if (plugin === undefined) throw new SqlError('ER_PLUGIN_IS_NOT_LOADED', [name]);
  return plugin;
}

function authString(auth: AccountAuth | null, plugin: AuthPlugin, current: string): string {
  if (auth === null) return current;
  if (auth.hash !== null) {
    if (!isValidHash(plugin, auth.hash)) throw new SqlError('ER_PASSWORD_FORMAT');
    return auth.hash;
  }
  return passwordHash(plugin, auth.password ?? '');
}

function operationFailed(operation: string, failed: readonly Identity[]): SqlError {
  return new SqlError('ER_CANNOT_USER', [operation, failed.map(accountText).join(',')]);
}

export async function runAccountStatement(
  statement: AccountStatement,
  host: AccountHost,
): Promise<AccountOutcome> {
  switch (statement.kind) {
    case 'create-user':
      return createUser(statement, host);
    case 'alter-user':
      return alterUser(statement, host);
    case 'drop-user':
      return dropUser(statement, host);
    case 'rename-user':
      return renameUser(statement, host);
    case 'set-password':
      return setPassword(statement, host);
    case 'grant':
      return grant(statement, host);
    case 'revoke':
      return revoke(statement, host);
    case 'show-grants':
      return showGrants(statement, host);
  }
}

async function createUser(
  statement: AccountStatement & { kind: 'create-user' },
  host: AccountHost,
): Promise<AccountOutcome> {
  requireCreateUser(host);
  const changes: AccountChange[] = [];
  const failed: Identity[] = [];
  for (const spec of statement.users) {
    const who = named(spec.account, host);
    if (host.accounts.get(who.user, who.host) !== undefined) {
      if (!statement.ifNotExists) failed.push(who);
      else host.warnings.warn('Note', 3163, `Authorization ID ${accountText(who)} already exists.`);
      continue;
    }
    const plugin = pluginOf(spec.auth?.plugin ?? null, host.defaultPlugin);
    const account: AccountRecord = {
      user: who.user,
      host: who.host,
      plugin,
      authString: authString(spec.auth, plugin, ''),
      locked: statement.lock === true,
      privileges: new Set(),
      grantOption: false,
    };
    changes.push({ kind: 'put-account', account });
  }
  if (failed.length > 0) throw operationFailed('CREATE USER', failed);
  await host.write(changes);
  return OK;
}

async function alterUser(
  statement: AccountStatement & { kind: 'alter-user' },
  host: AccountHost,
): Promise<AccountOutcome> {
  const self = host.privileges.account;
  const onlySelf = statement.users.every(
    (s) =>
      s.account.kind === 'current' ||
      (self !== null && s.account.user === self.user && s.account.host === self.host),
  );
  if (!onlySelf || statement.lock !== null) requireCreateUser(host);
  const changes: AccountChange[] = [];
  const failed: Identity[] = [];
  for (const spec of statement.users) {
    const who = named(spec.account, host);
    const current = host.accounts.get(who.user, who.host);
    if (current === undefined) {
      if (!statement.ifExists) failed.push(who);
      else host.warnings.warn('Note', 3162, `Authorization ID ${accountText(who)} does not exist.`);
      continue;
    }
    const plugin = pluginOf(spec.auth?.plugin ?? null, current.plugin);
    changes.push({
      kind: 'put-account',
      account: {
        ...current,
        plugin,
        authString: authString(spec.auth, plugin, current.authString),
        locked: statement.lock ?? current.locked,
      },
    });
  }
  if (failed.length > 0) throw operationFailed('ALTER USER', failed);
  await host.write(changes);
  return OK;
}

async function dropUser(
  statement: AccountStatement & { kind: 'drop-user' },
  host: AccountHost,
): Promise<AccountOutcome> {
  requireCreateUser(host);
  const changes: AccountChange[] = [];
  const failed: Identity[] = [];
  for (const ref of statement.users) {
    const who = named(ref, host);
    if (host.accounts.get(who.user, who.host) === undefined) {
      if (!statement.ifExists) failed.push(who);
      else host.warnings.warn('Note', 3162, `Authorization ID ${accountText(who)} does not exist.`);
      continue;
    }
    changes.push(...dropAccount(host.accounts, who));
  }
  if (failed.length > 0) throw operationFailed('DROP USER', failed);
  await host.write(changes);
  return OK;
}

function dropAccount(accounts: Accounts, who: Identity): AccountChange[] {
  return [
    ...accounts.grants(who.user, who.host).map((g): AccountChange => ({
      kind: 'drop-grant',
      user: g.user,
      host: g.host,
      database: g.database,
      table: g.table,
    })),
    { kind: 'drop-account', user: who.user, host: who.host },
  ];
}

async function renameUser(
  statement: AccountStatement & { kind: 'rename-user' },
  host: AccountHost,
): Promise<AccountOutcome> {
  requireCreateUser(host);
  const changes: AccountChange[] = [];
  const failed: Identity[] = [];
  const taken = new Set<string>();
  for (const { from, to } of statement.renames) {
    const a = named(from, host);
    const b = named(to, host);
    const current = host.accounts.get(a.user, a.host);
    const key = `${b.user}\u0000${b.host}`;
    if (
      current === undefined ||
      host.accounts.get(b.user, b.host) !== undefined ||
      taken.has(key)
    ) {
      failed.push(a);
      continue;
    }
    taken.add(key);
    changes.push(...dropAccount(host.accounts, a));
    changes.push({ kind: 'put-account', account: { ...current, user: b.user, host: b.host } });
    for (const g of host.accounts.grants(a.user, a.host)) {
      changes.push({ kind: 'put-grant', grant: { ...g, user: b.user, host: b.host } });
    }
  }
  if (failed.length > 0) throw operationFailed('RENAME USER', failed);
  await host.write(changes);
  return OK;
}

async function setPassword(
  statement: AccountStatement & { kind: 'set-password' },
  host: AccountHost,
): Promise<AccountOutcome> {
  const self = host.privileges.account;
  const who = statement.account === null ? null : named(statement.account, host);
  const target = who ?? self;
  if (target === null) throw new SqlError('ER_PASSWORD_NO_MATCH');
  const isSelf = self !== null && target.user === self.user && target.host === self.host;
  if (!isSelf && !host.privileges.hasGlobal('CREATE USER')) {
    throw host.privileges.databaseDenied('mysql');
  }
  const current = host.accounts.get(target.user, target.host);
  if (current === undefined) throw new SqlError('ER_PASSWORD_NO_MATCH');
  const authString = passwordHash(current.plugin, statement.password);
  await host.write([{ kind: 'put-account', account: { ...current, authString } }]);
  return OK;
}

// ---------------------------------------------------------------------------------------------
// GRANT and REVOKE

interface ResolvedLevel {
  readonly kind: GrantLevelKind;
  readonly database: string | null;
  readonly table: string | null;
}

function resolveLevel(level: GrantLevel, host: AccountHost): ResolvedLevel {
  if (level.kind === 'global') return { kind: 'global', database: null, table: null };
  const database = level.database ?? host.database;
  if (database === null) throw new SqlError('ER_NO_DB_ERROR');
  if (level.kind === 'database') return { kind: 'database', database, table: null };
  if (!host.tableExists(database, level.table)) {
    throw new SqlError('ER_NO_SUCH_TABLE', [database, level.table]);
  }
  return { kind: 'table', database, table: level.table };
}

/** The privilege names of a GRANT / REVOKE as a set, and whether GRANT OPTION was named. */
function privilegeSet(
  names: readonly string[],
  level: ResolvedLevel,
): { privileges: Set<Privilege>; grantOption: boolean } {
  const privileges = new Set<Privilege>();
  let grantOption = false;
  for (const name of names) {
    if (name === 'ALL') {
      for (const p of allAt(level.kind)) privileges.add(p);
    } else if (name === 'GRANT OPTION') {
      grantOption = true;
    } else if (name !== 'USAGE') {
      const privilege = privilegeByName(name);
      if (privilege === undefined) throw new SqlError('ER_PARSE_ERROR', [name, 1]);
      if (!grantableAt(level.kind, privilege)) {
        if (level.kind === 'table') throw new SqlError('ER_ILLEGAL_GRANT_FOR_TABLE');
        throw new SqlError('ER_WRONG_USAGE', ['DB GRANT', 'GLOBAL PRIVILEGES']);
      }
      privileges.add(privilege);
    }
  }
  return { privileges, grantOption };
}

/** The grantor must hold GRANT OPTION and every privilege it passes on, at the level. */
function checkGrantor(level: ResolvedLevel, privileges: ReadonlySet<Privilege>, host: AccountHost) {
  const p = host.privileges;
  const holds = (privilege: Privilege): boolean =>
    level.kind === 'global'
      ? p.hasGlobal(privilege)
      : level.kind === 'database'
        ? p.hasOnDatabase(level.database as string, privilege)
        : p.hasOnTable(level.database as string, level.table as string, privilege);
  const ok = p.hasGrantOption(level.database, level.table) && [...privileges].every(holds);
  if (ok) return;
  if (level.kind === 'global')
    throw new SqlError('ER_SPECIFIC_ACCESS_DENIED_ERROR', ['GRANT OPTION']);
  if (level.kind === 'database') throw p.databaseDenied(level.database as string);
  const first = [...privileges].find((x) => !holds(x)) ?? 'GRANT OPTION';
  throw new SqlError('ER_TABLEACCESS_DENIED_ERROR', [
    first === 'GRANT OPTION' ? 'GRANT' : first,
    p.login.user,
    p.login.host,
    level.table as string,
  ]);
}

function existingTargets(refs: readonly AccountRef[], host: AccountHost): AccountRecord[] {
  return refs.map((ref) => {
    const who = named(ref, host);
    const record = host.accounts.get(who.user, who.host);
    if (record === undefined) throw new SqlError('ER_CANT_CREATE_USER_WITH_GRANT');
    return record;
  });
}

async function grant(
  statement: AccountStatement & { kind: 'grant' },
  host: AccountHost,
): Promise<AccountOutcome> {
  const level = resolveLevel(statement.level, host);
  const wanted = privilegeSet(statement.privileges, level);
  const grantOption = wanted.grantOption || statement.grantOption;
  checkGrantor(level, wanted.privileges, host);
  const changes: AccountChange[] = [];
  for (const target of existingTargets(statement.users, host)) {
    if (level.kind === 'global') {
      const privileges = new Set([...target.privileges, ...wanted.privileges]);
      const account = { ...target, privileges, grantOption: target.grantOption || grantOption };
      changes.push({ kind: 'put-account', account });
      continue;
    }
    const database = level.database as string;
    const current = host.accounts.grant(target.user, target.host, database, level.table);
    const record: GrantRecord = {
      user: target.user,
      host: target.host,
      database,
      table: level.table,
      privileges: new Set([...(current?.privileges ?? []), ...wanted.privileges]),
      grantOption: (current?.grantOption ?? false) || grantOption,
    };
    changes.push({ kind: 'put-grant', grant: record });
  }
  await host.write(changes);
  return OK;
}

async function revoke(
  statement: AccountStatement & { kind: 'revoke' },
  host: AccountHost,
): Promise<AccountOutcome> {
  if (statement.level === null) {
    // REVOKE ALL PRIVILEGES, GRANT OPTION FROM …: needs CREATE USER.
    requireCreateUser(host);
    const changes: AccountChange[] = [];
    for (const target of existingTargets(statement.users, host)) {
      changes.push(...dropAccount(host.accounts, target).filter((c) => c.kind === 'drop-grant'));
      changes.push({
        kind: 'put-account',
        account: { ...target, privileges: new Set(), grantOption: false },
      });
    }
    await host.write(changes);
    return OK;
  }
  const level = resolveLevel(statement.level, host);
  const dropped = privilegeSet(statement.privileges, level);
  checkGrantor(level, dropped.privileges, host);
  const changes: AccountChange[] = [];
  for (const target of existingTargets(statement.users, host)) {
    changes.push(revokeFrom(target, level, dropped, host));
  }
  await host.write(changes);
  return OK;
}

function revokeFrom(
  target: AccountRecord,
  level: ResolvedLevel,
  dropped: { privileges: ReadonlySet<Privilege>; grantOption: boolean },
  host: AccountHost,
): AccountChange {
  const keep = (held: ReadonlySet<Privilege>) =>
    new Set([...held].filter((p) => !dropped.privileges.has(p)));
  if (level.kind === 'global') {
    const account = {
      ...target,
      privileges: keep(target.privileges),
      grantOption: target.grantOption && !dropped.grantOption,
    };
    return { kind: 'put-account', account };
  }
  const database = level.database as string;
  const current = host.accounts.grant(target.user, target.host, database, level.table);
  if (current === undefined) {
    if (level.kind === 'table') {
      throw new SqlError('ER_NONEXISTING_TABLE_GRANT', [
        target.user,
        target.host,
        level.table as string,
      ]);
    }
    throw new SqlError('ER_NONEXISTING_GRANT', [target.user, target.host]);
  }
  const privileges = keep(current.privileges);
  const grantOption = current.grantOption && !dropped.grantOption;
  if (privileges.size === 0 && !grantOption) {
    return {
      kind: 'drop-grant',
      user: target.user,
      host: target.host,
      database,
      table: level.table,
    };
  }
  return { kind: 'put-grant', grant: { ...current, privileges, grantOption } };
}

// ---------------------------------------------------------------------------------------------
// SHOW GRANTS

const quote = (name: string): string => `\`${name.replace(/`/g, '``')}\``;

function showGrants(
  statement: AccountStatement & { kind: 'show-grants' },
  host: AccountHost,
): AccountOutcome {
  const self = host.privileges.account;
  const who = statement.account === null ? self : named(statement.account, host);
  if (who === null)
    throw new SqlError('ER_NONEXISTING_GRANT', [
      host.privileges.login.user,
      host.privileges.login.host,
    ]);
  const isSelf = self !== null && who.user === self.user && who.host === self.host;
  if (!isSelf && !host.privileges.hasOnDatabase('mysql', 'SELECT')) {
    throw host.privileges.databaseDenied('mysql');
  }
  const account = host.accounts.get(who.user, who.host);
  if (account === undefined) throw new SqlError('ER_NONEXISTING_GRANT', [who.user, who.host]);
  const to = `TO ${quote(account.user)}@${quote(account.host)}`;
  const withGrant = (yes: boolean): string => (yes ? ' WITH GRANT OPTION' : '');
  const lines: string[] = [];
  const statics = privilegeList('global', account.privileges);
  const text = statics.length === 0 ? 'USAGE' : statics.join(', ');
  lines.push(`GRANT ${text} ON *.* ${to}${withGrant(account.grantOption)}`);
  const dynamics = dynamicList(account.privileges);
  if (dynamics.length > 0) {
    lines.push(`GRANT ${dynamics.join(',')} ON *.* ${to}${withGrant(account.grantOption)}`);
  }
  const grants = host.accounts.grants(account.user, account.host);
  const sorted = [...grants].sort((a, b) =>
    a.table === null && b.table !== null
      ? -1
      : a.table !== null && b.table === null
        ? 1
        : `${a.database}.${a.table ?? ''}` < `${b.database}.${b.table ?? ''}`
          ? -1
          : 1,
  );
  for (const g of sorted) {
    const list = privilegeList(g.table === null ? 'database' : 'table', g.privileges);
    const on =
      g.table === null ? `${quote(g.database)}.*` : `${quote(g.database)}.${quote(g.table)}`;
    lines.push(
      `GRANT ${list.length === 0 ? 'USAGE' : list.join(', ')} ON ${on} ${to}` +
        withGrant(g.grantOption),
    );
  }
  const name = `Grants for ${account.user}@${account.host}`;
  const column = { ...showColumnInfo(name, '', '', 1024), db: '', table: '', orgTable: '' };
  return { kind: 'rows', columns: [column], rows: lines.map((l) => [l]) };
}
