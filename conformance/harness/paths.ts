/**
 * Where things are, relative to the repository root (found from this file, so it works both from
 * the sources under vitest and from dist/ under node). Nothing here names a machine path.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const parsed: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
      if (typeof parsed === 'object' && parsed !== null && 'name' in parsed &&
          parsed.name === 'borealis') {
        return dir;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('repository root (package.json "borealis") not found');
    dir = parent;
  }
}

export const REPO_ROOT = findRoot();
export const CONFORMANCE_DIR = path.join(REPO_ROOT, 'conformance');
export const CASES_DIR = path.join(CONFORMANCE_DIR, 'cases');
export const KNOWN_DIFFERENCES_FILE = path.join(CONFORMANCE_DIR, 'known-differences');
export const EXPECTED_FAILURES_FILE = path.join(CONFORMANCE_DIR, 'expected-failures');
export const SERVER_CLI = path.join(REPO_ROOT, 'dist', 'server', 'cli.js');
/** Logs, screens, dumps and the summary of the last run; dist/ is not committed. */
export const OUTPUT_DIR = path.join(REPO_ROOT, 'dist', 'conformance-output');
