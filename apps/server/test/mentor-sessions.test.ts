import { sql } from '@careernexus/db';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { databaseFingerprint, tableNames } from './support/database-rows.js';
import { useServer } from './support/fixture.js';
import { decodeJwt } from './support/http.js';
import { person, type Person } from './support/people.js';
import { openSocket, wsUrl, type TestSocket } from './support/sockets.js';

// Mentorship sessions (issue 18, original-beyond-seed.md §1.4–§1.12, §5.5): booking, the lists,
// the state machine by every role, notifications, completion and rating, time zones, and races.
const t = useServer();
const open: TestSocket[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

const db = () => t.server.database.db;
const learner = () => person(t.api, t.mailbox);
const mentor = () => person(t.api, t.mailbox, 'technology', 'mentor');

async function socket(who: Person) {
  const s = await openSocket(wsUrl(t.server.url, `/ws/notification/?token=${encodeURIComponent(who.token)}`));
  open.push(s);
  return s;
}

/** A day `days` ahead of today (UTC), as `YYYY-MM-DD`. */
const dayAhead = (days = 3) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

const card = (who: Person, userType = 'learner') => ({
  id: who.id,
  first_name: 'N/A',
  last_name: 'N/A',
  middle_name: 'N/A',
  profile_photo: expect.any(String),
  qualification: '',
  user_type: userType,
});

/** Sets a mentor's session rate directly (the mentor profile's own API is another slice's). */
const setRate = (who: Person, cents: number) =>
  db().updateTable('profiles').set({ session_rate_minor: cents, session_rate_currency: 'USD' }).where('user_id', '=', who.id).execute();

async function book(by: Person, withMentor: Person, extra: Record<string, unknown> = {}) {
  const response = await t.api.post(
    '/mentor/sessions/book/',
    {
      mentor: withMentor.id,
      session_type: 'individual',
      date: dayAhead(),
      time: '09:00',
      discourse: 'Career Coaching',
      invitees: [],
      ...extra,
    },
    { token: by.token },
  );
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: number; status: string; is_paid: boolean; [key: string]: any };
}

const answer = (who: Person, session: number, action: string) =>
  t.api.post('/mentor/sessions/accept-reject/', { session, action }, { token: who.token });
const cancel = (who: Person, session: number) => t.api.post('/mentor/session/cancel/', { session }, { token: who.token });
const annotate = (who: Person, session: number, rating = 5) =>
  t.api.post('/mentor/annotate/', { session, mark_completed: true, rating }, { token: who.token });
const join = (who: Person, session: number) => t.api.get(`/mentor/session/join/?session=${session}`, { token: who.token });
const list = (who: Person, status: string, more = '') => t.api.get(`/mentor/sessions/?status=${status}${more}`, { token: who.token });

const statusOf = async (session: number) =>
  (await db().selectFrom('mentor_sessions').select('status').where('id', '=', session).executeTakeFirstOrThrow()).status;
const markPaid = (session: number) => db().updateTable('mentor_sessions').set({ is_paid: true }).where('id', '=', session).execute();
const makeBegun = (session: number) =>
  db()
    .updateTable('mentor_sessions')
    .set({ session_at: sql<Date>`now() - interval '1 hour'` })
    .where('id', '=', session)
    .execute();
const ratingsOf = async (who: Person) =>
  db().selectFrom('profiles').select(['rating_total', 'rating_count']).where('user_id', '=', who.id).executeTakeFirstOrThrow();

describe('booking and answering, as the web client goes', () => {
  it('individual and group bookings; the mentor sees them requested, accepts one and rejects the other; everyone is told live', async () => {
    const [m, a, b, c] = [await mentor(), await learner(), await learner(), await learner()];
    const [mSocket, aSocket] = [await socket(m), await socket(a)];

    const individual = await book(a, m);
    expect(individual).toEqual({
      id: expect.any(Number),
      mentor: card(m, 'mentor'),
      mentee: card(a),
      invitees: [],
      join: false,
      session_type: 'individual',
      session_at: { date: dayAhead(), time: '09:00:00' },
      discourse: 'Career Coaching',
      amount: '0USD',
      rating: 0,
      status: 'PENDING',
      // A free session (the mentor's rate is 0) is paid at booking.
      is_paid: true,
    });
    expect(await mSocket.next()).toEqual({
      id: expect.any(Number),
      type: 'session_requested',
      message: 'N/A N/A requested a mentorship session from you.',
      text: 'N/A N/A requested a mentorship session from you.',
      page: 'Mentorship Sessions',
      route: null,
      obj_id: null,
      session_id: individual.id,
      user_id: a.id,
      timestamp: expect.any(String),
      read: false,
    });

    // A group: invitees deduplicated, listed in the order given; invitees are not notified.
    const group = await book(a, m, { session_type: 'Group', invitees: [b.id, c.id, b.id], discourse: 'Mock interviews' });
    expect(group.invitees).toEqual([{ invitee: card(b) }, { invitee: card(c) }]);
    expect(group.session_type).toBe('group');
    expect((await mSocket.next()).session_id).toBe(group.id);

    for (const who of [m, a]) {
      const requested = await list(who, 'requested');
      expect(requested.status).toBe(200);
      expect(requested.body).toMatchObject({ count: 2, next: null, previous: null });
      expect(requested.body.results.map((s: { id: number }) => s.id)).toEqual([group.id, individual.id]);
    }
    const firstPage = await list(m, 'REQUESTED', '&page_size=1');
    expect(firstPage.body.next).toBe(`${t.server.url}/mentor/sessions/?status=REQUESTED&page_size=1&page=2`);
    const secondPage = await t.api.get(firstPage.body.next, { token: m.token });
    expect(secondPage.body.results.map((s: { id: number }) => s.id)).toEqual([individual.id]);
    expect(secondPage.body.previous).toBe(`${t.server.url}/mentor/sessions/?status=REQUESTED&page_size=1`);

    const invitedB = await t.api.get('/mentor/sessions/invited/', { token: b.token });
    expect(invitedB.status).toBe(200);
    expect(invitedB.body).toEqual([{ id: expect.any(Number), session: expect.objectContaining({ id: group.id, status: 'PENDING' }) }]);
    expect((await t.api.get('/mentor/sessions/invited/', { token: a.token })).body).toEqual([]);

    const accepted = await answer(m, individual.id, 'Accept');
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ session_id: individual.id, action: 'Accepted' });
    expect(await aSocket.next()).toMatchObject({
      type: 'session_accepted',
      message: 'Mentor N/A N/A accepted your mentorship request.',
      page: 'Mentorship Sessions',
      route: null,
      session_id: individual.id,
      user_id: m.id,
    });
    const rejected = await answer(m, group.id, 'reject');
    expect(rejected.status).toBe(200);
    expect(rejected.body).toEqual({ session_id: group.id, action: 'Rejected' });
    expect(await aSocket.next()).toMatchObject({
      type: 'session_rejected',
      message: 'Mentor N/A N/A rejected your mentorship request.',
      session_id: group.id,
    });

    // Accepted: the mentee's "accepted", the mentor's "scheduled"; the rejected one is history, listed nowhere.
    expect((await list(a, 'accepted')).body.results.map((s: { id: number }) => s.id)).toEqual([individual.id]);
    expect((await list(m, 'scheduled')).body.results).toEqual([
      expect.objectContaining({ id: individual.id, status: 'ACCEPTED', join: false }),
    ]);
    expect((await list(m, 'requested')).body).toMatchObject({ count: 0, results: [] });
    expect((await list(a, 'requested')).body.count).toBe(0);
    expect((await t.api.get('/mentor/sessions/invited/', { token: b.token })).body).toEqual([]);
    expect(await statusOf(group.id)).toBe('REJECTED');

    // The web client's bell lists them too.
    const inbox = await t.api.get('/notification-chat/notifications/', { token: a.token });
    expect(inbox.body.results.map((n: { text: string; page: string; route: null }) => [n.text, n.page, n.route])).toEqual([
      ['Mentor N/A N/A rejected your mentorship request.', 'Mentorship Sessions', null],
      ['Mentor N/A N/A accepted your mentorship request.', 'Mentorship Sessions', null],
    ]);
  });

  it('refuses bad bookings with the original keys, and writes nothing', async () => {
    const [m, a, b] = [await mentor(), await learner(), await learner()];
    const tables = await tableNames(db());
    const before = await databaseFingerprint(db(), tables);
    const base = { mentor: m.id, session_type: 'individual', date: dayAhead(), time: '10:30', discourse: 'Career Coaching' };
    const refused = async (body: Record<string, unknown>, by: Person = a) => {
      const response = await t.api.post('/mentor/sessions/book/', body, { token: by.token });
      expect(response.status, JSON.stringify(response.body)).toBe(400);
      expect(typeof response.body.message).toBe('string');
      return response.body;
    };
    expect(await refused({ ...base, mentor: 99_999_999 })).toEqual({
      mentor: ['Invalid pk "99999999" - object does not exist.'],
      message: 'Invalid pk "99999999" - object does not exist.',
    });
    expect((await refused({ ...base, mentor: b.id })).mentor).toEqual(['This User is not a mentor.']);
    expect((await refused(base, m)).non_field_errors).toEqual(['Cannot schedule a mentorship session with yourself.']);
    expect((await refused({ ...base, date: '2020-01-01' })).non_field_errors).toEqual(['Cannot set a mentorship date in the past.']);
    expect((await refused({ ...base, session_type: 'group' })).non_field_errors).toEqual(['Invitees must be provided in group sessions.']);
    expect((await refused({ ...base, session_type: 'group', invitees: [b.id, 99_999_998] })).invitees).toEqual([
      'No user(s) with ids [99999998]',
    ]);
    expect((await refused({ ...base, session_type: 'group', invitees: [a.id] })).invitees).toEqual(['You cannot invite yourself.']);
    expect((await refused({ ...base, session_type: 'group', invitees: Array.from({ length: 11 }, (_, i) => b.id + i) })).invitees).toEqual([
      'A session may have at most 10 invitees.',
    ]);
    expect((await refused({ ...base, session_type: 'group', invitees: 'everyone' })).invitees).toEqual([
      'invitees must be a list of valid user ids.',
    ]);
    expect((await refused({ ...base, session_type: 'panel' })).session_type).toEqual([
      '"panel" is not a valid choice. Valid options: individual, group.',
    ]);
    expect(Object.keys(await refused({ ...base, date: '2026-02-30' }))).toContain('date');
    expect(Object.keys(await refused({ ...base, time: '25:00' }))).toContain('time');
    expect(Object.keys(await refused({ ...base, discourse: '  ' }))).toContain('discourse');
    expect(Object.keys(await refused({ session_type: 'individual' }))).toEqual(
      expect.arrayContaining(['mentor', 'date', 'time', 'discourse']),
    );
    expect(await databaseFingerprint(db(), tables)).toEqual(before);

    // A form body works as well as JSON, invitees as JSON text.
    const form = await t.api.post(
      '/mentor/sessions/book/',
      { ...base, session_type: 'group', invitees: JSON.stringify([b.id]) },
      { token: a.token, encoding: 'form' },
    );
    expect(form.status, JSON.stringify(form.body)).toBe(201);
    expect(form.body.invitees).toEqual([{ invitee: card(b) }]);
  });

  it('list and join refusals: missing or unknown status, scheduled for learners, no session given', async () => {
    const a = await learner();
    expect((await t.api.get('/mentor/sessions/', { token: a.token })).body).toEqual({
      error: 'No query parameter is provided for this request.',
      message: 'No query parameter is provided for this request.',
    });
    expect((await list(a, 'pending')).body.error).toBe(
      "Invalid query parameter. Parameter can only be ['requested', 'accepted', 'scheduled', 'completed']",
    );
    const scheduled = await list(a, 'scheduled');
    expect(scheduled.status).toBe(400);
    expect(scheduled.body.error).toBe('Scheduled sessions are only available to mentors');
    expect((await list(a, 'requested', '&page=9')).status).toBe(404);
    expect((await t.api.get('/mentor/session/join/', { token: a.token })).body.error).toBe(
      'A session query parameter is required for this request',
    );
    expect((await join(a, 99_999_999)).status).toBe(404);
    expect((await answer(a, 99_999_999, 'Accept')).status).toBe(403);
    expect((await cancel(a, 99_999_999)).status).toBe(404);
  });
});

describe('completion and rating', () => {
  it('a paid session: accepted, paid, begun, joined, completed with a rating that counts once', async () => {
    const [m, a, b] = [await mentor(), await learner(), await learner()];
    await setRate(m, 5_000);
    const session = await book(a, m, { session_type: 'group', invitees: [b.id] });
    expect(session).toMatchObject({ amount: '50USD', is_paid: false, status: 'PENDING' });
    expect((await answer(m, session.id, 'Accept')).status).toBe(200);

    const unpaid = await annotate(a, session.id);
    expect(unpaid.status).toBe(400);
    expect(unpaid.body).toEqual({
      session: ['Cannot annotate a session that has not been paid for.'],
      message: 'Cannot annotate a session that has not been paid for.',
    });
    await markPaid(session.id);
    expect((await annotate(a, session.id)).body.session).toEqual(['This session has not taken place yet.']);
    expect((await join(a, session.id)).body.session).toEqual(['Not yet time for this session.']);
    expect((await cancel(a, session.id)).body.session).toEqual(['Cannot cancel an already paid session.']);
    await makeBegun(session.id);

    // Everyone of the session may enter its room; the development token is scoped to it.
    for (const [who, moderator] of [
      [m, true],
      [a, false],
      [b, false],
    ] as const) {
      const entry = await join(who, session.id);
      expect(entry.status).toBe(200);
      expect(entry.body).toEqual({
        session_id: session.id,
        room_name: expect.stringMatching(new RegExp(`^Room_${a.id}_${m.id}_[0-9a-f]{32}$`)),
        token: expect.any(String),
        provider: 'development',
      });
      expect(decodeJwt(entry.body.token)).toMatchObject({
        aud: 'jitsi',
        room: entry.body.room_name,
        context: { user: { id: `User_${who.id}`, moderator } },
      });
    }
    expect((await list(m, 'scheduled')).body.results[0]).toMatchObject({ id: session.id, join: true, is_paid: true });

    expect(
      (await t.api.post('/mentor/annotate/', { session: session.id, mark_completed: false, rating: 4 }, { token: a.token })).body
        .mark_completed,
    ).toEqual(['The session mark_completed must be True to annotate a session']);
    expect((await annotate(a, session.id, 6)).body.rating).toEqual(['A rating can only range from 1 to 5']);
    expect((await annotate(b, session.id)).status).toBe(403);
    expect(await ratingsOf(m)).toEqual({ rating_total: 0, rating_count: 0 });

    const completed = await t.api.post(
      '/mentor/annotate/',
      { session: session.id, mark_completed: 'true', rating: '4' },
      { token: a.token, encoding: 'form' },
    );
    expect(completed.status, JSON.stringify(completed.body)).toBe(200);
    expect(completed.body).toMatchObject({ id: session.id, status: 'COMPLETED', rating: 4, join: false, is_paid: true });
    expect(await ratingsOf(m)).toEqual({ rating_total: 4, rating_count: 1 });

    // Final: never completed, accepted or rejected again; the mentor rated once.
    expect((await annotate(a, session.id, 5)).body.session).toEqual(['This session has been completed.']);
    expect((await answer(m, session.id, 'Accept')).body.non_field_errors).toEqual(['This session has been completed.']);
    expect((await answer(m, session.id, 'Reject')).body.non_field_errors).toEqual(['This session has been completed.']);
    expect((await join(a, session.id)).body.session).toEqual(['This session has already been completed.']);
    expect(await ratingsOf(m)).toEqual({ rating_total: 4, rating_count: 1 });
    expect((await list(a, 'completed')).body.results).toEqual([expect.objectContaining({ id: session.id, rating: 4 })]);
    expect((await list(m, 'completed')).body.count).toBe(1);
    expect((await t.api.get('/mentor/sessions/invited/', { token: b.token })).body).toEqual([]);
  });

  it('two completions at once: one wins, the other is refused, the mentor is rated once', async () => {
    const [m, a] = [await mentor(), await learner()];
    await setRate(m, 2_500);
    for (let round = 0; round < 3; round++) {
      const session = await book(a, m);
      await answer(m, session.id, 'Accept');
      await markPaid(session.id);
      await makeBegun(session.id);
      const before = await ratingsOf(m);
      const results = await Promise.all([annotate(a, session.id, 5), annotate(a, session.id, 3)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
      const loser = results.find((r) => r.status === 400)!;
      expect(loser.body.session).toEqual(['This session has been completed.']);
      const winner = results.find((r) => r.status === 200)!;
      expect(await ratingsOf(m)).toEqual({ rating_total: before.rating_total + winner.body.rating, rating_count: before.rating_count + 1 });
    }
  });

  it('an accept racing a cancel: both decided from the state each finds, ending cancelled', async () => {
    const [m, a] = [await mentor(), await learner()];
    await setRate(m, 1_000);
    const session = await book(a, m);
    const [accepted, cancelled] = await Promise.all([answer(m, session.id, 'Accept'), cancel(a, session.id)]);
    const final = await statusOf(session.id);
    // Accepted first, then cancelled while unpaid (a cancel that lost the race reads ACCEPTED and
    // cancels that); or cancelled first, and the accept refused.
    expect(cancelled.status).toBe(200);
    expect(final).toBe('CANCELLED');
    if (accepted.status !== 200) {
      expect(accepted.body.non_field_errors).toEqual(['This session has been cancelled.']);
    }
  });

  it('a free session can be cancelled by its mentee, pending or accepted', async () => {
    const [m, a] = [await mentor(), await learner()];
    const pending = await book(a, m);
    const accepted = await book(a, m);
    expect(pending.is_paid).toBe(true);
    await answer(m, accepted.id, 'Accept');
    for (const session of [pending, accepted]) {
      const response = await cancel(a, session.id);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: 'Success', message: 'Cancelled Mentorship session' });
      expect(await statusOf(session.id)).toBe('CANCELLED');
    }
    expect((await list(a, 'requested')).body.count).toBe(0);
    expect((await list(a, 'accepted')).body.count).toBe(0);
  });
});

describe('the state machine, every action from every state by every role', () => {
  type Role = 'mentor' | 'mentee' | 'invitee' | 'stranger';
  type Action = 'accept' | 'reject' | 'cancel' | 'complete' | 'join';
  const STATES = [
    'PENDING',
    'ACCEPTED unpaid',
    'ACCEPTED paid, ahead',
    'ACCEPTED paid, begun',
    'COMPLETED',
    'REJECTED',
    'CANCELLED',
  ] as const;
  type State = (typeof STATES)[number];
  /** [status, key, message]: what each attempt answers; a 200 names the status it leaves. */
  type Expected = [number, string, string];

  const STATE_WORDS: Partial<Record<State, string>> = {
    COMPLETED: 'This session has been completed.',
    REJECTED: 'This session has been rejected.',
    CANCELLED: 'This session has been cancelled.',
  };

  // Written out from the transition table, not from the server's module.
  function expected(action: Action, state: State, role: Role): Expected {
    const final = STATE_WORDS[state];
    switch (action) {
      case 'accept':
      case 'reject':
        if (role === 'mentee' || role === 'invitee') return [403, 'detail', 'This request is only available to mentors.'];
        if (role === 'stranger') return [403, 'detail', 'This session was not initiated for you.'];
        if (state === 'PENDING') return [200, 'status', action === 'accept' ? 'ACCEPTED' : 'REJECTED'];
        return [400, 'non_field_errors', final ?? 'This session has already been accepted'];
      case 'cancel':
        if (role !== 'mentee') return [403, 'detail', "Only this session's mentee can cancel this session."];
        if (state === 'PENDING' || state === 'ACCEPTED unpaid') return [200, 'status', 'CANCELLED'];
        return [400, 'session', final ?? 'Cannot cancel an already paid session.'];
      case 'complete':
        if (role !== 'mentee') return [403, 'detail', 'This session was not initiated by you.'];
        if (state === 'ACCEPTED paid, begun') return [200, 'status', 'COMPLETED'];
        if (state === 'PENDING') return [400, 'session', 'This session has not been accepted yet.'];
        if (state === 'ACCEPTED unpaid') return [400, 'session', 'Cannot annotate a session that has not been paid for.'];
        if (state === 'ACCEPTED paid, ahead') return [400, 'session', 'This session has not taken place yet.'];
        return [400, 'session', final!];
      case 'join':
        if (role === 'stranger') return [403, 'detail', 'You are not a participant in this session.'];
        if (state === 'ACCEPTED paid, begun') return [200, 'status', 'ACCEPTED'];
        if (state === 'PENDING') return [400, 'session', 'This session has not been accepted yet.'];
        if (state === 'ACCEPTED unpaid') return [400, 'session', 'This session has not yet been paid for.'];
        if (state === 'ACCEPTED paid, ahead') return [400, 'session', 'Not yet time for this session.'];
        if (state === 'COMPLETED') return [400, 'session', 'This session has already been completed.'];
        return [400, 'session', final!];
    }
  }

  let people: Record<Role, Person>;
  let tables: string[];
  beforeAll(async () => {
    // The stranger is a mentor too, so the mentors-only check passes and the session's own check answers.
    people = { mentor: await mentor(), mentee: await learner(), invitee: await learner(), stranger: await mentor() };
    await setRate(people.mentor, 5_000);
    tables = await tableNames(db());
  });

  /** A fresh group session brought to `state` through the API (payment and time set in the database). */
  async function sessionIn(state: State) {
    const { mentor: m, mentee } = people;
    const session = await book(mentee, m, { session_type: 'group', invitees: [people.invitee.id] });
    if (state === 'REJECTED') expect((await answer(m, session.id, 'Reject')).status).toBe(200);
    if (state === 'CANCELLED') expect((await cancel(mentee, session.id)).status).toBe(200);
    if (state.startsWith('ACCEPTED') || state === 'COMPLETED') expect((await answer(m, session.id, 'Accept')).status).toBe(200);
    if (state.includes('paid,') || state === 'COMPLETED') await markPaid(session.id);
    if (state.includes('begun') || state === 'COMPLETED') await makeBegun(session.id);
    if (state === 'COMPLETED') expect((await annotate(mentee, session.id, 3)).status).toBe(200);
    expect(await statusOf(session.id)).toBe(state.split(' ')[0]);
    return session.id;
  }

  function attempt(action: Action, role: Role, session: number) {
    const who = people[role];
    if (action === 'accept' || action === 'reject') return answer(who, session, action === 'accept' ? 'Accept' : 'Reject');
    if (action === 'cancel') return cancel(who, session);
    if (action === 'complete') return annotate(who, session, 2);
    return join(who, session);
  }

  it.each(STATES)('from %s', async (state) => {
    const shared = await sessionIn(state);
    const wrong: string[] = [];
    for (const action of ['accept', 'reject', 'cancel', 'complete', 'join'] as const) {
      for (const role of ['mentor', 'mentee', 'invitee', 'stranger'] as const) {
        const [status, key, value] = expected(action, state, role);
        const changes = status === 200 && action !== 'join';
        // A change needs a session of its own; a refusal (or a join) is tried on the shared one, which must not change.
        const session = changes ? await sessionIn(state) : shared;
        const before = changes ? undefined : await databaseFingerprint(db(), tables);
        const response = await attempt(action, role, session);
        const got = `${response.status} ${JSON.stringify(response.body)}`;
        const name = `${action} by ${role}`;
        if (response.status !== status) wrong.push(`${name}: expected ${status}, got ${got}`);
        else if (status === 200) {
          if ((await statusOf(session)) !== value) wrong.push(`${name}: left ${await statusOf(session)}, expected ${value}`);
        } else {
          const found = key === 'detail' ? response.body.detail : response.body[key]?.[0];
          if (found !== value || response.body.message !== value) wrong.push(`${name}: expected ${key} "${value}", got ${got}`);
        }
        if (before) {
          if (JSON.stringify(await databaseFingerprint(db(), tables)) !== JSON.stringify(before))
            wrong.push(`${name}: the database changed`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('time zones', () => {
  it('a booking at 09:00 in Africa/Lagos is 08:00 for a viewer in UTC and 17:00 in Asia/Tokyo', async () => {
    const [m, a, b] = [await mentor(), await learner(), await learner()];
    const setZone = async (who: Person, timezone: string) =>
      expect((await t.api.request('PUT', '/user/profile-update/', { timezone }, { token: who.token })).status).toBe(201);
    await setZone(a, 'Africa/Lagos');
    await setZone(b, 'asia/tokyo');
    const date = dayAhead(5);
    const session = await book(a, m, { session_type: 'group', invitees: [b.id], date, time: '09:00' });
    expect(session.session_at).toEqual({ date, time: '09:00:00' });
    const stored = await db().selectFrom('mentor_sessions').select('session_at').where('id', '=', session.id).executeTakeFirstOrThrow();
    expect(stored.session_at.toISOString()).toBe(`${date}T08:00:00.000Z`);

    expect((await list(m, 'requested')).body.results[0].session_at).toEqual({ date, time: '08:00:00' });
    expect((await t.api.get('/mentor/sessions/invited/', { token: b.token })).body[0].session.session_at).toEqual({
      date,
      time: '17:00:00',
    });

    // Late evening in Lagos is already the next day in Tokyo.
    const late = await book(a, m, { session_type: 'group', invitees: [b.id], date, time: '23:30:00' });
    expect(late.session_at).toEqual({ date, time: '23:30:00' });
    const next = new Date(`${date}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    expect((await t.api.get('/mentor/sessions/invited/', { token: b.token })).body[0].session.session_at).toEqual({
      date: next.toISOString().slice(0, 10),
      time: '07:30:00',
    });
  });
});
