import net from 'node:net';
import { defineConfig } from 'vitest/config';

const POSTGRES = { host: '127.0.0.1', port: 5432 };

function postgresReachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(POSTGRES, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.setTimeout(1_000, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Every test runs twice: on embedded PGlite and on the PostgreSQL server at 127.0.0.1:5432.
 * Without that server the PostgreSQL run is left out loudly, unless TEST_POSTGRES=required
 * (as in CI), where its absence fails the run.
 */
export default defineConfig(async () => {
  const required = process.env.TEST_POSTGRES === 'required';
  const withPostgres = required || (await postgresReachable());
  if (!withPostgres) console.warn('\n!! PostgreSQL is not reachable at 127.0.0.1:5432: running the PGlite project only.\n');
  // The query-plan test reads PostgreSQL's plans on a 100k-post data set. The others run server
  // processes (or a primary and a replica) of their own, about processes rather than the database,
  // and share one database, which PGlite cannot: PostgreSQL only.
  const postgresOnly = [
    'apps/server/test/list-query-plans.test.ts',
    'apps/server/test/read-replica.test.ts',
    'apps/server/test/weekly-digest.test.ts',
    'apps/server/test/unread-message-mail.test.ts',
    'apps/server/test/shared-state.test.ts',
    'apps/server/test/workers.test.ts',
    'apps/server/test/drain.test.ts',
  ];
  const project = (name: 'pglite' | 'postgres') => ({
    extends: true as const,
    test: { name, provide: { databaseKind: name }, ...(name === 'pglite' ? { exclude: postgresOnly } : {}) },
  });
  // CI asks for a JSON report beside the usual output, to print its own summary line.
  const jsonReport = process.env.VITEST_JSON_REPORT;
  return {
    test: {
      ...(jsonReport ? { reporters: ['default', 'json'], outputFile: { json: jsonReport } } : {}),
      include: ['apps/*/test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
      globalSetup: ['apps/server/test/support/global-setup.ts'],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      pool: 'forks',
      projects: withPostgres ? [project('pglite'), project('postgres')] : [project('pglite')],
    },
  };
});
