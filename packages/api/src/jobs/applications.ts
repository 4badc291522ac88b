import { isForeignKeyViolation, sql, type ApplicationStatus } from '@careernexus/db';
import type { Viewer } from '../auth/sessions.js';
import type { Context, Services } from '../context.js';
import { checkStoredMedia } from '../media/service.js';
import { deliver, storeNotifications } from '../notifications/service.js';
import { paginate, readPage, resolvePage } from '../pagination.js';
import { nameOf } from '../posts/read.js';
import { idFromQuery } from '../validation.js';
import {
  alreadyApplied,
  applicantsJobIdMissing,
  applyingToOwnJob,
  deadlinePassed,
  jobClosed,
  notYourJobsApplicants,
  statusTransitionRefused,
  unknownApplication,
  unknownJob,
} from './errors.js';
import { today } from './service.js';

/** Where an application may go next: forward only; rejected and hired are final. */
export const NEXT_STATUSES: Record<ApplicationStatus, readonly ApplicationStatus[]> = {
  submitted: ['reviewed', 'shortlisted', 'rejected', 'hired'],
  reviewed: ['shortlisted', 'rejected', 'hired'],
  shortlisted: ['rejected', 'hired'],
  rejected: [],
  hired: [],
};

interface Application {
  job: number;
  cover_letter?: string | undefined;
  resume?: string | undefined;
}

/**
 * Applies to an open job of someone else, once: the unique (job, applicant) pair decides between
 * two concurrent applications. The poster is notified, stored first and then live.
 */
export async function applyForJob(services: Services, viewer: Viewer, input: Application) {
  const job = await services.db
    .selectFrom('jobs')
    .select(['id', 'poster_id', 'title', 'status'])
    .select((eb) => eb.cast<string | null>('application_deadline', 'text').as('deadline'))
    .where('id', '=', input.job)
    .executeTakeFirst();
  // Another poster's draft is nobody else's business: as if it did not exist (and your own is refused as yours).
  if (!job || (job.status === 'draft' && job.poster_id !== viewer.id)) throw unknownJob(input.job);
  if (job.poster_id === viewer.id) throw applyingToOwnJob();
  if (job.status === 'closed') throw jobClosed();
  if (job.deadline !== null && job.deadline < today(services)) throw deadlinePassed();
  const resume = input.resume === undefined ? null : await checkStoredMedia(services, 'resume', 'document', input.resume);
  const applicantName = await nameOf(services, viewer.id);
  const stored = await services.db.transaction().execute(async (trx) => {
    let application;
    try {
      application = await trx
        .insertInto('job_applications')
        .values({ job_id: job.id, applicant_id: viewer.id, cover_letter: input.cover_letter ?? null, resume })
        .onConflict((oc) => oc.columns(['job_id', 'applicant_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
    } catch (error) {
      // The job was deleted meanwhile.
      if (isForeignKeyViolation(error)) throw unknownJob(input.job);
      throw error;
    }
    if (!application) throw alreadyApplied();
    return storeNotifications(trx, [
      {
        userId: job.poster_id,
        type: 'job_application',
        message: `${applicantName} applied for ${job.title}.`,
        data: { job_id: job.id, application_id: application.id, applicant_id: viewer.id },
      },
    ]);
  });
  await deliver(services, stored);
  return { application_status: 'Success' as const };
}

/** The caller's applications, newest first, each with its status. */
export async function myApplications(services: Services, viewer: Viewer) {
  const rows = await services.db
    .selectFrom('job_applications as a')
    .innerJoin('jobs as j', 'j.id', 'a.job_id')
    .select(['a.id', 'a.status', 'a.applied_at', 'a.cover_letter', 'a.resume'])
    .select(['j.id as job_id', 'j.title', 'j.employment_type', 'j.salary', 'j.country', 'j.organization', 'j.created_at'])
    .where('a.applicant_id', '=', viewer.id)
    .orderBy('a.id', 'desc')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    applied_at: row.applied_at.toISOString(),
    cover_letter: row.cover_letter,
    resume: row.resume,
    job: {
      id: row.job_id,
      title: row.title,
      employment_type: row.employment_type,
      salary: row.salary,
      country: row.country,
      organization: row.organization,
      posted_on: row.created_at.toISOString().slice(0, 10),
    },
  }));
}

/** A job's applications, newest first, 10 a page: the job's poster only (403 for anyone else, and for no such job). */
export async function jobApplicants(ctx: Context, viewer: Viewer, query: { job_id?: string | undefined; page?: string | undefined }) {
  const { services } = ctx;
  if (query.job_id === undefined || query.job_id.trim() === '') throw applicantsJobIdMissing();
  const jobId = idFromQuery(query.job_id);
  if (jobId === undefined) throw notYourJobsApplicants();
  const request = readPage({ page: query.page });
  const job = await services.db.selectFrom('jobs').select('poster_id').where('id', '=', jobId).executeTakeFirst();
  if (!job || job.poster_id !== viewer.id) throw notYourJobsApplicants();
  const { count } = await services.db
    .selectFrom('job_applications')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('job_id', '=', jobId)
    .executeTakeFirstOrThrow();
  const page = resolvePage(request, Number(count));
  const rows = await services.db
    .selectFrom('job_applications as a')
    .innerJoin('profiles as p', 'p.user_id', 'a.applicant_id')
    .select(['a.id', 'a.status', 'a.applied_at', 'a.cover_letter', 'a.resume', 'a.applicant_id'])
    .select(['p.first_name', 'p.last_name', 'p.middle_name', 'p.profile_photo', 'p.qualification', 'p.resume as profile_resume'])
    .where('a.job_id', '=', jobId)
    .orderBy('a.id', 'desc')
    .limit(request.size)
    .offset((page - 1) * request.size)
    .execute();
  const results = rows.map((row) => ({
    id: row.id,
    status: row.status,
    applied_at: row.applied_at.toISOString(),
    cover_letter: row.cover_letter,
    applicant: {
      id: row.applicant_id,
      first_name: row.first_name,
      last_name: row.last_name,
      middle_name: row.middle_name,
      profile_photo: row.profile_photo ?? services.config.DEFAULT_PROFILE_PHOTO_URL,
      qualification: row.qualification,
      // The résumé sent with the application, else the one on the applicant's profile.
      resume: row.resume ?? row.profile_resume,
    },
  }));
  return paginate(ctx.url, page, request.size, Number(count), results);
}

const RECENT_APPLICATIONS = 5;

/**
 * The newest applications across the caller's jobs: the newest few of each job, read backwards
 * from its index, then the newest of those. Walking all applications newest first and keeping the
 * caller's would read a number of rows that grows with everyone's applications.
 */
export async function recentApplicants(services: Services, viewer: Viewer) {
  const { rows } = await sql<{
    id: number;
    status: ApplicationStatus;
    applied_at: Date;
    job_id: number;
    title: string;
    first_name: string;
    last_name: string;
  }>`
    select a.id, a.status, a.applied_at, a.job_id, j.title, p.first_name, p.last_name
    from jobs j
    cross join lateral (
      select a.id, a.status, a.applied_at, a.job_id, a.applicant_id
      from job_applications a where a.job_id = j.id order by a.id desc limit ${RECENT_APPLICATIONS}
    ) a
    join profiles p on p.user_id = a.applicant_id
    where j.poster_id = ${viewer.id}
    order by a.id desc
    limit ${RECENT_APPLICATIONS}`.execute(services.db);
  return rows.map((row) => ({
    id: row.id,
    applicant: `${row.first_name} ${row.last_name}`,
    job_id: row.job_id,
    job_name: row.title,
    status: row.status,
    applied_at: row.applied_at.toISOString(),
  }));
}

/**
 * The job's poster moves an application forward (NEXT_STATUSES); the applicant is notified.
 * Anyone else's application, or none, is 404. Setting the status it already has changes nothing.
 */
export async function setApplicationStatus(services: Services, viewer: Viewer, applicationId: number, status: ApplicationStatus) {
  const stored = await services.db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('job_applications as a')
      .innerJoin('jobs as j', 'j.id', 'a.job_id')
      .select(['a.status', 'a.applicant_id', 'a.job_id', 'j.title', 'j.organization'])
      .where('a.id', '=', applicationId)
      .where('j.poster_id', '=', viewer.id)
      .forUpdate('a')
      .executeTakeFirst();
    if (!current) throw unknownApplication();
    if (current.status === status) return [];
    const allowed = NEXT_STATUSES[current.status];
    if (!allowed.includes(status)) throw statusTransitionRefused(current.status, status, allowed);
    await trx.updateTable('job_applications').set({ status }).where('id', '=', applicationId).execute();
    return storeNotifications(trx, [
      {
        userId: current.applicant_id,
        type: 'application_status',
        message: `Your application for ${current.title} at ${current.organization} is now ${status}.`,
        data: { job_id: current.job_id, application_id: applicationId, status },
      },
    ]);
  });
  await deliver(services, stored);
  return { id: applicationId, status };
}
