/**
 * TcpNetwork: the Network (transport.ts) over TCP, to storage nodes at "host:port" addresses.
 * The writer reaches its slots through it (SlotTransport), and nodes reach their peers.
 *
 * One connection per address, opened on first use, authenticated (frame.ts handshake), reopened
 * after a failure on the next send once a backoff has passed. Requests are framed, MAC'ed and
 * written in order (T2); replies are matched by request id, so a slow request does not hold up
 * the others.
 *
 * Connection states:
 *
 *     idle ──send──▶ connecting ──welcome verified──▶ ready ──error, close, bad frame──▶ idle
 *     connecting ──error, timeout──▶ idle (backoff: sends until it passes fail at once)
 *
 * Invariants:
 *   (W1) every request settles: with its reply, with a failure the node sent, or with
 *        StorageError('unavailable') when the connection is lost before the reply (T1) — a
 *        request is never resent by this layer (the client decides what to retry).
 *   (W2) unanswered request bytes on a connection stay at or below
 *        CONNECTION_IN_FLIGHT_BYTES_MAX; more wait in a queue bounded by
 *        CONNECTION_QUEUE_BYTES_MAX, past which a send fails at once.
 *   (W3) nothing is sent before the server has proved it holds the cluster secret (welcome).
 */
import { randomBytes } from 'node:crypto';
import { type Socket, connect } from 'node:net';
import type { Logger } from 'pino';
import type { Clock, Timer } from '../clock.js';
import {
  CONNECTION_IN_FLIGHT_BYTES_MAX,
  CONNECTION_QUEUE_BYTES_MAX,
  HANDSHAKE_TIMEOUT_MS,
  RECONNECT_BACKOFF_MAX_MS,
  RECONNECT_BACKOFF_MIN_MS,
} from '../config.js';
import { StorageError } from '../errors.js';
import type { StorageReply, StorageRequest } from '../messages.js';
import type { Network } from '../transport.js';
import { decodeMessage, encodeMessage, isRequest } from './codec.js';
import {
  FRAME_TYPE,
  FrameReader,
  NONCE_SIZE,
  type RawFrame,
  type SessionKeys,
  decodeFailure,
  encodeFrame,
  frameIsAuthentic,
  helloKey,
  sessionKeys,
} from './frame.js';

export interface TcpNetworkOptions {
  readonly secret: string;
  readonly clock: Clock;
  readonly log: Logger;
}

export class TcpNetwork implements Network {
  private readonly connections = new Map<string, Connection>();
  private closed = false;

  constructor(private readonly options: TcpNetworkOptions) {}

  send(address: string, request: StorageRequest): Promise<StorageReply> {
    if (this.closed) return Promise.reject(new StorageError('closed', 'the network is closed'));
    let connection = this.connections.get(address);
    if (connection === undefined) {
      connection = new Connection(address, this.options);
      this.connections.set(address, connection);
    }
    return connection.send(request);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.connections.values()) c.close();
    this.connections.clear();
  }
}

interface Pending {
  readonly payload: Buffer;
  readonly resolve: (reply: StorageReply) => void;
  readonly reject: (error: unknown) => void;
}

type ConnectionState = 'idle' | 'connecting' | 'ready' | 'closed';

export function parseAddress(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  const port = Number(address.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65_535) {
    throw new StorageError('misconfigured', `storage node address '${address}' is not host:port`);
  }
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return { host, port };
}

class Connection {
  private state: ConnectionState = 'idle';
  private socket: Socket | undefined;
  private reader = new FrameReader();
  private keys: SessionKeys | undefined;
  private clientNonce = Buffer.alloc(0);
  private sendSequence = 0;
  private receiveSequence = 0;
  private nextId = 1;
  private readonly inFlight = new Map<number, Pending>();
  private inFlightBytes = 0;
  private queue: Pending[] = [];
  private queueBytes = 0;
  private backoffMs = RECONNECT_BACKOFF_MIN_MS;
  private retryAt = 0;
  private handshakeTimer: Timer | undefined;
  private readonly log: Logger;

  constructor(
    private readonly address: string,
    private readonly options: TcpNetworkOptions,
  ) {
    this.log = options.log.child({ component: 'storage-connection', address });
  }

  send(request: StorageRequest): Promise<StorageReply> {
    if (this.state === 'closed') return Promise.reject(this.unavailable('closed'));
    if (this.state === 'idle') {
      if (this.options.clock.now() < this.retryAt) {
        return Promise.reject(this.unavailable('unreachable (retrying shortly)'));
      }
      this.connect();
    }
    const payload = encodeMessage(request);
    if (this.queueBytes + payload.length > CONNECTION_QUEUE_BYTES_MAX) {
      return Promise.reject(this.unavailable('too many requests queued'));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ payload, resolve, reject });
      this.queueBytes += payload.length;
      this.pump();
    });
  }

  private unavailable(why: string): StorageError {
    return new StorageError('unavailable', `storage node ${this.address}: ${why}`);
  }

  private connect(): void {
    const { host, port } = parseAddress(this.address);
    this.state = 'connecting';
    this.reader = new FrameReader();
    this.keys = undefined;
    this.sendSequence = 0;
    this.receiveSequence = 0;
    const socket = connect({ host, port });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 10_000);
    this.handshakeTimer = this.options.clock.setTimer(
      () => this.fail(socket, this.unavailable('no handshake in time')),
      HANDSHAKE_TIMEOUT_MS,
    );
    socket.on('connect', () => {
      this.clientNonce = randomBytes(NONCE_SIZE);
      const payload = this.clientNonce;
      const hello = { type: FRAME_TYPE.hello, sequence: 0, requestId: 0, payload };
      socket.write(encodeFrame(hello, helloKey(this.options.secret)));
    });
    socket.on('data', (chunk: Buffer) => this.onData(socket, chunk));
    socket.on('error', (error) => this.fail(socket, this.unavailable(error.message)));
    socket.on('close', () => this.fail(socket, this.unavailable('connection closed')));
  }

  private onData(socket: Socket, chunk: Buffer): void {
    if (socket !== this.socket) return;
    this.reader.push(chunk);
    try {
      for (let frame = this.reader.next(); frame !== undefined; frame = this.reader.next()) {
        this.onFrame(frame);
        if (socket !== this.socket) return;
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log.warn({ err: error }, 'bad frame from storage node; closing the connection');
      this.fail(socket, new StorageError('unauthenticated', `${this.address}: ${message}`));
    }
  }

  private onFrame(frame: RawFrame): void {
    if (this.keys === undefined) return this.onWelcome(frame);
    const expected = this.receiveSequence + 1;
    if (!frameIsAuthentic(frame, this.keys.serverToClient) || frame.sequence !== expected) {
      throw new Error('frame failed its MAC or sequence check (A1, A2)');
    }
    this.receiveSequence = expected;
    const pending = this.inFlight.get(frame.requestId);
    if (pending === undefined) throw new Error(`reply to unknown request ${frame.requestId}`);
    this.inFlight.delete(frame.requestId);
    this.inFlightBytes -= pending.payload.length;
    if (frame.type === FRAME_TYPE.failure) {
      pending.reject(decodeFailure(frame.payload));
    } else if (frame.type === FRAME_TYPE.reply) {
      const message = decodeMessage(frame.payload);
      if (isRequest(message)) throw new Error(`a ${message.kind} where a reply belongs`);
      pending.resolve(message);
    } else {
      throw new Error(`frame type ${frame.type} after the handshake`);
    }
    this.pump();
  }

  /** W3: the server's welcome proves it holds the secret; then the session keys are set. */
  private onWelcome(frame: RawFrame): void {
    if (frame.type !== FRAME_TYPE.welcome || frame.payload.length !== NONCE_SIZE) {
      throw new Error('expected a welcome');
    }
    const keys = sessionKeys(this.options.secret, this.clientNonce, frame.payload);
    if (!frameIsAuthentic(frame, keys.serverToClient) || frame.sequence !== 0) {
      throw new Error('the storage node failed the cluster-secret check');
    }
    this.keys = keys;
    this.handshakeTimer?.cancel();
    this.state = 'ready';
    this.backoffMs = RECONNECT_BACKOFF_MIN_MS;
    this.log.debug('connected');
    this.pump();
  }

  /** W2: writes queued requests while the in-flight bound allows. */
  private pump(): void {
    const socket = this.socket;
    const keys = this.keys;
    if (this.state !== 'ready' || socket === undefined || keys === undefined) return;
    while (this.queue.length > 0) {
      const next = this.queue[0];
      if (next === undefined) break;
      const fits = this.inFlightBytes + next.payload.length <= CONNECTION_IN_FLIGHT_BYTES_MAX;
      if (!fits && this.inFlight.size > 0) break;
      this.queue.shift();
      this.queueBytes -= next.payload.length;
      const requestId = this.nextId;
      this.nextId = this.nextId >= 0xffff_ffff ? 1 : this.nextId + 1;
      this.inFlight.set(requestId, next);
      this.inFlightBytes += next.payload.length;
      this.sendSequence++;
      const frame = { type: FRAME_TYPE.request, sequence: this.sendSequence, requestId };
      socket.write(encodeFrame({ ...frame, payload: next.payload }, keys.clientToServer));
    }
  }

  /** W1: the connection is gone; everything waiting on it fails, and a backoff starts. */
  private fail(socket: Socket, error: StorageError): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.handshakeTimer?.cancel();
    socket.destroy();
    const wasReady = this.state === 'ready';
    if (this.state !== 'closed') this.state = 'idle';
    if (!wasReady) {
      this.retryAt = this.options.clock.now() + this.backoffMs;
      this.backoffMs = Math.min(this.backoffMs * 2, RECONNECT_BACKOFF_MAX_MS);
    }
    const waiting = [...this.inFlight.values(), ...this.queue];
    this.inFlight.clear();
    this.inFlightBytes = 0;
    this.queue = [];
    this.queueBytes = 0;
    if (waiting.length > 0 || wasReady) {
      this.log.debug({ err: error, failed: waiting.length }, 'storage connection lost');
    }
    for (const p of waiting) p.reject(error);
  }

  close(): void {
    const socket = this.socket;
    this.state = 'closed';
    if (socket !== undefined) this.fail(socket, this.unavailable('closed'));
  }
}
