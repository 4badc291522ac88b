import { sql, type UserType } from '@careernexus/db';
import type { Context, Services } from '../context.js';
import { onlyRow } from '../invariant.js';
import { paginate, readCountedPage, readPage } from '../pagination.js';
import { keywordMissing, keywordTooLong, keywordTooShort } from './errors.js';
import type { PersonFound } from './schemas.js';

/** The web client shows 4 people a page (navbar, invitee and member pickers). */
const PEOPLE_PAGE_SIZE = 4;
export const MIN_KEYWORD_RUN = 3;
export const MAX_KEYWORD_LENGTH = 100;

/**
 * At most this many people are ranked and counted (25 pages of 4): a search is for finding someone
 * by name, and a bounded list keeps a common keyword as cheap as a rare one. At 1,000 (LinkedIn's
 * limit) ranking the candidates cost 10 times the feed's database time at size M
 * (bench/RESULTS.md, "people search").
 */
export const SEARCH_CAP = 100;
/** A member has about two career records: companies are read this many records a person. */
const RECORDS_PER_PERSON = 2;

/** Tiers of the ranking: a whole name, a name's beginning, anything else. */
const EXACT_NAME = 0;
const NAME_PREFIX = 1;
const OTHER_FIELD = 2;

interface FoundRow {
  id: number;
  first_name: string;
  middle_name: string;
  last_name: string;
  qualification: string;
  profile_photo: string | null;
  user_type: UserType;
}

/** `%` and `_` match themselves in a LIKE pattern. */
const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

/** The keyword trimmed, its spaces collapsed; refused when absent, too long, or without three letters or digits in a row. */
function keywordOf(raw: string | undefined): string {
  const keyword = (raw ?? '').trim().replace(/\s+/g, ' ');
  if (!keyword) throw keywordMissing();
  if (keyword.length > MAX_KEYWORD_LENGTH) throw keywordTooLong(MAX_KEYWORD_LENGTH);
  if (!new RegExp(`[\\p{L}\\p{N}]{${MIN_KEYWORD_RUN}}`, 'u').test(keyword)) throw keywordTooShort(MIN_KEYWORD_RUN);
  return keyword;
}

/**
 * One page of the people matching `keyword`, and their number (at most SEARCH_CAP), in one
 * statement. Names first: up to SEARCH_CAP active members whose names contain the keyword, read
 * from the names' trigram index and ranked from that text alone (a whole name equal to the
 * keyword, then a name beginning with it, then the rest). Only when names give fewer than
 * SEARCH_CAP are the qualification, bio and summary index and the companies index read (up to
 * SEARCH_CAP people, and twice as many career records, from each). The first SEARCH_CAP by tier
 * and id make the list: the count and every page come from it, so pages are stable.
 */
async function readPeople(services: Services, keyword: string, offset: number, limit: number) {
  // Folded once per statement (sub-selects become InitPlans), not once per row.
  const pattern = likeEscaped(keyword);
  const anywhere = sql`(select '%' || cn_fold(${pattern}::text) || '%')`;
  const wholeName = sql`(select '% ' || cn_fold(${pattern}::text) || ' %')`;
  const nameStart = sql`(select '% ' || cn_fold(${pattern}::text) || '%')`;
  const { rows } = await sql<{ count: number; results: FoundRow[] }>`
    with by_name as materialized (
      select p.user_id as id,
        case when ' ' || p.people_name || ' ' like ${wholeName} then ${EXACT_NAME}
             when ' ' || p.people_name like ${nameStart} then ${NAME_PREFIX}
             else ${OTHER_FIELD} end as tier
      from profiles p
      join users u on u.id = p.user_id and u.is_active
      where p.people_name like ${anywhere}
      limit ${SEARCH_CAP}
    ),
    elsewhere as materialized (
      select found.user_id as id
      from (
        (select p.user_id from profiles p where p.people_text like ${anywhere} limit ${SEARCH_CAP})
        union
        (select e.user_id from experiences e where e.organization_folded like ${anywhere} limit ${RECORDS_PER_PERSON * SEARCH_CAP})
      ) found
      join users u on u.id = found.user_id and u.is_active
      -- A one-time filter: with a full list of names, the other indexes are not read at all.
      where (select count(*) from by_name) < ${SEARCH_CAP}
    ),
    ranked as materialized (
      select id, min(tier) as tier
      from (select id, tier from by_name union all select id, ${OTHER_FIELD} from elsewhere) found
      group by id
      order by tier, id
      limit ${SEARCH_CAP}
    )
    select (select count(*)::int from ranked) as count,
      coalesce((
        select json_agg(json_build_object(
          'id', p.user_id, 'first_name', p.first_name, 'middle_name', p.middle_name, 'last_name', p.last_name,
          'qualification', p.qualification, 'profile_photo', p.profile_photo, 'user_type', u.user_type) order by r.tier, r.id)
        from (select id, tier from ranked order by tier, id limit ${limit} offset ${offset}) r
        join profiles p on p.user_id = r.id
        join users u on u.id = r.id
      ), '[]') as results`.execute(services.db);
  return onlyRow(rows);
}

function toPerson(services: Services, row: FoundRow): PersonFound {
  return {
    id: Number(row.id),
    name: [row.first_name, row.last_name].filter(Boolean).join(' '),
    first_name: row.first_name,
    middle_name: row.middle_name,
    last_name: row.last_name,
    qualification: row.qualification,
    profile_photo: row.profile_photo ?? services.config.DEFAULT_PROFILE_PHOTO_URL,
    user_type: row.user_type,
  };
}

/** People whose names, qualification, bio, summary or companies contain the keyword, best matches first; the caller too. */
export async function searchPeople(
  ctx: Context,
  query: { keyword?: string | undefined; page?: string | undefined; page_size?: string | undefined },
) {
  const keyword = keywordOf(query.keyword);
  const request = readPage(query, PEOPLE_PAGE_SIZE);
  const { page, found } = await readCountedPage(request, (page) =>
    readPeople(ctx.services, keyword, (page - 1) * request.size, request.size),
  );
  return paginate(
    ctx.url,
    page,
    request.size,
    found.count,
    found.results.map((row) => toPerson(ctx.services, row)),
  );
}
