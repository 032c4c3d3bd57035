/**
 * COM_FIELD_LIST: the columns of a table in the current database whose names match a LIKE
 * wildcard, as column definitions each followed by its default value, then EOF (or OK with
 * header 0xFE under CLIENT_DEPRECATE_EOF). The mysql CLI sends it for auto-rehash (tab
 * completion) after connecting with a database and after USE.
 *
 *   https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_field_list.html
 */
import { stringCodec } from '../protocol/charsets.js';
import { encodeColumnDefinition } from '../protocol/packets/column-definition.js';
import { appendDefaultValue, decodeFieldList } from '../protocol/packets/field-list.js';
import { resultsCodec, sendEndOfRows } from '../results.js';
import type { CommandHandler } from './context.js';

export const fieldList: CommandHandler = async (ctx, payload) => {
  const request = decodeFieldList(payload);
  const client = stringCodec(ctx.session.status.charsetClient);
  const columns = await ctx.session.fieldList(
    client.decode(request.table),
    client.decode(request.wildcard),
  );
  const charset = ctx.session.status.charsetResults;
  const codec = resultsCodec(ctx);
  for (const { column, defaultValue } of columns) {
    const definition = encodeColumnDefinition(column, charset);
    const encodedDefault = defaultValue === null ? null : codec.encode(defaultValue);
    ctx.send(appendDefaultValue(definition, encodedDefault));
  }
  sendEndOfRows(ctx, 0);
  return 'continue';
};
