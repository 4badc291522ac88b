import { randomBytes } from 'node:crypto';
import { openDatabase } from '@careernexus/db';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { timedRequest } from './support/load.js';
import { createDatabase, dropDatabase, postgresUrl } from './support/postgres.js';
import { startTestServer, type TestServer } from './support/test-server.js';

// A statement held up past `statement_timeout` (here by a lock another session keeps) is
// cancelled, and its request answered 503 with Retry-After rather than left waiting. A
// PostgreSQL matter, so both projects run it on PostgreSQL, as faults-database.test.ts does.
const TIMEOUT_MS = 300;
const database = `cn_timeout_${randomBytes(4).toString('hex')}`;
let server: TestServer;

beforeAll(async () => {
  // An empty database: the server migrates it at start, which the timeout must not cut short.
  await createDatabase(database);
  const handle = await openDatabase({ url: postgresUrl(database), poolSize: 2, statementTimeoutMs: TIMEOUT_MS });
  server = await startTestServer({ LOG_LEVEL: 'silent' }, { handle, drop: () => dropDatabase(database) });
}, 60_000);

afterAll(async () => {
  if (server) await server.close();
  else await dropDatabase(database);
});

/** Runs `body` while another session holds `countries` locked against every reader. */
async function whileCountriesLocked<T>(body: () => Promise<T>): Promise<T> {
  const locker = new pg.Client({ connectionString: postgresUrl(database) });
  await locker.connect();
  try {
    await locker.query('begin');
    await locker.query('lock table countries in access exclusive mode');
    return await body();
  } finally {
    await locker.query('rollback').catch(() => {});
    await locker.end();
  }
}

// A request stuck for good shows as 'timeout' rather than as a test that never ends.
const timed = (path: string) => timedRequest(server.url, 'GET', path, { timeoutMs: 5_000 });

it('migrates a new database at start even when no statement may run 1 ms: migrations are exempt', async () => {
  const name = `cn_timeout_${randomBytes(4).toString('hex')}`;
  await createDatabase(name);
  const handle = await openDatabase({ url: postgresUrl(name), poolSize: 1, statementTimeoutMs: 1 });
  const strict = await startTestServer({ LOG_LEVEL: 'silent' }, { handle, drop: () => dropDatabase(name) });
  await strict.close();
});

it('serves as usual below the timeout', async () => {
  const { status, body } = await timed('/info/country-permit/');
  expect(status).toBe(200);
  expect(Array.isArray(body) ? body.length : 0).toBeGreaterThan(100);
});

it('answers 503 with Retry-After, on REST and /trpc, when a statement outlives the timeout; then serves again', async () => {
  await whileCountriesLocked(async () => {
    const rest = await timed('/info/country-permit/');
    expect(rest.status).toBe(503);
    expect(rest.headers?.get('retry-after')).toBe('5');
    expect(rest.body).toEqual({ detail: expect.any(String), message: rest.body.detail });
    expect(rest.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(rest.ms).toBeLessThan(5_000);

    const trpc = await timed(`/trpc/info.countries?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`);
    expect(trpc.status).toBe(503);
    expect(trpc.headers?.get('retry-after')).toBe('5');
    expect(trpc.body.error.json).toMatchObject({ message: rest.body.detail, data: { code: 'SERVICE_UNAVAILABLE', httpStatus: 503 } });
    expect(trpc.body.error.json.data).not.toHaveProperty('stack');
    // Nothing of the cancelled statement reaches the client.
    expect(JSON.stringify([rest.body, trpc.body])).not.toMatch(/statement|cancel|57014|lock/i);
  });
  const after = await timed('/info/country-permit/');
  expect(after.status).toBe(200);
});
