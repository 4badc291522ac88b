import { envelope, pageInput } from '../pagination.js';
import { profileCard } from '../posts/schemas.js';
import { emailField, z } from '../validation.js';

/** A newsletter's image: a file part of a multipart body, or in JSON the URL of an uploaded image. */
export const NEWSLETTER_UPLOADS = { image: 'image' } as const;

export const emailSubscribeInput = z.object({ email: emailField() });
export const statusOutput = z.object({ status: z.string() });

/** The token of a mailed link, in the query (or, for a one-click POST, the query or the body). */
/** The members' subscribe and unsubscribe calls read nothing of the body (clients send `{email}`). */
export const ignoredBody = z.object({}).describe('Nothing is read from the body');

export const linkInput = z.object({ token: z.string().optional().describe('The token of the mailed link') });

export const memberSubscription = z.object({
  subscriber: profileCard,
  subscribed_at: z.date(),
});

export const createInput = z.object({
  title: z.string().trim().min(1).max(500),
  content: z.string().trim().min(1).max(100_000),
  image: z
    .string()
    .trim()
    .min(1)
    .max(1000)
    .optional()
    .describe('An image (JPEG, PNG, WebP or GIF): a file part, or in JSON an uploaded file’s URL'),
});

const newsletter = z.object({
  id: z.number().int(),
  title: z.string(),
  content: z.string(),
  image: z.string().describe('The image’s URL, or "" when none'),
  timestamp: z.date(),
});
export type Newsletter = z.infer<typeof newsletter>;

export const created = newsletter.extend({
  recipients: z.number().int().describe('E-mails queued: confirmed e-mail subscribers and subscribed members who accept marketing e-mail'),
});

export const listInput = z.object(pageInput);

export const newsletters = z.object({
  recent: newsletter
    .extend({ id: z.number().int().nullable(), timestamp: z.date().nullable() })
    .describe('The newest newsletter; blank fields (id and timestamp null) while there is none'),
  archive: envelope(newsletter).describe('The older ones, newest first, 5 a page'),
});
