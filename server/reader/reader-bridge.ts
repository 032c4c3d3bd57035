/**
 * The writer's end of a reader thread (reader-thread.ts): it spawns the thread, feeds it the
 * writer's redo stream (engine tapWriter: records, VDLs, schema changes, in order, through a ring
 * in shared memory that the reader drains when it needs to: feed-ring.ts, messages.ts RM1–RM2),
 * reads for it the pages it does not cache, tells it when it may open, sends it the writer's
 * globals (globals-image.ts), and, with write forwarding, runs its sessions' twins (twin-host.ts).
 *
 *   starting ──'listening'──▶ serving ──close()──▶ closed
 *   starting ──'failed' or the thread exits──▶ (startReader rejects; the tap is detached)
 *   serving ──the thread exits──▶ dead (the tap is detached; the writer goes on)
 *
 * Invariant (RB1): the tap is detached whenever the thread is gone, so the writer never writes
 * to a dead thread's ring nor keeps a batch for it.
 */
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import {
  type ReplicaPageSource,
  type WriterEngine,
  StorageError,
  tapWriter,
} from '../../engine/index.js';
import { threadScript } from '../thread-script.js';
import { createRingMemory } from '../io/ring.js';
import { FEED_RING_BYTES, FeedWriter } from './feed-ring.js';
import type { FromReader, ReaderThreadData, ToReader } from './messages.js';
import type { Awake } from '../awake.js';
import { type ArrivingTwin, TwinHost } from './twin-host.js';
import type { ToTwin } from './twin-messages.js';

export interface ReaderEndpoint {
  /** The port the reader endpoint's listener is bound to (useful with port 0), or null. */
  readonly port: number | null;
  close(): Promise<void>;
}

export interface ReaderOptions {
  readonly writer: WriterEngine;
  /** The writer's storage, read at a point the writer reported durable. */
  readonly pages: ReplicaPageSource;
  readonly data: Omit<ReaderThreadData, 'feed' | 'shared'>;
  /**
   * Write forwarding (routing-session.ts): the thread accepts on this second descriptor of the
   * writer's listening socket too, and its sessions' twins run here (twin-host.ts).
   */
  readonly shared: {
    readonly fd: number;
    readonly firstConnectionId: number;
    /** The writer's thread's Awake: a twin's message is work, like a client's command. */
    readonly awake: Awake;
    /** The port's count of connections served, shared by both threads' listeners (L2). */
    readonly served: Int32Array;
    /**
     * Serves a routed connection that moved to the writer's thread (twin-host.ts TW12), with
     * its twin as its session; without it connections stay on the reader thread.
     */
    readonly arrive?: (arriving: ArrivingTwin) => void;
  } | null;
  readonly log: Logger;
}

/** How long a closing reader thread may take to end on its own before it is terminated. */
const CLOSE_GRACE_MS = 10_000;

/** Starts a reader thread and resolves once its listener accepts connections. */
export async function startReader(options: ReaderOptions): Promise<ReaderEndpoint> {
  const { writer, log } = options;
  const memory = createRingMemory(FEED_RING_BYTES);
  const twins =
    options.shared === null
      ? null
      : twinChannel(writer, options.shared.awake, log, options.shared.arrive);
  const data: ReaderThreadData = {
    ...options.data,
    feed: memory,
    shared:
      options.shared === null || twins === null
        ? null
        : {
            fd: options.shared.fd,
            firstConnectionId: options.shared.firstConnectionId,
            twins: twins.port,
            served: options.shared.served,
            moves: options.shared.arrive !== undefined,
          },
  };
  const worker = new Worker(threadScript('reader/reader-thread'), {
    workerData: data,
    transferList: twins === null ? [] : [twins.port],
  });
  const post = (message: ToReader, transfer?: ArrayBuffer[]): void => {
    worker.postMessage(message, transfer);
  };
  const feed = new FeedWriter(memory, () => post({ kind: 'feed' }));
  const { start, detach } = tapWriter(writer, feed);
  const unwatch = writer.watchGlobals((image) => post({ kind: 'globals', image }));
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  void exited.then(() => {
    detach(); // RB1
    unwatch();
    writer.setReaderFloor(undefined);
    void twins?.close();
  });
  worker.on('error', (error) => log.error({ err: error }, 'the reader thread failed'));
  const listening = new Promise<number | null>((resolve, reject) => {
    worker.on('message', (message: FromReader) => {
      switch (message.kind) {
        case 'read-page':
          servePage(options.pages, message, post);
          return;
        case 'listening':
          resolve(message.port);
          return;
        case 'read-floor':
          writer.setReaderFloor(message.lsn ?? undefined); // RF1
          return;
        case 'failed':
          reject(new Error(`the reader could not start: ${message.message}`));
          return;
      }
    });
    void exited.then((code) => reject(new Error(`the reader thread exited with ${code}`)));
  });
  try {
    await writer.trees.waitDurable(start);
    while (!feed.flush()) await new Promise((resolve) => setTimeout(resolve, 1)); // RM1, FR3
    post({ kind: 'start', vdl: start, catalogRoot: writer.trees.catalogRoot });
    post({ kind: 'globals', image: writer.globalsImage() });
    const port = await listening;
    log.info({ port }, 'reader listening');
    return {
      port,
      async close() {
        detach();
        post({ kind: 'close' });
        const late = setTimeout(() => void worker.terminate(), CLOSE_GRACE_MS);
        await exited;
        clearTimeout(late);
        await twins?.close();
      },
    };
  } catch (error) {
    detach();
    unwatch();
    await worker.terminate();
    await twins?.close();
    throw error;
  }
}

/** The writer's end of the twins' channel: a TwinHost serving the reader's routed sessions. */
function twinChannel(
  writer: WriterEngine,
  awake: Awake,
  log: Logger,
  arrive: ((arriving: ArrivingTwin) => void) | undefined,
): { readonly port: MessagePort; close(): Promise<void> } {
  const channel = new MessageChannel();
  const host = new TwinHost(
    writer,
    (message) => channel.port1.postMessage(message),
    log.child({ component: 'twins' }),
    arrive,
  );
  channel.port1.on('message', (message: ToTwin) => {
    host.receive(message);
    awake.touch();
  });
  let closed: Promise<void> | undefined;
  return {
    port: channel.port2,
    close() {
      closed ??= host.close().finally(() => channel.port1.close());
      return closed;
    },
  };
}

/** A page for the reader, copied into a buffer of its own that is transferred to it. */
function servePage(
  pages: ReplicaPageSource,
  request: FromReader & { kind: 'read-page' },
  post: (message: ToReader, transfer?: ArrayBuffer[]) => void,
): void {
  pages.readPage(request.pageId, request.at).then(
    (page) => {
      const bytes = new ArrayBuffer(page.length);
      new Uint8Array(bytes).set(page);
      post({ kind: 'page', id: request.id, bytes, error: null }, [bytes]);
    },
    (error: unknown) => {
      const kind = error instanceof StorageError ? error.kind : 'unavailable';
      const message = error instanceof Error ? error.message : String(error);
      post({ kind: 'page', id: request.id, bytes: null, error: { kind, message } });
    },
  );
}
