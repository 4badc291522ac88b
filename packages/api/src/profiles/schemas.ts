import { choiceField } from '../choices.js';
import { mentorFields, mentorProfile } from '../mentors/schemas.js';
import { timezoneField } from '../timezones.js';
import { z } from '../validation.js';

const text = (max: number) => z.string().trim().min(1).max(max);

const DATE_MESSAGE = 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.';

function isIsoDate(value: string) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** `YYYY-MM-DD` naming a real day. */
const isoDate = z.string().trim().refine(isIsoDate, DATE_MESSAGE);

/** An end date, or "Present" (any case) for something still going on. */
const isoDateOrPresent = z
  .string()
  .trim()
  .transform((value) => (/^present$/i.test(value) ? 'Present' : value))
  .refine((value) => value === 'Present' || isIsoDate(value), `${DATE_MESSAGE} Or "Present".`);

/** A numeric id from JSON or from a form/query string. */
export const idField = z.preprocess(
  (value) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
  z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
);

// --- the profile itself ---

const PHONE_CODE = /^\+\d{1,4}(-\d{1,4})?$/;
const PHONE_NUMBER = /^\d[\d -]{3,28}\d$/;

const personalFields = {
  first_name: text(200),
  last_name: text(200),
  middle_name: text(200),
  country_code: text(20).regex(PHONE_CODE, 'Enter a dialling code such as +234.'),
  phone_number: text(30).regex(PHONE_NUMBER, 'Enter a phone number of digits, spaces or dashes.'),
  qualification: text(3000),
  summary: text(5000),
  position: text(1000),
  location: text(1000),
  bio: text(4000),
};

/** Photos and the intro video: a file part on multipart REST, else the URL of an uploaded file. */
const mediaFields = {
  profile_photo: z.string().trim().min(1).max(1000),
  cover_photo: z.string().trim().min(1).max(1000),
  intro_video: z.string().trim().min(1).max(1000),
  resume: z.string().trim().min(1).max(1000),
};

/** Mentor fields are refused (400, naming them) for anyone but a mentor. */
export const updateProfileInput = z.object({ ...personalFields, ...mediaFields, timezone: timezoneField, ...mentorFields }).partial();

const personalProfile = z.object({
  first_name: z.string(),
  last_name: z.string(),
  middle_name: z.string(),
  country_code: z.string(),
  phone_number: z.string(),
  profile_photo: z.string(),
  cover_photo: z.string(),
  qualification: z.string(),
  intro_video: z.string(),
  location: z.string(),
  bio: z.string(),
  position: z.string(),
  summary: z.string(),
  timezone: z.string().describe('IANA time zone name (or UTC, the default)'),
  resume: z.string().nullable().describe('The URL of your résumé (a PDF), or null'),
});

/** The personal fields, and a mentor's fields on a mentor's profile. */
export const updatedProfile = personalProfile.extend(z.object(mentorProfile).partial().shape);

export const setIndustryInput = z.object({
  industry: choiceField('industry').optional(),
  user_type: choiceField('user').optional(),
});

export const setIndustryOutput = z.object({
  industry: z.string(),
  user_type: z.enum(['learner', 'mentor', 'employer']),
  email: z.string(),
});

// --- career records ---

export const experienceFields = z.object({
  title: text(150),
  organization: text(500),
  start_date: isoDate,
  end_date: isoDateOrPresent.optional(),
  location: text(256),
  employment_type: choiceField('employment_type'),
  detail: text(2000),
});
export const experienceItem = z.object({
  id: z.number().int(),
  title: z.string(),
  organization: z.string(),
  start_date: z.string(),
  end_date: z.string(),
  location: z.string(),
  employment_type: z.string(),
  detail: z.string(),
});

export const educationFields = z.object({
  course: text(200),
  school: text(250),
  start_date: text(20),
  end_date: text(20).optional(),
  location: text(200),
  detail: text(2000),
});
export const educationItem = z.object({
  id: z.number().int(),
  course: z.string(),
  school: z.string(),
  start_date: z.string(),
  end_date: z.string(),
  location: z.string(),
  detail: z.string(),
});

export const certificationFields = z.object({
  title: text(256),
  school: text(200),
  issue_date: text(20),
  cert_id: text(1000),
  skills: text(1000),
});
export const certificationItem = z.object({
  id: z.number().int(),
  title: z.string(),
  school: z.string(),
  issue_date: z.string(),
  cert_id: z.string(),
  skills: z.string(),
});

// --- reading ---

export const retrieveInput = z.object({ user_id: z.string().optional() });

export const fullProfile = personalProfile.extend({
  id: z.number().int().describe('The user id (≡ profile id)'),
  email: z.string().optional().describe('On your own profile, and on others’ whose `show_email` allows'),
  user_type: z.string(),
  industry: z.string(),
  experience: z.array(experienceItem),
  education: z.array(educationItem),
  certification: z.array(certificationItem),
  followers: z.number().int(),
  followings: z.number().int(),
  projects_count: z.number().int().describe('Portfolio projects of this person (listed by `GET /project/?user_id=`)'),
  can_message: z.boolean().describe('You and this person have a confirmed connection (never on your own profile)'),
  can_follow: z.boolean().describe('This is someone else whom you do not follow yet'),
  ...z.object(mentorProfile).partial().shape,
});

export const analyticsOutput = z.object({
  total_posts: z.number().int(),
  total_views: z.number().int(),
  total_connections: z.number().int(),
});

export const COMPLETION_ITEMS = ['profile_photo', 'intro_video', 'experience', 'certification', 'bio', 'education'] as const;

export const completionOutput = z.object({
  completion: z.number().int().min(0).max(100),
  incomplete_items: z.array(z.enum(COMPLETION_ITEMS)),
  complete_items: z.array(z.enum(COMPLETION_ITEMS)),
});
