/**
 * The system variables a SELECT may read (@@name, @@session.name, @@global.name): the ones stock
 * clients and drivers ask for, with MySQL 8's defaults. They are read-only until SET arrives;
 * an unknown name is ER_UNKNOWN_SYSTEM_VARIABLE (1193).
 */
import { SERVER_VERSION, STATEMENT_BYTES_MAX, VERSION_COMMENT } from '../config.js';
import type { ExprInfo } from './plan.js';
import type { Value } from './values.js';

interface Variable {
  readonly info: ExprInfo;
  readonly value: Value;
}

const SQL_MODE =
  'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,' +
  'ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';

const VALUES: Readonly<Record<string, string | bigint>> = {
  version: SERVER_VERSION,
  version_comment: VERSION_COMMENT,
  version_compile_os: 'Linux',
  version_compile_machine: 'x86_64',
  sql_mode: SQL_MODE,
  autocommit: 1n,
  max_allowed_packet: BigInt(STATEMENT_BYTES_MAX),
  character_set_client: 'utf8mb4',
  character_set_connection: 'utf8mb4',
  character_set_results: 'utf8mb4',
  character_set_server: 'utf8mb4',
  character_set_database: 'utf8mb4',
  character_set_system: 'utf8mb3',
  collation_connection: 'utf8mb4_0900_ai_ci',
  collation_server: 'utf8mb4_0900_ai_ci',
  collation_database: 'utf8mb4_0900_ai_ci',
  transaction_isolation: 'REPEATABLE-READ',
  tx_isolation: 'REPEATABLE-READ',
  transaction_read_only: 0n,
  tx_read_only: 0n,
  lower_case_table_names: 0n,
  time_zone: 'SYSTEM',
  system_time_zone: 'UTC',
  auto_increment_increment: 1n,
  auto_increment_offset: 1n,
  wait_timeout: 28_800n,
  interactive_timeout: 28_800n,
  net_write_timeout: 60n,
  net_read_timeout: 30n,
  div_precision_increment: 4n,
  innodb_lock_wait_timeout: 50n,
  default_storage_engine: 'InnoDB',
  storage_engine: 'InnoDB',
  performance_schema: 0n,
  sql_select_limit: 18_446_744_073_709_551_615n,
  sql_auto_is_null: 0n,
  max_connections: 151n,
  license: 'Apache-2.0',
  port: 3306n,
  init_connect: '',
  query_cache_size: 0n,
  query_cache_type: 'OFF',
};

/** The variable, or undefined when MySQL would answer ER_UNKNOWN_SYSTEM_VARIABLE. */
export function systemVariable(name: string): Variable | undefined {
  const value = VALUES[name.toLowerCase()];
  if (value === undefined) return undefined;
  if (typeof value === 'bigint') {
    const unsigned = value > 9_223_372_036_854_775_807n;
    const info: ExprInfo = {
      type: { kind: 'int', bytes: 8, unsigned },
      nullable: false,
      length: Math.max(value.toString().length, 1),
      decimals: 0,
      collationId: 63,
    };
    return { info, value };
  }
  const info: ExprInfo = {
    type: {
      kind: 'string',
      variant: 'varchar',
      chars: Math.max(value.length, 1),
      collation: 'utf8mb4_0900_ai_ci',
    },
    nullable: false,
    length: Math.max(value.length, 1) * 3,
    decimals: 31,
    collationId: 33,
  };
  return { info, value };
}
