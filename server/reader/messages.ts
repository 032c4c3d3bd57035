/**
 * The messages between the writer's thread and a reader thread (reader-bridge.ts and
 * reader-thread.ts).
 *
 *   (the feed itself — shipped batches, VDLs, schema changes — goes through a ring in shared
 *   memory, feed-ring.ts, which the reader drains before every statement and message)
 *   writer → reader   'feed'      drain the ring now: it has filled and the writer waits for room
 *                     'start'     the read engine may open at `vdl` (durable; the records
 *                                 before this message continue it)
 *                     'page'      the answer to a 'read-page': the page, or why not
 *                     'globals'   the writer's global variables: after 'start', and after every
 *                                 statement that changed one (its sessions start from them)
 *                     'close'     close the listener and the engine, then exit
 *   reader → writer   'read-page' the page `pageId` as of `at` (≤ a VDL the writer reported)
 *                     'listening' the reader's listener is bound to `port`
 *                     'read-floor' the reader's oldest read point, at most every second when it
 *                                 changed: storage keeps what it needs (RF1)
 *                     'failed'    it could not start: `message`
 *
 * Invariants:
 *   (RM1) the reader takes in the feed in the order the tap gave it (feed-ring.ts FR1): records
 *         before the VDL that covers them, a schema change before that VDL (read-engine.ts RE2);
 *         it drains the ring before it handles any message, so 'start' and 'close' come after
 *         every event written before them (FR3).
 *   (RM2) read-your-writes: the reader drains the ring before every statement, and the writer
 *         writes a commit's VDL to the ring before it answers OK, so a statement on the reader
 *         sees every commit acknowledged before it started — while the ring has room (when it
 *         fills, what waits in the writer's queue is seen once the reader has drained it).
 *
 * Invariant (RF1): storage's read floor is at or below every read point the reader has held for
 * READ_FLOOR_INTERVAL_MS (reader-thread.ts); a younger one is within storage's retention window,
 * below which nothing is collected anyway.
 */
import type { MessagePort } from 'node:worker_threads';
import type { GlobalsImage, Lsn, PageId, StorageErrorKind } from '../../engine/index.js';
import type { RingMemory } from '../io/ring.js';
import type { TlsIdentity } from '../listener.js';

export interface ReaderThreadData {
  readonly host: string;
  /** The reader endpoint's port (0: the system picks one); null: none, only the shared port. */
  readonly port: number | null;
  /**
   * Write forwarding (routing-session.ts): a descriptor of the writer's listening socket to
   * accept on too (shared-port.ts), and the port its sessions' twins talk through
   * (twin-host.ts); null without.
   */
  readonly shared: {
    readonly fd: number;
    readonly twins: MessagePort;
    readonly firstConnectionId: number;
    /** The port's count of connections served, shared with the writer's listener (L2). */
    readonly served: Int32Array;
    /**
     * A connection whose statements run on the writer moves there (handoff.ts), when the
     * writer takes them and this thread can duplicate a descriptor.
     */
    readonly moves: boolean;
  } | null;
  readonly maxConnections: number;
  readonly maxAllowedPacket: number;
  readonly connectTimeoutMs: number;
  /** µs its event loop stays awake after a command (awake.ts). */
  readonly awakeUs: number;
  readonly logLevel: string;
  readonly bufferPoolPages: number;
  readonly tls: TlsIdentity | null;
  /** The first connection id the reader hands out (the writer's count from 1). */
  readonly firstConnectionId: number;
  /** The feed ring's shared memory (feed-ring.ts). */
  readonly feed: RingMemory;
}

export type ToReader =
  /** Drain the feed ring (feed-ring.ts): events were written to it. */
  | { readonly kind: 'feed' }
  | { readonly kind: 'start'; readonly vdl: Lsn; readonly catalogRoot: PageId }
  | {
      readonly kind: 'page';
      readonly id: number;
      readonly bytes: ArrayBuffer | null;
      readonly error: { readonly kind: StorageErrorKind; readonly message: string } | null;
    }
  /** The writer's global variables, at start and after every change (GI1). */
  | { readonly kind: 'globals'; readonly image: GlobalsImage }
  | { readonly kind: 'close' };

export type FromReader =
  | { readonly kind: 'read-page'; readonly id: number; readonly pageId: PageId; readonly at: Lsn }
  /** Its listeners are up: the reader endpoint's port (null: none). */
  | { readonly kind: 'listening'; readonly port: number | null }
  /** The reader's oldest read point (null: none), when it changed (RF1). */
  | { readonly kind: 'read-floor'; readonly lsn: Lsn | null }
  | { readonly kind: 'failed'; readonly message: string };
