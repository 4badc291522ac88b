import { sql } from '@careernexus/db';
import type { Viewer } from '../auth/sessions.js';
import { escapeHtml } from '../auth/emails.js';
import { newLinkToken } from '../auth/codes.js';
import { digest } from '../auth/tokens.js';
import type { Config } from '../config.js';
import type { Services } from '../context.js';
import { checkStoredMedia } from '../media/service.js';
import type { MailMessage } from '../platform/mailer.js';
import { companyEmailTaken, companyLinkInvalid } from './errors.js';
import { membersPreview } from './members.js';

export interface CompanyFields {
  company_name: string;
  company_email: string;
  company_type: string;
  company_size: string;
  industry: string;
  website: string;
  location: string;
  tagline: string;
  logo?: string | undefined;
}

const linkDigest = (services: Services, token: string) => digest(services.secretKey, 'company-email', token);

function verificationMail(config: Config, to: string, companyName: string, token: string): MailMessage {
  const link = `${config.PUBLIC_URL}/user/corporate/verify/?token=${token}`;
  const intro = `${companyName} now has a company page on Career Nexus with this address. Confirm the address by opening this link:`;
  return {
    to,
    subject: 'Verify your company email',
    text: [intro, '', link, '', 'If you did not ask for this, ignore this e-mail.'].join('\n'),
    html: `<p>${escapeHtml(intro)}</p>
<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>
<p>If you did not ask for this, ignore this e-mail.</p>`,
  };
}

/**
 * Creates an employer account without a password, its profile and company record, and its link to
 * the caller, in one transaction; the address is unique among all accounts (the database decides).
 * A link mailed to the company's address verifies it; nothing waits for that.
 */
export async function createCompany(services: Services, viewer: Viewer, fields: CompanyFields) {
  const logo = fields.logo === undefined ? null : await checkStoredMedia(services, 'logo', 'image', fields.logo);
  const token = newLinkToken();
  const id = await services.db.transaction().execute(async (trx) => {
    const user = await trx
      .insertInto('users')
      .values({ email: fields.company_email, password_hash: null, user_type: 'employer', industry: fields.industry })
      .onConflict((oc) => oc.column('email').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!user) throw companyEmailTaken();
    // The card columns carry the company's name, logo and tagline (migration 0023).
    await trx
      .insertInto('profiles')
      .values({
        user_id: user.id,
        first_name: fields.company_name,
        last_name: '',
        middle_name: '',
        profile_photo: logo,
        qualification: fields.tagline,
        location: fields.location,
      })
      .execute();
    await trx
      .insertInto('companies')
      .values({
        user_id: user.id,
        company_type: fields.company_type,
        company_size: fields.company_size,
        website: fields.website,
        verification_digest: linkDigest(services, token),
      })
      .execute();
    await trx.insertInto('linked_accounts').values({ main_account_id: viewer.id, child_id: user.id }).execute();
    return user.id;
  });
  services.mailer.send(verificationMail(services.config, fields.company_email, fields.company_name, token));
  const page = await companyPage(services, viewer, id);
  if (!page) throw new Error(`Invariant broken: the company page ${id} just created is missing.`);
  return page;
}

/** Following the mailed link marks the company's address verified; the link works once. */
export async function verifyCompanyEmail(services: Services, token: string | undefined) {
  const verified = token
    ? await services.db
        .updateTable('companies')
        .set({ email_verified: true, verification_digest: null })
        .where('verification_digest', '=', linkDigest(services, token.trim()))
        .returning('user_id')
        .executeTakeFirst()
    : undefined;
  if (!verified) throw companyLinkInvalid();
  return { status: 'Verified' as const, email_verified: true as const };
}

/** A company page as its profile shows it (§6.3), or undefined when the account is no company page. */
export async function companyPage(services: Services, viewer: Viewer, id: number) {
  const { rows } = await sql<{
    email: string;
    industry: string;
    first_name: string;
    qualification: string;
    profile_photo: string | null;
    cover_photo: string | null;
    country_code: string;
    phone_number: string;
    location: string;
    company_type: string;
    company_size: string;
    website: string;
    email_verified: boolean;
  }>`
    select u.email, u.industry, p.first_name, p.qualification, p.profile_photo, p.cover_photo, p.country_code, p.phone_number,
      p.location, c.company_type, c.company_size, c.website, c.email_verified
    from companies c join users u on u.id = c.user_id join profiles p on p.user_id = c.user_id
    where c.user_id = ${id} and u.is_active`.execute(services.db);
  const row = rows[0];
  if (!row) return undefined;
  const { members, count } = await membersPreview(services, id);
  return {
    id,
    ...(id === viewer.id ? { email: row.email } : {}),
    company_name: row.first_name,
    company_type: row.company_type,
    industry: row.industry,
    company_size: row.company_size,
    country_code: row.country_code,
    phone_number: row.phone_number,
    location: row.location,
    website: row.website,
    tagline: row.qualification,
    logo: row.profile_photo ?? services.config.DEFAULT_PROFILE_PHOTO_URL,
    cover_photo: row.cover_photo ?? services.config.DEFAULT_COVER_PHOTO_URL,
    members,
    members_count: count,
    user_type: 'employer' as const,
    email_verified: row.email_verified,
  };
}
