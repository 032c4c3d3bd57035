/**
 * A session's issue-4 state, kept apart from session.ts's statement discipline: its system and
 * user variables, its status counters, its interrupt flag, and what they imply for running a
 * statement (the wall clock NOW() reads, sql_mode's flags, how statement bytes decode).
 *
 * SessionServices is what the engine shares with every session for these: the global variable
 * values, the global status, the clock.
 */
import type { WireCharset } from './api.js';
import { type EngineClock, pause } from './clock.js';
import { Interrupt } from './interrupt.js';
import type { BindVariables } from './sql/bind.js';
import type { PlanCache } from './sql/plan-cache.js';
import type { ProcessList } from './process-list.js';
import type { Accounts } from './users/accounts.js';
import type { EvalVariables, SqlModeFlags } from './sql/expr.js';
import type { SqlType, Value } from './sql/values.js';
import {
  charsetOfCollation,
  collationById,
  defaultCollation,
  wireCharset,
} from './variables/charsets.js';
import { type GlobalVariables, SessionVariables } from './variables/session-variables.js';
import { sqlModeFlags } from './variables/sql-mode.js';
import { COM_BY_KIND, type GlobalStatus, StatusCounters } from './variables/status.js';
import { wallClockAt } from './variables/time-zone.js';
import { UserVariables } from './variables/user-variables.js';

export interface SessionServices {
  readonly clock: EngineClock;
  readonly globals: GlobalVariables;
  readonly status: GlobalStatus;
  /** Text statements' parses and plans by normalised text (sql/plan-cache.ts). */
  readonly planCache: PlanCache;
  /** Every open session, for SHOW PROCESSLIST and KILL. */
  readonly processes: ProcessList;
  /** Accounts and grants (users/accounts.ts). */
  readonly accounts: Accounts;
}

/** The last statement's diagnostics, as @@warning_count and @@error_count read them. */
/** What the handshake (or COM_CHANGE_USER) said about the connection's character set. */
export interface Handshake {
  readonly charset?: WireCharset;
  readonly collationId?: number;
}

export interface DiagnosticsCounts {
  readonly warnings: number;
  readonly errors: number;
}

/** Values derived from the variables as of their versions (SessionVariables, GlobalVariables). */
interface Derived {
  readonly version: number;
  readonly globalsVersion: number;
  readonly sqlMode: SqlModeFlags;
  readonly timeZone: string;
  readonly charsetClient: WireCharset;
  readonly charsetResults: WireCharset;
  readonly waitTimeoutSeconds: number;
  readonly longQuerySeconds: number;
}

export class SessionExtras {
  readonly variables: SessionVariables;
  readonly users = new UserVariables();
  readonly counters = new StatusCounters();
  readonly interrupt: Interrupt;
  /** SET timestamp: the seconds NOW() reads instead of the clock; null: the clock. */
  private timestamp: number | null = null;

  constructor(
    private readonly services: SessionServices,
    connectionId: number,
    handshake: Handshake,
    diagnostics: () => DiagnosticsCounts,
  ) {
    this.interrupt = new Interrupt(() => pause(services.clock));
    this.variables = new SessionVariables(services.globals);
    this.handshakeCharset(handshake);
    this.variables.provide('timestamp', () => this.timestampSeconds());
    this.variables.watch('timestamp', {
      apply: (value) => {
        this.timestamp = value === 0 || typeof value !== 'number' ? null : value;
      },
    });
    this.variables.provide('warning_count', () => BigInt(diagnostics().warnings));
    this.variables.provide('error_count', () => BigInt(diagnostics().errors));
    this.variables.provide('pseudo_thread_id', () => BigInt(connectionId));
  }

  /**
   * The handshake's character set sets character_set_client/_connection/_results, and its
   * collation collation_connection (MySQL's thd_init_client_charset): a client that connects
   * with utf8mb4_unicode_ci (id 224) has @@collation_connection = utf8mb4_unicode_ci.
   */
  handshakeCharset({ charset, collationId }: Handshake): void {
    if (charset === undefined) return;
    const named = collationId === undefined ? undefined : collationById(collationId);
    const collation =
      named !== undefined && charsetOfCollation(named) === charset
        ? named
        : defaultCollation(charset);
    for (const name of [
      'character_set_client',
      'character_set_connection',
      'character_set_results',
    ]) {
      this.variables.store(name, charset, false);
    }
    this.variables.store('collation_connection', collation, false);
  }

  /** A statement starts: count it, and spend any KILL QUERY aimed at the previous one. */
  startStatement(kind: string): void {
    this.interrupt.clear();
    this.interrupt.check();
    const { status } = this.services;
    status.count(this.counters, 'Questions');
    status.count(this.counters, 'Queries');
    const com = COM_BY_KIND[kind];
    if (com !== undefined) status.count(this.counters, com);
  }

  /** Counts a protocol command (Com_stmt_prepare, Com_stmt_execute, Com_stmt_close). */
  countCommand(command: 'stmt_prepare' | 'stmt_execute' | 'stmt_close' | 'stmt_reset'): void {
    this.services.status.count(this.counters, COM_BY_KIND[command] as string);
  }

  /** COM_RESET_CONNECTION and COM_CHANGE_USER: variables back to the global values. */
  reset(handshake: Handshake): void {
    this.variables.reset();
    this.users.clear();
    this.timestamp = null;
    this.handshakeCharset(handshake);
  }

  private timestampSeconds(): number {
    return this.timestamp ?? this.services.clock.wallNow() / 1000;
  }

  /** NOW() for a statement starting now: the wall clock in time_zone, or SET timestamp. */
  now(): bigint {
    const ms = this.timestamp === null ? this.services.clock.wallNow() : this.timestamp * 1000;
    return wallClockAt(this.timeZone(), ms);
  }

  /** What every statement reads of the variables, read again only after they change. */
  private derivedMade: Derived | null = null;

  private derived(): Derived {
    const { variables } = this;
    const made = this.derivedMade;
    if (
      made !== null &&
      made.version === variables.version &&
      made.globalsVersion === variables.globals.version
    ) {
      return made;
    }
    const charset = (name: string): WireCharset => {
      const value = variables.get(name);
      return wireCharset(value === null ? null : String(value));
    };
    this.derivedMade = {
      version: variables.version,
      globalsVersion: variables.globals.version,
      sqlMode: sqlModeFlags(String(variables.get('sql_mode'))),
      timeZone: String(variables.get('time_zone')),
      charsetClient: charset('character_set_client'),
      charsetResults: charset('character_set_results'),
      waitTimeoutSeconds: Number(variables.get('wait_timeout')),
      longQuerySeconds: Number(variables.get('long_query_time')),
    };
    return this.derivedMade;
  }

  sqlMode(): SqlModeFlags {
    return this.derived().sqlMode;
  }

  /** @@time_zone. */
  timeZone(): string {
    return this.derived().timeZone;
  }

  /** @@long_query_time. */
  longQuerySeconds(): number {
    return this.derived().longQuerySeconds;
  }

  /** What the session status reports of the variables, in one call. */
  wire(): {
    readonly charsetClient: WireCharset;
    readonly charsetResults: WireCharset;
    readonly waitTimeoutSeconds: number;
  } {
    return this.derived();
  }

  charset(name: 'character_set_client' | 'character_set_results'): WireCharset {
    const derived = this.derived();
    return name === 'character_set_client' ? derived.charsetClient : derived.charsetResults;
  }

  /** Issue 8 (cost): made once per session (they read the variables when called). */
  private readonly bound: EvalVariables = {
    system: (name, scope) => this.variables.read(name, scope),
    user: (name) => this.users.get(name),
    setUser: (name: string, value: Value, type: SqlType) => {
      this.users.set(name, value, type);
    },
  };

  bindVariables(): BindVariables {
    return this.bound;
  }

  evalVariables(): EvalVariables {
    return this.bound;
  }
}
