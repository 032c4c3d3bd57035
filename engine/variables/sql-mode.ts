/**
 * sql_mode as evaluation and storing obey it (expr.ts SqlModeFlags), parsed once per distinct
 * value: strict mode (STRICT_TRANS_TABLES or STRICT_ALL_TABLES; every table is transactional),
 * ERROR_FOR_DIVISION_BY_ZERO, NO_AUTO_VALUE_ON_ZERO, NO_ZERO_DATE and NO_ZERO_IN_DATE.
 */
import type { SqlModeFlags } from '../sql/expr.js';

const parsed = new Map<string, SqlModeFlags>();

export function sqlModeFlags(mode: string): SqlModeFlags {
  const cached = parsed.get(mode);
  if (cached !== undefined) return cached;
  const members = new Set(mode.split(','));
  const flags: SqlModeFlags = {
    strict: members.has('STRICT_TRANS_TABLES') || members.has('STRICT_ALL_TABLES'),
    errorForDivisionByZero: members.has('ERROR_FOR_DIVISION_BY_ZERO'),
    noAutoValueOnZero: members.has('NO_AUTO_VALUE_ON_ZERO'),
    noZeroDate: members.has('NO_ZERO_DATE'),
    noZeroInDate: members.has('NO_ZERO_IN_DATE'),
  };
  if (parsed.size < 256) parsed.set(mode, flags);
  return flags;
}
