import { afterEach, describe, expect, it } from 'vitest';
import { useServer } from './support/fixture.js';
import { person, type Person } from './support/people.js';
import { openSocket, wsUrl, type TestSocket } from './support/sockets.js';

// What today's web client calls: pending requests as an object, chat and notifications under
// /notification-chat/ (compat C13).
const t = useServer();
const open: TestSocket[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

async function socket(path: string, who: Person) {
  const s = await openSocket(wsUrl(t.server.url, `${path}?token=${encodeURIComponent(who.token)}`));
  open.push(s);
  return s;
}

type People<N extends number, T extends Person[] = []> = T['length'] extends N ? T : People<N, [...T, Person]>;
const people = <N extends number>(n: N) => Promise.all(Array.from({ length: n }, () => person(t.api, t.mailbox))) as Promise<People<N>>;

/** A asks B to connect and B accepts; the request's id. */
async function connect(a: Person, b: Person) {
  const request = await t.api.post('/connection/', { connection: b.id }, { token: a.token });
  expect(request.status).toBe(201);
  const accepted = await t.api.post('/connection/status/', { connection_id: request.body.id, status: 'Accept' }, { token: b.token });
  expect(accepted.body).toEqual({ status: 'Accepted' });
  return request.body.id as number;
}

const card = (who: Person) => ({
  id: who.id,
  first_name: 'N/A',
  last_name: 'N/A',
  middle_name: 'N/A',
  profile_photo: expect.any(String),
  qualification: '',
  user_type: 'learner',
});

describe('from a connection request to a chat, as the web client goes', () => {
  it('pending object, accept, can_message, initiate, history oldest first, a live message, unread', async () => {
    const [a, b, stranger] = await people(3);
    const request = await t.api.post('/connection/', { connection: b.id }, { token: a.token });
    const pending = await t.api.get('/connection/pending/', { token: b.token });
    expect(pending.status).toBe(200);
    expect(pending.body).toEqual({
      pending_requests: [
        {
          id: request.body.id,
          connection: {
            first_name: 'N/A',
            last_name: 'N/A',
            middle_name: 'N/A',
            profile_photo: expect.any(String),
            qualification: '',
            status: 'PENDING',
            user_id: a.id,
            user_type: 'learner',
          },
        },
      ],
      count: 1,
    });
    const accepted = await t.api.post(
      '/connection/status/',
      { connection_id: pending.body.pending_requests[0].id, status: 'Accept' },
      { token: b.token },
    );
    expect(accepted.body).toEqual({ status: 'Accepted' });
    expect((await t.api.get('/connection/pending/', { token: b.token })).body).toEqual({ pending_requests: [], count: 0 });
    for (const [me, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const connections = await t.api.get('/connection/', { token: me.token });
      expect(
        connections.body.map((item: { connection: { user_id: number; status: string } }) => [
          item.connection.user_id,
          item.connection.status,
        ]),
      ).toEqual([[other.id, 'CONFIRMED']]);
      const profile = await t.api.get(`/user/retrieve-profile/?user_id=${other.id}`, { token: me.token });
      expect(profile.body).toMatchObject({ can_message: true });
      expect((await t.api.get(`/user/retrieve-profile/?user_id=${stranger.id}`, { token: me.token })).body).toMatchObject({
        can_message: false,
      });
    }

    const initiated = await t.api.post('/notification-chat/chats/initiate/', { user: b.id }, { token: a.token });
    expect(initiated.status).toBe(200);
    expect(initiated.body).toEqual({ contributor: card(b), chat_id: expect.any(Number) });
    const chatId = initiated.body.chat_id;
    // Either side initiating again finds the same room; a stranger may not start one.
    expect(
      (await t.api.post('/notification-chat/chats/initiate/', { user: a.id }, { token: b.token, encoding: 'multipart' })).body,
    ).toEqual({ contributor: card(a), chat_id: chatId });
    const refused = await t.api.post('/notification-chat/chats/initiate/', { user: a.id }, { token: stranger.token });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ user: ['You are yet to connect with this user.'], message: 'You are yet to connect with this user.' });
    expect((await t.api.get('/notification-chat/chats/', { token: stranger.token })).body).toEqual([]);

    // A new room is listed before any message, with nothing unread.
    expect((await t.api.get('/notification-chat/chats/', { token: b.token })).body).toEqual([
      { contributor: card(a), chat_id: chatId, last_message: null, last_message_at: null, unread: 0 },
    ]);

    const aSocket = await socket(`/ws/chat/${b.id}/`, a);
    const bSocket = await socket(`/ws/chat/${a.id}/`, b);
    for (const text of ['Hello B', 'Are you free on Friday?']) {
      aSocket.send({ type: 'chat_message', message: text });
      expect(await bSocket.next()).toMatchObject({ type: 'chat_message', chat_id: chatId, user_id: a.id, message: text });
    }
    const rooms = await t.api.get('/notification-chat/chats/', { token: b.token });
    expect(rooms.body).toEqual([
      {
        contributor: card(a),
        chat_id: chatId,
        last_message: 'Are you free on Friday?',
        last_message_at: expect.stringMatching(/Z$/),
        unread: 2,
      },
    ]);
    // The sender has read their own messages.
    expect((await t.api.get('/notification-chat/chats/', { token: a.token })).body[0]).toMatchObject({ contributor: card(b), unread: 0 });

    const history = await t.api.get(`/notification-chat/chat/messages/?chat_id=${chatId}`, { token: b.token });
    expect(history.status).toBe(200);
    expect(history.body).toEqual([
      { message_id: expect.any(Number), person: card(a), message: 'Hello B', timestamp: expect.stringMatching(/Z$/) },
      { message_id: expect.any(Number), person: card(a), message: 'Are you free on Friday?', timestamp: expect.stringMatching(/Z$/) },
    ]);
    // Reading the conversation marked it read.
    expect((await t.api.get('/notification-chat/chats/', { token: b.token })).body[0].unread).toBe(0);
    // The old paths answer on as before.
    expect(
      (await t.api.get(`/chats/messages/?chat_id=${chatId}`, { token: b.token })).body.map((m: { message: string }) => m.message),
    ).toEqual(['Are you free on Friday?', 'Hello B']);
    expect((await t.api.get('/chats/', { token: b.token })).body[0]).toMatchObject({ chat_id: chatId, other: card(a), unread_count: 0 });
  });

  it('pages a long conversation backwards with `before`, oldest first within each page', async () => {
    const [a, b] = await people(2);
    await connect(a, b);
    for (let i = 1; i <= 7; i++)
      expect((await t.api.post('/chats/messages/', { user_id: b.id, message: `m${i}` }, { token: a.token })).status).toBe(201);
    const { chat_id } = (await t.api.post('/notification-chat/chats/initiate/', { user: a.id }, { token: b.token })).body;
    const page = async (query: string) =>
      (await t.api.get(`/notification-chat/chat/messages/?chat_id=${chat_id}${query}`, { token: b.token })).body as Array<{
        message_id: number;
        message: string;
      }>;
    const newest = await page('&limit=3');
    expect(newest.map((m) => m.message)).toEqual(['m5', 'm6', 'm7']);
    const older = await page(`&limit=3&before=${newest[0]!.message_id}`);
    expect(older.map((m) => m.message)).toEqual(['m2', 'm3', 'm4']);
    const oldest = await page(`&limit=3&before=${older[0]!.message_id}`);
    expect(oldest.map((m) => m.message)).toEqual(['m1']);
    expect((await page('')).map((m) => m.message)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
  });

  it('names a missing or malformed chat_id, hides other people’s rooms, and refuses odd initiations', async () => {
    const [a, b, c] = await people(3);
    await connect(a, b);
    const { chat_id } = (await t.api.post('/notification-chat/chats/initiate/', { user: b.id }, { token: a.token })).body;
    const history = (query: string, who: Person) => t.api.get(`/notification-chat/chat/messages/${query}`, { token: who.token });

    const missing = await history('', a);
    expect(missing.status).toBe(400);
    expect(Object.keys(missing.body)).toEqual(expect.arrayContaining(['chat_id', 'message']));
    for (const bad of ['abc', '-1', '1.5', '0']) {
      const response = await history(`?chat_id=${bad}`, a);
      expect(response.status, bad).toBe(400);
      expect(response.body.chat_id, bad).toEqual([expect.any(String)]);
    }
    expect((await history(`?chat_id=${chat_id}&limit=0`, a)).body.limit).toEqual([expect.any(String)]);
    expect((await history(`?chat_id=${chat_id}&before=x`, a)).body.before).toEqual([expect.any(String)]);
    const foreign = await history(`?chat_id=${chat_id}`, c);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ detail: 'Invalid Chatroom_id', message: 'Invalid Chatroom_id' });
    expect((await history('?chat_id=99999999', a)).status).toBe(404);

    const initiate = (user: unknown, who: Person) => t.api.post('/notification-chat/chats/initiate/', { user }, { token: who.token });
    expect((await initiate(a.id, a)).body).toEqual({
      user: ['Cannot initiate chat session with self.'],
      message: 'Cannot initiate chat session with self.',
    });
    expect((await initiate(99999999, a)).body).toEqual({
      user: ['Invalid pk "99999999" - object does not exist.'],
      message: 'Invalid pk "99999999" - object does not exist.',
    });
    const pending = await t.api.post('/connection/', { connection: c.id }, { token: a.token });
    expect((await initiate(c.id, a)).body.user).toEqual(['You are yet to connect with this user.']);
    const noUser = await t.api.post('/notification-chat/chats/initiate/', {}, { token: a.token });
    expect(noUser.status).toBe(400);
    expect(noUser.body.user).toEqual([expect.any(String)]);
    // Nothing was made by a refusal: a's only room is the one with b.
    const rooms = await t.server.database.db
      .selectFrom('chat_rooms')
      .select('id')
      .where((eb) => eb.or([eb('user_low', '=', a.id), eb('user_high', '=', a.id)]))
      .execute();
    expect(rooms).toEqual([{ id: chat_id }]);
    expect(pending.status).toBe(201);
    expect((await t.api.get('/notification-chat/chats/')).status).toBe(401);
  });
});

describe('notifications, as the web client lists them', () => {
  it('a follow, a like, a reply and a connection request say where a click leads, first live, then listed; DELETE clears them', async () => {
    const [a, b] = await people(2);
    const aSocket = await socket('/ws/notification/', a);
    const bSocket = await socket('/ws/notification/', b);
    const post = (await t.api.post('/post/', { body: 'Shipping our first release today' }, { token: b.token })).body.post_id as number;
    const comment = (await t.api.post('/post/comment/', { post, body: 'Congratulations!' }, { token: a.token })).body.comment_id as number;

    await t.api.post('/follow/', { user_following: b.id }, { token: a.token });
    const followed = await bSocket.next((frame) => frame.type === 'follow');
    expect(followed).toMatchObject({
      message: 'N/A N/A started following you.',
      text: 'N/A N/A started following you.',
      page: 'Profile',
      route: `/user/retrieve-profile/?user_id=${a.id}`,
      obj_id: String(a.id),
    });
    await t.api.post('/post/like/', { post }, { token: a.token });
    const liked = await bSocket.next((frame) => frame.type === 'like');
    expect(liked).toMatchObject({ message: expect.any(String), page: 'Post', route: `post/?post_id=${post}`, obj_id: String(post) });
    await t.api.post('/post/reply/', { parent: comment, body: 'Thank you!' }, { token: b.token });
    const replied = await aSocket.next((frame) => frame.type === 'reply');
    expect(replied).toMatchObject({ message: expect.any(String), page: 'Post', route: `post/?post_id=${post}`, obj_id: String(post) });
    await t.api.post('/connection/', { connection: b.id }, { token: a.token });
    const requested = await bSocket.next((frame) => frame.type === 'connection_request');
    expect(requested).toMatchObject({ message: expect.any(String), page: 'Network', route: null, obj_id: null });

    // What was pushed is what is listed, newest first, five a page.
    const item = (frame: Record<string, any>) => ({
      id: frame.id,
      text: frame.message,
      page: frame.page,
      route: frame.route,
      obj_id: frame.obj_id,
      timestamp: frame.timestamp,
    });
    const listed = await t.api.get('/notification-chat/notifications/', { token: b.token });
    expect(listed.status).toBe(200);
    // b also got a's comment on the post: four notifications in all.
    expect(listed.body).toMatchObject({ count: 4, next: null, previous: null });
    expect(listed.body.results).toEqual([
      item(requested),
      item(liked),
      item(followed),
      expect.objectContaining({ page: 'Post', route: `post/?post_id=${post}` }),
    ]);
    expect((await t.api.get('/notification-chat/notifications/', { token: a.token })).body.results).toEqual([item(replied)]);

    const cleared = await t.api.request('DELETE', '/notification-chat/notifications/', undefined, { token: b.token });
    expect(cleared.status).toBe(204);
    expect(cleared.body).toBeUndefined();
    expect((await t.api.get('/notification-chat/notifications/', { token: b.token })).body).toEqual({
      count: 0,
      next: null,
      previous: null,
      results: [],
    });
    // Only the caller's were cleared.
    expect((await t.api.get('/notification-chat/notifications/', { token: a.token })).body.count).toBe(1);
  });

  it('pages five at a time with absolute links; page_size and out-of-range pages as everywhere', async () => {
    const [reader, ...followers] = await people(7);
    for (const follower of followers) await t.api.post('/follow/', { user_following: reader.id }, { token: follower.token });
    const first = await t.api.get('/notification-chat/notifications/', { token: reader.token });
    expect(first.body.count).toBe(6);
    expect(first.body.results).toHaveLength(5);
    expect(first.body.results.map((n: { obj_id: string }) => Number(n.obj_id))).toEqual(
      followers
        .map((f) => f.id)
        .reverse()
        .slice(0, 5),
    );
    expect(first.body.next).toBe(`${t.server.url}/notification-chat/notifications/?page=2`);
    const second = await t.api.get(new URL(first.body.next).pathname + new URL(first.body.next).search, { token: reader.token });
    expect(second.body.results.map((n: { obj_id: string }) => Number(n.obj_id))).toEqual([followers[0].id]);
    expect(second.body.previous).toBe(`${t.server.url}/notification-chat/notifications/`);
    expect((await t.api.get('/notification-chat/notifications/?page_size=10', { token: reader.token })).body.results).toHaveLength(6);
    const beyond = await t.api.get('/notification-chat/notifications/?page=3', { token: reader.token });
    expect(beyond.status).toBe(404);
    expect(beyond.body).toEqual({ detail: 'Invalid page.', message: 'Invalid page.' });
  });
});
