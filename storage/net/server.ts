/**
 * The storage node's TCP server: accepts connections from writers, peers and operators, runs the
 * handshake (frame.ts), and hands each authenticated request to the node (a MessageHandler),
 * writing its reply back under the request's id.
 *
 * Per connection:
 *
 *     hello ──hello frame verified──▶ ready ──bad frame, close──▶ closed
 *     hello ──timeout or bad hello──▶ closed
 *
 * Invariants:
 *   (V1) no request is handled before the client proved it holds the cluster secret (A1); a
 *        connection that fails any check is closed without a word.
 *   (V2) at most SERVER_IN_FLIGHT_REQUESTS_MAX requests of a connection are being handled at
 *        once: past that the socket is paused (TCP back-pressure reaches the sender).
 *   (V3) every request handled gets one answer frame: its reply, or a failure frame with the
 *        StorageError kind (a node that is stopping, for instance).
 */
import { randomBytes } from 'node:crypto';
import { type Server, type Socket, createServer } from 'node:net';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import {
  HANDSHAKE_TIMEOUT_MS,
  SERVER_CONNECTIONS_MAX,
  SERVER_IN_FLIGHT_REQUESTS_MAX,
} from '../config.js';
import { StorageError } from '../errors.js';
import type { MessageHandler } from '../transport.js';
import { decodeMessage, encodeMessage, isRequest } from './codec.js';
import {
  FRAME_TYPE,
  FrameReader,
  NONCE_SIZE,
  type RawFrame,
  type SessionKeys,
  encodeFailure,
  encodeFrame,
  frameIsAuthentic,
  helloKey,
  sessionKeys,
} from './frame.js';

export interface StorageServerOptions {
  readonly handler: MessageHandler;
  readonly secret: string;
  readonly host: string;
  readonly port: number;
  readonly clock: Clock;
  readonly log: Logger;
}

export class StorageServer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private connectionCount = 0;
  private readonly log: Logger;

  constructor(private readonly options: StorageServerOptions) {
    this.log = options.log.child({ component: 'storage-server' });
  }

  /** Starts listening; resolves with the port bound. */
  listen(): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    server.maxConnections = SERVER_CONNECTIONS_MAX;
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        const address = server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server === undefined) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const id = ++this.connectionCount;
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    const log = this.log.child({ conn: id, peer });
    const connection = new ServerConnection(socket, this.options, log);
    socket.on('close', () => {
      this.sockets.delete(socket);
      connection.closed();
    });
  }
}

class ServerConnection {
  private readonly reader = new FrameReader();
  private keys: SessionKeys | undefined;
  private receiveSequence = 0;
  private sendSequence = 0;
  private handling = 0;
  private paused = false;
  private open = true;
  private readonly handshakeTimer: { cancel(): void };

  constructor(
    private readonly socket: Socket,
    private readonly options: StorageServerOptions,
    private readonly log: Logger,
  ) {
    this.handshakeTimer = options.clock.setTimer(
      () => this.reject('no handshake in time'),
      HANDSHAKE_TIMEOUT_MS,
    );
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.log.debug({ err: error }, 'storage connection error'));
  }

  closed(): void {
    this.open = false;
    this.handshakeTimer.cancel();
  }

  private onData(chunk: Buffer): void {
    if (!this.open) return;
    this.reader.push(chunk);
    try {
      for (let frame = this.reader.next(); frame !== undefined; frame = this.reader.next()) {
        if (this.keys === undefined) this.onHello(frame);
        else this.onRequest(frame, this.keys);
        if (!this.open) return;
      }
    } catch (error) {
      this.reject(error instanceof Error ? error.message : String(error));
    }
  }

  /** V1: closes the connection without an answer. */
  private reject(why: string): void {
    if (!this.open) return;
    this.open = false;
    this.handshakeTimer.cancel();
    this.log.warn({ why }, 'storage connection refused');
    this.socket.destroy();
  }

  private onHello(frame: RawFrame): void {
    const ok =
      frame.type === FRAME_TYPE.hello &&
      frame.sequence === 0 &&
      frame.payload.length === NONCE_SIZE &&
      frameIsAuthentic(frame, helloKey(this.options.secret));
    if (!ok) throw new Error('bad hello: wrong cluster secret or not a Borealis peer');
    const serverNonce = randomBytes(NONCE_SIZE);
    this.keys = sessionKeys(this.options.secret, frame.payload, serverNonce);
    this.handshakeTimer.cancel();
    const welcome = { type: FRAME_TYPE.welcome, sequence: 0, requestId: 0, payload: serverNonce };
    this.socket.write(encodeFrame(welcome, this.keys.serverToClient));
  }

  private onRequest(frame: RawFrame, keys: SessionKeys): void {
    const expected = this.receiveSequence + 1;
    if (frame.type !== FRAME_TYPE.request || frame.sequence !== expected) {
      throw new Error('frame out of sequence (A2)');
    }
    if (!frameIsAuthentic(frame, keys.clientToServer)) throw new Error('frame failed its MAC (A1)');
    this.receiveSequence = expected;
    const message = decodeMessage(frame.payload);
    if (!isRequest(message)) throw new Error(`a ${message.kind} where a request belongs`);
    this.handling++;
    if (this.handling >= SERVER_IN_FLIGHT_REQUESTS_MAX && !this.paused) {
      this.paused = true;
      this.socket.pause(); // V2
    }
    let answer: Promise<Buffer>;
    try {
      answer = this.options.handler.handle(message).then(encodeMessage);
    } catch (error) {
      answer = Promise.reject(error);
    }
    answer.then(
      (payload) => this.answer(FRAME_TYPE.reply, frame.requestId, payload),
      (error: unknown) => this.answer(FRAME_TYPE.failure, frame.requestId, failureOf(error)),
    );
  }

  /** V3. */
  private answer(type: 4 | 5, requestId: number, payload: Buffer): void {
    this.handling--;
    if (this.paused && this.handling < SERVER_IN_FLIGHT_REQUESTS_MAX / 2) {
      this.paused = false;
      this.socket.resume();
    }
    const keys = this.keys;
    if (!this.open || keys === undefined) return;
    this.sendSequence++;
    const frame = { type, sequence: this.sendSequence, requestId, payload };
    this.socket.write(encodeFrame(frame, keys.serverToClient));
  }
}

/**
 * A StorageError becomes a failure frame; anything else is a bug (a broken invariant) and crashes
 * the process, as an assertion in storage state must (STYLE: two kinds of failure).
 */
function failureOf(error: unknown): Buffer {
  if (error instanceof StorageError) return encodeFailure(error);
  process.nextTick(() => {
    throw error;
  });
  const message = error instanceof Error ? error.message : String(error);
  return encodeFailure(new StorageError('unavailable', message));
}
