/**
 * An endpoint is one MySQL-speaking server the harness talks to, with what kind of server it is.
 *
 * The *reference* side is MariaDB started by the harness (or a real MySQL given by MYSQL_URL);
 * the *target* side is Borealis (started from dist/, or given by BOREALIS_URL), or a second
 * MariaDB standing in for it while the server is not built. The flavour decides which
 * known-differences and expected-failures apply: entries about Borealis apply only to a real
 * Borealis, entries about MariaDB to any MariaDB.
 */
import mysql from 'mysql2/promise';

export type Flavor = 'mariadb' | 'mysql' | 'borealis';
export type Role = 'reference' | 'target';

export interface Endpoint {
  readonly role: Role;
  readonly flavor: Flavor;
  /** For humans: "MariaDB 10.11 (private, port 41234)". */
  readonly label: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** Restarts the server if the harness owns it and it died (Borealis); no-op otherwise. */
  ensureRunning(): Promise<void>;
  /** Something to show when a check fails on this side (e.g. the server's log tail). */
  diagnostics(): string;
}

/** Parses mysql://user[:password]@host[:port] into connection fields. */
export function parseMysqlUrl(url: string): {
  host: string;
  port: number;
  user: string;
  password: string;
} {
  const parsed = new URL(url);
  if (parsed.protocol !== 'mysql:') throw new Error(`not a mysql:// URL: ${url}`);
  return {
    host: parsed.hostname,
    port: parsed.port === '' ? 3306 : Number(parsed.port),
    user: decodeURIComponent(parsed.username || 'root'),
    password: decodeURIComponent(parsed.password),
  };
}

export async function connect(
  endpoint: Pick<Endpoint, 'host' | 'port' | 'user' | 'password'>,
  database?: string,
): Promise<mysql.Connection> {
  return mysql.createConnection({
    host: endpoint.host,
    port: endpoint.port,
    user: endpoint.user,
    password: endpoint.password,
    ...(database === undefined ? {} : { database }),
    connectTimeout: 10_000,
  });
}

/** Runs statements on a fresh admin connection (create/drop databases and the like). */
export async function admin(endpoint: Endpoint, statements: readonly string[]): Promise<void> {
  const conn = await connect(endpoint);
  try {
    for (const sql of statements) await conn.query(sql);
  } finally {
    await conn.end().catch(() => undefined);
  }
}

/** True once a TCP client can log in and run a query. */
export async function canQuery(
  endpoint: Pick<Endpoint, 'host' | 'port' | 'user' | 'password'>,
): Promise<boolean> {
  try {
    const conn = await connect(endpoint);
    await conn.query('SELECT 1');
    await conn.end();
    return true;
  } catch {
    return false;
  }
}

/** Reads VERSION() to tell MariaDB from MySQL-looking servers. */
export async function serverVersion(
  endpoint: Pick<Endpoint, 'host' | 'port' | 'user' | 'password'>,
): Promise<string> {
  const conn = await connect(endpoint);
  try {
    const [rows] = await conn.query({ sql: 'SELECT VERSION()', rowsAsArray: true });
    const first: unknown = Array.isArray(rows) ? rows[0] : undefined;
    return Array.isArray(first) ? String(first[0]) : '';
  } finally {
    await conn.end().catch(() => undefined);
  }
}
