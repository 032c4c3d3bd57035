/**
 * Wire-level failures: bytes from a client that break the protocol (a malformed packet, a sequence
 * id out of order, a packet above max_allowed_packet, a bad handshake).
 *
 * A ProtocolError is an operating error, not a bug: the client sent it. Unlike a SqlError it always
 * ends the connection, because after a framing failure the byte stream can no longer be trusted.
 * Each kind carries MySQL's own errno and SQLSTATE, attached here where the kind is defined. The
 * engine never raises these, so they are not in engine/errors.ts; the errno values are MySQL's.
 */
export const PROTOCOL_ER = {
  ER_HANDSHAKE_ERROR: { errno: 1043, sqlState: '08S01', message: 'Bad handshake' },
  ER_NET_PACKET_TOO_LARGE: {
    errno: 1153,
    sqlState: '08S01',
    message: "Got a packet bigger than 'max_allowed_packet' bytes",
  },
  ER_NET_PACKETS_OUT_OF_ORDER: {
    errno: 1156,
    sqlState: '08S01',
    message: 'Got packets out of order',
  },
  ER_MALFORMED_PACKET: {
    errno: 1835,
    sqlState: 'HY000',
    message: 'Malformed communication packet.',
  },
} as const satisfies Record<string, { errno: number; sqlState: string; message: string }>;

export type ProtocolErrorName = keyof typeof PROTOCOL_ER;

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly errno: number;
  readonly sqlState: string;
  /**
   * @param code  the MySQL error name; the client sees its errno, SQLSTATE and message
   * @param detail  what exactly was wrong, for the server log only
   * @param sequenceId  the sequence id of the offending packet when it was itself in order, so
   *   that the ERR can carry the id the client expects next; null otherwise
   */
  constructor(
    readonly code: ProtocolErrorName,
    readonly detail: string,
    readonly sequenceId: number | null = null,
  ) {
    super(PROTOCOL_ER[code].message);
    this.errno = PROTOCOL_ER[code].errno;
    this.sqlState = PROTOCOL_ER[code].sqlState;
  }
}

/** Shorthand for the most common case: a payload shorter or stranger than its format allows. */
export function malformed(detail: string): ProtocolError {
  return new ProtocolError('ER_MALFORMED_PACKET', detail);
}
