import { afterEach, describe, expect, it } from 'vitest';
import { useServer } from './support/fixture.js';
import { person, type Person } from './support/people.js';
import { SAMPLE_JOB } from './support/samples.js';
import { openSocket, wsUrl, type TestSocket } from './support/sockets.js';

// Unread chat messages are mailed one to two seconds after they came here (two minutes or so by default).
const t = useServer({ MESSAGE_MAIL_DELAY: '1s', MESSAGE_MAIL_INTERVAL: '1s' });

const DEFAULTS = {
  email_notify: false,
  push_notify: true,
  message_notify: false,
  weekly_summary: false,
  job_alerts: true,
  marketing: false,
  show_email: false,
  show_activity: false,
  show_location: false,
  timezone: 'UTC',
};

const sockets: TestSocket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});
async function socket(path: string, who: Person) {
  const opened = await openSocket(wsUrl(t.server.url, `${path}?token=${encodeURIComponent(who.token)}`));
  sockets.push(opened);
  return opened;
}

const settingsOf = async (who: Person) => (await t.api.get('/user/settings/', { token: who.token })).body;
const change = (who: Person, settings: Record<string, unknown>, encoding?: 'form') =>
  t.api.request('PUT', '/user/settings/', settings, { token: who.token, ...(encoding ? { encoding } : {}) });
async function allow(who: Person, settings: Record<string, unknown>) {
  const changed = await change(who, settings);
  expect(changed.status, JSON.stringify(changed.body)).toBe(200);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Mail to `who` with this subject received so far (after a pause, so a wrongly sent one would be here). */
async function mailsTo(who: Person, subject: string, settleMs = 700) {
  await pause(settleMs);
  return t.mailbox.received.filter((mail) => mail.to.includes(who.email) && mail.subject === subject);
}

async function newPost(author: Person) {
  const created = await t.api.post('/post/', { body: 'Shipped our first release today' }, { token: author.token });
  expect(created.status).toBe(201);
  return created.body.post_id as number;
}

async function connect(a: Person, b: Person) {
  const request = await t.api.post('/connection/', { connection: b.id }, { token: a.token });
  expect(request.status).toBe(201);
  const accepted = await t.api.post('/connection/status/', { connection_id: request.body.id, status: 'Accept' }, { token: b.token });
  expect(accepted.body).toEqual({ status: 'Accepted' });
}

const say = async (from: Person, to: Person, message: string) =>
  expect((await t.api.post('/chats/messages/', { user_id: to.id, message }, { token: from.token })).status).toBe(201);

describe('GET and PUT /user/settings/', () => {
  it('answers the defaults, changes any subset, and keeps the rest', async () => {
    const me = await person(t.api, t.mailbox);
    expect(await settingsOf(me)).toEqual(DEFAULTS);
    const changed = await change(me, { marketing: true, show_email: true });
    expect(changed).toMatchObject({ status: 200, body: { ...DEFAULTS, marketing: true, show_email: true } });
    expect(await settingsOf(me)).toEqual({ ...DEFAULTS, marketing: true, show_email: true });
    // A form sends its booleans as text.
    expect((await change(me, { marketing: 'false', job_alerts: '0' }, 'form')).body).toMatchObject({ marketing: false, job_alerts: false });
    expect((await t.api.get('/user/settings/')).status).toBe(401);
  });

  it('takes the web client’s time-zone labels as IANA zones, and any zone name in any case', async () => {
    const me = await person(t.api, t.mailbox);
    const zones = {
      'Pacific Time': 'America/Los_Angeles',
      'Eastern Time': 'America/New_York',
      'Central Time': 'America/Chicago',
      GMT: 'UTC',
      'africa/lagos': 'Africa/Lagos',
    };
    for (const [sent, stored] of Object.entries(zones)) expect((await change(me, { timezone: sent })).body.timezone).toBe(stored);
    expect((await t.api.get('/user/retrieve-profile/', { token: me.token })).body.timezone).toBe('Africa/Lagos');
  });

  it('refuses a bad value with a 400 naming its field, and changes nothing', async () => {
    const me = await person(t.api, t.mailbox);
    const badZone = await change(me, { marketing: true, timezone: 'Moon Time' });
    expect(badZone).toMatchObject({ status: 400, body: { timezone: ['"Moon Time" is not a valid time zone.'] } });
    const badFlag = await change(me, { marketing: true, push_notify: 'sometimes' });
    expect(badFlag).toMatchObject({ status: 400, body: { push_notify: ['Must be a valid boolean.'] } });
    expect(await settingsOf(me)).toEqual(DEFAULTS);
  });
});

describe('what each setting does', () => {
  it('email_notify: the author is e-mailed about the first like and the first comment by someone else, once each, only when allowing', async () => {
    const [author, fan, other] = [await person(t.api, t.mailbox), await person(t.api, t.mailbox), await person(t.api, t.mailbox)];
    const quiet = await newPost(author);
    // Off (the default): nothing, and that like was the first.
    await t.api.post('/post/like/', { post: quiet }, { token: fan.token });
    expect(await mailsTo(author, 'Your Post Got a Like!!')).toHaveLength(0);

    await allow(author, { email_notify: true });
    await t.api.post('/post/like/', { post: quiet }, { token: other.token });
    const postId = await newPost(author);
    await t.api.post('/post/like/', { post: postId }, { token: author.token }); // one's own like: never mailed
    await Promise.all([fan, other].map((who) => t.api.post('/post/like/', { post: postId }, { token: who.token })));
    await t.api.post('/post/comment/', { post: postId, body: 'Mine' }, { token: author.token });
    await t.api.post('/post/comment/', { post: postId, body: 'Congratulations!' }, { token: fan.token });
    await t.api.post('/post/comment/', { post: postId, body: 'Well done' }, { token: other.token });

    const like = await t.mailbox.waitFor(author.email, 'Your Post Got a Like!!');
    expect(like.text).toMatch(/N\/A N\/A liked your post: "Shipped our first release today"/);
    expect(like.text).toContain(`/post/?post_id=${postId}`);
    const comment = await t.mailbox.waitFor(author.email, 'Your Post Got a Comment!!');
    expect(comment.text).toContain('commented on your post');
    expect(await mailsTo(author, 'Your Post Got a Like!!')).toHaveLength(0);
    expect(await mailsTo(author, 'Your Post Got a Comment!!', 0)).toHaveLength(0);
    expect(await mailsTo(fan, 'Your Post Got a Like!!', 0)).toHaveLength(0);
  });

  it('push_notify: off, notifications are stored but not pushed live; on again, they are', async () => {
    const [me, first, second] = [await person(t.api, t.mailbox), await person(t.api, t.mailbox), await person(t.api, t.mailbox)];
    await allow(me, { push_notify: false });
    const live = await socket('/ws/notification/', me);
    await t.api.post('/follow/', { user_following: me.id }, { token: first.token });
    const stored = await t.api.get('/notification-chat/notifications/', { token: me.token });
    expect(stored.body.results).toHaveLength(1);

    await allow(me, { push_notify: true });
    await t.api.post('/follow/', { user_following: me.id }, { token: second.token });
    expect(await live.next((frame) => frame.type === 'follow')).toMatchObject({ user_id: second.id });
    // Events of one user arrive in order: the first follow's would have come before.
    expect(live.frames.filter((frame) => frame.type === 'follow')).toHaveLength(1);
  });

  it('message_notify: an unread message is e-mailed once per conversation an hour; read ones, open conversations and members who decline are not', async () => {
    const [sender, away, watching, declining] = [
      await person(t.api, t.mailbox),
      await person(t.api, t.mailbox),
      await person(t.api, t.mailbox),
      await person(t.api, t.mailbox),
    ];
    for (const who of [away, watching, declining]) await connect(sender, who);
    await allow(away, { message_notify: true });
    await allow(watching, { message_notify: true });
    const open = await socket(`/ws/chat/${sender.id}/`, watching);

    await Promise.all(['Hello?', 'Are you there?', 'Ping'].map((text) => say(sender, away, text)));
    await say(sender, watching, 'I see you are here');
    await open.next((frame) => frame.message === 'I see you are here');
    await say(sender, declining, 'Hi');

    const mail = await t.mailbox.waitFor(away.email, 'New message from N/A N/A');
    expect(mail.text).toContain('sent you a message');
    expect(mail.text).not.toContain('Hello?');
    await say(sender, away, 'Still there?'); // within the hour: no second e-mail
    expect(await mailsTo(away, 'New message from N/A N/A', 2_000)).toHaveLength(0);
    expect(await mailsTo(watching, 'New message from N/A N/A', 0)).toHaveLength(0);
    expect(await mailsTo(declining, 'New message from N/A N/A', 0)).toHaveLength(0);
  });

  it('job_alerts: off, an application’s status changes are neither stored nor pushed; the poster still hears of applications', async () => {
    const [poster, alerted, declining] = [await person(t.api, t.mailbox), await person(t.api, t.mailbox), await person(t.api, t.mailbox)];
    await allow(declining, { job_alerts: false });
    await allow(poster, { job_alerts: false });
    const job = (await t.api.post('/job/', SAMPLE_JOB, { token: poster.token })).body as { id: number };
    const types = async (who: Person) =>
      ((await t.api.get('/notifications/', { token: who.token })).body.results as Array<{ type: string }>).map((n) => n.type);
    for (const seeker of [alerted, declining]) {
      expect((await t.api.post('/job/apply/', { job: job.id }, { token: seeker.token })).status).toBe(200);
      const [application] = (await t.api.get('/job/apply/', { token: seeker.token })).body;
      const moved = await t.api.request(
        'PUT',
        '/job/application/status/',
        { application: application.id, status: 'reviewed' },
        { token: poster.token },
      );
      expect(moved.status).toBe(200);
    }
    expect(await types(alerted)).toEqual(['application_status']);
    expect(await types(declining)).toEqual([]);
    expect(await types(poster)).toEqual(['job_application', 'job_application']);
  });

  it('show_email and show_location: others see the e-mail and the location only when shown; the owner always sees both', async () => {
    const [owner, viewer] = [await person(t.api, t.mailbox), await person(t.api, t.mailbox)];
    await t.api.request('PUT', '/user/profile-update/', { location: 'Lagos' }, { token: owner.token });
    const seen = async () => (await t.api.get(`/user/retrieve-profile/?user_id=${owner.id}`, { token: viewer.token })).body;

    const hidden = await seen();
    expect(hidden).not.toHaveProperty('email');
    expect(hidden.location).toBe('');
    await allow(owner, { show_email: true, show_location: true });
    expect(await seen()).toMatchObject({ email: owner.email, location: 'Lagos' });
    await allow(owner, { show_email: false, show_location: false });
    const hiddenAgain = await seen();
    expect(hiddenAgain).not.toHaveProperty('email');
    expect(hiddenAgain.location).toBe('');
    expect((await t.api.get('/user/retrieve-profile/', { token: owner.token })).body).toMatchObject({
      email: owner.email,
      location: 'Lagos',
    });
  });

  it('show_activity: another member’s analytics are private (403) until they allow it; one’s own always show', async () => {
    const [owner, viewer] = [await person(t.api, t.mailbox), await person(t.api, t.mailbox)];
    await newPost(owner);
    const theirs = () => t.api.get(`/user/analytics/?user_id=${owner.id}`, { token: viewer.token });
    expect(await theirs()).toMatchObject({ status: 403, body: { analytics: 'Analytics is private for this user' } });
    expect((await t.api.get(`/user/analytics/?user_id=${owner.id}`, { token: owner.token })).body).toMatchObject({ total_posts: 1 });
    await allow(owner, { show_activity: true });
    expect(await theirs()).toMatchObject({ status: 200, body: { total_posts: 1, total_views: 0, total_connections: 0 } });
    expect((await t.api.get('/user/analytics/?user_id=999999999', { token: viewer.token })).status).toBe(404);
  });

  it('marketing: kept and answered (newsletter e-mail honours it)', async () => {
    const me = await person(t.api, t.mailbox);
    expect((await change(me, { marketing: true })).body.marketing).toBe(true);
    expect((await settingsOf(me)).marketing).toBe(true);
  });
});
