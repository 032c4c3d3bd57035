/**
 * Moving a routed connection to the writer's thread (connection.ts C6, routing-session.ts RS4,
 * twin-host.ts TW12). A connection the read thread accepted forwards every statement that writes
 * to its twin on the writer's thread, one cross-thread round trip each; once a statement has run
 * there and nothing is left open here, the connection moves instead: its socket (a duplicate
 * descriptor: Node itself cannot hand a socket to another thread), the bytes it sent ahead, and
 * its prepared statements go to the writer's thread, and the twin becomes its session there.
 * Reads stay on the read thread for connections that only read, or mostly (RS6).
 */
import assert from 'node:assert/strict';
import type { ConnectionHandOff } from '../connection.js';
import { RoutingSession } from './routing-session.js';
import { toWireBytes } from './twin-messages.js';

/** The hand-off of the read thread's routed connections, with `duplicate` (native helper). */
export function routedHandOff(duplicate: (fd: number) => number): ConnectionHandOff {
  return {
    duplicate,
    due: (session) => session instanceof RoutingSession && session.dueToMove,
    ready: async (session, statements) =>
      session instanceof RoutingSession && (await session.readyToMove(statements)),
    move: (session, moving) => {
      assert(session instanceof RoutingSession, 'RS4: only a routed session moves');
      const { statements, scramble, unread, ...rest } = moving;
      const wire = { ...rest, scramble: toWireBytes(scramble), unread: toWireBytes(unread) };
      session.handOff(wire, statements);
    },
  };
}
