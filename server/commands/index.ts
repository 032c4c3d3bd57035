/**
 * The command table: COM_* byte → handler. A byte not in the table is answered with
 * ER_UNKNOWN_COM_ERROR by the connection, which then carries on, as MySQL does.
 */
import { COM } from '../protocol/constants.js';
import type { CommandHandler } from './context.js';
import { initDb } from './init-db.js';
import { ping } from './ping.js';
import { query } from './query.js';
import { quit } from './quit.js';

export type CommandByte =
  | typeof COM.COM_QUIT
  | typeof COM.COM_INIT_DB
  | typeof COM.COM_QUERY
  | typeof COM.COM_PING;

export const COMMANDS: Readonly<Record<CommandByte, CommandHandler>> = {
  [COM.COM_QUIT]: quit,
  [COM.COM_INIT_DB]: initDb,
  [COM.COM_QUERY]: query,
  [COM.COM_PING]: ping,
};

export function isCommandByte(byte: number): byte is CommandByte {
  return Object.hasOwn(COMMANDS, byte);
}

const COMMAND_NAMES = new Map<number, string>(Object.entries(COM).map(([name, b]) => [b, name]));

/** 'COM_QUERY' for 0x03; 'COM_0x2a' for a byte MySQL does not define. */
export function commandName(byte: number): string {
  return COMMAND_NAMES.get(byte) ?? `COM_0x${byte.toString(16)}`;
}
