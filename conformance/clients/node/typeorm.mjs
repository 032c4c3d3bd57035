/**
 * TypeORM (type mysql → mysql2), pinned in conformance/package.json: EntitySchema entities with
 * relations, synchronize (twice: the second is pure introspection and must change nothing),
 * repository CRUD, QueryBuilder joins, transactions. Adapted from the client-traces script.
 */
import 'reflect-metadata';
import typeorm from 'typeorm';
import { assert, cfg, runSteps } from './steps.mjs';

const { DataSource, EntitySchema, Like, In, MoreThan } = typeorm;

const User = new EntitySchema({
  name: 'User', tableName: 'to_users',
  columns: {
    id: { type: Number, primary: true, generated: 'increment' },
    email: { type: 'varchar', length: 191, unique: true },
    name: { type: 'varchar', length: 100, nullable: true },
    role: { type: 'enum', enum: ['admin', 'member'], default: 'member' },
    balance: { type: 'decimal', precision: 12, scale: 2, default: 0 },
    active: { type: 'boolean', default: true },
    settings: { type: 'json', nullable: true },
    uuid: { type: 'uuid', generated: 'uuid' },
    createdAt: { type: 'datetime', precision: 6, createDate: true },
    updatedAt: { type: 'datetime', precision: 6, updateDate: true },
    version: { type: Number, version: true },
  },
  relations: { posts: { type: 'one-to-many', target: 'Post', inverseSide: 'author' } },
  indices: [{ name: 'IDX_to_users_name', columns: ['name'] }],
});
const Post = new EntitySchema({
  name: 'Post', tableName: 'to_posts',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment' },
    title: { type: 'varchar', length: 200 },
    body: { type: 'text', nullable: true },
    views: { type: 'int', unsigned: true, default: 0 },
    publishedAt: { type: 'timestamp', precision: 3, nullable: true },
    deletedAt: { type: 'datetime', deleteDate: true, nullable: true },
  },
  relations: {
    author: { type: 'many-to-one', target: 'User', inverseSide: 'posts', joinColumn: { name: 'authorId' }, onDelete: 'CASCADE' },
    categories: { type: 'many-to-many', target: 'Category', joinTable: { name: 'to_post_categories' }, cascade: true },
  },
});
const Category = new EntitySchema({
  name: 'Category', tableName: 'to_categories',
  columns: { id: { type: Number, primary: true, generated: 'increment' }, name: { type: 'varchar', length: 50, unique: true } },
});

const ds = new DataSource({
  type: 'mysql', host: cfg.host, port: cfg.port, username: cfg.user, password: cfg.password,
  database: cfg.database, entities: [User, Post, Category], synchronize: false, logging: false, poolSize: 3,
  timezone: 'Z',
});
let users, posts, cats, ann, p;

await runSteps([
  ['initialize', async () => { await ds.initialize(); }],
  ['synchronize-create', async () => { await ds.synchronize(); }],
  ['synchronize-unchanged', async () => {
    const sql = await ds.driver.createSchemaBuilder().log();
    const pending = sql.upQueries.map((q) => q.query);
    assert.deepEqual(pending, [], 'a second synchronize would change the schema');
    return pending;
  }],
  ['repository-save', async () => {
    users = ds.getRepository('User'); posts = ds.getRepository('Post'); cats = ds.getRepository('Category');
    ann = await users.save({ email: 'ann@example.com', name: 'Ann', role: 'admin', settings: { theme: 'dark' } });
    await users.save([{ email: 'bob@example.com', name: 'Bob' }, { email: 'cy@example.com', name: 'Cy', balance: '3.50' }]);
    const [c1, c2] = await cats.save([{ name: 'db' }, { name: 'ts' }]);
    p = await posts.save({ title: 'Hello', body: 'x', author: ann, categories: [c1, c2], publishedAt: new Date('2024-01-02T03:04:05.678Z') });
    await posts.insert([{ title: 'P2', author: { id: ann.id } }, { title: 'P3', author: { id: ann.id } }]);
    return { ann: ann.id, post: p.id };
  }],
  ['repository-find', async () => {
    const a = await users.findOneBy({ id: ann.id });
    const b = await users.find({ where: { email: Like('%@example.com'), role: In(['admin', 'member']) }, order: { id: 'DESC' }, skip: 1, take: 2 });
    const c = await posts.find({ relations: { author: true, categories: true }, where: { views: MoreThan(-1) }, order: { id: 'ASC' } });
    const [page, total] = await posts.findAndCount({ take: 2, skip: 0, order: { id: 'ASC' } });
    return { a: a.email, b: b.map((u) => u.id), c: c.map((x) => [x.id, x.author.email, x.categories.length]), page: page.map((x) => x.id), total, count: await users.count() };
  }],
  ['repository-update', async () => {
    await users.update({ id: ann.id }, { name: 'Ann Updated' });
    ann.balance = '7.25'; await users.save(ann);
    await posts.increment({ id: p.id }, 'views', 5);
    await users.upsert({ email: 'bob@example.com', name: 'Bob U' }, ['email']);
    await posts.softDelete({ title: 'P3' });
    await posts.restore({ title: 'P3' });
    await posts.delete({ title: 'P2' });
    const all = await users.find({ order: { id: 'ASC' } });
    return all.map((u) => [u.id, u.name, u.balance, u.version]);
  }],
  ['query-builder', async () => {
    const a = await posts.createQueryBuilder('p').leftJoinAndSelect('p.author', 'u').leftJoinAndSelect('p.categories', 'c')
      .where('u.email = :email', { email: 'ann@example.com' }).andWhere('p.views >= :v', { v: 0 }).orderBy('p.id', 'DESC').skip(0).take(10).getMany();
    const b = await users.createQueryBuilder('u').select('u.role', 'role').addSelect('COUNT(*)', 'n').groupBy('u.role').orderBy('role').getRawMany();
    await users.createQueryBuilder().update().set({ active: false }).where('id = :id', { id: 2 }).execute();
    await ds.createQueryBuilder().insert().into('Category').values([{ name: 'qb1' }, { name: 'qb2' }]).orIgnore().execute();
    const n = await users.createQueryBuilder('u').where('u.id IN (:...ids)', { ids: [1, 2, 3] }).getCount();
    return { a: a.map((x) => x.id), b, n };
  }],
  ['transactions', async () => {
    await ds.transaction(async (m) => {
      const u = await m.save('User', { email: 'tx@example.com' });
      await m.save('Post', { title: 'tx', author: u });
      await m.getRepository('User').createQueryBuilder('u').setLock('pessimistic_write').where('u.id = :id', { id: u.id }).getOne();
    });
    await ds.transaction('READ COMMITTED', async (m) => { await m.query('SELECT 1'); });
    const qr = ds.createQueryRunner();
    await qr.connect(); await qr.startTransaction();
    await qr.manager.save('User', { email: 'rb@example.com' });
    await qr.rollbackTransaction(); await qr.release();
    return { users: await users.count() };
  }],
  ['raw-and-introspection', async () => {
    const raw = await ds.query('SELECT id, email FROM to_users WHERE id = ?', [ann.id]);
    const qr = ds.createQueryRunner();
    try {
      const has = await qr.hasTable('to_users');
      const table = await qr.getTable('to_posts');
      return { raw, has, columns: table.columns.map((c) => `${c.name}:${c.type}`), fks: table.foreignKeys.length };
    } finally { await qr.release(); }
  }],
  ['drop-tables', async () => {
    const qr = ds.createQueryRunner();
    for (const t of ['to_post_categories', 'to_posts', 'to_categories', 'to_users']) await qr.dropTable(t, true);
    await qr.release();
    await ds.destroy();
  }],
]);
