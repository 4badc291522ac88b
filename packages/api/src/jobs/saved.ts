import { isForeignKeyViolation } from '@careernexus/db';
import type { Viewer } from '../auth/sessions.js';
import type { Services } from '../context.js';
import { idFromQuery } from '../validation.js';
import { jobIdNotAnInteger, jobNotSaved, unknownJob, unsaveJobMissing } from './errors.js';
import { presentJob, readJob } from './service.js';

/** Saves a job, once: saving it again (even concurrently) keeps the one row, the primary key, and answers the same. */
export async function saveJob(services: Services, viewer: Viewer, jobId: number) {
  const job = await services.db.selectFrom('jobs').select(['poster_id', 'status']).where('id', '=', jobId).executeTakeFirst();
  if (!job || (job.status === 'draft' && job.poster_id !== viewer.id)) throw unknownJob(jobId);
  try {
    await services.db
      .insertInto('saved_jobs')
      .values({ saver_id: viewer.id, job_id: jobId })
      .onConflict((oc) => oc.doNothing())
      .execute();
  } catch (error) {
    if (isForeignKeyViolation(error)) throw unknownJob(jobId);
    throw error;
  }
  const saved = await readJob(services, viewer.id, jobId);
  if (!saved) throw unknownJob(jobId);
  return { job: saved };
}

/** The caller's saved jobs, most recently saved first. */
export async function savedJobs(services: Services, viewer: Viewer) {
  const rows = await services.db
    .selectFrom('saved_jobs as s')
    .innerJoin('jobs', 'jobs.id', 's.job_id')
    .select([
      'jobs.id',
      'jobs.title',
      'jobs.organization',
      'jobs.employment_type',
      'jobs.work_type',
      'jobs.country',
      'jobs.salary',
      'jobs.overview',
      'jobs.description',
      'jobs.industry',
      'jobs.experience_level',
      'jobs.created_at',
      'jobs.status',
    ])
    .select((eb) => eb.cast<string | null>('jobs.application_deadline', 'text').as('application_deadline'))
    .where('s.saver_id', '=', viewer.id)
    .orderBy('s.saved_at', 'desc')
    .orderBy('s.job_id', 'desc')
    .execute();
  return rows.map((row) => ({ job: presentJob({ ...row, is_saved: true }) }));
}

/** Unsaves a job the caller saved; one not saved is a 400, as the original answers. */
export async function unsaveJob(services: Services, viewer: Viewer, raw: string | undefined) {
  if (raw === undefined || raw.trim() === '') throw unsaveJobMissing();
  const jobId = idFromQuery(raw);
  if (jobId === undefined) throw jobIdNotAnInteger();
  const removed = await services.db
    .deleteFrom('saved_jobs')
    .where('saver_id', '=', viewer.id)
    .where('job_id', '=', jobId)
    .executeTakeFirst();
  if (removed.numDeletedRows === 0n) throw jobNotSaved();
}
