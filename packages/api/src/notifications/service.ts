import { sql, type Database, type Transaction } from '@careernexus/db';
import type { Services } from '../context.js';

export interface NewNotification {
  userId: number;
  type: 'job' | 'connection_request' | 'connection_accepted' | 'like' | 'comment' | 'reply' | 'follow';
  message: string;
  data?: Record<string, unknown>;
}

/**
 * Stores notifications inside the caller's transaction; `deliver` publishes them once that
 * transaction has committed, so nobody hears of something that was rolled back.
 */
export async function storeNotifications(trx: Transaction<Database>, notifications: NewNotification[]) {
  if (!notifications.length) return [];
  return trx
    .insertInto('notifications')
    .values(notifications.map((n) => ({ user_id: n.userId, type: n.type, message: n.message, data: JSON.stringify(n.data ?? {}) })))
    .returning(['id', 'user_id', 'type', 'message', 'data', 'created_at'])
    .execute();
}

export type StoredNotification = Awaited<ReturnType<typeof storeNotifications>>[number];

export async function deliver(services: Services, stored: StoredNotification[]) {
  for (const notification of stored) {
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

/** The frame a socket or subscription carries: the stored fields and the type-specific data. */
export const presentNotification = (row: NotificationRow) => ({
  ...row.data,
  id: row.id,
  type: row.type,
  message: row.message,
  timestamp: row.created_at.toISOString(),
  read: row.read_at !== null,
});

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
  let query = services.db.updateTable('notifications').set({ read_at: services.now() }).where('user_id', '=', userId).where('read_at', 'is', null);
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
