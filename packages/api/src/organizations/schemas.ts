import { choiceField } from '../choices.js';
import { envelope, pageInput } from '../pagination.js';
import { idField } from '../profiles/schemas.js';
import { emailField, z } from '../validation.js';

const text = (max: number) => z.string().trim().min(1).max(max);

/** What a company page's file field takes: a file part of a multipart body, or in JSON the URL of an uploaded image. */
export const COMPANY_UPLOADS = { logo: 'image' } as const;

export const corporateSignupInput = z.object({
  company_name: text(500),
  company_email: emailField(300).describe('The company’s address: a verification link is mailed to it; no other account may use it'),
  company_type: choiceField('company_type'),
  company_size: choiceField('company_size'),
  industry: choiceField('industry'),
  website: text(250),
  location: text(1000),
  tagline: text(1000),
  logo: text(1000).optional().describe('An image (JPEG, PNG, WebP or GIF, up to MAX_IMAGE_BYTES); without one the default photo'),
});

/** A linked account or a member as the web client lists them (§6.2). */
export const accountSummary = z.object({
  id: z.number().int().describe('The user id'),
  name: z.string().describe('The company name for a company page, else "<first> <middle> <last>"'),
  profile_photo: z.string().describe('The logo for a company page'),
  extras: z.string().describe('The tagline for a company page, else the qualification'),
});

export const membership = z.object({
  member: accountSummary,
  status: z.enum(['invited', 'accepted']).describe('An invited member counts once they accept'),
});

/** A company page: the answer to corporate sign-up and its profile (§6.3). */
export const companyProfile = z.object({
  id: z.number().int().describe('The company page’s user id'),
  email: z.string().optional().describe('The company’s address; only on your own page'),
  company_name: z.string(),
  company_type: z.string(),
  industry: z.string(),
  company_size: z.string(),
  country_code: z.string(),
  phone_number: z.string(),
  location: z.string(),
  website: z.string(),
  tagline: z.string(),
  logo: z.string(),
  cover_photo: z.string(),
  members: z
    .array(membership)
    .describe('The 10 members with the highest user ids (accepted only); all of them: `GET /user/organization-members/`'),
  members_count: z.number().int().describe('Accepted members'),
  user_type: z.literal('employer'),
  email_verified: z.boolean().describe('The link mailed to the company’s address was followed'),
});

export const verifyCompanyInput = z.object({ token: z.string().max(100).optional().describe('The token of the mailed link') });
export const verifyCompanyOutput = z.object({ status: z.literal('Verified'), email_verified: z.literal(true) });

export const switchAccountInput = z.object({ account: idField.describe('The user id of a linked account') });
export const switchAccountOutput = z.object({
  refresh: z.string(),
  access: z.string(),
  user_id: z.number().int(),
  email: z.string(),
  user: z.string().describe('The e-mail again, as sign-in answers it'),
  user_type: z.string(),
});

const organizationField = idField.optional().describe('The company page (default: you, when you are one)');

export const membersInput = z.object({
  ...pageInput,
  organization: z.string().optional().describe('The company page (default: you, when you are one)'),
  status: z
    .enum(['accepted', 'invited'])
    .optional()
    .describe('`invited`: the invitations not yet answered (owners only); default `accepted`'),
});
export const membersPage = envelope(membership);

export const inviteInput = z.object({ member: idField.describe('The user id of the person to invite'), organization: organizationField });

export const removeInput = z.object({
  member_id: z.string().optional().describe('The member (or invited person) to remove'),
  organization: z.string().optional().describe('The company page (default: you, when you are one)'),
});

export const respondInput = z.object({
  organization: idField.describe('The company page that invited you'),
  accept: z
    .preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), z.boolean())
    .describe('true joins the organization, false declines (the invitation is removed)'),
});
export const respondOutput = z.object({ organization: accountSummary, status: z.enum(['accepted', 'declined']) });
