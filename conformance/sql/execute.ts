/**
 * Runs one statement through mysql2 (text protocol, COM_QUERY) and records its Outcome.
 *
 * mysql2 does not expose the warning count and status flags of the EOF packet that ends a result
 * set, so `hookResultEof` wraps the query command's packet handler to read them as they pass.
 * It depends on mysql2 internals (Command#execute, Query#row): if those change, warnings come
 * back as null ("not observed") and a unit test in execute.test.ts fails, never a silent 0.
 *
 * Invariant: (E1) a statement that has not answered within the timeout yields a 'failure'
 * outcome; the connection is then closed and later statements fail fast.
 */
import mysql from 'mysql2';
import type { Endpoint } from '../harness/endpoint.js';
import { cellText, describeType, type RawColumn } from './columns.js';
import type { Cell, Outcome, StatusBits } from './outcome.js';

const SERVER_STATUS_IN_TRANS = 0x0001;
const SERVER_STATUS_AUTOCOMMIT = 0x0002;

export interface StatementRunner {
  run(sql: string): Promise<Outcome>;
  close(): Promise<void>;
}

export async function openRunner(
  endpoint: Pick<Endpoint, 'host' | 'port' | 'user' | 'password'>,
  database: string | undefined,
  timeoutMs = 15_000,
): Promise<StatementRunner> {
  const conn = mysql.createConnection({
    host: endpoint.host,
    port: endpoint.port,
    user: endpoint.user,
    password: endpoint.password,
    ...(database === undefined ? {} : { database }),
    connectTimeout: 10_000,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  conn.on('error', () => undefined); // fatal errors also reach the pending query's callback
  await new Promise<void>((resolve, reject) => {
    conn.connect((err) => (err === null ? resolve() : reject(err)));
  });
  return {
    run: (sql) => runOne(conn, sql, timeoutMs),
    close: () => new Promise<void>((resolve) => conn.end(() => resolve())),
  };
}

function runOne(conn: mysql.Connection, sql: string, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let eof: { warnings: number; status: number } | undefined;
    const command: unknown = conn.query(
      { sql, typeCast: false, rowsAsArray: true, timeout: timeoutMs },
      (err: unknown, result: unknown, fields: unknown) => {
        if (err !== null && err !== undefined) {
          resolve(errorOutcome(err));
          return;
        }
        resolve(toOutcome(result, fields, eof));
      },
    );
    hookResultEof(command, (warnings, status) => { eof = { warnings, status }; });
  });
}

/** mysql2 error → 'error' (the server answered ERR) or 'failure' (the client gave up). */
export function errorOutcome(err: unknown): Outcome {
  if (typeof err === 'object' && err !== null) {
    const e = err as Record<string, unknown>;
    const serverError = typeof e['errno'] === 'number' && typeof e['sqlState'] === 'string';
    if (serverError && e['fatal'] !== true) {
      return {
        kind: 'error',
        errno: Number(e['errno']),
        sqlState: String(e['sqlState']),
        code: typeof e['code'] === 'string' ? e['code'] : '',
        message: typeof e['sqlMessage'] === 'string' ? e['sqlMessage'] : String(e['message']),
      };
    }
    return { kind: 'failure', message: `${String(e['code'] ?? '')} ${String(e['message'])}` };
  }
  return { kind: 'failure', message: String(err) };
}

function status(bits: number): StatusBits {
  return {
    inTransaction: (bits & SERVER_STATUS_IN_TRANS) !== 0,
    autocommit: (bits & SERVER_STATUS_AUTOCOMMIT) !== 0,
  };
}

export function toOutcome(
  result: unknown,
  fields: unknown,
  eof: { warnings: number; status: number } | undefined,
): Outcome {
  if (Array.isArray(result) && Array.isArray(fields)) {
    const columns = fields.map(rawColumn);
    const rows = result.map((row: unknown): Cell[] => {
      if (!Array.isArray(row)) throw new Error('rowsAsArray gave a non-array row');
      return row.map((cell: unknown, i) => {
        const column = columns[i];
        if (column === undefined) throw new Error('more cells than columns');
        if (cell !== null && !Buffer.isBuffer(cell)) throw new Error('not a Buffer');
        return cellText(column, cell);
      });
    });
    return {
      kind: 'rows',
      columns: columns.map((c) => ({ name: c.name, type: describeType(c) })),
      rows,
      warnings: eof?.warnings ?? null,
      status: eof === undefined ? null : status(eof.status),
    };
  }
  if (typeof result === 'object' && result !== null && !Array.isArray(result)) {
    const h = result as Record<string, unknown>;
    return {
      kind: 'ok',
      affectedRows: String(h['affectedRows'] ?? ''),
      insertId: String(h['insertId'] ?? ''),
      warnings: Number(h['warningStatus'] ?? 0),
      info: typeof h['info'] === 'string' ? h['info'].trim() : '',
      status: status(Number(h['serverStatus'] ?? 0)),
    };
  }
  return { kind: 'failure', message: `unexpected result shape: ${JSON.stringify(result)}` };
}

function rawColumn(field: unknown): RawColumn {
  if (typeof field !== 'object' || field === null) throw new Error('bad field packet');
  const f = field as Record<string, unknown>;
  return {
    name: String(f['name']),
    columnType: Number(f['columnType']),
    characterSet: Number(f['characterSet']),
    flags: typeof f['flags'] === 'number' ? f['flags'] : 0,
    decimals: Number(f['decimals']),
  };
}

interface EofPacket {
  isEOF(): boolean;
  eofWarningCount(): number;
  eofStatusFlags(): number;
}

function isEofPacket(p: unknown): p is EofPacket {
  if (typeof p !== 'object' || p === null) return false;
  const o = p as Record<string, unknown>;
  return typeof o['isEOF'] === 'function' && typeof o['eofWarningCount'] === 'function' &&
    typeof o['eofStatusFlags'] === 'function';
}

/**
 * Wraps a mysql2 Query command so `onEof` sees the warning count and status of the EOF packet
 * that ends its rows. Returns false (and changes nothing) if the command does not look as
 * expected.
 */
export function hookResultEof(
  command: unknown,
  onEof: (warnings: number, status: number) => void,
): boolean {
  if (typeof command !== 'object' || command === null) return false;
  const cmd = command as Record<string, unknown>;
  const proto: unknown = Object.getPrototypeOf(command);
  const rowState = typeof proto === 'object' && proto !== null
    ? (proto as Record<string, unknown>)['row'] : undefined;
  const original = cmd['execute'];
  if (typeof original !== 'function' || typeof rowState !== 'function') return false;
  cmd['execute'] = function (this: Record<string, unknown>, packet: unknown, connection: unknown) {
    if (this['next'] === rowState && isEofPacket(packet) && packet.isEOF()) {
      onEof(packet.eofWarningCount(), packet.eofStatusFlags());
    }
    return Reflect.apply(original, this, [packet, connection]);
  };
  return true;
}
