import { tracked } from '@trpc/server';
import type { Context } from '../context.js';
import { eventStream } from '../platform/events.js';
import { envelope, MAX_PAGE_SIZE, pageInput, paginate, readPage, resolvePage } from '../pagination.js';
import { rest, type RestRoute } from '../rest.js';
import { authedProcedure, router } from '../trpc.js';
import { z } from '../validation.js';
import {
  NOTIFICATION_PAGES,
  clearNotifications,
  countNotifications,
  listNotifications,
  markRead,
  notificationFeed,
  notificationsSince,
} from './service.js';

const route = (route: Omit<RestRoute, 'tag' | 'protect'>) => rest({ ...route, tag: 'notifications', protect: true });

const notification = z
  .object({ id: z.number().int(), type: z.string(), message: z.string(), timestamp: z.string(), read: z.boolean() })
  .catchall(z.unknown())
  .describe('Type-specific fields ride along: `job_id`, `post_id`, `user_id`, `connection_id`…');

const NOTIFICATION_TYPES = new Set([
  'job',
  'connection_request',
  'connection_accepted',
  'like',
  'comment',
  'reply',
  'follow',
  'session_requested',
  'session_accepted',
  'session_rejected',
  'session_paid',
  'job_application',
  'application_status',
  'support_ticket',
  'organization_invitation',
]);

async function notificationPage(ctx: Context, userId: number, query: { page?: string | undefined; page_size?: string | undefined }) {
  const request = readPage(query);
  const { total, unread } = await countNotifications(ctx.services, userId);
  const page = resolvePage(request, total);
  const results = await listNotifications(ctx.services, userId, (page - 1) * request.size, request.size);
  return { ...paginate(ctx.url, page, request.size, total, results), unread };
}

/** The web client shows five at a time (the original's page size here). */
const INBOX_PAGE_SIZE = 5;

const inboxItem = z.object({
  id: z.number().int(),
  text: z.string(),
  page: z.enum(NOTIFICATION_PAGES).nullable().describe('The screen a click opens'),
  route: z
    .string()
    .nullable()
    .describe('Carries the id the screen needs in its query (`post_id`, `user_id`, `job_id`); null for the network page'),
  obj_id: z.string().nullable().describe('That id'),
  timestamp: z.date(),
});

export const notificationsRouter = router({
  // The web client's notification bell (compat C13): its own shape, from the same table.
  inbox: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/notification-chat/notifications/',
        summary: 'Your notifications, as the web client lists them',
        description: `Newest first, ${INBOX_PAGE_SIZE} a page by default. \`page\` and \`route\` say where a click leads: a post, a profile, the network page or a job.`,
      }),
    )
    .input(
      z.object({
        page: pageInput.page,
        page_size: z.string().optional().describe(`Items per page, ${INBOX_PAGE_SIZE} by default, at most ${MAX_PAGE_SIZE}`),
      }),
    )
    .output(envelope(inboxItem))
    .query(async ({ ctx, input }) => {
      const request = readPage(input, INBOX_PAGE_SIZE);
      const { page, count, results } = await notificationFeed(ctx.services, ctx.viewer.id, request);
      return paginate(ctx.url, page, request.size, count, results);
    }),

  clear: authedProcedure
    .meta(
      route({
        method: 'DELETE',
        path: '/notification-chat/notifications/',
        status: 204,
        summary: 'Clear your notifications',
        description: 'Deletes every notification of yours. 204, no body.',
      }),
    )
    .input(z.void())
    .output(z.void())
    .mutation(({ ctx }) => clearNotifications(ctx.services, ctx.viewer.id)),

  list: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/notifications/',
        summary: 'Your notifications',
        description:
          'Unread first, newest first within each; `unread` counts the unread ones. Kept until read, so nothing is lost while offline.',
      }),
    )
    .input(z.object(pageInput))
    .output(envelope(notification).extend({ unread: z.number().int() }))
    .query(({ ctx, input }) => notificationPage(ctx, ctx.viewer.id, input)),

  markRead: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/notifications/read/',
        summary: 'Mark notifications read',
        description: '`{"ids": [..]}` for some, or `{"all": true}` for every one.',
      }),
    )
    .input(
      z.object({
        ids: z.array(z.coerce.number().int().positive()).max(500).optional(),
        all: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
      }),
    )
    .output(z.object({ marked: z.number().int() }))
    .mutation(({ ctx, input }) =>
      markRead(ctx.services, ctx.viewer.id, input.all === true || input.all === 'true' ? 'all' : (input.ids ?? [])),
    ),

  /** Every notification of the caller, live; resumes after `lastEventId` (a notification id). */
  onNotification: authedProcedure.input(z.object({ lastEventId: z.string().nullish() }).optional()).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    const live = eventStream(ctx.services.events, ctx.viewer.id, signal, (event) => NOTIFICATION_TYPES.has(event.type));
    await live.ready;
    let last = Number(input?.lastEventId ?? 0) || 0;
    if (last > 0) {
      for (const item of await notificationsSince(ctx.services, ctx.viewer.id, last)) {
        last = item.id;
        yield tracked(String(item.id), item);
      }
    }
    for await (const event of live) {
      const item = event.payload as { id: number } & Record<string, unknown>;
      if (item.id <= last) continue;
      yield tracked(String(item.id), item);
    }
  }),
});

export { NOTIFICATION_TYPES };
