import { describe, expect, it } from 'vitest';
import { useServer } from './support/fixture.js';
import { SAMPLE_JOB } from './support/samples.js';
import { person, type Person } from './support/people.js';

const t = useServer();

const JOB = SAMPLE_JOB;

const PREFERENCE = {
  title: 'backend developer',
  employment_type: 'full_time',
  work_type: 'remote',
  industry: 'technology',
  experience_level: 'senior',
};

const notificationsOf = (who: Person) =>
  t.server.database.db.selectFrom('notifications').select(['type', 'message', 'data']).where('user_id', '=', who.id).execute();

describe('jobs', () => {
  it('any signed-in user posts a job (201), classified when no industry is given', async () => {
    const learner = await person(t.api, t.mailbox, 'technology', 'learner');
    const created = await t.api.post('/job/', JOB, { token: learner.token });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      ...JOB,
      work_type: 'remote',
      id: expect.any(Number),
      time_stamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    expect(created.body.industry).toContain('technology');
    const given = await t.api.post('/job/', { ...JOB, industry: 'Ariculture' }, { token: learner.token });
    expect(given.body.industry).toBe('agriculture');
  });

  it('names invalid choices with their valid options', async () => {
    const user = await person(t.api, t.mailbox);
    const response = await t.api.post(
      '/job/',
      { ...JOB, employment_type: 'gig', experience_level: 'guru', salary: '' },
      { token: user.token },
    );
    expect(response.status).toBe(400);
    expect(response.body.employment_type).toEqual([
      '"gig" is not a valid choice. Valid options: full_time, part_time, contract, internship, freelance.',
    ]);
    expect(response.body.experience_level[0]).toMatch(/Valid options: entry, mid, senior, executive/);
    expect(response.body.salary).toEqual(['This field may not be blank.']);
  });

  it('a job notifies B, whose preference matches, and not C, whose preference does not', async () => {
    const a = await person(t.api, t.mailbox);
    const b = await person(t.api, t.mailbox);
    const c = await person(t.api, t.mailbox);
    expect((await t.api.request('PUT', '/job/preference/', PREFERENCE, { token: b.token })).status).toBe(200);
    await t.api.request('PUT', '/job/preference/', { ...PREFERENCE, title: 'frontend developer' }, { token: c.token });
    await t.api.request('PUT', '/job/preference/', PREFERENCE, { token: a.token });

    const job = await t.api.post('/job/', JOB, { token: a.token });
    expect(await notificationsOf(b)).toEqual([
      {
        type: 'job',
        message: 'A new job matching your preference. Senior Backend Developer at Paystack. Apply now!',
        data: { job_id: job.body.id, title: JOB.title, organization: JOB.organization },
      },
    ]);
    expect(await notificationsOf(c)).toEqual([]);
    expect(await notificationsOf(a)).toEqual([]);
  });

  it('lists posted jobs and recommends jobs of the reader’s industry and preference, newest first', async () => {
    const poster = await person(t.api, t.mailbox, 'technology');
    const reader = await person(t.api, t.mailbox, 'health');
    const techJob = (await t.api.post('/job/', JOB, { token: poster.token })).body;
    // Title words match whole words only, all of them, in any order and case.
    const partWords = (await t.api.post('/job/', { ...JOB, title: 'Backends Developers Guild' }, { token: poster.token })).body;
    const oneWord = (await t.api.post('/job/', { ...JOB, title: 'Backend Architect' }, { token: poster.token })).body;
    const reordered = (await t.api.post('/job/', { ...JOB, title: 'DEVELOPER (backend)' }, { token: poster.token })).body;
    const nurseJob = (
      await t.api.post(
        '/job/',
        {
          ...JOB,
          title: 'Nurse',
          overview: 'Care for patients at our hospital clinic.',
          description: 'Medical ward duties.',
          industry: 'health',
        },
        { token: poster.token },
      )
    ).body;

    const posted = await t.api.get('/job/?page_size=1', { token: poster.token });
    expect(posted.body).toMatchObject({ count: 5, previous: null, results: [{ id: nurseJob.id }] });
    expect(new URL(posted.body.next).searchParams.get('page')).toBe('2');

    const before = await t.api.get('/job/recommend/?page_size=50', { token: reader.token });
    const ids = (page: { body: { results: Array<{ id: number }> } }) => page.body.results.map((j) => j.id);
    expect(ids(before)).toContain(nurseJob.id);
    expect(ids(before)).not.toContain(techJob.id);
    await t.api.request('PUT', '/job/preference/', PREFERENCE, { token: reader.token });
    const after = await t.api.get('/job/recommend/?page_size=50', { token: reader.token });
    expect(ids(after).indexOf(nurseJob.id)).toBeLessThan(ids(after).indexOf(techJob.id));
    expect(ids(after)).toContain(techJob.id);
    expect(ids(after)).toContain(reordered.id);
    expect(ids(after)).not.toContain(partWords.id);
    expect(ids(after)).not.toContain(oneWord.id);
  });

  it('preference: N/A until set, then the values; a refused PUT stores nothing', async () => {
    const user = await person(t.api, t.mailbox);
    const unset = {
      title: 'N/A',
      employment_type: 'N/A',
      work_type: 'N/A',
      industry: 'N/A',
      experience_level: 'N/A',
      preference_set: false,
    };
    expect((await t.api.get('/job/preference/', { token: user.token })).body).toEqual(unset);
    const refused = await t.api.request('PUT', '/job/preference/', { ...PREFERENCE, work_type: 'moon' }, { token: user.token });
    expect(refused.status).toBe(400);
    expect((await t.api.get('/job/preference/', { token: user.token })).body).toEqual(unset);
    const saved = await t.api.request('PUT', '/job/preference/', { ...PREFERENCE, industry: 'Technology' }, { token: user.token });
    expect(saved.body).toEqual(PREFERENCE);
    expect((await t.api.get('/job/preference/', { token: user.token })).body).toEqual({ ...PREFERENCE, preference_set: true });
  });
});
