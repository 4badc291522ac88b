import { describe, expect, it } from 'vitest';
import { useServer } from './support/fixture.js';
import { signUp } from './support/flows.js';
import { person, type Person } from './support/people.js';

const t = useServer();

const PERSONAL_KEYS = [
  'first_name',
  'last_name',
  'middle_name',
  'country_code',
  'phone_number',
  'profile_photo',
  'cover_photo',
  'qualification',
  'intro_video',
  'location',
  'bio',
  'position',
  'summary',
  'timezone',
  'resume',
];

describe('retrieve-profile', () => {
  it('shows a new account’s own profile with its defaults, e-mail and type', async () => {
    const { access, email } = await signUp(t.api, t.mailbox);
    const response = await t.api.get('/user/retrieve-profile/', { token: access });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      first_name: 'N/A',
      last_name: 'N/A',
      middle_name: 'N/A',
      country_code: '+000',
      phone_number: '00000000000',
      profile_photo: `${t.server.url}/static/default-profile.png`,
      cover_photo: `${t.server.url}/static/default-cover.png`,
      bio: '',
      intro_video: '',
      email,
      user_type: 'learner',
      industry: 'others',
      experience: [],
      education: [],
      certification: [],
      followers: 0,
      followings: 0,
      timezone: 'UTC',
      can_message: false,
      can_follow: false,
    });
    expect(Object.keys(response.body)).toEqual(expect.arrayContaining(PERSONAL_KEYS));
  });

  it('shows another person’s profile by user id, without their e-mail when they hide it, and counts the view once a day', async () => {
    const alice = await signUp(t.api, t.mailbox);
    const bob = await signUp(t.api, t.mailbox);
    expect((await t.api.request('PUT', '/user/settings/', { show_email: false }, { token: alice.access })).status).toBe(200);
    const aliceId = (await t.api.get('/user/retrieve-profile/', { token: alice.access })).body.id;
    for (let i = 0; i < 2; i++) {
      const response = await t.api.get(`/user/retrieve-profile/?user_id=${aliceId}`, { token: bob.access });
      expect(response.status).toBe(200);
      expect(response.body.id).toBe(aliceId);
      expect(response.body).not.toHaveProperty('email');
    }
    await t.api.get(`/user/retrieve-profile/?user_id=${aliceId}`, { token: alice.access });
    const analytics = await t.api.get('/user/analytics/', { token: alice.access });
    expect(analytics.body).toEqual({ total_posts: 0, total_views: 1, total_connections: 0 });
  });

  it('counts followers and followings from the follow table', async () => {
    const alice = await signUp(t.api, t.mailbox);
    const bob = await signUp(t.api, t.mailbox);
    const carol = await signUp(t.api, t.mailbox);
    const idOf = async (token: string) => (await t.api.get('/user/retrieve-profile/', { token })).body.id as number;
    const [a, b, c] = [await idOf(alice.access), await idOf(bob.access), await idOf(carol.access)];
    await t.server.database.db
      .insertInto('follows')
      .values([
        { follower_id: b, following_id: a },
        { follower_id: c, following_id: a },
        { follower_id: a, following_id: c },
      ])
      .execute();
    const profile = await t.api.get(`/user/retrieve-profile/?user_id=${a}`, { token: bob.access });
    expect(profile.body).toMatchObject({ followers: 2, followings: 1 });
  });

  it.each(['999999999', 'abc', '-1'])('answers user_id=%s with 404', async (userId) => {
    const { access } = await signUp(t.api, t.mailbox);
    const response = await t.api.get(`/user/retrieve-profile/?user_id=${userId}`, { token: access });
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: 'Invalid User Id', detail: 'Invalid User Id', message: 'Invalid User Id' });
  });

  it('needs a signed-in user', async () => {
    expect((await t.api.get('/user/retrieve-profile/')).status).toBe(401);
  });
});

describe('profile-update', () => {
  it('PUT changes only the fields sent and answers 201 with the personal profile', async () => {
    const { access } = await signUp(t.api, t.mailbox);
    const response = await t.api.request(
      'PUT',
      '/user/profile-update/',
      { first_name: 'Ada', last_name: 'Obi', country_code: '+234', phone_number: '9069102522', bio: 'Engineer', profile: 'ignored' },
      { token: access },
    );
    expect(response.status).toBe(201);
    expect(Object.keys(response.body)).toEqual(PERSONAL_KEYS);
    expect(response.body).toMatchObject({ first_name: 'Ada', last_name: 'Obi', middle_name: 'N/A', country_code: '+234', bio: 'Engineer' });
    const again = await t.api.request('PUT', '/user/profile-update/', { position: 'CTO' }, { token: access });
    expect(again.body).toMatchObject({ first_name: 'Ada', bio: 'Engineer', position: 'CTO' });
  });

  it('accepts a multipart form without files, where empty values mean "unchanged"', async () => {
    const { access } = await signUp(t.api, t.mailbox);
    await t.api.request('PUT', '/user/profile-update/', { bio: 'First' }, { token: access });
    const response = await t.api.request(
      'PUT',
      '/user/profile-update/',
      { bio: '', summary: 'null', location: 'Lagos' },
      { token: access, encoding: 'multipart' },
    );
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ bio: 'First', summary: '', location: 'Lagos' });
  });

  it('names each invalid field', async () => {
    const { access } = await signUp(t.api, t.mailbox);
    const response = await t.api.request(
      'PUT',
      '/user/profile-update/',
      { first_name: '', country_code: 'Nigeria', phone_number: 'call me', bio: 'x'.repeat(4001) },
      { token: access },
    );
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      first_name: ['This field may not be blank.'],
      country_code: ['Enter a dialling code such as +234.'],
      phone_number: ['Enter a phone number of digits, spaces or dashes.'],
      bio: ['Ensure this field has no more than 4000 characters.'],
    });
    expect((await t.api.get('/user/retrieve-profile/', { token: access })).body.first_name).toBe('N/A');
  });

  it('PATCH sets industry and user type case-insensitively, with old spellings, and answers 206', async () => {
    const { access, email } = await signUp(t.api, t.mailbox);
    const response = await t.api.request(
      'PATCH',
      '/user/profile-update/',
      { industry: 'Ariculture', user_type: 'Employer' },
      { token: access },
    );
    expect(response.status).toBe(206);
    expect(response.body).toEqual({ industry: 'agriculture', user_type: 'employer', email });
    const sport = await t.api.request('PATCH', '/user/profile-update/', { industry: 'sport' }, { token: access });
    expect(sport.body.industry).toBe('sports');
    const unchanged = await t.api.request('PATCH', '/user/profile-update/', {}, { token: access });
    expect(unchanged.body).toEqual({ industry: 'sports', user_type: 'employer', email });
    const profile = await t.api.get('/user/retrieve-profile/', { token: access });
    expect(profile.body).toMatchObject({ industry: 'sports', user_type: 'employer' });
  });

  it('PATCH refuses an unknown choice, naming the valid options', async () => {
    const { access } = await signUp(t.api, t.mailbox);
    const response = await t.api.request('PATCH', '/user/profile-update/', { industry: 'piracy' }, { token: access });
    expect(response.status).toBe(400);
    expect(response.body.industry[0]).toMatch(/^"piracy" is not a valid choice\. Valid options: banking, .*technology/);
  });
});

describe('time zone', () => {
  const update = (who: Person, timezone: string, encoding?: 'multipart') =>
    t.api.request('PUT', '/user/profile-update/', { timezone }, { token: who.token, ...(encoding ? { encoding } : {}) });
  const timezoneOf = async (who: Person) => (await t.api.get('/user/retrieve-profile/', { token: who.token })).body.timezone;

  it('is UTC by default and set by PUT, on one’s own profile and as others see it', async () => {
    const ada = await person(t.api, t.mailbox);
    const bob = await person(t.api, t.mailbox);
    expect(await timezoneOf(ada)).toBe('UTC');
    const response = await update(ada, 'Africa/Lagos');
    expect(response.status).toBe(201);
    expect(response.body.timezone).toBe('Africa/Lagos');
    expect(await timezoneOf(ada)).toBe('Africa/Lagos');
    expect((await t.api.get(`/user/retrieve-profile/?user_id=${ada.id}`, { token: bob.token })).body.timezone).toBe('Africa/Lagos');
  });

  it('is matched in any case and stored in the canonical spelling, also from a multipart form', async () => {
    const ada = await person(t.api, t.mailbox);
    expect((await update(ada, ' africa/lagos ')).body.timezone).toBe('Africa/Lagos');
    expect((await update(ada, 'utc', 'multipart')).body.timezone).toBe('UTC');
    expect(await timezoneOf(ada)).toBe('UTC');
    // Links and newer names the runtime's list leaves out are stored as the listed zone they resolve to.
    const listed = (await t.api.get('/info/choice-data/?field_name=timezones', { token: ada.token })).body['Valid options'] as string[];
    for (const link of ['US/Pacific', 'Asia/Kolkata']) {
      const stored = (await update(ada, link)).body.timezone;
      expect(listed, link).toContain(stored);
    }
    expect(await timezoneOf(ada)).toBe((await update(ada, 'Asia/Kolkata')).body.timezone);
  });

  it.each([
    ['Pacific Time', 'America/Los_Angeles'],
    ['eastern time', 'America/New_York'],
    ['Central Time', 'America/Chicago'],
    ['Mountain Time', 'America/Denver'],
    ['GMT', 'UTC'],
  ])('takes the web client’s label %s as %s', async (label, zone) => {
    const ada = await person(t.api, t.mailbox);
    expect((await update(ada, label)).status).toBe(201);
    expect(await timezoneOf(ada)).toBe(zone);
  });

  it.each(['Mars/Base', '', 'Africa', 'x'.repeat(101)])('refuses %j naming the field and changes nothing', async (timezone) => {
    const ada = await person(t.api, t.mailbox);
    await update(ada, 'Africa/Lagos');
    const response = await t.api.request('PUT', '/user/profile-update/', { timezone, bio: 'Changed' }, { token: ada.token });
    expect(response.status).toBe(400);
    const message =
      timezone.length > 100 ? 'Ensure this field has no more than 100 characters.' : `"${timezone}" is not a valid time zone.`;
    expect(response.body).toEqual({ timezone: [message], message: `timezone: ${message}` });
    const profile = (await t.api.get('/user/retrieve-profile/', { token: ada.token })).body;
    expect(profile).toMatchObject({ timezone: 'Africa/Lagos', bio: '' });
  });

  it('choice-data lists the runtime’s time zones with UTC, sorted', async () => {
    const ada = await person(t.api, t.mailbox);
    const names = await t.api.get('/info/choice-data/', { token: ada.token });
    expect(names.body.field_names).toContain('timezones');
    const response = await t.api.get('/info/choice-data/?field_name=timezones', { token: ada.token });
    expect(response.status).toBe(200);
    expect(response.body.field_name).toBe('timezones');
    const zones: string[] = response.body['Valid options'];
    expect(zones).toEqual(expect.arrayContaining(['Africa/Lagos', 'UTC', 'America/Los_Angeles']));
    expect(zones).toEqual([...zones].sort());
    expect(zones.length).toBeGreaterThan(300);
  });
});

describe('can_message and can_follow', () => {
  const view = async (viewer: Person, viewed: Person) => {
    const response = await t.api.get(`/user/retrieve-profile/?user_id=${viewed.id}`, { token: viewer.token });
    expect(response.status).toBe(200);
    return { can_message: response.body.can_message, can_follow: response.body.can_follow };
  };

  it('can_message once a connection is confirmed, either way, and not while it is pending', async () => {
    const ada = await person(t.api, t.mailbox);
    const bob = await person(t.api, t.mailbox);
    expect(await view(ada, bob)).toEqual({ can_message: false, can_follow: true });
    const request = await t.api.post('/connection/', { connection: bob.id }, { token: ada.token });
    expect(request.status).toBe(201);
    expect((await view(ada, bob)).can_message).toBe(false);
    expect((await view(bob, ada)).can_message).toBe(false);
    const accepted = await t.api.post('/connection/status/', { connection_id: request.body.id, status: 'Accept' }, { token: bob.token });
    expect(accepted.status).toBe(200);
    expect((await view(ada, bob)).can_message).toBe(true);
    expect((await view(bob, ada)).can_message).toBe(true);
    const stranger = await person(t.api, t.mailbox);
    expect((await view(stranger, ada)).can_message).toBe(false);
  });

  it('can_follow until one follows, and again after unfollowing', async () => {
    const ada = await person(t.api, t.mailbox);
    const bob = await person(t.api, t.mailbox);
    expect((await view(ada, bob)).can_follow).toBe(true);
    expect((await t.api.post('/follow/', { user_following: bob.id }, { token: ada.token })).status).toBe(201);
    expect((await view(ada, bob)).can_follow).toBe(false);
    expect((await view(bob, ada)).can_follow).toBe(true);
    expect((await t.api.post('/unfollow/', { user_following: bob.id }, { token: ada.token })).status).toBe(200);
    expect((await view(ada, bob)).can_follow).toBe(true);
  });

  it('both are false on one’s own profile, with or without user_id', async () => {
    const ada = await person(t.api, t.mailbox);
    expect(await view(ada, ada)).toEqual({ can_message: false, can_follow: false });
    const own = await t.api.get('/user/retrieve-profile/', { token: ada.token });
    expect(own.body).toMatchObject({ can_message: false, can_follow: false });
  });
});

describe('analytics and completion', () => {
  it('analytics counts posts (reposts included) and confirmed connections on either side', async () => {
    const alice = await signUp(t.api, t.mailbox);
    const bob = await signUp(t.api, t.mailbox);
    const carol = await signUp(t.api, t.mailbox);
    const idOf = async (token: string) => (await t.api.get('/user/retrieve-profile/', { token })).body.id as number;
    const [a, b, c] = [await idOf(alice.access), await idOf(bob.access), await idOf(carol.access)];
    const { db } = t.server.database;
    const post = await db.insertInto('posts').values({ author_id: a, body: 'hello' }).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('posts').values({ author_id: a, parent_id: post.id }).execute();
    await db.insertInto('posts').values({ author_id: b, body: 'not mine' }).execute();
    await db
      .insertInto('connections')
      .values([
        { requester_id: a, recipient_id: b, status: 'accepted' },
        { requester_id: c, recipient_id: a, status: 'accepted' },
      ])
      .execute();
    await db.insertInto('connections').values({ requester_id: b, recipient_id: c, status: 'pending' }).execute();
    const response = await t.api.get('/user/analytics/', { token: alice.access });
    expect(response.body).toEqual({ total_posts: 2, total_views: 0, total_connections: 2 });
  });

  it('a new profile, default photo included, is 0% complete', async () => {
    const { access } = await signUp(t.api, t.mailbox);
    const response = await t.api.get('/user/completion/', { token: access });
    expect(response.body).toEqual({
      completion: 0,
      incomplete_items: ['profile_photo', 'intro_video', 'experience', 'certification', 'bio', 'education'],
      complete_items: [],
    });
  });

  it('weights experience 20, education 20, certification 15 and bio 15', async () => {
    const { access } = await signUp(t.api, t.mailbox);
    await t.api.post(
      '/user/experience/',
      { title: 'Dev', organization: 'Acme', start_date: '2020-01-01', location: 'Lagos', employment_type: 'Remote', detail: 'Built it' },
      { token: access },
    );
    expect((await t.api.get('/user/completion/', { token: access })).body.completion).toBe(20);
    await t.api.post(
      '/user/education/',
      { course: 'CS', school: 'Unilag', start_date: '2015', location: 'Lagos', detail: 'BSc' },
      { token: access },
    );
    expect((await t.api.get('/user/completion/', { token: access })).body.completion).toBe(40);
    await t.api.post(
      '/user/certification/',
      { title: 'AWS', school: 'Amazon', issue_date: '2022-01-01', cert_id: 'X1', skills: 'Cloud' },
      { token: access },
    );
    await t.api.request('PUT', '/user/profile-update/', { bio: 'Hi' }, { token: access });
    const response = await t.api.get('/user/completion/', { token: access });
    expect(response.body).toEqual({
      completion: 70,
      incomplete_items: ['profile_photo', 'intro_video'],
      complete_items: ['experience', 'certification', 'bio', 'education'],
    });
  });
});
