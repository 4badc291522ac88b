import { tracked } from '@trpc/server';
import { eventStream } from '../platform/events.js';
import { profileCard } from '../posts/schemas.js';
import { idField } from '../profiles/schemas.js';
import { apiError, detailError } from '../errors.js';
import { answers, rest, type RestRoute } from '../rest.js';
import { authedProcedure, router } from '../trpc.js';
import { z } from '../validation.js';
import { chatHistory, listChats, messagesSince, sendMessage, type ChatMessageEvent } from './service.js';

const route = (route: Omit<RestRoute, 'tag' | 'protect'>) => rest({ ...route, tag: 'chat', protect: true });

const chatMessageEvent = z.object({
  type: z.literal('chat_message'),
  chat_id: z.number().int(),
  message_id: z.number().int(),
  user_id: z.number().int(),
  email: z.string(),
  message: z.string(),
  timestamp: z.string(),
});

const historyItem = z.object({ message_id: z.number().int(), person: profileCard, message: z.string(), timestamp: z.date() });

export const chatRouter = router({
  chats: authedProcedure
    .meta(route({ method: 'GET', path: '/chats/', summary: 'Your chats', description: 'Rooms you are in, most recent activity first, each with its last message and how many messages you have not read.' }))
    .input(z.void())
    .output(
      z.array(
        z.object({
          chat_id: z.number().int(),
          initiator: profileCard,
          contributor: profileCard,
          other: profileCard.describe('The other person'),
          last_message: z.object({ message_id: z.number().int(), user_id: z.number().int(), message: z.string(), timestamp: z.date() }).nullable(),
          unread_count: z.number().int(),
        }),
      ),
    )
    .query(({ ctx }) => listChats(ctx.services, ctx.viewer)),

  history: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/chats/messages/',
        summary: 'A chat’s messages',
        description:
          'Newest first. By default all of them as a bare array; with `limit` (≤ 100) and optionally `before` (a message id), ' +
          '`{"results", "next_before"}` for the next older page. Reading marks the chat read.',
        errors: {
          400: answers('Missing or malformed chat_id', apiError('BAD_REQUEST', 'Provide the numeric chat_id of a chat.', { error: 'Provide the numeric chat_id of a chat.' })),
          404: answers('No chat of yours has this id', detailError('NOT_FOUND', 'Invalid Chatroom_id')),
        },
      }),
    )
    .input(z.object({ chat_id: z.string().optional(), before: z.string().optional(), limit: z.string().optional() }))
    .output(z.union([z.array(historyItem), z.object({ results: z.array(historyItem), next_before: z.number().int().nullable() })]))
    .query(({ ctx, input }) => chatHistory(ctx.services, ctx.viewer, input)),

  send: authedProcedure
    .meta(route({ method: 'POST', path: '/chats/messages/', status: 201, summary: 'Send a chat message', description: 'To `user_id`; the chat is made with the first message. Both people’s open sockets receive it.', errors: { 400: answers('Empty message, or yourself', apiError('BAD_REQUEST', 'You cannot chat with yourself.', { error: 'You cannot chat with yourself.' })), 404: answers('No such user', detailError('NOT_FOUND', 'User not found')) } }))
    .input(z.object({ user_id: idField, message: z.string().max(5000) }))
    .output(chatMessageEvent)
    .mutation(({ ctx, input }) => sendMessage(ctx.services, ctx.viewer, input.user_id, input.message)),

  /** Every message of the caller's chats, live; resumes after `lastEventId` (a message id). */
  onMessage: authedProcedure
    .input(z.object({ lastEventId: z.string().nullish() }).optional())
    .subscription(async function* ({ ctx, input, signal }) {
      const live = eventStream(ctx.services.events, ctx.viewer.id, signal, (event) => event.type === 'chat_message');
      await live.ready;
      let last = Number(input?.lastEventId ?? 0) || 0;
      if (last > 0) {
        for (const message of await messagesSince(ctx.services, ctx.viewer, last)) {
          last = message.message_id;
          yield tracked(String(message.message_id), message);
        }
      }
      for await (const event of live) {
        const message = event.payload as unknown as ChatMessageEvent;
        if (message.message_id <= last) continue;
        yield tracked(String(message.message_id), message);
      }
    }),
});
