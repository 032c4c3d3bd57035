// Drizzle schema copied from the client-traces scripts (CommonJS, loaded by drizzle-kit and drizzle.mjs).
const { mysqlTable, int, bigint, varchar, text, decimal, boolean, json, datetime, timestamp, mysqlEnum, index, uniqueIndex } = require('drizzle-orm/mysql-core');
const { relations, sql } = require('drizzle-orm');
const users = mysqlTable('dz_users', {
  id: int('id').autoincrement().primaryKey(),
  email: varchar('email', { length: 191 }).notNull(),
  name: varchar('name', { length: 100 }),
  role: mysqlEnum('role', ['admin', 'member']).default('member').notNull(),
  balance: decimal('balance', { precision: 12, scale: 2 }).default('0'),
  active: boolean('active').default(true),
  profile: json('profile'),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).default(sql`CURRENT_TIMESTAMP(3)`),
}, (t) => [uniqueIndex('dz_users_email_uq').on(t.email), index('dz_users_name_idx').on(t.name)]);
const posts = mysqlTable('dz_posts', {
  id: bigint('id', { mode: 'number' }).autoincrement().primaryKey(),
  userId: int('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  title: varchar('title', { length: 200 }).notNull(),
  body: text('body'),
  publishedAt: timestamp('published_at', { fsp: 3 }),
});
const usersRelations = relations(users, ({ many }) => ({ posts: many(posts) }));
const postsRelations = relations(posts, ({ one }) => ({ author: one(users, { fields: [posts.userId], references: [users.id] }) }));
module.exports = { users, posts, usersRelations, postsRelations };
