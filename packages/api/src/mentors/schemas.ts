import { choiceField } from '../choices.js';
import { envelope, pageInput } from '../pagination.js';
import { z } from '../validation.js';
import { notAValidChoice } from './errors.js';

const AVAILABILITY = ['weekdays', 'weekends'] as const;

/** A number from JSON or from a form field's text. */
const numeric = (schema: z.ZodNumber) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value),
    schema,
  );

/** weekdays or weekends, in any case. */
const availabilityField = z.string().transform((value, ctx) => {
  const option = value.trim().toLowerCase();
  if (!(AVAILABILITY as readonly string[]).includes(option)) {
    ctx.addIssue({ code: 'custom', message: notAValidChoice('availability', value, AVAILABILITY).message });
    return z.NEVER;
  }
  return option as (typeof AVAILABILITY)[number];
});

const LIST_MESSAGE = 'Expected a list of values.';

/**
 * A list of short texts: a JSON array, or in a form the array as JSON text (`["python","sql"]`)
 * or comma-separated text (`python, sql`). Repeated values are kept once.
 */
const textList = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    const text = value.trim();
    if (text.startsWith('[')) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return value;
      }
    }
    return text
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  },
  z
    .array(z.string().trim().min(1).max(100), {
      error: (issue) => (issue.code === 'invalid_type' && issue.input !== undefined ? LIST_MESSAGE : undefined),
    })
    .max(50, 'Ensure this field has no more than 50 elements.')
    .transform((items) => [...new Set(items)]),
);

/** Fields only a mentor may set, through `PUT /user/profile-update/`. */
export const mentorFields = {
  years_of_experience: numeric(z.number().int().min(0).max(80)),
  availability: availabilityField,
  current_job: z.string().trim().min(1).max(250),
  areas_of_expertise: textList,
  technical_skills: textList,
  mentorship_styles: textList,
  linkedin_url: z
    .string()
    .trim()
    .max(500)
    .pipe(z.url({ protocol: /^https?$/, error: 'Enter a valid URL.' })),
  session_rate: numeric(
    z
      .number()
      .min(0)
      .max(100_000_000)
      .refine((value) => Math.abs(Math.round(value * 100) - value * 100) < 1e-6, 'Ensure that there are no more than 2 decimal places.'),
  ).describe('The price of a session, in `session_rate_currency`; stored converted to USD at the rate of the day'),
  session_rate_currency: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{3}$/, 'Enter a currency code of three letters, such as USD.')
    .transform((value) => value.toUpperCase())
    .describe(
      'Currency of `session_rate` (USD, or one with an exchange rate). By default your country’s currency when it has a rate, else USD',
    ),
};

export const MENTOR_FIELD_NAMES = Object.keys(mentorFields) as Array<keyof typeof mentorFields>;

/** What a mentor's profile shows besides the personal fields. */
export const mentorProfile = {
  years_of_experience: z.number().int().nullable(),
  availability: z.enum(AVAILABILITY).nullable(),
  current_job: z.string().nullable(),
  areas_of_expertise: z.array(z.string()),
  technical_skills: z.array(z.string()),
  mentorship_styles: z.array(z.string()),
  linkedin_url: z.string().nullable(),
  session_rate: z
    .string()
    .describe('Price of a session: amount and currency run together (`"50USD"`), in your currency when your country has an exchange rate'),
  rating: z.number().describe('Mean of the session ratings, to one decimal; 0 when none'),
};

/** A mentor as lists show them. `id` is the user id. */
const mentorCard = z.object({
  id: z.number().int(),
  first_name: z.string(),
  last_name: z.string(),
  middle_name: z.string(),
  profile_photo: z.string(),
  qualification: z.string(),
  industry: z.string(),
  current_job: z.string().nullable(),
  years_of_experience: z.number().int().nullable(),
  availability: z.enum(AVAILABILITY).nullable(),
  technical_skills: z.array(z.string()),
  areas_of_expertise: z.array(z.string()),
  session_rate: mentorProfile.session_rate,
  rating: mentorProfile.rating,
  is_saved: z.boolean().describe('You saved this mentor'),
});
export type MentorCard = z.infer<typeof mentorCard>;

export const mentorPage = envelope(mentorCard);

export const searchInput = z.object({
  ...pageInput,
  text: z.string().max(1000).optional().describe('Part of a name, the bio, a skill or an area of expertise; any case, accents ignored'),
  experience_level: choiceField('experience_level')
    .optional()
    .describe('entry (0–2 years), mid (3–5), senior (6–10), executive (11 or more)'),
  skills: z.string().max(500).optional().describe('Comma-separated skills the mentor lists, all of them; any case, accents ignored'),
  availability: availabilityField.optional(),
});

export const mentorRef = z.object({
  mentor: z.preprocess(
    (value) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
    z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  ),
});
export const mentorQuery = z.object({ mentor: z.string().optional() });
export const savedItem = z.object({ saved: mentorCard });

export const exchangeRateInput = z.object({
  country: z
    .union([z.number().int().positive().max(Number.MAX_SAFE_INTEGER), z.string().trim().min(1).max(200)])
    .describe('The country’s id or name'),
  currency_name: z.string().trim().min(1).max(100),
  currency_initials: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{3}$/, 'Enter a currency code of three letters, such as NGN.')
    .transform((value) => value.toUpperCase()),
  exchange_rate: numeric(z.number().min(0.000001).max(1_000_000_000)).describe('Units of the currency per US dollar'),
});
