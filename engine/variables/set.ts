/**
 * Running SET, SET NAMES and SET CHARACTER SET.
 *
 * SET evaluates every right-hand side and validates every assignment first (MySQL's
 * check-then-update), so `SET @old = @@x, x = 0` saves the old value and a bad assignment
 * anywhere changes nothing (S2 below). Then it applies them in order.
 *
 * Scope rules, as MySQL 8 has them:
 *
 *   SET x / SESSION x / @@x / @@session.x  session value; a global-only x is ER_GLOBAL_VARIABLE
 *                                           (1229); max_allowed_packet-like ones 1621
 *   SET GLOBAL x / @@global.x               global value (needs SYSTEM_VARIABLES_ADMIN or SUPER,
 *                                           else 1227); a session-only x is ER_LOCAL_VARIABLE
 *                                           (1228)
 *   read-only x                             ER_INCORRECT_GLOBAL_LOCAL_VAR (1238) "read only"
 *   x = DEFAULT                             session: the global value; global: the compiled default
 *
 * Character-set variables move together as in MySQL: character_set_connection sets
 * collation_connection to its default collation and collation_connection sets
 * character_set_connection to its character set (likewise _server and _database); SET NAMES sets
 * character_set_client/_connection/_results and collation_connection; SET CHARACTER SET sets
 * _client and _results, and _connection to character_set_database.
 *
 * Invariants: (S2) if any assignment of a SET fails validation, no variable changes; (S3) a stored
 * value is canonical (registry.ts V1).
 */
import { SqlError } from '../errors.js';
import type { AdminStatement, Expr, SetAssignment } from '../sql/ast.js';
import type { SqlType, Value, Warnings } from '../sql/values.js';
import { toText } from '../sql/values.js';
import {
  charsetByName,
  charsetOfCollation,
  collationByName,
  defaultCollation,
} from './charsets.js';
import {
  type SystemVariableDef,
  type SetInput,
  canonicalValue,
  findSystemVariable,
} from './registry.js';
import type { ExternalVariable, SessionVariables } from './session-variables.js';
import type { UserVariables } from './user-variables.js';

export interface SetEnvironment {
  readonly variables: SessionVariables;
  readonly users: UserVariables;
  readonly warnings: Warnings;
  /** Evaluates a constant expression (it may read variables and parameters). */
  evaluate(expr: Expr): { readonly value: Value; readonly type: SqlType };
  /** Throws ER_SPECIFIC_ACCESS_DENIED_ERROR unless the session may change GLOBAL values. */
  requireGlobalPrivilege(): void;
}

type Change =
  | { readonly kind: 'user'; readonly name: string; readonly value: Value; readonly type: SqlType }
  | {
      readonly kind: 'system';
      readonly def: SystemVariableDef;
      readonly value: Value;
      readonly global: boolean;
    }
  | {
      readonly kind: 'external';
      readonly variable: ExternalVariable;
      readonly value: Value;
      readonly global: boolean;
    };

const COUPLED: Readonly<Record<string, (value: Value) => [string, Value]>> = {
  character_set_connection: (v) => ['collation_connection', defaultCollationOf(v)],
  character_set_server: (v) => ['collation_server', defaultCollationOf(v)],
  character_set_database: (v) => ['collation_database', defaultCollationOf(v)],
  collation_connection: (v) => ['character_set_connection', charsetOfCollation(String(v))],
  collation_server: (v) => ['character_set_server', charsetOfCollation(String(v))],
  collation_database: (v) => ['character_set_database', charsetOfCollation(String(v))],
};

function defaultCollationOf(charset: Value): string {
  return defaultCollation(charsetByName(String(charset)));
}

export async function runSet(
  statement: AdminStatement & { kind: 'set-variables' | 'set-names' | 'set-charset' },
  env: SetEnvironment,
): Promise<void> {
  let changes: Change[];
  switch (statement.kind) {
    case 'set-variables':
      changes = statement.assignments.map((a) => validate(a, env));
      break;
    case 'set-names':
      changes = setNames(statement.charset, statement.collation);
      break;
    case 'set-charset':
      changes = setCharacterSet(statement.charset, env);
      break;
  }
  for (const change of changes) {
    if (change.kind === 'system') {
      await env.variables.check(change.def.name, change.value, change.global);
    }
  }
  // Variables owned elsewhere validate as they are set: set them first, so that a refusal there
  // still changes nothing (S2).
  for (const change of changes) if (change.kind === 'external') await apply(change, env);
  for (const change of changes) if (change.kind !== 'external') await apply(change, env);
}

function validate(assignment: SetAssignment, env: SetEnvironment): Change {
  const { target, value } = assignment;
  if (target.kind === 'user-variable') {
    if (value.kind !== 'expr') throw new SqlError('ER_WRONG_ARGUMENTS', ['SET']);
    const evaluated = env.evaluate(value.expr);
    return { kind: 'user', name: target.name, value: evaluated.value, type: evaluated.type };
  }
  const name = target.name.toLowerCase();
  const global = target.scope === 'global';
  const external = env.variables.externals.get(name);
  if (external !== undefined) {
    if (global && external.scope === 'session') throw new SqlError('ER_LOCAL_VARIABLE', [name]);
    if (global) env.requireGlobalPrivilege();
    const input =
      value.kind === 'default'
        ? global
          ? external.default
          : external.get(true)
        : value.kind === 'word'
          ? value.word
          : evaluatedValue(value.expr, env);
    return { kind: 'external', variable: external, value: input, global };
  }
  const def = findSystemVariable(name);
  if (def === undefined) throw new SqlError('ER_UNKNOWN_SYSTEM_VARIABLE', [target.name]);
  checkSetScope(def, global);
  if (global) env.requireGlobalPrivilege();
  const current = global ? env.variables.globals.get(name) : env.variables.get(name);
  let stored: Value;
  if (value.kind === 'default') {
    stored = global || def.scope === 'session' ? def.default : env.variables.globals.get(name);
  } else {
    const input: SetInput =
      value.kind === 'word'
        ? { kind: 'word', word: value.word }
        : { kind: 'value', value: evaluatedValue(value.expr, env) };
    stored = canonicalValue(def, input, env.warnings, current);
  }
  return { kind: 'system', def, value: stored, global };
}

/** An expression's value as SET sees it: a DATETIME as its text. */
function evaluatedValue(expr: Expr, env: SetEnvironment): Value {
  const { value, type } = env.evaluate(expr);
  return type.kind === 'datetime' ? toText(type, value) : value;
}

export function checkSetScope(def: SystemVariableDef, global: boolean): void {
  if (def.readOnly === true) {
    throw new SqlError('ER_INCORRECT_GLOBAL_LOCAL_VAR', [def.name, 'read only']);
  }
  if (global && def.scope === 'session') throw new SqlError('ER_LOCAL_VARIABLE', [def.name]);
  if (!global && def.scope === 'global') throw new SqlError('ER_GLOBAL_VARIABLE', [def.name]);
  if (!global && def.sessionReadOnly === true) {
    throw new SqlError('ER_VARIABLE_IS_READONLY', ['SESSION', def.name, 'GLOBAL']);
  }
}

function systemChange(name: string, value: Value): Change {
  const def = findSystemVariable(name);
  if (def === undefined) throw new Error(`variable ${name} is defined`);
  return { kind: 'system', def, value, global: false };
}

function setNames(charset: string | null, collation: string | null): Change[] {
  const cs = charset === null ? 'utf8mb4' : charsetByName(charset);
  let coll = defaultCollation(cs);
  if (collation !== null) {
    coll = collationByName(collation);
    if (charsetOfCollation(coll) !== cs) {
      throw new SqlError('ER_COLLATION_CHARSET_MISMATCH', [collation, cs]);
    }
  }
  return [
    systemChange('character_set_client', cs),
    systemChange('character_set_results', cs),
    systemChange('character_set_connection', cs),
    systemChange('collation_connection', coll),
  ];
}

function setCharacterSet(charset: string | null, env: SetEnvironment): Change[] {
  const cs = charset === null ? 'utf8mb4' : charsetByName(charset);
  return [
    systemChange('character_set_client', cs),
    systemChange('character_set_results', cs),
    systemChange('character_set_connection', env.variables.get('character_set_database')),
    systemChange('collation_connection', env.variables.get('collation_database')),
  ];
}

async function apply(change: Change, env: SetEnvironment): Promise<void> {
  switch (change.kind) {
    case 'user':
      env.users.set(change.name, change.value, change.type);
      return;
    case 'external':
      await change.variable.set(change.value, change.global);
      return;
    case 'system': {
      const { def, value, global } = change;
      env.variables.store(def.name, value, global);
      const coupled = COUPLED[def.name];
      if (coupled !== undefined && value !== null) {
        const [other, otherValue] = coupled(value);
        env.variables.store(other, otherValue, global);
      }
      await env.variables.applied(def.name, value, global);
      return;
    }
  }
}
