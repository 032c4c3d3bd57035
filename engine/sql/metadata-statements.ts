/**
 * The SHOW statements that describe schema objects, and DESCRIBE: their rows made from the
 * catalog, with MySQL 8's column names and order, filtered by LIKE (on the first column) or by
 * WHERE (over the result's own columns, as if they were a table: show-filter.ts).
 *
 *   SHOW [FULL] COLUMNS, DESCRIBE   Field Type [Collation] Null Key Default Extra
 *                                   [Privileges Comment]
 *   SHOW INDEX                      Table Non_unique Key_name Seq_in_index Column_name Collation
 *                                   Cardinality Sub_part Packed Null Index_type Comment
 *                                   Index_comment Visible Expression
 *   SHOW CREATE TABLE / VIEW / DATABASE, SHOW [FULL] TABLES, SHOW DATABASES, SHOW TABLE STATUS,
 *   SHOW ENGINES, SHOW CHARSET, SHOW COLLATION
 *   SHOW TRIGGERS / PROCEDURE STATUS / FUNCTION STATUS, SHOW CREATE PROCEDURE / FUNCTION /
 *   TRIGGER: from the catalog's stored programs (routine-text.ts); SHOW EVENTS: empty (events are
 *   not built:
 *   CREATE of one answers 1235), SHOW CREATE of one: its "does not exist" error.
 *
 * Errors: unknown database 1049, unknown table 1146, SHOW CREATE VIEW of a table 1347.
 */
import type { ColumnInfo, Result, Row, SqlValue } from '../api.js';
import { COLUMN_FLAG } from '../api.js';
import type { Catalog } from '../catalog/catalog.js';
import type { ColumnDef, TableDef, ViewDef } from '../catalog/definitions.js';
import { SqlError } from '../errors.js';
import type {
  MetadataStatement as SchemaMetadataStatement,
  ShowFilter,
  Statement,
  TableName,
} from './ast.js';
import type { BindVariables } from './bind.js';
import { COLLATION_NAMES, collation } from './collation.js';
import { CHARSET_FACTS, INNODB_ENGINE } from './information-schema/rows.js';
import {
  columnCollation,
  columnKey,
  columnTypeText,
  defaultText,
  extraText,
  sortedIndexes,
} from './column-text.js';
import { type EvalContext, likeMatch } from './expr.js';
import type { PlanParams } from './params.js';
import { charsetOf, defaultCollationOfCharset } from './plan-columns.js';
import { filterShowRows } from './show-filter.js';
import { createDatabaseText, createTableText, createViewText } from './show-create.js';
import { createRoutineText, createTriggerText, definerText } from './routine-text.js';
import { unreachable } from '../unreachable.js';

/** The statements this file runs. */
export type MetadataStatement =
  | SchemaMetadataStatement
  | (Statement & { readonly kind: 'show-databases' | 'show-tables' });

/** What the metadata statements need from the session. */
export interface MetadataHost {
  readonly catalog: Catalog;
  readonly database: string | null;
  evalContext(): EvalContext;
  bindVariables(): BindVariables;
  readonly params: PlanParams | undefined;
  /** A session variable's value as text (sql_quote_show_create, character_set_client …). */
  variable(name: string): string;
  /** May the session see this database in SHOW DATABASES? */
  mayShowDatabase(database: string): boolean;
  /** The columns a view yields (its query planned now), for SHOW COLUMNS / DESCRIBE of a view. */
  viewColumns(view: ViewDef): readonly ColumnDef[];
  /** information_schema's tables (issue 6): definitions by name, or none yet. */
  readonly systemTables?: SystemTables;
  /** An epoch time in ms as the session shows datetimes ('YYYY-MM-DD hh:mm:ss', time_zone). */
  formatTime(ms: number): string;
}

/** information_schema as SHOW sees it. */
export interface SystemTables {
  readonly database: string;
  names(): readonly string[];
  table(name: string): TableDef | undefined;
}

// ---------------------------------------------------------------------------------------------
// Result columns

/** 'datetime' / 'datetime2': DATETIME with 0 / 2 fractional digits (stored programs' times). */
type ShowType = 'text' | 'blob' | 'int' | 'uint' | 'datetime' | 'datetime2';

interface ShowColumn {
  readonly name: string;
  readonly type: ShowType;
  readonly nullable?: boolean;
}

function columnInfo(column: ShowColumn): ColumnInfo {
  if (column.type === 'datetime' || column.type === 'datetime2') {
    const fsp = column.type === 'datetime' ? 0 : 2;
    return {
      name: column.name, orgName: column.name, table: '', orgTable: '', db: '', type: 'DATETIME',
      length: fsp === 0 ? 19 : 22, decimals: fsp, collation: 63,
      flags: COLUMN_FLAG.BINARY | (column.nullable === true ? 0 : COLUMN_FLAG.NOT_NULL),
    };
  }
  const numeric = column.type === 'int' || column.type === 'uint';
  let flags = column.nullable === true ? 0 : COLUMN_FLAG.NOT_NULL;
  if (numeric) flags |= COLUMN_FLAG.BINARY | (column.type === 'uint' ? COLUMN_FLAG.UNSIGNED : 0);
  if (column.type === 'blob') flags |= COLUMN_FLAG.BLOB;
  return {
    name: column.name,
    orgName: column.name,
    table: '',
    orgTable: '',
    db: '',
    type: numeric ? 'LONGLONG' : column.type === 'blob' ? 'BLOB' : 'VAR_STRING',
    length: numeric ? 21 : column.type === 'blob' ? 50_331_645 : 768,
    decimals: 0,
    flags,
    collation: numeric ? 63 : 33,
  };
}

type Cell = string | bigint | null;

function rowsResult(columns: readonly ShowColumn[], rows: readonly (readonly Cell[])[]): Result {
  const all: Row[] = rows.map((r) => r.map((v): SqlValue => v));
  return {
    kind: 'rows',
    columns: columns.map(columnInfo),
    rows: (async function* () {
      if (all.length > 0) yield all;
    })(),
  };
}

/**
 * Rows kept by LIKE (first column; `exactNames`: case-sensitively, as names are) or WHERE
 * (bound over the result's columns).
 */
function filtered(
  host: MetadataHost,
  columns: readonly ShowColumn[],
  rows: readonly (readonly Cell[])[],
  filter: ShowFilter,
  exactNames = false,
): (readonly Cell[])[] {
  const like = filter.like;
  if (like !== null) {
    const coll = collation(exactNames ? 'utf8mb4_0900_bin' : 'utf8mb4_general_ci');
    return rows.filter((r) => likeMatch(String(r[0] ?? ''), like, '\\', coll));
  }
  if (filter.where === null) return [...rows];
  const texts = rows.map((r) => r.map((v) => (v === null ? null : String(v))));
  const byText = new Map<readonly (string | null)[], readonly Cell[]>(
    texts.map((t, i) => [t, rows[i] as readonly Cell[]]),
  );
  const kept = filterShowRows(
    columns.map((c) => c.name),
    texts,
    filter,
    host.evalContext(),
    {
      variables: host.bindVariables(),
      ...(host.params === undefined ? {} : { params: host.params }),
    },
  );
  return kept.map((t) => byText.get(t) as readonly Cell[]);
}

// ---------------------------------------------------------------------------------------------
// Name resolution

function databaseOf(host: MetadataHost, name: string | null): string {
  const database = name ?? host.database;
  if (database === null) throw new SqlError('ER_NO_DB_ERROR');
  if (!host.catalog.hasDatabase(database) && !isSystemDatabase(host, database)) {
    throw new SqlError('ER_BAD_DB_ERROR', [database]);
  }
  return database;
}

function isSystemDatabase(host: MetadataHost, database: string): boolean {
  return host.systemTables !== undefined && database.toLowerCase() === host.systemTables.database;
}

type Found =
  | { readonly kind: 'table'; readonly table: TableDef }
  | { readonly kind: 'view'; readonly view: ViewDef }
  | { readonly kind: 'system'; readonly table: TableDef };

function findTable(host: MetadataHost, name: TableName): Found {
  const database = name.database ?? host.database;
  if (database === null) throw new SqlError('ER_NO_DB_ERROR');
  if (isSystemDatabase(host, database)) {
    const table = host.systemTables?.table(name.name);
    if (table !== undefined) return { kind: 'system', table };
  }
  const table = host.catalog.table(database, name.name);
  if (table !== undefined) return { kind: 'table', table };
  const view = host.catalog.view(database, name.name);
  if (view !== undefined) return { kind: 'view', view };
  throw new SqlError('ER_NO_SUCH_TABLE', [database, name.name]);
}

// ---------------------------------------------------------------------------------------------
// SHOW COLUMNS / DESCRIBE

const COLUMNS_FULL: readonly ShowColumn[] = [
  { name: 'Field', type: 'text' },
  { name: 'Type', type: 'blob' },
  { name: 'Collation', type: 'text', nullable: true },
  { name: 'Null', type: 'text' },
  { name: 'Key', type: 'text' },
  { name: 'Default', type: 'blob', nullable: true },
  { name: 'Extra', type: 'text' },
  { name: 'Privileges', type: 'text' },
  { name: 'Comment', type: 'blob' },
];
const FULL_ONLY = new Set(['Collation', 'Privileges', 'Comment']);

function columnRows(table: TableDef): Cell[][] {
  return table.columns.map((column, i) => [
    column.name,
    columnTypeText(column),
    columnCollation(column),
    column.nullable ? 'YES' : 'NO',
    columnKey(table, i),
    defaultText(column),
    extraText(table, i),
    'select,insert,update,references',
    column.comment ?? '',
  ]);
}

function viewTable(view: ViewDef, columns: readonly ColumnDef[]): TableDef {
  return {
    database: view.database,
    name: view.name,
    root: 0 as TableDef['root'],
    columns,
    primaryKey: [],
    types: columns.map((c) => c.type),
    keyTypes: [],
    indexes: [],
    autoIncrement: null,
  };
}

function showColumns(
  host: MetadataHost,
  statement: MetadataStatement & { kind: 'show-columns' },
): Result {
  const found = findTable(host, statement.table);
  const table =
    found.kind === 'view' ? viewTable(found.view, host.viewColumns(found.view)) : found.table;
  const keep = COLUMNS_FULL.map((c) => statement.full || !FULL_ONLY.has(c.name));
  const columns = COLUMNS_FULL.filter((_, i) => keep[i]);
  const rows = columnRows(table).map((r) => r.filter((_, i) => keep[i]));
  return rowsResult(columns, filtered(host, columns, rows, statement.filter));
}

// ---------------------------------------------------------------------------------------------
// SHOW INDEX

const INDEX_COLUMNS: readonly ShowColumn[] = [
  { name: 'Table', type: 'text' },
  { name: 'Non_unique', type: 'int' },
  { name: 'Key_name', type: 'text', nullable: true },
  { name: 'Seq_in_index', type: 'uint' },
  { name: 'Column_name', type: 'text', nullable: true },
  { name: 'Collation', type: 'text', nullable: true },
  { name: 'Cardinality', type: 'int', nullable: true },
  { name: 'Sub_part', type: 'int', nullable: true },
  { name: 'Packed', type: 'blob', nullable: true },
  { name: 'Null', type: 'text' },
  { name: 'Index_type', type: 'text' },
  { name: 'Comment', type: 'text' },
  { name: 'Index_comment', type: 'text' },
  { name: 'Visible', type: 'text' },
  { name: 'Expression', type: 'blob', nullable: true },
];

/** SHOW INDEX rows: one per key part, PRIMARY first, then MySQL's key order. */
export function indexRows(table: TableDef): Cell[][] {
  const rows: Cell[][] = [];
  const part = (
    name: string,
    unique: boolean,
    seq: number,
    column: ColumnDef,
    prefix: number | null,
    comment: string,
  ): Cell[] => [
    table.name,
    unique ? 0n : 1n,
    name,
    BigInt(seq),
    column.name,
    'A',
    0n,
    prefix === null ? null : BigInt(prefix),
    null,
    column.nullable ? 'YES' : '',
    'BTREE',
    '',
    comment,
    'YES',
    null,
  ];
  table.primaryKey.forEach((c, i) => {
    rows.push(part('PRIMARY', true, i + 1, table.columns[c] as ColumnDef, null, ''));
  });
  for (const index of sortedIndexes(table)) {
    index.parts.forEach((p, i) => {
      const column = table.columns[p.column] as ColumnDef;
      rows.push(part(index.name, index.unique, i + 1, column, p.prefixChars, index.comment ?? ''));
    });
  }
  for (const f of table.fulltext ?? []) {
    f.columns.forEach((c, i) => {
      const row = part(f.name, false, i + 1, table.columns[c] as ColumnDef, null, f.comment ?? '');
      row[5] = null; // no Collation
      row[10] = 'FULLTEXT';
      rows.push(row);
    });
  }
  return rows;
}

function showIndex(
  host: MetadataHost,
  statement: MetadataStatement & { kind: 'show-index' },
): Result {
  const found = findTable(host, statement.table);
  const rows = found.kind === 'view' ? [] : indexRows(found.table);
  return rowsResult(INDEX_COLUMNS, filtered(host, INDEX_COLUMNS, rows, statement.filter));
}

// ---------------------------------------------------------------------------------------------
// SHOW CREATE

function quoting(host: MetadataHost): boolean {
  const value = host.variable('sql_quote_show_create');
  return value !== '0' && value.toUpperCase() !== 'OFF';
}

function showCreateTable(
  host: MetadataHost,
  statement: MetadataStatement & { kind: 'show-create-table' },
): Result {
  const found = findTable(host, statement.table);
  const quote = quoting(host);
  if (found.kind === 'view') {
    const view = found.view;
    return rowsResult(
      [
        { name: 'View', type: 'text' },
        { name: 'Create View', type: 'blob' },
        { name: 'character_set_client', type: 'text' },
        { name: 'collation_connection', type: 'text' },
      ],
      [[view.name, createViewText(view, quote), view.charsetClient, view.collationConnection]],
    );
  }
  if (statement.view) {
    const database = statement.table.database ?? host.database ?? '';
    throw new SqlError('ER_WRONG_OBJECT', [database, statement.table.name, 'VIEW']);
  }
  const table = found.table;
  const next = table.autoIncrement === null ? null : host.catalog.autoIncrement.peek(table);
  return rowsResult(
    [
      { name: 'Table', type: 'text' },
      { name: 'Create Table', type: 'blob' },
    ],
    [[table.name, createTableText(table, found.kind === 'system' ? null : next, quote)]],
  );
}

function showCreateDatabase(
  host: MetadataHost,
  statement: MetadataStatement & { kind: 'show-create-database' },
): Result {
  const database = databaseOf(host, statement.name);
  const collationName = isSystemDatabase(host, database)
    ? 'utf8mb3_general_ci'
    : (host.catalog.database(database)?.collation ?? 'utf8mb4_0900_ai_ci');
  return rowsResult(
    [
      { name: 'Database', type: 'text' },
      { name: 'Create Database', type: 'blob' },
    ],
    [[database, createDatabaseText(database, collationName, statement.ifNotExists, quoting(host))]],
  );
}

// ---------------------------------------------------------------------------------------------
// SHOW TABLES, DATABASES, TABLE STATUS

function showTableNames(
  host: MetadataHost,
  statement: MetadataStatement & { kind: 'show-tables' },
): Result {
  const database = databaseOf(host, statement.database);
  const like = statement.like;
  const filter = { like, where: statement.where ?? null };
  const columns: ShowColumn[] = [
    { name: `Tables_in_${database}${like === null ? '' : ` (${like})`}`, type: 'text' },
  ];
  if (statement.full === true) columns.push({ name: 'Table_type', type: 'text' });
  let named: [string, string][];
  if (isSystemDatabase(host, database)) {
    named = (host.systemTables?.names() ?? []).map((n) => [n, 'SYSTEM VIEW']);
  } else {
    named = [
      ...host.catalog.tableNames(database).map((n): [string, string] => [n, 'BASE TABLE']),
      ...host.catalog.views(database).map((v): [string, string] => [v.name, 'VIEW']),
    ];
  }
  named.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const rows = named.map(([n, type]) => (statement.full === true ? [n, type] : [n]));
  return rowsResult(columns, filtered(host, columns, rows, filter, true));
}

function showDatabaseNames(
  host: MetadataHost,
  statement: MetadataStatement & { kind: 'show-databases' },
): Result {
  const like = statement.like;
  const filter = { like, where: statement.where ?? null };
  const columns: ShowColumn[] = [
    { name: `Database${like === null ? '' : ` (${like})`}`, type: 'text' },
  ];
  const names = host.catalog.databaseNames().filter((d) => host.mayShowDatabase(d));
  if (host.systemTables !== undefined) names.push(host.systemTables.database);
  names.sort();
  return rowsResult(columns, filtered(host, columns, names.map((n) => [n]), filter, true));
}

const STATUS_COLUMNS: readonly ShowColumn[] = [
  { name: 'Name', type: 'text' },
  { name: 'Engine', type: 'text', nullable: true },
  { name: 'Version', type: 'int', nullable: true },
  { name: 'Row_format', type: 'text', nullable: true },
  { name: 'Rows', type: 'uint', nullable: true },
  { name: 'Avg_row_length', type: 'uint', nullable: true },
  { name: 'Data_length', type: 'uint', nullable: true },
  { name: 'Max_data_length', type: 'uint', nullable: true },
  { name: 'Index_length', type: 'uint', nullable: true },
  { name: 'Data_free', type: 'uint', nullable: true },
  { name: 'Auto_increment', type: 'uint', nullable: true },
  { name: 'Create_time', type: 'text' },
  { name: 'Update_time', type: 'text', nullable: true },
  { name: 'Check_time', type: 'text', nullable: true },
  { name: 'Collation', type: 'text', nullable: true },
  { name: 'Checksum', type: 'int', nullable: true },
  { name: 'Create_options', type: 'text', nullable: true },
  { name: 'Comment', type: 'text', nullable: true },
];

/** The facts SHOW TABLE STATUS and information_schema.TABLES share for a base table. */
export interface TableFacts {
  readonly rowFormat: string;
  readonly autoIncrement: bigint | null;
  readonly created: string | null;
  readonly collation: string;
  readonly createOptions: string;
  readonly comment: string;
}

export function tableFacts(
  catalog: Catalog,
  table: TableDef,
  formatTime: (ms: number) => string,
): TableFacts {
  const options = table.options ?? {};
  return {
    rowFormat: options.rowFormat === undefined ? 'Dynamic' : capitalize(options.rowFormat),
    autoIncrement: table.autoIncrement === null ? null : catalog.autoIncrement.peek(table),
    created: options.created === undefined ? null : formatTime(options.created),
    collation: options.collation ?? 'utf8mb4_0900_ai_ci',
    createOptions: [
      options.rowFormat === undefined ? '' : `row_format=${options.rowFormat}`,
      options.createOptions ?? '',
    ].filter((o) => o !== '').join(' '),
    comment: options.comment ?? '',
  };
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

function showTableStatus(
  host: MetadataHost,
  statement: MetadataStatement & { kind: 'show-table-status' },
): Result {
  const database = databaseOf(host, statement.database);
  const rows: Cell[][] = [];
  const time = (ms: number): string => host.formatTime(ms);
  for (const table of host.catalog.tables(database)) {
    const facts = tableFacts(host.catalog, table, time);
    rows.push([
      table.name, 'InnoDB', 10n, facts.rowFormat, 0n, 0n, 16_384n, 0n,
      BigInt(16_384 * table.indexes.length), 0n, facts.autoIncrement, facts.created, null, null,
      facts.collation, null, facts.createOptions, facts.comment,
    ]);
  }
  for (const view of host.catalog.views(database)) {
    rows.push([view.name, ...new Array<Cell>(16).fill(null), 'VIEW']);
  }
  rows.sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));
  return rowsResult(STATUS_COLUMNS, filtered(host, STATUS_COLUMNS, rows, statement.filter, true));
}

// ---------------------------------------------------------------------------------------------
// SHOW ENGINES, CHARSET, COLLATION, routines

function showEngines(): Result {
  return rowsResult(
    [
      { name: 'Engine', type: 'text' },
      { name: 'Support', type: 'text' },
      { name: 'Comment', type: 'text' },
      { name: 'Transactions', type: 'text', nullable: true },
      { name: 'XA', type: 'text', nullable: true },
      { name: 'Savepoints', type: 'text', nullable: true },
    ],
    [[...INNODB_ENGINE]],
  );
}

function showCharset(host: MetadataHost, filter: ShowFilter): Result {
  const columns: ShowColumn[] = [
    { name: 'Charset', type: 'text' },
    { name: 'Description', type: 'text' },
    { name: 'Default collation', type: 'text' },
    { name: 'Maxlen', type: 'uint' },
  ];
  const charsets = [...new Set(COLLATION_NAMES.map(charsetOf))].sort();
  const rows = charsets.map((cs): Cell[] => {
    const [description, maxlen] = CHARSET_FACTS[cs] ?? [cs, 1n];
    return [cs, description, defaultCollationOfCharset(cs) ?? null, maxlen];
  });
  return rowsResult(columns, filtered(host, columns, rows, filter));
}

/** MySQL's Sortlen of a collation. */
function sortLength(name: string): bigint {
  if (name === 'utf8mb4_0900_ai_ci') return 0n;
  if (name.endsWith('_unicode_ci')) return 8n;
  return 1n;
}

function showCollation(host: MetadataHost, filter: ShowFilter): Result {
  const columns: ShowColumn[] = [
    { name: 'Collation', type: 'text' },
    { name: 'Charset', type: 'text' },
    { name: 'Id', type: 'uint' },
    { name: 'Default', type: 'text' },
    { name: 'Compiled', type: 'text' },
    { name: 'Sortlen', type: 'uint' },
    { name: 'Pad_attribute', type: 'text' },
  ];
  const rows = [...COLLATION_NAMES].sort().map((name): Cell[] => {
    const cs = charsetOf(name);
    const noPad = name.includes('_0900_') || name === 'binary';
    return [
      name,
      cs,
      BigInt(collation(name).id),
      defaultCollationOfCharset(cs) === name ? 'Yes' : '',
      'Yes',
      sortLength(name),
      noPad ? 'NO PAD' : 'PAD SPACE',
    ];
  });
  return rowsResult(columns, filtered(host, columns, rows, filter));
}

const ROUTINE_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  triggers: [
    'Trigger', 'Event', 'Table', 'Statement', 'Timing', 'Created', 'sql_mode', 'Definer',
    'character_set_client', 'collation_connection', 'Database Collation',
  ],
  events: [
    'Db', 'Name', 'Definer', 'Time zone', 'Type', 'Execute at', 'Interval value',
    'Interval field', 'Starts', 'Ends', 'Status', 'Originator', 'character_set_client',
    'collation_connection', 'Database Collation',
  ],
  status: [
    'Db', 'Name', 'Type', 'Definer', 'Modified', 'Created', 'Security_type', 'Comment',
    'character_set_client', 'collation_connection', 'Database Collation',
  ],
};

/** The non-text columns of SHOW TRIGGERS / PROCEDURE STATUS (MySQL 8: LONGTEXT is a BLOB). */
const ROUTINE_COLUMN_TYPES: Readonly<Record<string, ShowType>> = {
  Statement: 'blob',
  Comment: 'blob',
  Created: 'datetime',
  Modified: 'datetime',
};

/** Rows whose column `at` matches LIKE (names: case-insensitively), or WHERE over all. */
function filteredAt(
  host: MetadataHost,
  columns: readonly ShowColumn[],
  rows: readonly (readonly Cell[])[],
  filter: ShowFilter,
  at: number,
): (readonly Cell[])[] {
  const like = filter.like;
  if (like === null) return filtered(host, columns, rows, filter);
  const coll = collation('utf8mb4_general_ci');
  return rows.filter((r) => likeMatch(String(r[at] ?? ''), like, '\\', coll));
}

/** SHOW TRIGGERS (LIKE matches the table), SHOW PROCEDURE / FUNCTION STATUS (the name). */
function showRoutines(
  host: MetadataHost,
  statement: MetadataStatement & { kind: 'show-routines' },
): Result {
  const database =
    statement.which === 'triggers' || statement.which === 'events'
      ? databaseOf(host, statement.database)
      : null;
  const names =
    ROUTINE_COLUMNS[statement.which.endsWith('status') ? 'status' : statement.which] ?? [];
  const columns = names.map((name): ShowColumn => ({
    name,
    // SHOW TRIGGERS' Created has centiseconds, SHOW … STATUS' times none.
    type:
      statement.which === 'triggers' && name === 'Created'
        ? 'datetime2'
        : (ROUTINE_COLUMN_TYPES[name] ?? 'text'),
    nullable: true,
  }));
  const { programs } = host.catalog;
  let rows: Cell[][] = [];
  let at = 0;
  if (statement.which === 'triggers' && database !== null) {
    at = 2;
    rows = programs.triggers(database).map((t) => [
      t.name, t.event, t.table, t.body, t.timing, formatCentiseconds(host, t.created), t.sqlMode,
      definerText(t.definer), t.charsetClient, t.collationConnection, t.databaseCollation,
    ]);
  } else if (statement.which !== 'events') {
    at = 1;
    const type = statement.which === 'procedure status' ? 'PROCEDURE' : 'FUNCTION';
    rows = programs
      .routines(null)
      .filter((r) => r.type === type && host.mayShowDatabase(r.database))
      .map((r) => [
        r.database, r.name, r.type, definerText(r.definer), host.formatTime(r.modified),
        host.formatTime(r.created), r.characteristics.security, r.characteristics.comment,
        r.charsetClient, r.collationConnection, r.databaseCollation,
      ]);
  }
  return rowsResult(columns, filteredAt(host, columns, rows, statement.filter, at));
}

/** A time with its centiseconds (SHOW TRIGGERS' Created). */
function formatCentiseconds(host: MetadataHost, ms: number): string {
  return `${host.formatTime(ms)}.${String(Math.floor((ms % 1000) / 10)).padStart(2, '0')}`;
}

function showCreateRoutine(
  host: MetadataHost,
  statement: MetadataStatement & { kind: 'show-create-routine' },
): Result {
  const { routine, name } = statement;
  if (routine === 'EVENT') throw new SqlError('ER_EVENT_DOES_NOT_EXIST', [name.name]);
  const database = name.database ?? host.database;
  if (database === null) throw new SqlError('ER_NO_DB_ERROR');
  const { programs } = host.catalog;
  const text = (n: string): ShowColumn => ({ name: n, type: 'text', nullable: true });
  if (routine === 'TRIGGER') {
    const t = programs.trigger(database, name.name);
    if (t === undefined) throw new SqlError('ER_TRG_DOES_NOT_EXIST');
    const columns = [
      text('Trigger'), text('sql_mode'), text('SQL Original Statement'),
      text('character_set_client'), text('collation_connection'), text('Database Collation'),
      { name: 'Created', type: 'datetime2', nullable: true } as const,
    ];
    return rowsResult(columns, [[
      t.name, t.sqlMode, createTriggerText(t), t.charsetClient, t.collationConnection,
      t.databaseCollation, formatCentiseconds(host, t.created),
    ]]);
  }
  const r = programs.routine(database, routine, name.name);
  if (r === undefined)
    throw new SqlError('ER_SP_DOES_NOT_EXIST', [routine, `${database}.${name.name}`]);
  const title = routine === 'PROCEDURE' ? 'Procedure' : 'Function';
  const columns = [
    text(title), text('sql_mode'), text(`Create ${title}`), text('character_set_client'),
    text('collation_connection'), text('Database Collation'),
  ];
  return rowsResult(columns, [[
    r.name, r.sqlMode, createRoutineText(r), r.charsetClient, r.collationConnection,
    r.databaseCollation,
  ]]);
}

// ---------------------------------------------------------------------------------------------

export function runMetadataStatement(statement: MetadataStatement, host: MetadataHost): Result {
  switch (statement.kind) {
    case 'show-columns':
      return showColumns(host, statement);
    case 'show-index':
      return showIndex(host, statement);
    case 'show-create-table':
      return showCreateTable(host, statement);
    case 'show-create-database':
      return showCreateDatabase(host, statement);
    case 'show-tables':
      return showTableNames(host, statement);
    case 'show-databases':
      return showDatabaseNames(host, statement);
    case 'show-table-status':
      return showTableStatus(host, statement);
    case 'show-engines':
      return showEngines();
    case 'show-charset':
      return showCharset(host, statement.filter);
    case 'show-collation':
      return showCollation(host, statement.filter);
    case 'show-routines':
      return showRoutines(host, statement);
    case 'show-create-routine':
      return showCreateRoutine(host, statement);
    default:
      return unreachable(statement);
  }
}

const METADATA_KINDS: ReadonlySet<string> = new Set<MetadataStatement['kind']>([
  'show-columns',
  'show-index',
  'show-create-table',
  'show-create-database',
  'show-tables',
  'show-databases',
  'show-table-status',
  'show-engines',
  'show-charset',
  'show-collation',
  'show-routines',
  'show-create-routine',
]);

export function isMetadataStatement(statement: {
  readonly kind: string;
}): statement is MetadataStatement {
  return METADATA_KINDS.has(statement.kind);
}
