import type { AppRouter } from '@careernexus/api';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import { expect, it } from 'vitest';
import { PASSWORD, signUp, uniqueEmail } from './support/flows.js';
import { restClient } from './support/http.js';
import { useServer } from './support/fixture.js';
import { startTestServer } from './support/test-server.js';

const t = useServer({ AUTH_RATE_LIMIT: '5', RESET_CODE_GUESSES_PER_MINUTE: '4' });

function expectThrottled(response: { status: number; headers: Headers; body: any }) {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60 * 15);
  expect(response.body.detail).toBe(`Request was throttled. Expected available in ${retryAfter} seconds.`);
  expect(response.body.message).toBe(response.body.detail);
}

it('limits sign-in attempts per client IP, on REST and /trpc alike', async () => {
  const attempts = [];
  for (let i = 0; i < 5; i++) attempts.push(await t.api.post('/user/signin/', { email: uniqueEmail(`ip${i}`), password: PASSWORD }));
  expect(attempts.map((r) => r.status)).toEqual([400, 400, 400, 400, 400]);
  expectThrottled(await t.api.post('/user/signin/', { email: uniqueEmail('ip-last'), password: PASSWORD }));

  const trpc = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${t.server.url}/trpc`, transformer: superjson })] });
  const error = await trpc.auth.signin.mutate({ email: uniqueEmail('t'), password: PASSWORD }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TRPCClientError);
  expect((error as TRPCClientError<AppRouter>).data?.httpStatus).toBe(429);
});

it('limits wrong passwords per e-mail, whatever the client', async () => {
  // A server of its own: the first test spent this one's per-IP sign-in budget.
  const other = await startTestServer({ SMTP_URL: t.mailbox.url, SIGNIN_FAILURES_PER_EMAIL: '3' });
  try {
    const client = restClient(other.url);
    const { email: victim } = await signUp(client, t.mailbox);
    for (let i = 0; i < 3; i++) expect((await client.post('/user/signin/', { email: victim, password: 'Wr0ngPass' })).status).toBe(400);
    expectThrottled(await client.post('/user/signin/', { email: victim, password: 'Wr0ngPass' }));
    expect((await client.post('/user/signin/', { email: uniqueEmail('x'), password: 'Wr0ngPass' })).status).toBe(400);
  } finally {
    await other.close();
  }
});

it('limits reset codes guessed without an e-mail across all clients', async () => {
  const statuses = [];
  for (let i = 0; i < 5; i++) statuses.push((await t.api.post('/user/forget-password/', { otp: String(100000 + i) })).status);
  expect(statuses.slice(0, 4)).toEqual([400, 400, 400, 400]);
  expect(statuses[4]).toBe(429);
});
