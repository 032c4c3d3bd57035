/**
 * The rows of information_schema's tables, made from the catalog (and the process list and the
 * storage tier) when a query reads them, with MySQL 8's values:
 *
 *   TABLES.TABLE_TYPE       'BASE TABLE' | 'VIEW' | 'SYSTEM VIEW'
 *   COLUMNS.COLUMN_DEFAULT  NULL (none, or NULL) vs the value's text; DATA_TYPE 'json' for JSON;
 *                           COLUMN_TYPE, EXTRA, COLUMN_KEY as column-text.ts gives them
 *   constraints             PRIMARY KEY as 'PRIMARY', UNIQUE indexes by name, FOREIGN KEY and
 *                           CHECK by constraint name; rules as written, NO ACTION by default
 *
 * ROUTINES and TRIGGERS list the catalog's stored programs; EVENTS and FILES are empty: events
 * are not built (their CREATE answers 1235), and table data lives in the storage tier, not in
 * files.
 */
import type { Catalog } from '../../catalog/catalog.js';
import type { ColumnDef, ColumnType, TableDef, ViewDef } from '../../catalog/definitions.js';
import type { SegmentStatusRow } from '../../../storage/index.js';
import { COLLATION_NAMES, collation } from '../collation.js';
import {
  columnCharset,
  columnCollation,
  columnKey,
  columnTypeText,
  dataTypeText,
  defaultText,
  extraText,
  sortedIndexes,
} from '../column-text.js';
import { parseDateTime } from '../datetime.js';
import { charsetOf, defaultCollationOfCharset } from '../plan-columns.js';
import { type Value, typeName } from '../values.js';
import type { RoutineDef } from '../../catalog/programs.js';
import { declaredType } from '../routines.js';
import { SCHEMA_NAME, systemTable, systemTableNames } from './definitions.js';

/** What the rows are made from: the session's view of the engine. */
export interface InfoSchemaHost {
  readonly catalog: Catalog;
  /** May the session see this database (privileges)? */
  mayShowDatabase(database: string): boolean;
  /** SHOW FULL PROCESSLIST's rows of the threads the session may see. */
  processes(): readonly (readonly Value[])[];
  /** An epoch time in ms as a datetime value in the session's time_zone. */
  localTime(ms: number): Value;
  /** The rows and bytes of a table, as of the statement's read view. */
  tableSize(table: TableDef): Promise<{ readonly rows: number; readonly bytes: number }>;
  /** The columns a view yields (planned now); throws when its query no longer plans. */
  viewColumns(view: ViewDef): readonly ColumnDef[];
  /** The storage tier's segments (BOREALIS_SEGMENTS). */
  segments(): Promise<readonly SegmentStatusRow[]>;
}

/** Which schemas and tables a query asks for (equalities in its WHERE): the rest is skipped. */
export interface RowHint {
  readonly schema?: string;
  readonly table?: string;
}

type Rows = Value[][];

const DEF = 'def';
const PRIVILEGES = 'select,insert,update,references';

function visibleSchemas(host: InfoSchemaHost, hint: RowHint): string[] {
  const names = host.catalog.databaseNames().filter((d) => host.mayShowDatabase(d));
  return names.filter((d) => hint.schema === undefined || d === hint.schema);
}

function tablesOf(host: InfoSchemaHost, database: string, hint: RowHint): TableDef[] {
  return host.catalog
    .tables(database)
    .filter((t) => hint.table === undefined || t.name === hint.table)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

function viewsOf(host: InfoSchemaHost, database: string, hint: RowHint): ViewDef[] {
  return host.catalog
    .views(database)
    .filter((v) => hint.table === undefined || v.name === hint.table)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

function databaseCollation(catalog: Catalog, database: string): string {
  return catalog.database(database)?.collation ?? 'utf8mb4_0900_ai_ci';
}

// ---------------------------------------------------------------------------------------------
// SCHEMATA, TABLES

function schemata(host: InfoSchemaHost, hint: RowHint): Rows {
  const rows: Rows = [];
  if (hint.schema === undefined || hint.schema === SCHEMA_NAME) {
    rows.push([DEF, SCHEMA_NAME, 'utf8mb3', 'utf8mb3_general_ci', null, 'NO']);
  }
  for (const database of visibleSchemas(host, hint)) {
    const coll = databaseCollation(host.catalog, database);
    rows.push([DEF, database, charsetOf(coll), coll, null, 'NO']);
  }
  return rows;
}

function created(host: InfoSchemaHost, table: TableDef): Value {
  const ms = table.options?.created;
  return ms === undefined ? null : host.localTime(ms);
}

const PAGE_BYTES = 16_384;

async function tableRow(host: InfoSchemaHost, table: TableDef): Promise<Value[]> {
  const size = await host.tableSize(table);
  const dataLength = Math.max(1, Math.ceil(size.bytes / PAGE_BYTES)) * PAGE_BYTES;
  const options = table.options ?? {};
  const auto = table.autoIncrement === null ? null : host.catalog.autoIncrement.peek(table);
  const createOptions = [
    options.rowFormat === undefined ? '' : `row_format=${options.rowFormat}`,
    options.createOptions ?? '',
  ].filter((o) => o !== '').join(' ');
  return [
    DEF, table.database, table.name, 'BASE TABLE', 'InnoDB', 10n,
    options.rowFormat === undefined ? 'Dynamic' : capitalize(options.rowFormat),
    BigInt(size.rows), BigInt(size.rows === 0 ? 0 : Math.floor(dataLength / size.rows)),
    BigInt(dataLength), 0n, BigInt(PAGE_BYTES * table.indexes.length), 0n, auto,
    created(host, table), null, null, options.collation ?? 'utf8mb4_0900_ai_ci', null,
    createOptions, options.comment ?? '',
  ];
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

async function tables(host: InfoSchemaHost, hint: RowHint): Promise<Rows> {
  const rows: Rows = [];
  if (hint.schema === undefined || hint.schema === SCHEMA_NAME) {
    for (const name of systemTableNames()) {
      if (hint.table !== undefined && hint.table !== name) continue;
      rows.push([
        DEF, SCHEMA_NAME, name, 'SYSTEM VIEW', null, 10n, null, 0n, 0n, 0n, 0n, 0n, 0n, null,
        null, null, null, null, null, '', '',
      ]);
    }
  }
  for (const database of visibleSchemas(host, hint)) {
    for (const table of tablesOf(host, database, hint)) rows.push(await tableRow(host, table));
    for (const view of viewsOf(host, database, hint)) {
      rows.push([
        DEF, database, view.name, 'VIEW', null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, 'VIEW',
      ]);
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// COLUMNS

/** CHARACTER_MAXIMUM_LENGTH, CHARACTER_OCTET_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE,
 *  DATETIME_PRECISION of a column type, as MySQL 8 reports them. */
export function typeFacts(type: ColumnType): [Value, Value, Value, Value, Value] {
  switch (type.kind) {
    case 'int': {
      if (type.year === true) return [null, null, null, null, null];
      if (type.bits !== undefined) return [null, null, BigInt(type.bits), null, null];
      const digits = { 1: 3, 2: 5, 3: 7, 4: 10, 8: type.unsigned ? 20 : 19 }[type.bytes];
      return [null, null, BigInt(digits), 0n, null];
    }
    case 'decimal':
      return [null, null, BigInt(type.precision), BigInt(type.scale), null];
    case 'double':
      return [null, null, BigInt(type.precision ?? (type.float === true ? 12 : 22)),
        type.scale === undefined ? null : BigInt(type.scale), null];
    case 'datetime':
      return [null, null, null, null, type.variant === 'date' ? null : BigInt(type.fsp)];
    case 'time':
      return [null, null, null, null, BigInt(type.fsp)];
    case 'string': {
      if (type.variant === 'json') return [null, null, null, null, null];
      const binary = type.collation === 'binary';
      if (type.variant === 'enum' || type.variant === 'set') {
        const members = type.members ?? [];
        const longest = type.variant === 'enum'
          ? Math.max(0, ...members.map((m) => Array.from(m).length))
          : members.reduce((n, m) => n + Array.from(m).length, Math.max(0, members.length - 1));
        return [BigInt(longest), BigInt(longest * 4), null, null, null];
      }
      if (type.variant === 'text')
        return [BigInt(type.chars), BigInt(type.chars), null, null, null];
      return [BigInt(type.chars), BigInt(binary ? type.chars : type.chars * 4), null, null, null];
    }
    default:
      return [null, null, null, null, null];
  }
}

function columnRows(table: TableDef, database: string): Rows {
  return table.columns.map((column, i) => [
    DEF, database, table.name, column.name, BigInt(i + 1), defaultText(column),
    column.nullable ? 'YES' : 'NO', dataTypeText(column), ...typeFacts(column.type),
    columnCharset(column), columnCollation(column), columnTypeText(column), columnKey(table, i),
    extraText(table, i), PRIVILEGES, column.comment ?? '', column.generated?.expression ?? '',
    null,
  ]);
}

function columns(host: InfoSchemaHost, hint: RowHint): Rows {
  const rows: Rows = [];
  if (hint.schema === undefined || hint.schema === SCHEMA_NAME) {
    for (const name of systemTableNames()) {
      if (hint.table !== undefined && hint.table !== name) continue;
      rows.push(...columnRows(systemTable(name) as TableDef, SCHEMA_NAME));
    }
  }
  for (const database of visibleSchemas(host, hint)) {
    for (const table of tablesOf(host, database, hint)) rows.push(...columnRows(table, database));
    for (const view of viewsOf(host, database, hint)) {
      let viewColumns: readonly ColumnDef[];
      try {
        viewColumns = host.viewColumns(view);
      } catch {
        continue; // an invalid view: MySQL warns and shows no columns for it
      }
      const def: TableDef = {
        ...(systemTable('TABLES') as TableDef),
        database,
        name: view.name,
        columns: viewColumns,
      };
      rows.push(
        ...columnRows({ ...def, primaryKey: [], indexes: [], autoIncrement: null }, database),
      );
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Keys and constraints

function statistics(host: InfoSchemaHost, hint: RowHint): Rows {
  const rows: Rows = [];
  for (const database of visibleSchemas(host, hint)) {
    for (const table of tablesOf(host, database, hint)) {
      const part = (
        index: string,
        unique: boolean,
        seq: number,
        column: ColumnDef,
        sub: number | null,
        comment: string,
      ): Value[] => [
        DEF, database, table.name, unique ? 0n : 1n, database, index, BigInt(seq), column.name,
        'A', 0n, sub === null ? null : BigInt(sub), null, column.nullable ? 'YES' : '', 'BTREE',
        '', comment, 'YES', null,
      ];
      table.primaryKey.forEach((c, i) =>
        rows.push(part('PRIMARY', true, i + 1, table.columns[c] as ColumnDef, null, '')),
      );
      for (const index of sortedIndexes(table)) {
        index.parts.forEach((p, i) => {
          rows.push(
            part(
              index.name,
              index.unique,
              i + 1,
              table.columns[p.column] as ColumnDef,
              p.prefixChars,
              index.comment ?? '',
            ),
          );
        });
      }
      for (const f of table.fulltext ?? []) {
        f.columns.forEach((c, i) => {
          const row = part(
            f.name,
            false,
            i + 1,
            table.columns[c] as ColumnDef,
            null,
            f.comment ?? '',
          );
          row[8] = null;
          row[13] = 'FULLTEXT';
          rows.push(row);
        });
      }
    }
  }
  return rows;
}

/** The parent key a foreign key's columns match: PRIMARY or a UNIQUE index's name; else null. */
function uniqueConstraintName(
  catalog: Catalog,
  refDatabase: string,
  refTable: string,
  refColumns: readonly string[],
): string | null {
  const parent = catalog.table(refDatabase, refTable);
  if (parent === undefined) return null;
  const names = (columns: readonly number[]): string[] =>
    columns.map((c) => (parent.columns[c]?.name ?? '').toLowerCase());
  const wanted = refColumns.map((c) => c.toLowerCase());
  const same = (a: readonly string[]): boolean =>
    a.length === wanted.length && a.every((x, i) => x === wanted[i]);
  if (same(names(parent.primaryKey))) return 'PRIMARY';
  const index = sortedIndexes(parent).find(
    (i) => i.unique && same(names(i.parts.map((p) => p.column))),
  );
  return index?.name ?? null;
}

function keyColumnUsage(host: InfoSchemaHost, hint: RowHint): Rows {
  const rows: Rows = [];
  for (const database of visibleSchemas(host, hint)) {
    for (const table of tablesOf(host, database, hint)) {
      const row = (
        name: string,
        column: number,
        seq: number,
        ref: [Value, Value, Value, Value] = [null, null, null, null],
      ): Value[] => [
        DEF, database, name, DEF, database, table.name, table.columns[column]?.name ?? null,
        BigInt(seq), ...ref,
      ];
      table.primaryKey.forEach((c, i) => rows.push(row('PRIMARY', c, i + 1)));
      for (const index of sortedIndexes(table)) {
        if (!index.unique) continue;
        index.parts.forEach((p, i) => rows.push(row(index.name, p.column, i + 1)));
      }
      for (const fk of table.foreignKeys ?? []) {
        fk.columns.forEach((c, i) => {
          rows.push(
            row(fk.name, c, i + 1, [
              BigInt(i + 1),
              fk.refDatabase,
              fk.refTable,
              fk.refColumns[i] ?? null,
            ]),
          );
        });
      }
    }
  }
  return rows;
}

function referentialConstraints(host: InfoSchemaHost, hint: RowHint): Rows {
  const rows: Rows = [];
  for (const database of visibleSchemas(host, hint)) {
    for (const table of tablesOf(host, database, hint)) {
      for (const fk of table.foreignKeys ?? []) {
        rows.push([
          DEF, database, fk.name, DEF, fk.refDatabase,
          uniqueConstraintName(host.catalog, fk.refDatabase, fk.refTable, fk.refColumns),
          'NONE', fk.onUpdate, fk.onDelete, table.name, fk.refTable,
        ]);
      }
    }
  }
  return rows;
}

function tableConstraints(host: InfoSchemaHost, hint: RowHint): Rows {
  const rows: Rows = [];
  for (const database of visibleSchemas(host, hint)) {
    for (const table of tablesOf(host, database, hint)) {
      const row = (name: string, type: string, enforced = true): Value[] => [
        DEF, database, name, database, table.name, type, enforced ? 'YES' : 'NO',
      ];
      if (table.primaryKey.length > 0) rows.push(row('PRIMARY', 'PRIMARY KEY'));
      for (const index of sortedIndexes(table))
        if (index.unique) rows.push(row(index.name, 'UNIQUE'));
      for (const fk of table.foreignKeys ?? []) rows.push(row(fk.name, 'FOREIGN KEY'));
      for (const check of table.checks ?? []) rows.push(row(check.name, 'CHECK', check.enforced));
    }
  }
  return rows;
}

function checkConstraints(host: InfoSchemaHost, hint: RowHint): Rows {
  const rows: Rows = [];
  for (const database of visibleSchemas(host, hint)) {
    for (const table of tablesOf(host, database, hint)) {
      for (const check of table.checks ?? [])
        rows.push([DEF, database, check.name, check.expression]);
    }
  }
  return rows;
}

function views(host: InfoSchemaHost, hint: RowHint): Rows {
  const rows: Rows = [];
  for (const database of visibleSchemas(host, hint)) {
    for (const view of viewsOf(host, database, hint)) {
      rows.push([
        DEF, database, view.name, view.query, view.checkOption, viewUpdatable(view),
        `${view.definer.user}@${view.definer.host}`, view.security, view.charsetClient,
        view.collationConnection,
      ]);
    }
  }
  return rows;
}

/** MySQL's IS_UPDATABLE, judged from the query text: no aggregate, DISTINCT, GROUP BY … */
function viewUpdatable(view: ViewDef): string {
  if (view.algorithm === 'TEMPTABLE') return 'NO';
  const text = view.query.toUpperCase();
  const blocked =
    /\b(DISTINCT|GROUP\s+BY|HAVING|UNION|COUNT\s*\(|SUM\s*\(|AVG\s*\(|MIN\s*\(|MAX\s*\()/;
  return blocked.test(text) || !/\bFROM\b/.test(text) ? 'NO' : 'YES';
}

// ---------------------------------------------------------------------------------------------
// ROUTINES, TRIGGERS (issue 6: catalog/programs.ts)

/** A function's RETURNS type: DATA_TYPE and DTD_IDENTIFIER. */
function returnType(def: RoutineDef): [Value, Value] {
  if (def.returns === null) return ['', null];
  const full = typeName(declaredType(def.returns, def.name));
  return [full.replace(/[( ].*$/, ''), full];
}

function routines(host: InfoSchemaHost, hint: RowHint): Rows {
  const rows: Rows = [];
  for (const database of visibleSchemas(host, hint)) {
    for (const r of host.catalog.programs.routines(database)) {
      const [dataType, dtd] = returnType(r);
      const c = r.characteristics;
      rows.push([
        r.name, DEF, database, r.name, r.type, dataType, null, null, null, null, null, null, null,
        dtd, 'SQL', r.body, null, 'SQL', 'SQL', c.deterministic ? 'YES' : 'NO', c.dataAccess, null,
        c.security, host.localTime(r.created), host.localTime(r.modified), r.sqlMode, c.comment,
        `${r.definer.user}@${r.definer.host}`, r.charsetClient, r.collationConnection,
        r.databaseCollation,
      ]);
    }
  }
  return rows;
}

function triggers(host: InfoSchemaHost, hint: RowHint): Rows {
  const rows: Rows = [];
  const { programs } = host.catalog;
  for (const database of visibleSchemas(host, hint)) {
    for (const t of programs.triggers(database)) {
      rows.push([
        DEF, database, t.name, t.event, DEF, database, t.table, BigInt(programs.actionOrder(t)),
        null, t.body, 'ROW', t.timing, null, null, 'OLD', 'NEW', host.localTime(t.created),
        t.sqlMode, `${t.definer.user}@${t.definer.host}`, t.charsetClient, t.collationConnection,
        t.databaseCollation,
      ]);
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// The rest

async function partitions(host: InfoSchemaHost, hint: RowHint): Promise<Rows> {
  const rows: Rows = [];
  for (const database of visibleSchemas(host, hint)) {
    for (const table of tablesOf(host, database, hint)) {
      const size = await host.tableSize(table);
      const dataLength = Math.max(1, Math.ceil(size.bytes / PAGE_BYTES)) * PAGE_BYTES;
      rows.push([
        DEF, database, table.name, null, null, null, null, null, null, null, null, null,
        BigInt(size.rows), BigInt(size.rows === 0 ? 0 : Math.floor(dataLength / size.rows)),
        BigInt(dataLength), 0n, BigInt(PAGE_BYTES * table.indexes.length), 0n,
        created(host, table), null, null, null, '', null, null,
      ]);
    }
  }
  return rows;
}

/** The one storage engine SHOW ENGINES and ENGINES list: what MySQL 8 says of InnoDB. */
export const INNODB_ENGINE: readonly string[] = [
  'InnoDB',
  'DEFAULT',
  'Supports transactions, row-level locking, and foreign keys',
  'YES',
  'NO',
  'YES',
];

/** Description and maximum bytes per character of each character set. */
export const CHARSET_FACTS: Readonly<Record<string, [string, bigint]>> = {
  binary: ['Binary pseudo charset', 1n],
  utf8mb4: ['UTF-8 Unicode', 4n],
  utf8mb3: ['UTF-8 Unicode', 3n],
  latin1: ['cp1252 West European', 1n],
  ascii: ['US ASCII', 1n],
};

function characterSets(): Rows {
  return [...new Set(COLLATION_NAMES.map(charsetOf))].sort().map((cs) => {
    const [description, maxlen] = CHARSET_FACTS[cs] ?? [cs, 1n];
    return [cs, defaultCollationOfCharset(cs) ?? null, description, maxlen];
  });
}

function collations(): Rows {
  return [...COLLATION_NAMES].sort().map((name) => {
    const cs = charsetOf(name);
    const noPad = name.includes('_0900_') || name === 'binary';
    const sortlen = name === 'utf8mb4_0900_ai_ci' ? 0n : name.endsWith('_unicode_ci') ? 8n : 1n;
    return [
      name, cs, BigInt(collation(name).id), defaultCollationOfCharset(cs) === name ? 'Yes' : '',
      'Yes', sortlen, noPad ? 'NO PAD' : 'PAD SPACE',
    ];
  });
}

async function segments(host: InfoSchemaHost): Promise<Rows> {
  const status = await host.segments();
  const n = (x: number | bigint | null): Value => (x === null ? null : BigInt(x));
  return status.map((s) => [
    BigInt(s.group), BigInt(s.slot), s.address, s.nodeId, s.zone, s.state,
    s.reachable ? 'YES' : 'NO', n(s.scl), n(s.lagLsn), n(s.pendingRecords), n(s.records),
    n(s.bytes), n(s.gcLsn),
    s.lastScrubMs === null || s.lastScrubMs === 0 ? null : host.localTime(s.lastScrubMs),
    n(s.corruptFound), n(s.repairs),
  ]);
}

/** The rows of information_schema table `name` (its canonical upper-case name). */
export async function systemRows(name: string, host: InfoSchemaHost, hint: RowHint): Promise<Rows> {
  switch (name) {
    case 'SCHEMATA':
      return schemata(host, hint);
    case 'TABLES':
      return tables(host, hint);
    case 'COLUMNS':
      return columns(host, hint);
    case 'STATISTICS':
      return statistics(host, hint);
    case 'KEY_COLUMN_USAGE':
      return keyColumnUsage(host, hint);
    case 'REFERENTIAL_CONSTRAINTS':
      return referentialConstraints(host, hint);
    case 'TABLE_CONSTRAINTS':
      return tableConstraints(host, hint);
    case 'CHECK_CONSTRAINTS':
      return checkConstraints(host, hint);
    case 'VIEWS':
      return views(host, hint);
    case 'PARTITIONS':
      return partitions(host, hint);
    case 'PROCESSLIST':
      return host.processes().map((r) => [...r]);
    case 'ENGINES':
      return [[...INNODB_ENGINE]];
    case 'CHARACTER_SETS':
      return characterSets();
    case 'COLLATIONS':
      return collations();
    case 'BOREALIS_SEGMENTS':
      return segments(host);
    case 'ROUTINES':
      return routines(host, hint);
    case 'TRIGGERS':
      return triggers(host, hint);
    case 'EVENTS':
    case 'FILES':
      return [];
    default:
      throw new Error(`information_schema.${name}: no rows`);
  }
}

/** A datetime text → the datetime value the definitions' `dt` columns hold. */
export function datetimeValue(text: string): Value {
  return parseDateTime(text, 0) ?? null;
}
