/**
 * A scripted MySQL server for unit tests of the executor and the comparer: it speaks just enough
 * of the protocol (greeting, any login, COM_QUERY, COM_PING, COM_QUIT, classic EOF framing) to
 * answer each query with exactly the packets a test asks for, including wrong ones. It lets
 * `npm test` prove, without MariaDB, that a wrong answer reaching mysql2 is caught.
 *
 * https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_handshake_v10.html
 */
import net from 'node:net';

export interface FakeColumn {
  readonly name: string;
  readonly type: number;
  readonly charset?: number;
  readonly flags?: number;
  readonly decimals?: number;
}

export type FakeReply =
  | { readonly kind: 'ok'; readonly affected?: number; readonly insertId?: number;
      readonly warnings?: number; readonly status?: number; readonly info?: string }
  | { readonly kind: 'rows'; readonly columns: readonly FakeColumn[];
      readonly rows: readonly (readonly (string | null)[])[]; readonly warnings?: number;
      readonly status?: number }
  | { readonly kind: 'error'; readonly errno: number; readonly sqlState: string;
      readonly message: string };

const CAPABILITIES = 0x1 | 0x2 | 0x4 | 0x8 | 0x200 | 0x2000 | 0x8000 | 0x20000 | 0x80000;
const STATUS_AUTOCOMMIT = 0x0002;

function lenenc(n: number): Buffer {
  if (n < 251) return Buffer.from([n]);
  const b = Buffer.alloc(3);
  b[0] = 0xfc;
  b.writeUInt16LE(n, 1);
  return b;
}

function lenencString(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([lenenc(bytes.length), bytes]);
}

function frame(seq: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  header[3] = seq & 0xff;
  return Buffer.concat([header, payload]);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n, 0);
  return b;
}

function greeting(): Buffer {
  const conn = Buffer.alloc(4);
  conn.writeUInt32LE(7, 0);
  return Buffer.concat([
    Buffer.from([10]), Buffer.from('8.0.36-fake\0'), conn, Buffer.from('abcdefgh\0'),
    u16(CAPABILITIES & 0xffff), Buffer.from([255]), u16(STATUS_AUTOCOMMIT),
    u16(CAPABILITIES >>> 16), Buffer.from([21]), Buffer.alloc(10), Buffer.from('ijklmnopqrst\0'),
    Buffer.from('mysql_native_password\0'),
  ]);
}

function okPacket(r: Extract<FakeReply, { kind: 'ok' }>): Buffer {
  return Buffer.concat([
    Buffer.from([0]), lenenc(r.affected ?? 0), lenenc(r.insertId ?? 0),
    u16(r.status ?? STATUS_AUTOCOMMIT), u16(r.warnings ?? 0), Buffer.from(r.info ?? ''),
  ]);
}

function eofPacket(warnings: number, status: number): Buffer {
  return Buffer.concat([Buffer.from([0xfe]), u16(warnings), u16(status)]);
}

function columnPacket(c: FakeColumn): Buffer {
  const fixed = Buffer.alloc(13);
  fixed[0] = 0x0c;
  fixed.writeUInt16LE(c.charset ?? 255, 1);
  fixed.writeUInt32LE(255, 3);
  fixed[7] = c.type;
  fixed.writeUInt16LE(c.flags ?? 0, 8);
  fixed[10] = c.decimals ?? 0;
  return Buffer.concat([
    lenencString('def'), lenencString('db'), lenencString('t'), lenencString('t'),
    lenencString(c.name), lenencString(c.name), fixed,
  ]);
}

function replyPackets(r: FakeReply): Buffer[] {
  switch (r.kind) {
    case 'ok':
      return [okPacket(r)];
    case 'error':
      return [Buffer.concat([Buffer.from([0xff]), u16(r.errno), Buffer.from(`#${r.sqlState}`),
        Buffer.from(r.message)])];
    case 'rows': {
      const status = r.status ?? STATUS_AUTOCOMMIT;
      return [
        lenenc(r.columns.length), ...r.columns.map(columnPacket), eofPacket(0, status),
        ...r.rows.map((row) => Buffer.concat(row.map((cell) =>
          cell === null ? Buffer.from([0xfb]) : lenencString(cell)))),
        eofPacket(r.warnings ?? 0, status),
      ];
    }
  }
}

export interface FakeServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Starts a fake server on 127.0.0.1:0 answering each COM_QUERY with `answer(sql)`. */
export async function startFakeServer(answer: (sql: string) => FakeReply): Promise<FakeServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.write(frame(0, greeting()));
    let loggedIn = false;
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4) {
        const length = pending.readUIntLE(0, 3);
        if (pending.length < 4 + length) break;
        const payload = pending.subarray(4, 4 + length);
        pending = pending.subarray(4 + length);
        if (!loggedIn) {
          loggedIn = true;
          socket.write(frame(2, okPacket({ kind: 'ok' })));
          continue;
        }
        const command = payload[0];
        if (command === 0x01) {
          socket.end();
        } else if (command === 0x03) {
          const packets = replyPackets(answer(payload.subarray(1).toString('utf8')));
          socket.write(Buffer.concat(packets.map((p, i) => frame(i + 1, p))));
        } else {
          socket.write(frame(1, okPacket({ kind: 'ok' })));
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    port: address.port,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
