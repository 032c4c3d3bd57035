/**
 * A seeded fuzz test of the protocol front end: connections that send thousands of random,
 * mutated and mis-framed packets (handshakes, every command, statement traffic, TLS requests),
 * against a listener over the fake engine. Afterwards the server must still answer a health
 * query on a fresh connection, every connection and Session must be closed, and nothing may have
 * been logged at error level (an unexpected exception means some input was not validated).
 *
 *   SEED=n           replay one seed (each run prints its seeds)
 *   FUZZ_SCENARIOS=n connections per seed (default 200, about a second)
 *   FUZZ_SEEDS=n     seeds per run without SEED (default 3)
 */
import { randomInt } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { SqlError } from '../engine/index.js';
import { COM, CLIENT, MYSQL_TYPE } from './protocol/constants.js';
import { framePacket, PacketReader } from './protocol/framing.js';
import { encodeChangeUser } from './protocol/packets/change-user.js';
import { decodeHandshakeV10 } from './protocol/packets/handshake-v10.js';
import { encodeSslRequest } from './protocol/packets/ssl-request.js';
import { encodeStmtExecute, type EncodedParam } from './protocol/packets/stmt-execute.js';
import { handshakeResponse, lenEncStr, TYPICAL_CLIENT_CAPABILITIES } from './protocol/testing.js';
import { column, type FakeHandler, ok, rows } from './testing/fake-engine.js';
import { connectMysql2, startFake, until, useCleanups } from './testing/harness.js';
import { Prng } from './testing/prng.js';
import { createSelfSignedCertificate } from './tls/certificate.js';

useCleanups();

const SCENARIOS = Number(process.env['FUZZ_SCENARIOS'] ?? 200);
const SEEDS =
  process.env['SEED'] !== undefined
    ? [Number(process.env['SEED'])]
    : Array.from({ length: Number(process.env['FUZZ_SEEDS'] ?? 3) }, () => randomInt(2 ** 31));
const CONCURRENCY = 8;

const COLUMNS = [
  column('n', 'LONGLONG'),
  column('s', 'VARCHAR'),
  column('d', 'DATETIME'),
  column('x', 'NEWDECIMAL', { decimals: 2 }),
];

const handler: FakeHandler = (sql) => {
  if (sql.startsWith('SELECT')) {
    return rows(COLUMNS, [[[1n, 'a', '2024-01-02 03:04:05', '1.50'], [2n, null, null, null]]]);
  }
  if (sql.startsWith('ERR')) throw new SqlError('ER_NO_SUCH_TABLE', ['test', 'nope']);
  return ok({ affectedRows: 1, matchedRows: 1, info: 'Rows matched: 1  Changed: 1  Warnings: 0' });
};

const SQL = ['SELECT 1', 'SELECT ?, ?', 'UPDATE t SET a = ?', 'ERR', 'SELECT 1; UPDATE t', 'DO 1'];

/** One valid command payload of a random kind. */
function command(r: Prng): Buffer {
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n >>> 0);
    return b;
  };
  const statementId = r.pick([1, 2, 3, 0xffffffff, r.next()]);
  switch (r.int(16)) {
    case 0:
      return Buffer.concat([Buffer.from([COM.COM_QUERY]), Buffer.from(r.pick(SQL))]);
    case 1:
      return Buffer.from([COM.COM_PING]);
    case 2:
      return Buffer.concat([Buffer.from([COM.COM_INIT_DB]), Buffer.from(r.pick(['test', 'no']))]);
    case 3:
      return Buffer.from([COM.COM_FIELD_LIST, 0x74, 0x00, 0x25]);
    case 4:
      return Buffer.from([COM.COM_STATISTICS]);
    case 5:
      return Buffer.concat([Buffer.from([COM.COM_STMT_PREPARE]), Buffer.from(r.pick(SQL))]);
    case 6:
    case 7:
      return encodeStmtExecute({
        statementId,
        flags: r.pick([0, 1, 8, r.int(256)]),
        params: Array.from({ length: r.int(3) }, () => param(r)),
        sendTypes: r.chance(0.8),
      });
    case 8:
      return Buffer.concat([Buffer.from([COM.COM_STMT_FETCH]), u32(statementId), u32(r.int(5))]);
    case 9:
      return Buffer.concat([Buffer.from([COM.COM_STMT_CLOSE]), u32(statementId)]);
    case 10:
      return Buffer.concat([Buffer.from([COM.COM_STMT_RESET]), u32(statementId)]);
    case 11: {
      const head = Buffer.concat([Buffer.from([COM.COM_STMT_SEND_LONG_DATA]), u32(statementId)]);
      return Buffer.concat([head, Buffer.from([r.int(3), 0]), r.bytes(r.int(40))]);
    }
    case 12:
      return Buffer.from([COM.COM_SET_OPTION, r.int(3), 0]);
    case 13:
      return Buffer.from([COM.COM_RESET_CONNECTION]);
    case 14:
      return encodeChangeUser(
        {
          user: r.chance(0.9) ? 'root' : 'nobody',
          authResponse: r.chance(0.9) ? Buffer.alloc(0) : r.bytes(20),
          database: r.pick([null, 'test']),
          characterSet: 224,
          authPluginName: r.pick(['mysql_native_password', 'caching_sha2_password', null]),
        },
        TYPICAL_CLIENT_CAPABILITIES,
      );
    default:
      return Buffer.from([r.int(256)]);
  }
}

function param(r: Prng): EncodedParam {
  const type = r.pick([
    MYSQL_TYPE.MYSQL_TYPE_LONGLONG,
    MYSQL_TYPE.MYSQL_TYPE_VAR_STRING,
    MYSQL_TYPE.MYSQL_TYPE_DATETIME,
    MYSQL_TYPE.MYSQL_TYPE_TIME,
    MYSQL_TYPE.MYSQL_TYPE_DOUBLE,
    MYSQL_TYPE.MYSQL_TYPE_BLOB,
    r.int(256),
  ]);
  const bytes = r.pick([null, lenEncStr(r.bytes(r.int(10))), r.bytes(r.int(13))]);
  return { type, unsigned: r.chance(0.3), bytes };
}

/** A payload damaged at random: bits flipped, cut short, extended, or replaced. */
function mutate(r: Prng, payload: Buffer): Buffer {
  const out = Buffer.from(payload);
  switch (r.int(4)) {
    case 0:
      for (let i = 0; i < 1 + r.int(4) && out.length > 0; i++) {
        const at = r.int(out.length);
        out[at] = (out[at] as number) ^ (1 << r.int(8));
      }
      return out;
    case 1:
      return out.subarray(0, r.int(out.length + 1));
    case 2:
      return Buffer.concat([out, r.bytes(1 + r.int(20))]);
    default:
      return r.bytes(r.int(64));
  }
}

/** The bytes of one step after login: mostly framed commands, sometimes broken framing. */
const sent = { packets: 0 };

function step(r: Prng): Buffer {
  const payload = r.chance(0.7) ? command(r) : mutate(r, command(r));
  const roll = r.int(150);
  if (roll === 0) return framePacket(payload, 1 + r.int(255)); // out of order
  if (roll === 1) return Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0]), payload]); // 16 MiB
  if (roll === 2) return r.bytes(r.int(32)); // unframed
  return framePacket(payload, 0);
}

class FuzzClient {
  readonly reader = new PacketReader(1 << 30);
  readonly closed: Promise<void>;
  #lastData = Date.now();

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.reader.push(chunk);
      this.#lastData = Date.now();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static async open(port: number): Promise<FuzzClient> {
    const socket = connect({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new FuzzClient(socket);
  }

  async greeting(): Promise<Buffer | null> {
    const deadline = Date.now() + 2_000;
    while (Date.now() < deadline && !this.socket.destroyed) {
      const packet = this.reader.read(0);
      if (packet !== undefined) return packet.payload;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return null;
  }

  write(bytes: Buffer): void {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    sent.packets++;
    this.socket.write(bytes);
  }

  /** Waits until the server has been quiet for `quietMs` (or closed), at most `maxMs`. */
  async settle(quietMs: number, maxMs: number): Promise<void> {
    const deadline = Date.now() + maxMs;
    while (Date.now() < deadline && !this.socket.destroyed) {
      if (Date.now() - this.#lastData >= quietMs) return;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
}

async function scenario(port: number, r: Prng): Promise<void> {
  const client = await FuzzClient.open(port);
  const greetingPayload = await client.greeting();
  if (greetingPayload === null) return void client.socket.destroy();
  const { scramble } = decodeHandshakeV10(greetingPayload);
  const login = handshakeResponse({ scramble, password: '' });
  switch (r.int(6)) {
    case 0: // a damaged handshake response
      client.write(framePacket(mutate(r, login), 1));
      break;
    case 1: // TLS requested, then garbage instead of a ClientHello
      client.write(framePacket(encodeSslRequest({
        capabilities: TYPICAL_CLIENT_CAPABILITIES | CLIENT.CLIENT_SSL,
        maxPacketSize: 0,
        characterSet: 224,
      }), 1));
      client.write(r.bytes(r.int(100)));
      break;
    case 2: // nothing at all, or half a packet: connect_timeout must free the slot
      if (r.chance(0.5)) client.write(Buffer.from([50, 0, 0, 1, 7]));
      break;
    default: {
      client.write(framePacket(login, 1));
      await client.settle(5, 200);
      const steps = 10 + r.int(30);
      for (let i = 0; i < steps; i++) {
        client.write(step(r));
        if (r.chance(0.3)) await client.settle(1, 50);
      }
    }
  }
  await client.settle(10, 300);
  if (r.chance(0.5)) client.socket.end();
  else client.socket.destroy();
  await Promise.race([client.closed, new Promise((resolve) => setTimeout(resolve, 1_000))]);
  client.socket.destroy();
}

interface LogEntry {
  readonly level: number;
  readonly msg?: string;
  readonly err?: unknown;
}

describe('protocol fuzz', () => {
  let tls: { cert: string; key: string };
  beforeAll(async () => {
    const made = await createSelfSignedCertificate({
      commonName: 'fuzz',
      altNames: ['localhost'],
      validityDays: 1,
    });
    tls = { cert: made.certPem, key: made.keyPem };
  });

  it.each(SEEDS)('survives seed %i and still answers a health query', async (seed) => {
    process.stdout.write(`protocol fuzz: SEED=${seed}\n`);
    const logged: LogEntry[] = [];
    const log = pino({ level: process.env['FUZZ_LOG'] ?? 'warn' }, {
      write: (line: string) => logged.push(JSON.parse(line) as LogEntry),
    });
    const { engine, listener, port } = await startFake(
      handler,
      { connectTimeoutMs: 300, maxAllowedPacket: 64 * 1024 },
      { tls, log, netTimeouts: { netReadTimeoutMs: 300, netWriteTimeoutMs: 1_000 } },
    );
    const r = new Prng(seed);
    const plans = Array.from({ length: SCENARIOS }, () => new Prng(r.next()));
    for (let i = 0; i < plans.length; i += CONCURRENCY) {
      await Promise.all(plans.slice(i, i + CONCURRENCY).map((p) => scenario(port, p)));
    }
    await until(() => listener.connectionCount === 0, 10_000);
    const executed = engine.sessions.reduce(
      (n, s) => n + s.executed.length + s.executedPrepared.length,
      0,
    );
    process.stdout.write(
      `protocol fuzz: SEED=${seed}: ${sent.packets} packets on ${SCENARIOS} connections, ` +
        `${engine.sessions.length} sessions, ${executed} statements run\n`,
    );
    expect(engine.sessions.every((s) => s.closeCount === 1), `SEED=${seed}`).toBe(true);
    if (process.env['FUZZ_LOG'] !== undefined) {
      const counts = new Map<string, number>();
      for (const e of logged) counts.set(e.msg ?? '?', (counts.get(e.msg ?? '?') ?? 0) + 1);
      process.stdout.write(`${JSON.stringify([...counts])}\n`);
    }
    const errors = logged.filter((e) => e.level >= 50);
    expect(errors, `SEED=${seed}: errors logged`).toEqual([]);
    const health = await connectMysql2(port);
    expect((await health.query('SELECT 1'))[0], `SEED=${seed}`).toHaveLength(2);
  });
});
