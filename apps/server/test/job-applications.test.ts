import { createClient } from '@careernexus/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { useServer } from './support/fixture.js';
import { person, type Person } from './support/people.js';
import { multipart, PDF, PNG_1x1, SAMPLE_JOB } from './support/samples.js';
import { openSocket, wsUrl, type TestSocket } from './support/sockets.js';

const t = useServer();

const JOB = SAMPLE_JOB;

const sockets: TestSocket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});
async function notificationSocket(who: Person) {
  const socket = await openSocket(wsUrl(t.server.url, `/ws/notification/?token=${encodeURIComponent(who.token)}`));
  sockets.push(socket);
  return socket;
}

const post = async (poster: Person, fields: Record<string, unknown> = {}) => {
  const created = await t.api.post('/job/', { ...JOB, ...fields }, { token: poster.token });
  expect(created.status).toBe(201);
  return created.body as { id: number };
};
const applicationRows = () => t.server.database.db.selectFrom('job_applications').selectAll().execute();
const notificationsOf = (who: Person, type: string) =>
  t.server.database.db
    .selectFrom('notifications')
    .select(['message', 'data'])
    .where('user_id', '=', who.id)
    .where('type', '=', type)
    .execute();
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe('applying for a job', () => {
  it('applies with a cover letter, and without one; the poster is notified (stored and live) and sees the profile résumé as fallback', async () => {
    const poster = await person(t.api, t.mailbox);
    const [withLetter, without] = [await person(t.api, t.mailbox), await person(t.api, t.mailbox)];
    const job = await post(poster);
    const live = await notificationSocket(poster);

    const profile = await fetch(`${t.server.url}/user/profile-update/`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${without.token}` },
      body: multipart({ resume: { bytes: PDF, filename: 'cv.pdf', type: 'application/pdf' } }),
    });
    const profileResume = ((await profile.json()) as { resume: string }).resume;

    const applied = await t.api.post(
      '/job/apply/',
      { job: job.id, cover_letter: 'I built payment systems for five years.' },
      { token: withLetter.token },
    );
    expect(applied).toMatchObject({ status: 200, body: { application_status: 'Success' } });
    expect(await live.next((frame) => frame.type === 'job_application')).toMatchObject({
      type: 'job_application',
      job_id: job.id,
      applicant_id: withLetter.id,
      page: 'Job',
      route: `job/application/?job_id=${job.id}`,
    });
    expect((await t.api.post('/job/apply/', { job: String(job.id) }, { token: without.token, encoding: 'form' })).status).toBe(200);
    expect(await notificationsOf(poster, 'job_application')).toHaveLength(2);

    const mine = await t.api.get('/job/apply/', { token: withLetter.token });
    expect(mine.body).toEqual([
      {
        id: expect.any(Number),
        status: 'submitted',
        applied_at: expect.any(String),
        cover_letter: 'I built payment systems for five years.',
        resume: null,
        job: {
          id: job.id,
          title: JOB.title,
          employment_type: 'full_time',
          salary: JOB.salary,
          country: JOB.country,
          organization: JOB.organization,
          posted_on: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        },
      },
    ]);

    const applicants = await t.api.get(`/job/application/?job_id=${job.id}`, { token: poster.token });
    expect(applicants.status).toBe(200);
    expect(applicants.body.results.map((item: any) => [item.applicant.id, item.cover_letter, item.applicant.resume])).toEqual([
      [without.id, null, profileResume],
      [withLetter.id, 'I built payment systems for five years.', null],
    ]);
  });

  it('takes a PDF résumé as a file part, or as the URL of an uploaded file; refuses a file that is not a PDF, storing nothing', async () => {
    const poster = await person(t.api, t.mailbox);
    const [seeker, other, third] = [await person(t.api, t.mailbox), await person(t.api, t.mailbox), await person(t.api, t.mailbox)];
    const job = await post(poster);
    const applyWith = (who: Person, form: FormData) =>
      fetch(`${t.server.url}/job/apply/`, { method: 'POST', headers: { authorization: `Bearer ${who.token}` }, body: form });

    const refused = await applyWith(
      seeker,
      multipart({ job: String(job.id), resume: { bytes: PNG_1x1, filename: 'cv.pdf', type: 'application/pdf' } }),
    );
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as Record<string, unknown>).resume).toEqual(['Upload a PDF document.']);
    expect(await applicationRows().then((rows) => rows.filter((row) => row.job_id === job.id))).toEqual([]);

    const accepted = await applyWith(
      seeker,
      multipart({ job: String(job.id), cover_letter: 'Hello', resume: { bytes: PDF, filename: 'my cv.pdf', type: 'application/pdf' } }),
    );
    expect(accepted.status).toBe(200);
    const [sent] = (await t.api.get('/job/apply/', { token: seeker.token })).body;
    expect(sent.resume).toMatch(/\/documents\/[0-9a-f-]{36}\.pdf$/);
    expect(Buffer.from(await (await fetch(sent.resume)).arrayBuffer()).equals(PDF)).toBe(true);

    // In JSON, the URL of a file uploaded before.
    expect((await t.api.post('/job/apply/', { job: job.id, resume: sent.resume }, { token: other.token })).status).toBe(200);
    const foreign = await t.api.post('/job/apply/', { job: job.id, resume: 'https://example.com/cv.pdf' }, { token: third.token });
    expect(foreign.status).toBe(400);
    expect(foreign.body.resume).toBeDefined();

    const listed = await t.api.get(`/job/application/?job_id=${job.id}`, { token: poster.token });
    expect(listed.body.results.map((item: any) => item.applicant.resume)).toEqual([sent.resume, sent.resume]);
  });

  it('refuses every application §4.4 refuses, under `job`, writing nothing', async () => {
    const poster = await person(t.api, t.mailbox);
    const seeker = await person(t.api, t.mailbox);
    const open = await post(poster);
    const closed = await post(poster, { status: 'closed' });
    const draft = await post(poster, { status: 'draft' });
    const past = await post(poster, { application_deadline: isoDay(-2) });
    const lastDay = await post(poster, { application_deadline: isoDay(0) });
    expect((await t.api.post('/job/apply/', { job: open.id }, { token: seeker.token })).status).toBe(200);
    expect((await t.api.post('/job/apply/', { job: lastDay.id }, { token: seeker.token })).status).toBe(200);
    const before = await applicationRows();
    const notifiedBefore = (await notificationsOf(poster, 'job_application')).length;

    const refusals: Array<[Person, unknown, string]> = [
      [seeker, closed.id, 'This job has been closed'],
      [seeker, past.id, 'No more applications are allowed for this job.'],
      [seeker, open.id, 'You have already applied for this job.'],
      [poster, open.id, 'You cannot apply for a job you posted.'],
      [poster, draft.id, 'You cannot apply for a job you posted.'],
      // Another poster's draft is not shown to anyone else: as unknown.
      [seeker, draft.id, `Invalid pk "${draft.id}" - object does not exist.`],
      [seeker, 987_654_321, 'Invalid pk "987654321" - object does not exist.'],
    ];
    for (const [who, job, message] of refusals) {
      const refused = await t.api.post('/job/apply/', { job }, { token: who.token });
      expect([refused.status, refused.body.job]).toEqual([400, [message]]);
    }
    for (const bad of [undefined, 'abc', -1, 1.5]) {
      const refused = await t.api.post('/job/apply/', { job: bad }, { token: seeker.token });
      expect(refused.status).toBe(400);
      expect(refused.body.job).toBeDefined();
    }
    const tooLong = await t.api.post('/job/apply/', { job: closed.id, cover_letter: 'x'.repeat(5_001) }, { token: seeker.token });
    expect([tooLong.status, Object.keys(tooLong.body)]).toEqual([400, ['cover_letter', 'message']]);

    expect(await applicationRows()).toEqual(before);
    expect(await notificationsOf(poster, 'job_application')).toHaveLength(notifiedBefore);
  });

  it('two concurrent applications of the same person keep one', async () => {
    const poster = await person(t.api, t.mailbox);
    const seeker = await person(t.api, t.mailbox);
    const job = await post(poster);
    const answers = await Promise.all([1, 2, 3].map(() => t.api.post('/job/apply/', { job: job.id }, { token: seeker.token })));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400, 400]);
    expect((await applicationRows()).filter((row) => row.job_id === job.id)).toHaveLength(1);
  });
});

describe("a job's applications", () => {
  it('the poster pages through them, 10 a page, newest first; anyone else gets 403, never 401', async () => {
    const poster = await person(t.api, t.mailbox);
    const stranger = await person(t.api, t.mailbox);
    const job = await post(poster);
    const seekers: Person[] = [];
    for (let i = 0; i < 11; i++) {
      const seeker = await person(t.api, t.mailbox);
      seekers.push(seeker);
      expect((await t.api.post('/job/apply/', { job: job.id }, { token: seeker.token })).status).toBe(200);
    }
    const first = await t.api.get(`/job/application/?job_id=${job.id}`, { token: poster.token });
    expect(first.body.count).toBe(11);
    expect(first.body.results).toHaveLength(10);
    expect(first.body.results[0]).toEqual({
      id: expect.any(Number),
      status: 'submitted',
      applied_at: expect.any(String),
      cover_letter: null,
      applicant: {
        id: seekers[10]!.id,
        first_name: expect.any(String),
        last_name: expect.any(String),
        middle_name: expect.any(String),
        profile_photo: expect.stringMatching(/^https?:\/\//),
        qualification: expect.any(String),
        resume: null,
      },
    });
    expect(first.body.next).toBe(`${t.server.url}/job/application/?job_id=${job.id}&page=2`);
    const second = await t.api.get(first.body.next, { token: poster.token });
    expect(second.body.results.map((item: any) => item.applicant.id)).toEqual([seekers[0]!.id]);

    for (const path of [`/job/application/?job_id=${job.id}`, '/job/application/?job_id=987654321', '/job/application/?job_id=abc']) {
      const refused = await t.api.get(path, { token: stranger.token });
      expect([refused.status, refused.body.detail]).toEqual([403, 'Only the poster of this job may see its applications.']);
    }
    const missing = await t.api.get('/job/application/', { token: poster.token });
    expect([missing.status, missing.body.error]).toEqual([400, 'A job_id query parameter is required for this request']);

    const recent = await t.api.get('/job/application/recent/', { token: poster.token });
    expect(recent.body.map((item: any) => item.id)).toEqual(first.body.results.slice(0, 5).map((item: any) => item.id));
    expect(recent.body[0]).toMatchObject({ job_id: job.id, job_name: JOB.title, status: 'submitted', applicant: expect.any(String) });
    expect((await t.api.get('/job/application/recent/', { token: stranger.token })).body).toEqual([]);
  });

  it('the poster moves an application forward; the applicant sees the status and is notified live', async () => {
    const poster = await person(t.api, t.mailbox);
    const seeker = await person(t.api, t.mailbox);
    const stranger = await person(t.api, t.mailbox);
    const job = await post(poster);
    await t.api.post('/job/apply/', { job: job.id }, { token: seeker.token });
    const [application] = (await t.api.get('/job/apply/', { token: seeker.token })).body;
    const live = await notificationSocket(seeker);

    const put = (who: Person, status: string) =>
      t.api.request('PUT', '/job/application/status/', { application: application.id, status }, { token: who.token });
    const refusedToStranger = await put(stranger, 'shortlisted');
    expect([refusedToStranger.status, refusedToStranger.body.detail]).toEqual([
      404,
      'No application with this id was made to a job you posted.',
    ]);
    expect((await put(seeker, 'hired')).status).toBe(404);

    const moved = await put(poster, 'shortlisted');
    expect(moved).toMatchObject({ status: 200, body: { id: application.id, status: 'shortlisted' } });
    expect(await live.next((frame) => frame.type === 'application_status')).toMatchObject({
      type: 'application_status',
      job_id: job.id,
      application_id: application.id,
      status: 'shortlisted',
      message: `Your application for ${JOB.title} at ${JOB.organization} is now shortlisted.`,
      page: 'Job',
    });
    const sdk = createClient({ url: `${t.server.url}/`, getAccessToken: () => seeker.token });
    expect((await sdk.jobs.myApplications.query())[0]?.status).toBe('shortlisted');

    const backwards = await put(poster, 'reviewed');
    expect([backwards.status, backwards.body.status]).toEqual([
      400,
      ['An application that is shortlisted can move to rejected, hired, not reviewed.'],
    ]);
    expect((await put(poster, 'hired')).status).toBe(200);
    const final = await put(poster, 'rejected');
    expect([final.status, final.body.status]).toEqual([400, ['An application that is hired is final and cannot move to rejected.']]);
    expect((await put(poster, 'promoted')).status).toBe(400);
    expect((await notificationsOf(seeker, 'application_status')).map((row) => (row.data as any).status)).toEqual(['shortlisted', 'hired']);
  });
});

describe('saved jobs', () => {
  it('saving twice, even at once, keeps one row; unsaving an unsaved job is a 400; is_saved follows', async () => {
    const poster = await person(t.api, t.mailbox);
    const saver = await person(t.api, t.mailbox);
    const job = await post(poster);
    const saves = await Promise.all([1, 2].map(() => t.api.post('/job/save/', { job: job.id }, { token: saver.token })));
    expect(saves.map((save) => save.status)).toEqual([201, 201]);
    expect(saves[0]!.body.job).toMatchObject({
      id: job.id,
      title: JOB.title,
      status: 'active',
      application_deadline: null,
      is_saved: true,
    });
    const rows = await t.server.database.db.selectFrom('saved_jobs').selectAll().where('saver_id', '=', saver.id).execute();
    expect(rows).toHaveLength(1);

    expect((await t.api.get('/job/save/', { token: saver.token })).body.map((item: any) => item.job.id)).toEqual([job.id]);
    const recommended = await t.api.get('/job/recommend/', { token: saver.token });
    expect(recommended.body.results.find((item: any) => item.id === job.id)?.is_saved).toBe(true);
    expect(
      (await t.api.get('/job/recommend/', { token: poster.token })).body.results.find((item: any) => item.id === job.id)?.is_saved,
    ).toBe(false);

    expect((await t.api.request('DELETE', `/job/unsave/?job=${job.id}`, undefined, { token: saver.token })).status).toBe(204);
    const again = await t.api.request('DELETE', `/job/unsave/?job=${job.id}`, undefined, { token: saver.token });
    expect([again.status, again.body.non_field_errors]).toEqual([400, ['This job has not been previously saved.']]);
    const missing = await t.api.request('DELETE', '/job/unsave/', undefined, { token: saver.token });
    expect([missing.status, missing.body.error]).toEqual([400, 'A job query parameter is required for this request']);
    expect((await t.api.get('/job/save/', { token: saver.token })).body).toEqual([]);
    const unknown = await t.api.post('/job/save/', { job: 987_654_321 }, { token: saver.token });
    expect([unknown.status, unknown.body.job]).toEqual([400, ['Invalid pk "987654321" - object does not exist.']]);
  });
});

describe('job lifecycle', () => {
  it('deadline and status are taken and shown; ?status= filters the poster’s jobs; the status changes by the poster only', async () => {
    const poster = await person(t.api, t.mailbox);
    const stranger = await person(t.api, t.mailbox);
    const deadline = isoDay(30);
    const draft = await t.api.post('/job/', { ...JOB, application_deadline: deadline, status: 'draft' }, { token: poster.token });
    expect(draft.body).toMatchObject({ application_deadline: deadline, status: 'draft', is_saved: false });
    const active = await post(poster);

    const drafts = await t.api.get('/job/?status=draft', { token: poster.token });
    expect(drafts.body.results.map((item: any) => item.id)).toEqual([draft.body.id]);
    expect((await t.api.get('/job/', { token: poster.token })).body.results.map((item: any) => item.id)).toEqual([
      active.id,
      draft.body.id,
    ]);
    const bad = await t.api.get('/job/?status=archived', { token: poster.token });
    expect([bad.status, Object.keys(bad.body)]).toEqual([400, ['status', 'message']]);
    const badDeadline = await t.api.post('/job/', { ...JOB, application_deadline: '2026-02-30' }, { token: poster.token });
    expect([badDeadline.status, Object.keys(badDeadline.body)]).toEqual([400, ['application_deadline', 'message']]);

    const published = await t.api.request('PUT', '/job/status/update/', { job: draft.body.id, status: 'active' }, { token: poster.token });
    expect(published).toMatchObject({ status: 200, body: { id: draft.body.id, status: 'active' } });
    const refused = await t.api.request('PUT', '/job/status/update/', { job: draft.body.id, status: 'closed' }, { token: stranger.token });
    expect([refused.status, refused.body.detail]).toEqual([403, 'Only the poster of this job may change it.']);
    expect((await t.api.get('/job/?status=active', { token: poster.token })).body.count).toBe(2);
  });

  it('the poster edits a job (re-classified when its text changes); anyone else gets 403', async () => {
    const poster = await person(t.api, t.mailbox);
    const stranger = await person(t.api, t.mailbox);
    const job = await post(poster);
    const farming = {
      title: 'Farm Manager',
      overview: 'Run a cassava and maize farm: crops, harvest, irrigation, livestock and agriculture supplies.',
      description: 'Plan planting seasons, manage farm workers, tractors, fertilizer and the harvest.',
    };
    const edited = await t.api.request('PUT', `/job/?job_id=${job.id}`, farming, { token: poster.token });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ ...farming, id: job.id, organization: JOB.organization, is_saved: false, status: 'active' });
    expect(edited.body.industry).toContain('agriculture');
    const industries = await t.server.database.db.selectFrom('job_industries').select('industry').where('job_id', '=', job.id).execute();
    expect(industries.map((row) => row.industry).join(',')).toBe(edited.body.industry);

    const salaryOnly = await t.api.request('PUT', `/job/?job_id=${job.id}`, { salary: '1,000,000NGN' }, { token: poster.token });
    expect(salaryOnly.body).toMatchObject({ salary: '1,000,000NGN', industry: edited.body.industry });

    const refused = await t.api.request('PUT', `/job/?job_id=${job.id}`, { title: 'Mine now' }, { token: stranger.token });
    expect([refused.status, refused.body.detail]).toEqual([403, 'Only the poster of this job may change it.']);
    expect((await t.api.request('PUT', '/job/?job_id=987654321', { title: 'x' }, { token: poster.token })).status).toBe(404);
    expect((await t.api.request('PUT', '/job/', { title: 'x' }, { token: poster.token })).status).toBe(404);
    expect((await t.api.request('PUT', `/job/?job_id=${job.id}`, { work_type: 'underwater' }, { token: poster.token })).status).toBe(400);
  });

  it('a draft notifies matching preferences when it is published, not before', async () => {
    const poster = await person(t.api, t.mailbox);
    const seeker = await person(t.api, t.mailbox);
    const preference = {
      title: 'backend developer',
      employment_type: 'full_time',
      work_type: 'remote',
      industry: 'technology',
      experience_level: 'senior',
    };
    expect((await t.api.request('PUT', '/job/preference/', preference, { token: seeker.token })).status).toBe(200);
    const draft = await post(poster, { status: 'draft' });
    const announced = () => notificationsOf(seeker, 'job').then((rows) => rows.filter((row) => (row.data as any).job_id === draft.id));
    expect(await announced()).toEqual([]);
    await t.api.request('PUT', '/job/status/update/', { job: draft.id, status: 'active' }, { token: poster.token });
    expect(await announced()).toHaveLength(1);
    // Closing and reopening announces nothing new.
    await t.api.request('PUT', '/job/status/update/', { job: draft.id, status: 'closed' }, { token: poster.token });
    await t.api.request('PUT', `/job/?job_id=${draft.id}`, { status: 'active' }, { token: poster.token });
    expect(await announced()).toHaveLength(1);
  });

  it('recommendations show only active jobs whose deadline has not passed', async () => {
    const poster = await person(t.api, t.mailbox);
    const reader = await person(t.api, t.mailbox);
    const open = await post(poster);
    const openUntilToday = await post(poster, { application_deadline: isoDay(0) });
    const draft = await post(poster, { status: 'draft' });
    const closed = await post(poster, { status: 'closed' });
    const past = await post(poster, { application_deadline: isoDay(-1) });
    const closedLater = await post(poster);
    await t.api.request('PUT', '/job/status/update/', { job: closedLater.id, status: 'closed' }, { token: poster.token });

    const ids = (await t.api.get('/job/recommend/?page_size=50', { token: reader.token })).body.results.map((item: any) => item.id);
    expect(ids).toEqual(expect.arrayContaining([open.id, openUntilToday.id]));
    for (const hidden of [draft, closed, past, closedLater]) expect(ids).not.toContain(hidden.id);
  });
});
