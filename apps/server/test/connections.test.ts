import { describe, expect, it } from 'vitest';
import { useServer } from './support/fixture.js';
import { person, type Person } from './support/people.js';

const t = useServer();

const card = (who: Person, status: 'PENDING' | 'CONFIRMED') => ({
  first_name: 'N/A',
  last_name: 'N/A',
  middle_name: 'N/A',
  profile_photo: expect.any(String),
  qualification: '',
  status,
  user_id: who.id,
  user_type: 'learner',
});

describe('the connection lifecycle', () => {
  it('A asks B and C; B accepts, C rejects; both sides see the result; counts and analytics follow', async () => {
    const [a, b, c] = [await person(t.api, t.mailbox), await person(t.api, t.mailbox), await person(t.api, t.mailbox)];
    const toB = await t.api.post('/connection/', { connection: b.id }, { token: a.token });
    expect(toB.status).toBe(201);
    expect(toB.body).toEqual({ id: expect.any(Number), user: a.id, connection: b.id, status: 'PENDING' });
    const toC = await t.api.post('/connection/', { connection: c.id }, { token: a.token, encoding: 'form' });
    expect(toC.status).toBe(201);

    expect((await t.api.get('/connection/sent/', { token: a.token })).body).toEqual([
      { id: toC.body.id, connection: card(c, 'PENDING') },
      { id: toB.body.id, connection: card(b, 'PENDING') },
    ]);
    expect((await t.api.get('/connection/pending/', { token: b.token })).body).toEqual({
      pending_requests: [{ id: toB.body.id, connection: card(a, 'PENDING') }],
      count: 1,
    });
    expect((await t.api.get('/connection/pending/', { token: a.token })).body).toEqual({ pending_requests: [], count: 0 });

    const accepted = await t.api.post('/connection/status/', { connection_id: toB.body.id, status: 'Accept' }, { token: b.token });
    expect(accepted).toMatchObject({ status: 200, body: { status: 'Accepted' } });
    const rejected = await t.api.post('/connection/status/', { connection_id: toC.body.id, status: 'reject' }, { token: c.token });
    expect(rejected.body).toEqual({ status: 'Rejected' });

    expect((await t.api.get('/connection/', { token: a.token })).body).toEqual([{ id: toB.body.id, connection: card(b, 'CONFIRMED') }]);
    expect((await t.api.get('/connection/', { token: b.token })).body).toEqual([{ id: toB.body.id, connection: card(a, 'CONFIRMED') }]);
    expect((await t.api.get('/connection/', { token: c.token })).body).toEqual([]);
    expect((await t.api.get('/connection/count/', { token: b.token })).body).toEqual({ connections_count: 1 });
    expect((await t.api.get('/user/analytics/', { token: a.token })).body.total_connections).toBe(1);

    // C rejected, so A may ask again; then withdraw it.
    const again = await t.api.post('/connection/', { connection: c.id }, { token: a.token });
    expect(again.status).toBe(201);
    expect((await t.api.post('/connection/cancel/', { connection_id: again.body.id }, { token: a.token })).body).toEqual({
      status: 'Cancelled',
    });
    expect((await t.api.get('/connection/pending/', { token: c.token })).body).toEqual({ pending_requests: [], count: 0 });

    // Either side may end a connection.
    expect((await t.api.post('/connection/remove/', { connection_id: toB.body.id }, { token: b.token })).body).toEqual({
      status: 'Removed',
    });
    expect((await t.api.get('/connection/', { token: a.token })).body).toEqual([]);

    // B and C were told of the requests, A of the acceptance.
    const { db } = t.server.database;
    const notified = await db
      .selectFrom('notifications')
      .select(['user_id', 'type'])
      .where('user_id', 'in', [a.id, b.id, c.id])
      .orderBy('id')
      .execute();
    expect(notified).toEqual([
      { user_id: b.id, type: 'connection_request' },
      { user_id: c.id, type: 'connection_request' },
      { user_id: a.id, type: 'connection_accepted' },
      { user_id: c.id, type: 'connection_request' },
    ]);
  });

  it('refuses a second request either way, a request to oneself, and an unknown person', async () => {
    const [a, b] = [await person(t.api, t.mailbox), await person(t.api, t.mailbox)];
    await t.api.post('/connection/', { connection: b.id }, { token: a.token });
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const duplicate = await t.api.post('/connection/', { connection: to.id }, { token: from.token });
      expect(duplicate.status).toBe(400);
      expect(duplicate.body).toEqual({ error: ['Connection Initiated'], message: 'Connection Initiated' });
    }
    const self = await t.api.post('/connection/', { connection: a.id }, { token: a.token });
    expect(self.body).toEqual({ error: ['Cannot connect with self'], message: 'Cannot connect with self' });
    expect((await t.api.post('/connection/', { connection: 99999999 }, { token: a.token })).status).toBe(404);
    const rows = await t.server.database.db.selectFrom('connections').select('id').where('requester_id', 'in', [a.id, b.id]).execute();
    expect(rows).toHaveLength(1);
  });

  it('only the recipient answers; strangers see a 404; bad answers are named', async () => {
    const [a, b, stranger] = [await person(t.api, t.mailbox), await person(t.api, t.mailbox), await person(t.api, t.mailbox)];
    const request = await t.api.post('/connection/', { connection: b.id }, { token: a.token });
    const bySender = await t.api.post('/connection/status/', { connection_id: request.body.id, status: 'Accept' }, { token: a.token });
    expect(bySender.status).toBe(400);
    expect(bySender.body.non_field_errors).toEqual(['Cannot Accept/Reject']);
    const byStranger = await t.api.post(
      '/connection/status/',
      { connection_id: request.body.id, status: 'Accept' },
      { token: stranger.token },
    );
    expect(byStranger.status).toBe(404);
    expect((await t.api.post('/connection/cancel/', { connection_id: request.body.id }, { token: stranger.token })).status).toBe(404);
    const invalid = await t.api.post('/connection/status/', { connection_id: request.body.id, status: 'Maybe' }, { token: b.token });
    expect(invalid.body.status).toEqual(['"Maybe" is not a valid choice. Valid options: Accept, Reject.']);
    expect((await t.api.get('/connection/pending/', { token: b.token })).body.count).toBe(1);
    await t.api.post('/connection/status/', { connection_id: request.body.id, status: 'Accept' }, { token: b.token });
    const twice = await t.api.post('/connection/status/', { connection_id: request.body.id, status: 'Accept' }, { token: b.token });
    expect(twice.body.non_field_errors).toEqual(['Connection already accepted']);
  });
});

describe('recommendations', () => {
  it('by industry: skips self and existing connections either way, most relevant first, with last_page', async () => {
    const me = await person(t.api, t.mailbox, 'entertainment');
    const peers = [
      await person(t.api, t.mailbox, 'entertainment'),
      await person(t.api, t.mailbox, 'entertainment'),
      await person(t.api, t.mailbox, 'entertainment'),
    ];
    const other = await person(t.api, t.mailbox, 'government');
    await t.api.post('/connection/', { connection: peers[0]!.id }, { token: me.token });
    const response = await t.api.get('/connection/recommendation/?criteria=Industry&page_size=50', { token: me.token });
    expect(response.status).toBe(200);
    const ids = response.body.results.map((r: { id: number }) => r.id);
    expect(ids).toEqual(expect.arrayContaining([peers[1]!.id, peers[2]!.id]));
    expect(ids).not.toContain(peers[0]!.id);
    expect(ids).not.toContain(me.id);
    expect(ids).not.toContain(other.id);
    expect(response.body.results[0]).toEqual({
      id: expect.any(Number),
      name: 'N/A N/A',
      qualification: '',
      profile_photo: expect.any(String),
      user_type: 'learner',
    });
    expect(response.body.last_page).toBe(`${t.server.url}/connection/recommendation/?page=1`);
  });

  it('ranks by shared location and mutual connections, then by id', async () => {
    const connect = async (from: Person, to: Person) => {
      const asked = await t.api.post('/connection/', { connection: to.id }, { token: from.token });
      expect(
        (await t.api.post('/connection/status/', { connection_id: asked.body.id, status: 'Accept' }, { token: to.token })).status,
      ).toBe(200);
    };
    const setLocation = (who: Person, location: string) =>
      t.api.request('PUT', '/user/profile-update/', { location }, { token: who.token });
    const [me, friend, plain, nearby, nearbyMutual, otherIndustryMutual] = [
      await person(t.api, t.mailbox, 'law'),
      await person(t.api, t.mailbox, 'law'),
      await person(t.api, t.mailbox, 'law'),
      await person(t.api, t.mailbox, 'law'),
      await person(t.api, t.mailbox, 'law'),
      await person(t.api, t.mailbox, 'government'),
    ];
    await setLocation(me, 'Abuja');
    await setLocation(nearby, 'Wuse, Abuja');
    await setLocation(nearbyMutual, 'abuja');
    await connect(me, friend);
    await connect(friend, nearbyMutual);
    await connect(otherIndustryMutual, friend);
    const response = await t.api.get('/connection/recommendation/?criteria=industry&page_size=50', { token: me.token });
    const ids = response.body.results.map((r: { id: number }) => r.id) as number[];
    const mine = ids.filter((id) => [plain, nearby, nearbyMutual, otherIndustryMutual, friend].some((who) => who.id === id));
    // industry + location + one mutual, industry + location, industry only; not the other industry, not the friend.
    expect(mine).toEqual([nearbyMutual.id, nearby.id, plain.id]);
    expect(ids.indexOf(nearby.id)).toBeLessThan(ids.findIndex((id) => id !== nearbyMutual.id && id !== nearby.id));
  });

  it('by location: an empty location matches nobody; a set one matches people whose location contains it', async () => {
    const me = await person(t.api, t.mailbox);
    const near = await person(t.api, t.mailbox);
    await t.api.request('PUT', '/user/profile-update/', { location: 'Ikeja, Lagos' }, { token: near.token });
    const empty = await t.api.get('/connection/recommendation/?criteria=location', { token: me.token });
    expect(empty.body).toMatchObject({ count: 0, results: [] });
    await t.api.request('PUT', '/user/profile-update/', { location: 'lagos' }, { token: me.token });
    const found = await t.api.get('/connection/recommendation/?criteria=location&page_size=50', { token: me.token });
    expect(found.body.results.map((r: { id: number }) => r.id)).toContain(near.id);
  });

  it('explains a missing or unknown criteria', async () => {
    const me = await person(t.api, t.mailbox);
    const missing = await t.api.get('/connection/recommendation/', { token: me.token });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ error: 'Recommendation criteria not provided', message: 'Recommendation criteria not provided' });
    const unknown = await t.api.get('/connection/recommendation/?criteria=age', { token: me.token });
    expect(unknown.body['criteria error']).toBe('Unrecognized recommendation criteria.');
  });
});
