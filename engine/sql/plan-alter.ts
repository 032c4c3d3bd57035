/**
 * ALTER TABLE planning: the statement's actions applied in order to a draft of the table's
 * definition, then checked as a whole and turned into the new definition plus what it takes to
 * get there:
 *
 *   rebuild     the table's rows change shape (columns added, dropped, moved, retyped; a new
 *               primary key): every row is converted into new trees (alter-run.ts);
 *   in place    only metadata and secondary indexes change: new indexes are built from the
 *               rows, dropped ones freed, the rest kept.
 *
 * Columns keep their identity through the draft (a DraftColumn), so a renamed, moved or
 * retyped column still takes its values from the old column (`source`). Errors as MySQL's:
 *
 *   ADD of an existing column             ER_DUP_FIELDNAME (1060)
 *   DROP of a missing column / key        ER_CANT_DROP_FIELD_OR_KEY (1091)
 *   MODIFY / CHANGE / AFTER a missing one ER_BAD_FIELD_ERROR (1054, "… in 't'")
 *   dropping every column                 ER_CANT_REMOVE_ALL_FIELDS (1090)
 *   a second primary key                  ER_MULTIPLE_PRI_KEY (1068)
 *   AUTO_INCREMENT not leading a key      ER_WRONG_AUTO_KEY (1075)
 *   index names                           1061, 1280 (plan-index.ts)
 */
import type { Catalog } from '../catalog/catalog.js';
import type {
  CheckDef,
  ColumnDef,
  ForeignKeyDef,
  FulltextDef,
  IndexDef,
  IndexSpec,
  TableDef,
  TableOptions,
} from '../catalog/definitions.js';
import { SqlError } from '../errors.js';
import type {
  AlterAction,
  ColumnDefinition,
  ColumnPosition,
  IndexDefinition,
  TableName,
} from './ast.js';
import type { CollationName } from './collation.js';
import { columnWithDefault, planColumn, resolveCollation } from './plan-columns.js';
import { INDEXES_MAX, planFulltext, planIndex } from './plan-index.js';
import { planEngine, TABLE_COMMENT_CHARS_MAX, type PlanWarning } from './plan-ddl.js';
import { isSystemSchema } from './information-schema/index.js';
import { planChecks, planForeignKeys } from './plan-constraints.js';
import { referencesTo } from './constraints.js';

/** A column of the draft: its new definition and the old column it takes values from. */
interface DraftColumn {
  def: ColumnDef;
  readonly source: number | null;
}

interface DraftIndex {
  name: string;
  readonly unique: boolean;
  readonly parts: readonly { readonly column: DraftColumn; readonly prefixChars: number | null }[];
  readonly comment?: string;
  /** The existing index this is, unchanged so far (its tree may be kept). */
  readonly existing: IndexDef | null;
}

interface DraftForeignKey {
  readonly def: Omit<ForeignKeyDef, 'columns'>;
  readonly columns: readonly DraftColumn[];
}

/** The planned change (alter-run.ts carries it out). */
export interface AlterPlan {
  readonly table: TableDef;
  /** The new definition, without trees. */
  readonly columns: readonly ColumnDef[];
  readonly primaryKey: readonly number[];
  /** New indexes as specs; `keep`: the existing index (and tree) it is, when kept. */
  readonly indexes: readonly (IndexSpec & { readonly keep: IndexDef | null })[];
  readonly autoIncrement: number | null;
  readonly options: TableOptions;
  readonly foreignKeys: readonly ForeignKeyDef[];
  readonly checks: readonly CheckDef[];
  /** Per new column, the old column it takes its values from (null: a new column). */
  readonly sources: readonly (number | null)[];
  readonly rebuild: boolean;
  /** A column's type changes: MySQL copies the rows (and reports them as affected). */
  readonly copy: boolean;
  /** RENAME TO: the table's new name. */
  readonly rename: { readonly database: string; readonly name: string } | null;
  /** AUTO_INCREMENT = n. */
  readonly autoIncrementStart: bigint | null;
  readonly warnings: readonly PlanWarning[];
  /** Nothing changes (DISABLE KEYS, FORCE, an empty ALTER): the definition is not rewritten. */
  readonly noop: boolean;
  /**
   * Only RENAME TO and ENABLE / DISABLE KEYS (or nothing): MySQL's simple rename path answers a
   * bare OK, without the "Records: …" info.
   */
  readonly simple: boolean;
  /** Foreign keys and CHECKs this statement adds (or enforces): the rows must satisfy them. */
  readonly addedForeignKeys: readonly string[];
  readonly addedChecks: readonly string[];
  /** Column renames (old name → new name), for other tables' foreign keys referencing them. */
  readonly renamedColumns: ReadonlyMap<string, string>;
  readonly fulltext: readonly FulltextDef[];
}

export interface AlterContext {
  readonly catalog: Catalog;
  readonly database: string | null;
  readonly noEngineSubstitution: boolean;
  /** foreign_key_checks. */
  readonly foreignKeyChecks: boolean;
}

const folded = (name: string): string => name.toLowerCase();

class Draft {
  columns: DraftColumn[];
  primaryKey: DraftColumn[];
  indexes: DraftIndex[];
  autoIncrement: DraftColumn | null;
  foreignKeys: DraftForeignKey[];
  checks: CheckDef[];
  fulltext: { name: string; columns: DraftColumn[]; comment?: string }[];
  options: TableOptions;
  rename: { database: string; name: string } | null = null;
  autoIncrementStart: bigint | null = null;
  readonly warnings: PlanWarning[] = [];
  /** Set when the rows must be rewritten (see the file comment). */
  reshaped = false;
  /** Set when a column's type changes (MySQL's COPY algorithm). */
  copied = false;
  /** Constraints this statement adds: the rows are checked against them (schema-run.ts). */
  readonly addedForeignKeys: string[] = [];
  readonly addedChecks: string[] = [];

  dropForeignKey(name: string): boolean {
    const at = this.foreignKeys.findIndex((f) => folded(f.def.name) === folded(name));
    if (at === -1) return false;
    this.foreignKeys.splice(at, 1);
    return true;
  }

  dropCheck(name: string): boolean {
    const at = this.checks.findIndex((c) => folded(c.name) === folded(name));
    if (at === -1) return false;
    this.checks.splice(at, 1);
    return true;
  }

  /** 3959 / 3108 when a CHECK or a generated column reads the column (dropped or renamed). */
  dependents(column: DraftColumn): void {
    const name = folded(column.def.name);
    const reads = (text: string): boolean => text.toLowerCase().includes(`\`${name}\``);
    for (const check of this.checks) {
      if (reads(check.expression))
        throw new SqlError('ER_DEPENDENT_BY_CHECK_CONSTRAINT', [check.name, column.def.name]);
    }
    for (const other of this.columns) {
      if (
        other !== column &&
        other.def.generated !== undefined &&
        reads(other.def.generated.expression)
      ) {
        throw new SqlError('ER_DEPENDENT_BY_GENERATED_COLUMN', [column.def.name]);
      }
    }
  }

  /** 1829 when another table's foreign key references the column. */
  referenced(column: DraftColumn): void {
    if (column.source === null) return;
    const old = this.table.columns[column.source]?.name ?? '';
    for (const { child, fk } of referencesTo(this.ctx.catalog, this.table)) {
      if (child.name === this.table.name && child.database === this.table.database) continue;
      if (fk.refColumns.some((c) => folded(c) === folded(old))) {
        throw new SqlError('ER_FK_COLUMN_CANNOT_DROP_CHILD', [old, fk.name, child.name]);
      }
    }
  }

  constructor(readonly table: TableDef, readonly ctx: AlterContext) {
    this.columns = table.columns.map((def, i) => ({ def, source: i }));
    const at = (i: number): DraftColumn => this.columns[i] as DraftColumn;
    this.primaryKey = table.primaryKey.map(at);
    this.indexes = table.indexes.map((index) => ({
      name: index.name,
      unique: index.unique,
      parts: index.parts.map((p) => ({ column: at(p.column), prefixChars: p.prefixChars })),
      ...(index.comment === undefined ? {} : { comment: index.comment }),
      existing: index,
    }));
    this.autoIncrement = table.autoIncrement === null ? null : at(table.autoIncrement);
    this.foreignKeys = (table.foreignKeys ?? []).map((fk) => ({
      def: fk,
      columns: fk.columns.map(at),
    }));
    this.checks = [...(table.checks ?? [])];
    this.fulltext = (table.fulltext ?? []).map((f) => ({ ...f, columns: f.columns.map(at) }));
    this.options = { ...(table.options ?? {}) };
  }

  /** Every index name in use, lower case (PRIMARY when there is a primary key). */
  indexNames(): Set<string> {
    return new Set([
      ...this.indexes.map((i) => folded(i.name)),
      ...this.fulltext.map((f) => folded(f.name)),
      ...(this.primaryKey.length > 0 ? ['primary'] : []),
    ]);
  }

  get collation(): CollationName {
    return this.options.collation ?? 'utf8mb4_0900_ai_ci';
  }

  find(name: string): DraftColumn | undefined {
    return this.columns.find((c) => folded(c.def.name) === folded(name));
  }

  /** A column that must exist (1054 "Unknown column 'x' in 't'"). */
  column(name: string): DraftColumn {
    const found = this.find(name);
    if (found === undefined) throw new SqlError('ER_BAD_FIELD_ERROR', [name, this.table.name]);
    return found;
  }

  place(column: DraftColumn, position: ColumnPosition | null): void {
    const without = this.columns.filter((c) => c !== column);
    let at = without.length;
    if (position?.kind === 'first') at = 0;
    else if (position?.kind === 'after') at = without.indexOf(this.column(position.column)) + 1;
    else if (this.columns.includes(column)) at = this.columns.indexOf(column);
    without.splice(at, 0, column);
    if (without.some((c, i) => c !== this.columns[i])) this.reshaped = true;
    this.columns = without;
  }

  /** A column's key attributes (PRIMARY KEY, UNIQUE, AUTO_INCREMENT) as of its definition. */
  keyAttributes(column: DraftColumn, definition: ColumnDefinition): void {
    if (definition.primaryKey) this.addPrimaryKey([column]);
    if (definition.unique === true) {
      this.addIndex({
        name: null,
        unique: true,
        columns: [{ name: column.def.name, prefix: null }],
      });
    }
    const auto =
      definition.autoIncrement === true
        ? column
        : this.autoIncrement === column
          ? null
          : this.autoIncrement;
    if (auto !== this.autoIncrement) {
      // A new AUTO_INCREMENT column is renumbered or validated against the rows: a rebuild.
      this.autoIncrement = auto;
      this.reshaped = true;
    }
  }

  addPrimaryKey(columns: DraftColumn[]): void {
    if (this.primaryKey.length > 0) throw new SqlError('ER_MULTIPLE_PRI_KEY');
    for (const c of columns) {
      if (c.def.type.kind === 'string' && c.def.type.variant === 'text') {
        throw new SqlError('ER_BLOB_KEY_WITHOUT_LENGTH', [c.def.name]);
      }
      if (c.def.nullable)
        c.def = {
          ...c.def,
          nullable: false,
          defaultValue: c.def.defaultValue?.value === null ? null : c.def.defaultValue,
        };
    }
    this.primaryKey = columns;
    this.reshaped = true;
  }

  addIndex(definition: IndexDefinition): void {
    const columns = this.columns.map((c) => c.def);
    const taken = this.indexNames();
    if (definition.fulltext === true) {
      const planned = planFulltext(definition, columns, taken);
      this.fulltext.push({
        ...planned,
        columns: planned.columns.map((i) => this.columns[i] as DraftColumn),
      });
      return;
    }
    if (this.indexes.length >= INDEXES_MAX) throw new SqlError('ER_TOO_MANY_KEYS', [INDEXES_MAX]);
    const spec = planIndex(definition, columns, taken);
    this.indexes.push({
      name: spec.name,
      unique: spec.unique,
      parts: spec.parts.map((p) => ({
        column: this.columns[p.column] as DraftColumn,
        prefixChars: p.prefixChars,
      })),
      ...(definition.comment === undefined ? {} : { comment: definition.comment }),
      existing: null,
    });
  }

  dropIndex(name: string): void {
    if (folded(name) === 'primary') return this.dropPrimaryKey();
    const text = this.fulltext.findIndex((f) => folded(f.name) === folded(name));
    if (text !== -1) {
      this.fulltext.splice(text, 1);
      return;
    }
    const at = this.indexes.findIndex((i) => folded(i.name) === folded(name));
    if (at === -1) throw new SqlError('ER_CANT_DROP_FIELD_OR_KEY', [name]);
    this.indexes.splice(at, 1);
  }

  dropPrimaryKey(): void {
    if (this.primaryKey.length === 0) throw new SqlError('ER_CANT_DROP_FIELD_OR_KEY', ['PRIMARY']);
    this.primaryKey = [];
    this.reshaped = true;
  }

  dropColumn(name: string): void {
    const column = this.find(name);
    if (column === undefined) throw new SqlError('ER_CANT_DROP_FIELD_OR_KEY', [name]);
    for (const fk of this.foreignKeys) {
      if (fk.columns.includes(column))
        throw new SqlError('ER_FK_COLUMN_CANNOT_DROP', [column.def.name, fk.def.name]);
    }
    this.dependents(column);
    if (this.ctx.foreignKeyChecks) this.referenced(column);
    this.columns = this.columns.filter((c) => c !== column);
    if (this.columns.length === 0) throw new SqlError('ER_CANT_REMOVE_ALL_FIELDS');
    // MySQL drops the column from every key, and a key left without columns with it.
    if (this.primaryKey.includes(column))
      this.primaryKey = this.primaryKey.filter((c) => c !== column);
    this.indexes = this.indexes
      .map((i) => (i.parts.some((p) => p.column === column)
        ? { ...i, parts: i.parts.filter((p) => p.column !== column), existing: null }
        : i))
      .filter((i) => i.parts.length > 0);
    this.fulltext = this.fulltext
      .map((f) => ({ ...f, columns: f.columns.filter((c) => c !== column) }))
      .filter((f) => f.columns.length > 0);
    if (this.autoIncrement === column) this.autoIncrement = null;
    this.reshaped = true;
  }

  /** MODIFY / CHANGE: the column takes a new definition (and name), its values converted. */
  changeColumn(from: string, definition: ColumnDefinition, position: ColumnPosition | null): void {
    const old = this.column(from);
    const other = this.find(definition.name);
    if (other !== undefined && other !== old)
      throw new SqlError('ER_DUP_FIELDNAME', [definition.name]);
    const inKey = this.primaryKey.includes(old) || definition.primaryKey;
    const def = planColumn(definition, this.collation, inKey);
    const reshaped = !sameStorage(old.def, def);
    if (
      JSON.stringify(old.def.type) !== JSON.stringify(def.type) &&
      !widensInPlace(old.def.type, def.type)
    ) {
      this.copied = true;
    }
    // Making an existing column AUTO_INCREMENT is a COPY in MySQL 8 (the rows are counted).
    if (definition.autoIncrement === true && this.autoIncrement !== old) this.copied = true;
    const changed: DraftColumn = { def, source: old.source };
    this.replace(old, changed);
    if (reshaped) this.reshaped = true;
    this.place(changed, position);
    this.keyAttributes(changed, definition);
  }

  /** Replaces a draft column everywhere it is referenced. */
  replace(old: DraftColumn, next: DraftColumn): void {
    this.columns = this.columns.map((c) => (c === old ? next : c));
    this.primaryKey = this.primaryKey.map((c) => (c === old ? next : c));
    this.indexes = this.indexes.map((i) => ({
      ...i,
      parts: i.parts.map((p) => (p.column === old ? { ...p, column: next } : p)),
      existing:
        i.parts.some((p) => p.column === old) && !sameStorage(old.def, next.def)
          ? null
          : i.existing,
    }));
    this.foreignKeys = this.foreignKeys.map((fk) => ({
      ...fk,
      columns: fk.columns.map((c) => (c === old ? next : c)),
    }));
    this.fulltext = this.fulltext.map((f) => ({
      ...f,
      columns: f.columns.map((c) => (c === old ? next : c)),
    }));
    if (this.autoIncrement === old) this.autoIncrement = next;
  }

  addColumn(definition: ColumnDefinition, position: ColumnPosition | null): void {
    if (this.find(definition.name) !== undefined)
      throw new SqlError('ER_DUP_FIELDNAME', [definition.name]);
    const column: DraftColumn = {
      def: planColumn(definition, this.collation, definition.primaryKey),
      source: null,
    };
    this.columns.push(column);
    this.reshaped = true;
    // A STORED generated column is computed into every row: MySQL 8 COPYs (and counts them).
    if (column.def.generated?.stored === true) this.copied = true;
    this.place(column, position);
    this.keyAttributes(column, definition);
  }
}

/** True when a column's values are stored the same way under both definitions. */
/**
 * A VARCHAR (or VARBINARY) made longer, same collation, its length still stored in as many bytes
 * (up to 255 bytes: one; more: two): InnoDB does it in place, so MySQL reports no rows copied.
 */
function widensInPlace(a: ColumnDef['type'], b: ColumnDef['type']): boolean {
  const bytes = (t: ColumnDef['type']): number | null => {
    if (t.kind === 'string' && t.variant === 'varchar')
      return t.chars * (t.collation === 'binary' ? 1 : 4);
    return null;
  };
  const from = bytes(a);
  const to = bytes(b);
  if (from === null || to === null || to < from || (from > 255) !== (to > 255)) return false;
  return JSON.stringify({ ...a, chars: 0 }) === JSON.stringify({ ...b, chars: 0 });
}

function sameStorage(a: ColumnDef, b: ColumnDef): boolean {
  return JSON.stringify(a.type) === JSON.stringify(b.type) && a.nullable === b.nullable &&
    JSON.stringify(a.generated ?? null) === JSON.stringify(b.generated ?? null);
}

function applyAction(draft: Draft, action: AlterAction): void {
  switch (action.kind) {
    case 'add-column':
      return draft.addColumn(action.column, action.position);
    case 'drop-column':
      return draft.dropColumn(action.name);
    case 'change-column':
      return draft.changeColumn(action.from, action.column, action.position);
    case 'rename-column': {
      const column = draft.column(action.from);
      const other = draft.find(action.to);
      if (other !== undefined && other !== column)
        throw new SqlError('ER_DUP_FIELDNAME', [action.to]);
      if (folded(action.from) !== folded(action.to)) draft.dependents(column);
      column.def = { ...column.def, name: action.to };
      return;
    }
    case 'column-default':
      return columnDefault(draft, action);
    case 'add-index':
      return draft.addIndex(action.index);
    case 'add-primary-key':
      return draft.addPrimaryKey(action.columns.map((n) => {
        const c = draft.find(n);
        if (c === undefined) throw new SqlError('ER_KEY_COLUMN_DOES_NOT_EXITS', [n]);
        return c;
      }));
    case 'drop-index':
      return draft.dropIndex(action.name);
    case 'drop-primary-key':
      return draft.dropPrimaryKey();
    case 'rename-index': {
      const index = draft.indexes.find((i) => folded(i.name) === folded(action.from));
      if (index === undefined)
        throw new SqlError('ER_KEY_DOES_NOT_EXITS', [action.from, draft.table.name]);
      if (draft.indexes.some((i) => i !== index && folded(i.name) === folded(action.to))) {
        throw new SqlError('ER_DUP_KEYNAME', [action.to]);
      }
      index.name = action.to;
      return;
    }
    case 'rename-table':
      return renameTo(draft, action.to);
    case 'options':
      return tableOptions(draft, action.options);
    case 'convert-charset': {
      const collation = resolveCollation(action.charset, action.collation, draft.collation);
      for (const column of draft.columns) {
        if (column.def.type.kind === 'string' && column.def.type.collation !== 'binary') {
          const type = { ...column.def.type, collation };
          draft.replace(column, { def: { ...column.def, type }, source: column.source });
          draft.reshaped = true;
          draft.copied = true;
        }
      }
      draft.options = { ...draft.options, collation };
      return;
    }
    case 'keys':
      draft.warnings.push({
        code: 1031,
        message: `Table storage engine for '${draft.table.name}' doesn't have this option`,
        level: 'Note',
      });
      return;
    case 'no-op':
      return;
    case 'add-foreign-key':
    case 'add-check':
    case 'drop-foreign-key':
    case 'drop-check':
    case 'drop-constraint':
    case 'alter-check':
      return constraintAction(draft, action);
  }
}

function columnDefault(draft: Draft, action: AlterAction & { kind: 'column-default' }): void {
  const column = draft.column(action.name);
  if (column.def.generated !== undefined) {
    throw new SqlError('ER_WRONG_USAGE', ['DEFAULT', 'generated column']);
  }
  const value =
    action.default === null
      ? null
      : action.expression
        ? { expression: action.default }
        : { literal: action.default };
  column.def = columnWithDefault(column.def, value);
}

function renameTo(draft: Draft, to: TableName): void {
  const database = to.database ?? draft.ctx.database;
  if (database === null) throw new SqlError('ER_NO_DB_ERROR');
  if (isSystemSchema(database)) throw new SqlError('ER_DBACCESS_DENIED_ERROR', ['', '', database]);
  if (!draft.ctx.catalog.hasDatabase(database)) throw new SqlError('ER_BAD_DB_ERROR', [database]);
  const same = database === draft.table.database && to.name === draft.table.name;
  if (!same && draft.ctx.catalog.hasTableOrView(database, to.name)) {
    throw new SqlError('ER_TABLE_EXISTS_ERROR', [to.name]);
  }
  draft.rename = same ? null : { database, name: to.name };
}

function tableOptions(draft: Draft, options: import('./ast.js').TableOptionsSpec): void {
  planEngine(
    options.engine,
    draft.table.name,
    {
      databaseCollation: draft.collation,
      noEngineSubstitution: draft.ctx.noEngineSubstitution,
      now: 0,
    },
    draft.warnings,
  );
  if (
    options.comment !== undefined &&
    Array.from(options.comment).length > TABLE_COMMENT_CHARS_MAX
  ) {
    throw new SqlError('ER_TOO_LONG_TABLE_COMMENT', [draft.table.name, TABLE_COMMENT_CHARS_MAX]);
  }
  const collation = options.charset !== undefined || options.collation !== undefined
    ? resolveCollation(options.charset, options.collation, draft.collation)
    : undefined;
  draft.options = {
    ...draft.options,
    ...(collation === undefined ? {} : { collation }),
    ...(options.comment === undefined ? {} : { comment: options.comment }),
    ...(options.rowFormat === undefined ? {} : { rowFormat: options.rowFormat }),
    ...(options.createOptions === undefined
      ? {}
      : { createOptions: options.createOptions.join(' ') }),
  };
  if (options.autoIncrement !== undefined) draft.autoIncrementStart = options.autoIncrement;
}

function constraintAction(draft: Draft, action: AlterAction): void {
  switch (action.kind) {
    case 'add-foreign-key': {
      const columns = draft.columns.map((c) => c.def);
      const indexes = draft.indexes.map((i) => ({
        name: i.name,
        unique: i.unique,
        parts: i.parts.map((p) => ({
          column: draft.columns.indexOf(p.column),
          prefixChars: p.prefixChars,
        })),
      }));
      const [fk] = planForeignKeys([action.foreignKey], {
        database: draft.table.database,
        name: draft.table.name,
        columns,
        primaryKey: draft.primaryKey.map((c) => draft.columns.indexOf(c)),
        indexes,
      }, draft.foreignKeys.map((f) => ({ ...f.def, columns: [] })), {
        catalog: draft.ctx.catalog,
        checks: draft.ctx.foreignKeyChecks,
        addIndex: (definition) => draft.addIndex(definition),
      });
      if (fk === undefined) return;
      const { columns: at, ...def } = fk;
      draft.foreignKeys.push({ def, columns: at.map((i) => draft.columns[i] as DraftColumn) });
      draft.addedForeignKeys.push(fk.name);
      return;
    }
    case 'add-check': {
      const columns = draft.columns.map((c) => c.def);
      const auto = draft.autoIncrement === null ? null : draft.columns.indexOf(draft.autoIncrement);
      const checks = planChecks(
        [{ check: action.check, column: null }],
        { database: draft.table.database, name: draft.table.name, columns },
        auto,
        draft.checks,
        draft.ctx.catalog,
      );
      draft.checks.push(...checks);
      draft.addedChecks.push(...checks.filter((c) => c.enforced).map((c) => c.name));
      return;
    }
    case 'drop-foreign-key':
      if (!draft.dropForeignKey(action.name))
        throw new SqlError('ER_CANT_DROP_FIELD_OR_KEY', [action.name]);
      return;
    case 'drop-check':
      if (!draft.dropCheck(action.name))
        throw new SqlError('ER_CHECK_CONSTRAINT_NOT_FOUND', [action.name]);
      return;
    case 'drop-constraint': {
      if (draft.dropForeignKey(action.name) || draft.dropCheck(action.name)) return;
      const index = draft.indexes.find((i) => i.unique && folded(i.name) === folded(action.name));
      if (index !== undefined) return draft.dropIndex(index.name);
      if (folded(action.name) === 'primary') return draft.dropPrimaryKey();
      throw new SqlError('ER_CANT_DROP_FIELD_OR_KEY', [action.name]);
    }
    case 'alter-check': {
      const at = draft.checks.findIndex((c) => folded(c.name) === folded(action.name));
      const check = draft.checks[at];
      if (check === undefined) throw new SqlError('ER_CHECK_CONSTRAINT_NOT_FOUND', [action.name]);
      draft.checks[at] = { ...check, enforced: action.enforced };
      if (action.enforced && !check.enforced) draft.addedChecks.push(check.name);
      return;
    }
    default:
      throw new Error(`constraintAction: ${action.kind}`);
  }
}

/** The AUTO_INCREMENT column must be an integer leading a key (1075, 1063). */
function checkAutoIncrement(draft: Draft): void {
  const auto = draft.autoIncrement;
  if (auto === null) return;
  if (auto.def.type.kind !== 'int') throw new SqlError('ER_WRONG_FIELD_SPEC', [auto.def.name]);
  const leads =
    draft.primaryKey[0] === auto || draft.indexes.some((i) => i.parts[0]?.column === auto);
  if (!leads) throw new SqlError('ER_WRONG_AUTO_KEY');
}

/** ALTER TABLE → its plan (see the file comment). */
export function planAlter(
  table: TableDef,
  actions: readonly AlterAction[],
  ctx: AlterContext,
): AlterPlan {
  const draft = new Draft(table, ctx);
  for (const action of actions) applyAction(draft, action);
  checkAutoIncrement(draft);
  const noop = actions.every((a) => a.kind === 'keys' || a.kind === 'no-op');
  // MySQL 8 COPYs (and counts the rows) when the primary key is dropped without a new one,
  // when a CHECK is added or enforced, and when a foreign key is added under foreign_key_checks.
  if (table.primaryKey.length > 0 && draft.primaryKey.length === 0) draft.copied = true;
  if (draft.addedChecks.length > 0 || (draft.addedForeignKeys.length > 0 && ctx.foreignKeyChecks)) {
    draft.copied = true;
    draft.reshaped = true; // a real copy: the rows are counted as they are rewritten
  }
  const index = new Map(draft.columns.map((c, i) => [c, i]));
  const at = (c: DraftColumn): number => index.get(c) as number;
  const rebuild = draft.reshaped || draft.columns.some((c) => c.source === null);
  return {
    table,
    columns: draft.columns.map((c) => c.def),
    primaryKey: draft.primaryKey.map(at),
    indexes: draft.indexes.map((i) => ({
      name: i.name,
      unique: i.unique,
      parts: i.parts.map((p) => ({ column: at(p.column), prefixChars: p.prefixChars })),
      ...(i.comment === undefined ? {} : { comment: i.comment }),
      keep: rebuild ? null : i.existing,
    })),
    autoIncrement: draft.autoIncrement === null ? null : at(draft.autoIncrement),
    options: draft.options,
    foreignKeys: draft.foreignKeys.map((fk) => ({ ...fk.def, columns: fk.columns.map(at) })),
    checks: draft.checks,
    sources: draft.columns.map((c) => c.source),
    rebuild,
    copy: draft.copied,
    rename: draft.rename,
    autoIncrementStart: draft.autoIncrementStart,
    warnings: draft.warnings,
    noop,
    simple: actions.every((a) => a.kind === 'keys' || a.kind === 'rename-table'),
    fulltext: draft.fulltext.map((f) => ({ ...f, columns: f.columns.map(at) })),
    addedForeignKeys: draft.addedForeignKeys,
    addedChecks: draft.addedChecks,
    renamedColumns: new Map(
      draft.columns.flatMap((c) => {
        const old = c.source === null ? undefined : table.columns[c.source]?.name;
        return old === undefined || old === c.def.name
          ? []
          : [[old, c.def.name] as [string, string]];
      }),
    ),
  };
}
