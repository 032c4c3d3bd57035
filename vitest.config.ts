import { defineConfig } from 'vitest/config';

// Unit and integration tests sit beside the code they cover (*.test.ts). Conformance suites that
// need MariaDB, the mysql CLI or sysbench are named *.conformance.ts and run by
// `npm run conformance`.
export default defineConfig({
  test: {
    include: ['{server,engine,storage,conformance}/**/*.test.ts'],
    exclude: ['dist/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
