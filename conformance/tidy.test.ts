/**
 * Tidy: the layering rules as a test (STYLE.md §2.1).
 *   (D1) server → engine → storage, one direction: storage/ imports neither engine/ nor server/;
 *        engine/ does not import server/; server/ imports storage/ only in main.ts.
 *   (D2) other layers import a layer only through its index.ts.
 *   (D3) each third-party package has exactly one importer (tests and conformance aside).
 *   (D4) no console.* in server, engine or storage code; logs go through pino.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const layers = ['server', 'engine', 'storage'] as const;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

const isTest = (file: string): boolean =>
  /\.(test|bench)\.ts$/.test(file) || file.includes('/testing');

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:import|export)[^'";]*?from\s+['"]([^'"]+)['"]/g))
    specs.push(m[1] ?? '');
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.push(m[1] ?? '');
  return specs;
}

const files = layers.flatMap((layer) => sourceFiles(join(root, layer)));

function layerOf(path: string): string | undefined {
  const rel = relative(root, path);
  return layers.find((l) => rel.startsWith(`${l}/`));
}

describe('tidy', () => {
  it('D1, D2: layers import downward, and only through index.ts', () => {
    const problems: string[] = [];
    for (const file of files) {
      if (isTest(file)) continue;
      const from = layerOf(file);
      for (const spec of imports(file)) {
        if (!spec.startsWith('.')) continue;
        const target = resolve(file, '..', spec);
        const to = layerOf(target);
        if (to === undefined || to === from) continue;
        const rel = relative(root, file);
        const allowed =
          (from === 'engine' && to === 'storage') ||
          (from === 'server' && to === 'engine') ||
          (rel === 'server/main.ts' && to === 'storage');
        if (!allowed) problems.push(`${rel} imports ${spec} (${from} → ${to})`);
        else if (!/\/index\.js$/.test(spec))
          problems.push(`${rel} imports ${spec}: use ${to}/index.ts`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('D3: each third-party package has one importer', () => {
    const owners: Record<string, string> = {
      'node-sql-parser': 'engine/sql/parse.ts',
      lmdb: 'storage/segment/lmdb-store.ts',
    };
    const problems: string[] = [];
    for (const file of files) {
      const rel = relative(root, file);
      for (const spec of imports(file)) {
        const owner = owners[spec];
        if (owner !== undefined && rel !== owner) problems.push(`${rel} imports ${spec}`);
        if (spec === 'mysql2' || spec.startsWith('mysql2/')) {
          if (!isTest(file)) problems.push(`${rel} imports mysql2 outside tests`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('D4: no console.* in server, engine or storage code', () => {
    const problems = files
      .filter((f) => !isTest(f))
      .filter((f) => /console\.(log|error|warn|info|debug)\(/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(problems).toEqual([]);
  });
});
