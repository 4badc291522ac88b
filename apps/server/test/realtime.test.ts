import { afterEach, describe, expect, it } from 'vitest';
import { useServer } from './support/fixture.js';
import { person, type Person } from './support/people.js';
import { openSocket, wsUrl, type TestSocket } from './support/sockets.js';

// Accounts are read on every request here: these tests delete users and expect it to show at once.
const t = useServer({ AUTH_MEMO_SECONDS: '0' });
const open: TestSocket[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

async function socket(path: string, who?: Person | string) {
  const token = typeof who === 'string' ? who : who?.token;
  const s = await openSocket(
    wsUrl(t.server.url, token === undefined ? path : `${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`),
  );
  open.push(s);
  return s;
}

describe('chat sockets', () => {
  it('stores each message, then delivers it to every socket of both people, sender included, in order', async () => {
    const [a, b] = [await person(t.api, t.mailbox), await person(t.api, t.mailbox)];
    const aSocket = await socket(`/ws/chat/${b.id}/`, a);
    const bSocket = await socket(`/ws/chat/${a.id}`, b);
    const bPhone = await socket(`/ws/chat/${a.id}/`, b);

    aSocket.send({ type: 'chat_message', message: 'Hello B' });
    const expected = {
      type: 'chat_message',
      chat_id: expect.any(Number),
      message_id: expect.any(Number),
      user_id: a.id,
      email: a.email,
      message: 'Hello B',
      timestamp: expect.stringMatching(/Z$/),
    };
    for (const s of [aSocket, bSocket, bPhone]) expect(await s.next()).toEqual(expected);

    for (let i = 1; i <= 5; i++) aSocket.send({ message: `message ${i}` });
    bSocket.send({ message: 'reply from B' });
    const received: string[] = [];
    for (let i = 0; i < 6; i++) received.push((await bPhone.next()).message);
    expect(received.filter((m) => m.startsWith('message'))).toEqual(['message 1', 'message 2', 'message 3', 'message 4', 'message 5']);

    const chatId = (await aSocket.next()).chat_id;
    const history = await t.api.get(`/chats/messages/?chat_id=${chatId}`, { token: b.token });
    expect(history.status).toBe(200);
    const stored = history.body.map((m: { message: string }) => m.message).reverse();
    expect(stored.filter((m: string) => m.startsWith('message'))).toEqual(received.filter((m) => m.startsWith('message')));
    expect(history.body[0]).toMatchObject({
      message_id: expect.any(Number),
      person: { id: expect.any(Number) },
      timestamp: expect.any(String),
    });
  });

  it('an offline recipient finds the chat, its last message and unread count, and the history', async () => {
    const [a, c] = [await person(t.api, t.mailbox), await person(t.api, t.mailbox)];
    const sent = await t.api.post('/chats/messages/', { user_id: c.id, message: 'Are you there?' }, { token: a.token });
    expect(sent.status).toBe(201);
    await t.api.post('/chats/messages/', { user_id: c.id, message: 'Ping me back' }, { token: a.token });
    const chats = await t.api.get('/chats/', { token: c.token });
    expect(chats.body).toEqual([
      expect.objectContaining({
        chat_id: sent.body.chat_id,
        initiator: expect.objectContaining({ id: a.id }),
        contributor: expect.objectContaining({ id: c.id }),
        other: expect.objectContaining({ id: a.id }),
        last_message: expect.objectContaining({ message: 'Ping me back', user_id: a.id }),
        unread_count: 2,
      }),
    ]);
    const history = await t.api.get(`/chats/messages/?chat_id=${sent.body.chat_id}`, { token: c.token });
    expect(history.body.map((m: { message: string }) => m.message)).toEqual(['Ping me back', 'Are you there?']);
    expect((await t.api.get('/chats/', { token: c.token })).body[0].unread_count).toBe(0);
    expect((await t.api.get('/chats/', { token: a.token })).body[0].unread_count).toBe(0);

    const page = await t.api.get(`/chats/messages/?chat_id=${sent.body.chat_id}&limit=1`, { token: c.token });
    expect(page.body).toMatchObject({ results: [{ message: 'Ping me back' }], next_before: expect.any(Number) });
    const older = await t.api.get(`/chats/messages/?chat_id=${sent.body.chat_id}&limit=1&before=${page.body.next_before}`, {
      token: c.token,
    });
    expect(older.body).toMatchObject({ results: [{ message: 'Are you there?' }], next_before: null });
  });

  it('history refuses a missing or malformed id (400) and someone else’s chat (404)', async () => {
    const [a, b, stranger] = [await person(t.api, t.mailbox), await person(t.api, t.mailbox), await person(t.api, t.mailbox)];
    const sent = await t.api.post('/chats/messages/', { user_id: b.id, message: 'private' }, { token: a.token });
    for (const query of ['', '?chat_id=', '?chat_id=0', '?chat_id=abc']) {
      const response = await t.api.get(`/chats/messages/${query}`, { token: a.token });
      expect(response.status, query).toBe(400);
      expect(response.body.message).toEqual(expect.any(String));
    }
    const foreign = await t.api.get(`/chats/messages/?chat_id=${sent.body.chat_id}`, { token: stranger.token });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ detail: 'Invalid Chatroom_id', message: 'Invalid Chatroom_id' });
    expect((await t.api.post('/chats/messages/', { user_id: a.id, message: 'me' }, { token: a.token })).status).toBe(400);
    expect((await t.api.post('/chats/messages/', { user_id: 99999999, message: 'hello?' }, { token: a.token })).status).toBe(404);
    await t.server.database.db.updateTable('users').set({ is_active: false }).where('id', '=', stranger.id).execute();
    expect((await t.api.post('/chats/messages/', { user_id: stranger.id, message: 'hello?' }, { token: a.token })).status).toBe(404);
  });
});

describe('socket rules', () => {
  it('closes with 4401 for a missing, invalid, refresh or revoked token, 4404 for an unknown user or peer', async () => {
    const [a, b] = [await person(t.api, t.mailbox), await person(t.api, t.mailbox)];
    const session = await t.api.post('/user/signin/', { email: a.email, password: 'Str0ngPass' });
    expect((await (await socket('/ws/notification/')).closed).code).toBe(4401);
    expect((await (await socket('/ws/notification/', 'not-a-token')).closed).code).toBe(4401);
    expect((await (await socket('/ws/notification/', session.body.refresh)).closed).code).toBe(4401);
    await t.api.post('/user/signout/', { refresh: session.body.refresh }, { token: session.body.access });
    expect((await (await socket('/ws/notification/jobs/', session.body.access)).closed).code).toBe(4401);
    expect((await (await socket('/ws/chat/99999999/', a)).closed).code).toBe(4404);
    expect((await (await socket(`/ws/chat/${a.id}/`, a)).closed).code).toBe(4400);
    await t.server.database.db.deleteFrom('users').where('id', '=', b.id).execute();
    expect((await (await socket('/ws/notification/', b)).closed).code).toBe(4404);
  });

  it('answers ping with pong, malformed frames with an error frame (and stays open), and refuses frames over 64 KiB', async () => {
    const [a, b] = [await person(t.api, t.mailbox), await person(t.api, t.mailbox)];
    const s = await socket(`/ws/chat/${b.id}/`, a);
    s.send({ type: 'ping' });
    expect(await s.next()).toEqual({ type: 'pong' });
    for (const junk of ['not json', '[1,2]', '{"message": 42}', '{"message": "   "}']) {
      s.send(junk);
      expect(await s.next()).toMatchObject({ type: 'error', message: expect.any(String) });
    }
    s.send({ message: 'still here' });
    expect(await s.next()).toMatchObject({ type: 'chat_message', message: 'still here' });
    s.send({ message: 'x'.repeat(70 * 1024) });
    expect((await s.closed).code).toBe(1009);
    const other = await socket('/ws/notification/', a);
    other.send({ message: 'hello?' });
    expect(await other.next()).toMatchObject({ type: 'error' });
  });
});

describe('notification sockets', () => {
  it('deliver follows, likes, comments, connection requests and acceptances as they happen', async () => {
    const [a, b] = [await person(t.api, t.mailbox), await person(t.api, t.mailbox)];
    const bSocket = await socket('/ws/notification/', b);
    const aSocket = await socket('/ws/notification/', a);
    const post = await t.api.post('/post/', { body: 'My first post' }, { token: b.token });

    await t.api.post('/follow/', { user_following: b.id }, { token: a.token });
    expect(await bSocket.next()).toEqual({
      id: expect.any(Number),
      type: 'follow',
      message: 'N/A N/A started following you.',
      text: 'N/A N/A started following you.',
      page: 'Profile',
      route: `/user/retrieve-profile/?user_id=${a.id}`,
      obj_id: String(a.id),
      user_id: a.id,
      timestamp: expect.any(String),
      read: false,
    });
    await t.api.post('/post/like/', { post: post.body.post_id }, { token: a.token });
    const liked = await bSocket.next();
    expect(liked).toMatchObject({ type: 'like', post_id: post.body.post_id, user_id: a.id });
    const comment = await t.api.post('/post/comment/', { post: post.body.post_id, body: 'Nice' }, { token: a.token });
    expect(await bSocket.next()).toMatchObject({ type: 'comment', post_id: post.body.post_id, comment_id: comment.body.comment_id });
    await t.api.post('/post/reply/', { parent: comment.body.comment_id, body: 'Thanks' }, { token: b.token });
    expect(await aSocket.next()).toMatchObject({ type: 'reply', post_id: post.body.post_id });
    const request = await t.api.post('/connection/', { connection: b.id }, { token: a.token });
    expect(await bSocket.next()).toMatchObject({ type: 'connection_request', connection_id: request.body.id, user_id: a.id });
    await t.api.post('/connection/status/', { connection_id: request.body.id, status: 'Accept' }, { token: b.token });
    expect(await aSocket.next()).toMatchObject({ type: 'connection_accepted', connection_id: request.body.id, user_id: b.id });

    const listed = await t.api.get('/notifications/', { token: b.token });
    expect(listed.body).toMatchObject({ count: 4, unread: 4 });
    expect(listed.body.results.map((n: { type: string }) => n.type)).toEqual(['connection_request', 'comment', 'like', 'follow']);
    // What was pushed is what was stored, its time stamp's text included.
    expect(listed.body.results[2]).toEqual(liked);
    const marked = await t.api.post('/notifications/read/', { ids: [listed.body.results[3].id] }, { token: b.token });
    expect(marked.body).toEqual({ marked: 1 });
    const after = await t.api.get('/notifications/', { token: b.token });
    expect(after.body.unread).toBe(3);
    expect(after.body.results.at(-1)).toMatchObject({ type: 'follow', read: true });
    expect((await t.api.post('/notifications/read/', { all: true }, { token: b.token })).body).toEqual({ marked: 3 });
  });

  it('the jobs socket delivers matching jobs, following a preference change without reconnecting', async () => {
    const [employer, seeker] = [await person(t.api, t.mailbox), await person(t.api, t.mailbox)];
    const preference = {
      title: 'data analyst',
      employment_type: 'contract',
      work_type: 'hybrid',
      industry: 'technology',
      experience_level: 'mid',
    };
    await t.api.request('PUT', '/job/preference/', preference, { token: seeker.token });
    const jobs = await socket('/ws/notification/jobs/', seeker);
    const job = {
      employment_type: 'contract',
      work_type: 'hybrid',
      experience_level: 'mid',
      industry: 'technology',
      country: 'Ghana',
      salary: 'GHS 9,000',
      overview: 'Analyse data with SQL and Python.',
      description: 'Dashboards for our software product.',
      organization: 'Hubtel',
    };
    const first = await t.api.post('/job/', { ...job, title: 'Senior Data Analyst' }, { token: employer.token });
    expect(await jobs.next()).toEqual({
      id: expect.any(Number),
      type: 'job',
      message: 'A new job matching your preference. Senior Data Analyst at Hubtel. Apply now!',
      text: 'A new job matching your preference. Senior Data Analyst at Hubtel. Apply now!',
      page: 'Job',
      route: `job/?job_id=${first.body.id}`,
      obj_id: String(first.body.id),
      job_id: first.body.id,
      title: 'Senior Data Analyst',
      organization: 'Hubtel',
      timestamp: expect.any(String),
      read: false,
    });
    await t.api.request('PUT', '/job/preference/', { ...preference, title: 'product designer' }, { token: seeker.token });
    await t.api.post('/job/', { ...job, title: 'Data Analyst II' }, { token: employer.token });
    const second = await t.api.post('/job/', { ...job, title: 'Product Designer' }, { token: employer.token });
    expect(await jobs.next()).toMatchObject({ type: 'job', job_id: second.body.id });
    expect(jobs.frames.filter((frame) => frame.type === 'job')).toHaveLength(2);
  });
});
