/**
 * Step runner shared by the Node client scripts: connection settings from the environment and
 * the `##plan` / `##step` lines that conformance/clients/node-script.ts reads.
 *
 * A step is `[name, async () => observation?]`. It passes when it resolves; whatever it returns
 * is rendered deterministically (dates as ISO strings, Buffers as hex, bigints as strings) and
 * compared with the reference side's. A step that throws fails with the error's code and message;
 * later steps still run. Each step has its own time limit so one hang costs one step.
 */
import assert from 'node:assert/strict';

export const cfg = {
  host: process.env.HOST || '127.0.0.1',
  port: Number(process.env.PORT || 3306),
  user: process.env.DBUSER || 'root',
  password: process.env.PASSWORD || '',
  database: process.env.DB || 'appdb',
  workDir: process.env.WORKDIR || '.',
};

export { assert };

const STEP_TIMEOUT_MS = Number(process.env.STEP_TIMEOUT_MS || 20_000);

/** JSON with stable renderings of the values drivers return. */
export function render(value) {
  return JSON.stringify(value, (_key, v) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
    if (v && v.type === 'Buffer' && Array.isArray(v.data)) return `0x${Buffer.from(v.data).toString('hex')}`;
    return v;
  });
}

function describeError(e, depth = 0) {
  if (e && typeof e === 'object') {
    const code = e.code ? `${e.code}${e.errno ? ` (${e.errno})` : ''}: ` : '';
    const sql = e.sql ? `\n  sql: ${String(e.sql).slice(0, 400)}` : '';
    const cause = e.cause && depth < 3 ? `\n  cause: ${describeError(e.cause, depth + 1)}` : '';
    return `${code}${String(e.message ?? e).slice(0, 1500)}${sql}${cause}`;
  }
  return String(e);
}

function emit(kind, payload) {
  process.stdout.write(`##${kind} ${JSON.stringify(payload)}\n`);
}

/** Runs the steps in order; never throws. */
export async function runSteps(steps) {
  emit('plan', steps.map(([name]) => name));
  for (const [name, fn] of steps) {
    let timer;
    try {
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`step timed out after ${STEP_TIMEOUT_MS} ms`)),
          STEP_TIMEOUT_MS);
      });
      const observed = await Promise.race([fn(), timeout]);
      emit('step', { step: name, ok: true, detail: '',
        ...(observed === undefined ? {} : { observed: render(observed) }) });
    } catch (e) {
      emit('step', { step: name, ok: false, detail: describeError(e) });
    } finally {
      clearTimeout(timer);
    }
  }
  // A hung step may leave sockets open: exit once the lines are flushed.
  await new Promise((resolve) => process.stdout.write('', resolve));
  process.exit(0);
}

/** Expects `promise` to reject with the given mysql2 error code; returns the code. */
export async function expectError(promise, code) {
  try {
    await promise;
  } catch (e) {
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    return { code: e.code, errno: e.errno, sqlState: e.sqlState };
  }
  throw new Error(`expected error ${code}, but it succeeded`);
}
