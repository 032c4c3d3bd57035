/**
 * RemoteSocket: on the engine's thread, a client socket that lives in the socket I/O thread
 * (io-thread.ts), as a Duplex stream with the parts of net.Socket the server uses (remoteAddress,
 * remotePort, setTimeout and its 'timeout' event). Channel (channel.ts) and TLS run on it as they
 * would on a net.Socket; the bytes travel through the bridge's rings (io-bridge.ts).
 *
 * Invariants:
 *   (RS1) Output back-pressure: at most UNACKED_BYTES_MAX bytes are written to the I/O thread
 *         that it has not confirmed are in the kernel. The write that reaches the bound sends
 *         ACK_REQUEST and its callback is held, so later writes queue in the stream and write()
 *         returns false (the Channel then waits for 'drain', under its write timeout); the ACK
 *         releases it. The bound needs no message while it is not reached: none per response.
 *   (RS2) Input back-pressure: when the stream's read buffer is full (push() returns false) the
 *         I/O thread is asked to PAUSE the socket, and to RESUME it when the stream reads again.
 *   (RS3) 'timeout' follows net.Socket: it is emitted once `setTimeout(ms)` has passed with no
 *         bytes read or written; setTimeout(0) disarms it.
 *   (RS4) The stream never emits 'error': a socket error ends it with 'close' (Channel treats
 *         both alike), and the error is kept in `failure` for the log.
 */
import { Duplex } from 'node:stream';
import type { SocketInfo } from './messages.js';

/** RS1: bytes written ahead of the I/O thread's confirmation (a few socket buffers' worth). */
export const UNACKED_BYTES_MAX = 1024 * 1024;

/** What a RemoteSocket needs from the bridge. */
export interface SocketPort {
  write(stream: number, bytes: Buffer, done: () => void): void;
  end(stream: number): void;
  destroy(stream: number): void;
  pause(stream: number): void;
  resume(stream: number): void;
  requestAck(stream: number): void;
}

export class RemoteSocket extends Duplex {
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  failure: string | null = null;
  #remotePaused = false;
  #remoteClosed = false;
  #unacked = 0;
  #held: (() => void) | null = null;
  #timeoutMs = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly port: SocketPort,
    readonly stream: number,
    info: SocketInfo,
  ) {
    super({ allowHalfOpen: false, autoDestroy: false, decodeStrings: true });
    this.remoteAddress = info.remoteAddress ?? undefined;
    this.remotePort = info.remotePort ?? undefined;
  }

  /** RS3. */
  setTimeout(ms: number, onTimeout?: () => void): this {
    if (onTimeout !== undefined) this.once('timeout', onTimeout);
    if (ms === this.#timeoutMs && this.#timer !== null) {
      this.#timer.refresh();
      return this;
    }
    this.#clearTimer();
    this.#timeoutMs = ms;
    if (ms > 0 && !this.destroyed) {
      this.#timer = setTimeout(() => this.emit('timeout'), ms);
      this.#timer.unref();
    }
    return this;
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #active(): void {
    this.#timer?.refresh();
  }

  /** Bytes the client sent (the bridge's DATA). */
  received(bytes: Buffer): void {
    this.#active();
    if (!this.push(bytes) && !this.#remotePaused) {
      this.#remotePaused = true;
      this.port.pause(this.stream); // RS2
    }
  }

  /** The client ended its side (END). */
  receivedEnd(): void {
    this.push(null);
  }

  /** The socket is gone in the I/O thread (CLOSE). */
  receivedClose(failure: string | null): void {
    this.#remoteClosed = true;
    this.failure = failure;
    this.destroy(); // RS4
  }

  /** RS1: every byte written before the request is in the kernel (ACK). */
  receivedAck(): void {
    this.#unacked = 0;
    const held = this.#held;
    this.#held = null;
    held?.();
  }

  override _read(): void {
    if (!this.#remotePaused) return;
    this.#remotePaused = false;
    this.port.resume(this.stream); // RS2
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.#active();
    this.#unacked += chunk.length;
    this.port.write(this.stream, chunk, () => {
      if (this.#unacked < UNACKED_BYTES_MAX) {
        callback();
        return;
      }
      this.#held = callback; // RS1
      this.port.requestAck(this.stream);
    });
  }

  override _final(callback: () => void): void {
    if (!this.#remoteClosed) this.port.end(this.stream);
    callback();
  }

  override _destroy(_error: Error | null, callback: (error: Error | null) => void): void {
    this.#clearTimer();
    if (!this.#remoteClosed) this.port.destroy(this.stream);
    this.#remoteClosed = true;
    this.#held = null; // the stream is destroyed: nothing more will be written
    callback(null); // RS4
  }
}
