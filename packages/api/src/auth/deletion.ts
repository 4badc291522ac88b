import { sql, type Database, type OtpCode, type Transaction } from '@careernexus/db';
import type { Services } from '../context.js';
import { tooManyRequests } from '../errors.js';
import { removeUnusedMedia } from '../media/cleanup.js';
import { required } from '../invariant.js';
import { deletionMail } from './emails.js';
import {
  deletionCodeInvalid,
  deletionCodeMissing,
  deletionCodeNotNeeded,
  deletionLeavesCompanyOwnerless,
  deletionPasswordMissing,
  deletionPasswordWrong,
} from './errors.js';
import { verifyPassword } from './passwords.js';
import { forgetAccount, signinFailuresKey, SIGNIN_FAILURE_WINDOW_SECONDS, type Viewer } from './sessions.js';
import { checkCodeForEmail, consumeCode, issueCode } from './verification.js';

/** What a deleted member reads as wherever others still see them (comments, chats, sessions). */
const DELETED_NAME = { first_name: 'Deleted', last_name: 'member', middle_name: '' };

/** A password-less account (Google) proves it is the person by a code mailed to the account. */
export async function mailDeletionCode(services: Services, viewer: Viewer) {
  const user = required(
    await services.db.selectFrom('users').select('password_hash').where('id', '=', viewer.id).executeTakeFirst(),
    'the viewer’s account',
  );
  if (user.password_hash !== null) throw deletionCodeNotNeeded();
  const code = await issueCode(services, 'deletion', viewer.email);
  services.mailer.send(deletionMail(services.config, viewer.email, code));
  return { status: 'Code sent' as const, email: viewer.email };
}

/**
 * Deletes the viewer's account once they proved it is them: the password, or for an account
 * without one the mailed code. Wrong passwords count against sign-in's per-e-mail limit, so a
 * stolen access token cannot be used to guess the password here.
 */
export async function deleteOwnAccount(
  services: Services,
  viewer: Viewer,
  input: { password?: string | undefined; code?: string | undefined },
) {
  const user = required(
    await services.db.selectFrom('users').select('password_hash').where('id', '=', viewer.id).executeTakeFirst(),
    'the viewer’s account',
  );
  let code: OtpCode | undefined;
  if (user.password_hash !== null) {
    if (!input.password) throw deletionPasswordMissing();
    if (!(await verifyPassword(user.password_hash, input.password))) {
      const verdict = await services.limiter.hit(
        signinFailuresKey(viewer.email),
        services.config.SIGNIN_FAILURES_PER_EMAIL,
        SIGNIN_FAILURE_WINDOW_SECONDS,
      );
      if (!verdict.allowed) throw tooManyRequests(verdict.retryAfterSeconds);
      throw deletionPasswordWrong();
    }
  } else {
    if (!input.code) throw deletionCodeMissing();
    const check = await checkCodeForEmail(services, 'deletion', viewer.email, input.code);
    if (check.outcome !== 'valid') throw deletionCodeInvalid();
    code = check.code;
  }

  const files = await services.db.transaction().execute(async (trx) => {
    if (code && !(await consumeCode(trx, code))) throw deletionCodeInvalid();
    if (await soleOwnerOfACompany(trx, viewer.id)) throw deletionLeavesCompanyOwnerless();
    return eraseAccount(services, trx, viewer.id, viewer.email);
  });
  await forgetAccount(services, viewer.id);
  // The person's uploads go after the commit, unless others' rows still name them.
  await removeUnusedMedia(services, files);
}

/**
 * In the caller's transaction: removes the person's own data and keeps, unlinked from anything
 * personal, what others or the books need. The users row stays as an empty tombstone (inactive,
 * e-mail freed, no password, no Google account) with a profile named "Deleted member", so others'
 * threads, chats, sessions, payments and ledger entries still read. Returns the URLs of the
 * files its removed rows named (the person's uploads, and applicants' résumés sent to the person's
 * jobs), to remove from storage once committed.
 *
 * Per table — removed: profile details, experiences, educations, certifications, profile views
 * (both ways), follows and connections (both ways), the person's posts (with the likes, saves,
 * shares and comments they carry), the person's likes, saves and shares of others' posts (their
 * counters moved back), comment likes, saved mentors (both ways), saved jobs, job preferences,
 * applications, posted jobs (with their applications), portfolio projects, notifications (theirs, and others' about them), chat
 * read marks, session invitations, codes and tokens, support tickets, links to other accounts, account switches, organization
 * memberships (both ways), share links, the newsletter subscription with its queued mail and, for a company page,
 * its company details. Kept: comments in others' threads and chat
 * messages (shown from "Deleted member"), mentorship sessions (open unpaid ones cancelled),
 * payments and ledger entries; library items stay, unlinked from their author.
 */
async function eraseAccount(services: Services, trx: Transaction<Database>, userId: number, email: string): Promise<string[]> {
  const now = services.now();
  const { rows: files } = await sql<{ url: string }>`
    select url from (
      select unnest(array[profile_photo, cover_photo, resume, nullif(intro_video, '')]) as url from profiles where user_id = ${userId}
      union all select unnest(array[pic1, pic2, pic3, video]) from posts where author_id = ${userId}
      union all select unnest(array[image, download_material]) from projects where owner_id = ${userId}
      union all select resume from job_applications where applicant_id = ${userId}
      union all select a.resume from job_applications a join jobs j on j.id = a.job_id where j.poster_id = ${userId}
    ) uploads where url is not null`.execute(trx);

  // Counters on others' posts and comments move back with the rows that made them.
  await sql`
    with gone as (delete from post_likes where user_id = ${userId} returning post_id)
    update posts set like_count = like_count - counted.n
    from (select post_id, count(*)::int as n from gone group by post_id) counted where posts.id = counted.post_id`.execute(trx);
  await sql`
    with gone as (delete from comment_likes where user_id = ${userId} returning comment_id)
    update comments set like_count = like_count - counted.n
    from (select comment_id, count(*)::int as n from gone group by comment_id) counted where comments.id = counted.comment_id`.execute(trx);
  await sql`
    with gone as (delete from post_shares where user_id = ${userId} returning post_id)
    update posts set share_count = greatest(share_count - counted.n, 0)
    from (select post_id, count(*)::int as n from gone group by post_id) counted where posts.id = counted.post_id`.execute(trx);

  await trx.deleteFrom('posts').where('author_id', '=', userId).execute();
  // Others' notifications about the person ("… started following you") carry their name: gone too. Rare enough for a scan.
  await sql`delete from notifications where data ->> 'user_id' = ${String(userId)} or data ->> 'applicant_id' = ${String(userId)}`.execute(
    trx,
  );
  await trx.deleteFrom('post_saves').where('user_id', '=', userId).execute();
  await trx
    .deleteFrom('follows')
    .where((eb) => eb.or([eb('follower_id', '=', userId), eb('following_id', '=', userId)]))
    .execute();
  await trx
    .deleteFrom('connections')
    .where((eb) => eb.or([eb('requester_id', '=', userId), eb('recipient_id', '=', userId)]))
    .execute();
  await trx
    .deleteFrom('profile_views')
    .where((eb) => eb.or([eb('viewer_id', '=', userId), eb('viewed_id', '=', userId)]))
    .execute();
  await trx
    .deleteFrom('saved_mentors')
    .where((eb) => eb.or([eb('saver_id', '=', userId), eb('mentor_id', '=', userId)]))
    .execute();
  for (const table of ['experiences', 'educations', 'certifications', 'job_preferences', 'notifications', 'chat_reads'] as const)
    await trx.deleteFrom(table).where('user_id', '=', userId).execute();
  await trx.deleteFrom('saved_jobs').where('saver_id', '=', userId).execute();
  await trx.deleteFrom('job_applications').where('applicant_id', '=', userId).execute();
  await trx.deleteFrom('jobs').where('poster_id', '=', userId).execute();
  await trx.deleteFrom('projects').where('owner_id', '=', userId).execute();
  await trx.deleteFrom('mentor_session_invitees').where('invitee_id', '=', userId).execute();
  await trx.deleteFrom('refresh_tokens').where('user_id', '=', userId).execute();
  await trx.deleteFrom('revoked_access_tokens').where('user_id', '=', userId).execute();
  await trx.deleteFrom('otp_codes').where('email', '=', email).execute();
  await trx.deleteFrom('support_tickets').where('user_id', '=', userId).execute();
  await trx
    .deleteFrom('linked_accounts')
    .where((eb) => eb.or([eb('main_account_id', '=', userId), eb('child_id', '=', userId)]))
    .execute();
  await trx
    .deleteFrom('account_switches')
    .where((eb) => eb.or([eb('user_id', '=', userId), eb('account_id', '=', userId)]))
    .execute();
  await trx
    .deleteFrom('organization_members')
    .where((eb) => eb.or([eb('organization_id', '=', userId), eb('member_id', '=', userId)]))
    .execute();
  await trx.deleteFrom('companies').where('user_id', '=', userId).execute();
  await trx.deleteFrom('post_share_links').where('user_id', '=', userId).execute();
  // The member's subscription, and with it (cascade) its queued mail, which holds the address. A
  // subscription of the address from the public form is not the account's: it stays until unsubscribed.
  await trx.deleteFrom('newsletter_subscribers').where('user_id', '=', userId).execute();
  await trx.updateTable('newsletters').set({ created_by: null }).where('created_by', '=', userId).execute();
  await trx.updateTable('library_items').set({ created_by: null }).where('created_by', '=', userId).execute();
  // Sessions not yet held and not paid for cannot happen any more; paid ones stay as they are, for support to settle.
  await trx
    .updateTable('mentor_sessions')
    .set({ status: 'CANCELLED', status_changed_at: now })
    .where((eb) => eb.or([eb('mentor_id', '=', userId), eb('mentee_id', '=', userId)]))
    .where('status', 'in', ['PENDING', 'ACCEPTED'])
    .where((eb) => eb.or([eb('is_paid', '=', false), eb('price_minor', '=', 0)]))
    .execute();

  // A fresh profile row: every detail back to its default, the name saying what happened.
  await trx.deleteFrom('profiles').where('user_id', '=', userId).execute();
  await trx
    .updateTable('users')
    .set({
      email: `deleted-${userId}@deleted.invalid`,
      password_hash: null,
      google_subject: null,
      is_active: false,
      deleted_at: now,
      role: 'member',
      industry: 'others',
      last_login: null,
      password_reset_verified_at: null,
      // Every token issued so far stops working, in every process.
      tokens_valid_after: now,
    })
    .where('id', '=', userId)
    .execute();
  await trx
    .insertInto('profiles')
    .values({ user_id: userId, ...DELETED_NAME })
    .execute();
  return files.map((file) => file.url);
}

/**
 * A company page without a password is reached only through its links: deleting its last linked
 * person would leave it with no way in, so that person hands it on or deletes it first.
 */
async function soleOwnerOfACompany(trx: Transaction<Database>, userId: number): Promise<boolean> {
  const { rows } = await sql<{ id: number }>`
    select c.user_id as id from companies c
    join linked_accounts l on (l.child_id = c.user_id and l.main_account_id = ${userId}) or (l.main_account_id = c.user_id and l.child_id = ${userId})
    where not exists (
      select 1 from linked_accounts o
      where (o.child_id = c.user_id or o.main_account_id = c.user_id) and ${userId} not in (o.main_account_id, o.child_id)
    )
    limit 1`.execute(trx);
  return rows.length > 0;
}
