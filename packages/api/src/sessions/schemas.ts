import { pageInput } from '../pagination.js';
import { profileCard } from '../posts/schemas.js';
import { idField } from '../profiles/schemas.js';
import { z } from '../validation.js';
import { notMarkedCompleted, ratingOutOfRange, tooManyInvitees } from './errors.js';

/** The most people a group session may invite. */
export const MAX_INVITEES = 10;

export const SESSION_LISTS = ['requested', 'accepted', 'scheduled', 'completed'] as const;
export type SessionList = (typeof SESSION_LISTS)[number];

function isIsoDate(value: string) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

const isoDate = z.string().trim().refine(isIsoDate, 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.');

const TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$/;
const clockTime = z
  .string()
  .trim()
  .refine((value) => TIME.test(value), 'Time has wrong format. Use one of these formats instead: hh:mm[:ss[.uuuuuu]].')
  .transform((value) => value.slice(0, 8));

/** A choice in any case, refused with the options named. */
const oneOf = <T extends string>(options: readonly T[]) =>
  z.string().transform((value, ctx) => {
    const found = options.find((option) => option.toLowerCase() === value.trim().toLowerCase());
    if (found === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a valid choice. Valid options: ${options.join(', ')}.` });
      return z.NEVER;
    }
    return found;
  });

/** A list of user ids: JSON, or a form's JSON text (`"[3, 5]"`) or single id. */
const userIds = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    const text = value.trim();
    if (/^\d+$/.test(text)) return [Number(text)];
    try {
      // The schema below checks what it is.
      return JSON.parse(text) as unknown;
    } catch {
      return value;
    }
  },
  z
    .array(idField, { error: 'invitees must be a list of valid user ids.' })
    .max(MAX_INVITEES, tooManyInvitees(MAX_INVITEES).message)
    .transform((ids) => [...new Set(ids)]),
);

export const bookInput = z.object({
  mentor: idField.describe('The mentor’s user id'),
  session_type: oneOf(['individual', 'group'] as const),
  date: isoDate.describe('The day, on the booker’s own time zone (`timezone` of their profile)'),
  time: clockTime.describe('`HH:MM` or `HH:MM:SS`, on the booker’s own time zone'),
  discourse: z.string().trim().min(1).max(2000).describe('The topic'),
  invitees: userIds.optional().describe(`User ids invited to a group session, at most ${MAX_INVITEES}; ignored for an individual session`),
});

const booleanish = z.preprocess(
  (value) => (value === 'true' || value === 'True' ? true : value === 'false' || value === 'False' ? false : value),
  z.boolean(),
);

const RATING_RANGE = ratingOutOfRange().message;

export const annotateInput = z.object({
  session: idField,
  mark_completed: booleanish.refine((value) => value, notMarkedCompleted().message),
  rating: z.preprocess(
    (value) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
    z.number({ error: RATING_RANGE }).int(RATING_RANGE).min(1, RATING_RANGE).max(5, RATING_RANGE),
  ),
});

export const answerInput = z.object({
  session: idField,
  action: oneOf(['Accept', 'Reject'] as const),
});

export const sessionRef = z.object({ session: idField });

export const listInput = z.object({
  ...pageInput,
  status: z.string().optional().describe('`requested`, `accepted`, `scheduled` (mentors) or `completed`'),
});

export const joinInput = z.object({ session: z.string().optional().describe('The session’s id') });

export const sessionObject = z.object({
  id: z.number().int(),
  mentor: profileCard,
  mentee: profileCard.describe('Who booked it'),
  invitees: z.array(z.object({ invitee: profileCard })),
  join: z.boolean().describe('Whether the video room is open: accepted, paid, and its time come'),
  session_type: z.enum(['individual', 'group']),
  session_at: z.object({ date: z.string(), time: z.string() }).describe('When, on the wall clock of the viewer’s own time zone'),
  discourse: z.string(),
  amount: z
    .string()
    .describe(
      'The price agreed at booking, as `"50USD"`, in the viewer’s currency where their country has an exchange rate (`"75000NGN"`); `"0USD"`: free',
    ),
  rating: z.number().int().describe('The mentee’s rating, 1–5, once completed; 0 before'),
  status: z.enum(['PENDING', 'ACCEPTED', 'REJECTED', 'CANCELLED', 'COMPLETED']),
  is_paid: z.boolean(),
});
