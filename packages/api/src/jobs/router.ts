import { choiceField } from '../choices.js';
import { envelope, pageInput } from '../pagination.js';
import { rest, type RestRoute } from '../rest.js';
import { authedProcedure, router } from '../trpc.js';
import { z } from '../validation.js';
import { createJob, getPreference, postedJobs, recommendedJobs, setPreference } from './service.js';

const route = (route: Omit<RestRoute, 'tag' | 'protect'>) => rest({ ...route, tag: 'jobs', protect: true });
const text = (max: number) => z.string().trim().min(1).max(max);

const jobFields = {
  title: text(250),
  organization: text(250),
  employment_type: choiceField('employment_category'),
  work_type: choiceField('work_type'),
  country: text(100),
  salary: text(100),
  overview: text(20_000),
  description: text(20_000),
  experience_level: choiceField('experience_level'),
};

const job = z.object({
  id: z.number().int(),
  title: z.string(),
  organization: z.string(),
  employment_type: z.string(),
  work_type: z.string(),
  country: z.string(),
  salary: z.string(),
  overview: z.string(),
  description: z.string(),
  industry: z.string().describe('Comma-joined industry labels'),
  experience_level: z.string(),
  time_stamp: z.string().describe('The day it was posted, YYYY-MM-DD'),
});

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
          'Everyone whose job preference matches (same employment type, work type and experience level, industry among the job’s, ' +
          'all title words in the job’s title) is notified.',
        errors: { 400: 'A field is missing or not a valid choice' },
      }),
    )
    .input(z.object({ ...jobFields, industry: choiceField('industry').optional() }))
    .output(job)
    .mutation(({ ctx, input }) => createJob(ctx.services, ctx.viewer, input)),

  posted: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/job/',
        summary: 'Jobs you posted',
        description: 'Newest first, paginated.',
      }),
    )
    .input(z.object(pageInput))
    .output(envelope(job))
    .query(({ ctx, input }) => postedJobs(ctx, ctx.viewer, input)),

  recommended: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/job/recommend/',
        summary: 'Jobs for you',
        description: 'Jobs in your industry and jobs matching your preference, newest first, paginated; the newest 1,000 are listed.',
      }),
    )
    .input(z.object(pageInput))
    .output(envelope(job))
    .query(({ ctx, input }) => recommendedJobs(ctx, ctx.viewer, input)),

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
