/**
 * SHOW CREATE TABLE / VIEW / DATABASE text, byte for byte as MySQL 8.0 writes it, because
 * mysqldump copies it into dumps verbatim and a dump must restore (here and into MySQL):
 *
 *   CREATE TABLE `t` (
 *     `id` int NOT NULL AUTO_INCREMENT,
 *     `name` varchar(100) COLLATE utf8mb4_bin DEFAULT NULL COMMENT 'x',
 *     `at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
 *     PRIMARY KEY (`id`),
 *     UNIQUE KEY `name` (`name`),
 *     KEY `at` (`at`),
 *     CONSTRAINT `t_ibfk_1` FOREIGN KEY (`pid`) REFERENCES `p` (`id`) ON DELETE CASCADE,
 *     CONSTRAINT `t_chk_1` CHECK ((`id` > 0))
 *   ) ENGINE=InnoDB AUTO_INCREMENT=5 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci
 *
 * Rules (sql_show.cc store_create_info): CHARACTER SET when the column's collation is not the
 * table's; COLLATE when the collation is not its character set's default (or is
 * utf8mb4_0900_ai_ci under a table of another collation); DEFAULT NULL for nullable columns
 * except TEXT / BLOB / JSON; literal defaults always quoted; keys in MySQL's order (unique before
 * others); foreign key rules other than NO ACTION; table COLLATE always for utf8mb4_0900_ai_ci.
 * Strings are quoted with quotes doubled (MySQL's append_unescaped).
 */
import type { ColumnDef, IndexDef, TableDef, ViewDef } from '../catalog/definitions.js';
import {
  columnCollation,
  columnTypeText,
  isBlobLike,
  literalDefaultText,
  nowText,
  sortedIndexes,
} from './column-text.js';
import { charsetOf, defaultCollationOfCharset } from './plan-columns.js';

/** A string literal as SHOW CREATE writes it: quotes doubled, control bytes escaped. */
export function showString(value: string): string {
  let out = '';
  for (const ch of value) {
    if (ch === "'") out += "''";
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\0') out += '\\0';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\x1a') out += '\\Z';
    else out += ch;
  }
  return `'${out}'`;
}

/** A name as SHOW CREATE writes it: backquoted (sql_quote_show_create = 1) or bare if it may. */
export function showName(name: string, quote: boolean): string {
  if (!quote && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) && !RESERVED.has(name.toUpperCase())) {
    return name;
  }
  return `\`${name.replace(/`/g, '``')}\``;
}

const RESERVED = new Set(
  ('ADD ALL ALTER AND AS ASC BETWEEN BY CASE CHECK COLUMN CONSTRAINT CREATE CROSS DATABASE ' +
    'DEFAULT DELETE DESC DISTINCT DROP ELSE EXISTS FOREIGN FROM GROUP HAVING IN INDEX INSERT ' +
    'INTO IS JOIN KEY KEYS LEFT LIKE LIMIT NOT NULL ON OR ORDER PRIMARY REFERENCES RIGHT ' +
    'SELECT SET TABLE THEN TO UNION UNIQUE UPDATE USE USING VALUES WHEN WHERE WITH').split(' '),
);

function isPrimaryCollation(name: string): boolean {
  return defaultCollationOfCharset(charsetOf(name)) === name;
}

function charsetClause(column: ColumnDef, tableCollation: string): string {
  const collation = columnCollation(column);
  if (collation === null) return '';
  let out = '';
  if (collation !== tableCollation) out += ` CHARACTER SET ${charsetOf(collation)}`;
  const zeroNine = collation === 'utf8mb4_0900_ai_ci' && tableCollation !== 'utf8mb4_0900_ai_ci';
  if (!isPrimaryCollation(collation) || zeroNine) out += ` COLLATE ${collation}`;
  return out;
}

function defaultClause(table: TableDef, index: number): string {
  const column = table.columns[index] as ColumnDef;
  if (column.generated !== undefined || table.autoIncrement === index) return '';
  if (column.defaultNow !== undefined) return ` DEFAULT ${nowText(column.defaultNow)}`;
  if (column.defaultExpression !== undefined) return ` DEFAULT (${column.defaultExpression})`;
  if (column.defaultValue === null) return '';
  const text = literalDefaultText(column);
  if (text === null) return column.nullable && !isBlobLike(column.type) ? ' DEFAULT NULL' : '';
  if (column.type.kind === 'int' && column.type.bits !== undefined) {
    return ` DEFAULT b'${BigInt(text).toString(2)}'`;
  }
  return ` DEFAULT ${showString(text)}`;
}

function isTimestamp(column: ColumnDef): boolean {
  return column.type.kind === 'datetime' && column.type.variant === 'timestamp';
}

export function columnLine(table: TableDef, index: number, quote: boolean): string {
  const column = table.columns[index] as ColumnDef;
  const tableCollation = table.options?.collation ?? 'utf8mb4_0900_ai_ci';
  let line = `  ${showName(column.name, quote)} ${columnTypeText(column)}`;
  line += charsetClause(column, tableCollation);
  if (column.generated !== undefined) {
    line += ` GENERATED ALWAYS AS (${column.generated.expression})`;
    line += column.generated.stored ? ' STORED' : ' VIRTUAL';
  }
  if (!column.nullable) line += ' NOT NULL';
  else if (isTimestamp(column)) line += ' NULL';
  line += defaultClause(table, index);
  if (column.onUpdateNow !== undefined) line += ` ON UPDATE ${nowText(column.onUpdateNow)}`;
  if (table.autoIncrement === index) line += ' AUTO_INCREMENT';
  if (column.comment !== undefined && column.comment !== '') {
    line += ` COMMENT ${showString(column.comment)}`;
  }
  return line;
}

function keyColumns(table: TableDef, index: IndexDef, quote: boolean): string {
  return index.parts
    .map((p) => {
      const name = showName(table.columns[p.column]?.name ?? '?', quote);
      return p.prefixChars === null ? name : `${name}(${p.prefixChars})`;
    })
    .join(',');
}

function keyLines(table: TableDef, quote: boolean): string[] {
  const lines: string[] = [];
  if (table.primaryKey.length > 0) {
    const names = table.primaryKey.map((i) => showName(table.columns[i]?.name ?? '?', quote));
    lines.push(`  PRIMARY KEY (${names.join(',')})`);
  }
  for (const index of sortedIndexes(table)) {
    const kind = index.unique ? 'UNIQUE KEY' : 'KEY';
    let line = `  ${kind} ${showName(index.name, quote)} (${keyColumns(table, index, quote)})`;
    if (index.comment !== undefined && index.comment !== '') {
      line += ` COMMENT ${showString(index.comment)}`;
    }
    lines.push(line);
  }
  for (const f of table.fulltext ?? []) {
    const columns = f.columns.map((c) => showName(table.columns[c]?.name ?? '?', quote)).join(',');
    let line = `  FULLTEXT KEY ${showName(f.name, quote)} (${columns})`;
    if (f.comment !== undefined && f.comment !== '') line += ` COMMENT ${showString(f.comment)}`;
    lines.push(line);
  }
  return lines;
}

function constraintLines(table: TableDef, quote: boolean): string[] {
  const lines: string[] = [];
  for (const fk of table.foreignKeys ?? []) {
    const columns = fk.columns.map((c) => showName(table.columns[c]?.name ?? '?', quote));
    const parent =
      fk.refDatabase === table.database
        ? showName(fk.refTable, quote)
        : `${showName(fk.refDatabase, quote)}.${showName(fk.refTable, quote)}`;
    const refColumns = fk.refColumns.map((c) => showName(c, quote));
    let line =
      `  CONSTRAINT ${showName(fk.name, quote)} FOREIGN KEY (${columns.join(',')}) ` +
      `REFERENCES ${parent} (${refColumns.join(',')})`;
    if (fk.onDelete !== 'NO ACTION') line += ` ON DELETE ${fk.onDelete}`;
    if (fk.onUpdate !== 'NO ACTION') line += ` ON UPDATE ${fk.onUpdate}`;
    lines.push(line);
  }
  // MySQL lists CHECK constraints by name.
  const checks = [...(table.checks ?? [])].sort((a, b) => (
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0
  ));
  for (const check of checks) {
    let line = `  CONSTRAINT ${showName(check.name, quote)} CHECK (${check.expression})`;
    if (!check.enforced) line += ' /*!80016 NOT ENFORCED */';
    lines.push(line);
  }
  return lines;
}

function tableOptions(table: TableDef, autoIncrementNext: bigint | null): string {
  const options = table.options ?? {};
  const collation = options.collation ?? 'utf8mb4_0900_ai_ci';
  let out = ` ENGINE=${options.engine ?? 'InnoDB'}`;
  if (autoIncrementNext !== null && autoIncrementNext > 1n)
    out += ` AUTO_INCREMENT=${autoIncrementNext}`;
  out += ` DEFAULT CHARSET=${charsetOf(collation)}`;
  if (!isPrimaryCollation(collation) || collation === 'utf8mb4_0900_ai_ci') {
    out += ` COLLATE=${collation}`;
  }
  for (const option of (options.createOptions ?? '').split(' ').filter((o) => o !== '')) {
    const [name, value] = option.split('=');
    out += ` ${(name ?? '').toUpperCase()}=${value ?? ''}`;
  }
  if (options.rowFormat !== undefined) out += ` ROW_FORMAT=${options.rowFormat}`;
  if (options.comment !== undefined && options.comment !== '') {
    out += ` COMMENT=${showString(options.comment)}`;
  }
  return out;
}

/** SHOW CREATE TABLE's text. `autoIncrementNext`: the counter (null without one). */
export function createTableText(
  table: TableDef,
  autoIncrementNext: bigint | null,
  quote = true,
): string {
  const lines = [
    ...table.columns.map((_, i) => columnLine(table, i, quote)),
    ...keyLines(table, quote),
    ...constraintLines(table, quote),
  ];
  return (
    `CREATE TABLE ${showName(table.name, quote)} (\n${lines.join(',\n')}\n)` +
    tableOptions(table, autoIncrementNext)
  );
}

/** SHOW CREATE VIEW's text. */
export function createViewText(view: ViewDef, quote = true): string {
  const definer = `${showName(view.definer.user, true)}@${showName(view.definer.host, true)}`;
  const columns =
    view.columns === null ? '' : ` (${view.columns.map((c) => showName(c, quote)).join(',')})`;
  const check =
    view.checkOption === 'NONE' ? '' : ` WITH ${view.checkOption} CHECK OPTION`;
  return (
    `CREATE ALGORITHM=${view.algorithm} DEFINER=${definer} SQL SECURITY ${view.security} ` +
    `VIEW ${showName(view.name, quote)}${columns} AS ${view.query}${check}`
  );
}

/** SHOW CREATE DATABASE's text. */
export function createDatabaseText(
  name: string,
  collation: string,
  ifNotExists: boolean,
  quote = true,
): string {
  const exists = ifNotExists ? '/*!32312 IF NOT EXISTS*/ ' : '';
  const collate =
    !isPrimaryCollation(collation) || collation === 'utf8mb4_0900_ai_ci'
      ? ` COLLATE ${collation}`
      : '';
  return (
    `CREATE DATABASE ${exists}${showName(name, quote)} ` +
    `/*!40100 DEFAULT CHARACTER SET ${charsetOf(collation)}${collate} */ ` +
    `/*!80016 DEFAULT ENCRYPTION='N' */`
  );
}
