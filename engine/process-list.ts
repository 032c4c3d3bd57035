/**
 * The process list: every open session, as SHOW PROCESSLIST and KILL see it. Connection ids are
 * the server's (SessionInit.connectionId); each entry knows its session's user, host, database,
 * what it is doing, since when, and how to interrupt it.
 *
 *   state of a session      Command   State        Info
 *   between statements      Sleep     ''           NULL
 *   running a statement     Query     executing    the statement's text
 *   running a prepared one  Execute   executing    the statement's text
 *
 * KILL [CONNECTION | QUERY] id (kill.ts) looks the target up here; SHOW PROCESSLIST lists the
 * entries a session may see (its user's own, or all with the PROCESS privilege).
 *
 * Invariant (PL1): an entry exists exactly while its session is open (added at open, removed at
 * close), so an id KILL finds always names a live session.
 */
import assert from 'node:assert/strict';
import { COLUMN_FLAG, type ColumnInfo, type Row } from './api.js';
import type { EngineClock } from './clock.js';
import type { Interrupt } from './interrupt.js';

export interface ProcessEntry {
  readonly id: number;
  user: string;
  host: string;
  readonly database: () => string | null;
  command: 'Sleep' | 'Query' | 'Execute';
  info: string | null;
  /** Clock time (ms) the current command started. */
  since: number;
  readonly interrupt: Interrupt;
  /** KILL CONNECTION: the server closes the socket. */
  readonly onKill: () => void;
  /** KILL QUERY: passed on by a session standing in for one elsewhere (api.ts SessionInit). */
  readonly onKillQuery: () => void;
}

export class ProcessList {
  private readonly entries = new Map<number, ProcessEntry>();

  constructor(private readonly clock: EngineClock) {}

  add(entry: ProcessEntry): void {
    assert(!this.entries.has(entry.id), 'PL1: connection ids are unique among open sessions');
    this.entries.set(entry.id, entry);
  }

  remove(id: number): void {
    this.entries.delete(id);
  }

  get(id: number): ProcessEntry | undefined {
    return this.entries.get(id);
  }

  /** The session starts a command (Query / Execute) or goes idle (Sleep). */
  begin(entry: ProcessEntry, command: ProcessEntry['command'], info: string | null): void {
    entry.command = command;
    entry.info = info;
    entry.since = this.clock.now();
  }

  /** SHOW [FULL] PROCESSLIST rows of the entries `visible` lets through, by id. */
  rows(full: boolean, visible: (entry: ProcessEntry) => boolean): Row[] {
    const now = this.clock.now();
    return [...this.entries.values()]
      .filter(visible)
      .sort((a, b) => a.id - b.id)
      .map((e) => {
        const info = e.info === null || full ? e.info : e.info.slice(0, PROCESSLIST_INFO_CHARS);
        return [
          BigInt(e.id),
          e.user,
          e.host,
          e.database(),
          e.command,
          BigInt(Math.max(0, Math.floor((now - e.since) / 1000))),
          e.command === 'Sleep' ? '' : 'executing',
          info,
        ];
      });
  }
}

/** SHOW PROCESSLIST (without FULL) shows the first 100 characters of a statement. */
const PROCESSLIST_INFO_CHARS = 100;

function column(
  name: string,
  type: 'VAR_STRING' | 'LONGLONG' | 'LONG',
  length: number,
  nullable: boolean,
): ColumnInfo {
  const numeric = type !== 'VAR_STRING';
  return {
    name,
    orgName: name.toUpperCase(),
    table: 'PROCESSLIST',
    orgTable: 'PROCESSLIST',
    db: 'information_schema',
    type,
    length,
    decimals: 0,
    flags:
      (nullable ? 0 : COLUMN_FLAG.NOT_NULL) |
      (numeric ? COLUMN_FLAG.UNSIGNED | COLUMN_FLAG.BINARY | COLUMN_FLAG.NUM : 0),
    collation: numeric ? 63 : 255,
  };
}

export function processListColumns(full: boolean): ColumnInfo[] {
  return [
    column('Id', 'LONGLONG', 21, false),
    column('User', 'VAR_STRING', 32 * 4, false),
    column('Host', 'VAR_STRING', 261 * 4, false),
    column('db', 'VAR_STRING', 64 * 4, true),
    column('Command', 'VAR_STRING', 16 * 4, false),
    column('Time', 'LONG', 7, false),
    column('State', 'VAR_STRING', 30 * 4, true),
    column('Info', 'VAR_STRING', (full ? 65_535 : PROCESSLIST_INFO_CHARS) * 4, true),
  ];
}
