// Knex migration copied from the client-traces scripts (CommonJS: knex loads .cjs).
exports.up = async (knex) => {
  await knex.schema.alterTable('kx_users', (t) => {
    t.string('nickname', 40).nullable().after('name');
    t.renameColumn('ext_id', 'external_id');
    t.unique(['name', 'nickname']);
  });
  await knex.schema.alterTable('kx_posts', (t) => {
    t.string('slug', 220).nullable();
    t.string('title', 250).notNullable().alter();
    t.dropIndex(['views']);
  });
  await knex.schema.raw('ALTER TABLE kx_posts ADD FULLTEXT INDEX kx_posts_ft (title)');
};
exports.down = async (knex) => {
  await knex.schema.raw('ALTER TABLE kx_posts DROP INDEX kx_posts_ft');
  await knex.schema.alterTable('kx_posts', (t) => { t.dropColumn('slug'); t.index(['views']); });
  await knex.schema.alterTable('kx_users', (t) => { t.dropUnique(['name', 'nickname']); t.renameColumn('external_id', 'ext_id'); t.dropColumn('nickname'); });
};
