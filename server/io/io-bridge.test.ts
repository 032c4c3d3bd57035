import { randomBytes } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLog } from '../testing/harness.js';
import { IoBridge, ListenError } from './io-bridge.js';
import type { RemoteSocket } from './remote-socket.js';

const bridges: IoBridge[] = [];
const clients: Socket[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const bridge of bridges.splice(0)) await bridge.close();
});

async function startBridge(onConnection: (socket: RemoteSocket) => void): Promise<IoBridge> {
  const bridge = await IoBridge.start('127.0.0.1', 0, onConnection, silentLog);
  bridges.push(bridge);
  return bridge;
}

function dial(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
    clients.push(socket);
  });
}

function closed(socket: Socket | RemoteSocket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once('close', () => resolve());
  });
}

describe('IoBridge', () => {
  it('reports a port in use as the listen error net.Server gives', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const address = taken.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const failure = await IoBridge.start('127.0.0.1', port, () => undefined, silentLog).then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(ListenError);
      expect((failure as ListenError).code).toBe('EADDRINUSE');
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('hands over accepted sockets with their peer, and echoes 4 MiB intact, in order', async () => {
    const accepted: RemoteSocket[] = [];
    const bridge = await startBridge((socket) => {
      accepted.push(socket);
      socket.on('data', (chunk: Buffer) => socket.write(chunk));
    });
    const client = await dial(bridge.port);
    const sent = randomBytes(4 * 1024 * 1024);
    const received: Buffer[] = [];
    let length = 0;
    const echoed = new Promise<void>((resolve) => {
      client.on('data', (chunk: Buffer) => {
        received.push(chunk);
        length += chunk.length;
        if (length >= sent.length) resolve();
      });
    });
    for (let at = 0; at < sent.length; at += 100_000) client.write(sent.subarray(at, at + 100_000));
    await echoed;
    expect(Buffer.concat(received).equals(sent)).toBe(true);
    expect(accepted).toHaveLength(1);
    expect(accepted[0]?.remoteAddress).toBe('127.0.0.1');
    expect(accepted[0]?.remotePort).toBe(client.localPort);
  });

  it('holds writes while the client does not read, and lets them through when it does', async () => {
    let server: RemoteSocket | null = null;
    const bridge = await startBridge((socket) => {
      server = socket;
    });
    const client = await dial(bridge.port);
    client.pause();
    while (server === null) await new Promise((resolve) => setTimeout(resolve, 5));
    const socket: RemoteSocket = server;
    const chunk = Buffer.alloc(256 * 1024, 7);
    let writes = 0;
    while (socket.write(chunk) && writes < 400) writes++;
    expect(writes).toBeLessThan(400); // write() said 'wait' before 100 MiB were queued (RS1)
    let total = 0;
    client.on('data', (data: Buffer) => {
      total += data.length;
    });
    client.resume();
    await new Promise<void>((resolve) => socket.once('drain', () => resolve()));
    await new Promise<void>((resolve) => socket.end(resolve));
    await closed(client);
    expect(total).toBe((writes + 1) * chunk.length);
  });

  it('passes the end of either side, and closes the other side', async () => {
    const accepted: RemoteSocket[] = [];
    const bridge = await startBridge((socket) => {
      accepted.push(socket);
      socket.on('data', () => undefined);
    });
    const first = await dial(bridge.port);
    first.end();
    while (accepted.length < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    await closed(accepted[0]!);
    const second = await dial(bridge.port);
    second.on('data', () => undefined);
    while (accepted.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    accepted[1]!.end(Buffer.from('bye'));
    await closed(second);
  });

  it('stops accepting, then closes every socket and ends its thread', async () => {
    const accepted: RemoteSocket[] = [];
    const bridge = await IoBridge.start('127.0.0.1', 0, (s) => accepted.push(s), silentLog);
    const client = await dial(bridge.port);
    while (accepted.length < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    await bridge.stopAccepting();
    await expect(dial(bridge.port)).rejects.toThrow(/ECONNREFUSED/);
    await bridge.close();
    await closed(client);
    await closed(accepted[0]!);
  });
});
