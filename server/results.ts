/**
 * Engine results → response packets: OK for statements, and result sets (column count, column
 * definitions, [EOF], rows, EOF or OK-terminator) in the text protocol (COM_QUERY) or the binary
 * protocol (COM_STMT_EXECUTE, COM_STMT_FETCH).
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response.html
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_binary_resultset.html
 *
 * Invariants:
 *   (S1) Rows are encoded as they arrive, a batch at a time, and written once NET_BUFFER_BYTES
 *        are queued, awaiting the socket's drain: a result set is never held whole in memory.
 *   (S2) Without CLIENT_DEPRECATE_EOF a result set is column defs, EOF, rows, EOF; with it,
 *        column defs, rows, OK with header 0xFE. Status flags and warnings are read from the
 *        session when each packet is built.
 *   (S3) With CLIENT_FOUND_ROWS an OK reports matchedRows, otherwise affectedRows.
 *   (S4) The last packet of every result but the last of a multi-result response carries
 *        SERVER_MORE_RESULTS_EXISTS (multi-statements).
 *   (S5) Strings and column metadata go out in the session's character_set_results.
 */
import type { ColumnInfo, Result, Row, SessionStatus, WireCharset } from '../engine/index.js';
import type { CommandContext } from './commands/context.js';
import { type StringCodec, stringCodec } from './protocol/charsets.js';
import { SERVER_STATUS } from './protocol/constants.js';
import { encodeBinaryRow, sendBinaryRow } from './protocol/packets/binary-row.js';
import { encodeColumnCount } from './protocol/packets/column-count.js';
import { encodeColumnDefinition } from './protocol/packets/column-definition.js';
import { encodeEof } from './protocol/packets/eof.js';
import { encodeOk, OK_EOF_HEADER, OK_HEADER } from './protocol/packets/ok.js';
import { encodeTextRow } from './protocol/packets/text-row.js';
import { unreachable } from './unreachable.js';

export function statusFlagsOf(status: SessionStatus, extra = 0): number {
  let flags = extra;
  if (status.autocommit) flags |= SERVER_STATUS.SERVER_STATUS_AUTOCOMMIT;
  if (status.inTransaction) flags |= SERVER_STATUS.SERVER_STATUS_IN_TRANS;
  return flags;
}

export type RowProtocol = 'text' | 'binary';

export interface ResultFraming {
  /** S4: another result follows this one. */
  readonly moreResults: boolean;
  readonly protocol: RowProtocol;
}

export const SINGLE_TEXT_RESULT: ResultFraming = { moreResults: false, protocol: 'text' };

function moreFlag(framing: ResultFraming): number {
  return framing.moreResults ? SERVER_STATUS.SERVER_MORE_RESULTS_EXISTS : 0;
}

/** An OK with no rows affected, e.g. for COM_PING and COM_INIT_DB. */
export function sendPlainOk(ctx: CommandContext, extraFlags = 0): void {
  const status = ctx.session.status;
  ctx.send(
    encodeOk({
      header: OK_HEADER,
      affectedRows: 0,
      lastInsertId: 0n,
      statusFlags: statusFlagsOf(status, extraFlags),
      warnings: status.warningCount,
      info: '',
    }),
  );
}

/**
 * sendResult without a promise when it needs none (issue 8): a result whose rows the engine
 * already collected, or an OK, is queued at once; the promise is the socket's drain, if the
 * queued bytes passed NET_BUFFER_BYTES (S1). Anything else goes through sendResult.
 */
export function sendResultNow(
  ctx: CommandContext,
  result: Result,
  framing: ResultFraming,
): Promise<void> | undefined {
  if (result.kind === 'rows' && result.collected !== undefined) {
    sendResultMetadata(ctx, result.columns, 0);
    sendBatch(ctx, result.columns, result.collected, framing.protocol, resultsCodec(ctx));
    const full = ctx.flushIfFull(); // S1
    if (full !== undefined) {
      return full.then(() => sendEndOfRows(ctx, moreFlag(framing)));
    }
    sendEndOfRows(ctx, moreFlag(framing));
    return undefined;
  }
  if (result.kind === 'ok') {
    sendOk(ctx, result, framing);
    return undefined;
  }
  return sendResult(ctx, result, framing);
}

function sendOk(
  ctx: CommandContext,
  result: Result & { readonly kind: 'ok' },
  framing: ResultFraming,
): void {
  const status = ctx.session.status;
  ctx.send(
    encodeOk({
      header: OK_HEADER,
      affectedRows: ctx.client.foundRows ? result.matchedRows : result.affectedRows, // S3
      lastInsertId: result.lastInsertId,
      statusFlags: statusFlagsOf(status, moreFlag(framing)),
      warnings: status.warningCount,
      info: result.info,
    }),
  );
}

export async function sendResult(
  ctx: CommandContext,
  result: Result,
  framing: ResultFraming = SINGLE_TEXT_RESULT,
): Promise<void> {
  switch (result.kind) {
    case 'ok':
      sendOk(ctx, result, framing);
      return;
    case 'rows':
      sendResultMetadata(ctx, result.columns, 0);
      await sendRows(ctx, result.columns, result.rows, framing.protocol);
      sendEndOfRows(ctx, moreFlag(framing));
      return;
    case 'multi': {
      // CALL: each result set, then the final OK, all but the last flagged (S4).
      const more: ResultFraming = { moreResults: true, protocol: framing.protocol };
      for (const sub of result.results) await sendResult(ctx, sub, more);
      await sendResult(ctx, result.final, framing);
      return;
    }
    case 'local-infile':
      // COM_QUERY exchanges the file first (commands/local-infile.ts); nothing else returns it.
      throw new Error('a LOAD DATA LOCAL result outside COM_QUERY');
    default:
      unreachable(result);
  }
}

/** The session's character_set_results (S5). */
export function resultsCodec(ctx: CommandContext): StringCodec {
  return stringCodec(ctx.session.status.charsetResults);
}

/** Column count, column definitions, and the EOF that closes them unless DEPRECATE_EOF (S2). */
export function sendResultMetadata(
  ctx: CommandContext,
  columns: readonly ColumnInfo[],
  extraFlags: number,
): void {
  ctx.send(encodeColumnCount(columns.length));
  sendColumnDefinitions(ctx, columns);
  if (!ctx.client.deprecateEof) sendEof(ctx, extraFlags);
}

export function sendColumnDefinitions(ctx: CommandContext, columns: readonly ColumnInfo[]): void {
  const charset = ctx.session.status.charsetResults;
  for (const column of columns) ctx.send(columnDefinition(column, charset));
}

/**
 * Column definitions encoded once per ColumnInfo and charset (issue 8: a prepared statement's
 * plan hands out the same ColumnInfo objects on every execution). ColumnInfo is immutable, and a
 * queued payload is only copied into the frame (framing.ts), so sharing the bytes is safe.
 */
const encodedColumns = new WeakMap<ColumnInfo, Map<WireCharset, Buffer>>();

function columnDefinition(column: ColumnInfo, charset: WireCharset): Buffer {
  let byCharset = encodedColumns.get(column);
  if (byCharset === undefined) {
    byCharset = new Map();
    encodedColumns.set(column, byCharset);
  }
  let bytes = byCharset.get(charset);
  if (bytes === undefined) {
    bytes = encodeColumnDefinition(column, charset);
    byCharset.set(charset, bytes);
  }
  return bytes;
}

export function encodeRow(
  row: Row,
  columns: readonly ColumnInfo[],
  protocol: RowProtocol,
  codec: StringCodec,
): Buffer {
  return protocol === 'text'
    ? encodeTextRow(row, columns, codec)
    : encodeBinaryRow(row, columns, codec);
}

async function sendRows(
  ctx: CommandContext,
  columns: readonly ColumnInfo[],
  rows: AsyncIterable<readonly Row[]>,
  protocol: RowProtocol,
): Promise<void> {
  const codec = resultsCodec(ctx);
  for await (const batch of rows) {
    sendBatch(ctx, columns, batch, protocol, codec);
    await ctx.flushIfFull(); // S1
  }
}

function sendBatch(
  ctx: CommandContext,
  columns: readonly ColumnInfo[],
  batch: readonly Row[],
  protocol: RowProtocol,
  codec: StringCodec,
): void {
  if (protocol === 'binary') {
    for (const row of batch) sendBinaryRow(ctx, row, columns, codec);
  } else {
    for (const row of batch) ctx.send(encodeTextRow(row, columns, codec));
  }
}

/** The packet after the last row: EOF, or OK with header 0xFE under DEPRECATE_EOF (S2). */
export function sendEndOfRows(ctx: CommandContext, extraFlags: number): void {
  if (!ctx.client.deprecateEof) {
    sendEof(ctx, extraFlags);
    return;
  }
  const status = ctx.session.status;
  ctx.send(
    encodeOk({
      header: OK_EOF_HEADER,
      affectedRows: 0,
      lastInsertId: 0n,
      statusFlags: statusFlagsOf(status, extraFlags),
      warnings: status.warningCount,
      info: '',
    }),
  );
}

export function sendEof(ctx: CommandContext, extraFlags: number): void {
  const status = ctx.session.status;
  ctx.send(
    encodeEof({ warnings: status.warningCount, statusFlags: statusFlagsOf(status, extraFlags) }),
  );
}
