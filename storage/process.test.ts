/**
 * Six `borealis storage-node` processes and a `borealis start --storage` writer under write load,
 * on 127.0.0.1 (needs `npx tsc -p .` first; `npm test` does it): two nodes killed — commits go
 * on; a third — commits fail with a clear error while reads go on; the writer killed, the three
 * brought back — they catch up from their peers by gossip, the writer recovers every acknowledged
 * commit and writes resume; bytes flipped in one node's LMDB file — the scrub repairs them. The
 * longer variants (zones, writer recovery after a zone loss, replacement, partitions) are in
 * conformance/storage.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CLI,
  ProcessCluster,
  WriteLoad,
  connect,
  converged,
  ids,
  until,
} from './testing/processes.js';

const root = mkdtempSync(join(tmpdir(), 'borealis-processes-'));
const cluster = new ProcessCluster({
  root,
  secret: 'process-test-secret',
  nodes: Array.from({ length: 6 }, () => ({ zone: '' })),
});
afterAll(async () => {
  await cluster.stop();
  rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!existsSync(CLI))('storage nodes as processes (dist/server/cli.js)', () => {
  it('keeps every acknowledged commit through node kills, and repairs a flipped byte', async () => {
    await cluster.startNodes();
    const port = await cluster.startWriter(1_500);
    const admin = await connect(port);
    await admin.query('CREATE DATABASE p');
    await admin.query('CREATE TABLE p.t (id INT PRIMARY KEY, v VARCHAR(40))');
    const load = await WriteLoad.start(port, 'p.t');
    await until('first commits', () => load.acked.length >= 20);

    await Promise.all([cluster.killNode(0), cluster.killNode(1)]);
    const withTwoDown = load.acked.length;
    await until('commits with two nodes down', () => load.acked.length >= withTwoDown + 20);

    await cluster.killNode(2);
    await until('a clear error with three down', () => load.errors.some((e) => e.errno === 1180));
    const acked = load.acked.at(-1) ?? 0;
    const [row] = await admin.query<RowDataPacket[]>('SELECT v FROM p.t WHERE id = ?', [acked]);
    expect(row).toEqual([{ v: `row-${acked}` }]); // reads go on
    admin.destroy();

    // The writer dies too. The three nodes come back with no writer to catch them up: what they
    // missed can only come from their peers, by gossip.
    await cluster.killWriter();
    await load.stop();
    await cluster.startNodes([0, 1, 2]);
    await until('the returning nodes catch up by gossip', () =>
      converged(cluster, [0, 1, 2, 3, 4, 5]),
    );
    const port2 = await cluster.startWriter(1_500); // recovery
    const conn = await connect(port2);
    const present = await ids(conn, 'p.t');
    for (const id of load.acked) expect(present.has(id), `row ${id}`).toBe(true);
    const again = await WriteLoad.start(port2, 'p.t');
    const from = Math.max(...present) + 1000;
    await conn.query("INSERT INTO p.t VALUES (?, 'MARKER-flip-me-please')", [from]);
    await until('commits resume', () => again.acked.length >= 20);
    await again.stop();
    await until('all six in step', () => converged(cluster, [0, 1, 2, 3, 4, 5]));

    await cluster.killNode(3);
    expect(cluster.flipBytes(3, 'MARKER-flip-me-please')).toBeGreaterThan(0);
    await cluster.startNode(3);
    const scrub = await cluster.send(3, { kind: 'ScrubRequest' });
    expect(scrub).toMatchObject({ kind: 'ScrubReply' });
    if (scrub.kind !== 'ScrubReply') return;
    expect(scrub.corrupt).toBeGreaterThan(0);
    expect(scrub.repaired).toBe(scrub.corrupt);
    expect(await cluster.send(3, { kind: 'ScrubRequest' })).toMatchObject({ corrupt: 0 });
    const status = await cluster.status(3);
    expect(status.segments.reduce((n, s) => n + s.repairs, 0)).toBe(scrub.repaired);
    await conn.end();
  }, 60_000);
});
