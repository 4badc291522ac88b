import { choiceField } from '../choices.js';
import { envelope, pageInput } from '../pagination.js';
import { z } from '../validation.js';

const text = (max: number) => z.string().trim().min(1).max(max);

const JOB_STATUSES = ['active', 'draft', 'closed'] as const;
const APPLICATION_STATUSES = ['submitted', 'reviewed', 'shortlisted', 'rejected', 'hired'] as const;

/** An id from JSON or from a form field's text. */
const id = z.preprocess(
  (value) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
  z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
);

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
  industry: choiceField('industry').optional(),
  application_deadline: z.iso.date().optional().describe('The last day to apply (YYYY-MM-DD); none: open until closed'),
  status: z.enum(JOB_STATUSES).optional().describe('`active` (the default), `draft` (seen by you alone) or `closed`'),
};

export const newJob = z.object(jobFields);

export const jobChanges = newJob.partial().extend({
  job_id: z.preprocess((value) => (typeof value === 'number' ? String(value) : value), z.string().max(30).optional()),
});

export const job = z.object({
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
  application_deadline: z.string().nullable().describe('The last day to apply, YYYY-MM-DD, or null: open until closed'),
  status: z.enum(JOB_STATUSES),
  is_saved: z.boolean().describe('Whether you saved it'),
});

export const postedInput = z.object({ ...pageInput, status: z.enum(JOB_STATUSES).optional().describe('Only jobs of this status') });
export const jobPage = envelope(job);

export const jobStatusInput = z.object({ job: id, status: z.enum(JOB_STATUSES) });

export const applyInput = z.object({
  job: id,
  cover_letter: z
    .string()
    .trim()
    .max(5_000)
    .optional()
    .transform((value) => value || undefined),
  resume: z.string().trim().min(1).max(1000).optional(),
});
export const applied = z.object({ application_status: z.literal('Success') });

const applicationStatus = z.enum(APPLICATION_STATUSES);

export const myApplication = z.object({
  id: z.number().int(),
  status: applicationStatus,
  applied_at: z.string(),
  cover_letter: z.string().nullable(),
  resume: z.string().nullable().describe('The résumé sent with the application, or null (your profile résumé is shown)'),
  job: z.object({
    id: z.number().int(),
    title: z.string(),
    employment_type: z.string(),
    salary: z.string(),
    country: z.string(),
    organization: z.string(),
    posted_on: z.string(),
  }),
});

export const applicantsInput = z.object({ job_id: z.string().optional(), page: pageInput.page });
export const applicantPage = envelope(
  z.object({
    id: z.number().int(),
    status: applicationStatus,
    applied_at: z.string(),
    cover_letter: z.string().nullable(),
    applicant: z.object({
      id: z.number().int(),
      first_name: z.string(),
      last_name: z.string(),
      middle_name: z.string(),
      profile_photo: z.string(),
      qualification: z.string(),
      resume: z.string().nullable().describe('The résumé sent with the application, else the applicant’s profile résumé, else null'),
    }),
  }),
);

export const recentApplication = z.object({
  id: z.number().int(),
  applicant: z.string().describe('The applicant’s name'),
  job_id: z.number().int(),
  job_name: z.string(),
  status: applicationStatus,
  applied_at: z.string(),
});

export const applicationStatusInput = z.object({ application: id, status: applicationStatus });
export const applicationStatusOutput = z.object({ id: z.number().int(), status: applicationStatus });

export const saveInput = z.object({ job: id });
export const savedJob = z.object({ job });
export const unsaveInput = z.object({ job: z.string().optional() });
