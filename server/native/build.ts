/**
 * Builds the optional native helper (fd.c → fd.node beside this file in dist) with the system C
 * compiler and Node's own headers. Without a compiler or the headers it says so and leaves the
 * helper out: the server then runs without it (descriptors.ts; --read-thread forwards a
 * connection's writes instead of moving the connection).
 *
 *   node dist/server/native/build.js
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = resolve(here, '../../../server/native/fd.c');
const target = join(here, 'fd.node');

/** Where node_api.h is: beside this Node's prefix, or where a distribution puts it. */
function headers(): string | undefined {
  const prefix = resolve(dirname(process.execPath), '..');
  const dirs = [join(prefix, 'include', 'node'), '/usr/include/node', '/usr/local/include/node'];
  return dirs.find((dir) => existsSync(join(dir, 'node_api.h')));
}

function build(): string {
  if (!existsSync(source)) return `no source at ${source}`;
  const fresh = existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs;
  if (fresh) return 'up to date';
  const include = headers();
  if (include === undefined) return 'skipped: no node_api.h (Node headers) found';
  const cc = process.env.CC ?? 'cc';
  try {
    execFileSync(cc, ['-O2', '-shared', '-fPIC', `-I${include}`, source, '-o', target], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return 'built';
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return `skipped: ${cc} failed (${why})`;
  }
}

process.stdout.write(`native helper (fd.node): ${build()}\n`);
