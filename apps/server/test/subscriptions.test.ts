import type { AppRouter } from '@careernexus/api';
import { createTRPCClient, createWSClient, splitLink, httpBatchLink, wsLink } from '@trpc/client';
import superjson from 'superjson';
import WebSocket from 'ws';
import { afterEach, expect, it } from 'vitest';
import { useServer } from './support/fixture.js';
import { person } from './support/people.js';
import { waiter } from './support/wait.js';

const t = useServer();
const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A TypeScript client: calls over HTTP, subscriptions over /trpc WebSockets with the token in connectionParams. */
function client(token: string) {
  const ws = createWSClient({
    url: `${t.server.url.replace(/^http/, 'ws')}/trpc`,
    WebSocket: WebSocket as never,
    connectionParams: () => ({ token }),
  });
  cleanups.push(() => ws.close());
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink({ client: ws, transformer: superjson }),
        false: httpBatchLink({ url: `${t.server.url}/trpc`, transformer: superjson, headers: { authorization: `Bearer ${token}` } }),
      }),
    ],
  });
}

/**
 * tRPC reports a subscription started once the procedure returned its generator; the generator
 * subscribes to the event bus as it starts running, a moment later.
 */
const subscribed = () => new Promise((resolve) => setTimeout(resolve, 100));

function collect<T>() {
  const items: T[] = [];
  const arrivals = waiter();
  return {
    items,
    push(item: T) {
      items.push(item);
      arrivals.nudge();
    },
    until: (count: number, timeoutMs = 5_000) =>
      arrivals.until(
        () => (items.length >= count ? items : undefined),
        timeoutMs,
        () => `only ${items.length} of ${count} events arrived`,
      ),
  };
}

it('delivers notifications to a subscription and, on resubscribing with lastEventId, what was missed', async () => {
  const [a, b] = [await person(t.api, t.mailbox), await person(t.api, t.mailbox)];
  const bClient = client(b.token);
  const first = collect<{ id: string; data: { type: string; message: string } }>();
  let subscription!: { unsubscribe(): void };
  await new Promise<void>((started) => {
    subscription = bClient.notifications.onNotification.subscribe(undefined, {
      onStarted: () => started(),
      onData: (event) => first.push(event as never),
    });
  });
  cleanups.push(() => subscription.unsubscribe());
  await subscribed();

  await t.api.post('/follow/', { user_following: b.id }, { token: a.token });
  const [followed] = await first.until(1);
  expect(followed!.data).toMatchObject({ type: 'follow', message: 'N/A N/A started following you.' });
  subscription.unsubscribe();

  // While B is away: a like and a comment.
  const post = await t.api.post('/post/', { body: 'Away for a bit' }, { token: b.token });
  await t.api.post('/post/like/', { post: post.body.post_id }, { token: a.token });
  await t.api.post('/post/comment/', { post: post.body.post_id, body: 'Welcome back' }, { token: a.token });

  const resumed = collect<{ id: string; data: { type: string } }>();
  const again = bClient.notifications.onNotification.subscribe(
    { lastEventId: followed!.id },
    { onData: (event) => resumed.push(event as never) },
  );
  cleanups.push(() => again.unsubscribe());
  const missed = await resumed.until(2);
  expect(missed.map((event) => event.data.type)).toEqual(['like', 'comment']);
  expect(Number(missed[0]!.id)).toBeGreaterThan(Number(followed!.id));
});

it('sends a chat message with a mutation and receives it through the chat subscription on both sides', async () => {
  const [a, b] = [await person(t.api, t.mailbox), await person(t.api, t.mailbox)];
  const [aClient, bClient] = [client(a.token), client(b.token)];
  const received = collect<{ id: string; data: { message: string; user_id: number } }>();
  let subscription!: { unsubscribe(): void };
  await new Promise<void>((started) => {
    subscription = bClient.chat.onMessage.subscribe(undefined, {
      onStarted: () => started(),
      onData: (event) => received.push(event as never),
    });
  });
  cleanups.push(() => subscription.unsubscribe());
  await subscribed();

  const sent = await aClient.chat.send.mutate({ user_id: b.id, message: 'Hello over tRPC' });
  expect(sent).toMatchObject({ type: 'chat_message', user_id: a.id, message: 'Hello over tRPC' });
  const [event] = await received.until(1);
  expect(event).toEqual({ id: String(sent.message_id), data: sent });
});

it('refuses a subscription without a valid token', async () => {
  const anonymous = client('not-a-token');
  const error = await new Promise<unknown>((resolve) => {
    const subscription = anonymous.notifications.onNotification.subscribe(undefined, {
      onError: resolve,
      onData: () => resolve(new Error('data')),
    });
    cleanups.push(() => subscription.unsubscribe());
  });
  expect((error as { data?: { code?: string } }).data?.code).toBe('UNAUTHORIZED');
});
