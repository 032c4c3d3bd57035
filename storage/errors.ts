/**
 * StorageError: the one error type storage/ throws for operating conditions. A broken invariant
 * is an assertion instead. The engine converts StorageError to SqlError at its boundary.
 */
export type StorageErrorKind =
  /** A commit (or a read) could not reach its quorum within its timeout. */
  | 'quorum-timeout'
  /** A segment refused a request from an older epoch: another writer has taken over. */
  | 'stale-epoch'
  /** No segment that is complete up to the read point answered. */
  | 'unavailable'
  /** Bytes failed their crc or did not decode. */
  | 'corrupt'
  /** The client or a node has been closed. */
  | 'closed'
  /** The local store (LMDB) failed; the segment stops acknowledging until recovery. */
  | 'store-failed'
  /** The storage tier is set up wrongly (too few nodes, zones that cannot hold six segments). */
  | 'misconfigured'
  /** A peer failed the cluster-secret check, or spoke another protocol version. */
  | 'unauthenticated';

export class StorageError extends Error {
  override readonly name = 'StorageError';
  constructor(
    readonly kind: StorageErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
