// Knex migration copied from the client-traces scripts (CommonJS: knex loads .cjs).
exports.up = async (knex) => {
  await knex.schema.createTable('kx_users', (t) => {
    t.increments('id');
    t.string('email', 191).notNullable().unique();
    t.string('name');
    t.enu('role', ['admin', 'member']).defaultTo('member');
    t.decimal('balance', 12, 2).defaultTo(0);
    t.boolean('active').defaultTo(true);
    t.json('profile');
    t.uuid('ext_id');
    t.timestamps(true, true);           // created_at / updated_at DEFAULT CURRENT_TIMESTAMP
    t.index(['name'], 'kx_users_name_idx');
  });
  await knex.schema.createTable('kx_posts', (t) => {
    t.bigIncrements('id');
    t.integer('user_id').unsigned().notNullable().references('id').inTable('kx_users').onDelete('CASCADE');
    t.string('title', 200).notNullable();
    t.text('body');
    t.datetime('published_at', { precision: 3 });
    t.integer('views').unsigned().defaultTo(0);
    t.index(['user_id', 'published_at']);
    t.index(['views']);
  });
};
exports.down = async (knex) => { await knex.schema.dropTable('kx_posts'); await knex.schema.dropTable('kx_users'); };
