import { randomInt } from 'node:crypto';
import { createClient } from '@careernexus/sdk';
import { describe, expect, it } from 'vitest';
import { useServer } from './support/fixture.js';
import { person, type Person } from './support/people.js';

const t = useServer();

/** A made-up word no generated or other test name contains, capitalised: "Qorvex…". */
function uniqueWord(): string {
  const letters = 'bcdfghjklmnpqrstvwxz';
  const tail = Array.from({ length: 7 }, () => letters[randomInt(letters.length)]).join('');
  return `Q${tail}`;
}

/** A signed-up member with the given profile fields and career records' companies. */
async function member(fields: Record<string, string>, companies: string[] = []): Promise<Person> {
  const someone = await person(t.api, t.mailbox);
  const updated = await t.api.request('PUT', '/user/profile-update/', fields, { token: someone.token });
  expect(updated.status, JSON.stringify(updated.body)).toBe(201);
  for (const organization of companies) {
    const record = await t.api.post(
      '/user/experience/',
      {
        title: 'Analyst',
        organization,
        start_date: '2020-01-01',
        end_date: '2021-01-01',
        location: 'Lagos',
        employment_type: 'Onsite',
        detail: 'Reports.',
      },
      { token: someone.token },
    );
    expect(record.status, JSON.stringify(record.body)).toBe(201);
  }
  return someone;
}

const search = (keyword: string, token: string, extra = '') =>
  t.api.get(`/user/search/?keyword=${encodeURIComponent(keyword)}${extra}`, { token });
const ids = (results: Array<{ id: number }>) => results.map((item) => item.id);

describe('people search', () => {
  it('ranks a whole name first, then a name beginning, then other fields and companies by id; 4 a page with absolute links', async () => {
    const word = uniqueWord();
    // Created in the reverse of their rank, so that the ranking, not the id, orders them.
    const inBio = await member({ first_name: 'Bola', last_name: 'Ade', bio: `I worked with the ${word.toLowerCase()} team.` });
    const atCompany = await member({ first_name: 'Kemi', last_name: 'Ade' }, [`${word.toUpperCase()} Holdings`]);
    const inQualification = await member({ first_name: 'Sade', last_name: 'Ade', qualification: `Diploma, ${word} Institute` });
    const inNameMiddle = await member({ first_name: 'Tayo', last_name: `Ana${word.toLowerCase()}` });
    const namePrefix = await member({ first_name: `${word}ia`, last_name: 'Ade' });
    const wholeName = await member({ first_name: 'Ngozi', last_name: word });

    const first = await search(word.toLowerCase(), inBio.token);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.count).toBe(6);
    expect(ids(first.body.results)).toEqual([wholeName.id, namePrefix.id, inBio.id, atCompany.id]);
    expect(first.body.results[0]).toEqual({
      id: wholeName.id,
      name: `Ngozi ${word}`,
      first_name: 'Ngozi',
      middle_name: 'N/A',
      last_name: word,
      qualification: '',
      profile_photo: expect.stringMatching(/^https?:\/\//),
      user_type: 'learner',
    });
    expect(first.body.previous).toBeNull();
    const next = new URL(first.body.next as string);
    expect(next.origin).toBe(new URL(t.server.url).origin);
    expect(next.pathname).toBe('/user/search/');
    expect(next.searchParams.get('keyword')).toBe(word.toLowerCase());
    expect(next.searchParams.get('page')).toBe('2');

    const second = await t.api.get(`${next.pathname}${next.search}`, { token: inBio.token });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(ids(second.body.results)).toEqual([inQualification.id, inNameMiddle.id]);
    expect(second.body.next).toBeNull();
    expect(new URL(second.body.previous as string).searchParams.get('page')).toBeNull();

    // The same list every time: pages are stable.
    expect(ids((await search(word.toLowerCase(), inBio.token)).body.results)).toEqual(ids(first.body.results));
    // The full name is a whole-name match too, and page_size is honoured.
    const full = await search(`ngozi ${word}`, inBio.token, '&page_size=10');
    expect(ids(full.body.results)).toEqual([wholeName.id]);
    // Past the last page: DRF's 404.
    expect((await search(word, inBio.token, '&page=3')).status).toBe(404);
  });

  it('ignores case and accents, both ways, in names and companies', async () => {
    const word = uniqueWord();
    const accented = await member({ first_name: 'Ngözi', last_name: word });
    const plain = await member({ first_name: 'Ngozi', last_name: `${word}son` });
    const company = await member({ first_name: 'Ife', last_name: 'Oyo' }, [`Société ${word} Générale`]);

    const byPlain = await search(`ngozi ${word.toLowerCase()}`, plain.token);
    expect(ids(byPlain.body.results)).toEqual([accented.id, plain.id]);
    expect(ids((await search(`NGÖZI ${word.toUpperCase()}`, plain.token)).body.results)).toEqual([accented.id, plain.id]);
    // "ngo" finds both Ngozi and Ngözi (among others: the keyword is not unique).
    const ngo = await search('ngo', plain.token, '&page_size=50');
    expect(ids(ngo.body.results)).toEqual(expect.arrayContaining([accented.id, plain.id]));
    expect(ids((await search(`societe ${word.toLowerCase()} gen`, plain.token)).body.results)).toEqual([company.id]);
  });

  it('lists the caller too, and never a deactivated member', async () => {
    const word = uniqueWord();
    const caller = await member({ first_name: 'Musa', last_name: word });
    const leaving = await member({ first_name: 'Yemi', last_name: word });
    expect(ids((await search(word, caller.token)).body.results)).toEqual([caller.id, leaving.id]);
    await t.server.database.db.updateTable('users').set({ is_active: false }).where('id', '=', leaving.id).execute();
    const after = await search(word, caller.token);
    expect(after.body.count).toBe(1);
    expect(ids(after.body.results)).toEqual([caller.id]);
  });

  it('refuses a missing, too short or too long keyword with a 400 naming keyword', async () => {
    const caller = await member({ first_name: 'Ada' });
    const missing = await t.api.get('/user/search/', { token: caller.token });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ keyword: ['No keyword query param is provided.'] });
    for (const keyword of ['  ', 'ab', 'a b c', '%_%', 'ü.é']) {
      const refused = await search(keyword, caller.token);
      expect(refused.status, keyword).toBe(400);
      expect(Object.keys(refused.body as object), keyword).toContain('keyword');
    }
    const long = await search('a'.repeat(101), caller.token);
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject({ keyword: ['Ensure this field has no more than 100 characters.'] });
    // A LIKE wildcard is a character like any other.
    expect((await search('ada%', caller.token)).body.count).toBe(0);
    expect((await t.api.get('/user/search/?keyword=ada')).status).toBe(401);
  });

  it('answers the same through the SDK (/trpc)', async () => {
    const word = uniqueWord();
    const found = await member({ first_name: word, last_name: 'Eze' });
    const client = createClient({ url: t.server.url, getAccessToken: () => found.token });
    const page = await client.search.people.query({ keyword: word.toLowerCase() });
    expect(page.count).toBe(1);
    expect(page.results[0]).toMatchObject({ id: found.id, name: `${word} Eze`, user_type: 'learner' });
    await expect(client.search.people.query({ keyword: 'no' })).rejects.toThrow();
  });
});
