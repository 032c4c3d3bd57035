/**
 * The writer's end of a reader thread (reader-thread.ts): it spawns the thread, feeds it the
 * writer's redo stream (engine tapWriter: records, VDLs, schema changes, in order, through a ring
 * in shared memory that the reader drains when it needs to: feed-ring.ts, messages.ts RM1–RM2),
 * reads for it the pages it does not cache, and tells it when it may open.
 *
 *   starting ──'listening'──▶ serving ──close()──▶ closed
 *   starting ──'failed' or the thread exits──▶ (startReader rejects; the tap is detached)
 *   serving ──the thread exits──▶ dead (the tap is detached; the writer goes on)
 *
 * Invariant (RB1): the tap is detached whenever the thread is gone, so the writer never writes
 * to a dead thread's ring nor keeps a batch for it.
 */
import { Worker } from 'node:worker_threads';
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

export interface ReaderEndpoint {
  /** The port the reader's listener is bound to (useful with port 0). */
  readonly port: number;
  close(): Promise<void>;
}

export interface ReaderOptions {
  readonly writer: WriterEngine;
  /** The writer's storage, read at a point the writer reported durable. */
  readonly pages: ReplicaPageSource;
  readonly data: Omit<ReaderThreadData, 'feed'>;
  readonly log: Logger;
}

/** How long a closing reader thread may take to end on its own before it is terminated. */
const CLOSE_GRACE_MS = 10_000;

/** Starts a reader thread and resolves once its listener accepts connections. */
export async function startReader(options: ReaderOptions): Promise<ReaderEndpoint> {
  const { writer, log } = options;
  const memory = createRingMemory(FEED_RING_BYTES);
  const data: ReaderThreadData = { ...options.data, feed: memory };
  const worker = new Worker(threadScript('reader/reader-thread'), { workerData: data });
  const post = (message: ToReader, transfer?: ArrayBuffer[]): void => {
    worker.postMessage(message, transfer);
  };
  const feed = new FeedWriter(memory, () => post({ kind: 'feed' }));
  const { start, detach } = tapWriter(writer, feed);
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  void exited.then(() => {
    detach(); // RB1
    writer.setReaderFloor(undefined);
  });
  worker.on('error', (error) => log.error({ err: error }, 'the reader thread failed'));
  const listening = new Promise<number>((resolve, reject) => {
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
      },
    };
  } catch (error) {
    detach();
    await worker.terminate();
    throw error;
  }
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
