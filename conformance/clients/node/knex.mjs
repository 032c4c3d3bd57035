/**
 * Knex (client mysql2), pinned in conformance/package.json: migrations (knex_migrations + lock
 * table), schema introspection, query builder CRUD with joins and upserts, transactions with a
 * nested savepoint. Adapted from the client-traces script, one step per phase.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory from 'knex';
import { assert, cfg, runSteps } from './steps.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const knex = knexFactory({
  client: 'mysql2',
  connection: { host: cfg.host, port: cfg.port, user: cfg.user, password: cfg.password, database: cfg.database, timezone: 'Z' },
  pool: { min: 0, max: 3 },
  migrations: { directory: path.join(here, 'knex-migrations'), tableName: 'knex_migrations', loadExtensions: ['.cjs'] },
});
let uid;

await runSteps([
  ['raw-version', async () => {
    const r = await knex.raw('select 1 + 1 as two');
    assert.equal(r[0][0].two, 2);
    return r[0];
  }],
  ['migrate-latest', async () => {
    await knex.migrate.latest();
    return (await knex('knex_migrations').select('name').orderBy('id')).map((r) => r.name);
  }],
  ['migrate-down-and-up', async () => {
    await knex.migrate.status();
    await knex.migrate.down();
    await knex.migrate.latest();
  }],
  ['introspection', async () => {
    const hasTable = await knex.schema.hasTable('kx_users');
    const hasColumn = await knex.schema.hasColumn('kx_users', 'nickname');
    const info = await knex('kx_users').columnInfo();
    return { hasTable, hasColumn, columns: Object.keys(info).sort() };
  }],
  ['insert', async () => {
    [uid] = await knex('kx_users').insert({ email: 'ann@example.com', name: 'Ann', profile: JSON.stringify({ a: 1 }) });
    await knex('kx_users').insert([{ email: 'bob@example.com', name: 'Bob' }, { email: 'cy@example.com', name: 'Cy', role: 'admin' }]);
    await knex('kx_posts').insert([1, 2, 3].map((i) => ({ user_id: uid, title: 'T' + i, published_at: new Date('2024-01-01T00:00:00Z') })));
    return { uid };
  }],
  ['select-builder', async () => {
    const first = await knex('kx_users').where({ id: uid }).first('id', 'email', 'role');
    const page = await knex('kx_users').whereIn('role', ['admin', 'member']).andWhere('balance', '>=', 0).orderBy('id', 'desc').limit(2).offset(1).select('id');
    return { first, page };
  }],
  ['joins-and-aggregates', async () => {
    const joined = await knex('kx_posts as p').join('kx_users as u', 'u.id', 'p.user_id').select('p.id', 'p.title', 'u.email').where('u.active', true).orderBy('p.id');
    const grouped = await knex('kx_posts').leftJoin('kx_users', 'kx_users.id', 'kx_posts.user_id').count({ n: '*' }).groupBy('kx_users.id');
    const total = await knex('kx_posts').count('* as total').first();
    return { joined, grouped, total };
  }],
  ['update-increment-delete', async () => {
    await knex('kx_users').where({ email: 'bob@example.com' }).update({ name: 'Bobby', updated_at: knex.fn.now() });
    await knex('kx_posts').where({ id: 1 }).increment('views', 3);
    const deleted = await knex('kx_posts').where('id', '>', 2).del();
    return { deleted };
  }],
  ['upsert', async () => {
    await knex('kx_users').insert({ email: 'ann@example.com', name: 'Ann2' }).onConflict('email').merge();
    await knex('kx_users').insert({ email: 'ann@example.com', name: 'Ann3' }).onConflict('email').ignore();
    return knex('kx_users').where({ email: 'ann@example.com' }).first('name');
  }],
  ['raw-bindings-and-json', async () => {
    const a = await knex.raw('SELECT ? AS a, ?? AS b FROM kx_users ORDER BY id LIMIT 1', ['x', 'email']);
    const b = await knex('kx_users').select(knex.raw('JSON_EXTRACT(profile, ?) AS a', ['$.a'])).whereNotNull('profile');
    return { a: a[0], b };
  }],
  ['transactions', async () => {
    await knex.transaction(async (trx) => {
      const [id] = await trx('kx_users').insert({ email: 'tx@example.com' });
      await trx('kx_posts').insert({ user_id: id, title: 'in tx' });
      await trx('kx_users').where({ id }).forUpdate().first();
    });
    let rolledBack = '';
    try {
      await knex.transaction(async (trx) => { await trx('kx_users').insert({ email: 'rb@example.com' }); throw new Error('rollback me'); });
    } catch (e) { rolledBack = e.message; }
    assert.equal(rolledBack, 'rollback me');
    return knex('kx_users').count('* as n').first();
  }],
  ['nested-transaction-savepoint', async () => {
    const trx = await knex.transaction({ isolationLevel: 'read committed' });
    await trx('kx_users').select('id');
    await trx.transaction(async (nested) => { await nested('kx_users').where({ email: 'tx@example.com' }).update({ name: 'nested' }); });
    await trx.commit();
    return knex('kx_users').where({ email: 'tx@example.com' }).first('name');
  }],
  ['migrate-rollback-all', async () => {
    await knex.migrate.rollback(undefined, true);
    await knex.schema.dropTableIfExists('knex_migrations');
    await knex.schema.dropTableIfExists('knex_migrations_lock');
    await knex.destroy();
  }],
]);
