/**
 * Engine results → response packets: OK for statements, and text result sets
 * (column count, column definitions, [EOF], rows, EOF or OK-terminator) for queries.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response.html
 *
 * Invariants:
 *   (S1) Rows are encoded as they arrive, a batch at a time, and written once NET_BUFFER_BYTES
 *        are queued, awaiting the socket's drain: a result set is never held whole in memory.
 *   (S2) Without CLIENT_DEPRECATE_EOF a result set is column defs, EOF, rows, EOF; with it,
 *        column defs, rows, OK with header 0xFE. Status flags and warnings are read from the
 *        session when each packet is built.
 *   (S3) With CLIENT_FOUND_ROWS an OK reports matchedRows, otherwise affectedRows.
 */
import type { ColumnInfo, Result, Row, SessionStatus } from '../engine/index.js';
import type { CommandContext } from './commands/context.js';
import { SERVER_STATUS } from './protocol/constants.js';
import { encodeColumnCount } from './protocol/packets/column-count.js';
import { encodeColumnDefinition } from './protocol/packets/column-definition.js';
import { encodeEof } from './protocol/packets/eof.js';
import { encodeOk, OK_EOF_HEADER, OK_HEADER } from './protocol/packets/ok.js';
import { encodeTextRow } from './protocol/packets/text-row.js';
import { unreachable } from './unreachable.js';

export function statusFlagsOf(status: SessionStatus): number {
  let flags = 0;
  if (status.autocommit) flags |= SERVER_STATUS.SERVER_STATUS_AUTOCOMMIT;
  if (status.inTransaction) flags |= SERVER_STATUS.SERVER_STATUS_IN_TRANS;
  return flags;
}

/** An OK with no rows affected, e.g. for COM_PING and COM_INIT_DB. */
export function sendPlainOk(ctx: CommandContext): void {
  const status = ctx.session.status;
  ctx.send(
    encodeOk({
      header: OK_HEADER,
      affectedRows: 0,
      lastInsertId: 0n,
      statusFlags: statusFlagsOf(status),
      warnings: status.warningCount,
      info: '',
    }),
  );
}

export async function sendResult(ctx: CommandContext, result: Result): Promise<void> {
  switch (result.kind) {
    case 'ok': {
      const status = ctx.session.status;
      ctx.send(
        encodeOk({
          header: OK_HEADER,
          affectedRows: ctx.client.foundRows ? result.matchedRows : result.affectedRows, // S3
          lastInsertId: result.lastInsertId,
          statusFlags: statusFlagsOf(status),
          warnings: status.warningCount,
          info: result.info,
        }),
      );
      return;
    }
    case 'rows':
      await sendRows(ctx, result.columns, result.rows);
      return;
    default:
      unreachable(result);
  }
}

async function sendRows(
  ctx: CommandContext,
  columns: readonly ColumnInfo[],
  rows: AsyncIterable<readonly Row[]>,
): Promise<void> {
  ctx.send(encodeColumnCount(columns.length));
  for (const column of columns) ctx.send(encodeColumnDefinition(column));
  if (!ctx.client.deprecateEof) sendEof(ctx);
  for await (const batch of rows) {
    for (const row of batch) ctx.send(encodeTextRow(row, columns));
    await ctx.flushIfFull(); // S1
  }
  if (ctx.client.deprecateEof) {
    const status = ctx.session.status;
    ctx.send(
      encodeOk({
        header: OK_EOF_HEADER,
        affectedRows: 0,
        lastInsertId: 0n,
        statusFlags: statusFlagsOf(status),
        warnings: status.warningCount,
        info: '',
      }),
    );
  } else {
    sendEof(ctx);
  }
}

function sendEof(ctx: CommandContext): void {
  const status = ctx.session.status;
  ctx.send(encodeEof({ warnings: status.warningCount, statusFlags: statusFlagsOf(status) }));
}
