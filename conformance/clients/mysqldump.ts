/**
 * mysqldump and restore with the mysql CLI, adapted from the client-traces `mysqldump/` scripts.
 *
 * Three schemas: `basic.sql` (what the walking skeleton supports: integers, strings, DECIMAL,
 * DATETIME, primary keys), `full.sql` (FKs, a view, a trigger, a procedure, JSON, ENUM,
 * BLOBs) and `types.sql` (every column type, a view, foreign keys; no routines). Each is dumped,
 * restored into another database, and read back; the data must survive the round trip on the
 * same server, and `types.sql`'s restored copy must dump back to the same text. The target also
 * restores the *reference's* basic dump, which is how users move a MariaDB/MySQL database to
 * Borealis.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFORMANCE_DIR } from '../harness/paths.js';
import { exec, expectSuccess, step } from './exec.js';
import type { ClientRunner, RunContext, RunOutput, StepResult } from './types.js';

const DUMP_DIR = path.join(CONFORMANCE_DIR, 'clients', 'mysqldump');
const READ_BASIC = 'SELECT * FROM authors ORDER BY id; SELECT * FROM posts ORDER BY id';
const READ_FULL = 'SELECT id, name, email FROM authors ORDER BY id; ' +
  'SELECT id, author_id, title, body, status, meta, price, published FROM posts ORDER BY id; ' +
  'SELECT id, HEX(data), flag + 0, f, d, y, t FROM blobs ORDER BY id; ' +
  'SELECT * FROM post_titles ORDER BY id; CALL count_posts(@n); SELECT @n';

function connArgs(ctx: RunContext): string[] {
  const e = ctx.endpoint;
  return ['--no-defaults', `-h${e.host}`, `-P${e.port}`, `-u${e.user}`,
    ...(e.password === '' ? [] : [`-p${e.password}`])];
}

async function mysql(
  ctx: RunContext,
  args: readonly string[],
  inputFile?: string,
): Promise<string> {
  const r = await exec('mysql', [...connArgs(ctx), ...args],
    inputFile === undefined ? { timeoutMs: 30_000 } : { inputFile, timeoutMs: 30_000 });
  expectSuccess('mysql', r);
  if (/^ERROR \d+/m.test(r.stderr)) throw new Error(`mysql printed an error:\n${r.stderr}`);
  return r.stdout;
}

async function dump(ctx: RunContext, args: readonly string[], file: string): Promise<string> {
  expectSuccess('mysqldump', await exec('mysqldump', [...connArgs(ctx), ...args],
    { timeoutMs: 30_000, outputFile: file }));
  const text = readFileSync(file, 'latin1'); // bytes as they are; only ASCII is searched
  for (const table of ['authors', 'posts']) {
    if (!text.includes(`CREATE TABLE \`${table}\``) || !text.includes(`INSERT INTO \`${table}\``)) {
      throw new Error(`the dump lacks CREATE TABLE / INSERT INTO for ${table}; see ${file}`);
    }
  }
  return file;
}

async function restoreInto(
  ctx: RunContext,
  db: string,
  file: string,
  read: string,
): Promise<string> {
  await mysql(ctx, ['-e', `DROP DATABASE IF EXISTS ${db}; CREATE DATABASE ${db}`]);
  await mysql(ctx, [db], file);
  return mysql(ctx, [db, '-e', read]);
}

function sameData(original: string, restored: string): string {
  if (original !== restored) {
    throw new Error(`restored data differs:\noriginal:\n${original}\nrestored:\n${restored}`);
  }
  return restored;
}

async function run(ctx: RunContext): Promise<RunOutput> {
  const db = ctx.database;
  const basicDump = path.join(ctx.workDir, 'basic.dump.sql');
  const fullDump = path.join(ctx.workDir, 'full.dump.sql');
  const copy = `${db}_restored`;
  let basicData = '';
  let fullData = '';
  const results: StepResult[] = [
    await step('setup-basic', async () => {
      await mysql(ctx, [db], path.join(DUMP_DIR, 'basic.sql'));
      basicData = await mysql(ctx, [db, '-e', READ_BASIC]);
      return basicData;
    }),
    await step('dump-basic', () => dump(ctx, [db], basicDump).then(() => undefined)),
    await step('restore-basic', async () =>
      sameData(basicData, await restoreInto(ctx, copy, basicDump, READ_BASIC))),
    await step('restore-reference-dump', async () => {
      const refDump = path.join(ctx.referenceWorkDir, 'basic.dump.sql');
      readFileSync(refDump); // the reference's dump must exist
      return sameData(basicData, await restoreInto(ctx, copy, refDump, READ_BASIC));
    }),
    await step('setup-full', async () => {
      await mysql(ctx, ['-e', `DROP DATABASE IF EXISTS ${db}; CREATE DATABASE ${db}`]);
      await mysql(ctx, [db], path.join(DUMP_DIR, 'full.sql'));
      fullData = await mysql(ctx, [db, '-e', READ_FULL]);
      return fullData;
    }),
    await step('dump-full-single-transaction-routines', () => dump(ctx,
      ['--single-transaction', '--routines', '--triggers', '--events', '--databases', db], fullDump)
      .then(() => undefined)),
    await step('restore-full', async () => {
      await mysql(ctx, ['-e', `DROP DATABASE IF EXISTS ${db}`]);
      await mysql(ctx, [], fullDump); // the dump has CREATE DATABASE and USE
      return sameData(fullData, await mysql(ctx, [db, '-e', READ_FULL]));
    }),
  ];
  results.push(...(await typesRoundTrip(ctx)));
  await mysql(ctx, ['-e', `DROP DATABASE IF EXISTS ${copy}`]).catch(() => undefined);
  return { plan: results.map((r) => r.step), results };
}

const READ_TYPES = 'SELECT * FROM owners ORDER BY id; ' +
  'SELECT id, owner_id, ti, si, mi, bi, b1, de, fl, db, bt + 0, d, dt, ts, tm, yr, c, vc, ' +
  'HEX(bn), HEX(vb), tt, tx, mt, lt, HEX(tb), HEX(bl), HEX(mb), HEX(lb), en, st, js ' +
  'FROM everything ORDER BY id; ' +
  'SELECT * FROM everything_names ORDER BY id';
const DUMP_ARGS = [
  '--single-transaction',
  '--routines',
  '--triggers',
  '--events',
  '--skip-dump-date',
];

/** A dump's text with the database's name replaced, so dumps of two databases compare. */
function dumpText(file: string, db: string): string {
  return readFileSync(file, 'latin1').split(db).join('<db>');
}

/**
 * Every type, a view and foreign keys (types.sql): dump, restore into another database, and dump
 * that again — the two dumps must be identical (but for the database's name).
 */
async function typesRoundTrip(ctx: RunContext): Promise<StepResult[]> {
  const db = `${ctx.database}_types`;
  const copy = `${ctx.database}_types2`;
  const first = path.join(ctx.workDir, 'types.dump.sql');
  const second = path.join(ctx.workDir, 'types.redump.sql');
  let data = '';
  const recreate = (name: string): Promise<string> =>
    mysql(ctx, ['-e', `DROP DATABASE IF EXISTS ${name}; CREATE DATABASE ${name}`]);
  const results = [
    await step('setup-types-views-fks', async () => {
      await recreate(db);
      await mysql(ctx, [db], path.join(DUMP_DIR, 'types.sql'));
      data = await mysql(ctx, [db, '-e', READ_TYPES]);
      return undefined;
    }),
    await step('dump-types-views-fks', async () => {
      expectSuccess('mysqldump', await exec('mysqldump', [...connArgs(ctx), ...DUMP_ARGS, db],
        { timeoutMs: 30_000, outputFile: first }));
      return undefined;
    }),
    await step('restore-types-views-fks', async () => {
      await recreate(copy);
      await mysql(ctx, [copy], first);
      sameData(data, await mysql(ctx, [copy, '-e', READ_TYPES]));
      return undefined;
    }),
    await step('redump-types-views-fks-identical', async () => {
      expectSuccess('mysqldump', await exec('mysqldump', [...connArgs(ctx), ...DUMP_ARGS, copy],
        { timeoutMs: 30_000, outputFile: second }));
      const a = dumpText(first, db);
      const b = dumpText(second, copy);
      if (a !== b)
        throw new Error(`the second dump differs from the first: compare ${first} and ${second}`);
      return undefined;
    }),
  ];
  for (const name of [db, copy]) {
    await mysql(ctx, ['-e', `DROP DATABASE IF EXISTS ${name}`]).catch(() => undefined);
  }
  return results;
}

export const mysqldumpRunner: ClientRunner = { name: 'mysqldump', run };
