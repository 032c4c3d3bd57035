/**
 * Sequelize v6 (dialect mysql → mysql2), pinned in conformance/package.json: models with
 * associations, sync force/alter, CRUD, include, count, pagination, transactions, raw queries
 * and queryInterface introspection. Adapted from the client-traces script, one step per phase.
 */
import pkg from 'sequelize';
import { assert, cfg, runSteps } from './steps.mjs';

const { Sequelize, DataTypes, Op } = pkg;
const sequelize = new Sequelize(cfg.database, cfg.user, cfg.password, {
  host: cfg.host, port: cfg.port, dialect: 'mysql', logging: false, timezone: '+00:00',
  pool: { max: 3, min: 0, idle: 1000 },
});

const User = sequelize.define('User', {
  id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
  uuid: { type: DataTypes.UUID, defaultValue: DataTypes.UUIDV4, unique: true },
  email: { type: DataTypes.STRING(191), allowNull: false, unique: true },
  name: DataTypes.STRING,
  role: { type: DataTypes.ENUM('admin', 'member'), defaultValue: 'member' },
  balance: { type: DataTypes.DECIMAL(12, 2), defaultValue: 0 },
  active: { type: DataTypes.BOOLEAN, defaultValue: true },
  profile: DataTypes.JSON,
  birthday: DataTypes.DATEONLY,
  lastLogin: DataTypes.DATE(3),
}, { tableName: 'sq_users', indexes: [{ fields: ['name'] }, { fields: ['role', 'active'], name: 'sq_users_role_active' }] });

const Post = sequelize.define('Post', {
  id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
  title: { type: DataTypes.STRING(200), allowNull: false },
  body: DataTypes.TEXT,
  views: { type: DataTypes.INTEGER.UNSIGNED, defaultValue: 0 },
}, { tableName: 'sq_posts', paranoid: true });

const Tag = sequelize.define('Tag', { name: { type: DataTypes.STRING(50), unique: true } }, { tableName: 'sq_tags', timestamps: false });

User.hasMany(Post, { foreignKey: { name: 'userId', allowNull: false }, onDelete: 'CASCADE' });
Post.belongsTo(User, { foreignKey: 'userId' });
Post.belongsToMany(Tag, { through: 'sq_post_tags' });
Tag.belongsToMany(Post, { through: 'sq_post_tags' });

let ann;
const plain = (rows) => rows.map((r) => r.get({ plain: true }));

await runSteps([
  ['authenticate', async () => { await sequelize.authenticate(); }],
  ['raw-select', async () => {
    const [rows] = await sequelize.query('SELECT 1+1 AS result');
    return rows;
  }],
  ['sync-force', async () => { await sequelize.sync({ force: true }); }],
  ['sync-alter', async () => {
    User.rawAttributes.nickname = { type: DataTypes.STRING(40), allowNull: true };
    User.refreshAttributes();
    await sequelize.sync({ alter: true });
  }],
  ['create', async () => {
    ann = await User.create({ email: 'ann@example.com', name: 'Ann', role: 'admin', profile: { theme: 'dark' }, birthday: '1990-05-06', lastLogin: new Date('2024-01-02T03:04:05.678Z') });
    assert.equal(ann.id, 1);
    return { id: ann.id };
  }],
  ['bulk-create-and-associations', async () => {
    await User.bulkCreate([{ email: 'bob@example.com', name: 'Bob' }, { email: 'cy@example.com', name: 'Cy', balance: '10.50' }]);
    const tags = await Tag.bulkCreate([{ name: 'db' }, { name: 'ts' }]);
    const p1 = await Post.create({ title: 'Hello', body: 'first', userId: ann.id });
    await Post.bulkCreate([1, 2, 3, 4, 5].map((i) => ({ title: 'Post ' + i, userId: ann.id })));
    await p1.addTags(tags);
    return { posts: await Post.count() };
  }],
  ['find', async () => {
    const a = await User.findByPk(ann.id, { attributes: ['id', 'email', 'role', 'balance', 'active', 'birthday'] });
    const b = await User.findOne({ where: { email: { [Op.like]: '%bob%' } }, attributes: ['id', 'email'] });
    const c = await User.findAll({ where: { [Op.or]: [{ role: 'admin' }, { balance: { [Op.gt]: 5 } }] }, order: [['id', 'DESC']], attributes: ['id', 'email'] });
    return { a: a.get({ plain: true }), b: b.get({ plain: true }), c: plain(c) };
  }],
  ['find-include', async () => {
    const users = await User.findAll({ include: [{ model: Post, include: [Tag] }], order: [['id', 'ASC']] });
    const posts = await Post.findAll({ include: [{ model: User, where: { active: true } }], limit: 2, offset: 1, order: [['id', 'ASC']] });
    return { users: users.map((u) => [u.id, u.Posts.length]), posts: posts.map((p) => [p.id, p.User.email]) };
  }],
  ['count-and-aggregates', async () => {
    const n = await Post.count({ where: { userId: ann.id } });
    const d = await User.count({ include: [Post], distinct: true, col: 'id' });
    const page = await Post.findAndCountAll({ where: { title: { [Op.startsWith]: 'Post' } }, limit: 2, offset: 2, order: [['id', 'ASC']] });
    const max = await Post.max('views');
    const sum = await Post.sum('views');
    const byRole = await User.findAll({ attributes: ['role', [sequelize.fn('COUNT', sequelize.col('id')), 'n']], group: ['role'], order: [['role', 'ASC']], raw: true });
    return { n, d, count: page.count, page: page.rows.map((p) => p.id), max, sum, byRole };
  }],
  ['update-upsert-destroy', async () => {
    await User.update({ name: 'Bobby' }, { where: { email: 'bob@example.com' } });
    ann.balance = '99.99'; await ann.save();
    await Post.increment('views', { by: 2, where: { id: 1 } });
    await User.upsert({ id: ann.id, email: 'ann@example.com', name: 'Ann U' });
    await Tag.findOrCreate({ where: { name: 'new' } });
    await Post.destroy({ where: { title: 'Post 5' } });
    await Post.restore({ where: { title: 'Post 5' } });
    await Post.destroy({ where: { title: 'Post 4' }, force: true });
    const users = await User.findAll({ attributes: ['id', 'name', 'balance'], order: [['id', 'ASC']], raw: true });
    return users;
  }],
  ['transactions', async () => {
    await sequelize.transaction(async (t) => {
      const u = await User.create({ email: 'tx@example.com', name: 'Tx' }, { transaction: t });
      await Post.create({ title: 'in tx', userId: u.id }, { transaction: t });
      await User.findOne({ where: { id: u.id }, lock: t.LOCK.UPDATE, transaction: t });
    });
    const t2 = await sequelize.transaction({ isolationLevel: Sequelize.Transaction.ISOLATION_LEVELS.READ_COMMITTED });
    await User.create({ email: 'rb@example.com' }, { transaction: t2 });
    await t2.rollback();
    let uniqueError = '';
    try {
      await sequelize.transaction(async (t) => { await User.create({ email: 'ann@example.com' }, { transaction: t }); });
    } catch (e) { uniqueError = e.name; }
    assert.equal(uniqueError, 'SequelizeUniqueConstraintError');
    return { users: await User.count(), uniqueError };
  }],
  ['raw-replacements', async () => {
    const a = await sequelize.query('SELECT id, email FROM sq_users WHERE role = :role ORDER BY id', { replacements: { role: 'admin' }, type: Sequelize.QueryTypes.SELECT });
    const b = await sequelize.query('SELECT ? AS x', { replacements: ['y'], type: Sequelize.QueryTypes.SELECT });
    return { a, b };
  }],
  ['query-interface', async () => {
    const qi = sequelize.getQueryInterface();
    const tables = (await qi.showAllTables()).sort();
    const described = Object.keys(await qi.describeTable('sq_posts')).sort();
    const indexes = (await qi.showIndex('sq_users')).map((i) => i.name).sort();
    const fks = (await qi.getForeignKeyReferencesForTable('sq_posts')).map((f) => f.referencedTableName);
    return { tables, described, indexes, fks };
  }],
  ['drop', async () => { await sequelize.drop(); await sequelize.close(); }],
]);
