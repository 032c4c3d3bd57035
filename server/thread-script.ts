/**
 * Where a worker thread's script is. Under vitest the server runs from its .ts sources, which a
 * worker thread cannot load; the build's copy (dist/, made by `tsc` before the tests run) serves
 * then.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The compiled script `path` (relative to server/, without an extension). */
export function threadScript(path: string): URL {
  const here = new URL(import.meta.url);
  const script = here.pathname.endsWith('.ts')
    ? new URL(`../dist/server/${path}.js`, here)
    : new URL(`./${path}.js`, here);
  if (!existsSync(fileURLToPath(script))) {
    throw new Error(`the thread script ${script.pathname} is missing: build with tsc -p .`);
  }
  return script;
}
