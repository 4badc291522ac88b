import { randomUUID } from 'node:crypto';
import { sql, type Database, type Selectable, type Transaction } from '@careernexus/db';
import type { TRPCError } from '@trpc/server';
import type { Viewer } from '../auth/sessions.js';
import type { Context, Services } from '../context.js';
import { required } from '../invariant.js';
import { deliver, storeNotifications, type NewNotification } from '../notifications/service.js';
import { paginate, readPage, resolvePage } from '../pagination.js';
import { cardsOf } from '../posts/read.js';
import { unknownMentor } from '../mentors/errors.js';
import { readRate, showPrice, viewerRateJson } from '../mentors/money.js';
import { creditSessionEarning } from '../vault/ledger.js';
import { idFromQuery } from '../validation.js';
import { MAX_INVITEES, SESSION_LISTS, type SessionList } from './schemas.js';
import {
  bookingInThePast,
  bookingWithYourself,
  changedMeanwhile,
  invalidTimezone,
  inviteesMissing,
  invitingTheMentor,
  invitingYourself,
  listStatusMissing,
  mentorsOnly,
  notAMentor,
  scheduledForMentorsOnly,
  sessionIdNotAnInteger,
  sessionNotFound,
  sessionQueryMissing,
  unknownInvitees,
  unknownListStatus,
} from './errors.js';
import { decide, isJoinable, joinRefusal, type SessionAction, type SessionRole, type Transition } from './states.js';
import { instantIn, wallClockIn } from './time.js';

type SessionRow = Selectable<Database['mentor_sessions']>;

const SESSION_COLUMNS = [
  'id',
  'mentor_id',
  'mentee_id',
  'session_type',
  'room_name',
  'session_at',
  'discourse',
  'rating',
  'status',
  'price_minor',
  'price_currency',
  'is_paid',
  'created_at',
  'status_changed_at',
] as const;

async function timezoneOf(services: Services, userId: number) {
  const row = await services.db.selectFrom('profiles').select('timezone').where('user_id', '=', userId).executeTakeFirst();
  return row?.timezone ?? 'UTC';
}

/** The viewer's time zone and currency rate, read together. */
async function viewpointOf(services: Services, userId: number) {
  const { rows } = await sql<{ timezone: string | null; rate: unknown }>`
    select (select timezone from profiles where user_id = ${userId}) as timezone, ${viewerRateJson(userId)} as rate`.execute(services.db);
  return { zone: rows[0]?.timezone ?? 'UTC', rate: readRate(rows[0]?.rate) };
}

/**
 * Sessions as the viewer sees them (§1.4): the people as profile cards, `session_at` on the
 * viewer's own wall clock. Three reads whatever the number of sessions.
 */
async function present(services: Services, viewer: Viewer, rows: SessionRow[]) {
  if (!rows.length) return [];
  const invited = await services.db
    .selectFrom('mentor_session_invitees')
    .select(['session_id', 'invitee_id'])
    .where(
      'session_id',
      'in',
      rows.map((row) => row.id),
    )
    .orderBy('id')
    .execute();
  const [cards, { zone, rate }] = await Promise.all([
    cardsOf(services, [...rows.flatMap((row) => [row.mentor_id, row.mentee_id]), ...invited.map((row) => row.invitee_id)]),
    viewpointOf(services, viewer.id),
  ]);
  const now = services.now();
  return rows.map((row) => ({
    id: row.id,
    mentor: required(cards.get(row.mentor_id), `the card of user ${row.mentor_id}`),
    mentee: required(cards.get(row.mentee_id), `the card of user ${row.mentee_id}`),
    // Invitees without a card (none expected) are left out, as before.
    invitees: invited.flatMap((invite) => {
      const invitee = invite.session_id === row.id ? cards.get(invite.invitee_id) : undefined;
      return invitee ? [{ invitee }] : [];
    }),
    join: isJoinable(row, now),
    session_type: row.session_type,
    session_at: wallClockIn(zone, row.session_at),
    discourse: row.discourse,
    amount: showPrice(row.price_minor, row.price_currency, rate),
    rating: row.rating,
    status: row.status,
    is_paid: row.is_paid,
  }));
}

const presentOne = async (services: Services, viewer: Viewer, row: SessionRow) =>
  required((await present(services, viewer, [row]))[0], `session ${row.id}`);

const displayName = (row: { first_name: string; last_name: string }) => `${row.first_name} ${row.last_name}`;

async function nameOf(services: Services, userId: number) {
  const row = await services.db
    .selectFrom('profiles')
    .select(['first_name', 'last_name'])
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return displayName(row);
}

export interface BookInput {
  mentor: number;
  session_type: 'individual' | 'group';
  date: string;
  time: string;
  discourse: string;
  invitees?: number[] | undefined;
}

/**
 * Books a session with a mentor (§1.6): the date and time read on the booker's wall clock, stored
 * as the instant; the session, its invitees and the mentor's notification in one transaction.
 */
export async function bookSession(services: Services, viewer: Viewer, input: BookInput) {
  if (input.mentor === viewer.id) throw bookingWithYourself();
  const mentor = await services.db
    .selectFrom('users as u')
    .innerJoin('profiles as p', 'p.user_id', 'u.id')
    .select(['u.id', 'u.user_type', 'p.session_rate_minor', 'p.session_rate_currency'])
    .where('u.id', '=', input.mentor)
    .where('u.is_active', '=', true)
    .executeTakeFirst();
  if (!mentor) throw unknownMentor(input.mentor);
  if (mentor.user_type !== 'mentor') throw notAMentor();

  const invitees = input.session_type === 'group' ? (input.invitees ?? []).slice(0, MAX_INVITEES) : [];
  if (input.session_type === 'group' && !invitees.length) throw inviteesMissing();
  if (invitees.includes(viewer.id)) throw invitingYourself();
  if (invitees.includes(input.mentor)) throw invitingTheMentor();
  if (invitees.length) {
    const found = new Set(
      (await services.db.selectFrom('users').select('id').where('id', 'in', invitees).where('is_active', '=', true).execute()).map(
        (row) => row.id,
      ),
    );
    const missing = invitees.filter((id) => !found.has(id));
    if (missing.length) throw unknownInvitees(missing);
  }

  let sessionAt: Date;
  try {
    sessionAt = instantIn(await timezoneOf(services, viewer.id), input.date, input.time);
  } catch {
    throw invalidTimezone();
  }
  if (sessionAt <= services.now()) throw bookingInThePast();

  const message = `${await nameOf(services, viewer.id)} requested a mentorship session from you.`;
  const { row, stored } = await services.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('mentor_sessions')
      .values({
        mentor_id: input.mentor,
        mentee_id: viewer.id,
        session_type: input.session_type,
        room_name: `Room_${viewer.id}_${input.mentor}_${randomUUID().replaceAll('-', '')}`,
        session_at: sessionAt,
        discourse: input.discourse,
        // The price is the mentor's rate now, whatever it becomes later; a free session is paid at booking.
        price_minor: mentor.session_rate_minor,
        price_currency: mentor.session_rate_currency,
        is_paid: mentor.session_rate_minor === 0,
      })
      .returning(SESSION_COLUMNS)
      .executeTakeFirstOrThrow();
    if (invitees.length)
      await trx
        .insertInto('mentor_session_invitees')
        .values(invitees.map((invitee_id) => ({ session_id: row.id, invitee_id })))
        .execute();
    const stored = await storeNotifications(trx, [
      { userId: input.mentor, type: 'session_requested', message, data: { session_id: row.id, user_id: viewer.id } },
    ]);
    return { row, stored };
  });
  await deliver(services, stored);
  return presentOne(services, viewer, row);
}

/**
 * Which sessions a list shows (§1.7): the caller's as mentee or as mentor, in one status.
 * Rejected and cancelled sessions are history and in no list.
 */
function selection(viewer: Viewer, list: SessionList) {
  const mentor = viewer.userType === 'mentor';
  switch (list) {
    case 'requested':
      return { column: mentor ? 'mentor_id' : 'mentee_id', status: 'PENDING' } as const;
    case 'accepted':
      return { column: 'mentee_id', status: 'ACCEPTED' } as const;
    case 'scheduled':
      if (!mentor) throw scheduledForMentorsOnly();
      return { column: 'mentor_id', status: 'ACCEPTED' } as const;
    case 'completed':
      return { column: mentor ? 'mentor_id' : 'mentee_id', status: 'COMPLETED' } as const;
  }
}

export async function listSessions(
  ctx: Context & { viewer: Viewer },
  query: { status?: string | undefined; page?: string | undefined; page_size?: string | undefined },
) {
  if (query.status === undefined || query.status.trim() === '') throw listStatusMissing();
  const list = query.status.trim().toLowerCase() as SessionList;
  if (!SESSION_LISTS.includes(list)) throw unknownListStatus(SESSION_LISTS);
  const { column, status } = selection(ctx.viewer, list);
  const request = readPage(query);
  const { services, viewer } = ctx;
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from mentor_sessions where ${sql.ref(column)} = ${viewer.id} and status = ${status}`.execute(services.db);
  const count = Number(rows[0]?.n ?? 0);
  const page = resolvePage(request, count);
  const found = await services.db
    .selectFrom('mentor_sessions')
    .select(SESSION_COLUMNS)
    .where(column, '=', viewer.id)
    .where('status', '=', status)
    .orderBy('id', 'desc')
    .limit(request.size)
    .offset((page - 1) * request.size)
    .execute();
  return paginate(ctx.url, page, request.size, count, await present(services, viewer, found));
}

/** The caller's invitations to sessions still ahead (pending or accepted), newest first (§1.8). */
export async function invitedSessions(services: Services, viewer: Viewer) {
  const rows = await services.db
    .selectFrom('mentor_session_invitees as i')
    .innerJoin('mentor_sessions as s', 's.id', 'i.session_id')
    .select(['i.id as invitation_id', ...SESSION_COLUMNS.map((column) => `s.${column}` as const)])
    .where('i.invitee_id', '=', viewer.id)
    .where('s.status', 'in', ['PENDING', 'ACCEPTED'])
    .orderBy('i.id', 'desc')
    .execute();
  // `present` gives one session per row, in order.
  const sessions = await present(services, viewer, rows);
  return rows.map((row, index) => ({ id: row.invitation_id, session: required(sessions[index], `session ${row.id}`) }));
}

/** The session and who the caller is to it; 404 when there is no such session. */
async function sessionFor(services: Services, viewer: Viewer, sessionId: number): Promise<{ row: SessionRow; role: SessionRole }> {
  const row = await services.db
    .selectFrom('mentor_sessions as s')
    .select([
      ...SESSION_COLUMNS.map((column) => `s.${column}` as const),
      (eb) =>
        eb
          .exists(
            eb
              .selectFrom('mentor_session_invitees')
              .select('invitee_id')
              .where('session_id', '=', eb.ref('s.id'))
              .where('invitee_id', '=', viewer.id),
          )
          .as('invited'),
    ])
    .where('s.id', '=', sessionId)
    .executeTakeFirst();
  if (!row) throw sessionNotFound();
  const { invited, ...session } = row;
  const role: SessionRole =
    session.mentor_id === viewer.id ? 'mentor' : session.mentee_id === viewer.id ? 'mentee' : invited ? 'invitee' : 'stranger';
  return { row: session, role };
}

const isError = (value: Transition | TRPCError): value is TRPCError => value instanceof Error;

/**
 * Makes `action`'s transition on a session, if the state machine allows it: the status written
 * only where it is still the one decided from (and the guard's columns as they were read), with
 * `effects` in the same transaction. A concurrent change that won first leaves no row to update:
 * then the session is read again and the refusal comes from its new state.
 */
async function transition(
  services: Services,
  viewer: Viewer,
  sessionId: number,
  action: SessionAction,
  effects: (trx: Transaction<Database>, row: SessionRow) => NewNotification[] | Promise<NewNotification[]>,
  changes: { rating?: number } = {},
) {
  for (let attempt = 0; ; attempt++) {
    const { row: read, role } = await sessionFor(services, viewer, sessionId);
    const decided = decide(action, read, role, services.now());
    if (isError(decided)) throw decided;
    const result = await services.db.transaction().execute(async (trx) => {
      let update = trx
        .updateTable('mentor_sessions')
        .set({ status: decided.to, status_changed_at: services.now(), ...changes })
        .where('id', '=', sessionId)
        .where('status', '=', decided.from);
      if (decided.isPaid !== undefined) update = update.where('is_paid', '=', decided.isPaid);
      if (decided.begunBy !== undefined) update = update.where('session_at', '<=', decided.begunBy);
      const updated = await update.returning(SESSION_COLUMNS).executeTakeFirst();
      if (!updated) return undefined;
      return { updated, stored: await storeNotifications(trx, await effects(trx, read)) };
    });
    if (result) {
      await deliver(services, result.stored);
      return result.updated;
    }
    // Lost to a concurrent change: the next reading refuses from the new state. Should it still
    // allow the action (the state changed and changed back), try again a few times.
    if (attempt >= 2) throw changedMeanwhile();
  }
}

/** The mentor accepts or rejects a pending request (§1.9); the mentee is told either way. */
export async function answerSession(services: Services, viewer: Viewer, sessionId: number, action: 'Accept' | 'Reject') {
  if (viewer.userType !== 'mentor') throw mentorsOnly();
  const verb = action === 'Accept' ? 'accepted' : 'rejected';
  const message = `Mentor ${await nameOf(services, viewer.id)} ${verb} your mentorship request.`;
  await transition(services, viewer, sessionId, action === 'Accept' ? 'accept' : 'reject', (_trx, row) => [
    {
      userId: row.mentee_id,
      type: action === 'Accept' ? 'session_accepted' : 'session_rejected',
      message,
      data: { session_id: row.id, user_id: viewer.id },
    },
  ]);
  return { session_id: sessionId, action: action === 'Accept' ? ('Accepted' as const) : ('Rejected' as const) };
}

/** The mentee withdraws a session nobody paid for (§1.11); it stays as history. */
export async function cancelSession(services: Services, viewer: Viewer, sessionId: number) {
  await transition(services, viewer, sessionId, 'cancel', () => []);
  return { status: 'Success' as const, message: 'Cancelled Mentorship session' as const };
}

/**
 * The mentee marks an accepted, paid session that has begun completed and rates it (§1.10): the
 * rating on the session and added to the mentor's totals, and a paid session's price credited to the
 * vault's ledger (80 % mentor, 20 % platform), in the same transaction: once per session whatever
 * runs concurrently.
 */
export async function completeSession(services: Services, viewer: Viewer, sessionId: number, rating: number) {
  const updated = await transition(
    services,
    viewer,
    sessionId,
    'complete',
    async (trx, row) => {
      await sql`update profiles set rating_total = rating_total + ${rating}, rating_count = rating_count + 1 where user_id = ${row.mentor_id}`.execute(
        trx,
      );
      // Only the completion that won the conditional update gets here: the mentor is credited once.
      await creditSessionEarning(trx, row, services.now());
      return [];
    },
    { rating },
  );
  return presentOne(services, viewer, updated);
}

/**
 * Entry to the session's video room for its participants, once accepted, paid and its time has
 * come (§1.12).
 */
export async function joinSession(services: Services, viewer: Viewer, rawSession: string | undefined) {
  if (rawSession === undefined || rawSession.trim() === '') throw sessionQueryMissing();
  const sessionId = idFromQuery(rawSession);
  if (sessionId === undefined) throw sessionIdNotAnInteger();
  const { row, role } = await sessionFor(services, viewer, sessionId);
  const refusal = joinRefusal(row, role, services.now());
  if (refusal) throw refusal;
  // The name and photo the room shows; the token lets in this room only, the mentor as moderator.
  const person = await services.db
    .selectFrom('profiles')
    .select(['first_name', 'last_name', 'profile_photo'])
    .where('user_id', '=', viewer.id)
    .executeTakeFirstOrThrow();
  const token = services.videoRooms.token({
    room: row.room_name,
    user: { id: viewer.id, name: displayName(person), email: viewer.email, avatar: person.profile_photo },
    moderator: role === 'mentor',
    now: services.now(),
  });
  return { session_id: row.id, room_name: row.room_name, token, provider: services.videoRooms.provider };
}
