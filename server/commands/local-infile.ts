/**
 * LOAD DATA LOCAL INFILE's exchange, inside COM_QUERY: the engine has read the statement and
 * names the file; the server asks the client for it and hands the content to the engine.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response_local_infile_request.html
 *
 *   server → client   int<1> 0xFB, string<EOF> filename       (LOCAL INFILE request)
 *   client → server   the file's bytes in packets, then an empty packet
 *   server → client   OK (or ERR), as for any statement
 *
 * A client that did not negotiate CLIENT_LOCAL_FILES is never asked: the statement fails with
 * ER_CLIENT_LOCAL_FILES_DISABLED (3948), as MySQL answers. The content is bounded
 * (LOCAL_INFILE_BYTES_MAX); past it the rest is drained and the statement fails with
 * ER_NET_PACKET_TOO_LARGE, so the framing stays intact.
 */
import { type Result, SqlError } from '../../engine/index.js';
import type { CommandContext } from './context.js';

/** The largest file LOAD DATA LOCAL accepts: MySQL's max_allowed_packet ceiling, 1 GiB. */
export const LOCAL_INFILE_BYTES_MAX = 1024 * 1024 * 1024;

const LOCAL_INFILE_HEADER = 0xfb;

export function encodeLocalInfileRequest(filename: string): Buffer {
  return Buffer.concat([Buffer.from([LOCAL_INFILE_HEADER]), Buffer.from(filename, 'utf8')]);
}

/** Runs the exchange for a LOAD DATA LOCAL result; the engine's answer. */
export async function localInfile(
  ctx: CommandContext,
  result: Result & { kind: 'local-infile' },
): Promise<Result> {
  if (!ctx.client.localFiles) throw new SqlError('ER_CLIENT_LOCAL_FILES_DISABLED');
  ctx.send(encodeLocalInfileRequest(result.filename));
  const parts: Buffer[] = [];
  let bytes = 0;
  for (;;) {
    const packet = await ctx.readPacket();
    if (packet === null) throw new Error('the client left during LOAD DATA LOCAL');
    if (packet.length === 0) break;
    bytes += packet.length;
    if (bytes <= LOCAL_INFILE_BYTES_MAX) parts.push(packet);
  }
  if (bytes > LOCAL_INFILE_BYTES_MAX) throw new SqlError('ER_NET_PACKET_TOO_LARGE');
  return result.load(Buffer.concat(parts));
}
