import { tracked } from '@trpc/server';
import { eventStream } from '../platform/events.js';
import { profileCard } from '../posts/schemas.js';
import { idField } from '../profiles/schemas.js';
import { userNotFound } from '../network/errors.js';
import { answers, rest, type RestRoute } from '../rest.js';
import { authedProcedure, router } from '../trpc.js';
import { z } from '../validation.js';
import * as chatErrors from './errors.js';
import { chatHistory, conversation, initiateChat, listChats, messagesSince, sendMessage, type ChatMessageEvent } from './service.js';

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

const notYourRoom = { 404: answers('No chat of yours has this id', chatErrors.chatNotFound()) };

/** A page size from the query: 1 to 100, 50 by default. */
const pageLimit = z.preprocess(
  (value) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
  z.number().int().min(1).max(100),
);

export const chatRouter = router({
  // The web client's chat screens (compat C13): its own shapes, read from the same services.
  rooms: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/notification-chat/chats/',
        summary: 'Your chats, as the web client lists them',
        description:
          'Rooms you are in, most recent activity first: the other person as `contributor`, the last message’s text and time, and how many messages you have not read.',
      }),
    )
    .input(z.void())
    .output(
      z.array(
        z.object({
          contributor: profileCard.describe('The other person'),
          chat_id: z.number().int(),
          last_message: z.string().nullable().describe('The last message’s text; null in a room with no message yet'),
          last_message_at: z.date().nullable(),
          unread: z.number().int().describe('Messages the other person sent that you have not read'),
        }),
      ),
    )
    .query(async ({ ctx }) =>
      (await listChats(ctx.services, ctx.viewer)).map((room) => ({
        contributor: room.other,
        chat_id: room.chat_id,
        last_message: room.last_message?.message ?? null,
        last_message_at: room.last_message?.timestamp ?? null,
        unread: room.unread_count,
      })),
    ),

  conversation: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/notification-chat/chat/messages/',
        summary: 'A chat’s messages, as the web client reads them',
        description:
          'Oldest first: the newest `limit` messages (50 by default, at most 100), or with `before` (a message id) the `limit` messages before it. ' +
          'The first message’s id is the cursor for the page before; a page shorter than `limit` starts the conversation. Reading the newest page marks the chat read.',
        errors: {
          400: answers('Missing or malformed chat_id, before or limit', chatErrors.chatIdNotAnInteger()),
          ...notYourRoom,
        },
      }),
    )
    .input(z.object({ chat_id: idField, before: idField.optional(), limit: pageLimit.optional() }))
    .output(z.array(historyItem))
    .query(({ ctx, input }) =>
      conversation(ctx.services, ctx.viewer, { chat_id: input.chat_id, before: input.before, limit: input.limit ?? 50 }),
    ),

  initiate: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/notification-chat/chats/initiate/',
        summary: 'Open a chat with a connection',
        description:
          '`{"user": <user id>}` of someone you have a confirmed connection with: the room you share, made now if you have none.',
        errors: {
          400: answers(
            'Yourself, an unknown person, or no confirmed connection',
            chatErrors.initiatingWithYourself(),
            chatErrors.unknownChatUser(99),
            chatErrors.notConnectedYet(),
          ),
        },
      }),
    )
    .input(z.object({ user: idField }))
    .output(z.object({ contributor: profileCard, chat_id: z.number().int() }))
    .mutation(({ ctx, input }) => initiateChat(ctx.services, ctx.viewer, input.user)),

  chats: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/chats/',
        summary: 'Your chats',
        description: 'Rooms you are in, most recent activity first, each with its last message and how many messages you have not read.',
      }),
    )
    .input(z.void())
    .output(
      z.array(
        z.object({
          chat_id: z.number().int(),
          initiator: profileCard,
          contributor: profileCard,
          other: profileCard.describe('The other person'),
          last_message: z
            .object({ message_id: z.number().int(), user_id: z.number().int(), message: z.string(), timestamp: z.date() })
            .nullable(),
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
          400: answers('Missing or malformed chat_id', chatErrors.chatIdMissing()),
          ...notYourRoom,
        },
      }),
    )
    .input(z.object({ chat_id: z.string().optional(), before: z.string().optional(), limit: z.string().optional() }))
    .output(z.union([z.array(historyItem), z.object({ results: z.array(historyItem), next_before: z.number().int().nullable() })]))
    .query(({ ctx, input }) => chatHistory(ctx.services, ctx.viewer, input)),

  send: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/chats/messages/',
        status: 201,
        summary: 'Send a chat message',
        description: 'To `user_id`; the chat is made with the first message. Both people’s open sockets receive it.',
        errors: {
          400: answers('Empty message, or yourself', chatErrors.chattingWithYourself()),
          404: answers('No such user', userNotFound()),
        },
      }),
    )
    .input(z.object({ user_id: idField, message: z.string().max(5000) }))
    .output(chatMessageEvent)
    .mutation(({ ctx, input }) => sendMessage(ctx.services, ctx.viewer, input.user_id, input.message)),

  /** Every message of the caller's chats, live; resumes after `lastEventId` (a message id). */
  onMessage: authedProcedure.input(z.object({ lastEventId: z.string().nullish() }).optional()).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
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
