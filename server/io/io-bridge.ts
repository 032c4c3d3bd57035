/**
 * IoBridge: the engine thread's end of the socket I/O thread (io-thread.ts). It spawns the
 * thread, which listens and accepts, and turns each accepted socket into a RemoteSocket
 * (remote-socket.ts) handed to `onConnection`, as net.Server's connection listener would.
 *
 * The engine's thread reads the inbound ring whenever its doorbell rings (ring.ts R3), and
 * writes the outbound ring directly; neither side pays a wake-up while the other is busy.
 *
 *   starting ──'listening'──▶ running ──close()──▶ closed
 *   starting ──'listen-failed'──▶ (start() rejects with the listen error's code and message)
 *   any ──the thread exits or fails──▶ dead (every socket is closed)
 *
 * Invariants:
 *   (B1) Every inbound message of a live socket reaches its RemoteSocket in ring order (IO1).
 *   (B2) When the thread is dead or closed, every RemoteSocket is closed, so no connection waits
 *        forever on bytes that will not come.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import {
  Inbound,
  type IoThreadData,
  type IoThreadEvent,
  isIoThreadEvent,
  Outbound,
  type SocketInfo,
} from './messages.js';
import { RemoteSocket, type SocketPort } from './remote-socket.js';
import { threadScript } from '../thread-script.js';
import {
  createRingMemory,
  Doorbell,
  RingConsumer,
  RingProducer,
  RingSender,
} from './ring.js';

/** Bytes in each ring: room for a few large results in flight. */
const RING_BYTES = 4 * 1024 * 1024;

/** The error of a failed listen, with its errno code (EADDRINUSE …) as net.Server gives it. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export class IoBridge implements SocketPort {
  readonly port: number;
  private readonly sockets = new Map<number, RemoteSocket>();
  private state: 'running' | 'closed' | 'dead' = 'running';
  private readonly closed: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    bound: number,
    private readonly inbound: RingConsumer,
    private readonly outbound: RingSender,
    private readonly bell: Doorbell,
    private readonly ioBell: Doorbell,
    private readonly onConnection: (socket: RemoteSocket) => void,
    private readonly log: Logger,
  ) {
    this.port = bound;
    this.closed = new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
    });
    worker.on('error', (error) => this.die(error));
    worker.on('exit', (code) => this.die(new Error(`the I/O thread exited with ${code}`)));
    void this.pump();
  }

  /** Spawns the thread and waits until it listens on `host`:`port` (0: the system picks one). */
  static async start(
    host: string,
    port: number,
    onConnection: (socket: RemoteSocket) => void,
    log: Logger,
  ): Promise<IoBridge> {
    const inbound = createRingMemory(RING_BYTES);
    const outbound = createRingMemory(RING_BYTES);
    const bell = Doorbell.create();
    const ioBell = Doorbell.create();
    const data: IoThreadData = {
      host,
      port,
      inboundControl: inbound.control,
      inboundBytes: inbound.bytes,
      outboundControl: outbound.control,
      outboundBytes: outbound.bytes,
      engineBell: bell.memory,
      ioBell: ioBell.memory,
    };
    const worker = new Worker(threadScript('io/io-thread'), { workerData: data });
    const event = await new Promise<IoThreadEvent>((resolve, reject) => {
      const onExit = (code: number): void => fail(new Error(`the I/O thread exited with ${code}`));
      const settle = (): void => {
        worker.off('error', fail);
        worker.off('exit', onExit);
        worker.off('message', onMessage);
      };
      const fail = (error: Error): void => {
        settle();
        reject(error);
      };
      const onMessage = (message: unknown): void => {
        settle();
        if (isIoThreadEvent(message)) resolve(message);
        else reject(new Error('the I/O thread sent an unknown message'));
      };
      worker.on('error', fail);
      worker.on('exit', onExit);
      worker.on('message', onMessage);
    });
    if (event.kind !== 'listening') {
      await worker.terminate();
      const failure = event.kind === 'listen-failed' ? event : { code: null, message: 'closed' };
      throw new ListenError(failure.message, failure.code ?? undefined);
    }
    return new IoBridge(worker, event.port, new RingConsumer(inbound),
      new RingSender(new RingProducer(outbound), ioBell), bell, ioBell, onConnection,
      log.child({ component: 'io-bridge' }));
  }

  /** Reads the inbound ring whenever the I/O thread rings, until the bridge closes. */
  private async pump(): Promise<void> {
    const dispatch = (kind: number, stream: number, payload: Buffer): void =>
      this.dispatch(kind, stream, payload);
    while (this.state === 'running') {
      this.inbound.drain(dispatch);
      if (this.inbound.takeRoomWanted()) this.ioBell.ring();
      if (this.outbound.backlog > 0) this.outbound.flush();
      if (this.inbound.hasMessages) {
        await nextTurn(); // timers, storage replies and sessions run between drains
        continue;
      }
      await this.bell.sleep(() => this.inbound.hasMessages);
    }
  }

  private dispatch(kind: number, stream: number, payload: Buffer): void {
    if (kind === Inbound.OPEN) {
      const info = JSON.parse(payload.toString('utf8')) as SocketInfo;
      const socket = new RemoteSocket(this, stream, info);
      this.sockets.set(stream, socket);
      this.onConnection(socket);
      return;
    }
    const socket = this.sockets.get(stream);
    if (socket === undefined) return;
    switch (kind) {
      case Inbound.DATA:
        socket.received(payload);
        return;
      case Inbound.END:
        socket.receivedEnd();
        return;
      case Inbound.CLOSE:
        this.sockets.delete(stream);
        socket.receivedClose(payload.length === 0 ? null : payload.toString('utf8'));
        return;
      case Inbound.ACK:
        socket.receivedAck();
        return;
      default:
        this.log.error({ kind }, 'unknown inbound message kind');
    }
  }

  write(stream: number, bytes: Buffer, done: () => void): void {
    this.outbound.send(Outbound.DATA, stream, bytes, done);
  }

  end(stream: number): void {
    this.outbound.send(Outbound.END, stream, null);
  }

  destroy(stream: number): void {
    this.outbound.send(Outbound.DESTROY, stream, null);
  }

  pause(stream: number): void {
    this.outbound.send(Outbound.PAUSE, stream, null);
  }

  resume(stream: number): void {
    this.outbound.send(Outbound.RESUME, stream, null);
  }

  requestAck(stream: number): void {
    this.outbound.send(Outbound.ACK_REQUEST, stream, null);
  }

  /** Closes the listening socket; resolves once it is closed (IO4). */
  stopAccepting(): Promise<void> {
    if (this.state !== 'running') return Promise.resolve();
    return new Promise<void>((resolve) => {
      const settle = (): void => {
        this.worker.off('message', onMessage);
        this.worker.off('exit', settle);
        resolve();
      };
      const onMessage = (message: unknown): void => {
        if (isIoThreadEvent(message) && message.kind === 'stopped') settle();
      };
      this.worker.on('message', onMessage);
      this.worker.on('exit', settle);
      this.worker.postMessage({ kind: 'stop-accepting' });
    });
  }

  /** Closes every socket and ends the thread (IO4). */
  async close(): Promise<void> {
    if (this.state === 'running') {
      this.state = 'closed';
      this.bell.ring();
      this.worker.postMessage({ kind: 'close' });
      this.closeAll();
      const timer = setTimeout(() => void this.worker.terminate(), 2_000);
      await this.closed;
      clearTimeout(timer);
    }
    await this.closed;
  }

  /** B2. */
  private die(error: unknown): void {
    if (this.state !== 'running') return;
    this.state = 'dead';
    this.log.error({ err: error }, 'the I/O thread died');
    this.closeAll();
  }

  private closeAll(): void {
    const sockets = [...this.sockets.values()];
    this.sockets.clear();
    for (const socket of sockets) socket.receivedClose('the server closed the connection');
  }
}
