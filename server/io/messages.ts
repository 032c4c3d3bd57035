/**
 * What the engine's thread and the socket I/O thread say to each other: the kinds of the ring
 * messages (ring.ts) each way, and the startup data and lifecycle messages that go by postMessage.
 * A ring message's stream id is the I/O thread's id of one client socket.
 *
 *   I/O thread → engine (inbound ring)      engine → I/O thread (outbound ring)
 *   OPEN     a socket was accepted;         DATA     bytes to write to the socket
 *            payload: JSON SocketInfo       END      end the socket once its writes are out
 *   DATA     bytes the client sent          DESTROY  close it now, dropping unwritten bytes
 *   END      the client ended its side      PAUSE    stop reading it (input back-pressure)
 *   CLOSE    the socket is gone;            RESUME   read it again
 *            payload: the error, if any     ACK_REQUEST  say when every byte sent so far is
 *   ACK      every byte sent before the                  in the kernel (output back-pressure)
 *            ACK_REQUEST is in the kernel
 */

export const Inbound = {
  OPEN: 1,
  DATA: 2,
  END: 3,
  CLOSE: 4,
  ACK: 5,
} as const;

export const Outbound = {
  DATA: 1,
  END: 2,
  DESTROY: 3,
  PAUSE: 4,
  RESUME: 5,
  ACK_REQUEST: 6,
} as const;

/** The accepted socket's peer, for the connection's log and its account's host match. */
export interface SocketInfo {
  readonly remoteAddress: string | null;
  readonly remotePort: number | null;
}

/** What the engine's thread passes at spawn (io-bridge.ts). */
export interface IoThreadData {
  readonly host: string;
  readonly port: number;
  /** Ring memory: I/O thread → engine, and engine → I/O thread. */
  readonly inboundControl: SharedArrayBuffer;
  readonly inboundBytes: SharedArrayBuffer;
  readonly outboundControl: SharedArrayBuffer;
  readonly outboundBytes: SharedArrayBuffer;
  /** Doorbells: the engine's thread's and the I/O thread's. */
  readonly engineBell: SharedArrayBuffer;
  readonly ioBell: SharedArrayBuffer;
}

/** postMessage from the I/O thread. */
export type IoThreadEvent =
  | { readonly kind: 'listening'; readonly port: number }
  | { readonly kind: 'listen-failed'; readonly code: string | null; readonly message: string }
  | { readonly kind: 'stopped' };

/** postMessage to the I/O thread. */
export type IoThreadCommand = { readonly kind: 'stop-accepting' } | { readonly kind: 'close' };

export function isIoThreadEvent(x: unknown): x is IoThreadEvent {
  if (typeof x !== 'object' || x === null || !('kind' in x)) return false;
  return x.kind === 'listening' || x.kind === 'listen-failed' || x.kind === 'stopped';
}
