import type { Database, Transaction } from '@careernexus/db';
import type { Services } from '../context.js';

export interface NewNotification {
  userId: number;
  type: 'job' | 'connection_request' | 'connection_accepted';
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
        payload: { id: notification.id, type: notification.type, message: notification.message, timestamp: notification.created_at.toISOString(), ...notification.data },
      })
      .catch((error: unknown) => services.log.warn({ err: error }, 'notification stored but not published'));
  }
}
