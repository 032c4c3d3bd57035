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
  ER_NET_READ_INTERRUPTED: {
    errno: 1159,
    sqlState: '08S01',
    message: 'Got timeout reading communication packets',
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

/**
 * Errors the server itself answers to a well-framed command or login, after which the
 * connection carries on (unless the caller decides otherwise, e.g. a failed COM_CHANGE_USER).
 * Like ProtocolError they are not the engine's, so they are not in engine/errors.ts; the errno
 * values and texts are MySQL's.
 */
export const COMMAND_ER = {
  ER_UNKNOWN_STMT_HANDLER: {
    errno: 1243,
    sqlState: 'HY000',
    message: 'Unknown prepared statement handler (%s) given to %s',
  },
  ER_PS_MANY_PARAM: {
    errno: 1390,
    sqlState: 'HY000',
    message: 'Prepared statement contains too many placeholders',
  },
  ER_STMT_HAS_NO_OPEN_CURSOR: {
    errno: 1421,
    sqlState: 'HY000',
    message: 'The statement (%s) has no open cursor.',
  },
  ER_ACCOUNT_HAS_BEEN_LOCKED: {
    errno: 3118,
    sqlState: 'HY000',
    message: "Access denied for user '%s'@'%s'. Account is locked.",
  },
  ER_CLIENT_INTERACTION_TIMEOUT: {
    errno: 4031,
    sqlState: 'HY000',
    message:
      'The client was disconnected by the server because of inactivity. See wait_timeout and ' +
      'interactive_timeout for configuring this behavior.',
  },
  ER_NET_PACKET_TOO_LARGE: PROTOCOL_ER.ER_NET_PACKET_TOO_LARGE,
  ER_MALFORMED_PACKET: PROTOCOL_ER.ER_MALFORMED_PACKET,
} as const satisfies Record<string, { errno: number; sqlState: string; message: string }>;

export type CommandErrorName = keyof typeof COMMAND_ER;

export class CommandError extends Error {
  override readonly name = 'CommandError';
  readonly errno: number;
  readonly sqlState: string;

  constructor(
    readonly code: CommandErrorName,
    args: readonly (string | number)[] = [],
  ) {
    let i = 0;
    super(COMMAND_ER[code].message.replace(/%s/g, () => String(args[i++] ?? '')));
    this.errno = COMMAND_ER[code].errno;
    this.sqlState = COMMAND_ER[code].sqlState;
  }
}
