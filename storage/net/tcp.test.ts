/**
 * Storage over real TCP sockets on 127.0.0.1, in this process: six storage node servers, the
 * writer's client through TcpNetwork, the handshake with the cluster secret, reconnects.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { StorageError } from '../errors.js';
import { PAGE_SIZE } from '../page.js';
import {
  type RunningStorageNode,
  createRemoteCluster,
  startStorageNodeServer,
} from '../remote.js';
import { TestWriter, cellInsert, leafInit, pageOf } from '../testing/records.js';
import { encodeMessage } from './codec.js';
import { FRAME_TYPE, encodeFrame, helloKey } from './frame.js';
import { TcpNetwork } from './tcp-network.js';

const log = pino({ level: process.env['LOG_LEVEL'] ?? 'silent' });
const SECRET = 'tcp-test-secret';

describe('storage over TCP', () => {
  let dir: string;
  let nodes: (RunningStorageNode | undefined)[] = [];
  const closers: (() => Promise<void>)[] = [];

  async function startNode(i: number, port = 0): Promise<RunningStorageNode> {
    const node = await startStorageNodeServer({
      dataDir: join(dir, `node-${i}`),
      host: '127.0.0.1',
      port,
      zone: '',
      clusterSecret: SECRET,
      log,
    });
    nodes[i] = node;
    return node;
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'borealis-tcp-'));
    nodes = [];
    for (let i = 0; i < 6; i++) await startNode(i);
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    for (const n of nodes) await n?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const addresses = (): string[] => nodes.map((n) => `127.0.0.1:${n?.port ?? 0}`);

  it('replicates, reads pages back, and reconnects to a restarted node', async () => {
    const cluster = createRemoteCluster({ addresses: addresses(), clusterSecret: SECRET, log });
    closers.push(() => cluster.close());
    const writer = new TestWriter(await cluster.client.open());
    const page = pageOf(0, 1);
    cluster.client.ship(writer.mtr([[page, leafInit()], [page, cellInsert(0, 'over tcp')]]));
    await cluster.client.waitDurable(writer.lastLsn);
    expect((await cluster.client.readPage(page, writer.lastLsn)).equals(writer.page(page))).toBe(
      true,
    );
    expect(await cluster.client.readPage(pageOf(0, 9), writer.lastLsn)).toEqual(
      Buffer.alloc(PAGE_SIZE),
    );

    const port = nodes[2]?.port ?? 0;
    await nodes[2]?.close();
    cluster.client.ship(writer.mtr([[page, cellInsert(1, 'one down')]]));
    await cluster.client.waitDurable(writer.lastLsn);
    await startNode(2, port);
    cluster.client.ship(writer.mtr([[page, cellInsert(2, 'back')]]));
    await cluster.client.waitDurable(writer.lastLsn);
    const rows = await cluster.client.segmentStatus();
    const deadline = performance.now() + 5_000;
    let restarted = rows.find((r) => r.slot === 2 && r.group === 0);
    while (restarted?.scl !== writer.lastLsn && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      restarted = (await cluster.client.segmentStatus()).find((r) => r.slot === 2);
    }
    expect(restarted).toMatchObject({ reachable: true, scl: writer.lastLsn, lagLsn: 0 });
  });

  it('refuses a client with the wrong cluster secret, and garbage', async () => {
    const stranger = new TcpNetwork({ secret: 'not the secret', clock: systemClock, log });
    closers.push(() => stranger.close());
    const error = await stranger
      .send(addresses()[0] ?? '', { kind: 'ListGroupsRequest' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).kind).toMatch(/unavailable|unauthenticated/);

    // A forged request without a handshake, and a replayed hello, get no answer: the node
    // closes the connection.
    const answered = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: nodes[0]?.port ?? 0 });
      let got = false;
      socket.on('connect', () => {
        const hello = encodeFrame(
          { type: FRAME_TYPE.hello, sequence: 0, requestId: 0, payload: Buffer.alloc(32) },
          helloKey(SECRET),
        );
        const forged = encodeFrame(
          {
            type: FRAME_TYPE.request,
            sequence: 1,
            requestId: 1,
            payload: encodeMessage({ kind: 'ListGroupsRequest' }),
          },
          helloKey(SECRET), // not the session key: a replayer cannot know it
        );
        socket.write(Buffer.concat([hello, forged]));
      });
      socket.on('data', (d: Buffer) => {
        // The welcome (type 2) may arrive; a reply (type 4) must not.
        if (d.length > 5 && d[5] === FRAME_TYPE.reply) got = true;
      });
      socket.on('close', () => resolve(got));
      socket.on('error', () => undefined);
    });
    expect(answered).toBe(false);
  });
});
