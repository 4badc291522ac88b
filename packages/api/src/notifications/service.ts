import { sql, type Database, type Transaction } from '@careernexus/db';
import type { Services } from '../context.js';
import { resolvePage, type PageRequest } from '../pagination.js';
import { COUNT_CAP } from '../posts/feed.js';
import { onlyRow } from '../invariant.js';

export interface NewNotification {
  userId: number;
  type:
    | 'job'
    | 'connection_request'
    | 'connection_accepted'
    | 'like'
    | 'comment'
    | 'reply'
    | 'follow'
    | 'session_requested'
    | 'session_accepted'
    | 'session_rejected'
    | 'session_paid'
    | 'job_application'
    | 'application_status'
    | 'support_ticket'
    | 'organization_invitation';
  message: string;
  data?: Record<string, unknown>;
}

/**
 * Stores notifications inside the caller's transaction; `deliver` publishes them once that
 * transaction has committed, so nobody hears of something that was rolled back.
 */
export async function storeNotifications(trx: Transaction<Database>, notifications: NewNotification[]) {
  const allowed = await withoutDeclinedJobAlerts(trx, notifications);
  if (!allowed.length) return [];
  return trx
    .insertInto('notifications')
    .values(allowed.map((n) => ({ user_id: n.userId, type: n.type, message: n.message, data: JSON.stringify(n.data ?? {}) })))
    .returning(['id', 'user_id', 'type', 'message', 'data', 'created_at'])
    .execute();
}

/**
 * The notifications a member's `job_alerts` setting governs: new jobs matching their preference and
 * status changes of their applications. A poster's news of an application is their hiring's, not
 * an alert, and stays.
 */
const JOB_ALERTS: ReadonlySet<NewNotification['type']> = new Set(['job', 'application_status']);

/** Leaves out job alerts for members whose `job_alerts` is off: not stored, not pushed. */
async function withoutDeclinedJobAlerts(trx: Transaction<Database>, notifications: NewNotification[]) {
  const alerted = notifications.filter((n) => JOB_ALERTS.has(n.type)).map((n) => n.userId);
  if (!alerted.length) return notifications;
  const declined = await trx.selectFrom('users').select('id').where('id', 'in', alerted).where('job_alerts', '=', false).execute();
  const refused = new Set(declined.map((row) => row.id));
  return notifications.filter((n) => !(JOB_ALERTS.has(n.type) && refused.has(n.userId)));
}

export type StoredNotification = Awaited<ReturnType<typeof storeNotifications>>[number];

/**
 * Publishes stored notifications to their recipients' sockets and subscriptions, except to members
 * whose `push_notify` is off: theirs stay stored, to be read from the list.
 */
export async function deliver(services: Services, stored: StoredNotification[]) {
  if (!stored.length) return;
  const recipients = [...new Set(stored.map((n) => n.user_id))];
  const pushed = await services.db
    .selectFrom('users')
    .select('id')
    .where('id', 'in', recipients)
    .where('push_notify', '=', true)
    .execute()
    // Stored already: without the settings, nothing is pushed rather than pushed against them.
    .catch((error: unknown) => {
      services.log.warn({ err: error }, 'notifications stored but not published: push settings unreadable');
      return [];
    });
  const allowed = new Set(pushed.map((row) => row.id));
  for (const notification of stored.filter((n) => allowed.has(n.user_id))) {
    await services.events
      .publish({
        userId: notification.user_id,
        type: notification.type,
        payload: presentNotification({ ...notification, read_at: null }),
      })
      .catch((error: unknown) => services.log.warn({ err: error }, 'notification stored but not published'));
  }
}

const NOTIFICATION_COLUMNS = ['id', 'type', 'message', 'data', 'created_at', 'read_at'] as const;

type NotificationRow = { id: number; type: string; message: string; data: Record<string, unknown>; created_at: Date; read_at: Date | null };

/** The screens of the web client a notification can open ('Mentorship Sessions' comes with mentorship). */
export const NOTIFICATION_PAGES = ['Post', 'Profile', 'Network', 'Job', 'Mentorship Sessions'] as const;
type NotificationPage = (typeof NOTIFICATION_PAGES)[number];

/**
 * Where a click on a notification leads, as today's web client reads it (`page` names the screen,
 * `route` carries the id in its query: `post_id`, `user_id`, `job_id`); `obj_id` is that id.
 * Connection notifications open the network page, which needs no id.
 */
function notificationLink(
  type: string,
  data: Record<string, unknown>,
): { page: NotificationPage | null; route: string | null; obj_id: string | null } {
  const id = (key: string) => (typeof data[key] === 'number' ? String(data[key]) : null);
  const to = (page: NotificationPage, route: string, key: string) =>
    id(key) === null ? { page, route: null, obj_id: null } : { page, route: `${route}${id(key)}`, obj_id: id(key) };
  switch (type) {
    case 'like':
    case 'comment':
    case 'reply':
      return to('Post', 'post/?post_id=', 'post_id');
    case 'follow':
      return to('Profile', '/user/retrieve-profile/?user_id=', 'user_id');
    // The invited person opens the company's page; answering is POST /user/organization-members/respond/.
    case 'organization_invitation':
      return to('Profile', '/user/retrieve-profile/?user_id=', 'organization');
    case 'connection_request':
    case 'connection_accepted':
      return { page: 'Network', route: null, obj_id: null };
    case 'job':
      return to('Job', 'job/?job_id=', 'job_id');
    // The poster opens the job's applicants; the applicant the job.
    case 'job_application':
      return to('Job', 'job/application/?job_id=', 'job_id');
    case 'application_status':
      return to('Job', 'job/?job_id=', 'job_id');
    // The web client has no ticket screen a notification opens; the id says which ticket.
    case 'support_ticket':
      return { page: null, route: null, obj_id: id('dispute_id') };
    // The web client opens its booked-sessions page, which needs no id.
    case 'session_requested':
    case 'session_accepted':
    case 'session_rejected':
    case 'session_paid':
      return { page: 'Mentorship Sessions', route: null, obj_id: null };
    default:
      return { page: null, route: null, obj_id: null };
  }
}

/** A notification as `/notification-chat/notifications/` lists it. */
const notificationItem = (row: Pick<NotificationRow, 'id' | 'type' | 'message' | 'data' | 'created_at'>) => ({
  id: row.id,
  text: row.message,
  ...notificationLink(row.type, row.data),
  timestamp: row.created_at,
});

/**
 * The frame a socket or subscription carries: the stored fields with the type-specific data, and
 * the list item's `text`, `page`, `route` and `obj_id`, so a client can show it either way.
 */
const presentNotification = (row: NotificationRow) => ({
  ...row.data,
  ...notificationLink(row.type, row.data),
  id: row.id,
  type: row.type,
  message: row.message,
  text: row.message,
  timestamp: row.created_at.toISOString(),
  read: row.read_at !== null,
});

/** A page of the caller's notifications, newest first, with their count (up to COUNT_CAP). */
export async function notificationFeed(services: Services, userId: number, request: PageRequest) {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from (select 1 from notifications where user_id = ${userId} limit ${COUNT_CAP}) c`.execute(services.db);
  const count = onlyRow(rows).n;
  const page = resolvePage(request, count);
  const found = await services.db
    .selectFrom('notifications')
    .select(['id', 'type', 'message', 'data', 'created_at'])
    .where('user_id', '=', userId)
    .orderBy('id', 'desc')
    .limit(request.size)
    .offset((page - 1) * request.size)
    .execute();
  return { page, count, results: found.map(notificationItem) };
}

/** Deletes every notification of the caller. */
export async function clearNotifications(services: Services, userId: number) {
  await services.db.deleteFrom('notifications').where('user_id', '=', userId).execute();
}

/** A page of the caller's notifications, unread first, newest first within each. */
export async function listNotifications(services: Services, userId: number, offset: number, size: number) {
  const rows = await services.db
    .selectFrom('notifications')
    .select(NOTIFICATION_COLUMNS)
    .where('user_id', '=', userId)
    .orderBy(sql`read_at is not null`)
    .orderBy('id', 'desc')
    .limit(size)
    .offset(offset)
    .execute();
  return rows.map(presentNotification);
}

export async function countNotifications(services: Services, userId: number) {
  const { rows } = await sql<{ total: number; unread: number }>`
    select count(*)::int as total, count(*) filter (where read_at is null)::int as unread
    from notifications where user_id = ${userId}`.execute(services.db);
  return { total: Number(rows[0]?.total ?? 0), unread: Number(rows[0]?.unread ?? 0) };
}

/** Marks the given notifications of the caller read, or all of them. */
export async function markRead(services: Services, userId: number, ids: number[] | 'all') {
  let query = services.db
    .updateTable('notifications')
    .set({ read_at: services.now() })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null);
  if (ids !== 'all') {
    if (!ids.length) return { marked: 0 };
    query = query.where('id', 'in', ids);
  }
  const result = await query.executeTakeFirst();
  return { marked: Number(result.numUpdatedRows) };
}

/** Notifications after `afterId`, oldest first: what a reconnecting client missed. */
export async function notificationsSince(services: Services, userId: number, afterId: number) {
  const rows = await services.db
    .selectFrom('notifications')
    .select(NOTIFICATION_COLUMNS)
    .where('user_id', '=', userId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(500)
    .execute();
  return rows.map(presentNotification);
}
