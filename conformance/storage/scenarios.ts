/**
 * The long process-level scenarios of the storage tier (the quick one is storage/process.test.ts):
 * real `borealis storage-node` processes and a `borealis start --storage` writer under write load.
 *
 *   zones       nine nodes in three zones: two killed (commits go on) and back; a whole zone and
 *               one more node killed, then the writer: it restarts with the zone still down and
 *               recovers every acknowledged commit; the zone comes back and catches up.
 *   replacement a node's disk is lost: an empty node started at its address (same zone) is
 *               noticed by the writer, rebuilt from its peers while writes go on, and counted in
 *               quorums again.
 * Each throws on the first thing that is wrong.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ProcessCluster,
  WriteLoad,
  connect,
  converged,
  ids,
  until,
} from '../../storage/testing/processes.js';

const SECRET = 'conformance-storage-secret';

async function withCluster(
  name: string,
  zones: readonly string[],
  body: (cluster: ProcessCluster, root: string) => Promise<void>,
): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), `borealis-${name}-`));
  const cluster = new ProcessCluster({
    root,
    secret: SECRET,
    nodes: zones.map((zone) => ({ zone })),
  });
  try {
    await body(cluster, root);
    rmSync(root, { recursive: true, force: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message} (logs in ${root})`, { cause: error });
  } finally {
    await cluster.stop();
  }
}

const ZONES9 = ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c'];

export async function zoneLoss(): Promise<void> {
  await withCluster('zones', ZONES9, async (cluster) => {
    await cluster.startNodes();
    let port = await cluster.startWriter(1_500);
    let conn = await connect(port);
    await conn.query('CREATE DATABASE z');
    await conn.query('CREATE TABLE z.t (id INT PRIMARY KEY, v VARCHAR(40))');
    let load = await WriteLoad.start(port, 'z.t');
    await until('first commits', () => load.acked.length >= 50);
    await Promise.all([cluster.killNode(1), cluster.killNode(5)]);
    const mark = load.acked.length;
    await until('commits with two nodes down', () => load.acked.length >= mark + 50);
    await cluster.startNodes([1, 5]);
    // Zone a (nodes 0, 3, 6) and node 1 of zone b go; then the writer.
    await Promise.all([0, 3, 6, 1].map((i) => cluster.killNode(i)));
    await new Promise((r) => setTimeout(r, 300));
    await cluster.killWriter();
    await load.stop();
    conn.destroy();
    await cluster.startNode(1); // zone a stays down
    port = await cluster.startWriter(1_500);
    conn = await connect(port);
    const present = await ids(conn, 'z.t');
    for (const id of load.acked) assert(present.has(id), `acknowledged row ${id} lost`);
    load = await WriteLoad.start(port, 'z.t');
    const resumed = load.acked.length;
    await until('commits with a zone down', () => load.acked.length >= resumed + 50);
    await cluster.startNodes([0, 3, 6]);
    const all = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    await until('the zone catches up', () => converged(cluster, all), 30_000);
    await load.stop();
    const after = await ids(conn, 'z.t');
    for (const id of load.acked) assert(after.has(id), `acknowledged row ${id} lost`);
    conn.destroy();
  });
}

export async function replacement(): Promise<void> {
  const six = ['a', 'b', 'c', 'a', 'b', 'c'];
  await withCluster('replacement', six, async (cluster) => {
    await cluster.startNodes();
    const port = await cluster.startWriter(1_500, {});
    const conn = await connect(port);
    await conn.query('CREATE DATABASE r');
    await conn.query('CREATE TABLE r.t (id INT PRIMARY KEY, v VARCHAR(40))');
    const load = await WriteLoad.start(port, 'r.t');
    await until('first commits', () => load.acked.length >= 100);
    const before = await cluster.send(4, { kind: 'NodeInfoRequest' });
    assert(before.kind === 'NodeInfoReply');
    await cluster.killNode(4);
    const node = cluster.nodes[4];
    assert(node !== undefined);
    rmSync(node.dataDir, { recursive: true, force: true }); // the disk is gone
    await cluster.startNode(4); // an empty node, same address and zone, a new identity
    const fresh = await cluster.send(4, { kind: 'NodeInfoRequest' });
    assert(fresh.kind === 'NodeInfoReply' && fresh.nodeId !== before.nodeId);
    await until(
      'the writer rebuilds the empty node',
      async () => {
        const info = await cluster.send(0, { kind: 'NodeInfoRequest' });
        const m = info.kind === 'NodeInfoReply' ? info.membership : null;
        return m !== null && m.nodes[4]?.nodeId === fresh.nodeId && m.joining.length === 0;
      },
      40_000,
    );
    await until('it holds everything', () => converged(cluster, [0, 1, 2, 3, 4, 5]), 20_000);
    // It counts again: with three others down, reads and recovery need it.
    await load.stop();
    const acked = [...load.acked];
    await Promise.all([0, 1, 2].map((i) => cluster.killNode(i)));
    await cluster.killWriter();
    await cluster.startNode(0);
    const port2 = await cluster.startWriter(1_500);
    const conn2 = await connect(port2);
    const present = await ids(conn2, 'r.t');
    for (const id of acked) assert(present.has(id), `acknowledged row ${id} lost`);
    conn2.destroy();
    conn.destroy();
  });
}
