import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from './support/flows.js';
import { restClient } from './support/http.js';
import { freePort } from './support/ports.js';
import { createDatabase, dropDatabase, postgresUrl } from './support/postgres.js';
import { outboxCode, startServerProcess, type ServerProcess } from './support/processes.js';
import { startTestServer } from './support/test-server.js';

// Two API processes sharing PostgreSQL and Redis: a rate limit counts the requests of both, and a
// sign-out through one is refused by the other on the very next request, though each remembers
// accounts for a minute here (AUTH_MEMO_SECONDS=60).
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LIMIT = 30;
const database = `cn_shared_${randomBytes(4).toString('hex')}`;
const dirs = [mkdtempSync(join(tmpdir(), 'cn-shared-a-')), mkdtempSync(join(tmpdir(), 'cn-shared-b-'))];
const processes: ServerProcess[] = [];
const urls: string[] = [];

beforeAll(async () => {
  await createDatabase(database);
  const shared = {
    ...process.env,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DATABASE_URL: postgresUrl(database),
    REDIS_URL,
    REDIS_PREFIX: `cn-test-${randomBytes(4).toString('hex')}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    AUTH_RATE_LIMIT: String(LIMIT),
    AUTH_MEMO_SECONDS: '60',
  } as Record<string, string>;
  delete shared.SMTP_URL;
  for (const dir of dirs) {
    const port = await freePort();
    // One after the other: the first one migrates the shared database.
    processes.push(await startServerProcess({ ...shared, PORT: String(port), DATA_DIR: dir, PUBLIC_URL: `http://127.0.0.1:${port}` }));
    urls.push(`http://127.0.0.1:${port}`);
  }
}, 120_000);

afterAll(async () => {
  for (const proc of processes) {
    proc.child.kill('SIGTERM');
    await proc.exited;
  }
  await dropDatabase(database);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

it(`refuses sign-ins past AUTH_RATE_LIMIT=${LIMIT} counted over both processes, not per process`, async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 2 * LIMIT; i++) {
    const api = restClient(urls[i % 2]!);
    statuses.push((await api.post('/user/signin/', { email: uniqueEmail(`limit${i}`), password: PASSWORD })).status);
  }
  // Wrong credentials (400) until the shared count reaches the limit, then 429 on both processes.
  expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(400));
  expect(statuses.slice(LIMIT)).toEqual(Array(LIMIT).fill(429));
});

it('refuses a token signed out through process A on its very next request to process B', async () => {
  const onA = restClient(urls[0]!);
  const onB = restClient(urls[1]!);
  const email = uniqueEmail('revoke');
  await onA.request('POST', '/user/signup/', { email, password1: PASSWORD, password2: PASSWORD });
  const created = await onA.post('/user/signup/', {
    email,
    password1: PASSWORD,
    password2: PASSWORD,
    otp: await outboxCode(dirs[0]!, email),
  });
  expect(created.status).toBe(201);
  const { access, refresh } = created.body as { access: string; refresh: string };

  // B reads the account once and remembers it for AUTH_MEMO_SECONDS.
  for (let i = 0; i < 3; i++) expect((await onB.get('/user/me/', { token: access })).status).toBe(200);
  expect((await onA.post('/user/signout/', { refresh }, { token: access })).status).toBe(202);
  expect((await onB.get('/user/me/', { token: access })).status).toBe(401);
  expect((await onA.get('/user/me/', { token: access })).status).toBe(401);
});

it('keeps counting per process, still refusing, when Redis cannot be reached', async () => {
  const closedPort = await freePort();
  const server = await startTestServer({ REDIS_URL: `redis://127.0.0.1:${closedPort}`, AUTH_RATE_LIMIT: '3' });
  try {
    const api = restClient(server.url);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await api.post('/user/signin/', { email: uniqueEmail(`down${i}`), password: PASSWORD })).status);
    expect(statuses).toEqual([400, 400, 400, 429]);
  } finally {
    await server.close();
  }
});
