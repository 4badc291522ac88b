import { generateKeyPairSync, verify } from 'node:crypto';
import { sql } from '@careernexus/db';
import { afterEach, expect, it } from 'vitest';
import { useServer } from './support/fixture.js';
import { person, type Person } from './support/people.js';
import { openSocket, wsUrl, type TestSocket } from './support/sockets.js';

// Issue 18's whole journey through the public faces, as the web client walks it: a learner finds
// a mentor, books, the mentor accepts, the learner pays through the built-in fake checkout, both
// enter the video room with a signed token, the learner completes and rates, and the mentor's
// vault shows 80 % of the price. Every step's notification arrives on the sockets.
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const APP_ID = 'vpaas-magic-cookie-journey';
const t = useServer({
  JITSI_APP_ID: APP_ID,
  JITSI_KEY_ID: `${APP_ID}/key1`,
  JITSI_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
});

const open: TestSocket[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});
async function notifications(who: Person) {
  const socket = await openSocket(wsUrl(t.server.url, `/ws/notification/?token=${encodeURIComponent(who.token)}`));
  open.push(socket);
  return socket;
}

/** A browser's request: redirects are not followed, so each hop is seen. */
async function browse(url: string, init: RequestInit = {}) {
  const response = await fetch(new URL(url, t.server.url), { redirect: 'manual', ...init });
  return { status: response.status, location: response.headers.get('location') };
}

const ids = (body: { results: Array<{ id: number }> }) => body.results.map((item) => item.id);

it('find a mentor, book, accept, pay, join, complete and rate; the vault holds 80 %', async () => {
  const mentor = await person(t.api, t.mailbox, 'technology', 'mentor');
  const learner = await person(t.api, t.mailbox, 'technology', 'learner');
  const friend = await person(t.api, t.mailbox, 'technology', 'learner');
  const profile = await t.api.request(
    'PUT',
    '/user/profile-update/',
    {
      first_name: 'Ada',
      last_name: 'Obi',
      current_job: 'Staff Engineer',
      technical_skills: ['TypeScript', 'PostgreSQL'],
      years_of_experience: 9,
      session_rate: 50,
    },
    { token: mentor.token },
  );
  expect(profile.status, JSON.stringify(profile.body)).toBe(201);
  const [mentorBell, learnerBell] = [await notifications(mentor), await notifications(learner)];

  // Found by recommendation (same industry) and by search (a skill, in another case).
  const recommended = await t.api.get('/mentor/recommendation/', { token: learner.token });
  expect(recommended.body.results).toEqual([expect.objectContaining({ id: mentor.id, session_rate: '50USD', rating: 0, is_saved: false })]);
  expect(ids((await t.api.get('/mentor/search/?text=postgres', { token: learner.token })).body)).toEqual([mentor.id]);
  expect(ids((await t.api.get('/mentor/search/?skills=typescript', { token: learner.token })).body)).toEqual([mentor.id]);

  // An individual and a group session; the mentor is told of each and sees both requested.
  const date = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
  const book = (extra: Record<string, unknown>) =>
    t.api.post(
      '/mentor/sessions/book/',
      { mentor: mentor.id, date, time: '10:00', discourse: 'System design', ...extra },
      { token: learner.token },
    );
  const individual = await book({ session_type: 'individual' });
  expect(individual.status, JSON.stringify(individual.body)).toBe(201);
  expect(individual.body).toMatchObject({ status: 'PENDING', is_paid: false, amount: '50USD' });
  expect(await mentorBell.next()).toMatchObject({ type: 'session_requested', session_id: individual.body.id, page: 'Mentorship Sessions' });
  const group = await book({ session_type: 'group', invitees: [friend.id] });
  expect(group.status).toBe(201);
  expect(await mentorBell.next()).toMatchObject({ type: 'session_requested', session_id: group.body.id });
  expect(ids((await t.api.get('/mentor/sessions/?status=requested', { token: mentor.token })).body)).toEqual([
    group.body.id,
    individual.body.id,
  ]);
  expect((await t.api.get('/mentor/sessions/invited/', { token: friend.token })).body).toEqual([
    { id: expect.any(Number), session: expect.objectContaining({ id: group.body.id }) },
  ]);

  const session = individual.body.id as number;
  const accepted = await t.api.post('/mentor/sessions/accept-reject/', { session, action: 'Accept' }, { token: mentor.token });
  expect(accepted).toMatchObject({ status: 200, body: { session_id: session, action: 'Accepted' } });
  expect(await learnerBell.next()).toMatchObject({ type: 'session_accepted', session_id: session });

  // Not paid yet: the room stays shut.
  expect((await t.api.get(`/mentor/session/join/?session=${session}`, { token: learner.token })).body).toEqual({
    session: ['This session has not yet been paid for.'],
    message: 'This session has not yet been paid for.',
  });

  // Paying through the fake: the link the web client follows, the Pay button, the way back.
  const initiated = await t.api.post('/payments/flutterwave/initiate/', { session }, { token: learner.token });
  expect(initiated.status, JSON.stringify(initiated.body)).toBe(200);
  expect(initiated.body['payment link']).toBe(initiated.body.url);
  const paid = await browse(initiated.body.url, { method: 'POST' });
  expect(paid.status).toBe(303);
  expect(await browse(paid.location!)).toEqual({ status: 302, location: `${t.server.url}/payment-success` });
  expect(await mentorBell.next()).toMatchObject({ type: 'session_paid', session_id: session });
  expect((await t.api.get('/mentor/sessions/?status=accepted', { token: learner.token })).body.results).toEqual([
    expect.objectContaining({ id: session, status: 'ACCEPTED', is_paid: true }),
  ]);

  // The session's time comes (the only step not taken through the API: it is the clock's).
  await sql`update mentor_sessions set session_at = now() - interval '1 minute' where id = ${session}`.execute(t.server.database.db);
  for (const [who, moderator] of [
    [mentor, true],
    [learner, false],
  ] as const) {
    const entry = await t.api.get(`/mentor/session/join/?session=${session}`, { token: who.token });
    expect(entry.status, JSON.stringify(entry.body)).toBe(200);
    expect(entry.body.provider).toBe('jaas');
    const [header, claims, signature] = (entry.body.token as string).split('.') as [string, string, string];
    expect(verify('sha256', Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
    const decoded = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8'));
    expect(decoded).toMatchObject({ room: entry.body.room_name, sub: APP_ID, context: { user: { moderator, email: who.email } } });
  }

  const completed = await t.api.post('/mentor/annotate/', { session, mark_completed: true, rating: 4 }, { token: learner.token });
  expect(completed.status, JSON.stringify(completed.body)).toBe(200);
  expect(completed.body).toMatchObject({ status: 'COMPLETED', rating: 4 });

  // 80 % to the mentor's vault; the platform's 20 % is in the same ledger transaction.
  const vault = await t.api.get('/mentor/vault/', { token: mentor.token });
  expect(vault.body).toEqual({
    amount: { amount: 40, currency: 'USD' },
    recent_transaction_history: [
      expect.objectContaining({
        action: 'EARN',
        amount: { value: 40, currency: 'USD' },
        extra_data: { session_id: session, session_type: 'individual' },
      }),
    ],
  });
  const { rows } = await sql<{ account_kind: string; amount_minor: string }>`
    select e.account_kind, e.amount_minor from ledger_entries e join ledger_transactions x on x.id = e.transaction_id
    where x.session_id = ${session} order by e.id`.execute(t.server.database.db);
  // The payment received through the fake, then shared out: the clearing account nets to zero.
  expect(rows.map((row) => [row.account_kind, Number(row.amount_minor)])).toEqual([
    ['providers', -5_000],
    ['payments', 5_000],
    ['payments', -5_000],
    ['mentor', 4_000],
    ['platform', 1_000],
  ]);
  expect((await t.api.get(`/user/retrieve-profile/?user_id=${mentor.id}`, { token: learner.token })).body.rating).toBe(4);
  expect(ids((await t.api.get('/mentor/sessions/?status=completed', { token: mentor.token })).body)).toEqual([session]);
});
