/**
 * A reader thread: a read engine (engine/read-engine.ts) on a second core, with a MySQL listener
 * of its own (the reader endpoint, --reader-port: every statement that only reads runs at the
 * writer's VDL, statements that write get 1290, read-only.ts — as Aurora's), and/or one on the
 * writer's own port (--read-thread: write forwarding, routing-session.ts: reads run here, the
 * rest on twin sessions on the writer's thread). The writer's thread feeds it (reader-bridge.ts,
 * messages.ts) and reads the pages it does not cache from storage for it.
 *
 *   waiting ──'start'──▶ opening ──engine and listener up──▶ serving ──'close'──▶ closed
 *   opening ──failure──▶ 'failed' posted, closed
 *
 * Invariant (RT1): a page read is answered exactly once: by the writer's 'page', or, when the
 * thread closes first, with a rejection.
 */
import { closeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import {
  type GlobalsImage,
  type Lsn,
  type PageId,
  type ReadEngine,
  type ReplicaPageSource,
  PendingFeed,
  SqlError,
  StorageError,
  splitStatements,
} from '../../engine/index.js';
import { type Listener, listen } from '../listener.js';
import { Awake } from '../awake.js';
import type { FromReader, ReaderThreadData, ToReader } from './messages.js';
import { RoutingEngine } from './routing-session.js';
import { routedHandOff } from './handoff.js';
import { duplicateDescriptor } from '../native/descriptors.js';
import { TwinClient } from './remote-session.js';
import type { FromTwin } from './twin-messages.js';
import { FeedReader } from './feed-ring.js';

const data = workerData as ReaderThreadData;
const port = parentPort;
if (port === null) throw new Error('the reader thread runs as a worker thread');
const log = pino({ level: data.logLevel }).child({ component: 'reader' });
const feed = new PendingFeed();
const ring = new FeedReader(data.feed, feed);

interface PendingRead {
  resolve(bytes: Buffer): void;
  reject(error: Error): void;
}

const reads = new Map<number, PendingRead>();
let nextRead = 1;
let engine: ReadEngine | undefined;
/** The writer's globals that came while the engine was opening. */
let globals: GlobalsImage | undefined;
let listener: Listener | undefined;
let closing = false;

function post(message: FromReader): void {
  port?.postMessage(message);
}

const pages: ReplicaPageSource = {
  readPage(pageId, at) {
    if (closing) return Promise.reject(new SqlError('ER_SERVER_SHUTDOWN'));
    const id = nextRead++;
    return new Promise<Buffer>((resolve, reject) => {
      reads.set(id, { resolve, reject });
      post({ kind: 'read-page', id, pageId, at });
    });
  },
};

async function open(vdl: Lsn, catalogRoot: PageId): Promise<void> {
  try {
    engine = await feed.open(
      { vdl, catalogRoot },
      { pages, log, bufferPoolPages: data.bufferPoolPages },
      () => undefined,
    );
    engine.beforeStatement(() => ring.drain()); // RM2
    if (globals !== undefined) engine.applyGlobals(globals);
    drainTimer = setInterval(() => ring.drain(), DRAIN_INTERVAL_MS);
    if (data.port !== null) {
      listener = await listen({
        log,
        config: { ...data, port: data.port },
        engine,
        tls: data.tls,
        splitStatements,
        firstConnectionId: data.firstConnectionId,
      });
    }
    if (data.shared !== null) shared = await listenShared(engine, data.shared);
    post({ kind: 'listening', port: listener?.port ?? null });
    reportFloor(engine);
  } catch (error) {
    log.error({ err: error }, 'the reader could not start');
    // SP1: the shared descriptor is this thread's; a listener on it closes it, else close it here.
    if (data.shared !== null && shared === undefined) closeSync(data.shared.fd);
    post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
    await close();
  }
}

/**
 * Write forwarding: accept on the writer's port too (its socket's second descriptor), serving
 * each connection with a session that reads here and forwards the rest to its twin on the
 * writer's thread (routing-session.ts).
 */
async function listenShared(
  reader: ReadEngine,
  options: NonNullable<ReaderThreadData['shared']>,
): Promise<Listener> {
  // A forwarded statement's answer comes soon: the loop stays awake for it, and after it.
  const awake = new Awake(data.awakeUs / 1000);
  const client = new TwinClient((message) => {
    options.twins.postMessage(message);
    awake.touch();
  });
  twins = client;
  options.twins.on('message', (message: FromTwin) => {
    client.receive(message);
    awake.touch();
  });
  return listen({
    awake,
    served: options.served,
    log: log.child({ listener: 'shared' }),
    config: { ...data, port: 0 },
    engine: new RoutingEngine(reader, (init) => client.open(init)),
    tls: data.tls,
    splitStatements,
    firstConnectionId: options.firstConnectionId,
    fd: options.fd,
    ...(options.moves && duplicateDescriptor !== null
      ? { handOff: routedHandOff(duplicateDescriptor) }
      : {}),
  });
}

let shared: Listener | undefined;
let twins: TwinClient | undefined;

/** How often an idle reader takes in the feed ring, so that it never fills. */
const DRAIN_INTERVAL_MS = 10;
let drainTimer: NodeJS.Timeout | undefined;

/** How often the reader's oldest read point goes to the writer, when it changed (RF1). */
const READ_FLOOR_INTERVAL_MS = 1_000;
let floorTimer: NodeJS.Timeout | undefined;

/** RF1: the oldest read point, posted every READ_FLOOR_INTERVAL_MS when it changed. */
function reportFloor(reader: ReadEngine): void {
  let last: Lsn | null = null;
  floorTimer = setInterval(() => {
    const lowest = reader.readFloor() ?? null;
    if (lowest === last) return;
    last = lowest;
    post({ kind: 'read-floor', lsn: lowest });
  }, READ_FLOOR_INTERVAL_MS);
}

async function close(): Promise<void> {
  if (closing) return;
  closing = true;
  clearInterval(floorTimer);
  clearInterval(drainTimer);
  await shared?.close();
  await listener?.close();
  twins?.failAll(new SqlError('ER_SERVER_SHUTDOWN'));
  data.shared?.twins.close();
  await engine?.close();
  for (const read of reads.values()) read.reject(new SqlError('ER_SERVER_SHUTDOWN')); // RT1
  reads.clear();
  port?.close();
}

function answer(message: ToReader & { kind: 'page' }): void {
  const read = reads.get(message.id);
  if (read === undefined) return;
  reads.delete(message.id); // RT1
  if (message.bytes !== null) read.resolve(Buffer.from(message.bytes));
  else {
    const reason = message.error ?? { kind: 'unavailable', message: 'no page' };
    read.reject(new StorageError(reason.kind, reason.message));
  }
}

port.on('message', (message: ToReader) => {
  ring.drain(); // RM1: every event written before this message first
  switch (message.kind) {
    case 'feed':
      return;
    case 'start':
      void open(message.vdl, message.catalogRoot);
      return;
    case 'page':
      answer(message);
      return;
    case 'globals':
      if (engine === undefined) globals = message.image;
      else engine.applyGlobals(message.image);
      return;
    case 'close':
      void close();
      return;
  }
});
