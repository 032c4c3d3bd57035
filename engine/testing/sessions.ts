/**
 * Helpers for engine tests that drive Sessions: an engine over MemoryTrees, and shorthands for
 * running a statement and reading its rows, its OK or its error.
 */
import pino from 'pino';
import type { StorageClient } from '../../storage/index.js';
import type { Engine, Result, Row, Session, SessionInit, SqlValue } from '../api.js';
import type { EngineClock } from '../clock.js';
import { type EngineOptions, createEngine } from '../engine.js';
import { SqlError } from '../errors.js';
import { MemoryTrees } from './memory-trees.js';

const log = pino({ level: 'silent' });
const unusedStorage = {} as StorageClient;

export async function memoryEngine(
  options: Partial<Omit<EngineOptions, 'storage' | 'log' | 'trees'>> & { clock?: EngineClock } = {},
  trees: MemoryTrees = new MemoryTrees(),
): Promise<Engine> {
  return createEngine({ storage: unusedStorage, log, trees, ...options });
}

let nextConnectionId = 1;

export function openSession(engine: Engine, init: Partial<SessionInit> = {}): Session {
  return engine.openSession({
    connectionId: init.connectionId ?? nextConnectionId++,
    user: init.user ?? 'root',
    host: init.host ?? 'localhost',
    ...(init.charset === undefined ? {} : { charset: init.charset }),
    ...(init.onKill === undefined ? {} : { onKill: init.onKill }),
  });
}

export async function rowsOf(result: Result): Promise<Row[]> {
  if (result.kind !== 'rows') throw new Error(`expected rows, got ${result.kind}`);
  const rows: Row[] = [];
  for await (const batch of result.rows) rows.push(...batch);
  return rows;
}

export async function query(session: Session, sql: string | Buffer): Promise<Row[]> {
  return rowsOf(await session.execute(sql));
}

/** The single value of a one-row, one-column result. */
export async function scalar(session: Session, sql: string): Promise<SqlValue> {
  const rows = await query(session, sql);
  if (rows.length !== 1 || rows[0]?.length !== 1) {
    throw new Error(`expected one value from ${sql}, got ${JSON.stringify(rows, replacer)}`);
  }
  return rows[0][0] as SqlValue;
}

function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}

export async function ok(session: Session, sql: string | Buffer): Promise<Result & { kind: 'ok' }> {
  const result = await session.execute(sql);
  if (result.kind !== 'ok') throw new Error(`expected ok for ${String(sql)}`);
  return result;
}

export async function failure(session: Session, sql: string | Buffer): Promise<SqlError> {
  return errorOf(session.execute(sql), String(sql));
}

export async function errorOf(work: unknown, what = 'the call'): Promise<SqlError> {
  try {
    const result = await work;
    if (isRows(result)) for await (const batch of result.rows) void batch;
  } catch (e) {
    if (e instanceof SqlError) return e;
    throw e;
  }
  throw new Error(`expected an error from: ${what}`);
}

function isRows(x: unknown): x is Result & { kind: 'rows' } {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'rows';
}
