/**
 * A private MariaDB for the harness: its own data directory, socket and TCP port on 127.0.0.1,
 * never the default port and never a system service. `mariadb-install-db` and `mariadbd` run
 * with `--no-defaults`, so nothing in the machine's my.cnf leaks in; every setting is explicit.
 *
 * Settings are chosen to behave like MySQL 8 where it matters to clients:
 *   - sql_mode = MySQL 8's default (ONLY_FULL_GROUP_BY, STRICT_TRANS_TABLES, …);
 *   - utf8mb4 with utf8mb4_unicode_520_nopad_ci: MariaDB 10.11 has no utf8mb4_0900_ai_ci (MySQL
 *     8's default); this is the closest (newer UCA weights, NO PAD). Recorded in
 *     conformance/known-differences where it shows;
 *   - max_allowed_packet 64M and explicit_defaults_for_timestamp ON, as in MySQL 8;
 *   - TLS with a self-signed certificate made by `openssl` in the temporary directory (MySQL 8
 *     makes one at first start, and Borealis does too), so clients that start TLS whenever it
 *     is offered (the mysql CLI, mysqldump) use it on both sides.
 * root@127.0.0.1 has an empty password over TCP (granted by an init file at every start).
 *
 * Invariants: (M1) the server listens only on 127.0.0.1 at a port chosen here, never 3306;
 * (M2) `stop()` removes the whole temporary directory after the server has exited.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { canQuery, type Endpoint, type Role } from './endpoint.js';
import { findExecutable, freePort, spawnGuarded, tail, waitUntil } from './process.js';

const execFileAsync = promisify(execFile);

/** MySQL 8.0's default sql_mode. */
export const MYSQL8_SQL_MODE = [
  'ONLY_FULL_GROUP_BY',
  'STRICT_TRANS_TABLES',
  'NO_ZERO_IN_DATE',
  'NO_ZERO_DATE',
  'ERROR_FOR_DIVISION_BY_ZERO',
  'NO_ENGINE_SUBSTITUTION',
].join(',');

export const MARIADB_COLLATION = 'utf8mb4_unicode_520_nopad_ci';

export interface MariaDbOptions {
  readonly role: Role;
  /** innodb_flush_log_at_trx_commit=1 (benchmarks) instead of 2 (conformance runs). */
  readonly durable: boolean;
  /** Where logs are kept after the run (the data directory itself is removed). */
  readonly logDir: string;
  readonly name: string;
  readonly bufferPoolMb?: number;
  /** Extra mariadbd options, e.g. to make a stand-in deliberately differ. */
  readonly extraArgs?: readonly string[];
}

export interface MariaDb extends Endpoint {
  readonly errorLog: string;
  stop(): Promise<void>;
}

export async function startMariaDb(options: MariaDbOptions): Promise<MariaDb> {
  const mariadbd = findExecutable('mariadbd');
  const installDb = findExecutable('mariadb-install-db');
  if (mariadbd === undefined || installDb === undefined) {
    throw new Error('mariadbd / mariadb-install-db not found: run `bash conformance/setup`');
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), `borealis-${options.name}-`));
  const dataDir = path.join(dir, 'data');
  mkdirSync(options.logDir, { recursive: true });
  const errorLog = path.join(options.logDir, `${options.name}.err.log`);
  const asRoot = process.getuid?.() === 0;
  await execFileAsync(installDb, [
    '--no-defaults',
    `--datadir=${dataDir}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    ...(asRoot ? ['--user=root'] : []),
  ]);
  const initFile = path.join(dir, 'init.sql');
  writeFileSync(
    initFile,
    "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';\n" +
      "GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;\n",
  );
  const port = await freePort();
  assert.notEqual(port, 3306, 'M1');
  const tlsArgs = await selfSignedTls(dir);
  const args = [
    ...serverArgs({ ...options, dir, dataDir, errorLog, initFile, port, asRoot }),
    ...tlsArgs,
  ];
  const proc = spawnGuarded(mariadbd, args, {
    logFile: path.join(options.logDir, `${options.name}.out.log`),
    cleanupDir: dir,
  });
  const endpoint = {
    host: '127.0.0.1',
    port,
    user: 'root',
    password: '',
  };
  const stop = async (): Promise<void> => {
    await proc.stop();
    rmSync(dir, { recursive: true, force: true }); // (M2)
  };
  try {
    await waitUntil(() => canQuery(endpoint), {
      timeoutMs: 60_000,
      what: `MariaDB (${options.name}) start`,
      abort: () => {
        const status = proc.exitStatus();
        return status === undefined ? undefined : `exited ${status}\n${tail(errorLog)}`;
      },
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const version = (await execFileAsync(mariadbd, ['--version'])).stdout.trim();
  return {
    ...endpoint,
    role: options.role,
    flavor: 'mariadb',
    label: `MariaDB ${version.replace(/^.*Ver\s+(\S+?)-MariaDB.*$/s, '$1')} ` +
      `(private, port ${port})`,
    errorLog,
    ensureRunning: async () => {
      const status = proc.exitStatus();
      if (status !== undefined) throw new Error(`MariaDB exited ${status}\n${tail(errorLog)}`);
    },
    diagnostics: () => `MariaDB error log (${errorLog}):\n${tail(errorLog, 10)}`,
    stop,
  };
}

/** mariadbd's --ssl-cert/--ssl-key for a fresh self-signed certificate; none without openssl. */
async function selfSignedTls(dir: string): Promise<string[]> {
  const openssl = findExecutable('openssl');
  if (openssl === undefined) return [];
  const cert = path.join(dir, 'server-cert.pem');
  const key = path.join(dir, 'server-key.pem');
  await execFileAsync(openssl, [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=conformance',
    '-keyout', key, '-out', cert,
  ]);
  return [`--ssl-cert=${cert}`, `--ssl-key=${key}`];
}

function serverArgs(o: MariaDbOptions & {
  readonly dir: string;
  readonly dataDir: string;
  readonly errorLog: string;
  readonly initFile: string;
  readonly port: number;
  readonly asRoot: boolean;
}): string[] {
  return [
    '--no-defaults',
    ...(o.asRoot ? ['--user=root'] : []),
    `--datadir=${o.dataDir}`,
    `--socket=${path.join(o.dir, 'mariadb.sock')}`,
    `--pid-file=${path.join(o.dir, 'mariadb.pid')}`,
    `--log-error=${o.errorLog}`,
    `--init-file=${o.initFile}`,
    `--port=${o.port}`,
    '--bind-address=127.0.0.1',
    '--skip-name-resolve',
    '--skip-log-bin',
    `--sql-mode=${MYSQL8_SQL_MODE}`,
    '--character-set-server=utf8mb4',
    `--collation-server=${MARIADB_COLLATION}`,
    '--explicit-defaults-for-timestamp=ON',
    '--max-allowed-packet=64M',
    '--max-connections=300',
    '--default-storage-engine=InnoDB',
    '--performance-schema=OFF',
    `--innodb-buffer-pool-size=${o.bufferPoolMb ?? 256}M`,
    `--innodb-flush-log-at-trx-commit=${o.durable ? 1 : 2}`,
    ...(o.durable ? [] : ['--innodb-doublewrite=0']),
    ...(o.extraArgs ?? []),
  ];
}
