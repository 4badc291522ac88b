import { userTypeSchema } from '../choices.js';
import { envelopeWithLastPage, pageInput } from '../pagination.js';
import { idField } from '../profiles/schemas.js';
import { answers, rest, type RestRoute } from '../rest.js';
import { authedProcedure, router } from '../trpc.js';
import { z } from '../validation.js';
import * as networkErrors from './errors.js';
import {
  answerRequest,
  cancelRequest,
  connectionCount,
  endConnection,
  listConnections,
  recommendConnections,
  requestConnection,
} from './service.js';
import { toleratingLag } from '../platform/reads.js';

const route = (route: Omit<RestRoute, 'tag' | 'protect'>) => rest({ ...route, tag: 'connections', protect: true });

const connectionItem = z.object({
  id: z.number().int().describe('The connection’s id, for answering, cancelling or removing it'),
  connection: z.object({
    first_name: z.string(),
    last_name: z.string(),
    middle_name: z.string(),
    profile_photo: z.string(),
    qualification: z.string(),
    status: z.enum(['PENDING', 'CONFIRMED']),
    user_id: z.number().int().describe('The other person’s user id'),
    user_type: userTypeSchema,
  }),
});
const connectionRef = z.object({ connection_id: idField });
const noConnection = (description: string) => ({ 404: answers(description, networkErrors.connectionNotFound()) });

const list = (path: `/${string}/`, summary: string, description: string, direction: 'confirmed' | 'incoming' | 'outgoing') =>
  authedProcedure
    .meta(
      route({
        method: 'GET',
        path,
        summary,
        description,
      }),
    )
    .input(z.void())
    .output(z.array(connectionItem))
    .query(({ ctx }) => listConnections(ctx.services, ctx.viewer, direction));

export const networkRouter = router({
  connections: list('/connection/', 'Your connections', 'Confirmed connections, whoever asked; newest first.', 'confirmed'),
  // Today's clients read an object here, not the seed's bare array (compat C13).
  pending: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/connection/pending/',
        summary: 'Requests to you',
        description: 'Pending requests others sent you, newest first, as `{"pending_requests": [...], "count": n}`.',
      }),
    )
    .input(z.void())
    .output(z.object({ pending_requests: z.array(connectionItem), count: z.number().int() }))
    .query(async ({ ctx }) => {
      const pending = await listConnections(ctx.services, ctx.viewer, 'incoming');
      return { pending_requests: pending, count: pending.length };
    }),
  sent: list('/connection/sent/', 'Requests you sent', 'Your pending requests, not answered yet.', 'outgoing'),

  request: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/connection/',
        status: 201,
        summary: 'Ask to connect',
        description: '`{"connection": <user id>}`. One request per pair, whichever way.',
        errors: {
          400: answers(
            'Yourself, or a request or connection exists',
            networkErrors.connectingWithYourself(),
            networkErrors.connectionInitiated(),
          ),
          404: answers('No such user', networkErrors.userNotFound()),
        },
      }),
    )
    .input(z.object({ connection: idField }))
    .output(z.object({ id: z.number().int(), user: z.number().int(), connection: z.number().int(), status: z.literal('PENDING') }))
    .mutation(({ ctx, input }) => requestConnection(ctx.services, ctx.viewer, input.connection)),

  answer: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/connection/status/',
        summary: 'Accept or reject a request',
        description: 'Only the person asked may answer. `status`: Accept or Reject.',
        errors: {
          400: answers(
            'Not yours to answer, or already accepted',
            networkErrors.notYoursToAnswer(),
            networkErrors.connectionAlreadyAccepted(),
          ),
          ...noConnection('No such connection of yours'),
        },
      }),
    )
    .input(
      connectionRef.extend({
        status: z.string().transform((value, ctx) => {
          const answer = { accept: 'Accept', reject: 'Reject' }[value.trim().toLowerCase()];
          if (!answer) {
            ctx.addIssue({ code: 'custom', message: `"${value}" is not a valid choice. Valid options: Accept, Reject.` });
            return z.NEVER;
          }
          return answer as 'Accept' | 'Reject';
        }),
      }),
    )
    .output(z.object({ status: z.enum(['Accepted', 'Rejected']) }))
    .mutation(({ ctx, input }) => answerRequest(ctx.services, ctx.viewer, input.connection_id, input.status)),

  cancel: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/connection/cancel/',
        summary: 'Withdraw a request you sent',
        description: '`{"connection_id"}` of a pending request you sent.',
        errors: noConnection('No such pending request of yours'),
      }),
    )
    .input(connectionRef)
    .output(z.object({ status: z.literal('Cancelled') }))
    .mutation(({ ctx, input }) => cancelRequest(ctx.services, ctx.viewer, input.connection_id)),

  remove: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/connection/remove/',
        summary: 'End a connection',
        description: '`{"connection_id"}` of a confirmed connection; either side may end it.',
        errors: noConnection('No such connection of yours'),
      }),
    )
    .input(connectionRef)
    .output(z.object({ status: z.literal('Removed') }))
    .mutation(({ ctx, input }) => endConnection(ctx.services, ctx.viewer, input.connection_id)),

  count: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/connection/count/',
        summary: 'How many connections you have',
        description: '`{"connections_count": n}`',
      }),
    )
    .input(z.void())
    .output(z.object({ connections_count: z.number().int() }))
    .query(({ ctx }) => connectionCount(ctx.services, ctx.viewer)),

  recommendations: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/connection/recommendation/',
        summary: 'People you may know',
        description:
          '`criteria=industry` (same industry) or `criteria=location` (their location contains yours; an empty location matches nobody). ' +
          'Skips you and anyone you have a connection or request with. Most relevant first (shared industry and location, mutual connections), then by id. ' +
          'Ranks everyone you share a connection with plus the first 300 other matches by id.',
        errors: {
          400: answers('Missing or unknown criteria', networkErrors.criteriaMissing(), networkErrors.unknownCriteria()),
        },
      }),
    )
    .input(z.object({ ...pageInput, criteria: z.string().optional() }))
    .output(
      envelopeWithLastPage(
        z.object({
          id: z.number().int(),
          name: z.string(),
          qualification: z.string(),
          profile_photo: z.string(),
          user_type: userTypeSchema,
        }),
      ),
    )
    .query(async ({ ctx, input }) => recommendConnections(await toleratingLag(ctx), ctx.viewer, input)),
});
