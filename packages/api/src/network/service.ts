import { isUniqueViolation, sql, type RawBuilder, type UserType } from '@careernexus/db';
import type { Viewer } from '../auth/sessions.js';
import type { Context, Services } from '../context.js';
import { deliver, storeNotifications } from '../notifications/service.js';
import {
  connectingWithYourself,
  connectionAlreadyAccepted,
  connectionInitiated,
  connectionNotFound,
  criteriaMissing,
  notYoursToAnswer,
  unknownCriteria,
  userNotFound,
} from './errors.js';
import { CARD_COLUMNS, nameOf } from '../posts/read.js';
import { lastPageLink, paginate, readCountedPage, readPage } from '../pagination.js';
import { onlyRow } from '../invariant.js';

const STATUS = { pending: 'PENDING', accepted: 'CONFIRMED' } as const;

/** Whether two people have a confirmed connection, whoever asked (read through the pair's unique index). */
export const confirmedConnection = (a: number | RawBuilder<number>, b: number | RawBuilder<number>) => sql<boolean>`exists (
  select 1 from connections
  where least(requester_id, recipient_id) = least(${a}::bigint, ${b}::bigint)
    and greatest(requester_id, recipient_id) = greatest(${a}::bigint, ${b}::bigint)
    and status = 'accepted')`;

const displayName = (row: { first_name: string; last_name: string }) => `${row.first_name} ${row.last_name}`;

/** Refuses an unknown or deactivated member as the target of a follow or a connection request. */
export async function requireActiveMember(services: Services, userId: number): Promise<void> {
  const found = await services.db
    .selectFrom('users')
    .select('id')
    .where('id', '=', userId)
    .where('is_active', '=', true)
    .executeTakeFirst();
  if (!found) throw userNotFound();
}

/** Sends a request; one per pair whichever way it goes, kept by a unique index. */
export async function requestConnection(services: Services, viewer: Viewer, userId: number) {
  if (userId === viewer.id) throw connectingWithYourself();
  await requireActiveMember(services, userId);
  const message = `${await nameOf(services, viewer.id)} wants to connect with you.`;
  try {
    const { row, stored } = await services.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('connections')
        .values({ requester_id: viewer.id, recipient_id: userId })
        .returning('id')
        .executeTakeFirstOrThrow();
      const stored = await storeNotifications(trx, [
        { userId, type: 'connection_request', message, data: { connection_id: row.id, user_id: viewer.id } },
      ]);
      return { row, stored };
    });
    await deliver(services, stored);
    return { id: row.id, user: viewer.id, connection: userId, status: STATUS.pending };
  } catch (error) {
    if (isUniqueViolation(error)) throw connectionInitiated();
    throw error;
  }
}

type Direction = 'confirmed' | 'incoming' | 'outgoing';

/** Connections as the original listed them: the row id, and the other party's card. */
export async function listConnections(services: Services, viewer: Viewer, direction: Direction) {
  let query = services.db
    .selectFrom('connections as c')
    .innerJoin('profiles as p', (join) =>
      join.on((eb) =>
        eb(
          'p.user_id',
          '=',
          eb.case().when('c.requester_id', '=', viewer.id).then(eb.ref('c.recipient_id')).else(eb.ref('c.requester_id')).end(),
        ),
      ),
    )
    .innerJoin('users as u', 'u.id', 'p.user_id')
    .select(['c.id', 'c.status', ...CARD_COLUMNS])
    .orderBy('c.id', 'desc');
  if (direction === 'confirmed')
    query = query
      .where('c.status', '=', 'accepted')
      .where((eb) => eb.or([eb('c.requester_id', '=', viewer.id), eb('c.recipient_id', '=', viewer.id)]));
  else if (direction === 'incoming') query = query.where('c.status', '=', 'pending').where('c.recipient_id', '=', viewer.id);
  else query = query.where('c.status', '=', 'pending').where('c.requester_id', '=', viewer.id);
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id,
    connection: {
      first_name: row.first_name,
      last_name: row.last_name,
      middle_name: row.middle_name,
      profile_photo: row.profile_photo ?? services.config.DEFAULT_PROFILE_PHOTO_URL,
      qualification: row.qualification,
      status: STATUS[row.status],
      user_id: row.user_id,
      user_type: row.user_type,
    },
  }));
}

export async function connectionCount(services: Services, viewer: Viewer) {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from connections
    where status = 'accepted' and (requester_id = ${viewer.id} or recipient_id = ${viewer.id})`.execute(services.db);
  return { connections_count: Number(rows[0]?.n ?? 0) };
}

/** Only the recipient answers a request; accepting shows the connection to both, rejecting removes it. */
export async function answerRequest(services: Services, viewer: Viewer, connectionId: number, answer: 'Accept' | 'Reject') {
  const row = await services.db.selectFrom('connections').selectAll().where('id', '=', connectionId).executeTakeFirst();
  // Someone else's connection is none of the caller's business: the same 404 as a missing one.
  if (!row || (row.requester_id !== viewer.id && row.recipient_id !== viewer.id)) throw connectionNotFound();
  if (row.recipient_id !== viewer.id) throw notYoursToAnswer();
  if (row.status === 'accepted') throw connectionAlreadyAccepted();
  if (answer === 'Reject') {
    await services.db.deleteFrom('connections').where('id', '=', row.id).where('status', '=', 'pending').execute();
    return { status: 'Rejected' as const };
  }
  const message = `${await nameOf(services, viewer.id)} accepted your connection request.`;
  const stored = await services.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('connections')
      .set({ status: 'accepted' })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) throw connectionAlreadyAccepted();
    return storeNotifications(trx, [
      { userId: row.requester_id, type: 'connection_accepted', message, data: { connection_id: row.id, user_id: viewer.id } },
    ]);
  });
  await deliver(services, stored);
  return { status: 'Accepted' as const };
}

/** Withdraws a pending request the caller sent. */
export async function cancelRequest(services: Services, viewer: Viewer, connectionId: number) {
  const deleted = await services.db
    .deleteFrom('connections')
    .where('id', '=', connectionId)
    .where('requester_id', '=', viewer.id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (deleted.numDeletedRows === 0n) throw connectionNotFound();
  return { status: 'Cancelled' as const };
}

/** Ends a confirmed connection; either side may. */
export async function endConnection(services: Services, viewer: Viewer, connectionId: number) {
  const deleted = await services.db
    .deleteFrom('connections')
    .where('id', '=', connectionId)
    .where('status', '=', 'accepted')
    .where((eb) => eb.or([eb('requester_id', '=', viewer.id), eb('recipient_id', '=', viewer.id)]))
    .executeTakeFirst();
  if (deleted.numDeletedRows === 0n) throw connectionNotFound();
  return { status: 'Removed' as const };
}

const CRITERIA = ['location', 'industry'] as const;

/** Recommendations rank at most this many candidates, plus everyone sharing a connection with the caller. */
const RECOMMENDATION_POOL = 300;

/**
 * People to connect with, by shared industry or location: never the caller, nor anyone with a
 * connection or request either way. Most relevant first (shared industry, shared location,
 * mutual connections), then by id. The ranked pool is everyone sharing a connection with the
 * caller plus the first RECOMMENDATION_POOL other candidates by id, so a page costs the same
 * whatever the number of members. One statement.
 */
export async function recommendConnections(
  ctx: Context,
  viewer: Viewer,
  query: { criteria?: string | undefined; page?: string | undefined; page_size?: string | undefined },
) {
  if (!query.criteria) throw criteriaMissing();
  const criteria = query.criteria.trim().toLowerCase();
  if (!(CRITERIA as readonly string[]).includes(criteria)) {
    throw unknownCriteria();
  }
  const request = readPage(query);
  const me = viewer.id;
  const matches =
    criteria === 'industry' ? sql`u.industry = ${viewer.industry}` : sql`me.location <> '' and strpos(lower(p.location), me.location) > 0`;
  // Only the location criteria needs the profiles to choose candidates.
  const candidates = sql`
    from users u ${criteria === 'location' ? sql`join profiles p on p.user_id = u.id cross join me` : sql``}
    where ${matches} and u.is_active and u.id <> ${me} and u.id not in (select person from linked)`;
  const read = (page: number) =>
    sql<{
      count: number;
      results: Array<{
        id: number;
        first_name: string;
        last_name: string;
        qualification: string;
        profile_photo: string | null;
        user_type: UserType;
      }>;
    }>`
    with me as (select lower(trim(location)) as location from profiles where user_id = ${me}),
    linked as (
      select case when requester_id = ${me} then recipient_id else requester_id end as person
      from connections where requester_id = ${me} or recipient_id = ${me}
    ),
    friends as (
      select case when requester_id = ${me} then recipient_id else requester_id end as friend
      from connections where status = 'accepted' and (requester_id = ${me} or recipient_id = ${me})
    ),
    mutual as materialized (
      select case when c.requester_id = f.friend then c.recipient_id else c.requester_id end as person, count(*)::int as n
      from friends f join connections c on c.status = 'accepted' and (c.requester_id = f.friend or c.recipient_id = f.friend)
      group by 1
    ),
    pool as (
      (select u.id, u.industry, u.user_type ${candidates} order by u.id limit ${RECOMMENDATION_POOL})
      union
      (select u.id, u.industry, u.user_type ${candidates} and u.id in (select person from mutual))
    ),
    ranked as (
      select pool.id, pool.user_type, p.first_name, p.last_name, p.qualification, p.profile_photo,
        (pool.industry = ${viewer.industry})::int
          + (me.location <> '' and strpos(lower(p.location), me.location) > 0)::int
          + coalesce(m.n, 0) as score
      -- One primary-key read per pool member (the limit keeps the planner from scanning all profiles).
      from pool cross join me
      cross join lateral (select * from profiles where user_id = pool.id limit 1) p
      left join mutual m on m.person = pool.id
    )
    select (select count(*)::int from pool) as count,
      coalesce((
        select json_agg(r order by r.score desc, r.id)
        from (select * from ranked order by score desc, id limit ${request.size} offset ${(page - 1) * request.size}) r
      ), '[]') as results`.execute(ctx.services.db);
  const { page, found } = await readCountedPage(request, async (page) => onlyRow((await read(page)).rows));
  const results = found.results.map((row) => ({
    id: Number(row.id),
    name: displayName(row),
    qualification: row.qualification,
    profile_photo: row.profile_photo ?? ctx.services.config.DEFAULT_PROFILE_PHOTO_URL,
    user_type: row.user_type,
  }));
  return { ...paginate(ctx.url, page, request.size, found.count, results), last_page: lastPageLink(ctx.url, request.size, found.count) };
}
