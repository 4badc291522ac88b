import { defineConfig } from 'vitest/config';

/**
 * `pnpm test:soak`: the long runs kept out of `pnpm test`. The soak scenario (a server process on
 * the PostgreSQL server at 127.0.0.1:5432; SOAK_SECONDS, default 600) and the fuzz tests with a
 * larger number of runs (FUZZ_RUNS, default 2000 here), the fuzz tests on both databases.
 */
export default defineConfig({
  test: {
    globalSetup: ['apps/server/test/support/global-setup.ts'],
    env: { FUZZ_RUNS: process.env.FUZZ_RUNS ?? '2000' },
    testTimeout: 30 * 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One file at a time: the soak measures a server that has the machine to itself.
    fileParallelism: false,
    projects: [
      { extends: true, test: { name: 'pglite', include: ['apps/server/test/fuzz*.test.ts'], provide: { databaseKind: 'pglite' } } },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['apps/server/test/fuzz*.test.ts', 'apps/server/soak/**/*.soak.test.ts'],
          provide: { databaseKind: 'postgres' },
        },
      },
    ],
  },
});
