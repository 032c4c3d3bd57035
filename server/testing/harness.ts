/**
 * Test harness for the protocol front end: a listener on port 0 over a FakeEngine, mysql2
 * connections to it, and cleanup after each test. Used only by tests.
 */
import { createConnection, type Connection } from 'mysql2/promise';
import pino, { type Logger } from 'pino';
import { afterEach } from 'vitest';
import { DEFAULT_CONFIG } from '../config.js';
import { type Listener, type ListenerConfig, type ListenerOptions, listen } from '../listener.js';
import { FakeEngine, type FakeHandler, fakeSplitStatements } from './fake-engine.js';

export const silentLog: Logger = pino({ level: process.env['LOG_LEVEL'] ?? 'silent' });

/**
 * Serve test connections from the socket I/O thread: the 'io-thread' project of vitest.config.ts
 * runs the protocol suites a second time with BOREALIS_IO_THREAD=on.
 */
export const TEST_IO_THREAD = process.env['BOREALIS_IO_THREAD'] === 'on';

/**
 * The threads of a whole server under test: the socket I/O thread in the 'io-thread' project,
 * else the defaults (the read thread; the two are not built together).
 */
export const TEST_THREADS = { ioThread: TEST_IO_THREAD, readThread: !TEST_IO_THREAD &&
  DEFAULT_CONFIG.readThread } as const;

export interface Running {
  readonly engine: FakeEngine;
  readonly listener: Listener;
  readonly port: number;
}

const cleanups: (() => Promise<void>)[] = [];

/** Registers the afterEach that runs every cleanup; call once at the top of a test file. */
export function useCleanups(): void {
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });
}

export function onCleanup(cleanup: () => Promise<void>): void {
  cleanups.push(cleanup);
}

/** Listener settings, plus the password the fake engine's bootstrapped root account has. */
export type FakeConfig = Partial<ListenerConfig> & { readonly rootPassword?: string };

export async function startFake(
  handler: FakeHandler,
  config: FakeConfig = {},
  options: Partial<Omit<ListenerOptions, 'engine' | 'config'>> = {},
): Promise<Running> {
  const engine = new FakeEngine(handler, config.rootPassword ?? '');
  const listener = await listen({
    log: silentLog,
    engine,
    config: { ...DEFAULT_CONFIG, port: 0, ioThread: TEST_IO_THREAD, ...config },
    splitStatements: fakeSplitStatements,
    ...options,
  });
  cleanups.push(() => listener.close());
  return { engine, listener, port: listener.port };
}

export async function connectMysql2(
  port: number,
  options: Record<string, unknown> = {},
): Promise<Connection> {
  const conn = await createConnection({ host: '127.0.0.1', port, user: 'root', ...options });
  conn.on('error', () => undefined);
  cleanups.push(async () => conn.destroy());
  return conn;
}

export async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
