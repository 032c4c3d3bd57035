/**
 * The mysql command-line client (the MariaDB client package's `mysql`), in batch mode and in an
 * interactive session driven through tmux, as a person would use it. Adapted from the
 * client-traces `cli/mysql-cli.sh`.
 *
 * TLS: both servers offer it, and the client starts it whenever it is offered, so every session
 * here runs over TLS; `\s` must show the cipher.
 *
 * The interactive session runs on a private tmux server (`tmux -L <name>`), which this runner
 * kills when it is done, so nothing is left behind and no one else's tmux is touched. After each
 * line typed, the runner waits until the client prints its prompt again, so steps take as long
 * as the server does, not a fixed pause.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CONFORMANCE_DIR } from '../harness/paths.js';
import { exec, expectSuccess, step } from './exec.js';
import type { ClientRunner, RunContext, RunOutput, StepResult } from './types.js';

const CLI_DIR = path.join(CONFORMANCE_DIR, 'clients', 'cli');
const SETUP_SQL = `CREATE TABLE cli_t1 (id INT NOT NULL PRIMARY KEY, name VARCHAR(50) NOT NULL,
  created DATETIME);
INSERT INTO cli_t1 VALUES (1, 'alice', '2024-01-02 03:04:05'), (2, 'bob', NULL);
`;
/** The client's prompt: `MariaDB [db]> ` or `MySQL [db]> `, depending on the server. */
const PROMPT = /\[[^\]\n]*\]> *$/;

function connArgs(ctx: RunContext): string[] {
  const e = ctx.endpoint;
  return ['--no-defaults', `-h${e.host}`, `-P${e.port}`, `-u${e.user}`,
    ...(e.password === '' ? [] : [`-p${e.password}`])];
}

/**
 * What varies between runs and servers without meaning: timings ("2 rows in set (0.001 sec)")
 * and the prompt's server name ("MariaDB [db]>" / "MySQL [db]>").
 */
function normalise(text: string): string {
  return text.replace(/\(\d+\.\d+ sec\)/g, '(T sec)')
    .replace(/^(MariaDB|MySQL) \[/gm, '[').trimEnd();
}

/** Runs the client in batch mode; an ERROR on stderr fails even if it exits 0 (`source`). */
async function mysql(ctx: RunContext, args: readonly string[], input = ''): Promise<string> {
  const r = expectSuccess('mysql', await exec('mysql', [...connArgs(ctx), ...args], { input }));
  if (/^ERROR \d+/m.test(r.stderr)) throw new Error(`mysql printed an error:\n${r.stderr}`);
  return normalise(r.stdout);
}

async function batchSteps(ctx: RunContext): Promise<StepResult[]> {
  const db = ctx.database;
  return [
    await step('batch-setup', () => mysql(ctx, [db], SETUP_SQL)),
    await step('batch-execute', () =>
      mysql(ctx, [db, '-e', 'SELECT id, name, created FROM cli_t1 ORDER BY id'])),
    await step('batch-raw-no-headers', () =>
      mysql(ctx, ['-N', '-B', '-e', `SELECT name FROM ${db}.cli_t1 ORDER BY id`])),
    await step('batch-table-format', () =>
      mysql(ctx, [db, '-t', '-e', 'SELECT * FROM cli_t1 ORDER BY id'])),
    await step('batch-vertical', () =>
      mysql(ctx, [db, '-E', '-e', 'SELECT * FROM cli_t1 WHERE id = 1'])),
    await step('batch-show-tables', () => mysql(ctx, [db, '-e', "SHOW TABLES LIKE 'cli%'"])),
    await step('batch-piped', () => mysql(ctx, [db], "SELECT 'piped' AS src, 1 + 1 AS two;\n")),
    await step('batch-error', async () => {
      const r = await exec('mysql', [...connArgs(ctx), db, '-e', 'SELECT * FROM no_such_table']);
      const line = /^ERROR \d+ \(\w+\) at line \d+: .*$/m.exec(r.stderr)?.[0] ?? '';
      if (r.code !== '1' || !line.startsWith('ERROR 1146 (42S02) at line 1: ')) {
        throw new Error(`expected exit 1 and "ERROR 1146 (42S02) at line 1: …", got ${r.code}: ` +
          r.stderr);
      }
      return line;
    }),
    await step('batch-script', () =>
      mysql(ctx, [db], readFileSync(path.join(CLI_DIR, 'batch.sql'), 'utf8'))),
    await step('batch-source-file', () =>
      mysql(ctx, [db, '-e', `source ${path.join(CLI_DIR, 'source.sql')}`])),
    await step('batch-tls-status', async () => {
      const out = await mysql(ctx, ['-e', '\\s']);
      if (!/^SSL:\s+Cipher in use is \S+/m.test(out)) {
        throw new Error(`\\s shows no TLS cipher:\n${out}`);
      }
      return 'SSL: Cipher in use';
    }),
  ];
}

/** Private tmux servers still open; killed synchronously if this process exits early. */
const openSockets = new Set<string>();
process.on('exit', () => {
  for (const socket of openSockets) {
    try {
      execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
});

/** One tmux-hosted terminal on a private tmux server. */
class Terminal {
  private readonly socket: string;
  private readonly session = 'cli';

  constructor(tag: string) {
    this.socket = `borealis-conformance-${process.pid}-${tag}`;
    openSockets.add(this.socket);
  }

  private tmux(args: readonly string[]): Promise<string> {
    return exec('tmux', ['-L', this.socket, ...args], { timeoutMs: 10_000 }).then((r) => {
      if (r.code !== '0') throw new Error(`tmux ${args[0] ?? ''} failed: ${r.stderr}`);
      return r.stdout;
    });
  }

  async open(): Promise<void> {
    await this.tmux(['-f', '/dev/null', 'new-session', '-d', '-s', this.session,
      '-x', '200', '-y', '50', 'sh']);
    await this.tmux(['set-option', '-t', this.session, 'history-limit', '20000']);
  }

  screen(): Promise<string> {
    return this.tmux(['capture-pane', '-p', '-J', '-S', '-', '-t', this.session]);
  }

  /** Types `text` and Enter; a trailing `;` is sent as a key (tmux reads `x;` as a separator). */
  async type(text: string): Promise<void> {
    const body = text.endsWith(';') ? text.slice(0, -1) : text;
    if (body !== '') await this.tmux(['send-keys', '-t', this.session, '-l', body]);
    if (text.endsWith(';')) await this.tmux(['send-keys', '-t', this.session, '-H', '3b']);
    await this.tmux(['send-keys', '-t', this.session, 'Enter']);
  }

  /** Types `text` without Enter. */
  async typeText(text: string): Promise<void> {
    await this.tmux(['send-keys', '-t', this.session, '-l', text]);
  }

  /** Waits until the screen's last line matches `pattern` (e.g. a tab completion). */
  async waitForLine(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = (await this.screen()).trimEnd().split('\n').at(-1) ?? '';
      if (pattern.test(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${String(pattern)}; the line is: ${last}`);
  }

  async key(name: string): Promise<void> {
    await this.tmux(['send-keys', '-t', this.session, name]);
  }

  /** Waits until the screen, past `before`, ends with `until`; returns the new text. */
  async waitFor(before: string, until: RegExp, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let fresh = '';
    while (Date.now() < deadline) {
      const now = (await this.screen()).trimEnd();
      fresh = now.startsWith(before) ? now.slice(before.length) : now;
      if (fresh.includes('\n') && until.test(fresh)) return fresh;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${String(until)}; screen ends with:\n` +
      fresh.slice(-800));
  }

  /** Types a line and returns what the client printed until its next prompt. */
  async command(text: string, timeoutMs?: number): Promise<string> {
    const before = (await this.screen()).trimEnd();
    await this.type(text);
    return this.waitFor(before, PROMPT, timeoutMs);
  }

  async close(): Promise<void> {
    await exec('tmux', ['-L', this.socket, 'kill-server'], { timeoutMs: 10_000 });
    openSockets.delete(this.socket);
  }
}

function expect(output: string, pattern: RegExp, what: string): string {
  if (!pattern.test(output)) throw new Error(`${what}: expected ${String(pattern)} in:\n${output}`);
  return normalise(output);
}

async function interactiveSteps(ctx: RunContext, term: Terminal): Promise<StepResult[]> {
  const db = ctx.database;
  const e = ctx.endpoint;
  const results: StepResult[] = [];
  const add = async (name: string, body: () => Promise<string | undefined>): Promise<void> => {
    results.push(await step(name, body));
  };
  await add('tmux-login-password-prompt', async () => {
    const before = (await term.screen()).trimEnd();
    await term.type(`MYSQL_HISTFILE=/dev/null mysql --no-defaults -h${e.host} -P${e.port} ` +
      `-u${e.user} -p`);
    await term.waitFor(before, /Enter password: *$/);
    const afterPrompt = (await term.screen()).trimEnd();
    await term.type(e.password);
    expect(await term.waitFor(afterPrompt, PROMPT), /\[\(none\)\]> *$/, 'prompt, no database');
    return undefined;
  });
  await add('tmux-show-databases', async () => {
    expect(await term.command('SHOW DATABASES;'), new RegExp(`\\| ${db} +\\|`), 'SHOW DATABASES');
    return undefined;
  });
  await add('tmux-use-database', async () =>
    expect(await term.command(`USE ${db}`), /Database changed/, 'USE'));
  await add('tmux-tab-completion', async () => {
    // USE rehashed the completion names: tables (SHOW TABLES) and their columns
    // (COM_FIELD_LIST), also as table.column; `cli_t1.crea` has one completion.
    const before = (await term.screen()).trimEnd();
    await term.typeText('SELECT cli_t1.crea');
    await term.key('Tab');
    const line = await term.waitForLine(/cli_t1\.created/);
    await term.type(' FROM cli_t1 WHERE id = 1;');
    const out = await term.waitFor(before, PROMPT);
    expect(out, /2024-01-02 03:04:05/, 'the completed column');
    return normalise(line);
  });
  await add('tmux-describe', async () =>
    expect(await term.command('DESCRIBE cli_t1;'), /\| name +\| varchar\(50\)/, 'DESCRIBE'));
  await add('tmux-select-vertical', async () =>
    expect(await term.command('SELECT * FROM cli_t1 WHERE id = 1\\G'), /name: alice/, '\\G'));
  await add('tmux-status', async () => {
    const out = await term.command('\\s');
    expect(out, new RegExp(`Current database:\\s+${db}`), '\\s');
    expect(out, /SSL:\s+Cipher in use is \S+/, '\\s over TLS');
    if (/ERROR/.test(out)) throw new Error(`\\s printed an error:\n${out}`);
    return undefined;
  });
  await add('tmux-source', async () => {
    const out = await term.command(`source ${path.join(CLI_DIR, 'interactive-source.sql')}`);
    expect(out, /\| bob +\|/, 'the first sourced statement');
    return expect(out, /\| sourced +\|/, 'the second sourced statement');
  });
  await add('tmux-show-warnings', async () => {
    await term.command('\\W');
    return expect(await term.command("SELECT CAST('12abc' AS SIGNED) AS c;"),
      /Warning \(Code 1292\): Truncated incorrect INTEGER value: '12abc'/,
      'warnings after the result');
  });
  await add('tmux-strict-mode-error', async () => expect(
    await term.command("INSERT INTO cli_t1 (id, name) VALUES (9, REPEAT('x', 60));"),
    /ERROR 1406 \(22001\)/, 'data too long in strict mode'));
  await add('tmux-ctrl-c-kills-query', async () => {
    const before = (await term.screen()).trimEnd();
    const started = Date.now();
    await term.type('SELECT SLEEP(5);');
    await new Promise((r) => setTimeout(r, 1000));
    await term.key('C-c');
    const out = await term.waitFor(before, PROMPT, 10_000);
    expect(out, /ERROR 1317 \(70100\)/, 'KILL QUERY from a second connection');
    if (Date.now() - started > 4500) throw new Error(`the query ran to its end:\n${out}`);
    return undefined;
  });
  await add('tmux-quit', async () => {
    const before = (await term.screen()).trimEnd();
    await term.type('exit');
    expect(await term.waitFor(before, /Bye/), /Bye/, 'exit');
    return undefined;
  });
  await add('tmux-no-rehash-with-database', async () => {
    const before = (await term.screen()).trimEnd();
    await term.type(`mysql --no-defaults -A -h${e.host} -P${e.port} -u${e.user} ${db}`);
    await term.waitFor(before, new RegExp(`\\[${db}\\]> *$`));
    const out = await term.command('SELECT COUNT(*) AS n FROM cli_t1;');
    await term.type('quit');
    return expect(out, /\| +2 \|/, 'count');
  });
  return results;
}

async function run(ctx: RunContext): Promise<RunOutput> {
  const results = await batchSteps(ctx);
  const term = new Terminal(ctx.endpoint.role);
  try {
    await term.open();
    results.push(...await interactiveSteps(ctx, term));
  } catch (error) {
    results.push({ step: 'tmux-session', ok: false, detail: String(error) });
  } finally {
    writeFileSync(path.join(ctx.workDir, 'screen.txt'), await term.screen().catch(() => ''));
    await term.close();
  }
  return { plan: PLAN, results };
}

export const PLAN = [
  'batch-setup', 'batch-execute', 'batch-raw-no-headers', 'batch-table-format', 'batch-vertical',
  'batch-show-tables', 'batch-piped', 'batch-error', 'batch-script', 'batch-source-file',
  'batch-tls-status', 'tmux-login-password-prompt', 'tmux-show-databases', 'tmux-use-database',
  'tmux-tab-completion', 'tmux-describe', 'tmux-select-vertical', 'tmux-status', 'tmux-source',
  'tmux-show-warnings', 'tmux-strict-mode-error',
  'tmux-ctrl-c-kills-query', 'tmux-quit', 'tmux-no-rehash-with-database',
];

export const mysqlCliRunner: ClientRunner = { name: 'mysql-cli', run };
