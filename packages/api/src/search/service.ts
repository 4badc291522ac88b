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
 * At most this many people are ranked and counted, as LinkedIn shows at most 1,000 results of a
 * search: a common keyword costs the same whatever the number of members.
 */
export const SEARCH_CAP = 1_000;

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
 * statement. The candidates are read from the three trigram indexes of migration 0015 (names;
 * qualification, bio and summary; companies of career records), at most SEARCH_CAP from each, so
 * a keyword matching very many people reads a bounded number of rows; deactivated members are
 * dropped by the primary key of users. The candidates are ranked (a whole name equal to the
 * keyword, then a name beginning with it, then the rest; then by id) and the first SEARCH_CAP
 * kept: the count and every page come from that one list, so pages are stable.
 */
async function readPeople(services: Services, keyword: string, offset: number, limit: number) {
  // Folded once per statement (sub-selects become InitPlans), not once per row.
  const pattern = likeEscaped(keyword);
  const anywhere = sql`(select '%' || cn_fold(${pattern}::text) || '%')`;
  const wholeName = sql`(select '% ' || cn_fold(${pattern}::text) || ' %')`;
  const nameStart = sql`(select '% ' || cn_fold(${pattern}::text) || '%')`;
  const { rows } = await sql<{ count: number; results: FoundRow[] }>`
    with candidates as materialized (
      select user_id from (select p.user_id from profiles p where p.people_name like ${anywhere} limit ${SEARCH_CAP}) by_name
      union
      select user_id from (select p.user_id from profiles p where p.people_text like ${anywhere} limit ${SEARCH_CAP}) by_text
      union
      select user_id from (select e.user_id from experiences e where e.organization_folded like ${anywhere} limit ${SEARCH_CAP}) by_company
    ),
    ranked as materialized (
      select p.user_id as id,
        case when ' ' || p.people_name || ' ' like ${wholeName} then ${EXACT_NAME}
             when ' ' || p.people_name like ${nameStart} then ${NAME_PREFIX}
             else ${OTHER_FIELD} end as tier
      from candidates c
      join users u on u.id = c.user_id and u.is_active
      join profiles p on p.user_id = c.user_id
      order by tier, p.user_id
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
