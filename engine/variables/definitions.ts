/**
 * The system variables Borealis knows, with MySQL 8.0.36's scopes, types and defaults: the ones
 * stock clients, drivers, dumps and ORMs read or set. A variable here is real in one of two ways:
 * it drives behaviour (sql_mode → strict-mode storing, time_zone and timestamp → NOW(),
 * character_set_* → statement decoding and result encoding, wait_timeout → the server's idle
 * timeout, max_prepared_stmt_count → 1461, long_query_time → Slow_queries, …), or it is a tuning
 * knob whose value cannot change a result (buffer sizes, optimizer_switch) and is kept so that
 * clients that set it work. A value we cannot honour is refused with ER_NOT_SUPPORTED_YET (1235)
 * instead of being stored and ignored (e.g. sql_mode ANSI_QUOTES, div_precision_increment ≠ 4).
 *
 * Transaction variables (autocommit, transaction_isolation, …) are defined here as plain values;
 * the transaction layer supplies their behaviour (session-variables.ts, external variables).
 */
import { hostname } from 'node:os';
import { SERVER_VERSION, STATEMENT_BYTES_MAX, VERSION_COMMENT } from '../config.js';
import { SqlError } from '../errors.js';
import { charsetByName, collationByName } from './charsets.js';
import { type SystemVariableDef, registerSystemVariables } from './registry.js';
import type { Value } from '../sql/values.js';
import { systemTimeZoneName, timeZoneOffset } from './time-zone.js';

const U32 = 4_294_967_295n;
const U64 = 18_446_744_073_709_551_615n;

const bool = (name: string, scope: SystemVariableDef['scope'], on: boolean): SystemVariableDef => ({
  name,
  scope,
  type: { kind: 'bool' },
  default: on ? 1n : 0n,
});

const int = (
  name: string,
  scope: SystemVariableDef['scope'],
  value: bigint,
  min: bigint,
  max: bigint,
): SystemVariableDef => ({ name, scope, type: { kind: 'int', min, max }, default: value });

const text = (
  name: string,
  scope: SystemVariableDef['scope'],
  value: string,
): SystemVariableDef => ({
  name,
  scope,
  type: { kind: 'string' },
  default: value,
});

const readOnly = (def: SystemVariableDef): SystemVariableDef => ({ ...def, readOnly: true });

// ---------------------------------------------------------------------------------------------
// sql_mode

/** MySQL 8's sql_mode members, in bit order (the order SELECT @@sql_mode prints them). */
export const SQL_MODES = [
  'REAL_AS_FLOAT',
  'PIPES_AS_CONCAT',
  'ANSI_QUOTES',
  'IGNORE_SPACE',
  'NOT_USED',
  'ONLY_FULL_GROUP_BY',
  'NO_UNSIGNED_SUBTRACTION',
  'NO_DIR_IN_CREATE',
  'ANSI',
  'NO_AUTO_VALUE_ON_ZERO',
  'NO_BACKSLASH_ESCAPES',
  'STRICT_TRANS_TABLES',
  'STRICT_ALL_TABLES',
  'NO_ZERO_IN_DATE',
  'NO_ZERO_DATE',
  'ALLOW_INVALID_DATES',
  'ERROR_FOR_DIVISION_BY_ZERO',
  'TRADITIONAL',
  'HIGH_NOT_PRECEDENCE',
  'NO_ENGINE_SUBSTITUTION',
  'PAD_CHAR_TO_FULL_LENGTH',
  'TIME_TRUNCATE_FRACTIONAL',
] as const;

export const DEFAULT_SQL_MODE =
  'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,' +
  'ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';

const COMBINED_MODES: Readonly<Record<string, readonly string[]>> = {
  ANSI: ['REAL_AS_FLOAT', 'PIPES_AS_CONCAT', 'ANSI_QUOTES', 'IGNORE_SPACE', 'ONLY_FULL_GROUP_BY'],
  TRADITIONAL: [
    'STRICT_TRANS_TABLES',
    'STRICT_ALL_TABLES',
    'NO_ZERO_IN_DATE',
    'NO_ZERO_DATE',
    'ERROR_FOR_DIVISION_BY_ZERO',
    'NO_ENGINE_SUBSTITUTION',
  ],
};

/** Modes that change how SQL is read or what it returns in ways not built: refused (1235). */
const UNSUPPORTED_MODES = new Set([
  'PIPES_AS_CONCAT',
  'ANSI_QUOTES',
  'NO_BACKSLASH_ESCAPES',
  'HIGH_NOT_PRECEDENCE',
  'NO_UNSIGNED_SUBTRACTION',
  'ALLOW_INVALID_DATES',
  'PAD_CHAR_TO_FULL_LENGTH',
  'TIME_TRUNCATE_FRACTIONAL',
]);

function checkSqlMode(value: Value): Value {
  const members = new Set(
    String(value)
      .split(',')
      .filter((m) => m !== ''),
  );
  if (members.has('NOT_USED'))
    throw new SqlError('ER_WRONG_VALUE_FOR_VAR', ['sql_mode', 'NOT_USED']);
  for (const [combined, parts] of Object.entries(COMBINED_MODES)) {
    if (members.has(combined)) for (const part of parts) members.add(part);
  }
  for (const member of members) {
    if (UNSUPPORTED_MODES.has(member)) {
      throw new SqlError('ER_NOT_SUPPORTED_YET', [`sql_mode ${member}`]);
    }
  }
  return SQL_MODES.filter((m) => members.has(m)).join(',');
}

// ---------------------------------------------------------------------------------------------
// Character sets, collations, time zones

function checkCharset(value: Value): Value {
  return value === null ? null : charsetByName(String(value));
}

function checkCollation(value: Value): Value {
  return collationByName(String(value));
}

function checkTimeZone(value: Value): Value {
  const zone = String(value);
  if (timeZoneOffset(zone, new Date()) === undefined) {
    throw new SqlError('ER_UNKNOWN_TIME_ZONE', [zone]);
  }
  return zone;
}

const charset = (name: string, scope: SystemVariableDef['scope'], value: string) => ({
  ...text(name, scope, value),
  check: checkCharset,
});

const collation = (name: string, scope: SystemVariableDef['scope'], value: string) => ({
  ...text(name, scope, value),
  check: checkCollation,
});

/** A value we keep only at its default: anything else is refused, not silently ignored. */
function onlyDefault(name: string, value: bigint): (v: Value) => Value {
  return (v) => {
    if (v !== value) throw new SqlError('ER_NOT_SUPPORTED_YET', [`${name} other than ${value}`]);
    return v;
  };
}

function onlyText(name: string, value: string): (v: Value) => Value {
  return (v) => {
    if (String(v) !== value)
      throw new SqlError('ER_NOT_SUPPORTED_YET', [`${name} other than ${value}`]);
    return v;
  };
}

// ---------------------------------------------------------------------------------------------
// The list

const OPTIMIZER_SWITCHES = [
  'index_merge',
  'index_merge_union',
  'index_merge_sort_union',
  'index_merge_intersection',
  'engine_condition_pushdown',
  'index_condition_pushdown',
  'mrr',
  'mrr_cost_based',
  'block_nested_loop',
  'batched_key_access',
  'materialization',
  'semijoin',
  'loosescan',
  'firstmatch',
  'duplicateweedout',
  'subquery_materialization_cost_based',
  'use_index_extensions',
  'condition_fanout_filter',
  'derived_merge',
  'use_invisible_indexes',
  'skip_scan',
  'hash_join',
  'subquery_to_derived',
  'prefer_ordering_index',
  'hypergraph_optimizer',
  'derived_condition_pushdown',
];
const OPTIMIZER_OFF = new Set([
  'batched_key_access',
  'use_invisible_indexes',
  'subquery_to_derived',
  'hypergraph_optimizer',
]);

export const SYSTEM_VARIABLES: readonly SystemVariableDef[] = [
  // Server identity
  readOnly(text('version', 'global', SERVER_VERSION)),
  readOnly(text('version_comment', 'global', VERSION_COMMENT)),
  readOnly(text('version_compile_os', 'global', 'Linux')),
  readOnly(text('version_compile_machine', 'global', 'x86_64')),
  readOnly(int('protocol_version', 'global', 10n, 0n, U32)),
  readOnly(text('hostname', 'global', hostname())),
  readOnly(text('license', 'global', 'Apache-2.0')),
  readOnly(int('lower_case_table_names', 'global', 0n, 0n, 2n)),
  readOnly(bool('lower_case_file_system', 'global', false)),
  readOnly(text('default_authentication_plugin', 'global', 'caching_sha2_password')),
  readOnly(bool('performance_schema', 'global', false)),
  readOnly(text('system_time_zone', 'global', systemTimeZoneName())),
  readOnly(int('innodb_page_size', 'global', 16_384n, 4_096n, 65_536n)),
  readOnly(bool('log_bin', 'global', false)),
  // ON on a read engine (read-engine.ts): how applications tell a reader from the writer.
  readOnly(bool('read_only', 'global', false)),
  readOnly(bool('super_read_only', 'global', false)),
  readOnly(bool('innodb_read_only', 'global', false)),
  readOnly(text('gtid_mode', 'global', 'OFF')),
  int('server_id', 'global', 1n, 0n, U32),
  // SQL behaviour
  {
    name: 'sql_mode',
    scope: 'both',
    type: { kind: 'set', values: SQL_MODES },
    default: DEFAULT_SQL_MODE,
    check: checkSqlMode,
  },
  { ...text('time_zone', 'both', 'SYSTEM'), check: checkTimeZone },
  {
    name: 'timestamp',
    scope: 'session',
    type: { kind: 'double', min: 0, max: 32_536_771_199.999_999 },
    default: 0,
  },
  bool('autocommit', 'both', true),
  {
    name: 'transaction_isolation',
    scope: 'both',
    type: {
      kind: 'enum',
      values: ['READ-UNCOMMITTED', 'READ-COMMITTED', 'REPEATABLE-READ', 'SERIALIZABLE'],
    },
    default: 'REPEATABLE-READ',
  },
  bool('transaction_read_only', 'both', false),
  int('innodb_lock_wait_timeout', 'both', 50n, 1n, 1_073_741_824n),
  bool('foreign_key_checks', 'both', true),
  bool('unique_checks', 'both', true),
  bool('sql_notes', 'both', true),
  bool('sql_warnings', 'both', false),
  bool('sql_quote_show_create', 'both', true),
  bool('sql_safe_updates', 'both', false),
  bool('sql_auto_is_null', 'both', false),
  bool('sql_big_selects', 'both', true),
  bool('sql_buffer_result', 'both', false),
  bool('big_tables', 'both', false),
  bool('explicit_defaults_for_timestamp', 'both', true),
  bool('sql_require_primary_key', 'both', false),
  bool('innodb_strict_mode', 'both', true),
  int('sql_select_limit', 'both', U64, 0n, U64),
  int('max_join_size', 'both', U64, 1n, U64),
  {
    ...int('div_precision_increment', 'both', 4n, 0n, 30n),
    check: onlyDefault('div_precision_increment', 4n),
  },
  int('group_concat_max_len', 'both', 1024n, 4n, U64),
  int('max_execution_time', 'both', 0n, 0n, U32),
  int('cte_max_recursion_depth', 'both', 1000n, 0n, U32),
  int('information_schema_stats_expiry', 'both', 86_400n, 0n, 31_536_000n),
  text('default_storage_engine', 'both', 'InnoDB'),
  text('default_tmp_storage_engine', 'both', 'InnoDB'),
  { ...text('lc_time_names', 'both', 'en_US'), check: onlyText('lc_time_names', 'en_US') },
  { ...text('lc_messages', 'both', 'en_US'), check: onlyText('lc_messages', 'en_US') },
  {
    name: 'optimizer_switch',
    scope: 'both',
    type: { kind: 'flags', names: OPTIMIZER_SWITCHES },
    default: OPTIMIZER_SWITCHES.map((n) => `${n}=${OPTIMIZER_OFF.has(n) ? 'off' : 'on'}`).join(','),
  },
  int('optimizer_search_depth', 'both', 62n, 0n, 62n),
  int('optimizer_prune_level', 'both', 1n, 0n, 1n),
  // Character sets
  charset('character_set_client', 'both', 'utf8mb4'),
  charset('character_set_connection', 'both', 'utf8mb4'),
  { ...charset('character_set_results', 'both', 'utf8mb4'), nullable: true },
  charset('character_set_server', 'both', 'utf8mb4'),
  charset('character_set_database', 'both', 'utf8mb4'),
  readOnly(charset('character_set_system', 'global', 'utf8mb3')),
  charset('character_set_filesystem', 'both', 'binary'),
  collation('collation_connection', 'both', 'utf8mb4_0900_ai_ci'),
  collation('collation_server', 'both', 'utf8mb4_0900_ai_ci'),
  collation('collation_database', 'both', 'utf8mb4_0900_ai_ci'),
  // Connections and limits
  int('wait_timeout', 'both', 28_800n, 1n, 31_536_000n),
  int('interactive_timeout', 'both', 28_800n, 1n, 31_536_000n),
  int('net_read_timeout', 'both', 30n, 1n, 31_536_000n),
  int('net_write_timeout', 'both', 60n, 1n, 31_536_000n),
  int('net_retry_count', 'both', 10n, 1n, U32),
  int('net_buffer_length', 'both', 16_384n, 1_024n, 1_048_576n),
  int('connect_timeout', 'global', 10n, 2n, 31_536_000n),
  {
    ...int('max_allowed_packet', 'both', BigInt(STATEMENT_BYTES_MAX), 1_024n, 1_073_741_824n),
    sessionReadOnly: true,
  },
  int('max_connections', 'global', 151n, 1n, 100_000n),
  int('max_user_connections', 'both', 0n, 0n, U32),
  int('max_connect_errors', 'global', 100n, 1n, U64),
  int('max_prepared_stmt_count', 'global', 16_382n, 0n, 4_194_304n),
  text('init_connect', 'global', ''),
  {
    name: 'long_query_time',
    scope: 'both',
    type: { kind: 'double', min: 0, max: 31_536_000 },
    default: 10,
  },
  bool('slow_query_log', 'global', false),
  bool('general_log', 'global', false),
  bool('local_infile', 'global', false),
  int('table_open_cache', 'global', 4_000n, 1n, 524_288n),
  int('open_files_limit', 'global', 10_000n, 0n, U32),
  // Buffers: tuning knobs with no effect on results
  int('sort_buffer_size', 'both', 262_144n, 32_768n, U64),
  int('join_buffer_size', 'both', 262_144n, 128n, U64),
  int('read_buffer_size', 'both', 131_072n, 8_192n, 2_147_479_552n),
  int('read_rnd_buffer_size', 'both', 262_144n, 1n, 2_147_483_647n),
  int('tmp_table_size', 'both', 16_777_216n, 1_024n, U64),
  int('max_heap_table_size', 'both', 16_777_216n, 16_384n, U64),
  int('bulk_insert_buffer_size', 'both', 8_388_608n, 0n, U64),
  int('transaction_prealloc_size', 'both', 4_096n, 1_024n, 131_072n),
  int('transaction_alloc_block_size', 'both', 8_192n, 1_024n, 131_072n),
  // Status of the connection
  readOnly(int('warning_count', 'session', 0n, 0n, U64)),
  readOnly(int('error_count', 'session', 0n, 0n, U64)),
  readOnly(int('pseudo_thread_id', 'session', 0n, 0n, U32)),
  bool('profiling', 'both', false),
];

registerSystemVariables(SYSTEM_VARIABLES);
