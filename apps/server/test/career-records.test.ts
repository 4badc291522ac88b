import { describe, expect, it } from 'vitest';
import { useServer } from './support/fixture.js';
import { signUp } from './support/flows.js';

const t = useServer();

const experience = (overrides: Record<string, unknown> = {}) => ({
  title: 'Backend Developer',
  organization: 'Acme',
  start_date: '2021-02-15',
  end_date: '2022-10-18',
  location: 'Lagos',
  employment_type: 'Onsite',
  detail: 'Built the payments service.',
  ...overrides,
});
const education = (overrides: Record<string, unknown> = {}) => ({
  course: 'Civil Engineering',
  school: 'FUNAAB',
  start_date: '2013-01-13',
  end_date: '2018-11-15',
  location: 'Abeokuta',
  detail: 'Second class upper.',
  ...overrides,
});
const certification = (overrides: Record<string, unknown> = {}) => ({
  title: 'Frontend development',
  school: 'Coursera',
  issue_date: '2023-07-04',
  cert_id: 'ABC-123',
  skills: 'Html,CSS',
  ...overrides,
});

describe('experience', () => {
  it('adds (201 with id), lists newest first, edits and deletes (204, empty body)', async () => {
    const { access: token } = await signUp(t.api, t.mailbox);
    const older = await t.api.post('/user/experience/', experience(), { token });
    expect(older.status).toBe(201);
    expect(older.body).toEqual({ id: expect.any(Number), ...experience() });
    const current = await t.api.post(
      '/user/experience',
      experience({ start_date: '2023-01-01', end_date: undefined, employment_type: 'remote' }),
      { token },
    );
    expect(current.body).toMatchObject({ end_date: 'Present', employment_type: 'Remote' });

    const list = await t.api.get('/user/experience/', { token });
    expect(list.status).toBe(200);
    expect(list.body.map((item: { id: number }) => item.id)).toEqual([current.body.id, older.body.id]);

    const edited = await t.api.request(
      'PUT',
      '/user/update-experience/',
      { id: older.body.id, title: 'Senior Backend Developer' },
      { token },
    );
    expect(edited.status).toBe(201);
    expect(edited.body).toEqual({ ...older.body, title: 'Senior Backend Developer' });

    const deleted = await fetch(new URL(`/user/experience/?experience_id=${older.body.id}`, t.server.url), {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    expect((await t.api.get('/user/experience/', { token })).body).toHaveLength(1);
  });

  it('validates dates (end may be "Present") and the employment type', async () => {
    const { access: token } = await signUp(t.api, t.mailbox);
    const present = await t.api.post('/user/experience/', experience({ end_date: 'present' }), { token });
    expect(present.body.end_date).toBe('Present');
    const bad = await t.api.post(
      '/user/experience/',
      experience({ start_date: '2021-02-30', end_date: 'soon', employment_type: 'Freelance' }),
      { token },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.start_date).toEqual(['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.']);
    expect(bad.body.end_date[0]).toMatch(/YYYY-MM-DD/);
    expect(bad.body.employment_type[0]).toBe('"Freelance" is not a valid choice. Valid options: Remote, Hybrid, Onsite.');
    const missing = await t.api.post('/user/experience/', { title: 'x' }, { token });
    expect(missing.body).toMatchObject({ organization: ['This field is required.'], detail: ['This field is required.'] });
  });

  it('explains a missing or unknown id on delete', async () => {
    const { access: token } = await signUp(t.api, t.mailbox);
    const missing = await t.api.request('DELETE', '/user/experience/', undefined, { token });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ error: 'No query parameter', message: 'No query parameter' });
    for (const id of ['424242', 'abc']) {
      const unknown = await t.api.request('DELETE', `/user/experience/?experience_id=${id}`, undefined, { token });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ detail: 'Inexistent experience', message: 'Inexistent experience' });
    }
  });
});

describe('education and certification', () => {
  it('education: adds with id, lists, edits with PUT on the same path, deletes', async () => {
    const { access: token } = await signUp(t.api, t.mailbox);
    const added = await t.api.post('/user/education/', education({ end_date: undefined }), { token });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ id: expect.any(Number), ...education(), end_date: 'Present' });
    const edited = await t.api.request(
      'PUT',
      '/user/education/',
      { id: String(added.body.id), end_date: '2019' },
      { token, encoding: 'form' },
    );
    expect(edited.status).toBe(201);
    expect(edited.body.end_date).toBe('2019');
    expect((await t.api.get('/user/education/', { token })).body).toEqual([edited.body]);
    expect((await t.api.request('DELETE', `/user/education/?education_id=${added.body.id}`, undefined, { token })).status).toBe(204);
    expect((await t.api.request('DELETE', '/user/education/', undefined, { token })).body.error).toBe('No query parameter specified');
  });

  it('certification: adds with id, lists newest first, deletes', async () => {
    const { access: token } = await signUp(t.api, t.mailbox);
    const first = await t.api.post('/user/certification/', certification(), { token });
    const second = await t.api.post('/user/certification/', certification({ issue_date: '2024-01-01', title: 'AWS' }), { token });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ id: expect.any(Number), ...certification() });
    expect((await t.api.get('/user/certification/', { token })).body.map((c: { title: string }) => c.title)).toEqual([
      'AWS',
      'Frontend development',
    ]);
    expect((await t.api.request('DELETE', `/user/certification/?certification_id=${second.body.id}`, undefined, { token })).status).toBe(
      204,
    );
    const gone = await t.api.request('DELETE', `/user/certification/?certification_id=${second.body.id}`, undefined, { token });
    expect(gone.body.detail).toBe('Inexistent certification');
  });

  it('the full profile carries all three lists', async () => {
    const { access: token } = await signUp(t.api, t.mailbox);
    await t.api.post('/user/experience/', experience(), { token });
    await t.api.post('/user/education/', education(), { token });
    await t.api.post('/user/certification/', certification(), { token });
    const profile = await t.api.get('/user/retrieve-profile/', { token });
    expect(profile.body.experience).toEqual([{ id: expect.any(Number), ...experience() }]);
    expect(profile.body.education).toEqual([{ id: expect.any(Number), ...education() }]);
    expect(profile.body.certification).toEqual([{ id: expect.any(Number), ...certification() }]);
  });
});

describe('another user’s records', () => {
  it.each([
    ['experience', '/user/experience/', '/user/update-experience/', 'experience_id', experience()],
    ['education', '/user/education/', '/user/education/', 'education_id', education()],
    ['certification', '/user/certification/', '/user/certification/', 'certification_id', certification()],
  ] as const)('%s: B can neither see, edit nor delete A’s record; A’s stays as it was', async (_name, path, updatePath, param, fields) => {
    const alice = await signUp(t.api, t.mailbox);
    const bob = await signUp(t.api, t.mailbox);
    const record = (await t.api.post(path, fields, { token: alice.access })).body;

    expect((await t.api.get(path, { token: bob.access })).body).toEqual([]);
    const edit = await t.api.request(
      'PUT',
      updatePath,
      { id: record.id, detail: 'hijacked', skills: 'hijacked', title: 'hijacked' },
      { token: bob.access },
    );
    expect(edit.status).toBe(404);
    expect(edit.body.message).toMatch(/does not exist/);
    const remove = await t.api.request('DELETE', `${path}?${param}=${record.id}`, undefined, { token: bob.access });
    expect(remove.status).toBe(404);

    expect((await t.api.get(path, { token: alice.access })).body).toEqual([record]);
  });
});
