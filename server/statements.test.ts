/**
 * Prepared statements, binary results, multi-statements and COM_SET_OPTION end to end: mysql2's
 * execute() (which sends COM_STMT_PREPARE / EXECUTE / CLOSE) and a raw client for what mysql2
 * never does (remembered parameter types, statement id 0xFFFFFFFF, long data, cursors, reset).
 */
import { createRequire } from 'node:module';
import type { ResultSetHeader } from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import {
  COLUMN_FLAG,
  type ColumnInfo,
  type Row,
  SqlError,
  type SqlValue,
} from '../engine/index.js';
import { CLIENT, COM, CURSOR_TYPE, MYSQL_TYPE, SERVER_STATUS } from './protocol/constants.js';
import { decodeBinaryRow } from './protocol/packets/binary-row.js';
import { decodeColumnDefinition41 } from './protocol/packets/column-definition.js';
import { decodeEof } from './protocol/packets/eof.js';
import { decodeErr } from './protocol/packets/err.js';
import { decodeOk } from './protocol/packets/ok.js';
import { encodeSetOption } from './protocol/packets/set-option.js';
import { encodeStmtClose } from './protocol/packets/stmt-close.js';
import {
  encodeStmtExecute,
  type EncodedParam,
  LAST_PREPARED_STATEMENT_ID,
} from './protocol/packets/stmt-execute.js';
import { encodeStmtFetch } from './protocol/packets/stmt-fetch.js';
import { decodeStmtPrepareOk } from './protocol/packets/stmt-prepare-ok.js';
import { encodeStmtReset } from './protocol/packets/stmt-reset.js';
import { encodeStmtSendLongData } from './protocol/packets/stmt-send-long-data.js';
import { decodeTextRow } from './protocol/packets/text-row.js';
import {
  comQuery,
  lenEncStr,
  packet,
  TYPICAL_CLIENT_CAPABILITIES,
  u8,
} from './protocol/testing.js';
import { column, type FakeHandler, ok, rows } from './testing/fake-engine.js';
import { connectMysql2, startFake, until, useCleanups } from './testing/harness.js';
import { RawClient } from './testing/raw-client.js';

useCleanups();

const require = createRequire(import.meta.url);
type Typed = Record<string, ((value: unknown) => unknown) & { unsigned?: (v: unknown) => unknown }>;
const typed = (require('mysql2/promise') as { TypedParameter: Typed }).TypedParameter;
const T = (name: string): ((value: unknown) => unknown) => typed[name] as (v: unknown) => unknown;

interface StatementInfo {
  readonly columns: { name: string }[];
  readonly parameters: unknown[];
}

const isEof = (p: Buffer): boolean => p[0] === 0xfe && p.length < 9;

/** A handler that answers every prepared statement with its own parameters as one row. */
const echo: FakeHandler = (_sql, _session, params) =>
  params === undefined ? ok() : rows([column('n', 'LONGLONG')], [[[BigInt(params.length)]]]);

describe('prepared statements through mysql2', () => {
  it('decodes every parameter type mysql2 sends into the seam representation', async () => {
    const { engine, port } = await startFake(echo);
    const conn = await connectMysql2(port, { timezone: 'Z' });
    const values: unknown[] = [
      42,
      -1.5,
      'héllo',
      null,
      true,
      new Date('2024-03-04T05:06:07.089Z'),
      Buffer.from([0, 255, 10]),
      { a: [1, 2] },
      12345678901234567890n,
      T('TINY')(-128),
      T('SHORT')(-32768),
      T('LONG')(-2147483648),
      T('LONGLONG')('-9223372036854775808'),
      (typed['LONGLONG']?.unsigned as (v: unknown) => unknown)('18446744073709551615'),
      T('INT24')(8388607),
      T('YEAR')(2024),
      T('FLOAT')(0.5),
      T('DOUBLE')(1e300),
      T('NEWDECIMAL')('-12.50'),
      T('DATE')(new Date('2024-02-29T00:00:00Z')),
      T('TIMESTAMP')(new Date('2024-02-29T23:59:59.000Z')),
      T('TIME')('-838:59:59.5'),
      T('TIME')('00:00:00'),
      T('BLOB')(Buffer.from('blob')),
      T('STRING')('chars'),
      T('ENUM')('e'),
      T('JSON')({ b: true }),
      T('NULL')(null),
    ];
    const sql = `SELECT ${values.map(() => '?').join(', ')}`;
    const [result] = await conn.execute(sql, values as never);
    expect(result).toEqual([{ n: values.length }]);
    const expected: SqlValue[] = [
      42,
      -1.5,
      'héllo',
      null,
      1n,
      '2024-03-04 05:06:07.089000',
      Buffer.from([0, 255, 10]),
      '{"a":[1,2]}',
      '12345678901234567890',
      -128n,
      -32768n,
      -2147483648n,
      -9223372036854775808n,
      18446744073709551615n,
      8388607n,
      2024n,
      0.5,
      1e300,
      '-12.50',
      '2024-02-29',
      '2024-02-29 23:59:59',
      '-838:59:59.500000',
      '00:00:00',
      Buffer.from('blob'),
      'chars',
      'e',
      '{"b":true}',
      null,
    ];
    expect(engine.sessions[0]?.executedPrepared[0]?.params).toEqual(expected);
  });

  it('sends binary rows for every column type, read back by mysql2 as MySQL would', async () => {
    const columns: ColumnInfo[] = [
      column('tiny', 'TINY', { flags: COLUMN_FLAG.UNSIGNED }),
      column('short', 'SHORT'),
      column('int24', 'INT24'),
      column('long', 'LONG'),
      column('big', 'LONGLONG', { flags: COLUMN_FLAG.UNSIGNED }),
      column('neg', 'LONGLONG'),
      column('year', 'YEAR', { flags: COLUMN_FLAG.UNSIGNED | COLUMN_FLAG.ZEROFILL }),
      column('f', 'FLOAT'),
      column('d', 'DOUBLE'),
      column('dec', 'NEWDECIMAL', { decimals: 2 }),
      column('day', 'DATE'),
      column('at', 'DATETIME', { decimals: 6 }),
      column('ts', 'TIMESTAMP'),
      column('zero', 'DATETIME'),
      column('t', 'TIME'),
      column('s', 'VARCHAR'),
      column('c', 'STRING'),
      column('b', 'BLOB', { collation: 63, flags: COLUMN_FLAG.BINARY | COLUMN_FLAG.BLOB }),
      column('bits', 'BIT', { length: 10, collation: 63, flags: COLUMN_FLAG.UNSIGNED }),
      column('e', 'ENUM'),
      column('j', 'JSON', { collation: 63, flags: COLUMN_FLAG.BINARY | COLUMN_FLAG.BLOB }),
      column('nothing', 'VARCHAR'),
    ];
    const row: Row = [
      255n, -32768n, -8388608n, 2147483647n, 18446744073709551615n, -9223372036854775808n,
      2024n, 0.25, -1e-300, '-123.45', '2024-02-29', '2024-02-29 23:59:59.123456',
      '1970-01-02 00:00:00', '0000-00-00 00:00:00', '-838:59:59', 'héllo', 'pad',
      Buffer.from([0, 0xfb, 0xff]), 0x2ffn, 'b', '{"k": [1, null]}', null,
    ];
    const { port } = await startFake(() => rows(columns, [[row]]));
    const conn = await connectMysql2(port, {
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
    });
    const options = { sql: 'SELECT everything WHERE 1 = ?', rowsAsArray: true };
    const [result] = await conn.execute(options as unknown as string, [1]);
    expect(result).toEqual([
      [
        255, -32768, -8388608, 2147483647, '18446744073709551615', '-9223372036854775808', 2024,
        0.25, -1e-300, '-123.45', '2024-02-29', '2024-02-29 23:59:59.123456',
        '1970-01-02 00:00:00', '0000-00-00 00:00:00', '-838:59:59', 'héllo', 'pad',
        Buffer.from([0, 0xfb, 0xff]), Buffer.from([0x02, 0xff]), 'b', { k: [1, null] }, null,
      ],
    ]);
  });

  it('prepares once per text (mysql2 caches), and closes on unprepare', async () => {
    const { engine, port } = await startFake(echo);
    const conn = await connectMysql2(port);
    await conn.execute('SELECT ?', [1]);
    await conn.execute('SELECT ?', [2]);
    const session = engine.sessions[0];
    expect(session?.prepared).toHaveLength(1);
    expect(session?.executedPrepared.map((e) => e.params)).toEqual([[1], [2]]);
    conn.unprepare('SELECT ?');
    await conn.query('SELECT 1'); // the close is sent before this; it has no reply
    expect(session?.prepared[0]?.closeCount).toBe(1);
  });

  it('answers a failing PREPARE with its error, and OK results with affected rows', async () => {
    const { engine, port } = await startFake((_sql, _s, params) =>
      ok({ affectedRows: 1, matchedRows: 1, lastInsertId: BigInt(Number(params?.[0] ?? 0)) }),
    );
    engine.describe = (sql) => {
      if (sql.startsWith('SELEC ')) throw new SqlError('ER_PARSE_ERROR', ['SELEC broken ?', 1]);
      return { paramCount: 1, columns: [] };
    };
    const conn = await connectMysql2(port);
    await expect(conn.execute('SELEC broken ?', [1])).rejects.toMatchObject({
      code: 'ER_PARSE_ERROR',
      errno: 1064,
    });
    const [header] = (await conn.execute('INSERT INTO t VALUES (?)', [7])) as [
      ResultSetHeader,
      unknown,
    ];
    expect(header).toMatchObject({ affectedRows: 1, insertId: 7 });
    await conn.end();
    await until(() => engine.sessions[0]?.closeCount === 1);
    expect(engine.sessions[0]?.prepared.map((p) => p.closeCount)).toEqual([1]);
  });

  it('reports the result columns known at PREPARE', async () => {
    const columns = [
      column('id', 'LONGLONG', { flags: COLUMN_FLAG.PRI_KEY }),
      column('s', 'VARCHAR'),
    ];
    const { engine, port } = await startFake(() => rows(columns, [[[1n, 'a']]]));
    engine.describe = () => ({ paramCount: 1, columns });
    const conn = await connectMysql2(port);
    const statement = await conn.prepare('SELECT id, s FROM t WHERE id = ?');
    const meta = (statement as unknown as { statement: StatementInfo }).statement;
    expect(meta.columns.map((c) => c.name)).toEqual(['id', 's']);
    expect(meta.parameters).toHaveLength(1);
    expect((await statement.execute([1]))[0]).toEqual([{ id: 1, s: 'a' }]);
    await statement.close();
  });
});

describe('multi-statements and multi-results', () => {
  const handler: FakeHandler = (sql) => {
    if (sql === 'SELECT 1') return rows([column('one', 'LONGLONG')], [[[1n]]]);
    if (sql === 'SELECT 2') return rows([column('two', 'LONGLONG')], [[[2n]]]);
    if (sql === 'BAD') throw new SqlError('ER_NO_SUCH_TABLE', ['test', 'bad']);
    const info = 'Rows matched: 3  Changed: 3  Warnings: 0';
    return ok({ affectedRows: 3, matchedRows: 3, info });
  };

  it('answers each statement with its own result, flagged MORE_RESULTS but the last', async () => {
    const { engine, port } = await startFake(handler);
    const conn = await connectMysql2(port, { multipleStatements: true });
    const [results] = await conn.query("SELECT 1; SELECT 2; UPDATE t SET s = ';'");
    expect(results).toEqual([
      [{ one: 1 }],
      [{ two: 2 }],
      expect.objectContaining({ affectedRows: 3, changedRows: 3 }),
    ]);
    expect(engine.sessions[0]?.executed).toEqual(['SELECT 1', 'SELECT 2', "UPDATE t SET s = ';'"]);
  });

  it('stops at the first error', async () => {
    const { engine, port } = await startFake(handler);
    const conn = await connectMysql2(port, { multipleStatements: true });
    await expect(conn.query('SELECT 1; BAD; SELECT 2')).rejects.toMatchObject({ errno: 1146 });
    expect(engine.sessions[0]?.executed).toEqual(['SELECT 1', 'BAD']);
    expect((await conn.query('SELECT 2'))[0]).toEqual([{ two: 2 }]);
  });

  it('sends the whole text as one statement without CLIENT_MULTI_STATEMENTS', async () => {
    const { engine, port } = await startFake(handler);
    const conn = await connectMysql2(port);
    await conn.query('SELECT 1; SELECT 2');
    expect(engine.sessions[0]?.executed).toEqual(['SELECT 1; SELECT 2']);
  });

  it('switches multi-statements with COM_SET_OPTION, answering EOF', async () => {
    const { engine, port } = await startFake(handler);
    const client = await RawClient.login(port);
    client.command(encodeSetOption({ option: 0 }));
    expect((await client.read()).payload.toString('hex')).toBe('fe00000200');
    client.command(comQuery('SELECT 1; SELECT 2'));
    const first = await client.readUntil(isEof);
    const firstEnd = await client.readUntil(isEof);
    expect(first).toHaveLength(3);
    expect(decodeEof(firstEnd.at(-1)?.payload as Buffer).statusFlags).toBe(
      SERVER_STATUS.SERVER_STATUS_AUTOCOMMIT | SERVER_STATUS.SERVER_MORE_RESULTS_EXISTS,
    );
    await client.readUntil(isEof);
    const secondEnd = await client.readUntil(isEof);
    expect(decodeEof(secondEnd.at(-1)?.payload as Buffer).statusFlags).toBe(
      SERVER_STATUS.SERVER_STATUS_AUTOCOMMIT,
    );
    client.command(encodeSetOption({ option: 1 }));
    expect(isEof((await client.read()).payload)).toBe(true);
    client.command(comQuery('SELECT 1; SELECT 2'));
    await client.readUntil((p) => p[0] === 0x00);
    client.command(encodeSetOption({ option: 7 }));
    expect(decodeErr((await client.read()).payload).errno).toBe(1047);
    expect(engine.sessions[0]?.executed).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 1; SELECT 2']);
    client.destroy();
  });
});

/** A raw client logged in, with helpers for the statement commands. */
async function rawSession(
  port: number,
  capabilities = TYPICAL_CLIENT_CAPABILITIES,
): Promise<RawClient> {
  return RawClient.login(port, { capabilities });
}

async function prepare(client: RawClient, sql: string): Promise<number> {
  client.command(Buffer.concat([u8(COM.COM_STMT_PREPARE), Buffer.from(sql)]));
  const first = await client.read();
  if (first.payload[0] !== 0) {
    throw new Error(`prepare failed: ${decodeErr(first.payload).message}`);
  }
  const ok = decodeStmtPrepareOk(first.payload);
  if (ok.paramCount > 0) await client.readUntil(isEof);
  if (ok.columnCount > 0) await client.readUntil(isEof);
  return ok.statementId;
}

const longlong = (n: bigint): EncodedParam => {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64LE(n);
  return { type: MYSQL_TYPE.MYSQL_TYPE_LONGLONG, bytes };
};
const varString = (s: string): EncodedParam => ({
  type: MYSQL_TYPE.MYSQL_TYPE_VAR_STRING,
  bytes: lenEncStr(s),
});

describe('prepared statements through a raw client', () => {
  it('remembers parameter types when new_params_bound is 0 (libmariadb, sysbench)', async () => {
    const { engine, port } = await startFake(() => ok());
    const client = await rawSession(port);
    const id = await prepare(client, 'UPDATE t SET c = ? WHERE id = ?');
    client.command(encodeStmtExecute({ statementId: id, params: [varString('a'), longlong(1n)] }));
    expect((await client.read()).payload[0]).toBe(0);
    const second = [varString('bb'), longlong(-2n)];
    client.command(encodeStmtExecute({ statementId: id, params: second, sendTypes: false }));
    expect((await client.read()).payload[0]).toBe(0);
    expect(engine.sessions[0]?.executedPrepared.map((e) => e.params)).toEqual([
      ['a', 1n],
      ['bb', -2n],
    ]);
    const fresh = await prepare(client, 'SELECT ?');
    const untyped = { statementId: fresh, params: [longlong(1n)], sendTypes: false };
    client.command(encodeStmtExecute(untyped));
    expect(decodeErr((await client.read()).payload)).toMatchObject({ errno: 1210 });
    client.destroy();
  });

  it('runs a pipelined PREPARE + EXECUTE of statement 0xFFFFFFFF (mariadb connector)', async () => {
    const { port } = await startFake((_sql, _s, params) =>
      rows([column('v', 'LONGLONG')], [[[params?.[0] as bigint]]]),
    );
    const client = await rawSession(port);
    const execute = encodeStmtExecute({
      statementId: LAST_PREPARED_STATEMENT_ID,
      params: [longlong(99n)],
    });
    client.write(
      Buffer.concat([
        packet(0, Buffer.concat([u8(COM.COM_STMT_PREPARE), Buffer.from('SELECT ?')])),
        packet(0, execute),
      ]),
    );
    client.expect(1);
    await client.readUntil(isEof); // PREPARE_OK + param def + EOF
    client.expect(1);
    const result = await client.readUntil(isEof); // column count, def, EOF
    const rowsAndEof = await client.readUntil(isEof);
    expect(result).toHaveLength(3);
    const values = decodeBinaryRow(rowsAndEof[0]?.payload as Buffer, [column('v', 'LONGLONG')]);
    expect(values).toEqual([99n]);
    client.destroy();
  });

  it('answers an unknown statement id with 1243 and carries on; CLOSE has no reply', async () => {
    const { port } = await startFake(() => ok());
    const client = await rawSession(port);
    client.command(encodeStmtExecute({ statementId: 77, params: [] }));
    expect(decodeErr((await client.read()).payload)).toEqual({
      errno: 1243,
      sqlState: 'HY000',
      message: 'Unknown prepared statement handler (77) given to mysqld_stmt_execute',
    });
    const id = await prepare(client, 'DO 1');
    client.command(encodeStmtClose({ statementId: id }));
    client.command(encodeStmtExecute({ statementId: id, params: [] }));
    expect(decodeErr((await client.read()).payload).errno).toBe(1243);
    client.command(encodeStmtExecute({ statementId: LAST_PREPARED_STATEMENT_ID, params: [] }));
    expect(decodeErr((await client.read()).payload).errno).toBe(1243);
    client.destroy();
  });

  it('joins long data per parameter, and COM_STMT_RESET forgets it', async () => {
    const { engine, port } = await startFake(() => ok());
    const client = await rawSession(port);
    const id = await prepare(client, 'INSERT INTO t VALUES (?, ?)');
    const send = (paramId: number, data: string): void =>
      client.command(encodeStmtSendLongData({ statementId: id, paramId, data: Buffer.from(data) }));
    send(0, 'hello, ');
    send(1, 'bytes');
    send(0, 'world');
    const blob = { type: MYSQL_TYPE.MYSQL_TYPE_BLOB, bytes: Buffer.alloc(0) };
    const text = { type: MYSQL_TYPE.MYSQL_TYPE_VAR_STRING, bytes: Buffer.alloc(0) };
    client.command(encodeStmtExecute({ statementId: id, params: [text, blob] }));
    expect((await client.read()).payload[0]).toBe(0);
    send(0, 'forgotten');
    client.command(encodeStmtReset({ statementId: id }));
    expect(decodeOk((await client.read()).payload).header).toBe(0);
    client.command(encodeStmtExecute({ statementId: id, params: [varString('x'), longlong(1n)] }));
    expect((await client.read()).payload[0]).toBe(0);
    send(5, 'no such parameter');
    client.command(encodeStmtExecute({ statementId: id, params: [varString('x'), longlong(1n)] }));
    expect(decodeErr((await client.read()).payload).errno).toBe(1210);
    expect(engine.sessions[0]?.executedPrepared.map((e) => e.params)).toEqual([
      ['hello, world', Buffer.from('bytes')],
      ['x', 1n],
    ]);
    client.command(encodeStmtReset({ statementId: 999 }));
    expect(decodeErr((await client.read()).payload).errno).toBe(1243);
    client.destroy();
  });

  it('opens a read-only cursor and serves COM_STMT_FETCH until LAST_ROW_SENT', async () => {
    const columns = [column('n', 'LONGLONG')];
    const all = Array.from({ length: 5 }, (_, i): Row => [BigInt(i)]);
    const { port } = await startFake(() => rows(columns, [all.slice(0, 2), all.slice(2)]));
    const client = await rawSession(port);
    const id = await prepare(client, 'SELECT n FROM t');
    client.command(
      encodeStmtExecute({ statementId: id, flags: CURSOR_TYPE.CURSOR_TYPE_READ_ONLY, params: [] }),
    );
    const meta = await client.readUntil(isEof);
    expect(meta.map((p) => p.payload[0])).toEqual([1, 3, 0xfe]);
    const cursorFlag = SERVER_STATUS.SERVER_STATUS_CURSOR_EXISTS;
    expect(decodeEof(meta[2]?.payload as Buffer).statusFlags & cursorFlag).toBe(cursorFlag);
    const fetch = async (count: number): Promise<{ values: SqlValue[]; flags: number }> => {
      client.command(encodeStmtFetch({ statementId: id, rowCount: count }));
      const packets = await client.readUntil(isEof);
      const end = decodeEof(packets.at(-1)?.payload as Buffer);
      const values = packets.slice(0, -1).flatMap((p) => decodeBinaryRow(p.payload, columns));
      return { values, flags: end.statusFlags };
    };
    expect(await fetch(3)).toEqual({ values: [0n, 1n, 2n], flags: 2 | cursorFlag });
    expect(await fetch(10)).toEqual({
      values: [3n, 4n],
      flags: 2 | SERVER_STATUS.SERVER_STATUS_LAST_ROW_SENT,
    });
    client.command(encodeStmtFetch({ statementId: id, rowCount: 1 }));
    expect(decodeErr((await client.read()).payload)).toMatchObject({
      errno: 1421,
      message: `The statement (${id}) has no open cursor.`,
    });
    client.destroy();
  });

  it('frames PREPARE_OK and binary results with OK terminators under DEPRECATE_EOF', async () => {
    const columns = [column('a', 'VARCHAR')];
    const { engine, port } = await startFake(() => rows(columns, [[['x']]]));
    engine.describe = () => ({ paramCount: 2, columns });
    const client = await rawSession(
      port,
      (TYPICAL_CLIENT_CAPABILITIES | CLIENT.CLIENT_DEPRECATE_EOF) >>> 0,
    );
    client.command(Buffer.concat([u8(COM.COM_STMT_PREPARE), Buffer.from('SELECT a WHERE ?, ?')]));
    const ok = decodeStmtPrepareOk((await client.read()).payload);
    expect(ok).toMatchObject({ paramCount: 2, columnCount: 1 });
    const params = [await client.read(), await client.read()];
    expect(params.map((p) => decodeColumnDefinition41(p.payload))).toMatchObject([
      { name: '?', type: 253, characterSet: 63, flags: 128 },
      { name: '?' },
    ]);
    expect(decodeColumnDefinition41((await client.read()).payload).name).toBe('a');
    client.command(
      encodeStmtExecute({ statementId: ok.statementId, params: [longlong(1n), varString('y')] }),
    );
    const response = await client.readUntil((p) => p[0] === 0xfe);
    expect(response.map((p) => p.payload[0])).toEqual([1, 3, 0, 0xfe]);
    expect(decodeBinaryRow(response[2]?.payload as Buffer, columns)).toEqual(['x']);
    client.destroy();
  });

  it('answers a malformed EXECUTE with 1835 and keeps the connection', async () => {
    const { port } = await startFake(() => ok());
    const client = await rawSession(port);
    const id = await prepare(client, 'SELECT ?');
    client.command(Buffer.from([COM.COM_STMT_EXECUTE, id, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0xf0, 0]));
    expect(decodeErr((await client.read()).payload).errno).toBe(1835);
    client.command(Buffer.from([COM.COM_STMT_EXECUTE, id]));
    expect(decodeErr((await client.read()).payload).errno).toBe(1835);
    client.command(comQuery('SELECT 1'));
    expect((await client.read()).payload[0]).toBe(0);
    client.destroy();
  });
});

describe('text results and charsets', () => {
  it('encodes strings and metadata in character_set_results', async () => {
    const columns = [column('naïve', 'VARCHAR', { length: 40 })];
    const { engine, port } = await startFake(() => rows(columns, [[['€uro 😀']]]));
    const client = await RawClient.login(port);
    const session = engine.sessions[0];
    if (session === undefined) throw new Error('no session');
    type Seen = { charset: number; length: number; name: Buffer; cell: Buffer };
    const read = async (): Promise<Seen> => {
      client.command(comQuery('SELECT'));
      const packets = await client.readUntil(isEof);
      const rest = await client.readUntil(isEof);
      const def = decodeColumnDefinition41(packets[1]?.payload as Buffer);
      const nameBytes = (packets[1]?.payload as Buffer).subarray(9, 9 + 6);
      const cell = decodeTextRow(rest[0]?.payload as Buffer, 1)[0] as Buffer;
      return { charset: def.characterSet, length: def.columnLength, name: nameBytes, cell };
    };
    expect(await read()).toMatchObject({ charset: 255, length: 40, cell: Buffer.from('€uro 😀') });
    session.status = { ...session.status, charsetResults: 'latin1' };
    const latin1 = await read();
    expect(latin1).toMatchObject({ charset: 8, length: 10 });
    expect(latin1.cell).toEqual(Buffer.from([0x80, ...Buffer.from('uro ?')]));
    session.status = { ...session.status, charsetResults: 'utf8mb3' };
    expect(await read()).toMatchObject({ charset: 33, length: 30, cell: Buffer.from('€uro ?') });
    session.status = { ...session.status, charsetResults: 'binary' };
    expect(await read()).toMatchObject({ charset: 255, length: 40, cell: Buffer.from('€uro 😀') });
    client.destroy();
  });

  it('passes the handshake charset to the session', async () => {
    const { engine, port } = await startFake(() => ok());
    await connectMysql2(port, { charset: 'latin1_swedish_ci' });
    await connectMysql2(port, { charset: 'UTF8_GENERAL_CI' });
    await connectMysql2(port, { charset: 'binary' });
    await connectMysql2(port);
    expect(engine.sessions.map((s) => s.init.charset)).toEqual([
      'latin1',
      'utf8mb3',
      'binary',
      'utf8mb4',
    ]);
  });
});
