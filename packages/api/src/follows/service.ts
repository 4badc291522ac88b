import { sql, type RawBuilder } from '@careernexus/db';
import type { Viewer } from '../auth/sessions.js';
import type { Context, Services } from '../context.js';
import { paginate, readPage, resolvePage } from '../pagination.js';
import { COUNT_CAP, forgetFeedTallies } from '../posts/feed.js';
import { deliver, storeNotifications } from '../notifications/service.js';
import { CARD_COLUMNS, cardOf, nameOf, profileCard, type CardColumns } from '../posts/read.js';
import { onlyRow } from '../invariant.js';
import { requireActiveMember } from '../network/service.js';
import { followingYourself } from './errors.js';

export async function follow(services: Services, viewer: Viewer, userId: number) {
  if (userId === viewer.id) throw followingYourself();
  await requireActiveMember(services, userId);
  const message = `${await nameOf(services, viewer.id)} started following you.`;
  // Following twice is not an error, leaves one follow and tells the person once.
  const stored = await services.db.transaction().execute(async (trx) => {
    const added = await trx
      .insertInto('follows')
      .values({ follower_id: viewer.id, following_id: userId })
      .onConflict((oc) => oc.doNothing())
      .returning('follower_id')
      .executeTakeFirst();
    return added ? storeNotifications(trx, [{ userId, type: 'follow', message, data: { user_id: viewer.id } }]) : [];
  });
  forgetFeedTallies(services, viewer);
  await deliver(services, stored);
  return { follower: viewer.id, following: userId };
}

export async function unfollow(services: Services, viewer: Viewer, userId: number) {
  await services.db.deleteFrom('follows').where('follower_id', '=', viewer.id).where('following_id', '=', userId).execute();
  forgetFeedTallies(services, viewer);
  return { follower: viewer.id, following: userId };
}

/** Profile cards of the people `viewer` follows, or of their followers; most recent first. */
export async function followCards(services: Services, viewer: Viewer, direction: 'followings' | 'followers') {
  const [mine, theirs] =
    direction === 'followings' ? (['f.follower_id', 'f.following_id'] as const) : (['f.following_id', 'f.follower_id'] as const);
  const rows = await services.db
    .selectFrom('follows as f')
    .innerJoin('profiles as p', 'p.user_id', theirs)
    .innerJoin('users as u', 'u.id', theirs)
    .select(CARD_COLUMNS)
    .where(mine, '=', viewer.id)
    .orderBy('f.created_at', 'desc')
    .execute();
  return rows.map((row) => profileCard(services, row.user_id, row));
}

export async function followCounts(services: Services, viewer: Viewer) {
  const { rows } = await sql<{ followers: number; followings: number }>`
    select
      (select count(*) from follows where following_id = ${viewer.id})::int as followers,
      (select count(*) from follows where follower_id = ${viewer.id})::int as followings`.execute(services.db);
  return onlyRow(rows);
}

/**
 * People to follow: not yet followed, same industry first, then mentors, then the newest members.
 * Each of the three groups is read newest first from an index, only as far as the page needs:
 * ordering every member by those keys read all of them for every page (66 ms at 100k members).
 */
export async function recommendations(ctx: Context, viewer: Viewer, query: { page?: string | undefined; page_size?: string | undefined }) {
  const request = readPage(query);
  const { db } = ctx.services;
  const me = viewer.id;
  const candidate = sql`u.is_active and u.id <> ${me} and not exists (select 1 from follows f where f.follower_id = ${me} and f.following_id = u.id)`;
  // Every user has a profile (made with the account), so the count needs users alone; it reads
  // at most COUNT_CAP of them, newest first.
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from (select 1 from users u where ${candidate} order by u.id desc limit ${COUNT_CAP}) c`.execute(db);
  const count = onlyRow(rows).n;
  const page = resolvePage(request, count);
  const offset = (page - 1) * request.size;
  const group = (rank: number, filter: RawBuilder<unknown>) =>
    sql`(select u.id, ${rank}::int as rank from users u where ${filter} and ${candidate} order by u.id desc limit ${offset + request.size})`;
  const { rows: cards } = await sql<CardColumns & { id: number }>`
    select c.id, p.* from (
      ${group(1, sql`u.industry = ${viewer.industry}`)}
      union all
      ${group(2, sql`u.user_type = 'mentor' and u.industry <> ${viewer.industry}`)}
      union all
      ${group(3, sql`u.user_type <> 'mentor' and u.industry <> ${viewer.industry}`)}
    ) c
    cross join lateral (${cardOf(sql`c.id`)}) p
    order by c.rank, c.id desc
    limit ${request.size} offset ${offset}`.execute(db);
  return paginate(
    ctx.url,
    page,
    request.size,
    count,
    cards.map((row) => profileCard(ctx.services, row.id, row)),
  );
}
