/**
 * Stored programs as MySQL 8 prints them (issue 6): the CREATE text of SHOW CREATE PROCEDURE /
 * FUNCTION ("Create Procedure") and SHOW CREATE TRIGGER ("SQL Original Statement"), and the
 * definer as `user`@`host` or user@host. mysqldump copies these texts into dumps, so they must
 * parse back (parse-routine.ts) into the same definition.
 *
 *   CREATE DEFINER=`u`@`h` PROCEDURE `p`(IN a INT)
 *       COMMENT 'x'                                      (characteristics as written, if any)
 *   BEGIN … END                                          (the body as written)
 *
 *   CREATE DEFINER=`u`@`h` TRIGGER `t` BEFORE INSERT ON `tbl` FOR EACH ROW body
 */
import type { Definer, RoutineDef, TriggerDef } from '../catalog/programs.js';

export function quoteName(name: string): string {
  return '`' + name.split('`').join('``') + '`';
}

/** `user`@`host`, as in DEFINER= clauses. */
export function definerClause(definer: Definer): string {
  return `${quoteName(definer.user)}@${quoteName(definer.host)}`;
}

/** user@host, as in SHOW … STATUS and information_schema. */
export function definerText(definer: Definer): string {
  return `${definer.user}@${definer.host}`;
}

export function createRoutineText(def: RoutineDef): string {
  const head =
    `CREATE DEFINER=${definerClause(def.definer)} ${def.type} ${quoteName(def.name)}` +
    `(${def.paramsText})` +
    (def.returns === null ? '' : ` RETURNS ${def.returns}`);
  const characteristics = def.characteristicsText === '' ? '' : `\n    ${def.characteristicsText}`;
  return `${head}${characteristics}\n${def.body}`;
}

export function createTriggerText(def: TriggerDef): string {
  return (
    `CREATE DEFINER=${definerClause(def.definer)} TRIGGER ${quoteName(def.name)} ` +
    `${def.timing} ${def.event} ON ${quoteName(def.table)} FOR EACH ROW ${def.body}`
  );
}
