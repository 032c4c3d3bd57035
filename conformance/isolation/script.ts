/**
 * Isolation scripts: interleavings of statements on two or three connections, written one step a
 * line, run the same way on the reference and on the target (run-isolation.ts). Pure.
 *
 *   # comment (a whole line)
 *   setup: CREATE TABLE t (id INT PRIMARY KEY, v INT);   runs on its own connection, first
 *   a: BEGIN;                                            a step on connection a
 *   b: UPDATE t SET v = 1 WHERE id = 1;                  may block: the runner waits a moment,
 *                                                        then records "blocked" and goes on
 *   a: COMMIT;
 *   b: wait;                                             the outcome of b's blocked statement
 *
 * Connections are named by one lower-case letter (up to three per script) or `setup`. A step's
 * statement is the rest of the line, without its trailing `;`. Every step is a comparison point:
 * both sides must answer the same (rows, OK, error number — or "blocked").
 */

export interface Step {
  readonly line: number;
  /** 'setup' or a single letter. */
  readonly connection: string;
  /** The statement, or null for `wait` (collect the connection's blocked statement). */
  readonly sql: string | null;
}

export interface Script {
  readonly path: string;
  /** The first comment line: what the script shows. */
  readonly title: string;
  readonly steps: readonly Step[];
}

export class ScriptSyntaxError extends Error {
  override readonly name = 'ScriptSyntaxError';
}

const CONNECTIONS_MAX = 3;

export function parseScript(path: string, text: string): Script {
  const steps: Step[] = [];
  let title = '';
  const named = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      if (title === '') title = line.replace(/^#\s*/, '');
      return;
    }
    const match = /^(setup|[a-z]):\s*(.*?);?\s*$/.exec(line);
    if (match === null || (match[2] ?? '') === '') {
      throw new ScriptSyntaxError(`${path}:${index + 1}: expected "<conn>: <statement>;": ${raw}`);
    }
    const connection = match[1] as string;
    const body = match[2] as string;
    if (connection !== 'setup') named.add(connection);
    if (named.size > CONNECTIONS_MAX) {
      throw new ScriptSyntaxError(`${path}:${index + 1}: at most ${CONNECTIONS_MAX} connections`);
    }
    const wait = body.toLowerCase() === 'wait';
    if (wait && connection === 'setup') {
      throw new ScriptSyntaxError(`${path}:${index + 1}: setup never waits`);
    }
    steps.push({ line: index + 1, connection, sql: wait ? null : body });
  });
  if (steps.length === 0) throw new ScriptSyntaxError(`${path}: no steps`);
  return { path, title, steps };
}
