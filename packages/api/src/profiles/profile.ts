import { sql, type Database, type Kysely, type Selectable, type UserType } from '@careernexus/db';
import type { Services } from '../context.js';
import { idFromQuery } from '../validation.js';
import { isPermittedCallingCode } from '../info/service.js';
import type { MediaKind } from '../media/formats.js';
import { removeUnusedMedia } from '../media/cleanup.js';
import { checkStoredMedia } from '../media/service.js';
import { forgetAccount, type Viewer } from '../auth/sessions.js';
import { confirmedConnection } from '../network/service.js';
import { callingCodeNotPermitted, invalidUserId, mentorFieldsOnly, noExchangeRate, userTypeAlreadyChosen } from './errors.js';
import { CERTIFICATION, EDUCATION, EXPERIENCE, recordsJson, type RecordRows } from './records.js';
import { COMPLETION_ITEMS } from './schemas.js';
import { analyticsPrivate } from '../settings/errors.js';
import { ratingOf } from '../mentors/service.js';
import {
  CENTRAL_CURRENCY,
  rateForCallingCode,
  rateForCurrency,
  readRate,
  showPrice,
  toCentralMinor,
  viewerRateJson,
  type Rate,
} from '../mentors/money.js';
import { MENTOR_FIELD_NAMES } from '../mentors/schemas.js';
import { companyPage } from '../organizations/companies.js';

type ProfileRow = Selectable<Database['profiles']>;

const PERSONAL_COLUMNS = [
  'first_name',
  'last_name',
  'middle_name',
  'country_code',
  'phone_number',
  'profile_photo',
  'cover_photo',
  'qualification',
  'intro_video',
  'location',
  'bio',
  'position',
  'summary',
  'timezone',
  'resume',
] as const;

const MENTOR_COLUMNS = [
  'years_of_experience',
  'availability',
  'current_job',
  'areas_of_expertise',
  'technical_skills',
  'mentorship_styles',
  'linkedin_url',
  'session_rate_minor',
  'session_rate_currency',
  'rating_total',
  'rating_count',
] as const;

const PROFILE_COLUMNS = sql.raw([...PERSONAL_COLUMNS, ...MENTOR_COLUMNS].map((column) => `p.${column}`).join(', '));

type MentorColumns = Pick<ProfileRow, (typeof MENTOR_COLUMNS)[number]>;

/** What a mentor's profile adds, the price in the viewer's currency. */
function mentorPart(row: MentorColumns, viewerRate: Rate | null) {
  return {
    years_of_experience: row.years_of_experience,
    availability: row.availability,
    current_job: row.current_job,
    areas_of_expertise: row.areas_of_expertise,
    technical_skills: row.technical_skills,
    mentorship_styles: row.mentorship_styles,
    linkedin_url: row.linkedin_url,
    session_rate: showPrice(Number(row.session_rate_minor), row.session_rate_currency, viewerRate),
    rating: ratingOf(row.rating_total, row.rating_count),
  };
}

interface ProfileExtras {
  id: number;
  email: string;
  show_email: boolean;
  show_location: boolean;
  user_type: UserType;
  industry: string;
  followers: number;
  followings: number;
  projects_count: number;
  can_message: boolean;
  can_follow: boolean;
  experience: RecordRows;
  education: RecordRows;
  certification: RecordRows;
}

/** The personal part of a profile, in the documented key order, defaults filled in. */
function personal(services: Services, row: Pick<ProfileRow, (typeof PERSONAL_COLUMNS)[number]>) {
  return {
    first_name: row.first_name,
    last_name: row.last_name,
    middle_name: row.middle_name,
    country_code: row.country_code,
    phone_number: row.phone_number,
    profile_photo: row.profile_photo ?? services.config.DEFAULT_PROFILE_PHOTO_URL,
    cover_photo: row.cover_photo ?? services.config.DEFAULT_COVER_PHOTO_URL,
    qualification: row.qualification,
    intro_video: row.intro_video,
    location: row.location,
    bio: row.bio,
    position: row.position,
    summary: row.summary,
    timezone: row.timezone,
    resume: row.resume,
  };
}

/**
 * A full profile: your own, or someone else's (which counts one view per viewer and day).
 * Someone else's may be read from `reads` (a replica, see platform/reads.ts); your own, and the
 * view, go to the primary.
 */
export async function retrieveProfile(services: Services, viewer: Viewer, rawUserId: string | undefined, reads = services.db) {
  let userId = viewer.id;
  if (rawUserId !== undefined) {
    const requested = idFromQuery(rawUserId);
    if (requested === undefined) throw invalidUserId();
    userId = requested;
  }
  const recordView = sql`
    insert into profile_views (viewer_id, viewed_id)
    select ${viewer.id}::bigint, id from users where id = ${userId} and is_active and id <> ${viewer.id}
    on conflict do nothing`;
  // On the primary, one statement: the profile, its three lists, the follow counts, what the
  // viewer may do, and the view it records (never of oneself). Plain SQL: building it with the
  // query builder was a fifth of the request's cost. From a replica, the view is written beside it.
  const db = userId === viewer.id ? services.db : reads;
  const [{ rows }] = await Promise.all([
    sql<Pick<ProfileRow, (typeof PERSONAL_COLUMNS)[number]> & MentorColumns & ProfileExtras & { viewer_rate: unknown }>`
    ${db === services.db ? sql`with view as (${recordView})` : sql``}
    select ${PROFILE_COLUMNS}, u.id, u.email, u.show_email, u.show_location, u.user_type, u.industry,
      (select count(*)::int from follows where following_id = u.id) as followers,
      (select count(*)::int from follows where follower_id = u.id) as followings,
      (select count(*)::int from projects where owner_id = u.id) as projects_count,
      u.id <> ${viewer.id} and ${confirmedConnection(viewer.id, sql`u.id`)} as can_message,
      u.id <> ${viewer.id} and not exists (
        select 1 from follows f where f.follower_id = ${viewer.id} and f.following_id = u.id
      ) as can_follow,
      ${recordsJson(EXPERIENCE, sql`u.id`)} as experience,
      ${recordsJson(EDUCATION, sql`u.id`)} as education,
      ${recordsJson(CERTIFICATION, sql`u.id`)} as certification,
      case when u.user_type = 'mentor' then ${viewerRateJson(viewer.id)} end as viewer_rate
    from users u join profiles p on p.user_id = u.id
    where u.id = ${userId} and u.is_active`.execute(db),
    db === services.db ? undefined : recordView.execute(services.db),
  ]);
  const row = rows[0];
  if (!row) throw invalidUserId();
  // A company page answers its own shape (original-beyond-seed §6.3); an employer without one, a person's.
  const company = row.user_type === 'employer' ? await companyPage(services, viewer, row.id) : undefined;
  if (company) return company;
  const own = userId === viewer.id;
  return {
    id: row.id,
    ...(own || row.show_email ? { email: row.email } : {}),
    ...personal(services, row),
    // Hidden as an unset location is: empty.
    ...(own || row.show_location ? {} : { location: '' }),
    user_type: row.user_type,
    industry: row.industry,
    experience: row.experience,
    education: row.education,
    certification: row.certification,
    followers: row.followers,
    followings: row.followings,
    projects_count: row.projects_count,
    can_message: row.can_message,
    can_follow: row.can_follow,
    ...(row.user_type === 'mentor' ? mentorPart(row, readRate(row.viewer_rate)) : {}),
  } as const;
}

const MEDIA_KINDS = { profile_photo: 'image', cover_photo: 'image', intro_video: 'video', resume: 'document' } as const satisfies Record<
  string,
  MediaKind
>;

export type ProfileChanges = Partial<Record<(typeof PERSONAL_COLUMNS)[number], string>> & MentorChanges;

interface MentorChanges {
  years_of_experience?: number | undefined;
  availability?: 'weekdays' | 'weekends' | undefined;
  current_job?: string | undefined;
  areas_of_expertise?: string[] | undefined;
  technical_skills?: string[] | undefined;
  mentorship_styles?: string[] | undefined;
  linkedin_url?: string | undefined;
  session_rate?: number | undefined;
  session_rate_currency?: string | undefined;
}

/**
 * Changes the given fields; a media field must name a file uploaded to our storage. Mentor fields
 * are a mentor's only: anyone else sending one gets a 400 naming it, and nothing changes. A
 * submitted `session_rate` is converted to USD once, now (in `session_rate_currency`, else the
 * currency of the mentor's country when it has a rate, else USD); other saves leave it alone.
 */
export async function updateProfile(services: Services, viewer: Viewer, input: ProfileChanges) {
  const { session_rate: sessionRate, session_rate_currency: rateCurrency, ...changes } = input;
  const current = await services.db
    .selectFrom('profiles')
    .innerJoin('users', 'users.id', 'profiles.user_id')
    .selectAll('profiles')
    .select('users.user_type')
    .where('profiles.user_id', '=', viewer.id)
    .executeTakeFirstOrThrow();
  const isMentor = current.user_type === 'mentor';
  if (!isMentor) {
    const sent = MENTOR_FIELD_NAMES.filter((field) => input[field] !== undefined);
    if (sent.length) throw mentorFieldsOnly(sent);
  }
  if (
    changes.country_code !== undefined &&
    changes.country_code !== current.country_code &&
    !(await isPermittedCallingCode(services, changes.country_code))
  ) {
    throw callingCodeNotPermitted();
  }
  const defaults = { profile_photo: services.config.DEFAULT_PROFILE_PHOTO_URL, cover_photo: services.config.DEFAULT_COVER_PHOTO_URL };
  const values: Record<string, string | string[] | number | null> = {};
  const replacedFiles: Array<string | null> = [];
  if (sessionRate !== undefined) {
    let rate: Rate | null;
    if (rateCurrency !== undefined) {
      rate = await rateForCurrency(services.db, rateCurrency);
      if (!rate) throw noExchangeRate(rateCurrency);
    } else {
      rate = await rateForCallingCode(services.db, changes.country_code ?? current.country_code);
    }
    values.session_rate_minor = toCentralMinor(sessionRate, rate);
    values.session_rate_currency = CENTRAL_CURRENCY;
  }
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      values[field] = value;
      continue;
    }
    const kind = MEDIA_KINDS[field as keyof typeof MEDIA_KINDS];
    if (kind && value !== current[field as keyof typeof MEDIA_KINDS]) {
      // Sending the default photo back means "no photo of my own".
      values[field] = value === defaults[field as keyof typeof defaults] ? null : await checkStoredMedia(services, field, kind, value);
      replacedFiles.push(current[field as keyof typeof MEDIA_KINDS]);
    } else {
      values[field] = value;
    }
  }
  const row = Object.keys(values).length
    ? await services.db
        .updateTable('profiles')
        .set({ ...values, updated_at: services.now() })
        .where('user_id', '=', viewer.id)
        .returningAll()
        .executeTakeFirstOrThrow()
    : current;
  await removeUnusedMedia(services, replacedFiles);
  if (!isMentor) return personal(services, row);
  return { ...personal(services, row), ...mentorPart(row, await rateForCallingCode(services.db, row.country_code)) };
}

/**
 * Sets the industry, and the user type while none was chosen yet. `user_type` never changes once
 * chosen (issue 18): a mentor or an employer stays one, whatever is sent. An account that is still
 * a learner (every sign-up without an industry, and the hash link's) may pick its type once here,
 * as the web client's onboarding does; after that, only the same value is accepted. Checked on
 * the row itself (locked), not on the cached account.
 */
export async function setIndustry(
  services: Services,
  viewer: Viewer,
  changes: { industry?: string | undefined; user_type?: UserType | undefined },
) {
  const columns = ['industry', 'user_type', 'email'] as const;
  const row = await services.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('users').select(columns).where('id', '=', viewer.id).forUpdate().executeTakeFirstOrThrow();
    if (changes.user_type !== undefined && changes.user_type !== before.user_type && before.user_type !== 'learner') {
      throw userTypeAlreadyChosen(before.user_type);
    }
    const set = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    if (!Object.keys(set).length) return before;
    const updated = await trx.updateTable('users').set(set).where('id', '=', viewer.id).returning(columns).executeTakeFirstOrThrow();
    // Mentors' posts are in every feed: a learner becoming a mentor brings theirs into the 'mentor' feed key.
    if (updated.user_type === 'mentor' && before.user_type !== 'mentor') {
      await trx
        .insertInto('feed_keys')
        .columns(['key', 'post_id'])
        .expression(
          trx
            .selectFrom('posts')
            .select([sql.lit('mentor').as('key'), 'id'])
            .where('author_id', '=', viewer.id),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    return updated;
  });
  await forgetAccount(services, viewer.id);
  return { industry: row.industry, user_type: row.user_type, email: row.email };
}

/** Your numbers, or with `?user_id=` another member's, whose `show_activity` must allow it (403 otherwise). */
export async function analytics(services: Services, viewer: Viewer, rawUserId: string | undefined) {
  const userId = rawUserId === undefined ? viewer.id : idFromQuery(rawUserId);
  if (userId === undefined) throw invalidUserId();
  const { rows } = await sql<{ shown: boolean; total_posts: number; total_views: number; total_connections: number }>`
    select u.id = ${viewer.id} or u.show_activity as shown,
      (select count(*) from posts where author_id = u.id)::int as total_posts,
      (select count(*) from profile_views where viewed_id = u.id)::int as total_views,
      (select count(*) from connections
        where status = 'accepted' and (requester_id = u.id or recipient_id = u.id))::int as total_connections
    from users u where u.id = ${userId} and u.is_active
  `.execute(services.db);
  const row = rows[0];
  if (!row) throw invalidUserId();
  if (!row.shown) throw analyticsPrivate();
  return { total_posts: row.total_posts, total_views: row.total_views, total_connections: row.total_connections };
}

const WEIGHTS: Record<(typeof COMPLETION_ITEMS)[number], number> = {
  profile_photo: 15,
  intro_video: 15,
  experience: 20,
  certification: 15,
  bio: 15,
  education: 20,
};

/** Which parts of the profile are filled in, weighted; the default photo does not count. */
export async function completion(services: Services, viewer: Viewer) {
  const db: Kysely<Database> = services.db;
  const row = await db
    .selectFrom('profiles')
    .select(['profile_photo', 'intro_video', 'bio'])
    .select((eb) => [
      eb.exists(eb.selectFrom('experiences').select('id').where('user_id', '=', viewer.id)).as('experience'),
      eb.exists(eb.selectFrom('certifications').select('id').where('user_id', '=', viewer.id)).as('certification'),
      eb.exists(eb.selectFrom('educations').select('id').where('user_id', '=', viewer.id)).as('education'),
    ])
    .where('user_id', '=', viewer.id)
    .executeTakeFirstOrThrow();
  const done: Record<(typeof COMPLETION_ITEMS)[number], boolean> = {
    profile_photo: row.profile_photo !== null,
    intro_video: row.intro_video !== '',
    experience: Boolean(row.experience),
    certification: Boolean(row.certification),
    bio: row.bio !== '',
    education: Boolean(row.education),
  };
  return {
    completion: COMPLETION_ITEMS.reduce((sum, item) => sum + (done[item] ? WEIGHTS[item] : 0), 0),
    incomplete_items: COMPLETION_ITEMS.filter((item) => !done[item]),
    complete_items: COMPLETION_ITEMS.filter((item) => done[item]),
  };
}
