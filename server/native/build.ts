/**
 * Builds the optional native helpers with the system C compiler and Node's own headers, each
 * beside its loader in dist: server/native/fd.c → fd.node (descriptors.ts) and
 * storage/native/sync.c → sync.node (storage/segment/device-sync.ts). Without a compiler or the
 * headers it says so and leaves them out: the server then runs without them (--read-thread
 * forwards a connection's writes instead of moving the connection; each hot log syncs its own
 * writes instead of sharing its device's flush).
 *
 *   node dist/server/native/build.js
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** Each helper: its source in the repository, and where its loader finds it in dist. */
const HELPERS = [
  { source: resolve(here, '../../../server/native/fd.c'), target: join(here, 'fd.node') },
  {
    source: resolve(here, '../../../storage/native/sync.c'),
    target: resolve(here, '../../storage/native/sync.node'),
  },
];

/** Where node_api.h is: beside this Node's prefix, or where a distribution puts it. */
function headers(): string | undefined {
  const prefix = resolve(dirname(process.execPath), '..');
  const dirs = [join(prefix, 'include', 'node'), '/usr/include/node', '/usr/local/include/node'];
  return dirs.find((dir) => existsSync(join(dir, 'node_api.h')));
}

function build(source: string, target: string): string {
  if (!existsSync(source)) return `no source at ${source}`;
  const fresh = existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs;
  if (fresh) return 'up to date';
  const include = headers();
  if (include === undefined) return 'skipped: no node_api.h (Node headers) found';
  const cc = process.env.CC ?? 'cc';
  try {
    mkdirSync(dirname(target), { recursive: true });
    execFileSync(cc, ['-O2', '-shared', '-fPIC', `-I${include}`, source, '-o', target], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return 'built';
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return `skipped: ${cc} failed (${why})`;
  }
}

for (const { source, target } of HELPERS) {
  const name = target.split('/').slice(-1)[0];
  process.stdout.write(`native helper (${name}): ${build(source, target)}\n`);
}
