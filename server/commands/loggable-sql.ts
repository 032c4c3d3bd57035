/**
 * SQL text for the debug log, with statements that may carry a password (CREATE/ALTER USER …
 * IDENTIFIED BY, SET PASSWORD, GRANT … IDENTIFIED) replaced by a marker: passwords are never
 * logged (connection.ts C4).
 */
const SECRET = /\b(IDENTIFIED|PASSWORD)\b/i;
const TEXT_MAX = 2_000;

export function loggableSql(text: Buffer): string {
  const sql = text.toString('utf8', 0, Math.min(text.length, TEXT_MAX));
  return SECRET.test(sql) ? '[redacted: the statement may hold a password]' : sql;
}
