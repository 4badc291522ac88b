import { sql, type Database, type JobStatus, type Transaction } from '@careernexus/db';
import type { Viewer } from '../auth/sessions.js';
import { classifyIndustryLabels } from '../classifier/industry.js';
import type { Context, Services } from '../context.js';
import { deliver, storeNotifications } from '../notifications/service.js';
import { COUNT_CAP } from '../posts/feed.js';
import { paginate, readCountedPage, readPage, resolvePage } from '../pagination.js';
import { onlyRow } from '../invariant.js';
import { idFromQuery } from '../validation.js';
import { editJobIdMissing, editJobUnknown, notYourJob, unknownJob } from './errors.js';

export interface NewJob {
  title: string;
  organization: string;
  employment_type: string;
  work_type: string;
  country: string;
  salary: string;
  overview: string;
  description: string;
  experience_level: string;
  industry?: string | undefined;
  application_deadline?: string | undefined;
  status?: JobStatus | undefined;
}

export interface Preference {
  title: string;
  employment_type: string;
  work_type: string;
  industry: string;
  experience_level: string;
}

const JOB_COLUMNS = [
  'id',
  'title',
  'organization',
  'employment_type',
  'work_type',
  'country',
  'salary',
  'overview',
  'description',
  'industry',
  'experience_level',
  'created_at',
  'status',
] as const;

type JobRow = {
  [K in (typeof JOB_COLUMNS)[number]]: K extends 'id' ? number : K extends 'created_at' ? Date : K extends 'status' ? JobStatus : string;
} & {
  application_deadline: string | null;
  is_saved?: boolean;
};

/** The deadline as its day (a `date` would come back as a Date at some time zone's midnight). */
const deadlineText = sql<string | null>`jobs.application_deadline::text`.as('application_deadline');
/** Whether the reader saved the job, for list items. */
const savedBy = (viewerId: number) =>
  sql<boolean>`exists (select 1 from saved_jobs s where s.saver_id = ${viewerId} and s.job_id = jobs.id)`.as('is_saved');

export const presentJob = (row: JobRow) => ({
  ...row,
  time_stamp: row.created_at.toISOString().slice(0, 10),
  is_saved: row.is_saved ?? false,
});

/** A job as list items show it, for `viewerId`; undefined when there is no such job. */
export async function readJob(services: Services, viewerId: number, jobId: number) {
  const row = await services.db
    .selectFrom('jobs')
    .select(JOB_COLUMNS)
    .select([deadlineText, savedBy(viewerId)])
    .where('id', '=', jobId)
    .executeTakeFirst();
  return row && presentJob(row);
}

/** Today's date (UTC) as deadlines are compared: a job may be applied to until the end of its deadline's day. */
export const today = (services: Services) => services.now().toISOString().slice(0, 10);

/** Words of a title, for matching "backend developer" within "Senior Backend Developer". */
const titleWords = (title: string) =>
  title
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);

/**
 * Posts a job (any signed-in user may), classified into industries when none is given, and
 * notifies everyone whose preference it matches — stored first, so offline users find it later.
 */
export async function createJob(services: Services, viewer: Viewer, input: NewJob) {
  const labels = input.industry ? [input.industry] : classifyIndustryLabels(`${input.title}. ${input.overview}. ${input.description}`);
  const { industry: _given, ...fields } = input;
  const { job, stored } = await services.db.transaction().execute(async (trx) => {
    const job = await trx
      .insertInto('jobs')
      .values({ ...fields, poster_id: viewer.id, industry: labels.join(',') })
      .returning(JOB_COLUMNS)
      .returning(deadlineText)
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('job_industries')
      .values(labels.map((industry) => ({ industry, job_id: job.id })))
      .execute();
    // A draft or closed job is news to nobody yet; a draft is announced when it is published.
    const stored = job.status === 'active' ? await storeMatches(trx, { ...job, poster_id: viewer.id }) : [];
    return { job, stored };
  });
  await deliver(services, stored);
  return presentJob(job);
}

type Announced = Pick<JobRow, 'id' | 'title' | 'organization' | 'employment_type' | 'work_type' | 'experience_level' | 'industry'> & {
  poster_id: number;
};

/** Stores a notification for everyone whose preference the job matches, inside the caller's transaction. */
async function storeMatches(trx: Transaction<Database>, job: Announced) {
  const labels = job.industry.split(',');
  const words = titleWords(job.title);
  // Preferences of the same kind of job, in one of its industries, whose title words all appear in the job's title.
  const matches = await sql<{ user_id: number }>`
    select user_id from job_preferences p
    where p.employment_type = ${job.employment_type} and p.work_type = ${job.work_type}
      and p.experience_level = ${job.experience_level} and p.industry in (${sql.join(labels)})
      and p.user_id <> ${job.poster_id}
      and not exists (
        select 1 from unnest(regexp_split_to_array(lower(p.title), '[^a-z0-9]+')) as w(word)
        where w.word <> '' and not (w.word = any(array[${sql.join(words)}]::text[])))`.execute(trx);
  return storeNotifications(
    trx,
    matches.rows.map((row) => ({
      userId: Number(row.user_id),
      type: 'job' as const,
      message: `A new job matching your preference. ${job.title} at ${job.organization}. Apply now!`,
      data: { job_id: job.id, title: job.title, organization: job.organization },
    })),
  );
}

/** Changes a job's row; a draft becoming active is announced then, as a new job would be. */
async function updateJob(
  trx: Transaction<Database>,
  jobId: number,
  previous: JobStatus,
  values: Partial<Omit<NewJob, 'industry'>> & { industry?: string },
) {
  const job = await trx
    .updateTable('jobs')
    .set(values)
    .where('id', '=', jobId)
    .returning(['id', 'title', 'organization', 'employment_type', 'work_type', 'experience_level', 'industry', 'poster_id', 'status'])
    .executeTakeFirstOrThrow();
  return previous === 'draft' && job.status === 'active' ? storeMatches(trx, job) : [];
}

export async function postedJobs(
  ctx: Context,
  viewer: Viewer,
  query: { page?: string | undefined; page_size?: string | undefined; status?: JobStatus | undefined },
) {
  const request = readPage(query);
  const { db } = ctx.services;
  const ofStatus = query.status === undefined ? sql`` : sql`and status = ${query.status}`;
  const counted = await sql<{
    n: number;
  }>`select count(*)::int as n from (select 1 from jobs where poster_id = ${viewer.id} ${ofStatus} limit ${COUNT_CAP}) j`.execute(db);
  const count = Number(counted.rows[0]?.n ?? 0);
  const page = resolvePage(request, count);
  let rows = db
    .selectFrom('jobs')
    .select(JOB_COLUMNS)
    .select([deadlineText, savedBy(viewer.id)])
    .where('poster_id', '=', viewer.id);
  if (query.status !== undefined) rows = rows.where('status', '=', query.status);
  const found = await rows
    .orderBy('id', 'desc')
    .limit(request.size)
    .offset((page - 1) * request.size)
    .execute();
  return paginate(ctx.url, page, request.size, count, found.map(presentJob));
}

type JobChanges = Partial<NewJob>;

/**
 * Changes the given fields of the poster's own job (whatever its status). A new title, overview
 * or description re-classifies its industries unless one is given; those who were notified of
 * the job are not notified again.
 */
export async function editJob(services: Services, viewer: Viewer, rawJobId: string | undefined, changes: JobChanges) {
  if (rawJobId === undefined || rawJobId.trim() === '') throw editJobIdMissing();
  const jobId = idFromQuery(rawJobId);
  if (jobId === undefined) throw editJobUnknown();
  const { industry, ...fields } = changes;
  const textChanged = fields.title !== undefined || fields.overview !== undefined || fields.description !== undefined;
  const stored = await services.db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('jobs')
      .select(['poster_id', 'title', 'overview', 'description', 'status'])
      .where('id', '=', jobId)
      .forUpdate()
      .executeTakeFirst();
    if (!current) throw editJobUnknown();
    if (current.poster_id !== viewer.id) throw notYourJob();
    const labels =
      industry !== undefined
        ? [industry]
        : textChanged
          ? classifyIndustryLabels(
              `${fields.title ?? current.title}. ${fields.overview ?? current.overview}. ${fields.description ?? current.description}`,
            )
          : undefined;
    const values = { ...fields, ...(labels ? { industry: labels.join(',') } : {}) };
    if (labels) {
      await trx.deleteFrom('job_industries').where('job_id', '=', jobId).execute();
      await trx
        .insertInto('job_industries')
        .values(labels.map((label) => ({ industry: label, job_id: jobId })))
        .execute();
    }
    return Object.keys(values).length ? updateJob(trx, jobId, current.status, values) : [];
  });
  await deliver(services, stored);
  return onlyJob(await readJob(services, viewer.id, jobId));
}

const onlyJob = <T>(job: T | undefined) => {
  // Deleted between the change and the read: as if it had never been there.
  if (!job) throw editJobUnknown();
  return job;
};

/** Publishes, closes or reopens the poster's own job: any status to any other; publishing a draft announces it. */
export async function setJobStatus(services: Services, viewer: Viewer, jobId: number, status: JobStatus) {
  const stored = await services.db.transaction().execute(async (trx) => {
    const job = await trx.selectFrom('jobs').select(['poster_id', 'status']).where('id', '=', jobId).forUpdate().executeTakeFirst();
    if (!job) throw unknownJob(jobId);
    if (job.poster_id !== viewer.id) throw notYourJob();
    return updateJob(trx, jobId, job.status, { status });
  });
  await deliver(services, stored);
  return onlyJob(await readJob(services, viewer.id, jobId));
}

/**
 * A job's title holds every one of `words` (letters and digits only) as a whole word. One cheap
 * `like` and one simple pattern per word: a single pattern of look-aheads for all of them cost
 * five times as much per job checked.
 */
const titleHasWords = (words: string[]) =>
  words.length
    ? sql.join(
        words.map((word) => sql`lower(j.title) like ${`%${word}%`} and lower(j.title) ~ ${`\\m${word}\\M`}`),
        sql` and `,
      )
    : sql`true`;

/** Recommendations list the newest this-many matching jobs, so a page costs the same at any size. */
const RECOMMENDED_JOBS_CAP = 1_000;

/**
 * Jobs for the reader, newest first: those of the reader's industry, and those matching the
 * reader's preference (kind of job, industry, title words) in any industry.
 */
export async function recommendedJobs(ctx: Context, viewer: Viewer, query: { page?: string | undefined; page_size?: string | undefined }) {
  const request = readPage(query);
  const { db } = ctx.services;
  const preference = await db.selectFrom('job_preferences').selectAll().where('user_id', '=', viewer.id).executeTakeFirst();
  // The newest matches of each kind, read once for both the count and the page: the preference
  // branch checks title words job by job, which was half the statement's cost done twice.
  // Only jobs open for applications: active, and their deadline (if any) not passed.
  const open = (alias: string) =>
    sql`${sql.ref(`${alias}.status`)} = 'active' and (${sql.ref(`${alias}.application_deadline`)} is null or ${sql.ref(`${alias}.application_deadline`)} >= ${today(ctx.services)}::date)`;
  const heads = sql`
    (select ji.job_id as id from job_industries ji join jobs o on o.id = ji.job_id
      where ji.industry = ${viewer.industry} and ${open('o')} order by ji.job_id desc limit ${RECOMMENDED_JOBS_CAP})
    ${
      preference
        ? sql`union
    (select j.id from job_industries ji join jobs j on j.id = ji.job_id
      where ji.industry = ${preference.industry} and ${open('j')} and j.employment_type = ${preference.employment_type}
        and j.work_type = ${preference.work_type} and j.experience_level = ${preference.experience_level}
        and ${titleHasWords(titleWords(preference.title))}
      order by j.id desc limit ${RECOMMENDED_JOBS_CAP})`
        : sql``
    }`;
  // The count, the page's ids and its jobs in one statement (again only for an out-of-range page).
  const read = (page: number) =>
    sql<{ count: number; jobs: Array<Omit<JobRow, 'created_at'> & { created_at: string; is_saved: boolean }> }>`
    with heads as materialized (${heads})
    select
      (select count(*)::int from heads) as count,
      coalesce((
        select json_agg(j order by j.id desc) from (
          select ${sql.join(JOB_COLUMNS.map((column) => sql.ref(`jobs.${column}`)))}, ${deadlineText}, ${savedBy(viewer.id)} from jobs
          where id in (select id from heads order by id desc limit ${request.size} offset ${(page - 1) * request.size})
        ) j
      ), '[]') as jobs`.execute(db);
  const { page, found } = await readCountedPage(request, async (page) => onlyRow((await read(page)).rows));
  // Only the day is shown (`present`), so no `timestampFromJson`: its kept JSON text would go unused.
  const jobs = found.jobs.map((job) => presentJob({ ...job, created_at: new Date(job.created_at) }));
  return paginate(ctx.url, page, request.size, found.count, jobs);
}

export async function setPreference(services: Services, viewer: Viewer, preference: Preference) {
  const row = await services.db
    .insertInto('job_preferences')
    .values({ user_id: viewer.id, ...preference })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ ...preference, updated_at: services.now() }))
    .returning(['title', 'employment_type', 'work_type', 'industry', 'experience_level'])
    .executeTakeFirstOrThrow();
  return row;
}

const NOT_SET = 'N/A';

export async function getPreference(services: Services, viewer: Viewer) {
  const row = await services.db
    .selectFrom('job_preferences')
    .select(['title', 'employment_type', 'work_type', 'industry', 'experience_level'])
    .where('user_id', '=', viewer.id)
    .executeTakeFirst();
  if (!row)
    return {
      title: NOT_SET,
      employment_type: NOT_SET,
      work_type: NOT_SET,
      industry: NOT_SET,
      experience_level: NOT_SET,
      preference_set: false,
    };
  return { ...row, preference_set: true };
}
