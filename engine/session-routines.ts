/**
 * The session's side of stored programs (issue 6): CREATE / DROP PROCEDURE, FUNCTION and TRIGGER
 * (catalog writes in one mini-transaction, like DDL: catalog/programs.ts), and CALL, which runs a
 * procedure's body (sql/routines.ts) statement by statement through the session, as MySQL runs
 * them: each with the session's transaction discipline, in the procedure's database. A SELECT
 * in the body sends a result set: CALL answers with all of them, then its OK (api.ts 'multi').
 *
 * Invariants:
 *   (C1) A body's result sets are read whole before its next statement runs (the server sends
 *        them after the CALL ends), so a later statement never changes rows a result still reads.
 *   (C2) A procedure never calls itself, directly or not (max_sp_recursion_depth = 0): 1456.
 *   (C3) The session's database is the caller's again when CALL ends, however it ends.
 */
import type { Result, Row } from './api.js';
import type { Mtr } from './btree/api.js';
import type { Catalog } from './catalog/catalog.js';
import type { Definer, ProgramChange, RoutineDef, TriggerDef } from './catalog/programs.js';
import { SqlError } from './errors.js';
import type {
  CallStatement,
  CreateRoutine,
  CreateTrigger,
  Statement,
  TableName,
} from './sql/ast.js';
import { parseBody } from './sql/parse-routine.js';
import {
  type CallArgument,
  type Frame,
  type ProgramHost,
  type QueryValues,
  argumentTarget,
  callProcedure,
} from './sql/routines.js';
import type { SqlType, Value, Warnings } from './sql/values.js';

export interface RoutineSessionHost {
  readonly catalog: Catalog;
  readonly database: string | null;
  /** CURRENT_USER: the default DEFINER. */
  readonly definer: Definer;
  readonly warnings: Warnings;
  readonly strict: boolean;
  readonly timeZone: string;
  /** sql_mode, character_set_client, collation_connection now; the wall clock (ms). */
  readonly sqlMode: string;
  readonly charsetClient: string;
  readonly collationConnection: string;
  readonly now: number;
  /** Catalog changes in one mini-transaction, DDL style (implicit commit, exclusive latch). */
  writePrograms(work: (mtr: Mtr) => Promise<readonly ProgramChange[]>): Promise<void>;
  /** Runs one statement of a body as the session runs statements. */
  dispatch(statement: Statement): Promise<Result>;
  query(statement: Statement): Promise<QueryValues>;
  setUser(name: string, value: Value, type: SqlType): void;
  /** Runs `run` with `database` as the session's database (C3). */
  withDatabase(database: string, run: () => Promise<void>): Promise<void>;
}

const ROUTINE_KINDS: ReadonlySet<Statement['kind']> = new Set([
  'create-routine',
  'create-trigger',
  'call',
  'drop-routine',
]);

/** True for the statements runRoutineStatement runs (DROP EVENT is session-schema.ts's). */
export function isRoutineStatement(statement: Statement): boolean {
  return (
    ROUTINE_KINDS.has(statement.kind) &&
    !(statement.kind === 'drop-routine' && statement.routine === 'EVENT')
  );
}

const OK: Result & { kind: 'ok' } = {
  kind: 'ok',
  affectedRows: 0,
  lastInsertId: 0n,
  matchedRows: 0,
  info: '',
};

export async function runRoutineStatement(
  statement: Statement,
  host: RoutineSessionHost,
): Promise<Result> {
  switch (statement.kind) {
    case 'create-routine':
      await createRoutine(statement, host);
      return OK;
    case 'create-trigger':
      await createTrigger(statement, host);
      return OK;
    case 'drop-routine':
      await dropProgram(statement, host);
      return OK;
    case 'call':
      return call(statement, host);
    default:
      throw new Error(`runRoutineStatement: ${statement.kind}`);
  }
}

function databaseOf(name: TableName, host: RoutineSessionHost): string {
  const database = name.database ?? host.database;
  if (database === null) throw new SqlError('ER_NO_DB_ERROR');
  if (!host.catalog.hasDatabase(database)) throw new SqlError('ER_BAD_DB_ERROR', [database]);
  return database;
}

function programContext(database: string, definer: Definer | null, host: RoutineSessionHost) {
  return {
    definer: definer ?? host.definer,
    sqlMode: host.sqlMode,
    charsetClient: host.charsetClient,
    collationConnection: host.collationConnection,
    databaseCollation: host.catalog.database(database)?.collation ?? 'utf8mb4_0900_ai_ci',
    created: host.now,
  };
}

async function createRoutine(statement: CreateRoutine, host: RoutineSessionHost): Promise<void> {
  if (statement.type === 'FUNCTION') {
    // Calling one from an expression is not built: refuse it rather than store what fails later.
    throw new SqlError('ER_NOT_SUPPORTED_YET', ['CREATE FUNCTION (stored functions)']);
  }
  const database = databaseOf(statement.name, host);
  const { programs } = host.catalog;
  const name = statement.name.name;
  await host.writePrograms(async (mtr) => {
    if (programs.routine(database, statement.type, name) !== undefined) {
      const error = new SqlError('ER_SP_ALREADY_EXISTS', [statement.type, name]);
      if (!statement.ifNotExists) throw error;
      host.warnings.warn('Note', error.errno, error.message);
      return [];
    }
    const context = programContext(database, statement.definer, host);
    const def: RoutineDef = {
      ...context,
      database,
      name,
      type: statement.type,
      params: statement.params,
      paramsText: statement.paramsText,
      returns: statement.returns,
      characteristics: statement.characteristics,
      characteristicsText: statement.characteristicsText,
      body: statement.body,
      modified: context.created,
    };
    return [await programs.putRoutine(mtr, def)];
  });
}

async function createTrigger(statement: CreateTrigger, host: RoutineSessionHost): Promise<void> {
  const database = databaseOf(statement.name, host);
  const tableDatabase = statement.table.database ?? database;
  if (tableDatabase !== database)
    throw new SqlError('ER_NOT_SUPPORTED_YET', ['a trigger in another schema than its table']);
  if (statement.order !== null) throw new SqlError('ER_NOT_SUPPORTED_YET', ['FOLLOWS / PRECEDES']);
  const { catalog } = host;
  await host.writePrograms(async (mtr) => {
    const table = catalog.table(database, statement.table.name);
    if (table === undefined) {
      if (catalog.view(database, statement.table.name) !== undefined) {
        throw new SqlError('ER_TRG_ON_VIEW_OR_TEMP_TABLE', [statement.table.name]);
      }
      throw new SqlError('ER_NO_SUCH_TABLE', [database, statement.table.name]);
    }
    if (catalog.programs.trigger(database, statement.name.name) !== undefined) {
      const error = new SqlError('ER_TRG_ALREADY_EXISTS');
      if (!statement.ifNotExists) throw error;
      host.warnings.warn('Note', error.errno, error.message);
      return [];
    }
    const context = programContext(database, statement.definer, host);
    const def: TriggerDef = {
      ...context,
      // Created is DATETIME(2): centiseconds.
      created: Math.floor(context.created / 10) * 10,
      database,
      name: statement.name.name,
      table: table.name,
      timing: statement.timing,
      event: statement.event,
      body: statement.body,
    };
    return [await catalog.programs.putTrigger(mtr, def)];
  });
}

async function dropProgram(
  statement: Statement & { kind: 'drop-routine' },
  host: RoutineSessionHost,
): Promise<void> {
  const { routine, name } = statement;
  const database = name.database ?? host.database;
  if (database === null) throw new SqlError('ER_NO_DB_ERROR');
  const { programs } = host.catalog;
  await host.writePrograms(async (mtr) => {
    if (routine === 'TRIGGER') {
      const def = programs.trigger(database, name.name);
      if (def !== undefined) return [await programs.dropTrigger(mtr, def)];
      const error = new SqlError('ER_TRG_DOES_NOT_EXIST');
      if (!statement.ifExists) throw error;
      host.warnings.warn('Note', error.errno, error.message);
      return [];
    }
    const type = routine === 'FUNCTION' ? 'FUNCTION' : 'PROCEDURE';
    const def = programs.routine(database, type, name.name);
    if (def !== undefined) return [await programs.dropRoutine(mtr, def)];
    const error = new SqlError('ER_SP_DOES_NOT_EXIST', [type, `${database}.${name.name}`]);
    if (!statement.ifExists) throw error;
    host.warnings.warn('Note', error.errno, error.message);
    return [];
  });
}

// ---------------------------------------------------------------------------------------------
// CALL

interface CallState {
  readonly results: (Result & { kind: 'rows' })[];
  last: Result & { kind: 'ok' };
  /** Procedures running now (C2). */
  readonly stack: string[];
}

function materialized(
  result: Result & { kind: 'rows' },
  batches: readonly (readonly Row[])[],
): Result & { kind: 'rows' } {
  return {
    kind: 'rows',
    columns: result.columns,
    rows: (async function* () {
      for (const batch of batches) if (batch.length > 0) yield batch;
    })(),
  };
}

function sessionProgramHost(host: RoutineSessionHost, state: CallState): ProgramHost {
  const programHost: ProgramHost = {
    run: async (statement) => {
      if (statement.kind === 'use') throw new SqlError('ER_SP_BADSTATEMENT', ['USE']);
      if (statement.kind === 'load-data') throw new SqlError('ER_SP_BADSTATEMENT', ['LOAD DATA']);
      const result = await host.dispatch(statement);
      switch (result.kind) {
        case 'rows': {
          const batches: (readonly Row[])[] = [];
          for await (const batch of result.rows) batches.push(batch); // C1
          state.results.push(materialized(result, batches));
          state.last = OK;
          return;
        }
        case 'multi':
          state.results.push(...result.results);
          state.last = result.final;
          return;
        case 'ok':
          state.last = result;
          return;
        case 'local-infile':
          throw new SqlError('ER_SP_BADSTATEMENT', ['LOAD DATA']);
      }
    },
    query: (statement) => host.query(statement),
    noteRows: (count) => {
      state.last = { ...OK, affectedRows: count, matchedRows: count };
    },
    setUser: (name, value, type) => host.setUser(name, value, type),
    call: (statement, frame) => invoke(statement, frame, host, state, programHost),
    warnings: host.warnings,
    strict: host.strict,
    timeZone: host.timeZone,
  };
  return programHost;
}

async function invoke(
  statement: CallStatement,
  caller: Frame | null,
  host: RoutineSessionHost,
  state: CallState,
  programHost: ProgramHost,
): Promise<void> {
  const database = statement.name.database ?? host.database;
  if (database === null) throw new SqlError('ER_NO_DB_ERROR');
  const def = host.catalog.programs.routine(database, 'PROCEDURE', statement.name.name);
  if (def === undefined) {
    throw new SqlError('ER_SP_DOES_NOT_EXIST', ['PROCEDURE', `${database}.${statement.name.name}`]);
  }
  const qualified = `${def.database}.${def.name}`.toLowerCase();
  if (state.stack.includes(qualified))
    throw new SqlError('ER_SP_RECURSION_LIMIT', [0, def.name]); // C2
  const body = parseBody(def.body, {
    locals: def.params.map((p) => p.name),
    trigger: null,
    function: false,
  });
  const args: CallArgument[] = statement.args.map((expr) => ({
    expr,
    target: argumentTarget(expr, caller),
  }));
  state.stack.push(qualified);
  try {
    await callProcedure(def, body, args, caller, programHost, (run) =>
      host.withDatabase(def.database, run),
    );
  } finally {
    state.stack.pop();
  }
}

async function call(statement: CallStatement, host: RoutineSessionHost): Promise<Result> {
  const state: CallState = { results: [], last: OK, stack: [] };
  await invoke(statement, null, host, state, sessionProgramHost(host, state));
  const final = { ...state.last, info: '' };
  return state.results.length === 0 ? final : { kind: 'multi', results: state.results, final };
}
