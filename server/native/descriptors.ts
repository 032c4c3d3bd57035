/**
 * Descriptor duplication through the optional native helper (fd.c, built by build.ts). Absent
 * helper (no C compiler when it was built): `duplicateDescriptor` is null, and callers keep to
 * what Node alone can do.
 */
import { createRequire } from 'node:module';

interface Helper {
  duplicate(fd: number): number;
}

/** Where the built helper is: beside this file in dist, or (under vitest, from .ts) in dist. */
const HELPER = import.meta.url.endsWith('.ts') ? '../../dist/server/native/fd.node' : './fd.node';

function load(): Helper | null {
  try {
    return createRequire(import.meta.url)(HELPER) as Helper;
  } catch {
    return null;
  }
}

const helper = load();

/**
 * A second descriptor of the open file `fd` (close-on-exec), or null when the helper is not
 * built; throws when the system refuses (EMFILE, EBADF).
 */
export const duplicateDescriptor: ((fd: number) => number) | null =
  helper === null ? null : (fd) => helper.duplicate(fd);
