/**
 * Every client runner, in the order the suite runs them (cheap and basic first).
 */
import { mysqlCliRunner } from './mysql-cli.js';
import { mysqldumpRunner } from './mysqldump.js';
import { nodeScriptRunner } from './node-script.js';
import { sysbenchRunner } from './sysbench.js';
import type { ClientRunner } from './types.js';

export const CLIENT_RUNNERS: readonly ClientRunner[] = [
  mysqlCliRunner,
  mysqldumpRunner,
  nodeScriptRunner('mysql2', 'mysql2.mjs'),
  nodeScriptRunner('sequelize', 'sequelize.mjs'),
  nodeScriptRunner('knex', 'knex.mjs'),
  nodeScriptRunner('typeorm', 'typeorm.mjs'),
  nodeScriptRunner('drizzle', 'drizzle.mjs'),
  sysbenchRunner,
];
