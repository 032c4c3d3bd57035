// drizzle-kit config: HOST/PORT/DBUSER/PASSWORD/DB environment variables (set by the runner).
// drizzle-kit rejects an empty password, so an empty one is left out.
const password = process.env.PASSWORD || '';
module.exports = {
  dialect: 'mysql',
  schema: './schema.cjs',
  dbCredentials: {
    host: process.env.HOST || '127.0.0.1',
    port: Number(process.env.PORT || 3306),
    user: process.env.DBUSER || 'root',
    ...(password === '' ? {} : { password }),
    database: process.env.DB || 'appdb',
  },
  tablesFilter: ['dz_*'],
};
