/**
 * The command table: COM_* byte → handler. A byte not in the table is answered with
 * ER_UNKNOWN_COM_ERROR by the connection, which then carries on, as MySQL does.
 */
import { COM } from '../protocol/constants.js';
import { changeUser } from './change-user.js';
import type { CommandHandlerNow } from './context.js';
import { fieldList } from './field-list.js';
import { initDb } from './init-db.js';
import { ping } from './ping.js';
import { processKill } from './process-kill.js';
import { query } from './query.js';
import { quit } from './quit.js';
import { resetConnection } from './reset-connection.js';
import { setOption } from './set-option.js';
import { statistics } from './statistics.js';
import { stmtClose } from './stmt-close.js';
import { stmtExecute } from './stmt-execute.js';
import { stmtFetch } from './stmt-fetch.js';
import { stmtPrepare } from './stmt-prepare.js';
import { stmtReset } from './stmt-reset.js';
import { stmtSendLongData } from './stmt-send-long-data.js';

export const COMMANDS = {
  [COM.COM_QUIT]: quit,
  [COM.COM_INIT_DB]: initDb,
  [COM.COM_QUERY]: query,
  [COM.COM_FIELD_LIST]: fieldList,
  [COM.COM_STATISTICS]: statistics,
  [COM.COM_PROCESS_KILL]: processKill,
  [COM.COM_PING]: ping,
  [COM.COM_CHANGE_USER]: changeUser,
  [COM.COM_STMT_PREPARE]: stmtPrepare,
  [COM.COM_STMT_EXECUTE]: stmtExecute,
  [COM.COM_STMT_SEND_LONG_DATA]: stmtSendLongData,
  [COM.COM_STMT_CLOSE]: stmtClose,
  [COM.COM_STMT_RESET]: stmtReset,
  [COM.COM_SET_OPTION]: setOption,
  [COM.COM_STMT_FETCH]: stmtFetch,
  [COM.COM_RESET_CONNECTION]: resetConnection,
} as const satisfies Record<number, CommandHandlerNow>;

export type CommandByte = keyof typeof COMMANDS;

export function isCommandByte(byte: number): byte is CommandByte {
  return Object.hasOwn(COMMANDS, byte);
}

const COMMAND_NAMES = new Map<number, string>(Object.entries(COM).map(([name, b]) => [b, name]));

/** 'COM_QUERY' for 0x03; 'COM_0x2a' for a byte MySQL does not define. */
export function commandName(byte: number): string {
  return COMMAND_NAMES.get(byte) ?? `COM_0x${byte.toString(16)}`;
}
