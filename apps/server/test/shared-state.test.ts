import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from './support/flows.js';
import { freePort } from './support/ports.js';
import { restClient } from './support/http.js';
import { startProcessGroup, type ProcessGroup, signUpThroughOutbox } from './support/processes.js';
import { startTestServer } from './support/test-server.js';

// Two API processes sharing PostgreSQL and Redis: a rate limit counts the requests of both, and a
// sign-out through one is refused by the other on the very next request, though each remembers
// accounts for a minute here (AUTH_MEMO_SECONDS=60).
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LIMIT = 30;
let group: ProcessGroup;

beforeAll(async () => {
  group = await startProcessGroup(2, {
    REDIS_URL,
    REDIS_PREFIX: `cn-test-${randomBytes(4).toString('hex')}`,
    AUTH_RATE_LIMIT: String(LIMIT),
    AUTH_MEMO_SECONDS: '60',
    SMTP_URL: undefined,
  });
}, 120_000);

afterAll(() => group?.stop());

it(`refuses sign-ins past AUTH_RATE_LIMIT=${LIMIT} counted over both processes, not per process`, async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 2 * LIMIT; i++) {
    const api = restClient(group.urls[i % 2]!);
    statuses.push((await api.post('/user/signin/', { email: uniqueEmail(`limit${i}`), password: PASSWORD })).status);
  }
  // Wrong credentials (400) until the shared count reaches the limit, then 429 on both processes.
  expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(400));
  expect(statuses.slice(LIMIT)).toEqual(Array(LIMIT).fill(429));
});

it('refuses a token signed out through process A on its very next request to process B', async () => {
  const onA = restClient(group.urls[0]!);
  const onB = restClient(group.urls[1]!);
  const { access, refresh } = await signUpThroughOutbox(onA, group.dirs[0]!, 'revoke');

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
