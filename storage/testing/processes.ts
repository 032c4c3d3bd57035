/**
 * Test helper: real `borealis storage-node` processes and a real `borealis start --storage`
 * writer, spawned from dist/server/cli.js, killed with SIGKILL and started again on the same
 * port and data directory; a write load through mysql2; and a TcpNetwork to look inside the
 * nodes (status, scrub) with the cluster secret. Used by storage/process.test.ts (quick) and
 * conformance/storage (long variants, network namespaces).
 *
 * Every child is killed when the cluster is stopped, and when this process exits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { pino } from 'pino';
import { systemClock } from '../clock.js';
import { SEGMENTS_PER_GROUP } from '../config.js';
import type { StatusReply, StorageReply, StorageRequest } from '../messages.js';
import { TcpNetwork } from '../net/tcp-network.js';

/** The package root: the nearest directory above this file with a package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('no package.json above the test helper');
    dir = up;
  }
  return dir;
}

export const CLI = resolve(packageRoot(), 'dist', 'server', 'cli.js');

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

export interface NodeSpec {
  readonly dataDir: string;
  readonly zone: string;
  /** Address to listen on (127.0.0.1, or an address inside a network namespace). */
  readonly host: string;
  /** Command prefix to run it with (e.g. ip netns exec NS), or []. */
  readonly prefix: readonly string[];
  port: number;
  child: ChildProcess | undefined;
}

/** Spawns a program from the CLI and resolves with the port it logs as 'ready'. */
function spawnReady(
  args: readonly string[],
  prefix: readonly string[],
  logFile: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; port: number }> {
  const [command, ...rest] = prefix.length > 0 ? prefix : [process.execPath];
  const argv = prefix.length > 0 ? [...rest, process.execPath, CLI, ...args] : [CLI, ...args];
  const child = spawn(command ?? process.execPath, argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const log = createWriteStream(logFile, { flags: 'a' });
  child.stderr?.pipe(log);
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  return new Promise((resolvePort, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`${args[0]} exited with ${code}; see ${logFile}`));
    });
    lines.on('line', (line) => {
      log.write(`${line}\n`);
      let entry: { msg?: unknown; port?: unknown };
      try {
        entry = JSON.parse(line) as { msg?: unknown; port?: unknown };
      } catch {
        return;
      }
      if (entry.msg === 'ready' && typeof entry.port === 'number') {
        resolvePort({ child, port: entry.port });
      }
    });
  });
}

export async function kill(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

export interface ProcessClusterOptions {
  readonly root: string;
  readonly secret: string;
  readonly nodes: readonly { zone: string; host?: string; prefix?: readonly string[] }[];
  readonly nodeArgs?: readonly string[];
}

export class ProcessCluster {
  readonly nodes: NodeSpec[];
  writer: { child: ChildProcess; port: number } | undefined;
  private readonly network: TcpNetwork;

  constructor(private readonly options: ProcessClusterOptions) {
    mkdirSync(options.root, { recursive: true });
    this.nodes = options.nodes.map((n, i) => ({
      dataDir: join(options.root, `node-${i}`),
      zone: n.zone,
      host: n.host ?? '127.0.0.1',
      prefix: n.prefix ?? [],
      port: 0,
      child: undefined,
    }));
    const log = pino({ level: process.env['LOG_LEVEL'] ?? 'silent' });
    this.network = new TcpNetwork({ secret: options.secret, clock: systemClock, log });
  }

  address(i: number): string {
    const n = this.nodes[i];
    if (n === undefined) throw new Error(`no node ${i}`);
    return `${n.host}:${n.port}`;
  }

  get addresses(): string[] {
    return this.nodes.map((_, i) => this.address(i));
  }

  async startNode(i: number): Promise<void> {
    const n = this.nodes[i];
    if (n === undefined) throw new Error(`no node ${i}`);
    const args = [
      'storage-node',
      '--host',
      n.host,
      '--port',
      String(n.port),
      '--data-dir',
      n.dataDir,
      '--cluster-secret',
      this.options.secret,
      ...(n.zone === '' ? [] : ['--zone', n.zone]),
      ...(this.options.nodeArgs ?? []),
    ];
    const logFile = join(this.options.root, `node-${i}.log`);
    const { child, port } = await spawnReady(args, n.prefix, logFile, {});
    n.child = child;
    n.port = port;
  }

  async startNodes(indexes: readonly number[] = this.nodes.map((_, i) => i)): Promise<void> {
    await Promise.all(indexes.map((i) => this.startNode(i)));
  }

  async killNode(i: number): Promise<void> {
    await kill(this.nodes[i]?.child);
  }

  async startWriter(commitTimeoutMs = 1_500, extra: Record<string, string> = {}): Promise<number> {
    const args = [
      'start',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--data-dir',
      join(this.options.root, 'writer'),
      '--storage',
      this.addresses.join(','),
      '--cluster-secret',
      this.options.secret,
      '--commit-timeout',
      String(commitTimeoutMs),
    ];
    this.writer = await spawnReady(args, [], join(this.options.root, 'writer.log'), extra);
    return this.writer.port;
  }

  async killWriter(): Promise<void> {
    await kill(this.writer?.child);
    this.writer = undefined;
  }

  send(i: number, request: StorageRequest): Promise<StorageReply> {
    return this.network.send(this.address(i), request);
  }

  async status(i: number): Promise<StatusReply> {
    const reply = await this.send(i, { kind: 'StatusRequest' });
    if (reply.kind !== 'StatusReply') throw new Error(`status: ${reply.kind}`);
    return reply;
  }

  /** Flips one byte in every occurrence of `marker` in node i's LMDB file (it must be down). */
  flipBytes(i: number, marker: string): number {
    const file = join(this.nodes[i]?.dataDir ?? '', 'data.mdb');
    const bytes = readFileSync(file);
    const needle = Buffer.from(marker, 'utf8');
    let flipped = 0;
    for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + 1)) {
      const target = at + needle.length - 1;
      bytes[target] = (bytes[target] ?? 0) ^ 0x20;
      flipped++;
    }
    writeFileSync(file, bytes);
    return flipped;
  }

  async stop(): Promise<void> {
    await this.killWriter();
    await Promise.all(this.nodes.map((n) => kill(n.child)));
    await this.network.close();
  }
}

/** Inserts rows one after another through one connection, remembering which were acknowledged. */
export class WriteLoad {
  readonly acked: number[] = [];
  readonly errors: { errno: number | undefined; message: string }[] = [];
  private next = 1;
  private running = true;
  private done: Promise<void>;

  private constructor(
    private readonly conn: Connection,
    private readonly table: string,
  ) {
    this.done = this.loop();
  }

  static async start(port: number, table: string): Promise<WriteLoad> {
    const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root' });
    return new WriteLoad(conn, table);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const id = this.next++;
      try {
        await this.conn.query(`INSERT INTO ${this.table} VALUES (?, ?)`, [id, `row-${id}`]);
        this.acked.push(id);
      } catch (error) {
        const e = error as { errno?: number; message?: string };
        this.errors.push({ errno: e.errno, message: String(e.message) });
        if (e.errno === undefined) return; // the connection is gone
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
    await this.conn.end().catch(() => undefined);
  }
}

export async function connect(port: number): Promise<Connection> {
  return mysql.createConnection({ host: '127.0.0.1', port, user: 'root' });
}

export async function ids(conn: Connection, table: string): Promise<Set<number>> {
  const [rows] = await conn.query<RowDataPacket[]>(`SELECT id FROM ${table} ORDER BY id`);
  return new Set(rows.map((r) => Number(r['id'])));
}

export async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  ms = 15_000,
): Promise<void> {
  const deadline = performance.now() + ms;
  for (;;) {
    try {
      if (await condition()) return;
    } catch {
      // not yet
    }
    if (performance.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Each group has six segments (one per slot it is placed on) at the highest SCL reported. */
export async function converged(cluster: ProcessCluster, indexes: readonly number[]) {
  const statuses = await Promise.all(indexes.map((i) => cluster.status(i)));
  const best = new Map<number, number>();
  for (const s of statuses) {
    for (const seg of s.segments) best.set(seg.group, Math.max(best.get(seg.group) ?? 0, seg.scl));
  }
  for (const [group, scl] of best) {
    let complete = 0;
    for (const s of statuses) {
      if (s.segments.some((seg) => seg.group === group && seg.scl === scl)) complete++;
    }
    if (complete < SEGMENTS_PER_GROUP) return false;
  }
  return best.size > 0;
}
