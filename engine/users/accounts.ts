/**
 * Accounts and their grants, kept in the catalog B-tree beside the table definitions and cached
 * in memory (loaded once at start, changed two-phase like the catalog: entries written inside
 * the statement's mini-transaction, the cache updated once the Mtr has shipped).
 *
 *   KEY                                          VALUE (versioned JSON)
 *   0x03 name(user) name(host)                   { v, user, host, plugin, authString, locked,
 *                                                  privileges: [global…], grantOption }
 *   0x04 name(user) name(host) name(db) name(t)  { v, privileges: […], grantOption }
 *                                                  (t = '' for a database-level grant)
 *
 * name(x) is definitions.ts's escaped, terminated UTF-8, so one account's grants are one key
 * range. User names compare case-sensitively, host names case-insensitively (MySQL stores them
 * lower-cased). The first start of a volume (no account entries) creates root@localhost with
 * every privilege and the configured password — MySQL's --initialize for a server that listens
 * on the loopback interface, whose peers the server names 'localhost'.
 *
 * Matching a login (MySQL's ACL order): among the accounts whose user is the login's (or the
 * anonymous '') and whose host pattern (LIKE: % and _) matches the client's host, the most
 * specific host wins — literal hosts before patterns, longer literal prefixes first — then a
 * named user before the anonymous one.
 *
 * Invariants: (U1) every grant entry belongs to an existing account (DROP USER deletes them);
 * (U2) the cache equals the tree once a statement's Mtr has shipped.
 */
import assert from 'node:assert/strict';
import type { Mtr, Trees } from '../btree/api.js';
import { collation } from '../sql/collation.js';
import { likeMatch } from '../sql/expr.js';
import { type AuthPlugin, passwordHash } from './passwords.js';
import { type Privilege, allAt, privilegeByName } from './privileges.js';

export const KEY_ACCOUNT = 0x03;
export const KEY_GRANT = 0x04;
const ACCOUNTS_VERSION = 1;

export interface AccountRecord {
  readonly user: string;
  readonly host: string;
  readonly plugin: AuthPlugin;
  readonly authString: string;
  readonly locked: boolean;
  readonly privileges: ReadonlySet<Privilege>;
  readonly grantOption: boolean;
}

export interface GrantRecord {
  readonly user: string;
  readonly host: string;
  readonly database: string;
  /** null: a database-level grant. */
  readonly table: string | null;
  readonly privileges: ReadonlySet<Privilege>;
  readonly grantOption: boolean;
}

export type AccountChange =
  | { readonly kind: 'put-account'; readonly account: AccountRecord }
  | { readonly kind: 'drop-account'; readonly user: string; readonly host: string }
  | { readonly kind: 'put-grant'; readonly grant: GrantRecord }
  | {
      readonly kind: 'drop-grant';
      readonly user: string;
      readonly host: string;
      readonly database: string;
      readonly table: string | null;
    };

function nameBytes(name: string): Buffer {
  const raw = Buffer.from(name, 'utf8');
  const parts: number[] = [];
  for (const b of raw) {
    parts.push(b);
    if (b === 0) parts.push(0xff);
  }
  parts.push(0, 0);
  return Buffer.from(parts);
}

export function accountKey(user: string, host: string): Buffer {
  return Buffer.concat([Buffer.from([KEY_ACCOUNT]), nameBytes(user), nameBytes(host)]);
}

function grantKey(user: string, host: string, database: string, table: string | null): Buffer {
  return Buffer.concat([
    Buffer.from([KEY_GRANT]),
    nameBytes(user),
    nameBytes(host),
    nameBytes(database),
    nameBytes(table ?? ''),
  ]);
}

const id = (user: string, host: string): string => `${user}\u0000${host.toLowerCase()}`;
const grantId = (g: { user: string; host: string; database: string; table: string | null }) =>
  `${id(g.user, g.host)}\u0000${g.database}\u0000${g.table ?? ''}`;

type Obj = Readonly<Record<string, unknown>>;

function corrupt(what: string): never {
  return assert.fail(`accounts: bad ${what}`);
}

function parse(value: Buffer, what: string): Obj {
  const o: unknown = JSON.parse(value.toString('utf8'));
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return corrupt(what);
  const obj = o as Obj;
  if (obj.v !== ACCOUNTS_VERSION) return corrupt(`${what} version`);
  return obj;
}

function str(x: unknown, what: string): string {
  return typeof x === 'string' ? x : corrupt(what);
}

function privileges(x: unknown): Set<Privilege> {
  if (!Array.isArray(x)) return corrupt('privileges');
  return new Set(
    x.map((p: unknown) => privilegeByName(str(p, 'privilege')) ?? corrupt('privilege')),
  );
}

function decodeAccount(value: Buffer): AccountRecord {
  const o = parse(value, 'account');
  const plugin = str(o.plugin, 'plugin');
  if (plugin !== 'mysql_native_password' && plugin !== 'caching_sha2_password') corrupt('plugin');
  return {
    user: str(o.user, 'user'),
    host: str(o.host, 'host'),
    plugin,
    authString: str(o.authString, 'authString'),
    locked: o.locked === true,
    privileges: privileges(o.privileges),
    grantOption: o.grantOption === true,
  };
}

function encodeAccount(a: AccountRecord): Buffer {
  return Buffer.from(
    JSON.stringify({
      v: ACCOUNTS_VERSION,
      user: a.user,
      host: a.host,
      plugin: a.plugin,
      authString: a.authString,
      locked: a.locked,
      privileges: [...a.privileges],
      grantOption: a.grantOption,
    }),
    'utf8',
  );
}

function decodeGrant(value: Buffer): GrantRecord {
  const o = parse(value, 'grant');
  const table = str(o.table, 'grant table');
  return {
    user: str(o.user, 'grant user'),
    host: str(o.host, 'grant host'),
    database: str(o.database, 'grant database'),
    table: table === '' ? null : table,
    privileges: privileges(o.privileges),
    grantOption: o.grantOption === true,
  };
}

function encodeGrant(g: GrantRecord): Buffer {
  return Buffer.from(
    JSON.stringify({
      v: ACCOUNTS_VERSION,
      user: g.user,
      host: g.host,
      database: g.database,
      table: g.table ?? '',
      privileges: [...g.privileges],
      grantOption: g.grantOption,
    }),
    'utf8',
  );
}

const hostCollation = collation('utf8mb4_general_ci');

/** MySQL's host specificity: a literal host beats a pattern; longer literal prefixes first. */
function hostRank(host: string): number {
  const wildcard = host.search(/[%_]/);
  return wildcard === -1 ? Number.MAX_SAFE_INTEGER : wildcard;
}

export class Accounts {
  private readonly accounts = new Map<string, AccountRecord>();
  private readonly grantsById = new Map<string, GrantRecord>();
  /** Bumped by every change to the accounts or grants held (lookups cached by it go stale). */
  generation = 0;

  private constructor(private readonly trees: Trees) {}

  /** Loads every account and grant; on a volume without accounts, creates root (see above). */
  static async load(
    trees: Trees,
    root: { readonly password: string; readonly plugin: AuthPlugin },
  ): Promise<Accounts> {
    const accounts = new Accounts(trees);
    const range = {
      lower: { key: Buffer.from([KEY_ACCOUNT]), inclusive: true },
      upper: { key: Buffer.from([KEY_GRANT + 1]), inclusive: false },
    };
    const grants: GrantRecord[] = [];
    for await (const batch of trees.scan(trees.catalogRoot, range)) {
      for (const entry of batch) {
        if (entry.key[0] === KEY_ACCOUNT) accounts.cache(decodeAccount(entry.value));
        else grants.push(decodeGrant(entry.value));
      }
    }
    for (const g of grants) {
      assert(accounts.get(g.user, g.host) !== undefined, 'U1: a grant has its account');
      accounts.grantsById.set(grantId(g), g);
    }
    if (accounts.accounts.size === 0) await accounts.bootstrap(root);
    return accounts;
  }

  /**
   * Takes `fresh`'s accounts and grants (a read engine's reload, read-engine.ts): lookups made
   * before go stale by the generation.
   */
  replaceWith(fresh: Accounts): void {
    this.accounts.clear();
    this.grantsById.clear();
    for (const [key, account] of fresh.accounts) this.accounts.set(key, account);
    for (const [key, grant] of fresh.grantsById) this.grantsById.set(key, grant);
    this.generation = Math.max(this.generation, fresh.generation) + 1;
  }

  private async bootstrap(root: { readonly password: string; readonly plugin: AuthPlugin }) {
    const record: AccountRecord = {
      user: 'root',
      host: 'localhost',
      plugin: root.plugin,
      authString: passwordHash(root.plugin, root.password),
      locked: false,
      privileges: new Set(allAt('global')),
      grantOption: true,
    };
    const mtr = await this.trees.begin();
    let changes: AccountChange[];
    try {
      changes = await this.write(mtr, [{ kind: 'put-account', account: record }]);
    } catch (e) {
      this.trees.rollback(mtr);
      throw e;
    }
    const durable = this.trees.commit(mtr);
    for (const change of changes) this.apply(change);
    await durable;
  }

  private cache(account: AccountRecord): void {
    this.generation++;
    this.accounts.set(id(account.user, account.host), account);
  }

  get(user: string, host: string): AccountRecord | undefined {
    return this.accounts.get(id(user, host));
  }

  all(): AccountRecord[] {
    return [...this.accounts.values()];
  }

  /** The account a login as user@host uses (see the file comment), or undefined. */
  match(user: string, host: string): AccountRecord | undefined {
    const candidates = [...this.accounts.values()].filter(
      (a) => (a.user === user || a.user === '') && likeMatch(host, a.host, '\\', hostCollation),
    );
    candidates.sort((a, b) => {
      const byHost = hostRank(b.host) - hostRank(a.host);
      if (byHost !== 0) return byHost;
      return (b.user === '' ? 0 : 1) - (a.user === '' ? 0 : 1);
    });
    return candidates[0];
  }

  grants(user: string, host: string): GrantRecord[] {
    const prefix = `${id(user, host)}\u0000`;
    return [...this.grantsById.entries()].filter(([k]) => k.startsWith(prefix)).map(([, g]) => g);
  }

  grant(
    user: string,
    host: string,
    database: string,
    table: string | null,
  ): GrantRecord | undefined {
    return this.grantsById.get(grantId({ user, host, database, table }));
  }

  /** Writes `changes` into the catalog tree inside `mtr`; apply() them after commit. */
  async write(mtr: Mtr, changes: readonly AccountChange[]): Promise<AccountChange[]> {
    const root = this.trees.catalogRoot;
    for (const change of changes) {
      switch (change.kind) {
        case 'put-account': {
          const { user, host } = change.account;
          const key = accountKey(user, host);
          const value = encodeAccount(change.account);
          if (!(await this.trees.update(mtr, root, key, value))) {
            assert(await this.trees.insert(mtr, root, key, value), 'accounts: a new key');
          }
          break;
        }
        case 'drop-account':
          await this.trees.delete(mtr, root, accountKey(change.user, change.host));
          break;
        case 'put-grant': {
          const g = change.grant;
          const key = grantKey(g.user, g.host, g.database, g.table);
          const value = encodeGrant(g);
          if (!(await this.trees.update(mtr, root, key, value))) {
            assert(await this.trees.insert(mtr, root, key, value), 'accounts: a new key');
          }
          break;
        }
        case 'drop-grant':
          await this.trees.delete(
            mtr,
            root,
            grantKey(change.user, change.host, change.database, change.table),
          );
          break;
      }
    }
    return [...changes];
  }

  apply(change: AccountChange): void {
    this.generation++;
    switch (change.kind) {
      case 'put-account':
        this.cache(change.account);
        return;
      case 'drop-account':
        this.accounts.delete(id(change.user, change.host));
        return;
      case 'put-grant':
        this.grantsById.set(grantId(change.grant), change.grant);
        return;
      case 'drop-grant':
        this.grantsById.delete(grantId(change));
        return;
    }
  }
}
