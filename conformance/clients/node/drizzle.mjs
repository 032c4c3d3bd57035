/**
 * Drizzle (drizzle-orm/mysql2 and drizzle-kit, pinned in conformance/package.json): drizzle-kit
 * push (introspection + DDL) twice, then ORM CRUD, joins, relational queries (LEFT JOIN LATERAL),
 * nested transactions with savepoints. Adapted from the client-traces scripts. The CommonJS
 * builds are used throughout (createRequire) so the schema and the ORM share one drizzle copy.
 */
import { createRequire } from 'node:module';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, cfg, runSteps } from './steps.mjs';

const require = createRequire(import.meta.url);
const mysql = require('mysql2/promise');
const { drizzle } = require('drizzle-orm/mysql2');
const { eq, and, gt, like, inArray, desc, count, sql } = require('drizzle-orm');
const schema = require('./drizzle/schema.cjs');
const { users, posts } = schema;
const here = path.dirname(fileURLToPath(import.meta.url));
const execFileAsync = promisify(execFile);

async function kitPush() {
  const kit = process.env.DRIZZLE_KIT || 'drizzle-kit';
  try {
    const { stdout } = await execFileAsync(kit, ['push', '--config', 'drizzle.config.cjs', '--force'],
      { cwd: path.join(here, 'drizzle'), env: process.env, timeout: 18_000 });
    return stdout;
  } catch (e) {
    throw new Error(`drizzle-kit push failed: ${e.stdout ?? ''}${e.stderr ?? ''}${e.message}`.slice(0, 2000));
  }
}

const pool = mysql.createPool({ host: cfg.host, port: cfg.port, user: cfg.user, password: cfg.password, database: cfg.database, connectionLimit: 3, timezone: 'Z' });
const db = drizzle(pool, { schema, mode: 'default' });
let annId;

await runSteps([
  ['kit-push-create', async () => { await kitPush(); }],
  ['kit-push-unchanged', async () => {
    const out = await kitPush();
    assert.ok(!/ALTER|CREATE|DROP/.test(out.replace(/No changes detected/i, '')), `second push changed something:\n${out}`);
  }],
  ['insert', async () => {
    const [r] = await db.insert(users).values({ email: 'ann@example.com', name: 'Ann', profile: { a: 1 } });
    annId = r.insertId;
    await db.insert(users).values([{ email: 'bob@example.com', name: 'Bob' }, { email: 'cy@example.com', role: 'admin' }]);
    await db.insert(posts).values([1, 2, 3].map((i) => ({ userId: annId, title: 'P' + i, publishedAt: new Date('2024-01-01T00:00:00Z') })));
    return { annId };
  }],
  ['insert-on-duplicate-key-update', async () => {
    await db.insert(users).values({ email: 'ann@example.com', name: 'dup' }).onDuplicateKeyUpdate({ set: { name: sql`values(${users.name})` } });
    return db.select({ name: users.name }).from(users).where(eq(users.id, annId));
  }],
  ['select', async () => {
    const a = await db.select({ id: users.id, email: users.email, role: users.role, balance: users.balance }).from(users).where(eq(users.id, annId));
    const b = await db.select({ id: users.id, email: users.email }).from(users).where(and(like(users.email, '%example%'), gt(users.id, 0))).orderBy(desc(users.id)).limit(2).offset(1);
    return { a, b };
  }],
  ['select-join-and-count', async () => {
    const j = await db.select({ post: posts.title, user: users.email }).from(posts).innerJoin(users, eq(posts.userId, users.id)).where(inArray(users.role, ['admin', 'member'])).orderBy(posts.id);
    const [n] = await db.select({ n: count() }).from(posts);
    return { j, n };
  }],
  ['relational-find-many', async () => {
    const r = await db.query.users.findMany({ with: { posts: true }, limit: 5, orderBy: (u, { asc }) => [asc(u.id)] });
    return r.map((u) => [u.id, u.posts.length]);
  }],
  ['relational-find-first', async () => {
    const r = await db.query.posts.findFirst({ with: { author: true }, where: eq(posts.title, 'P1') });
    return [r.title, r.author.email];
  }],
  ['update-delete', async () => {
    await db.update(users).set({ name: 'Bobby', balance: '5.5' }).where(eq(users.email, 'bob@example.com'));
    await db.update(posts).set({ title: sql`concat(${posts.title}, '!')` }).where(eq(posts.id, 1));
    await db.delete(posts).where(eq(posts.title, 'P3'));
    return db.select({ id: posts.id, title: posts.title }).from(posts).orderBy(posts.id);
  }],
  ['transactions', async () => {
    await db.transaction(async (tx) => {
      const [x] = await tx.insert(users).values({ email: 'tx@example.com' });
      await tx.insert(posts).values({ userId: x.insertId, title: 'tx' });
      await tx.transaction(async (tx2) => { await tx2.update(users).set({ name: 'nested' }).where(eq(users.id, x.insertId)); });
    });
    let rolledBack = false;
    try { await db.transaction(async (tx) => { await tx.insert(users).values({ email: 'rb@example.com' }); tx.rollback(); }); } catch { rolledBack = true; }
    assert.ok(rolledBack);
    await db.transaction(async (tx) => { await tx.select().from(users).for('update'); }, { isolationLevel: 'read committed', accessMode: 'read write' });
    return db.select({ email: users.email, name: users.name }).from(users).orderBy(users.id);
  }],
  ['execute-sql', async () => {
    const [rows] = await db.execute(sql`select ${1} as one`);
    return rows;
  }],
  ['drop-tables', async () => {
    await pool.query('DROP TABLE IF EXISTS dz_posts, dz_users');
    await pool.end();
  }],
]);
