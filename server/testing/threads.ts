/**
 * Connections to a server running `--read-thread`, by the thread that accepted them (the kernel
 * hands each to either): routed ones (read thread, ids from ROUTED) and direct ones (writer's
 * thread). Every connection opened is pushed on `opened`, for the test to end. Used only by tests.
 */
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';

/** The routed sessions' connection ids start here (main.ts). */
export const ROUTED = 2_000_000_001;

export interface ThreadConnections {
  connect(
    options?: Partial<mysql.ConnectionOptions>,
  ): Promise<{ connection: Connection; id: number }>;
  /** A connection the read thread accepted. */
  routed(options?: Partial<mysql.ConnectionOptions>): Promise<Connection>;
  /** A connection the writer's thread accepted. */
  direct(): Promise<Connection>;
}

export function threadConnections(
  port: () => number,
  database: string,
  opened: Connection[],
): ThreadConnections {
  const connect: ThreadConnections['connect'] = async (options = {}) => {
    const connection = await mysql.createConnection({
      host: '127.0.0.1',
      port: port(),
      user: 'root',
      database,
      ...options,
    });
    opened.push(connection);
    const [rows] = await connection.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
    return { connection, id: Number(rows[0]?.id) };
  };
  const pick = async (
    routedOne: boolean,
    options: Partial<mysql.ConnectionOptions> = {},
  ): Promise<Connection> => {
    for (let i = 0; i < 200; i++) {
      const { connection, id } = await connect(options);
      if (id >= ROUTED === routedOne) return connection;
    }
    throw new Error(`no connection reached the ${routedOne ? 'read' : "writer's"} thread`);
  };
  return { connect, routed: (options) => pick(true, options), direct: () => pick(false) };
}
