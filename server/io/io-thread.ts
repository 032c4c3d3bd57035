/**
 * The socket I/O thread: it owns the listening socket and every client socket, so that the
 * system calls that move bytes (accept, read, write) run on the second core instead of the
 * engine's event loop. It is a byte pump with no MySQL in it: what a client sends goes to the
 * engine's thread through the inbound ring, what the engine writes comes back through the
 * outbound ring and goes to the socket (ring.ts, messages.ts; the engine's end is io-bridge.ts).
 *
 * Invariants:
 *   (IO1) A socket's bytes reach the other side in the order they were read or written, and its
 *         CLOSE is the last message about it: every message about one socket travels one ring,
 *         in order, behind the ones before it (RingSender keeps the order when the ring is full).
 *   (IO2) Input back-pressure: while the inbound ring has a backlog, every socket that added to
 *         it is paused, and resumed when the backlog is gone (unless the engine paused it).
 *   (IO3) Output back-pressure: ACK_REQUEST is answered with ACK once the socket's write
 *         buffer is empty (every byte sent before the request is in the kernel); the engine
 *         asks after each window of bytes and writes no more until the answer.
 *   (IO4) 'stop-accepting' closes the listening socket ('stopped' once it is closed); 'close'
 *         also destroys every socket, and the thread then has nothing left to run and exits.
 */
import { createServer, type Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import {
  Inbound,
  type IoThreadCommand,
  type IoThreadData,
  type IoThreadEvent,
  Outbound,
  type SocketInfo,
} from './messages.js';
import { Doorbell, RingConsumer, RingProducer, RingSender } from './ring.js';

interface Client {
  readonly socket: Socket;
  /** The engine asked for this socket to be paused (its PAUSE), apart from IO2's pauses. */
  pausedByEngine: boolean;
  /** An ACK_REQUEST waits for the socket's write buffer to empty (IO3). */
  ackWanted: boolean;
}

class IoThread {
  private readonly clients = new Map<number, Client>();
  private readonly backlogged = new Set<number>();
  private readonly inbound: RingSender;
  private readonly outbound: RingConsumer;
  private readonly engineBell: Doorbell;
  private readonly bell: Doorbell;
  private nextStream = 1;
  private closing = false;
  private accepting = true;
  private readonly server = createServer({ noDelay: true, keepAlive: true }, (socket) =>
    this.accept(socket),
  );

  constructor(
    data: IoThreadData,
    private readonly port: NonNullable<typeof parentPort>,
  ) {
    this.engineBell = new Doorbell(data.engineBell);
    this.bell = new Doorbell(data.ioBell);
    this.inbound = new RingSender(
      new RingProducer({ control: data.inboundControl, bytes: data.inboundBytes }),
      this.engineBell,
    );
    this.outbound = new RingConsumer({ control: data.outboundControl, bytes: data.outboundBytes });
    port.on('message', (message: IoThreadCommand) => {
      if (message.kind === 'stop-accepting') this.stopAccepting();
      else this.close();
    });
    this.server.on('error', (error: NodeJS.ErrnoException) =>
      this.post({ kind: 'listen-failed', code: error.code ?? null, message: error.message }),
    );
    this.server.listen(data.port, data.host, () => {
      const address = this.server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : data.port;
      this.post({ kind: 'listening', port: bound });
      void this.pump();
    });
  }

  private post(event: IoThreadEvent): void {
    this.port.postMessage(event);
  }

  private accept(socket: Socket): void {
    if (!this.accepting) {
      socket.destroy();
      return;
    }
    const stream = this.nextStream++;
    const client: Client = { socket, pausedByEngine: false, ackWanted: false };
    this.clients.set(stream, client);
    const info: SocketInfo = {
      remoteAddress: socket.remoteAddress ?? null,
      remotePort: socket.remotePort ?? null,
    };
    this.toEngine(Inbound.OPEN, stream, Buffer.from(JSON.stringify(info)));
    let failure: string | null = null;
    socket.on('data', (chunk: Buffer) => this.toEngine(Inbound.DATA, stream, chunk));
    socket.on('end', () => this.toEngine(Inbound.END, stream, null));
    socket.on('error', (error) => {
      failure = error.message;
    });
    socket.on('drain', () => {
      if (!client.ackWanted) return;
      client.ackWanted = false;
      this.toEngine(Inbound.ACK, stream, null); // IO3
    });
    socket.on('close', () => {
      this.clients.delete(stream);
      this.backlogged.delete(stream);
      this.toEngine(Inbound.CLOSE, stream, failure === null ? null : Buffer.from(failure)); // IO1
    });
  }

  private toEngine(kind: number, stream: number, payload: Buffer | null): void {
    this.inbound.send(kind, stream, payload);
    if (this.inbound.backlog > 0 && !this.backlogged.has(stream)) {
      this.backlogged.add(stream); // IO2
      this.clients.get(stream)?.socket.pause();
    }
  }

  /** Serves the outbound ring until the thread closes. */
  private async pump(): Promise<void> {
    while (!this.closing) {
      this.outbound.drain((kind, stream, payload) => this.fromEngine(kind, stream, payload));
      if (this.outbound.takeRoomWanted()) this.engineBell.ring();
      if (this.backlogged.size > 0 && this.inbound.flush()) this.resumeBacklogged();
      if (this.outbound.hasMessages) {
        await nextTurn(); // let the sockets' own events run between drains
        continue;
      }
      await this.bell.sleep(() => this.outbound.hasMessages);
    }
  }

  private resumeBacklogged(): void {
    for (const stream of this.backlogged) {
      const client = this.clients.get(stream);
      if (client !== undefined && !client.pausedByEngine) client.socket.resume(); // IO2
    }
    this.backlogged.clear();
  }

  private fromEngine(kind: number, stream: number, payload: Buffer): void {
    const client = this.clients.get(stream);
    if (client === undefined) return; // closed meanwhile; its CLOSE is on its way
    const { socket } = client;
    switch (kind) {
      case Outbound.DATA:
        socket.write(payload);
        return;
      case Outbound.ACK_REQUEST:
        if (socket.writableLength === 0) this.toEngine(Inbound.ACK, stream, null); // IO3
        else client.ackWanted = true;
        return;
      case Outbound.END:
        socket.end();
        return;
      case Outbound.DESTROY:
        socket.destroy();
        return;
      case Outbound.PAUSE:
        client.pausedByEngine = true;
        socket.pause();
        return;
      case Outbound.RESUME:
        client.pausedByEngine = false;
        if (!this.backlogged.has(stream)) socket.resume();
        return;
      default:
        throw new Error(`io thread: unknown outbound message kind ${kind}`);
    }
  }

  /** IO4: connections go on; the listening socket is closed by the next turn. */
  private stopAccepting(): void {
    this.accepting = false;
    if (this.server.listening) this.server.close();
    setImmediate(() => this.post({ kind: 'stopped' }));
  }

  /** IO4. */
  private close(): void {
    this.closing = true;
    this.accepting = false;
    this.bell.ring();
    if (this.server.listening) this.server.close();
    for (const client of this.clients.values()) client.socket.destroy();
    this.port.close();
  }
}

function isIoThreadData(x: unknown): x is IoThreadData {
  if (typeof x !== 'object' || x === null) return false;
  return 'host' in x && typeof x.host === 'string' && 'port' in x && typeof x.port === 'number' &&
    'inboundBytes' in x && x.inboundBytes instanceof SharedArrayBuffer;
}

if (parentPort !== null && isIoThreadData(workerData)) new IoThread(workerData, parentPort);
