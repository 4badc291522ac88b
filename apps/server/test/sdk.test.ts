import { createClient, describeClientError } from '@careernexus/sdk';
import WebSocket from 'ws';
import { expect, it } from 'vitest';
import { codeOf } from './support/mailbox.js';
import { PASSWORD, signUp, uniqueEmail } from './support/flows.js';
import { useServer } from './support/fixture.js';
import { restClient } from './support/http.js';
import { waiter } from './support/wait.js';
import { startTestServer } from './support/test-server.js';

const t = useServer();

it('signs up and reads the signed-in account through the SDK, attaching the access token', async () => {
  let token: string | undefined;
  const client = createClient({ url: `${t.server.url}/`, getAccessToken: () => token });
  const email = uniqueEmail('sdk');
  await client.auth.signup.mutate({ email, password1: PASSWORD, password2: PASSWORD });
  const { otp } = codeOf(await t.mailbox.waitFor(email));
  const created = await client.auth.signup.mutate({ email, password1: PASSWORD, password2: PASSWORD, otp });
  if (!('access' in created)) throw new Error('expected tokens');
  token = created.access;
  const me = await client.auth.me.query();
  expect(me).toMatchObject({ email, user_type: 'learner', is_admin: false });

  await client.profile.update.mutate({ first_name: 'Grace', bio: 'Compilers' });
  const job = await client.profile.experience.create.mutate({
    title: 'Engineer',
    organization: 'Navy',
    start_date: '1944-01-01',
    location: 'Harvard',
    employment_type: 'onsite',
    detail: 'Mark I',
  });
  expect(job).toMatchObject({ end_date: 'Present', employment_type: 'Onsite' });
  const profile = await client.profile.retrieve.query({});
  expect(profile).toMatchObject({ id: me.id, first_name: 'Grace', bio: 'Compilers', experience: [job] });
});

it('turns refused input into field messages a form can show', async () => {
  const client = createClient({ url: t.server.url });
  const error = await client.auth.signup.mutate({ email: 'bad', password1: 'x', password2: 'y' }).catch((e: unknown) => e);
  expect(describeClientError(error)).toEqual({
    code: 'BAD_REQUEST',
    message: 'email: Enter a valid email address.',
    fields: { email: ['Enter a valid email address.'] },
    status: 400,
  });
  const unauthenticated = await client.auth.me.query().catch((e: unknown) => e);
  expect(describeClientError(unauthenticated)).toMatchObject({ code: 'UNAUTHORIZED', message: 'Authentication credentials were not provided.' });
});

it('knows administrators listed in ADMIN_EMAILS, in any case', async () => {
  const email = uniqueEmail('boss');
  const adminServer = await startTestServer({ SMTP_URL: t.mailbox.url, ADMIN_EMAILS: ` other@example.test , ${email.toUpperCase()}` });
  try {
    const client = createClient({ url: adminServer.url });
    await client.auth.signup.mutate({ email, password1: PASSWORD, password2: PASSWORD });
    const { otp } = codeOf(await t.mailbox.waitFor(email));
    const created = await client.auth.signup.mutate({ email, password1: PASSWORD, password2: PASSWORD, otp });
    if (!('access' in created)) throw new Error('expected tokens');
    const me = await createClient({ url: adminServer.url, getAccessToken: () => created.access }).auth.me.query();
    expect(me.is_admin).toBe(true);
  } finally {
    await adminServer.close();
  }
});

it('renews an expired access token once through the refresh token, tells the app, and retries', async () => {
  const shortLived = await startTestServer({ SMTP_URL: t.mailbox.url, ACCESS_TOKEN_TTL: '1s' });
  try {
    const { email } = await signUp(restClient(shortLived.url), t.mailbox);
    let tokens = (await restClient(shortLived.url).post('/user/signin/', { email, password: PASSWORD })).body as { access: string; refresh: string };
    const told: string[] = [];
    const client = createClient({
      url: shortLived.url,
      getAccessToken: () => tokens.access,
      refreshToken: () => tokens.refresh,
      onTokens: (renewed) => {
        told.push(renewed.access);
        tokens = renewed;
      },
    });
    expect((await client.auth.me.query()).email).toBe(email);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const [a, b] = await Promise.all([client.auth.me.query(), client.profile.completion.query()]);
    expect(a.email).toBe(email);
    expect(b.completion).toBe(0);
    expect(told).toHaveLength(1);
  } finally {
    await shortLived.close();
  }
});

it('subscribes to notifications over a WebSocket with the access token', async () => {
  const alice = await signUp(t.api, t.mailbox);
  const bob = await signUp(t.api, t.mailbox);
  const bobId = (await t.api.get('/user/me/', { token: bob.access })).body.id;
  const client = createClient({ url: t.server.url, getAccessToken: () => bob.access, WebSocket: WebSocket as never });
  const received: Array<{ type: string }> = [];
  let subscription!: { unsubscribe(): void };
  await new Promise<void>((started) => {
    subscription = client.notifications.onNotification.subscribe(undefined, {
      onStarted: () => started(),
      onData: (event) => received.push((event as { data: { type: string } }).data),
    });
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, 100));
    await t.api.post('/follow/', { user_following: bobId }, { token: alice.access });
    await waiter().until(() => (received.length ? received : undefined), 5_000, () => 'no notification arrived');
    expect(received[0]).toMatchObject({ type: 'follow' });
  } finally {
    subscription.unsubscribe();
  }
});
