import { choiceField } from '../choices.js';
import { mediaRefusals } from '../media/router.js';
import { answers, rest, type RestRoute } from '../rest.js';
import { authedProcedure, router } from '../trpc.js';
import { z } from '../validation.js';
import { applyForJob, jobApplicants, myApplications, NEXT_STATUSES, recentApplicants, setApplicationStatus } from './applications.js';
import * as jobErrors from './errors.js';
import { saveJob, savedJobs, unsaveJob } from './saved.js';
import * as schemas from './schemas.js';
import { createJob, editJob, getPreference, postedJobs, recommendedJobs, setJobStatus, setPreference } from './service.js';
import { toleratingLag } from '../platform/reads.js';

const route = (route: Omit<RestRoute, 'tag' | 'protect'>) => rest({ ...route, tag: 'jobs', protect: true });
const text = (max: number) => z.string().trim().min(1).max(max);

const TRANSITIONS = Object.entries(NEXT_STATUSES)
  .map(([from, to]) => (to.length ? `${from} → ${to.join(' | ')}` : `${from} is final`))
  .join('; ');

const preferenceFields = {
  title: text(250),
  employment_type: choiceField('employment_category'),
  work_type: choiceField('work_type'),
  industry: choiceField('industry'),
  experience_level: choiceField('experience_level'),
};
const preference = z.object({
  title: z.string(),
  employment_type: z.string(),
  work_type: z.string(),
  industry: z.string(),
  experience_level: z.string(),
});

export const jobsRouter = router({
  create: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/job/',
        status: 201,
        summary: 'Post a job',
        description:
          'Any signed-in user may post. `industry` is classified from the title, overview and description when not given. ' +
          '`application_deadline` (optional) is the last day to apply; `status` is `active` by default, or `draft` (seen by you alone) or `closed`. ' +
          'Everyone whose job preference matches an active job (same employment type, work type and experience level, industry among the job’s, ' +
          'all title words in the job’s title) is notified.',
        errors: { 400: 'A field is missing or not a valid choice' },
      }),
    )
    .input(schemas.newJob)
    .output(schemas.job)
    .mutation(({ ctx, input }) => createJob(ctx.services, ctx.viewer, input)),

  posted: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/job/',
        summary: 'Jobs you posted',
        description: 'Newest first, paginated; `?status=active|draft|closed` lists only those (another status is a 400 naming `status`).',
      }),
    )
    .input(schemas.postedInput)
    .output(schemas.jobPage)
    .query(({ ctx, input }) => postedJobs(ctx, ctx.viewer, input)),

  edit: authedProcedure
    .meta(
      route({
        method: 'PUT',
        path: '/job/',
        summary: 'Edit a job you posted',
        description:
          '`?job_id=<id>` and any of the fields of `POST /job/`; the others keep their values. Any status may be edited. ' +
          'A new title, overview or description re-classifies the job’s industries (unless `industry` is given); nobody is notified again. ' +
          'Answers the job as lists show it.',
        errors: {
          400: 'A field is not valid',
          403: answers('The job is someone else’s', jobErrors.notYourJob()),
          404: answers('No job_id, or no such job', jobErrors.editJobIdMissing(), jobErrors.editJobUnknown()),
        },
      }),
    )
    .input(schemas.jobChanges)
    .output(schemas.job)
    .mutation(({ ctx, input }) => {
      const { job_id: jobId, ...changes } = input;
      return editJob(ctx.services, ctx.viewer, jobId, changes);
    }),

  setStatus: authedProcedure
    .meta(
      route({
        method: 'PUT',
        path: '/job/status/update/',
        summary: 'Publish, close or reopen a job you posted',
        description:
          '`{"job": <id>, "status": "active" | "draft" | "closed"}`; any status may follow any other; publishing a draft notifies matching preferences as a new job does. Answers the job as lists show it.',
        errors: {
          400: answers('No such job, or an unknown status', jobErrors.unknownJob(99)),
          403: answers('The job is someone else’s', jobErrors.notYourJob()),
        },
      }),
    )
    .input(schemas.jobStatusInput)
    .output(schemas.job)
    .mutation(({ ctx, input }) => setJobStatus(ctx.services, ctx.viewer, input.job, input.status)),

  recommended: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/job/recommend/',
        summary: 'Jobs for you',
        description:
          'Active jobs whose deadline has not passed, in your industry or matching your preference, newest first, paginated; ' +
          'the newest 1,000 are listed.',
      }),
    )
    .input(z.object({ page: schemas.postedInput.shape.page, page_size: schemas.postedInput.shape.page_size }))
    .output(schemas.jobPage)
    .query(async ({ ctx, input }) => recommendedJobs(await toleratingLag(ctx), ctx.viewer, input)),

  applyForJob: authedProcedure
    .meta({
      ...route({
        method: 'POST',
        path: '/job/apply/',
        summary: 'Apply for a job',
        description:
          '`{"job": <id>}`, with an optional `cover_letter` (up to 5,000 characters) and an optional `resume`: a PDF up to 5 MB as a file part ' +
          'of a multipart body, or in JSON the URL of a file uploaded through `media.createUpload`. Without one, the poster sees your profile résumé. ' +
          'Once per job; the poster is notified. Refusals are under `job`, as the web client shows `error.job[0]`.',
        errors: {
          ...mediaRefusals('resume', 'document'),
          400: answers(
            "No such job (another poster's draft included), your own, closed, past its deadline, already applied, or a résumé that is not a PDF",
            jobErrors.unknownJob(99),
            jobErrors.applyingToOwnJob(),
            jobErrors.jobClosed(),
            jobErrors.deadlinePassed(),
            jobErrors.alreadyApplied(),
            ...(mediaRefusals('resume', 'document')[400]?.examples ?? []),
          ),
        },
      }),
      uploads: { resume: 'document' },
    })
    .input(schemas.applyInput)
    .output(schemas.applied)
    .mutation(({ ctx, input }) => applyForJob(ctx.services, ctx.viewer, input)),

  myApplications: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/job/apply/',
        summary: 'Jobs you applied for',
        description: 'Newest first, each with its status, as the poster set it.',
      }),
    )
    .input(z.void())
    .output(z.array(schemas.myApplication))
    .query(({ ctx }) => myApplications(ctx.services, ctx.viewer)),

  applicants: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/job/application/',
        summary: 'Applications to a job you posted',
        description:
          '`?job_id=<id>`: newest first, 10 a page, each with the applicant’s card, résumé URL (sent with the application, else their profile’s), ' +
          'cover letter and status. Only the job’s poster: anyone else gets 403, and so does a job that does not exist.',
        errors: {
          400: answers('No job_id', jobErrors.applicantsJobIdMissing()),
          403: answers('Not a job you posted', jobErrors.notYourJobsApplicants()),
        },
      }),
    )
    .input(schemas.applicantsInput)
    .output(schemas.applicantPage)
    .query(({ ctx, input }) => jobApplicants(ctx, ctx.viewer, input)),

  recentApplicants: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/job/application/recent/',
        summary: 'The newest applications to your jobs',
        description: 'The 5 newest across all the jobs you posted.',
      }),
    )
    .input(z.void())
    .output(z.array(schemas.recentApplication))
    .query(({ ctx }) => recentApplicants(ctx.services, ctx.viewer)),

  setApplicationStatus: authedProcedure
    .meta(
      route({
        method: 'PUT',
        path: '/job/application/status/',
        summary: 'Move an application to a job you posted',
        description:
          `\`{"application": <id>, "status": …}\`. Forward only: ${TRANSITIONS}. Setting the status it has changes nothing. ` +
          'The applicant is notified and sees the status under `GET /job/apply/`. An application to someone else’s job is 404.',
        errors: {
          400: answers('A move that is not allowed, or an unknown status', jobErrors.statusTransitionRefused('hired', 'reviewed', [])),
          404: answers('No such application to a job you posted', jobErrors.unknownApplication()),
        },
      }),
    )
    .input(schemas.applicationStatusInput)
    .output(schemas.applicationStatusOutput)
    .mutation(({ ctx, input }) => setApplicationStatus(ctx.services, ctx.viewer, input.application, input.status)),

  save: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/job/save/',
        status: 201,
        summary: 'Save a job',
        description: '`{"job": <id>}`. Idempotent: saving again keeps one save (unique in the database) and answers the same.',
        errors: { 400: answers('No such job', jobErrors.unknownJob(99)) },
      }),
    )
    .input(schemas.saveInput)
    .output(schemas.savedJob)
    .mutation(({ ctx, input }) => saveJob(ctx.services, ctx.viewer, input.job)),

  saved: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/job/save/',
        summary: 'Jobs you saved',
        description: '`[{"job": job}]`, most recently saved first.',
      }),
    )
    .input(z.void())
    .output(z.array(schemas.savedJob))
    .query(({ ctx }) => savedJobs(ctx.services, ctx.viewer)),

  unsave: authedProcedure
    .meta(
      route({
        method: 'DELETE',
        path: '/job/unsave/',
        status: 204,
        summary: 'Unsave a job',
        description: '`?job=<id>`. 204 with no body.',
        errors: {
          400: answers(
            'No job given, not an id, or a job you had not saved',
            jobErrors.unsaveJobMissing(),
            jobErrors.jobIdNotAnInteger(),
            jobErrors.jobNotSaved(),
          ),
        },
      }),
    )
    .input(schemas.unsaveInput)
    .output(z.void())
    .mutation(async ({ ctx, input }) => {
      await unsaveJob(ctx.services, ctx.viewer, input.job);
    }),

  setPreference: authedProcedure
    .meta(
      route({
        method: 'PUT',
        path: '/job/preference/',
        summary: 'Set your job preference',
        description: 'All five fields, replacing any earlier preference. New matching jobs notify you.',
        errors: { 400: 'A field is missing or not a valid choice' },
      }),
    )
    .input(z.object(preferenceFields))
    .output(preference)
    .mutation(({ ctx, input }) => setPreference(ctx.services, ctx.viewer, input)),

  preference: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/job/preference/',
        summary: 'Your job preference',
        description: '`preference_set` is false, and every field "N/A", until you set one.',
      }),
    )
    .input(z.void())
    .output(preference.extend({ preference_set: z.boolean() }))
    .query(({ ctx }) => getPreference(ctx.services, ctx.viewer)),
});
