import { sql, type RawBuilder } from '@careernexus/db';
import type { Viewer } from '../auth/sessions.js';
import type { Services } from '../context.js';
import { readPostPage, type PageOfIds, type PostPage } from './read.js';

/**
 * Counts stop here: counting a large list costs a bounded index read, and past this many items
 * nobody pages by number anyway. `count` is exact below it.
 */
export const COUNT_CAP = 10_000;

/**
 * The feed merges several sources, so no stored count fits it: it is counted from the sources'
 * heads, up to this many posts (100 pages of 10), and only its newest this-many are pageable.
 */
const FEED_COUNT_CAP = 1_000;

/**
 * A reader's feed as last counted. The next count only adds the posts that arrived since, so a
 * count costs what is new, not what is there. A full count is redone every `FEED_TALLY_SECONDS`:
 * a deleted post, or a follow changed through another process, shows in the count at most that
 * late.
 */
export interface FeedTally {
  snapshot: number;
  count: number;
}
export const FEED_TALLY_SECONDS = 60;

type FeedReader = Pick<Viewer, 'id' | 'industry'>;
const tallyKey = (viewer: FeedReader, followedOnly: boolean) =>
  followedOnly ? `following:${viewer.id}` : `home:${viewer.id}:${viewer.industry}`;

/** After a follow or an unfollow: the reader's feeds have other sources now. */
export function forgetFeedTallies(services: Services, viewer: FeedReader) {
  services.memo.feedTallies.delete(tallyKey(viewer, false));
  services.memo.feedTallies.delete(tallyKey(viewer, true));
}

/**
 * Each source of the feed, newest first, read from its own index with a limit; the union of
 * their heads holds the page. Sources: the reader's industry, mentors, the reader, and everyone
 * the reader follows. Only ids in (`after`, `upTo`] are read; `upTo` is an SQL expression, or
 * null for no upper bound: the newest post is the snapshot then, and the bound would only cost.
 */
function feedSources(viewer: FeedReader, followedOnly: boolean, upTo: RawBuilder<number> | null, limit: number, after = 0) {
  const below = (column: RawBuilder<unknown>) => (upTo ? sql` and ${column} <= ${upTo}` : sql``);
  const followed = sql`
    select p.id from follows f
    cross join lateral (
      select id from posts where author_id = f.following_id${below(sql`id`)} and id > ${after} order by id desc limit ${limit}
    ) p
    where f.follower_id = ${viewer.id}`;
  if (followedOnly) return followed;
  return sql`
    (select post_id as id from feed_keys where key = ${`industry:${viewer.industry}`}${below(sql`post_id`)} and post_id > ${after} order by post_id desc limit ${limit})
    union all
    (select post_id from feed_keys where key = 'mentor'${below(sql`post_id`)} and post_id > ${after} order by post_id desc limit ${limit})
    union all
    (select id from posts where author_id = ${viewer.id}${below(sql`id`)} and id > ${after} order by id desc limit ${limit})
    union all
    ${followed}`;
}

/**
 * One statement for a feed page: the snapshot (pinned, else the newest post id), the page's ids
 * and the count. With a `tally` taken at or before the snapshot, only newer posts are counted,
 * and none once the tally reached the cap. Each count part left out of the statement is also
 * work PostgreSQL no longer sets up for every page. Exported for EXPLAIN.
 */
export function feedQuery(
  viewer: FeedReader,
  pinned: number | null,
  offset: number,
  size: number,
  followedOnly = false,
  tally?: FeedTally,
) {
  const snapshot = sql<number>`(select id from snapshot)`;
  const upTo = pinned === null ? null : snapshot;
  const countOf = (after?: number) =>
    sql`(select count(distinct id)::int from (${feedSources(viewer, followedOnly, upTo, FEED_COUNT_CAP, after)}) s)`;
  const count =
    !tally || (pinned !== null && pinned < tally.snapshot)
      ? countOf()
      : tally.count >= FEED_COUNT_CAP
        ? sql`${FEED_COUNT_CAP}::int`
        : sql`${tally.count}::int + ${countOf(tally.snapshot)}`;
  return sql<PageOfIds>`
    with snapshot as (select coalesce(${pinned}::bigint, (select max(id) from posts), 0) as id)
    select
      (select id from snapshot) as snapshot,
      ${count} as count,
      array(
        select distinct id from (${feedSources(viewer, followedOnly, upTo, offset + size)}) s
        order by id desc limit ${size} offset ${offset}
      ) as ids`;
}

/** A page of the reader's feed (or following feed) with its posts, in one statement. */
export async function feedPage(
  services: Services,
  viewer: Viewer,
  pinned: number | null,
  offset: number,
  size: number,
  followedOnly = false,
): Promise<PostPage> {
  const key = tallyKey(viewer, followedOnly);
  const tally = services.memo.feedTallies.get(key);
  const page = await readPostPage(services, viewer, feedQuery(viewer, pinned, offset, size, followedOnly, tally));
  const latest = { snapshot: page.snapshot, count: Math.min(page.count, FEED_COUNT_CAP) };
  // A count built on the tally expires with it: deletions show at the next full count.
  if (!tally) services.memo.feedTallies.set(key, latest);
  else if (latest.snapshot > tally.snapshot) services.memo.feedTallies.update(key, latest);
  return { ...page, count: latest.count };
}

/** One author's posts, newest first, with their posts, in one statement as the feed. */
export function authorPage(
  services: Services,
  viewer: Viewer,
  authorId: number,
  pinned: number | null,
  offset: number,
  size: number,
): Promise<PostPage> {
  return readPostPage(
    services,
    viewer,
    sql<PageOfIds>`
      with snapshot as (select coalesce(${pinned}::bigint, (select max(id) from posts), 0) as id),
      heads as (select id from posts where author_id = ${authorId} and id <= (select id from snapshot) order by id desc limit ${COUNT_CAP})
      select
        (select id from snapshot) as snapshot,
        (select count(*)::int from heads) as count,
        array(select id from heads order by id desc limit ${size} offset ${offset}) as ids`,
  );
}

/** Posts by mentors, newest first, read from the feed's 'mentor' key (its primary key), in one statement as the feed. */
export function mentorsPage(services: Services, viewer: Viewer, pinned: number | null, offset: number, size: number): Promise<PostPage> {
  return readPostPage(
    services,
    viewer,
    sql<PageOfIds>`
      with snapshot as (select coalesce(${pinned}::bigint, (select max(id) from posts), 0) as id),
      heads as (select post_id as id from feed_keys where key = 'mentor' and post_id <= (select id from snapshot) order by post_id desc limit ${COUNT_CAP})
      select
        (select id from snapshot) as snapshot,
        (select count(*)::int from heads) as count,
        array(select id from heads order by id desc limit ${size} offset ${offset}) as ids`,
  );
}
