/**
 * 1,000 concurrent connections, each logging in with mysql2 and running a query, against one
 * listener over the fake engine: every one is answered, the connection ids are distinct, and
 * all are closed afterwards.
 */
import { createConnection, type Connection } from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { column, rows } from './testing/fake-engine.js';
import { startFake, until, useCleanups } from './testing/harness.js';

useCleanups();

const CONNECTIONS = 1_000;

describe('load', () => {
  it(`serves ${CONNECTIONS} concurrent connections, each running a query`, async () => {
    const { engine, listener, port } = await startFake(
      (_sql, session) => rows([column('id', 'LONGLONG')], [[[BigInt(session.init.connectionId)]]]),
      { maxConnections: CONNECTIONS + 10 },
    );
    const started = Date.now();
    const connections: Connection[] = [];
    const ids = await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        const conn = await createConnection({ host: '127.0.0.1', port, user: 'root' });
        connections.push(conn);
        const [result] = (await conn.query('SELECT CONNECTION_ID() AS id')) as [
          { id: number }[],
          unknown,
        ];
        return result[0]?.id;
      }),
    );
    expect(listener.connectionCount).toBe(CONNECTIONS);
    expect(new Set(ids).size).toBe(CONNECTIONS);
    await Promise.all(connections.map((c) => c.end()));
    await until(() => listener.connectionCount === 0, 20_000);
    expect(engine.sessions.every((s) => s.closeCount === 1)).toBe(true);
    process.stdout.write(`${CONNECTIONS} connections in ${Date.now() - started} ms\n`);
  });
});
