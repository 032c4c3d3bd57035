/**
 * LOAD DATA LOCAL INFILE's packet exchange inside COM_QUERY, byte for byte (golden): the 0xFB
 * request naming the file, the client's content packets up to the empty one, and the OK that
 * answers the command with the sequence ids continuing; a client without CLIENT_LOCAL_FILES gets
 * 3948 and is never asked; mysql2's infileStreamFactory drives the same exchange.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Result } from '../../engine/index.js';
import { CLIENT } from '../protocol/constants.js';
import { decodeErr } from '../protocol/packets/err.js';
import { comQuery, packet, TYPICAL_CLIENT_CAPABILITIES } from '../protocol/testing.js';
import { type FakeHandler, ok } from '../testing/fake-engine.js';
import { connectMysql2, startFake, useCleanups } from '../testing/harness.js';
import { RawClient } from '../testing/raw-client.js';
import { encodeLocalInfileRequest } from './local-infile.js';

useCleanups();

/** Answers LOAD DATA with a file request; the load reports the bytes it received as its info. */
function loader(received: Buffer[]): FakeHandler {
  return (sql) => {
    if (!sql.startsWith('LOAD DATA')) return ok();
    const filename = /'([^']*)'/.exec(sql)?.[1] ?? '';
    const result: Result = {
      kind: 'local-infile',
      filename,
      load: async (content) => {
        received.push(content);
        const lines = content.toString('utf8').split('\n').filter((l) => l !== '').length;
        return ok({
          affectedRows: lines,
          matchedRows: lines,
          info: `Records: ${lines}  Deleted: 0  Skipped: 0  Warnings: 0`,
        });
      },
    };
    return result;
  };
}

describe('LOAD DATA LOCAL INFILE exchange', () => {
  it('asks for the file with 0xFB, reads it to the empty packet, answers OK (golden)', async () => {
    const received: Buffer[] = [];
    const { port } = await startFake(loader(received));
    const capabilities = (TYPICAL_CLIENT_CAPABILITIES | CLIENT.CLIENT_LOCAL_FILES) >>> 0;
    const client = await RawClient.login(port, { capabilities });
    client.command(comQuery("LOAD DATA LOCAL INFILE 'data.tsv' INTO TABLE t"));
    const request = await client.read();
    expect(request.sequenceId).toBe(1);
    expect(request.payload.toString('hex')).toBe('fb' + Buffer.from('data.tsv').toString('hex'));
    expect(encodeLocalInfileRequest('data.tsv')).toEqual(request.payload);
    client.write(
      Buffer.concat([
        packet(2, Buffer.from('1\ta\n2\t')),
        packet(3, Buffer.from('b\n')),
        packet(4, Buffer.alloc(0)),
      ]),
    );
    client.expect(5);
    const answer = await client.read();
    expect(answer.sequenceId).toBe(5);
    const info = 'Records: 2  Deleted: 0  Skipped: 0  Warnings: 0';
    // OK: header, affected rows 2, insert id 0, status AUTOCOMMIT, 0 warnings, info (a
    // length-encoded string under CLIENT_SESSION_TRACK: 0x2f = 47 bytes)
    expect(answer.payload.toString('hex')).toBe(
      '00' + '02' + '00' + '0200' + '0000' + '2f' + Buffer.from(info).toString('hex'),
    );
    expect(received.map((b) => b.toString('utf8'))).toEqual(['1\ta\n2\tb\n']);
    // The connection carries on.
    client.command(comQuery('SELECT 1'));
    expect((await client.read()).payload[0]).toBe(0x00);
    client.destroy();
  });

  it('answers 3948 without asking a client that did not offer CLIENT_LOCAL_FILES', async () => {
    const received: Buffer[] = [];
    const { port } = await startFake(loader(received));
    const client = await RawClient.login(port, { capabilities: TYPICAL_CLIENT_CAPABILITIES });
    client.command(comQuery("LOAD DATA LOCAL INFILE 'data.tsv' INTO TABLE t"));
    const answer = await client.read();
    expect(answer.sequenceId).toBe(1);
    expect(decodeErr(answer.payload)).toMatchObject({ errno: 3948, sqlState: '42000' });
    expect(received).toEqual([]);
    client.destroy();
  });

  it('works with mysql2 streaming the file', async () => {
    const received: Buffer[] = [];
    const { port } = await startFake(loader(received));
    const conn = await connectMysql2(port, {
      infileStreamFactory: () => Readable.from([Buffer.from('x\n'), Buffer.from('y\nz\n')]),
    });
    const [result] = await conn.query("LOAD DATA LOCAL INFILE 'f.txt' INTO TABLE t");
    expect(result).toMatchObject({ affectedRows: 3 });
    expect(Buffer.concat(received).toString('utf8')).toBe('x\ny\nz\n');
  });
});
