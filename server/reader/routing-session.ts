/**
 * Write forwarding: a connection served on the reader thread runs each statement on the read
 * engine when it only reads (engine/route.ts), and everything else on its twin session on the
 * writer's thread (twin-host.ts, remote-session.ts). To the client it is one session.
 *
 *   where the session's transaction is     statements routed …
 *   ─────────────────────────────────────  ──────────────────────────────────────────────────
 *   none, or open on the read engine       'read' here; 'write' moves the open transaction
 *                                          to the twin first (MovableSession), then runs there
 *   on the writer (moved, or begun there)  all there, until it ends (COMMIT, ROLLBACK, an
 *                                          error that rolls it back)
 *   pinned ('pin' seen)                    all on the writer, until reset or change user
 *
 * Session state lives in both sessions alike: 'mirror' statements (SET of system variables to
 * constants, SET NAMES, USE) run on the writer, then here; a mirror that fails here after it
 * succeeded there pins the session (the writer's twin then holds the state). 'diagnostics'
 * statements (SHOW WARNINGS, ROW_COUNT(), …) run where the previous statement ran.
 *
 * Invariants:
 *   (RS1) a statement runs on the read engine only while no transaction of the session is open
 *         on the writer and the session is not pinned; the read engine never holds an open
 *         transaction while the writer does (a move lets go of it here first).
 *   (RS2) the client sees one status: the site of the last statement gives it, except that
 *         IN_TRANS is set while either site has a transaction open.
 *   (RS3) a session is pinned from the first statement whose state one side could not hold
 *         alike until reset() or changeUser() return both sides to the same fresh state.
 *   (RS4) the connection moves to the writer's thread (handoff.ts) only when its last statement
 *         ran there and nothing is open here (no transaction, no read point held for a move),
 *         so the twin alone holds the session's state; every prepared statement first gets
 *         its twin-side statement, and the connection then names those by its own ids.
 *   (RS5) a statement run on the writer after one that ran here reads this session's diagnostics
 *         of it (ROW_COUNT(), FOUND_ROWS(), SHOW WARNINGS): the twin takes them first (TW13).
 *   (RS6) a connection asks to move (RS4) only when it is pinned or at least as many of its
 *         recent statements ran on the writer as here (counts that fade by 1/RECENT_STATEMENTS
 *         a statement): one that mostly reads, with a few writes per transaction, keeps its
 *         reads on this thread and forwards the writes (issue 8: sysbench oltp_read_write, 14
 *         reads to 5 writes a transaction, moved and left the read thread idle; forwarding ran
 *         it 1.2× as fast), while one that mostly writes still moves and forwards nothing.
 */
import type {
  Engine,
  FieldListColumn,
  MovableSession,
  MovedTransaction,
  MovingTransaction,
  PreparedStatement,
  ReadEngine,
  Result,
  SessionInit,
  SessionStatus,
  Session,
  SqlValue,
  StatementDiagnostics,
  StatementRoute,
} from '../../engine/index.js';
import { closeSync } from 'node:fs';
import type { ParamType } from '../protocol/packets/stmt-execute.js';
import type { RegistryImage } from '../statements.js';
import type { WireConnection } from './twin-messages.js';

/** RS6: how many recent statements decide whether a connection moves. */
const RECENT_STATEMENTS = 32;
const RECENT_FADE = 1 - 1 / RECENT_STATEMENTS;

/** The writer's side of a routed session (remote-session.ts). */
export interface WriterTwin extends Session {
  /** The twin adopts `moved` at the start of its next call, which runs inside it (TW11). */
  adoptWithNextCall(moved: MovedTransaction): void;
  /** The twin takes `d` as its previous statement's before its next call (TW13). */
  diagnosticsWithNextCall(d: StatementDiagnostics): void;
  /** The connection moves to the writer's thread with the twin as its session (TW12). */
  handOff(connection: WireConnection): boolean;
  /** The twin-side handle of a statement the twin prepared. */
  handleOf(statement: PreparedStatement): number | undefined;
}

type Site = 'local' | 'writer';

export class RoutingSession implements Session {
  private pinned = false;
  private txnOnWriter = false;
  private lastSite: Site = 'local';
  /** RS6: recent statements by where they ran, each count fading by 1/RECENT_STATEMENTS. */
  private ranHere = 0;
  private ranOnWriter = 0;
  /** A transaction moving to the writer with the next call there: its read point held here. */
  private moving: MovingTransaction | undefined = undefined;

  constructor(
    private readonly local: MovableSession,
    private readonly writer: WriterTwin,
  ) {}

  /** The writer's side, for this session's statements. */
  get twin(): WriterTwin {
    return this.writer;
  }

  /** RS2. */
  get status(): SessionStatus {
    if (this.lastSite === 'local') {
      const status = this.local.status;
      if (status.inTransaction || !this.txnOnWriter) return status;
      return { ...status, inTransaction: true };
    }
    const status = this.writer.status;
    if (status.inTransaction || !this.local.status.inTransaction) return status;
    return { ...status, inTransaction: true };
  }

  execute(sql: string | Buffer): Promise<Result> {
    const route = this.pinned ? 'pin' : this.local.route(sql);
    if (route === 'mirror') return this.mirror((session) => session.execute(sql));
    return this.run(this.siteFor(route), (session) => session.execute(sql));
  }

  async prepare(sql: string | Buffer): Promise<PreparedStatement> {
    if (this.pinned) return this.run('writer', (session) => session.prepare(sql));
    const local = await this.local.prepare(sql);
    const route = this.local.route(sql);
    if (route === 'read') return new RoutedStatement(this, sql, local, null);
    // Prepared where it will run, in the state it was prepared in (character_set_client, …).
    let writer: PreparedStatement;
    try {
      writer = await this.writer.prepare(sql);
    } catch (error) {
      local.close();
      throw error;
    }
    return new RoutedStatement(this, sql, local, { route, statement: writer });
  }

  async useDatabase(name: string): Promise<void> {
    await this.mirror(async (session) => {
      await session.useDatabase(name);
      return OK;
    });
  }

  fieldList(table: string, wildcard: string): Promise<readonly FieldListColumn[]> {
    const site = this.pinned ? 'writer' : 'local';
    return this.run(site, (session) => session.fieldList(table, wildcard));
  }

  /** RS3: both sides fresh again. */
  async reset(): Promise<void> {
    await Promise.all([this.writer.reset(), this.local.reset()]);
    this.pinned = false;
    this.txnOnWriter = false;
    this.lastSite = 'local';
  }

  async changeUser(user: string, host: string, database: string | null): Promise<void> {
    await this.writer.changeUser(user, host, database);
    await this.local.changeUser(user, host, database);
    this.pinned = false;
    this.txnOnWriter = false;
    this.lastSite = 'local';
  }

  /** The read engine's value: both sides hold the same session variables (mirror). */
  systemVariable(name: string): SqlValue | undefined {
    return this.local.systemVariable(name);
  }

  async close(): Promise<void> {
    await Promise.all([this.local.close(), this.writer.close()]);
  }

  /** RS4: whether the twin alone holds this session's state now (the last statement ran there). */
  get settledOnWriter(): boolean {
    return (
      (this.pinned || this.lastSite === 'writer') &&
      this.moving === undefined &&
      !this.local.status.inTransaction
    );
  }

  /** RS4, RS6: settled on the writer, and pinned or mostly writing of late. */
  get dueToMove(): boolean {
    return this.settledOnWriter && (this.pinned || this.ranOnWriter >= this.ranHere);
  }

  /** RS4: every statement gets its twin-side statement; false if one cannot. */
  async readyToMove(statements: readonly PreparedStatement[]): Promise<boolean> {
    for (const statement of statements) {
      if (!(statement instanceof RoutedStatement) || statement.session !== this) return false;
      try {
        await statement.writerSide();
      } catch {
        return false;
      }
    }
    return this.settledOnWriter;
  }

  /**
   * RS4: the connection moves; this side lets go of its statements and its local session, and
   * the twin becomes the connection's session on the writer's thread.
   */
  handOff(connection: Omit<WireConnection, 'statements'>, image: RegistryImage<PreparedStatement>) {
    const statements: { id: number; handle: number; paramTypes: ParamType[] | null }[] = [];
    for (const { id, prepared, paramTypes } of image.statements) {
      const routed = prepared as RoutedStatement;
      const handle = routed.writerHandle();
      routed.closeLocal();
      if (handle !== undefined) {
        statements.push({ id, handle, paramTypes: paramTypes === null ? null : [...paramTypes] });
      }
    }
    const { nextId, lastId } = image;
    if (!this.writer.handOff({ ...connection, statements: { statements, nextId, lastId } })) {
      closeSync(connection.fd); // shutting down: the client sees its connection close
    }
    void this.local.close().catch(() => undefined);
  }

  /** Where a statement of `route` runs now; moves or pins first when the route asks (RS1, RS3). */
  siteFor(route: Exclude<StatementRoute, 'mirror'>): Site {
    if (this.pinned) return 'writer'; // RS1: nothing is open here then
    switch (route) {
      case 'read':
      case 'begin':
      case 'end':
        return this.txnOnWriter ? 'writer' : 'local';
      case 'diagnostics':
        return this.lastSite;
      case 'write':
        this.moveToWriter();
        return 'writer';
      case 'pin':
        this.moveToWriter();
        this.pinned = true;
        return 'writer';
    }
  }

  /** Runs `call` on `site` and notes where the session's transaction is afterwards (RS1). */
  run<T>(site: Site, call: (session: Session) => Promise<T>): Promise<T> {
    if (site === 'local') return this.runLocal(call);
    this.entering('writer');
    this.ranOnWriter++;
    return this.onWriter(call);
  }

  /** run() here: whatever `call` gives, at once or not (issue 8: no async step of its own). */
  runLocal<T>(call: (session: Session) => T): T {
    this.entering('local');
    this.ranHere++;
    return call(this.local);
  }

  /** RS5 and the recent counts, as a call starts at `site`. */
  private entering(site: Site): void {
    // RS5: what the client ran last ran here; the twin reads its diagnostics, not its own.
    if (site === 'writer' && this.lastSite === 'local') {
      this.writer.diagnosticsWithNextCall(this.local.diagnostics());
    }
    this.lastSite = site;
    this.ranHere *= RECENT_FADE;
    this.ranOnWriter *= RECENT_FADE;
  }

  private async onWriter<T>(call: (session: Session) => Promise<T>): Promise<T> {
    try {
      return await call(this.writer);
    } finally {
      this.txnOnWriter = this.writer.status.inTransaction;
      this.moving?.release(); // the writer holds the read point now, or the move failed
      this.moving = undefined;
    }
  }

  /**
   * RS1: a transaction open here moves to the writer with the statement that must run there
   * (the twin adopts it first, in the same round trip: TW11).
   */
  private moveToWriter(): void {
    if (this.txnOnWriter) return;
    const moving = this.local.moveTransaction();
    if (moving === undefined) return;
    this.moving = moving;
    this.writer.adoptWithNextCall(moving.transaction);
    this.txnOnWriter = true;
  }

  /** Session state both sides hold: the writer's first; a failure here pins (RS3). */
  private async mirror(call: (session: Session) => Promise<Result>): Promise<Result> {
    if (this.pinned) return this.run('writer', call);
    const result = await this.run('writer', call);
    try {
      await drain(await call(this.local));
      this.lastSite = 'local'; // both ran it: the session has not settled on the writer (RS4)
    } catch {
      this.pinned = true;
    }
    return result;
  }
}

/** A statement prepared on a routed session: it runs where its route says each time. */
class RoutedStatement implements PreparedStatement {
  readonly paramCount: number;
  readonly columns: PreparedStatement['columns'];
  private writer: PreparedStatement | null;
  private readonly route: Exclude<StatementRoute, 'mirror'>;

  constructor(
    readonly session: RoutingSession,
    private readonly sql: string | Buffer,
    private readonly local: PreparedStatement,
    writer: { readonly route: StatementRoute; readonly statement: PreparedStatement } | null,
  ) {
    this.paramCount = local.paramCount;
    this.columns = local.columns;
    this.writer = writer?.statement ?? null;
    // A prepared SET or USE is rare: it runs on the writer, which pins (its state stays there).
    this.route = writer === null ? 'read' : writer.route === 'mirror' ? 'pin' : writer.route;
  }

  execute(params: readonly SqlValue[]): Result | Promise<Result> {
    const site = this.session.siteFor(this.route);
    if (site === 'local') return this.session.runLocal(() => this.local.execute(params));
    return this.session.run('writer', async (twin) => {
      this.writer ??= await twin.prepare(this.sql);
      return this.writer.execute(params);
    });
  }

  close(): void {
    this.local.close();
    this.writer?.close();
  }

  /** RS4: the twin-side statement, prepared there now if it was not yet. */
  async writerSide(): Promise<void> {
    this.writer ??= await this.session.twin.prepare(this.sql);
  }

  writerHandle(): number | undefined {
    return this.writer === null ? undefined : this.session.twin.handleOf(this.writer);
  }

  /** RS4: the statement moves; only its local side closes here. */
  closeLocal(): void {
    this.local.close();
  }
}

const OK: Result = { kind: 'ok', affectedRows: 0, lastInsertId: 0n, matchedRows: 0, info: '' };

/** Reads a mirrored statement's result to its end (a SET or USE has none to speak of). */
async function drain(result: Result): Promise<void> {
  if (result.kind !== 'rows') return;
  if (result.collected !== undefined) return;
  for await (const batch of result.rows) void batch;
}

/**
 * The reader thread's engine for write forwarding: sessions of the read engine paired with twins
 * on the writer (`openTwin`); accounts and statistics are the read engine's.
 */
export class RoutingEngine implements Engine {
  constructor(
    private readonly reader: ReadEngine,
    private readonly openTwin: (init: SessionInit) => WriterTwin,
  ) {}

  /**
   * KILL reaches a routed session through its twin, whose id it shares (the writer's process
   * list names every session): the statement running here is interrupted too.
   */
  openSession(init: SessionInit): Session {
    const { connectionId } = init;
    const local = this.reader.openSession({ ...init, onKill: undefined });
    const twin = this.openTwin({
      ...init,
      onKill: () => {
        this.reader.interrupt(connectionId, true);
        init.onKill?.();
      },
      onKillQuery: () => this.reader.interrupt(connectionId, false),
    });
    return new RoutingSession(local, twin);
  }

  findAccount(user: string, host: string): ReturnType<Engine['findAccount']> {
    return this.reader.findAccount(user, host);
  }

  statistics(): string {
    return this.reader.statistics();
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}
