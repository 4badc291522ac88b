import { isForeignKeyViolation, sql, type RawBuilder } from '@careernexus/db';
import type { Viewer } from '../auth/sessions.js';
import type { Context, Services } from '../context.js';
import { mentorIdNotAnInteger, savingNonMentor, savingYourself, unknownMentor, unsaveMentorMissing } from './errors.js';
import { paginate, readCountedPage, readPage, type PageRequest } from '../pagination.js';
import { COUNT_CAP } from '../posts/feed.js';
import { onlyRow } from '../invariant.js';
import { idFromQuery } from '../validation.js';
import { readRate, showPrice, viewerRateJson, type Rate } from './money.js';
import type { MentorCard } from './schemas.js';

/** Recommendation pages hold 4 mentors unless `page_size` says otherwise (as the web client shows them). */
const RECOMMENDATION_PAGE_SIZE = 4;

/** Years of experience of each experience level, inclusive. */
const EXPERIENCE_YEARS = { entry: [0, 2], mid: [3, 5], senior: [6, 10], executive: [11, 80] } as const;

/** The shown rating: the mean of the session ratings to one decimal, 0 when none. */
export const ratingOf = (total: number, count: number) => (count > 0 ? Math.round((total / count) * 10) / 10 : 0);

interface CardRow {
  id: number;
  first_name: string;
  last_name: string;
  middle_name: string;
  profile_photo: string | null;
  qualification: string;
  industry: string;
  current_job: string | null;
  years_of_experience: number | null;
  availability: 'weekdays' | 'weekends' | null;
  technical_skills: string[];
  areas_of_expertise: string[];
  session_rate_minor: number;
  session_rate_currency: string;
  rating_total: number;
  rating_count: number;
  is_saved: boolean;
}

/** A card's columns as JSON, from `profiles p` and `users a` of the mentor. */
const cardJson = (viewerId: number) => sql`json_build_object(
  'id', p.user_id, 'first_name', p.first_name, 'last_name', p.last_name, 'middle_name', p.middle_name,
  'profile_photo', p.profile_photo, 'qualification', p.qualification, 'industry', a.industry,
  'current_job', p.current_job, 'years_of_experience', p.years_of_experience, 'availability', p.availability,
  'technical_skills', p.technical_skills, 'areas_of_expertise', p.areas_of_expertise,
  'session_rate_minor', p.session_rate_minor, 'session_rate_currency', p.session_rate_currency,
  'rating_total', p.rating_total, 'rating_count', p.rating_count,
  'is_saved', exists (select 1 from saved_mentors s where s.saver_id = ${viewerId} and s.mentor_id = p.user_id))`;

function toCard(services: Services, row: CardRow, viewerRate: Rate | null): MentorCard {
  return {
    id: Number(row.id),
    first_name: row.first_name,
    last_name: row.last_name,
    middle_name: row.middle_name,
    profile_photo: row.profile_photo ?? services.config.DEFAULT_PROFILE_PHOTO_URL,
    qualification: row.qualification,
    industry: row.industry,
    current_job: row.current_job,
    years_of_experience: row.years_of_experience,
    availability: row.availability,
    technical_skills: row.technical_skills,
    areas_of_expertise: row.areas_of_expertise,
    session_rate: showPrice(Number(row.session_rate_minor), row.session_rate_currency, viewerRate),
    rating: ratingOf(row.rating_total, row.rating_count),
    is_saved: Boolean(row.is_saved),
  };
}

/**
 * The order of every mentor list: best mean rating first, the unrated last, then by id. The
 * mentor indexes of profiles hold exactly this order (migration 0009), so a page is read from
 * the index's first entries instead of sorting every candidate.
 */
const MENTOR_ORDER = sql`p.mentor_rating desc nulls last, p.user_id`;

/**
 * One statement for a page of mentors: `page` gives the page's mentor ids with their order `ord`,
 * `count` the number of the list's mentors (capped); `shared` are common table
 * expressions both may read. It answers the count, the viewer's exchange rate and the cards.
 */
async function readCards(
  services: Services,
  viewer: Viewer,
  parts: { shared?: RawBuilder<unknown>; count: RawBuilder<number>; page: RawBuilder<{ id: number; ord: number }> },
) {
  const { rows } = await sql<{ count: number; viewer_rate: unknown; results: CardRow[] }>`
    with ${parts.shared ? sql`${parts.shared},` : sql``} page as materialized (${parts.page})
    select (${parts.count}) as count,
      ${viewerRateJson(viewer.id)} as viewer_rate,
      coalesce((
        select json_agg(${cardJson(viewer.id)} order by f.ord)
        from page f
        join profiles p on p.user_id = f.id
        join users a on a.id = f.id
      ), '[]') as results`.execute(services.db);
  const row = onlyRow(rows);
  const rate = readRate(row.viewer_rate);
  return { count: row.count, results: row.results.map((card) => toCard(services, card, rate)) };
}

type PageParts = (offset: number, limit: number) => Parameters<typeof readCards>[2];

async function mentorPage(ctx: Context, viewer: Viewer, request: PageRequest, parts: PageParts) {
  const { page, found: read } = await readCountedPage(request, (page) =>
    readCards(ctx.services, viewer, parts((page - 1) * request.size, request.size)),
  );
  return paginate(ctx.url, page, request.size, read.count, read.results);
}

/**
 * Mentors of the caller's industry (never the caller), best rated first, then by id. The page
 * is the first entries of the industry's part of `profiles_mentors_by_industry` (page 1: 4 of
 * them, whatever the number of mentors); the count is an index-only count of that part, at most
 * COUNT_CAP entries.
 */
export function recommendMentors(ctx: Context, viewer: Viewer, query: { page?: string | undefined; page_size?: string | undefined }) {
  const request = readPage(query, RECOMMENDATION_PAGE_SIZE);
  const industryMentors = sql`p.mentor_industry = ${viewer.industry} and p.user_id <> ${viewer.id}`;
  return mentorPage(ctx, viewer, request, (offset, limit) => ({
    count: sql<number>`select count(*)::int from (select 1 from profiles p where ${industryMentors} limit ${COUNT_CAP}) c`,
    page: sql<{ id: number; ord: number }>`
      select p.user_id as id, row_number() over (order by ${MENTOR_ORDER}) as ord
      from profiles p where ${industryMentors}
      order by ${MENTOR_ORDER} limit ${limit} offset ${offset}`,
  }));
}

/** `%` and `_` match themselves in a LIKE pattern. */
const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

export interface SearchQuery {
  page?: string | undefined;
  page_size?: string | undefined;
  text?: string | undefined;
  experience_level?: keyof typeof EXPERIENCE_YEARS | undefined;
  skills?: string | undefined;
  availability?: 'weekdays' | 'weekends' | undefined;
}

/**
 * A search counts and ranks at most this many of its matches (10 pages of 10): reading every match
 * made a common word's search grow with the mentors (bench/RESULTS.md, "mentor recommendation and
 * search"). Beyond it, `count` says MENTOR_SEARCH_CAP: "this many or more".
 */
export const MENTOR_SEARCH_CAP = 100;
/**
 * A page of a search with MENTOR_SEARCH_CAP matches or more walks at most this many mentors in rating
 * order looking for its matches; a sparser word's later entries come from the capped matches.
 */
export const RATING_WALK_CAP = 1000;

/**
 * Mentors of any industry matching every criterion given, best rated first. `text`: a part of the
 * names, bio, skills or areas of expertise; `skills`: each of them among the mentor's skills.
 * Both ignore case and accents and are read from mentor-only indexes (trigrams of the folded
 * text; the folded skills array: generated columns of profiles). Each combination of criteria is
 * its own statement text, so every prepared plan fits its filters.
 *
 * Cost, bounded whatever the number of mentors or matches: with text or skills, at most
 * MENTOR_SEARCH_CAP matches are read from their index (each row checked, the trigram index being lossy):
 * the count. Fewer than MENTOR_SEARCH_CAP: they are all the matches, and ranked. MENTOR_SEARCH_CAP or more:
 * the page is found by walking the mentors in rating order (`profiles_mentors_by_rating`),
 * testing each, until the page's `offset + size` matches are found, so a common word costs about
 * `(offset + size) / its share of the mentors` rows and its pages are the best rated of all its
 * matches. The walk stops after RATING_WALK_CAP mentors; the list is then the matches among them,
 * followed by the capped matches rated below them. Either way every page is a slice of one list,
 * so pages neither repeat nor skip a mentor. Without text or skills, the first MENTOR_SEARCH_CAP mentors
 * passing the filters in rating order are the list.
 */
export function searchMentors(ctx: Context, viewer: Viewer, query: SearchQuery) {
  const request = readPage(query);
  const criteria: RawBuilder<unknown>[] = [];
  const text = query.text?.trim();
  if (text) {
    criteria.push(
      // The pattern is a sub-select, folded once (an InitPlan), not for every row the index finds.
      sql`p.search_text like (select '%' || cn_fold(${likeEscaped(text)}::text) || '%')`,
    );
  }
  const skills = (query.skills ?? '')
    .split(',')
    .map((skill) => skill.trim())
    .filter(Boolean);
  if (skills.length) criteria.push(sql`p.skills_folded @> (select cn_fold_all(${skills}::text[]))`);
  if (query.experience_level) {
    const [low, high] = EXPERIENCE_YEARS[query.experience_level];
    criteria.push(sql`p.years_of_experience between ${low} and ${high}`);
  }
  if (query.availability) criteria.push(sql`p.availability = ${query.availability}`);
  const matching = sql.join([sql`p.mentor_industry is not null`, ...criteria], sql` and `);
  if (!text && !skills.length) {
    // No indexed criterion: the mentor index in rating order is the list.
    const listed = sql`listed as materialized (
      select p.user_id, p.mentor_rating from profiles p where ${matching} order by ${MENTOR_ORDER} limit ${sql.lit(MENTOR_SEARCH_CAP)})`;
    return mentorPage(ctx, viewer, request, (offset, limit) => ({
      shared: listed,
      count: sql<number>`select count(*)::int from listed`,
      page: rankedPage(sql`listed`, offset, limit),
    }));
  }
  const capped = sql`capped as materialized (
    select p.user_id, p.mentor_rating from profiles p where ${matching} limit ${sql.lit(MENTOR_SEARCH_CAP)})`;
  return mentorPage(ctx, viewer, request, (offset, limit) => ({
    shared: sql`${capped},
    walked as materialized (
      select w.user_id, w.mentor_rating
      from (
        select p.user_id, p.mentor_rating, ${sql.join(criteria, sql` and `)} as matches
        from profiles p where p.mentor_industry is not null
        order by ${MENTOR_ORDER} limit ${sql.lit(RATING_WALK_CAP)}
      ) w
      -- A one-time filter: with fewer than MENTOR_SEARCH_CAP matches, the capped ones are all of them.
      where w.matches and (select count(*) from capped) >= ${sql.lit(MENTOR_SEARCH_CAP)}
      limit ${offset + limit}
    ),
    listed as (select user_id, mentor_rating from capped union select user_id, mentor_rating from walked)`,
    count: sql<number>`select count(*)::int from capped`,
    page: rankedPage(sql`listed`, offset, limit),
  }));
}

/** Entries `offset` to `offset + limit` of a list of mentors (`user_id`, `mentor_rating`) in MENTOR_ORDER. */
const rankedPage = (list: RawBuilder<unknown>, offset: number, limit: number) => sql<{ id: number; ord: number }>`
  select p.user_id as id, row_number() over (order by ${MENTOR_ORDER}) as ord from ${list} p
  order by ${MENTOR_ORDER} limit ${limit} offset ${offset}`;

/** Cards of the given mentors, in the order given. */
async function cardsOf(services: Services, viewer: Viewer, ids: number[]) {
  if (!ids.length) return [];
  const page = sql<{ id: number; ord: number }>`select id, ord from unnest(${ids}::bigint[]) with ordinality as t(id, ord)`;
  return (await readCards(services, viewer, { count: sql<number>`select 0`, page })).results;
}

/** Saves a mentor; saving again keeps one save (the primary key) and answers the same. */
export async function saveMentor(services: Services, viewer: Viewer, mentorId: number) {
  if (mentorId === viewer.id) throw savingYourself();
  const target = await services.db
    .selectFrom('users')
    .select(['id', 'user_type'])
    .where('id', '=', mentorId)
    .where('is_active', '=', true)
    .executeTakeFirst();
  if (!target) throw unknownMentor(mentorId);
  if (target.user_type !== 'mentor') throw savingNonMentor();
  try {
    await services.db
      .insertInto('saved_mentors')
      .values({ saver_id: viewer.id, mentor_id: mentorId })
      .onConflict((oc) => oc.doNothing())
      .execute();
  } catch (error) {
    // The mentor's account was deleted meanwhile.
    if (isForeignKeyViolation(error)) throw unknownMentor(mentorId);
    throw error;
  }
  const [card] = await cardsOf(services, viewer, [mentorId]);
  if (!card) throw unknownMentor(mentorId);
  return { saved: card };
}

/** Saved mentors, in the order they were saved. */
export async function savedMentors(services: Services, viewer: Viewer) {
  const rows = await services.db
    .selectFrom('saved_mentors as s')
    .innerJoin('users as u', 'u.id', 's.mentor_id')
    .select('s.mentor_id')
    .where('s.saver_id', '=', viewer.id)
    .where('u.is_active', '=', true)
    .orderBy('s.created_at')
    .orderBy('s.mentor_id')
    .execute();
  const cards = await cardsOf(
    services,
    viewer,
    rows.map((row) => row.mentor_id),
  );
  return cards.map((card) => ({ saved: card }));
}

/** Unsaves a mentor; unsaving one not saved changes nothing and is no error. */
export async function unsaveMentor(services: Services, viewer: Viewer, raw: string | undefined) {
  if (raw === undefined || raw.trim() === '') throw unsaveMentorMissing();
  const mentorId = idFromQuery(raw);
  if (mentorId === undefined) throw mentorIdNotAnInteger();
  await services.db.deleteFrom('saved_mentors').where('saver_id', '=', viewer.id).where('mentor_id', '=', mentorId).execute();
}
