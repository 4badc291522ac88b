import { sql } from '@careernexus/db';
import type { Viewer } from '../auth/sessions.js';
import type { Services } from '../context.js';

/**
 * Counts stop here: counting a large list costs a bounded index read, and past this many items
 * nobody pages by number anyway. `count` is exact below it.
 */
export const COUNT_CAP = 10_000;

/**
 * The feed counts every request (it merges several sources, so no stored count fits it): a
 * smaller cap keeps that read cheap. 1,000 posts are 100 pages of 10.
 */
export const FEED_COUNT_CAP = 1_000;

export interface IdPage {
  ids: number[];
  count: number;
}

/** The newest post id now: a feed's snapshot, so later pages do not shift as posts arrive. */
export async function latestPostId(services: Services): Promise<number> {
  const { rows } = await sql<{ id: number | null }>`select max(id) as id from posts`.execute(services.db);
  return Number(rows[0]?.id ?? 0);
}

/**
 * Each source of the feed, newest first, read from its own index with a limit; the union of
 * their heads holds the page. Sources: the reader's industry, mentors, the reader, and everyone
 * the reader follows.
 */
type FeedReader = Pick<Viewer, 'id' | 'industry'>;

function feedSources(viewer: FeedReader, snapshot: number, limit: number, followedOnly: boolean) {
  const followed = sql`
    select p.id from follows f
    cross join lateral (
      select id from posts where author_id = f.following_id and id <= ${snapshot} order by id desc limit ${limit}
    ) p
    where f.follower_id = ${viewer.id}`;
  if (followedOnly) return followed;
  return sql`
    (select post_id as id from feed_keys where key = ${`industry:${viewer.industry}`} and post_id <= ${snapshot} order by post_id desc limit ${limit})
    union all
    (select post_id from feed_keys where key = 'mentor' and post_id <= ${snapshot} order by post_id desc limit ${limit})
    union all
    (select id from posts where author_id = ${viewer.id} and id <= ${snapshot} order by id desc limit ${limit})
    union all
    ${followed}`;
}

/** The two statements behind a feed page: its ids, and its (capped) count. Exported for EXPLAIN. */
export function feedQueries(viewer: FeedReader, snapshot: number, offset: number, size: number, followedOnly = false) {
  return {
    page: sql<{ id: number }>`
      select distinct id from (${feedSources(viewer, snapshot, offset + size, followedOnly)}) s
      order by id desc limit ${size} offset ${offset}`,
    count: sql<{ n: number }>`
      select count(distinct id)::int as n from (${feedSources(viewer, snapshot, FEED_COUNT_CAP, followedOnly)}) s`,
  };
}

export async function feedIds(services: Services, viewer: Viewer, snapshot: number, offset: number, size: number, followedOnly = false): Promise<IdPage> {
  const queries = feedQueries(viewer, snapshot, offset, size, followedOnly);
  const page = await queries.page.execute(services.db);
  const counted = await queries.count.execute(services.db);
  return { ids: page.rows.map((row) => Number(row.id)), count: Math.min(Number(counted.rows[0]?.n ?? 0), FEED_COUNT_CAP) };
}

/** One author's posts, newest first. */
export async function authorIds(services: Services, authorId: number, snapshot: number, offset: number, size: number): Promise<IdPage> {
  const { db } = services;
  const rows = await db
    .selectFrom('posts')
    .select('id')
    .where('author_id', '=', authorId)
    .where('id', '<=', snapshot)
    .orderBy('id', 'desc')
    .limit(size)
    .offset(offset)
    .execute();
  const { rows: counted } = await sql<{ n: number }>`
    select count(*)::int as n from (select 1 from posts where author_id = ${authorId} and id <= ${snapshot} limit ${COUNT_CAP}) s`.execute(db);
  return { ids: rows.map((row) => row.id), count: Number(counted[0]?.n ?? 0) };
}
