/**
 * A partition with real addresses: six storage nodes, each in its own network namespace with
 * its own address on a bridge (veth pairs), the writer in the root namespace. Cutting a node's
 * link drops its packets silently (no refused connection, no reset: a real partition).
 *
 *   two nodes cut off: commits go on; a third: commits stall with a clear error while reads go
 *   on; links back: commits resume and the cut-off nodes catch up (gossip across namespaces).
 *
 * Needs root and `ip` (iproute2); `partitionSkipReason()` says why it cannot run otherwise.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RowDataPacket } from 'mysql2/promise';
import {
  ProcessCluster,
  WriteLoad,
  connect,
  converged,
  until,
} from '../../storage/testing/processes.js';

const IP = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((p) => existsSync(p));

export function partitionSkipReason(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  if (IP === undefined) return 'the ip command (iproute2) is not installed';
  try {
    ip('netns', 'list');
  } catch (error) {
    return `ip netns does not work here: ${String(error)}`;
  }
  return undefined;
}

function ip(...args: string[]): void {
  execFileSync(IP ?? 'ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Namespaces, a bridge and veth pairs; names carry the pid so concurrent runs do not meet. */
class Namespaces {
  readonly tag = `b${process.pid % 100_000}`;
  readonly subnet = `10.${200 + (process.pid % 50)}.${process.pid % 250}`;
  readonly bridge = `${this.tag}br`;
  readonly created: string[] = [];

  ns(i: number): string {
    return `${this.tag}-ns${i}`;
  }

  hostEnd(i: number): string {
    return `${this.tag}h${i}`;
  }

  address(i: number): string {
    return `${this.subnet}.${10 + i}`;
  }

  setUp(count: number): void {
    ip('link', 'add', this.bridge, 'type', 'bridge');
    this.created.push(`link:${this.bridge}`);
    ip('addr', 'add', `${this.subnet}.1/24`, 'dev', this.bridge);
    ip('link', 'set', this.bridge, 'up');
    for (let i = 0; i < count; i++) {
      const ns = this.ns(i);
      const inner = `${this.tag}n${i}`;
      ip('netns', 'add', ns);
      this.created.push(`netns:${ns}`);
      ip('link', 'add', this.hostEnd(i), 'type', 'veth', 'peer', 'name', inner);
      this.created.push(`link:${this.hostEnd(i)}`);
      ip('link', 'set', inner, 'netns', ns);
      ip('link', 'set', this.hostEnd(i), 'master', this.bridge);
      ip('link', 'set', this.hostEnd(i), 'up');
      ip('-n', ns, 'addr', 'add', `${this.address(i)}/24`, 'dev', inner);
      ip('-n', ns, 'link', 'set', inner, 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'route', 'add', 'default', 'via', `${this.subnet}.1`);
    }
  }

  cut(i: number): void {
    ip('link', 'set', this.hostEnd(i), 'down');
  }

  mend(i: number): void {
    ip('link', 'set', this.hostEnd(i), 'up');
  }

  tearDown(): void {
    for (const what of this.created.reverse()) {
      const [kind, name] = what.split(':');
      try {
        if (kind === 'netns') ip('netns', 'del', name ?? '');
        else ip('link', 'del', name ?? '');
      } catch {
        // already gone with its namespace
      }
    }
  }
}

export async function partition(): Promise<void> {
  const spaces = new Namespaces();
  const root = mkdtempSync(path.join(os.tmpdir(), 'borealis-partition-'));
  const cluster = new ProcessCluster({
    root,
    secret: 'partition-secret',
    nodes: Array.from({ length: 6 }, (_, i) => ({
      zone: '',
      host: spaces.address(i),
      prefix: [IP ?? 'ip', 'netns', 'exec', spaces.ns(i)],
    })),
  });
  try {
    spaces.setUp(6);
    await cluster.startNodes();
    const port = await cluster.startWriter(1_500);
    const conn = await connect(port);
    await conn.query('CREATE DATABASE n');
    await conn.query('CREATE TABLE n.t (id INT PRIMARY KEY, v VARCHAR(40))');
    const load = await WriteLoad.start(port, 'n.t');
    await until('first commits', () => load.acked.length >= 30);
    spaces.cut(0);
    spaces.cut(1);
    const mark = load.acked.length;
    await until('commits with two nodes cut off', () => load.acked.length >= mark + 30);
    spaces.cut(2);
    const stalled = (): boolean => load.errors.some((e) => e.errno === 1180);
    await until('a clear error with three cut off', stalled);
    const last = load.acked.at(-1) ?? 0;
    const [rows] = await conn.query<RowDataPacket[]>('SELECT v FROM n.t WHERE id = ?', [last]);
    assert.deepEqual(rows, [{ v: `row-${last}` }], 'reads go on');
    for (const i of [0, 1, 2]) spaces.mend(i);
    const resumed = load.acked.length;
    await until('commits resume', () => load.acked.length >= resumed + 30, 20_000);
    await load.stop();
    await until('the cut-off nodes catch up', () => converged(cluster, [0, 1, 2, 3, 4, 5]), 30_000);
    conn.destroy();
    rmSync(root, { recursive: true, force: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message} (logs in ${root})`, { cause: error });
  } finally {
    await cluster.stop();
    spaces.tearDown();
  }
}
