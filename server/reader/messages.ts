/**
 * The messages between the writer's thread and a reader thread (reader-bridge.ts and
 * reader-thread.ts).
 *
 *   writer → reader   'records'   a batch the writer shipped: one transferred buffer and where
 *                                 each record ends in it (one copy, not one clone per record)
 *                     'durable'   the writer's VDL
 *                     'schema'    a commit at `lsn` changed the catalog (read-engine.ts RE2)
 *                     'start'     the read engine may open at `vdl` (durable; the records
 *                                 before this message continue it)
 *                     'page'      the answer to a 'read-page': the page, or why not
 *                     'close'     close the listener and the engine, then exit
 *   reader → writer   'read-page' the page `pageId` as of `at` (≤ a VDL the writer reported)
 *                     'listening' the reader's listener is bound to `port`
 *                     'read-floor' the reader's oldest read point, at most every second when it
 *                                 changed: storage keeps what it needs (RF1)
 *                     'failed'    it could not start: `message`
 *
 * Invariant (RM1): the writer posts the feed messages in the order the tap gave them, on one
 * port, so the reader sees records before the VDL that covers them and a schema change before
 * that VDL (read-engine.ts RE2).
 *
 * Invariant (RF1): storage's read floor is at or below every read point the reader has held for
 * READ_FLOOR_INTERVAL_MS (reader-thread.ts); a younger one is within storage's retention window,
 * below which nothing is collected anyway.
 */
import type { Lsn, PageId, StorageErrorKind } from '../../engine/index.js';
import type { TlsIdentity } from '../listener.js';

export interface ReaderThreadData {
  readonly host: string;
  readonly port: number;
  readonly maxConnections: number;
  readonly maxAllowedPacket: number;
  readonly connectTimeoutMs: number;
  readonly logLevel: string;
  readonly bufferPoolPages: number;
  readonly tls: TlsIdentity | null;
  /** The first connection id the reader hands out (the writer's count from 1). */
  readonly firstConnectionId: number;
}

export type ToReader =
  | { readonly kind: 'records'; readonly bytes: ArrayBuffer; readonly ends: readonly number[] }
  | { readonly kind: 'durable'; readonly vdl: Lsn }
  | { readonly kind: 'schema'; readonly lsn: Lsn }
  | { readonly kind: 'start'; readonly vdl: Lsn; readonly catalogRoot: PageId }
  | {
      readonly kind: 'page';
      readonly id: number;
      readonly bytes: ArrayBuffer | null;
      readonly error: { readonly kind: StorageErrorKind; readonly message: string } | null;
    }
  | { readonly kind: 'close' };

export type FromReader =
  | { readonly kind: 'read-page'; readonly id: number; readonly pageId: PageId; readonly at: Lsn }
  | { readonly kind: 'listening'; readonly port: number }
  /** The reader's oldest read point (null: none), when it changed (RF1). */
  | { readonly kind: 'read-floor'; readonly lsn: Lsn | null }
  | { readonly kind: 'failed'; readonly message: string };

/** One buffer holding a batch of records, and where each ends (RM1: one transfer). */
export function packRecords(records: readonly Buffer[]): { bytes: ArrayBuffer; ends: number[] } {
  let total = 0;
  for (const record of records) total += record.length;
  const bytes = new ArrayBuffer(total);
  const view = new Uint8Array(bytes);
  const ends: number[] = [];
  let at = 0;
  for (const record of records) {
    view.set(record, at);
    at += record.length;
    ends.push(at);
  }
  return { bytes, ends };
}

export function unpackRecords(bytes: ArrayBuffer, ends: readonly number[]): Buffer[] {
  const records: Buffer[] = [];
  let start = 0;
  for (const end of ends) {
    records.push(Buffer.from(bytes, start, end - start));
    start = end;
  }
  return records;
}
