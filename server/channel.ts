/**
 * A client socket seen as packets: reads wait for a whole packet, writes go out in one buffer per
 * flush and wait for 'drain' when the socket is full, and the socket can switch to TLS after an
 * SSLRequest. With connection.ts, the only code that touches a net.Socket.
 *
 *   plain ──startTls()──▶ TLS        (once, during the handshake, right after the SSLRequest)
 *   any ──close()──▶ ending ──(peer closes, or LINGER_MS)──▶ destroyed
 *   any ──destroy()──▶ destroyed
 *   plain, between commands ──detach()──▶ detached (the socket's duplicate and unread bytes
 *                                         go to another thread's Channel: prime())
 *
 * Invariants:
 *   (N1) Input back-pressure: the socket is paused while more than READ_BUFFER_BYTES_MAX bytes
 *        wait to be parsed, and resumed by the next read that needs bytes.
 *   (N2) Bytes that arrived after the SSLRequest in the same read are handed to the TLS layer,
 *        not lost (the mysql CLI sends its TLS ClientHello right behind the SSLRequest).
 *   (N3) close() sends what is queued, then ends the socket but keeps reading (and discarding)
 *        until the peer closes or LINGER_MS pass: destroying a socket with unread input resets
 *        it, and the client would lose the last ERR (e.g. 1153 after an oversized packet).
 *   (N4) Timeouts run on the raw socket, so TLS records count as activity and a handshake
 *        stuck inside TLS still times out. One timer at a time: the handshake's connect_timeout
 *        (set by the connection), or the one a read or write arms for itself:
 *          waiting for a command          wait_timeout → 'idle'
 *          inside a packet, or waiting    NET_READ_TIMEOUT_MS → ER_NET_READ_INTERRUPTED
 *          for a packet an exchange owes
 *          a write the client does not    NET_WRITE_TIMEOUT_MS → the socket is destroyed
 *          drain
 *        The wait for a command is the one every command has, so it keeps a timer of its own
 *        between commands (issue 8: arming and clearing the socket's timer for each command
 *        cost ~2% of a point select): a wait sets a deadline, and the timer, when it fires
 *        before the deadline (set by a later wait) or with no wait pending, only re-arms or
 *        stops. It reacts to commands alone, not to TLS records: an idle client sends none.
 *   (N5) detach() hands over every byte the client sent: what was parsed into nothing yet and
 *        what the socket had read ahead go with the duplicate descriptor, in order, and the
 *        rest is still in the kernel, where the duplicate reads it. Nothing was left unwritten:
 *        the socket's own write queue was empty.
 */
import { Socket } from 'node:net';
import assert from 'node:assert/strict';
import { type SecureContext, TLSSocket } from 'node:tls';
import type { RemoteSocket } from './io/remote-socket.js';
import {
  NET_BUFFER_BYTES,
  NET_READ_TIMEOUT_MS,
  NET_WRITE_TIMEOUT_MS,
  READ_BUFFER_BYTES_MAX,
} from './config.js';
import { ProtocolError } from './protocol/errors.js';
import { type Packet, PacketReader, PacketWriter } from './protocol/framing.js';

/** How long a closed connection waits for its peer to close before it is destroyed (N3). */
const LINGER_MS = 5_000;

export interface ChannelLimits {
  readonly maxAllowedPacket: number;
  readonly netReadTimeoutMs: number;
  readonly netWriteTimeoutMs: number;
}

export const DEFAULT_NET_TIMEOUTS = {
  netReadTimeoutMs: NET_READ_TIMEOUT_MS,
  netWriteTimeoutMs: NET_WRITE_TIMEOUT_MS,
} as const;

/** The socket went away while we were reading or writing. */
export class ClientGone extends Error {
  override readonly name = 'ClientGone';
}

/** A client's socket: a net.Socket, or one the socket I/O thread owns (io/remote-socket.ts). */
export type ClientSocket = Socket | RemoteSocket;

export class Channel {
  readonly #raw: ClientSocket;
  #stream: ClientSocket;
  readonly #reader: PacketReader;
  readonly #writer = new PacketWriter();
  #wake: (() => void) | null = null;
  #ended = false;
  /** The timer a read armed for itself has fired. */
  #expired = false;
  /** What the raw socket's one 'timeout' listener calls (socket.setTimeout adds listeners). */
  #onTimeout: (() => void) | null = null;
  /** The connection's own timer (connect_timeout) is armed: reads and writes leave it be. */
  #external = false;
  /** The raw socket's timer is armed (#arm). */
  #armed = false;
  /** N4: when the pending command wait expires (performance.now()); Infinity: none pending. */
  #idleDeadline = Infinity;
  /** N4: the command wait's timer, and when it fires; kept between commands. */
  #idleTimer: NodeJS.Timeout | undefined;
  #idleFiresAt = 0;

  readonly #onData = (chunk: Buffer): void => {
    this.#reader.push(chunk);
    if (this.#wake === null && this.#reader.bufferedBytes > READ_BUFFER_BYTES_MAX) {
      this.#stream.pause(); // N1
    }
    this.#notify();
  };

  readonly #onEnd = (): void => {
    this.#ended = true;
    this.#stopIdleTimer();
    this.#notify();
  };

  constructor(
    socket: ClientSocket,
    readonly limits: ChannelLimits,
  ) {
    this.#raw = socket;
    this.#stream = socket;
    this.#reader = new PacketReader(limits.maxAllowedPacket);
    this.#attach(socket);
    socket.on('timeout', () => this.#onTimeout?.());
  }

  /** The sequence id the next packet sent will carry. */
  get nextSequenceId(): number {
    return this.#writer.sequenceId;
  }

  set nextSequenceId(id: number) {
    this.#writer.sequenceId = id & 0xff;
  }

  get secure(): boolean {
    return this.#stream !== this.#raw;
  }

  /** The TLS protocol and cipher in use, for the log; null without TLS. */
  get tlsInfo(): { protocol: string | null; cipher: string } | null {
    if (!(this.#stream instanceof TLSSocket)) return null;
    return { protocol: this.#stream.getProtocol(), cipher: this.#stream.getCipher().name };
  }

  /**
   * The next packet of an exchange, whose first fragment must carry `sequenceId`; null once the
   * client left. The client owes it now: it must come within NET_READ_TIMEOUT_MS (N4).
   */
  async read(sequenceId: number): Promise<Packet | null> {
    const packet = await this.#next(sequenceId, 0);
    return packet === 'idle' ? null : packet;
  }

  /**
   * The next command (sequence id 0), or 'idle' when none came within `idleMs` (wait_timeout;
   * 0 waits forever), or null once the client left.
   */
  readCommand(idleMs: number): Promise<Packet | null | 'idle'> {
    return this.#next(0, Math.max(idleMs, 1));
  }

  /** The connection's own timer (connect_timeout): `onTimeout` after `ms` idle (N4). */
  setTimeout(ms: number, onTimeout: () => void): void {
    this.#external = true;
    this.#arm(ms, onTimeout);
  }

  clearTimeout(): void {
    this.#external = false;
    this.#disarm();
  }

  #arm(ms: number, onTimeout: () => void): void {
    this.#onTimeout = onTimeout;
    this.#armed = true;
    this.#raw.setTimeout(ms);
  }

  #disarm(): void {
    this.#onTimeout = null;
    if (!this.#armed) return;
    this.#armed = false;
    this.#raw.setTimeout(0);
  }

  /** N4: the command wait expires `ms` from now; the timer is set only if it would fire late. */
  #armIdle(ms: number): void {
    const now = performance.now();
    this.#idleDeadline = now + ms;
    if (this.#idleTimer !== undefined && this.#idleFiresAt <= this.#idleDeadline) return;
    this.#startIdleTimer(ms, now);
  }

  #startIdleTimer(ms: number, now: number): void {
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#idleFiresAt = now + ms;
    this.#idleTimer = setTimeout(this.#onIdleTimer, ms).unref();
  }

  readonly #onIdleTimer = (): void => {
    this.#idleTimer = undefined;
    if (this.#idleDeadline === Infinity) return; // no wait pending: the timer stops
    const now = performance.now();
    // Timers count whole milliseconds of the loop's clock: within one, the wait is over.
    if (now >= this.#idleDeadline - 1) {
      this.#idleDeadline = Infinity;
      this.#expired = true;
      this.#notify();
    } else {
      this.#startIdleTimer(this.#idleDeadline - now, now);
    }
  };

  /** N4: no command wait any more (the channel closes or moves). */
  #stopIdleTimer(): void {
    this.#idleDeadline = Infinity;
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }

  send(payload: Buffer): void {
    this.#writer.add(payload);
  }

  /** PacketWriter.reserve: a packet whose payload the caller writes into `packetBuffer`. */
  reserve(length: number): number {
    return this.#writer.reserve(length);
  }

  get packetBuffer(): Buffer {
    return this.#writer.buffer;
  }

  flushIfFull(): Promise<void> | undefined {
    return this.#writer.pendingBytes >= NET_BUFFER_BYTES ? this.flushNow() : undefined;
  }

  async flush(): Promise<void> {
    await this.flushNow();
  }

  /**
   * flush(), but undefined instead of a promise when the socket took every byte at once (issue
   * 8: the command loop flushes after every command); a closed socket is a rejected promise.
   */
  flushNow(): Promise<void> | undefined {
    if (this.#writer.pendingBytes === 0) return undefined;
    const bytes = this.#writer.take();
    const stream = this.#stream;
    if (stream.destroyed || !stream.writable) {
      return Promise.reject(new ClientGone('socket closed'));
    }
    if (stream.write(bytes)) return undefined;
    return this.#drain(stream);
  }

  async #drain(stream: ClientSocket): Promise<void> {
    const own = !this.#external;
    if (own) this.#arm(this.limits.netWriteTimeoutMs, () => this.#raw.destroy()); // N4
    try {
      await drained(stream);
    } finally {
      if (own) this.#disarm();
    }
  }

  /** Switches to TLS, as the server side, after the client's SSLRequest (N2). */
  async startTls(secureContext: SecureContext): Promise<void> {
    const raw = this.#raw;
    raw.off('data', this.#onData);
    raw.pause();
    const early = this.#reader.takeBuffered();
    if (early.length > 0) raw.unshift(early);
    const tls = new TLSSocket(raw, { isServer: true, secureContext });
    this.#stream = tls;
    await new Promise<void>((resolve, reject) => {
      const fail = (error?: Error): void => {
        tls.off('secure', ok);
        reject(new ClientGone(`TLS handshake failed: ${error?.message ?? 'socket closed'}`));
      };
      const ok = (): void => {
        tls.off('error', fail);
        tls.off('close', fail);
        resolve();
      };
      tls.once('secure', ok);
      tls.once('error', fail);
      tls.once('close', fail);
    });
    this.#attach(tls);
  }

  /**
   * Whether detach() can hand this connection over now: a plain socket of this thread (not
   * TLS, not the socket I/O thread's), nothing queued to write, nothing held in the socket's
   * own read buffer (it is paused, N1), no packet half read.
   */
  get detachable(): boolean {
    const raw = this.#raw;
    return (
      raw instanceof Socket &&
      this.#stream === raw &&
      !raw.destroyed &&
      !this.#ended &&
      raw.writableLength === 0 &&
      raw.readableLength === 0 &&
      this.#writer.pendingBytes === 0 &&
      !this.#reader.midPacket &&
      typeof socketFd(raw) === 'number'
    );
  }

  /**
   * N5: stops reading, and returns a duplicate of the socket's descriptor (`duplicate`) with
   * the bytes received but not yet read as packets; this thread's handle is then closed (the
   * connection lives on in the duplicate). Only when `detachable`.
   */
  detach(duplicate: (fd: number) => number): { fd: number; unread: Buffer } {
    assert(this.detachable, 'N5: detach only a detachable channel');
    const raw = this.#raw as Socket;
    const fd = duplicate(socketFd(raw) as number); // may throw: then nothing has changed
    const handle = (raw as unknown as { _handle: { readStop(): number; reading: boolean } })
      ._handle;
    raw.off('data', this.#onData);
    raw.pause();
    handle.reading = false;
    handle.readStop(); // N5: nothing more comes into this thread
    const unread = this.#reader.takeBuffered(); // N5: the socket holds none (readableLength)
    this.#disarm();
    this.#stopIdleTimer();
    raw.off('end', this.#onEnd);
    raw.off('close', this.#onEnd);
    raw.destroy();
    return { fd, unread };
  }

  /** N5: bytes the connection received on another thread before it moved here. */
  prime(unread: Buffer): void {
    this.#reader.push(unread);
  }

  /** Ends the connection gracefully (N3). */
  close(): void {
    const raw = this.#raw;
    this.#stopIdleTimer();
    if (raw.destroyed) return;
    this.#stream.off('data', this.#onData);
    this.#stream.on('data', () => undefined); // discard, so the peer is never reset (N3)
    this.#stream.resume();
    this.#external = true;
    this.#arm(LINGER_MS, () => raw.destroy());
    this.#stream.end();
  }

  destroy(): void {
    this.#stopIdleTimer();
    this.#raw.destroy();
  }

  #attach(stream: ClientSocket): void {
    stream.on('data', this.#onData);
    stream.on('end', this.#onEnd);
    stream.on('close', this.#onEnd);
    stream.on('error', this.#onEnd); // the reason surfaces as ClientGone or a null read
  }

  /**
   * The next packet; `idleMs` > 0: a command wait (wait_timeout), 0: an exchange's packet. The
   * read arms its own timer unless the connection's is armed (N4).
   */
  async #next(sequenceId: number, idleMs: number): Promise<Packet | null | 'idle'> {
    const own = !this.#external;
    this.#expired = false;
    try {
      for (;;) {
        const packet = this.#readBuffered(sequenceId);
        if (packet !== undefined) {
          this.#writer.sequenceId = packet.nextSequenceId;
          return packet;
        }
        if (this.#ended) return null;
        const waitingForCommand = idleMs > 0 && this.#reader.bufferedBytes === 0;
        if (this.#expired) {
          if (waitingForCommand) return 'idle';
          throw new ProtocolError('ER_NET_READ_INTERRUPTED', 'a packet did not come in time');
        }
        if (own && waitingForCommand) this.#armIdle(idleMs);
        else if (own) {
          this.#idleDeadline = Infinity;
          this.#arm(this.limits.netReadTimeoutMs, () => {
            this.#expired = true;
            this.#notify();
          });
        }
        if (this.#stream.isPaused()) this.#stream.resume();
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
      }
    } finally {
      if (own) {
        this.#idleDeadline = Infinity; // the timer stays for the next command wait (N4)
        this.#disarm();
      }
    }
  }

  #readBuffered(sequenceId: number): Packet | undefined {
    try {
      return this.#reader.read(sequenceId);
    } catch (error) {
      // An in-order packet that is refused (too large) is answered with the next id.
      if (error instanceof ProtocolError && error.sequenceId !== null) {
        this.#writer.sequenceId = (error.sequenceId + 1) & 0xff;
      }
      throw error;
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}

/** The descriptor of a net.Socket's handle, if it has one of its own. */
function socketFd(socket: Socket): number | undefined {
  const fd = (socket as unknown as { _handle: { fd?: number } | null })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

function drained(stream: ClientSocket): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onDrain = (): void => {
      stream.off('close', onClose);
      resolve();
    };
    const onClose = (): void => {
      stream.off('drain', onDrain);
      reject(new ClientGone('socket closed while writing'));
    };
    stream.once('drain', onDrain);
    stream.once('close', onClose);
  });
}
