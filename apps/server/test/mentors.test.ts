import { describe, expect, it } from 'vitest';
import { sql } from '@careernexus/db';
import { MENTOR_SEARCH_CAP, RATING_WALK_CAP } from '../../../packages/api/src/mentors/service.js';
import { useServer } from './support/fixture.js';
import { PASSWORD, signUp, uniqueEmail } from './support/flows.js';
import { codeOf } from './support/mailbox.js';
import { person, type Person } from './support/people.js';

const ADMIN = `mentors.admin.${process.pid}.${Date.now()}@example.test`;
const t = useServer({ ADMIN_EMAILS: ADMIN });

/** Sign-up step 2 with an industry: the account is a mentor's. */
async function mentor(industry: string, fields: Record<string, unknown> = {}): Promise<Person> {
  const email = uniqueEmail('mentor');
  const step1 = await t.api.post('/user/signup/', { email, password1: PASSWORD, password2: PASSWORD, industry });
  expect(step1.status, JSON.stringify(step1.body)).toBe(201);
  const { otp } = codeOf(await t.mailbox.waitFor(email, 'Verify your Email'));
  const step2 = await t.api.post('/user/signup/', { email, password1: PASSWORD, password2: PASSWORD, otp, industry });
  expect(step2.status, JSON.stringify(step2.body)).toBe(201);
  const token = step2.body.access as string;
  if (Object.keys(fields).length) {
    const updated = await t.api.request('PUT', '/user/profile-update/', fields, { token });
    expect(updated.status, JSON.stringify(updated.body)).toBe(201);
  }
  const me = await t.api.get('/user/me/', { token });
  return { id: me.body.id, email, token };
}

const ids = (results: Array<{ id: number }>) => results.map((item) => item.id);
const db = () => t.server.database.db;

describe('who mentors', () => {
  it('sign-up with an industry makes a mentor, who sets the mentor fields and shows them', async () => {
    const m = await mentor('Health', {
      first_name: 'Ada',
      years_of_experience: 7,
      availability: 'Weekends',
      current_job: 'Senior Engineer',
      areas_of_expertise: ['Careers'],
      technical_skills: ['Python', 'SQL', 'Python'],
      mentorship_styles: ['1:1'],
      linkedin_url: 'https://www.linkedin.com/in/ada',
      session_rate: 50,
    });
    const me = await t.api.get('/user/me/', { token: m.token });
    expect(me.body).toMatchObject({ user_type: 'mentor', industry: 'health' });
    const own = await t.api.get('/user/retrieve-profile/', { token: m.token });
    expect(own.body).toMatchObject({
      first_name: 'Ada',
      user_type: 'mentor',
      years_of_experience: 7,
      availability: 'weekends',
      current_job: 'Senior Engineer',
      areas_of_expertise: ['Careers'],
      technical_skills: ['Python', 'SQL'],
      mentorship_styles: ['1:1'],
      linkedin_url: 'https://www.linkedin.com/in/ada',
      session_rate: '50USD',
      rating: 0,
    });
    // Someone else sees them too; a learner's profile has none of them.
    const learner = await person(t.api, t.mailbox, 'health');
    expect((await t.api.get(`/user/retrieve-profile/?user_id=${m.id}`, { token: learner.token })).body).toMatchObject({
      session_rate: '50USD',
      technical_skills: ['Python', 'SQL'],
    });
    const learnerProfile = (await t.api.get('/user/retrieve-profile/', { token: learner.token })).body;
    expect(learnerProfile).not.toHaveProperty('session_rate');
    expect(learnerProfile).not.toHaveProperty('technical_skills');

    // In a multipart form, lists come as JSON text or comma-separated.
    const form = await t.api.request(
      'PUT',
      '/user/profile-update/',
      { technical_skills: '["Go","Rust"]', areas_of_expertise: 'Hiring, Careers', years_of_experience: '8' },
      { token: m.token, encoding: 'multipart' },
    );
    expect(form.status, JSON.stringify(form.body)).toBe(201);
    expect(form.body).toMatchObject({
      technical_skills: ['Go', 'Rust'],
      areas_of_expertise: ['Hiring', 'Careers'],
      years_of_experience: 8,
      session_rate: '50USD',
    });
  });

  it('a sign-up without an industry is a learner; the user type is chosen once and never changes after', async () => {
    const { access } = await signUp(t.api, t.mailbox);
    expect((await t.api.get('/user/me/', { token: access })).body.user_type).toBe('learner');
    expect((await t.api.request('PATCH', '/user/profile-update/', { user_type: 'mentor' }, { token: access })).status).toBe(206);
    const back = await t.api.request('PATCH', '/user/profile-update/', { user_type: 'learner', industry: 'media' }, { token: access });
    expect(back.status).toBe(400);
    expect(back.body.user_type).toEqual(['The user type cannot be changed once chosen (this account is a mentor).']);
    expect(back.body.message).toEqual(expect.any(String));
    const me = (await t.api.get('/user/me/', { token: access })).body;
    expect(me).toMatchObject({ user_type: 'mentor', industry: 'others' });
    // The same type again is no change, and the industry may still change.
    expect(
      (await t.api.request('PATCH', '/user/profile-update/', { user_type: 'Mentor', industry: 'media' }, { token: access })).body,
    ).toMatchObject({ user_type: 'mentor', industry: 'media' });

    const signedUpMentor = await mentor('banking');
    expect((await t.api.request('PATCH', '/user/profile-update/', { user_type: 'employer' }, { token: signedUpMentor.token })).status).toBe(
      400,
    );
  });

  it('a learner cannot set mentor fields: 400 naming them, and nothing changes', async () => {
    const learner = await person(t.api, t.mailbox, 'media');
    const response = await t.api.request(
      'PUT',
      '/user/profile-update/',
      { first_name: 'Bob', technical_skills: ['x'], session_rate: 10 },
      { token: learner.token },
    );
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      technical_skills: ['Only mentors have this field.'],
      session_rate: ['Only mentors have this field.'],
      message: expect.stringContaining('technical_skills'),
    });
    expect((await t.api.get('/user/retrieve-profile/', { token: learner.token })).body.first_name).toBe('N/A');
  });

  it('refuses bad mentor fields with 400 naming the field', async () => {
    const m = await mentor('media');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ years_of_experience: -1 }, 'years_of_experience'],
      [{ years_of_experience: 'many' }, 'years_of_experience'],
      [{ availability: 'sometimes' }, 'availability'],
      [{ technical_skills: 5 }, 'technical_skills'],
      [{ technical_skills: { a: 1 } }, 'technical_skills'],
      [{ linkedin_url: 'not a url' }, 'linkedin_url'],
      [{ session_rate: 'abc' }, 'session_rate'],
      [{ session_rate: -5 }, 'session_rate'],
      [{ session_rate: 1.234 }, 'session_rate'],
      [{ session_rate: 10, session_rate_currency: 'dollars' }, 'session_rate_currency'],
      [{ session_rate: 10, session_rate_currency: 'XYZ' }, 'session_rate_currency'],
    ];
    for (const [body, field] of cases) {
      const response = await t.api.request('PUT', '/user/profile-update/', body, { token: m.token });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body[field], JSON.stringify(response.body)).toEqual([expect.any(String)]);
      expect(response.body.message).toEqual(expect.any(String));
    }
    expect(
      (await t.api.request('PUT', '/user/profile-update/', { technical_skills: 5 }, { token: m.token })).body.technical_skills,
    ).toEqual(['Expected a list of values.']);
  });
});

describe('discovery', () => {
  it('recommends mentors of the reader’s industry, 4 a page with absolute links, best rated first', async () => {
    const mentors = [];
    for (let i = 0; i < 5; i++) mentors.push(await mentor('agriculture', { current_job: `Farmer ${i}`, session_rate: 20 }));
    await mentor('construction');
    const learner = await person(t.api, t.mailbox, 'agriculture');
    // Ratings are kept by sessions as a sum and a count; the fifth mentor is rated 4.5, the second 2.3.
    await db().updateTable('profiles').set({ rating_total: 9, rating_count: 2 }).where('user_id', '=', mentors[4]!.id).execute();
    await db().updateTable('profiles').set({ rating_total: 7, rating_count: 3 }).where('user_id', '=', mentors[1]!.id).execute();

    const first = await t.api.get('/mentor/recommendation/', { token: learner.token });
    expect(first.status).toBe(200);
    expect(first.body.count).toBe(5);
    expect(first.body.results).toHaveLength(4);
    expect(ids(first.body.results)).toEqual([mentors[4]!.id, mentors[1]!.id, mentors[0]!.id, mentors[2]!.id]);
    expect(first.body.results[0]).toEqual({
      id: mentors[4]!.id,
      first_name: 'N/A',
      last_name: 'N/A',
      middle_name: 'N/A',
      profile_photo: expect.stringMatching(/^http/),
      qualification: '',
      industry: 'agriculture',
      current_job: 'Farmer 4',
      years_of_experience: null,
      availability: null,
      technical_skills: [],
      areas_of_expertise: [],
      session_rate: '20USD',
      rating: 4.5,
      is_saved: false,
    });
    expect(first.body.results[1].rating).toBe(2.3);
    expect(first.body.previous).toBeNull();
    const next = new URL(first.body.next);
    expect(next.origin).toBe(new URL(t.server.url).origin);
    expect(next.searchParams.get('page')).toBe('2');
    const second = await t.api.get(`${next.pathname}${next.search}`, { token: learner.token });
    expect(ids(second.body.results)).toEqual([mentors[3]!.id]);
    expect(second.body.next).toBeNull();
    expect(new URL(second.body.previous).searchParams.get('page')).toBeNull();
    expect((await t.api.get('/mentor/recommendation/?page=3', { token: learner.token })).status).toBe(404);

    // A mentor is never recommended to themselves.
    const own = await t.api.get('/mentor/recommendation/?page_size=10', { token: mentors[0]!.token });
    expect(ids(own.body.results)).not.toContain(mentors[0]!.id);
    expect(own.body.count).toBe(4);
  });

  it('a mentor moves between lists with their industry, leaves them when deactivated, and a learner who becomes one joins them', async () => {
    const moving = await mentor('entertainment', { first_name: 'Wenceslas' });
    // Onboarding: a learner's sign-up, then the mentor type and industry chosen in one change.
    const turned = await person(t.api, t.mailbox, 'entertainment', 'mentor');
    const fan = await person(t.api, t.mailbox, 'entertainment');
    const driver = await person(t.api, t.mailbox, 'transportation');
    const recommended = async (token: string) => ids((await t.api.get('/mentor/recommendation/?page_size=50', { token })).body.results);
    const found = async (text: string) => ids((await t.api.get(`/mentor/search/?text=${text}`, { token: fan.token })).body.results);
    const listedIndustry = async (id: number) =>
      (await db().selectFrom('profiles').select('mentor_industry').where('user_id', '=', id).executeTakeFirstOrThrow()).mentor_industry;

    expect(await recommended(fan.token)).toEqual([moving.id, turned.id]);
    expect(await recommended(driver.token)).toEqual([]);
    expect(await listedIndustry(fan.id)).toBeNull();

    const moved = await t.api.request('PATCH', '/user/profile-update/', { industry: 'transportation' }, { token: moving.token });
    expect(moved.status, JSON.stringify(moved.body)).toBe(206);
    expect(await listedIndustry(moving.id)).toBe('transportation');
    expect(await recommended(fan.token)).toEqual([turned.id]);
    expect(await recommended(driver.token)).toEqual([moving.id]);
    expect(await found('wenceslas')).toEqual([moving.id]);

    // Deactivated: in no list, recommendations or search; active again: back in both.
    await db().updateTable('users').set({ is_active: false }).where('id', '=', moving.id).execute();
    expect(await listedIndustry(moving.id)).toBeNull();
    expect(await recommended(driver.token)).toEqual([]);
    expect(await found('wenceslas')).toEqual([]);
    await db().updateTable('users').set({ is_active: true }).where('id', '=', moving.id).execute();
    expect(await recommended(driver.token)).toEqual([moving.id]);
    expect(await found('wenceslas')).toEqual([moving.id]);

    // The column is the users table's to set: a direct write is replaced by what users says.
    await sql`update profiles set mentor_industry = 'banking' where user_id = ${fan.id}`.execute(db());
    expect(await listedIndustry(fan.id)).toBeNull();
  });

  it('searches mentors by text, skills in any case, experience level and availability', async () => {
    const zoe = await mentor('education', {
      first_name: 'Zoë',
      last_name: 'Quinlan',
      technical_skills: ['Python', 'Django'],
      years_of_experience: 4,
      availability: 'weekdays',
    });
    const omar = await mentor('sports', {
      first_name: 'Omar',
      bio: 'Coaching sprinters since 2010',
      technical_skills: ['Coaching'],
      areas_of_expertise: ['Athletics'],
      years_of_experience: 12,
      availability: 'weekends',
    });
    const learner = await person(t.api, t.mailbox, 'media');
    const search = async (query: string) => {
      const response = await t.api.get(`/mentor/search/?${query}`, { token: learner.token });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return ids(response.body.results);
    };
    expect(await search('text=zoe')).toEqual([zoe.id]);
    expect(await search('text=QUINL')).toEqual([zoe.id]);
    expect(await search('text=sprinter')).toEqual([omar.id]);
    expect(await search('text=athletics')).toEqual([omar.id]);
    expect(await search('text=djan')).toEqual([zoe.id]);
    expect(await search('text=100%25')).toEqual([]);
    expect(await search('skills=PYTHON')).toEqual([zoe.id]);
    expect(await search('skills=python,%20django')).toEqual([zoe.id]);
    expect(await search('skills=python,coaching')).toEqual([]);
    expect(await search('experience_level=mid&skills=python')).toEqual([zoe.id]);
    expect(await search('experience_level=executive&text=omar')).toEqual([omar.id]);
    expect(await search('experience_level=senior&text=omar')).toEqual([]);
    expect(await search('availability=Weekends&text=omar')).toEqual([omar.id]);
    expect(await search('availability=weekdays&text=omar')).toEqual([]);
    const all = await search('page_size=50');
    expect(all).toEqual(expect.arrayContaining([zoe.id, omar.id]));
    expect(all).not.toContain(learner.id);

    const page = await t.api.get('/mentor/search/?text=zoe', { token: learner.token });
    expect(page.body).toMatchObject({
      count: 1,
      next: null,
      previous: null,
      results: [
        { id: zoe.id, first_name: 'Zoë', technical_skills: ['Python', 'Django'], session_rate: '0USD', rating: 0, is_saved: false },
      ],
    });

    const bad = await t.api.get('/mentor/search/?experience_level=expert', { token: learner.token });
    expect(bad.status).toBe(400);
    expect(bad.body.experience_level).toEqual(['"expert" is not a valid choice. Valid options: entry, mid, senior, executive.']);
    const badAvailability = await t.api.get('/mentor/search/?availability=never', { token: learner.token });
    expect(badAvailability.status).toBe(400);
    expect(badAvailability.body.availability).toEqual([expect.any(String)]);
    expect((await t.api.get(`/mentor/search/?text=${'a'.repeat(1001)}`, { token: learner.token })).body.text).toEqual([expect.any(String)]);
  });

  it('saves mentors once, lists and unsaves them', async () => {
    const a = await mentor('government', { current_job: 'Minister' });
    const b = await mentor('government');
    const learner = await person(t.api, t.mailbox, 'government');
    const first = await t.api.post('/mentor/save/', { mentor: a.id }, { token: learner.token });
    expect(first.status).toBe(201);
    expect(first.body.saved).toMatchObject({ id: a.id, current_job: 'Minister', is_saved: true, rating: 0, session_rate: '0USD' });
    expect((await t.api.post('/mentor/save/', { mentor: a.id }, { token: learner.token })).status).toBe(201);
    expect((await t.api.post('/mentor/save/', { mentor: String(b.id) }, { token: learner.token })).status).toBe(201);
    const rows = await db().selectFrom('saved_mentors').select('mentor_id').where('saver_id', '=', learner.id).execute();
    expect(rows.map((row) => row.mentor_id).sort()).toEqual([a.id, b.id].sort());

    const saved = await t.api.get('/mentor/save/', { token: learner.token });
    expect(saved.body.map((item: { saved: { id: number } }) => item.saved.id)).toEqual([a.id, b.id]);
    const recommended = await t.api.get('/mentor/recommendation/?page_size=10', { token: learner.token });
    expect(recommended.body.results.find((card: { id: number }) => card.id === a.id).is_saved).toBe(true);

    const unsaved = await t.api.request('DELETE', `/mentor/save/?mentor=${a.id}`, undefined, { token: learner.token });
    expect(unsaved.status).toBe(204);
    expect((await t.api.request('DELETE', `/mentor/save/?mentor=${a.id}`, undefined, { token: learner.token })).status).toBe(204);
    expect(
      (await t.api.get('/mentor/save/', { token: learner.token })).body.map((item: { saved: { id: number } }) => item.saved.id),
    ).toEqual([b.id]);

    const missing = await t.api.request('DELETE', '/mentor/save/', undefined, { token: learner.token });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      error: 'A mentor query parameter is required to Unsave a mentor.',
      message: 'A mentor query parameter is required to Unsave a mentor.',
    });
    expect((await t.api.request('DELETE', '/mentor/save/?mentor=abc', undefined, { token: learner.token })).body.mentor).toEqual([
      'A valid integer is required.',
    ]);

    const refusals: Array<[unknown, string]> = [
      [learner.id, 'Cannot save self.'],
      [(await person(t.api, t.mailbox)).id, 'This user is not a mentor.'],
      [99_999_999, 'Invalid pk "99999999" - object does not exist.'],
    ];
    for (const [mentorId, message] of refusals) {
      const response = await t.api.post('/mentor/save/', { mentor: mentorId }, { token: learner.token });
      expect(response.status).toBe(400);
      expect(response.body.mentor).toEqual([message]);
    }
    expect((await t.api.post('/mentor/save/', { mentor: 'x' }, { token: learner.token })).body.mentor).toEqual([expect.any(String)]);
    expect((await t.api.post('/mentor/save/', {}, { token: learner.token })).body.mentor).toEqual(['This field is required.']);
  });

  it('lists posts by mentors, newest first, 5 a page', async () => {
    const m = await mentor('manufacturing');
    const learner = await person(t.api, t.mailbox, 'manufacturing');
    const posted: number[] = [];
    for (let i = 0; i < 6; i++) posted.push((await t.api.post('/post/', { body: `Mentor note ${i}` }, { token: m.token })).body.post_id);
    const learnerPost = (await t.api.post('/post/', { body: 'Learner note' }, { token: learner.token })).body.post_id;
    const page = await t.api.get('/post/by-mentors/', { token: learner.token });
    expect(page.status).toBe(200);
    expect(page.body.results).toHaveLength(5);
    const mine = page.body.results.map((p: { post_id: number }) => p.post_id);
    expect(mine).not.toContain(learnerPost);
    expect(mine.filter((id: number) => posted.includes(id))).toEqual([...posted].reverse().slice(0, 5));
    expect(page.body.results[0]).toMatchObject({ profile: { id: m.id, user_type: 'mentor' }, is_self: false, can_follow: true });
    expect(new URL(page.body.next).searchParams.get('snapshot')).toEqual(expect.any(String));
  });
});

describe('prices', () => {
  it('shows prices as amount and currency, converts a submitted price once, at an administrator’s rate', async () => {
    const admin = (await signUp(t.api, t.mailbox, ADMIN)).access;
    const learner = await person(t.api, t.mailbox, 'commerce');
    const rateBody = { country: 'Nigeria', currency_name: 'Naira', currency_initials: 'ngn', exchange_rate: 1500 };
    const refused = await t.api.post('/info/exchange-rate/set/', rateBody, { token: learner.token });
    expect(refused.status).toBe(403);
    expect((await t.api.post('/info/exchange-rate/set/', { ...rateBody, country: 'Atlantis' }, { token: admin })).body.country).toEqual([
      'Invalid pk "Atlantis" - object does not exist.',
    ]);
    expect((await t.api.post('/info/exchange-rate/set/', { ...rateBody, exchange_rate: 0 }, { token: admin })).body.exchange_rate).toEqual([
      expect.any(String),
    ]);
    const set = await t.api.post('/info/exchange-rate/set/', rateBody, { token: admin });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ status: 'Set' });

    // A Nigerian mentor's 75000 is naira: 50 dollars, stored as 5000 cents.
    const m = await mentor('commerce', { country_code: '+234' });
    const update = await t.api.request('PUT', '/user/profile-update/', { session_rate: 75000 }, { token: m.token });
    expect(update.body.session_rate).toBe('75000NGN');
    const stored = await db()
      .selectFrom('profiles')
      .select(['session_rate_minor', 'session_rate_currency'])
      .where('user_id', '=', m.id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ session_rate_minor: 5000, session_rate_currency: 'USD' });
    const seenBy = async (token: string) => (await t.api.get(`/user/retrieve-profile/?user_id=${m.id}`, { token })).body.session_rate;
    expect(await seenBy(learner.token)).toBe('50USD');
    const nigerian = await person(t.api, t.mailbox, 'commerce');
    await t.api.request('PUT', '/user/profile-update/', { country_code: '+234' }, { token: nigerian.token });
    expect(await seenBy(nigerian.token)).toBe('75000NGN');
    expect(
      (await t.api.get('/mentor/recommendation/', { token: learner.token })).body.results.find((card: { id: number }) => card.id === m.id)
        .session_rate,
    ).toBe('50USD');

    // Saving the profile again leaves the price alone (the original shrank it at every save).
    await t.api.request('PUT', '/user/profile-update/', { bio: 'Trader' }, { token: m.token });
    await t.api.request('PUT', '/user/profile-update/', { bio: 'Trader and teacher' }, { token: m.token });
    expect(await seenBy(learner.token)).toBe('50USD');

    // Another currency may be named; a rate changed later does not change stored prices.
    await t.api.request('PUT', '/user/profile-update/', { session_rate: 49.5, session_rate_currency: 'usd' }, { token: m.token });
    expect(await seenBy(learner.token)).toBe('49.50USD');
    await t.api.request('PUT', '/user/profile-update/', { session_rate: 1000, session_rate_currency: 'NGN' }, { token: m.token });
    expect(await seenBy(learner.token)).toBe('0.67USD');
    await t.api.post('/info/exchange-rate/set/', { ...rateBody, exchange_rate: 3000 }, { token: admin });
    expect(await seenBy(learner.token)).toBe('0.67USD');
    expect(await seenBy(nigerian.token)).toBe('2010NGN');
  });
});

describe('search indexes', () => {
  it('the search statement uses the trigram and skills indexes once the planner would rather not scan', async () => {
    const { rows } = await sql<{ indexname: string; indexdef: string }>`
      select indexname, indexdef from pg_indexes
      where tablename = 'profiles' and indexname in ('profiles_search_text', 'profiles_skills_folded', 'profiles_mentors_by_industry', 'profiles_mentors_by_rating') order by 1`.execute(
      db(),
    );
    expect(rows.map((row) => row.indexname)).toEqual([
      'profiles_mentors_by_industry',
      'profiles_mentors_by_rating',
      'profiles_search_text',
      'profiles_skills_folded',
    ]);
    // Mentors only: learners' bios are in none of them.
    for (const row of rows) expect(row.indexdef).toMatch(/WHERE \(mentor_industry IS NOT NULL\)$/);
    const folded = await sql<{ v: string }>`select cn_fold('Zoë ÉCOLE') as v`.execute(db());
    expect(folded.rows[0]!.v).toBe('zoe ecole');
  });
});

describe('a search with more matches than its cap', () => {
  /** Mentors written directly (sign-ups are too slow for hundreds), rated `rating_total / rating_count`, in id order. */
  async function insertMentors(tag: string, rows: Array<{ bio: string; rating_total: number; rating_count: number }>) {
    const inserted = await sql<{ id: number }>`
      insert into users (email, password_hash, user_type, industry)
      select ${tag} || '.' || i || '@example.test', 'not a hash', 'mentor', 'education' from generate_series(1, ${rows.length}::int) i
      order by i returning id`.execute(db());
    const ids = inserted.rows.map((row) => Number(row.id)).sort((a, b) => a - b);
    await sql`
      insert into profiles (user_id, bio, rating_total, rating_count)
      select id, bio, rating_total, rating_count
      from unnest(${ids}::bigint[], ${rows.map((row) => row.bio)}::text[], ${rows.map((row) => row.rating_total)}::int[], ${rows.map((row) => row.rating_count)}::int[])
        as t(id, bio, rating_total, rating_count)`.execute(db());
    return ids;
  }
  /** Every page of a search, as ids, checking the count and that the page after the last is a 404. */
  async function allPages(token: string, query: string) {
    const seen: number[] = [];
    const pages = MENTOR_SEARCH_CAP / 10;
    for (let page = 1; page <= pages; page += 1) {
      const response = await t.api.get(`/mentor/search/?${query}&page=${page}`, { token });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body.count).toBe(MENTOR_SEARCH_CAP);
      seen.push(...ids(response.body.results));
    }
    expect((await t.api.get(`/mentor/search/?${query}&page=${pages + 1}`, { token })).status).toBe(404);
    return seen;
  }
  const ratedOrder = async (listed: number[]) =>
    (
      await db()
        .selectFrom('profiles')
        .select('user_id')
        .where('user_id', 'in', listed)
        .orderBy(sql`mentor_rating desc nulls last, user_id`)
        .execute()
    ).map((row) => Number(row.user_id));

  it('counts to the cap and pages the best rated of all matches, then of the capped ones past a long walk', async () => {
    const learner = await person(t.api, t.mailbox, 'media');
    const tag = `capped.${process.pid}.${Date.now()}`;
    // Five more than the cap; the best rated written last, so the index's first matches miss them.
    const matching = await insertMentors(
      `${tag}.m`,
      Array.from({ length: MENTOR_SEARCH_CAP + 5 }, (_, i) =>
        i >= MENTOR_SEARCH_CAP
          ? { bio: 'Teaches quetzalcoatl lore', rating_total: 5, rating_count: 1 }
          : { bio: 'Teaches quetzalcoatl lore', rating_total: 1 + (i % 4), rating_count: 1 },
      ),
    );
    const bestFirst = await ratedOrder(matching);
    const walked = await allPages(learner.token, 'text=quetzalcoatl');
    expect(walked).toEqual(bestFirst.slice(0, MENTOR_SEARCH_CAP));
    expect(walked.slice(0, 5)).toEqual(matching.slice(MENTOR_SEARCH_CAP));

    // More better-rated mentors than the walk reads, none matching: the list is the capped
    // matches, still in rating order, each once.
    const ahead = await insertMentors(
      `${tag}.a`,
      Array.from({ length: RATING_WALK_CAP }, () => ({ bio: 'Teaches something else', rating_total: 11, rating_count: 2 })),
    );
    const fallback = await allPages(learner.token, 'text=quetzalcoatl');
    expect(new Set(fallback).size).toBe(MENTOR_SEARCH_CAP);
    expect(fallback.every((id) => matching.includes(id))).toBe(true);
    expect(fallback).toEqual(await ratedOrder(fallback));

    await db()
      .deleteFrom('users')
      .where('id', 'in', [...matching, ...ahead])
      .execute();
  });
});
