/**
 * Brings up the two sides of a conformance run from the environment, and takes them down.
 *
 *   reference: MYSQL_URL=mysql://user:pw@host:port (a real MySQL or MariaDB), else a private
 *              MariaDB started here;
 *   target:    BOREALIS_URL=mysql://root@127.0.0.1:P (a Borealis already running), else
 *              BOREALIS=server   start dist/server/cli.js (fails if it is not built),
 *              BOREALIS=stand-in a second private MariaDB (to prove the harness itself),
 *              BOREALIS=auto     (default) server if dist/server/cli.js exists, else stand-in.
 *   BOREALIS_ARGS / STAND_IN_ARGS: extra server arguments, space-separated.
 *
 * Invariant: (S1) whatever was started is stopped by `stop()`, in reverse order, even when a
 * later start failed.
 */
import { borealisBuilt, startBorealis, type Borealis } from './borealis.js';
import { parseMysqlUrl, serverVersion, type Endpoint, type Flavor, type Role } from './endpoint.js';
import { startMariaDb } from './mariadb.js';

export interface Sides {
  readonly reference: Endpoint;
  readonly target: Endpoint;
  /** Crash reports of a Borealis the harness started (empty otherwise). */
  takeCrashes(): string[];
  stop(): Promise<void>;
}

export interface SideOptions {
  readonly logDir: string;
  readonly durable: boolean;
  readonly bufferPoolMb?: number;
  readonly env: NodeJS.ProcessEnv;
}

export async function startSides(options: SideOptions): Promise<Sides> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) await s().catch(() => undefined); // (S1)
  };
  try {
    const reference = await startReference(options, stops);
    let borealis: Borealis | undefined;
    const target = await startTarget(options, stops, (b) => { borealis = b; });
    return { reference, target, takeCrashes: () => borealis?.takeCrashes() ?? [], stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startReference(
  options: SideOptions,
  stops: (() => Promise<void>)[],
): Promise<Endpoint> {
  const url = options.env['MYSQL_URL'];
  if (url !== undefined && url !== '') return external(url, 'reference', 'mysql');
  const db = await startMariaDb({
    role: 'reference', durable: options.durable, logDir: options.logDir, name: 'reference',
    ...(options.bufferPoolMb === undefined ? {} : { bufferPoolMb: options.bufferPoolMb }),
  });
  stops.push(db.stop);
  return db;
}

async function startTarget(
  options: SideOptions,
  stops: (() => Promise<void>)[],
  onBorealis: (b: Borealis) => void,
): Promise<Endpoint> {
  const url = options.env['BOREALIS_URL'];
  if (url !== undefined && url !== '') return external(url, 'target', 'borealis');
  const mode = options.env['BOREALIS'] ?? 'auto';
  if (mode !== 'auto' && mode !== 'server' && mode !== 'stand-in') {
    throw new Error(`BOREALIS must be auto, server or stand-in, not ${mode}`);
  }
  if (mode === 'server' || (mode === 'auto' && borealisBuilt())) {
    const b = await startBorealis({
      role: 'target', logDir: options.logDir, name: 'borealis',
      extraArgs: splitArgs(options.env['BOREALIS_ARGS']),
    });
    stops.push(b.stop);
    onBorealis(b);
    return b;
  }
  const standIn = await startMariaDb({
    role: 'target', durable: options.durable, logDir: options.logDir, name: 'stand-in',
    extraArgs: splitArgs(options.env['STAND_IN_ARGS']),
    ...(options.bufferPoolMb === undefined ? {} : { bufferPoolMb: options.bufferPoolMb }),
  });
  stops.push(standIn.stop);
  return { ...standIn, label: `stand-in ${standIn.label}` };
}

async function external(url: string, role: Role, claimed: Flavor): Promise<Endpoint> {
  const fields = parseMysqlUrl(url);
  const version = await serverVersion(fields);
  const flavor: Flavor = /mariadb/i.test(version) ? 'mariadb' : claimed;
  return {
    ...fields,
    role,
    flavor,
    label: `${flavor} ${version} at ${fields.host}:${fields.port} (external)`,
    ensureRunning: async () => undefined,
    diagnostics: () => '(external server: no log)',
  };
}

function splitArgs(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(/\s+/).filter((a) => a !== '');
}
