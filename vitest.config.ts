import { defineConfig } from 'vitest/config';

// Unit and integration tests sit beside the code they cover (*.test.ts). Conformance suites that
// need MariaDB, the mysql CLI or sysbench are named *.conformance.ts and run by
// `npm run conformance`. The 'io-thread' project runs the protocol suites a second time with
// client sockets served from the socket I/O thread (server/io/, --io-thread on).
export default defineConfig({
  test: {
    exclude: ['dist/**', 'node_modules/**'],
    // Three files at once on two cores: most suites wait on sockets, child processes and disk
    // syncs, so a third worker fills the idle time (a full run here: 198 s against 325 s).
    maxWorkers: 3,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'all', include: ['{server,engine,storage,conformance}/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'io-thread',
          include: [
            'server/server.test.ts',
            'server/tls.test.ts',
            'server/walking-skeleton.test.ts',
            'server/transactions.test.ts',
          ],
          env: { BOREALIS_IO_THREAD: 'on' },
        },
      },
    ],
  },
});
