import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createClient,
  describeClientError,
  follow,
  uploadMedia,
  type ClientErrorInfo,
  type ClientOptions,
  type FollowStatus,
} from '@careernexus/sdk';
import S3rver from 's3rver';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, type Mailbox } from './support/mailbox.js';
import { PASSWORD, signUp, uniqueEmail } from './support/flows.js';
import { useServer } from './support/fixture.js';
import { restClient } from './support/http.js';
import { waiter } from './support/wait.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { NOT_AN_IMAGE, PNG_1x1 } from './support/samples.js';
import { startTcpProxy } from './support/tcp-proxy.js';

const hostAndPort = (url: string) => ({ host: new URL(url).hostname, port: Number(new URL(url).port) });

const t = useServer();
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Both signup steps through the SDK, the code read from the mailbox; a client signed in as the new user. */
async function sdkUser(url: string, mailbox: Mailbox, options: Partial<ClientOptions> = {}) {
  const email = uniqueEmail('sdk');
  const anonymous = createClient({ url });
  expect(await anonymous.auth.signup.mutate({ email, password1: PASSWORD, password2: PASSWORD })).toEqual({ status: 'Otp sent' });
  const { otp } = codeOf(await mailbox.waitFor(email, 'Verify your Email'));
  const created = await anonymous.auth.signup.mutate({ email, password1: PASSWORD, password2: PASSWORD, otp });
  if (!('access' in created)) throw new Error('expected tokens');
  const tokens = { access: created.access, refresh: created.refresh };
  const client = createClient({
    url,
    WebSocket: WebSocket as never,
    getAccessToken: () => tokens.access,
    refreshToken: () => tokens.refresh,
    onTokens: (renewed) => Object.assign(tokens, renewed),
    ...options,
  });
  const me = await client.auth.me.query();
  return { email, id: me.id, tokens, client };
}

/** Follows a subscription, collecting its events and statuses, until the test ends. */
function collect<T>(
  subscription: (handlers: {
    onEvent: (data: T, id: string) => void;
    onStatus: (status: FollowStatus) => void;
    onError: (error: ClientErrorInfo) => void;
  }) => { unsubscribe(): void },
) {
  const events: Array<{ id: string; data: T }> = [];
  const statuses: FollowStatus[] = [];
  const errors: ClientErrorInfo[] = [];
  const arrivals = waiter();
  const handle = subscription({
    onEvent: (data, id) => {
      events.push({ id, data });
      arrivals.nudge();
    },
    onStatus: (status) => {
      statuses.push(status);
      arrivals.nudge();
    },
    onError: (error) => {
      errors.push(error);
      arrivals.nudge();
    },
  });
  cleanups.push(() => handle.unsubscribe());
  return {
    events,
    statuses,
    errors,
    stop: () => handle.unsubscribe(),
    until: (count: number) =>
      arrivals.until(
        () => (events.length >= count ? events : undefined),
        10_000,
        () => `${events.length} of ${count} events arrived; errors: ${JSON.stringify(errors)}`,
      ),
    /**
     * Live, and a moment more: the server confirms a subscription once its generator exists, and
     * the generator listens to the event bus as it starts running.
     */
    live: async () => {
      await arrivals.until(
        () => (statuses.at(-1) === 'live' ? true : undefined),
        10_000,
        () => `not live: ${statuses.join()} ${JSON.stringify(errors)}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 150));
    },
  };
}

it('signs up and reads the signed-in account through the SDK, attaching the access token', async () => {
  // Read by the client on every call; set once signed up.
  const session: { token?: string } = {};
  const client = createClient({ url: `${t.server.url}/`, getAccessToken: () => session.token });
  const email = uniqueEmail('sdk');
  await client.auth.signup.mutate({ email, password1: PASSWORD, password2: PASSWORD });
  const { otp } = codeOf(await t.mailbox.waitFor(email));
  const created = await client.auth.signup.mutate({ email, password1: PASSWORD, password2: PASSWORD, otp });
  if (!('access' in created)) throw new Error('expected tokens');
  session.token = created.access;
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
  expect(describeClientError(unauthenticated)).toEqual({
    code: 'UNAUTHORIZED',
    message: 'Authentication credentials were not provided.',
    fields: {},
    status: 401,
  });
  const proxy = await startTcpProxy(hostAndPort(t.server.url));
  await proxy.cut();
  const offline = await createClient({ url: proxy.url('http') })
    .auth.me.query()
    .catch((e: unknown) => e);
  expect(describeClientError(offline)).toEqual({ code: 'NETWORK_ERROR', message: 'The server could not be reached.', fields: {} });
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
  const shortLived = await startTestServer({ SMTP_URL: t.mailbox.url, ACCESS_TOKEN_TTL: '3s' });
  try {
    const { email } = await signUp(restClient(shortLived.url), t.mailbox);
    let tokens = (await restClient(shortLived.url).post('/user/signin/', { email, password: PASSWORD })).body as {
      access: string;
      refresh: string;
    };
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
    // Expired: tokens carry whole seconds, so a 3 s one lasts 2 to 3 s (1 s ones could expire before their first use).
    await new Promise((resolve) => setTimeout(resolve, 3_100));
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
    await waiter().until(
      () => (received.length ? received : undefined),
      5_000,
      () => 'no notification arrived',
    );
    expect(received[0]).toMatchObject({ type: 'follow' });
  } finally {
    subscription.unsubscribe();
  }
});

it('goes end to end through the SDK: sign up, post, comment, a chat message and a notification arrive live', async () => {
  const alice = await sdkUser(t.server.url, t.mailbox);
  const bob = await sdkUser(t.server.url, t.mailbox);
  const aliceNotifications = collect<Record<string, unknown>>((handlers) => follow(alice.client.notifications.onNotification, handlers));
  const bobChat = collect<{ message: string; user_id: number }>((handlers) => follow(bob.client.chat.onMessage, handlers));
  await Promise.all([aliceNotifications.live(), bobChat.live()]);

  const post = await alice.client.posts.create.mutate({ body: 'Shipping the SDK today' });
  expect(post).toMatchObject({ body: 'Shipping the SDK today' });
  const comment = await bob.client.posts.comment.mutate({ post: post.post_id, body: 'Congratulations!' });
  const [notification] = await aliceNotifications.until(1);
  expect(notification!.data).toMatchObject({ type: 'comment', post_id: post.post_id });

  const sent = await alice.client.chat.send.mutate({ user_id: bob.id, message: 'Thanks, Bob' });
  const [message] = await bobChat.until(1);
  expect(message).toEqual({ id: String(sent.message_id), data: sent });
  expect(message!.data).toMatchObject({ user_id: alice.id, message: 'Thanks, Bob' });

  const comments = await alice.client.posts.comments.query({ post_id: String(post.post_id) });
  expect(JSON.stringify(comments)).toContain('Congratulations!');
  expect(comment).toBeDefined();
});

it('connects, opens a chat and reads it oldest first, and lists notifications, in the web client’s shapes, typed', async () => {
  const alice = await sdkUser(t.server.url, t.mailbox);
  const bob = await sdkUser(t.server.url, t.mailbox);
  const request = await alice.client.network.request.mutate({ connection: bob.id });
  const pending = await bob.client.network.pending.query();
  expect(pending).toMatchObject({
    count: 1,
    pending_requests: [{ id: request.id, connection: { user_id: alice.id, user_type: 'learner' } }],
  });
  await expect(alice.client.chat.initiate.mutate({ user: bob.id })).rejects.toMatchObject({
    data: { body: { user: ['You are yet to connect with this user.'] } },
  });
  await bob.client.network.answer.mutate({ connection_id: pending.pending_requests[0]!.id, status: 'Accept' });

  const { chat_id, contributor } = await alice.client.chat.initiate.mutate({ user: bob.id });
  expect(contributor.id).toBe(bob.id);
  await alice.client.chat.send.mutate({ user_id: bob.id, message: 'first' });
  await alice.client.chat.send.mutate({ user_id: bob.id, message: 'second' });
  const [room] = await bob.client.chat.rooms.query();
  expect(room).toMatchObject({ chat_id, last_message: 'second', unread: 2 });
  expect(room!.last_message_at).toBeInstanceOf(Date);
  const messages = await bob.client.chat.conversation.query({ chat_id });
  expect(messages.map((message) => message.message)).toEqual(['first', 'second']);

  const inbox = await alice.client.notifications.inbox.query({});
  expect(inbox.results[0]).toMatchObject({ page: 'Network', route: null, obj_id: null, timestamp: expect.any(Date) });
  await alice.client.notifications.clear.mutate();
  expect((await alice.client.notifications.inbox.query({})).count).toBe(0);
});

it('finds, saves and reads mentors through the SDK, typed', async () => {
  const mentor = await sdkUser(t.server.url, t.mailbox);
  await mentor.client.profile.setIndustry.mutate({ industry: 'media', user_type: 'mentor' });
  await mentor.client.profile.update.mutate({
    first_name: 'Mentora',
    technical_skills: ['Editing'],
    years_of_experience: 9,
    session_rate: 25,
  });
  const learner = await sdkUser(t.server.url, t.mailbox);
  const found = await learner.client.mentors.search.query({ skills: 'editing', experience_level: 'senior' });
  expect(found.results.map((card) => card.id)).toEqual([mentor.id]);
  const saved = await learner.client.mentors.save.mutate({ mentor: mentor.id });
  expect(saved.saved).toMatchObject({ id: mentor.id, first_name: 'Mentora', session_rate: '25USD', rating: 0, is_saved: true });
  const list: Array<{ saved: { id: number } }> = await learner.client.mentors.saved.query();
  expect(list.map((item) => item.saved.id)).toEqual([mentor.id]);
  await expect(learner.client.profile.update.mutate({ technical_skills: ['x'] })).rejects.toMatchObject({
    data: { body: { technical_skills: ['Only mentors have this field.'] } },
  });
});

it('sends a call that asks for it on its own instead of in a batch', async () => {
  const alice = await sdkUser(t.server.url, t.mailbox);
  const requested: string[] = [];
  const client = createClient({
    url: t.server.url,
    getAccessToken: () => alice.tokens.access,
    fetch: (input, init) => {
      requested.push(new URL(String(input instanceof Request ? input.url : input)).pathname);
      return fetch(input, init);
    },
  });
  await Promise.all([client.auth.me.query(), client.profile.completion.query()]);
  expect(requested).toEqual(['/trpc/auth.me,profile.completion']);
  requested.length = 0;
  await Promise.all([client.auth.me.query(undefined, { context: { skipBatch: true } }), client.profile.completion.query()]);
  expect(requested.sort()).toEqual(['/trpc/auth.me', '/trpc/profile.completion']);
});

it('resumes a subscription after the connection is lost, without losing or repeating a message', async () => {
  const proxy = await startTcpProxy(hostAndPort(t.server.url));
  cleanups.push(() => proxy.close());
  const alice = await sdkUser(t.server.url, t.mailbox);
  const bob = await sdkUser(proxy.url('http'), t.mailbox, { reconnectDelayMs: (attempt) => (attempt === 0 ? 0 : 300) });
  const chat = collect<{ message: string }>((handlers) => follow(bob.client.chat.onMessage, handlers));
  await chat.live();

  await alice.client.chat.send.mutate({ user_id: bob.id, message: 'one' });
  await chat.until(1);
  await proxy.cut();
  // Sent while Bob is offline: delivered when his client reconnects and resumes after 'one'.
  await alice.client.chat.send.mutate({ user_id: bob.id, message: 'two' });
  await new Promise((resolve) => setTimeout(resolve, 500));
  await proxy.restore();
  await chat.until(2);
  await chat.live();
  await alice.client.chat.send.mutate({ user_id: bob.id, message: 'three' });
  await chat.until(3);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(chat.events.map((event) => event.data.message)).toEqual(['one', 'two', 'three']);
  expect(chat.statuses).toEqual(['connecting', 'live', 'connecting', 'live']);
  expect(chat.errors).toEqual([]);
});

it('resumes from an event id kept from an earlier session', async () => {
  const alice = await sdkUser(t.server.url, t.mailbox);
  const bob = await sdkUser(t.server.url, t.mailbox);
  let kept: string | undefined;
  const first = collect<{ message: string }>((handlers) => {
    const following = follow(bob.client.chat.onMessage, handlers);
    return { unsubscribe: () => ((kept = following.lastEventId), following.unsubscribe()) };
  });
  await first.live();
  await alice.client.chat.send.mutate({ user_id: bob.id, message: 'seen' });
  await first.until(1);
  first.stop(); // Bob closes the app, keeping the last id
  expect(kept).toBe(first.events[0]!.id);

  await alice.client.chat.send.mutate({ user_id: bob.id, message: 'missed' });
  const later = createClient({ url: t.server.url, WebSocket: WebSocket as never, getAccessToken: () => bob.tokens.access });
  const second = collect<{ message: string }>((handlers) => follow(later.chat.onMessage, { ...handlers, after: kept }));
  await second.until(1);
  await second.live();
  await alice.client.chat.send.mutate({ user_id: bob.id, message: 'live again' });
  await second.until(2);
  expect(second.events.map((event) => event.data.message)).toEqual(['missed', 'live again']);
});

it('renews an expired token when the server refuses to resume a subscription with it, and resumes', async () => {
  const shortLived = await startTestServer({ SMTP_URL: t.mailbox.url, ACCESS_TOKEN_TTL: '3s' });
  cleanups.push(() => shortLived.close());
  const proxy = await startTcpProxy(hostAndPort(shortLived.url));
  cleanups.push(() => proxy.close());
  const alice = await sdkUser(shortLived.url, t.mailbox);
  const bob = await sdkUser(proxy.url('http'), t.mailbox, { reconnectDelayMs: (attempt) => (attempt === 0 ? 0 : 300) });
  const firstAccess = bob.tokens.access;
  const chat = collect<{ message: string }>((handlers) => follow(bob.client.chat.onMessage, handlers));
  await chat.live();
  await alice.client.chat.send.mutate({ user_id: bob.id, message: 'before' });
  await chat.until(1);

  // Bob's access token expires (3 s: long enough for a loaded machine to use a fresh one; whole seconds).
  await new Promise((resolve) => setTimeout(resolve, 3_200));
  await proxy.cut();
  await alice.client.chat.send.mutate({ user_id: bob.id, message: 'while away' }); // Alice's client renews hers
  await proxy.restore();
  await chat.until(2);
  expect(chat.events.map((event) => event.data.message)).toEqual(['before', 'while away']);
  expect(bob.tokens.access).not.toBe(firstAccess);
  expect(chat.errors).toEqual([]);
});

const MAX_IMAGE_BYTES = 4096;

describe.each(['local', 's3'] as const)('uploads through the SDK on %s storage', (storage) => {
  let server: TestServer;
  let s3: { server: S3rver; dir: string } | undefined;

  beforeAll(async () => {
    let env: Record<string, string> = {};
    if (storage === 's3') {
      const dir = mkdtempSync(join(tmpdir(), 'cn-sdk-s3rver-'));
      const s3server = new S3rver({
        port: 0,
        address: '127.0.0.1',
        silent: true,
        directory: dir,
        configureBuckets: [{ name: 'media', configs: [] }],
      });
      const { port } = (await s3server.run()) as { port: number };
      s3 = { server: s3server, dir };
      env = { S3_BUCKET: 'media', S3_ENDPOINT: `http://127.0.0.1:${port}`, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
    }
    server = await startTestServer({ SMTP_URL: t.mailbox.url, MAX_IMAGE_BYTES: String(MAX_IMAGE_BYTES), ...env });
  });
  afterAll(async () => {
    await server?.close();
    await s3?.server.close();
    if (s3) rmSync(s3.dir, { recursive: true, force: true });
  });

  it('uploads a photo and sets it on the profile by its URL', async () => {
    const { client } = await sdkUser(server.url, t.mailbox);
    const photo = await uploadMedia(client, { body: new Blob([new Uint8Array(PNG_1x1)], { type: 'image/png' }) });
    expect(photo.url).toMatch(/\.png$/);
    const stored = await fetch(photo.url);
    expect(Buffer.from(await stored.arrayBuffer()).equals(PNG_1x1)).toBe(true);
    const profile = await client.profile.update.mutate({ profile_photo: photo.url });
    expect(profile.profile_photo).toBe(photo.url);
    const post = await client.posts.create.mutate({
      body: 'With a picture',
      pic1: (await uploadMedia(client, { body: PNG_1x1, contentType: 'image/png' })).url,
    });
    expect(post.pic1).toMatch(/\.png$/);
  });

  it('refuses a file larger than the limit before sending it, and one that is not what it claims', async () => {
    const { client } = await sdkUser(server.url, t.mailbox);
    const tooLarge = await uploadMedia(client, { body: new Uint8Array(MAX_IMAGE_BYTES + 1), contentType: 'image/png' }).catch(
      (e: unknown) => e,
    );
    expect(describeClientError(tooLarge)).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'file: the file is larger than 0 MB.',
      fields: { file: ['The file is larger than 0 MB.'] },
      status: 413,
    });

    const text = await uploadMedia(client, { body: NOT_AN_IMAGE, contentType: 'image/png' })
      .then((uploaded) => client.profile.update.mutate({ profile_photo: uploaded.url }))
      .catch((e: unknown) => e);
    // This server checks the bytes as they arrive; S3 takes them, and the server refuses them when they are used.
    expect(describeClientError(text)).toEqual(
      storage === 'local'
        ? {
            code: 'BAD_REQUEST',
            message: 'file: upload an image (JPEG, PNG, WebP or GIF).',
            fields: { file: ['Upload an image (JPEG, PNG, WebP or GIF).'] },
            status: 400,
          }
        : {
            code: 'BAD_REQUEST',
            message: 'profile_photo: upload an image (JPEG, PNG, WebP or GIF).',
            fields: { profile_photo: ['Upload an image (JPEG, PNG, WebP or GIF).'] },
            status: 400,
          },
    );
  });
});
