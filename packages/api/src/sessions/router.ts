import { apiError, detailError, fieldError, keyedError, nonFieldError } from '../errors.js';
import { envelope } from '../pagination.js';
import { answers, rest, type RestRoute } from '../rest.js';
import { authedProcedure, router } from '../trpc.js';
import { z } from '../validation.js';
import { annotateInput, answerInput, bookInput, joinInput, listInput, MAX_INVITEES, sessionObject, sessionRef } from './schemas.js';
import {
  answerSession,
  bookSession,
  cancelSession,
  completeSession,
  invitedSessions,
  joinSession,
  listSessions,
  mentorsOnly,
  sessionNotFound,
} from './service.js';

const route = (route: Omit<RestRoute, 'tag' | 'protect'>) => rest({ ...route, tag: 'mentorship sessions', protect: true });

const noSession = { 404: answers('No such session', sessionNotFound()) };
const STATES =
  'A session moves PENDING → ACCEPTED, REJECTED or CANCELLED, and ACCEPTED → COMPLETED (once paid and begun) or CANCELLED (while unpaid); ' +
  'rejected, cancelled and completed sessions never change again.';

export const sessionsRouter = router({
  book: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/mentor/sessions/book/',
        status: 201,
        summary: 'Book a session with a mentor',
        description:
          '`{"mentor", "session_type": "individual"|"group", "date": "YYYY-MM-DD", "time": "HH:MM", "discourse", "invitees": [user ids]}`. ' +
          `The date and time are read on your own time zone (your profile’s \`timezone\`) and must be in the future; a group session invites 1 to ${MAX_INVITEES} people. ` +
          'The session starts PENDING; the mentor is notified. Answers the session as you see it.',
        errors: {
          400: answers(
            'Not a mentor, yourself, in the past, or invitees missing or unknown',
            fieldError('mentor', 'Invalid pk "99" - object does not exist.'),
            fieldError('mentor', 'This User is not a mentor.'),
            nonFieldError('Cannot schedule a mentorship session with yourself.'),
            nonFieldError('Cannot set a mentorship date in the past.'),
            nonFieldError('Invitees must be provided in group sessions.'),
            fieldError('invitees', 'No user(s) with ids [5]'),
            fieldError('invitees', 'You cannot invite yourself.'),
            fieldError('invitees', `A session may have at most ${MAX_INVITEES} invitees.`),
          ),
        },
      }),
    )
    .input(bookInput)
    .output(sessionObject)
    .mutation(({ ctx, input }) => bookSession(ctx.services, ctx.viewer, input)),

  list: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/mentor/sessions/',
        summary: 'Your sessions, by status',
        description:
          '`status`: `requested` (pending: those you booked, or for a mentor those booked with you), `accepted` (accepted sessions you booked), ' +
          '`scheduled` (mentors: accepted sessions booked with you) or `completed` (as mentee, or for a mentor as mentor). Newest first, paginated. ' +
          'Rejected and cancelled sessions are in no list.',
        errors: {
          400: answers(
            'Missing or unknown status',
            keyedError('error', 'No query parameter is provided for this request.'),
            keyedError('error', "Invalid query parameter. Parameter can only be ['requested', 'accepted', 'scheduled', 'completed']"),
            keyedError('error', 'Scheduled sessions are only available to mentors'),
          ),
        },
      }),
    )
    .input(listInput)
    .output(envelope(sessionObject))
    .query(({ ctx, input }) => listSessions(ctx, input)),

  invited: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/mentor/sessions/invited/',
        summary: 'Sessions you are invited to',
        description:
          'Your invitations to group sessions still pending or accepted, newest first: `[{"id": <invitation id>, "session": {...}}]`.',
      }),
    )
    .input(z.void())
    .output(z.array(z.object({ id: z.number().int().describe('The invitation’s id'), session: sessionObject })))
    .query(({ ctx }) => invitedSessions(ctx.services, ctx.viewer)),

  answer: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/mentor/sessions/accept-reject/',
        summary: 'Accept or reject a session request',
        description: `Mentors only. \`{"session", "action": "Accept"|"Reject"}\` (any case) on a pending session booked with you; the mentee is notified. ${STATES}`,
        errors: {
          400: answers(
            'Not pending any more',
            nonFieldError('This session has already been accepted'),
            nonFieldError('This session has been completed.'),
          ),
          403: answers(
            'Not a mentor, or not your session',
            mentorsOnly(),
            detailError('FORBIDDEN', 'This session was not initiated for you.'),
          ),
          409: answers(
            'Changed by someone else at the same moment',
            apiError('CONFLICT', 'This session changed meanwhile; please try again.', {
              detail: 'This session changed meanwhile; please try again.',
            }),
          ),
          ...noSession,
        },
      }),
    )
    .input(answerInput)
    .output(z.object({ session_id: z.number().int(), action: z.enum(['Accepted', 'Rejected']) }))
    .mutation(({ ctx, input }) => answerSession(ctx.services, ctx.viewer, input.session, input.action)),

  cancel: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/mentor/session/cancel/',
        summary: 'Cancel a session you booked',
        description: `\`{"session"}\`: the mentee cancels a pending or accepted session nobody paid for. It is kept as history. ${STATES}`,
        errors: {
          400: answers(
            'Paid, or over',
            fieldError('session', 'Cannot cancel an already paid session.'),
            fieldError('session', 'This session has been completed.'),
          ),
          403: answers('Not your session', detailError('FORBIDDEN', "Only this session's mentee can cancel this session.")),
          ...noSession,
        },
      }),
    )
    .input(sessionRef)
    .output(z.object({ status: z.literal('Success'), message: z.literal('Cancelled Mentorship session') }))
    .mutation(({ ctx, input }) => cancelSession(ctx.services, ctx.viewer, input.session)),

  annotate: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/mentor/annotate/',
        summary: 'Mark a session completed and rate it',
        description: `\`{"session", "mark_completed": true, "rating": 1..5}\`: the mentee completes an accepted, paid session whose time has come; the rating is added to the mentor’s, once. ${STATES}`,
        errors: {
          400: answers(
            'Not paid, not begun, already completed, or a bad rating',
            fieldError('session', 'Cannot annotate a session that has not been paid for.'),
            fieldError('session', 'This session has not taken place yet.'),
            fieldError('session', 'This session has been completed.'),
            fieldError('mark_completed', 'The session mark_completed must be True to annotate a session'),
            fieldError('rating', 'A rating can only range from 1 to 5'),
          ),
          403: answers('Not the session’s mentee', detailError('FORBIDDEN', 'This session was not initiated by you.')),
          409: answers(
            'Changed by someone else at the same moment',
            apiError('CONFLICT', 'This session changed meanwhile; please try again.', {
              detail: 'This session changed meanwhile; please try again.',
            }),
          ),
          ...noSession,
        },
      }),
    )
    .input(annotateInput)
    .output(sessionObject)
    .mutation(({ ctx, input }) => completeSession(ctx.services, ctx.viewer, input.session, input.rating)),

  join: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/mentor/session/join/',
        summary: 'Enter a session’s video room',
        description:
          '`?session=<id>`, for its mentor, mentee and invitees once it is accepted, paid and its time has come: the room’s name and a token for it. ' +
          'With `provider` `jaas` the token is a Jitsi-as-a-Service JWT (RS256) for this room only, valid an hour, the mentor as moderator; ' +
          '`development` means no video provider is configured and the token carries the same claims unsigned (`alg: none`).',
        errors: {
          400: answers(
            'No session given, or not open',
            keyedError('error', 'A session query parameter is required for this request'),
            fieldError('session', 'This session has not yet been paid for.'),
            fieldError('session', 'This session has already been completed.'),
            fieldError('session', 'Not yet time for this session.'),
          ),
          403: answers('Not a participant', detailError('FORBIDDEN', 'You are not a participant in this session.')),
          ...noSession,
        },
      }),
    )
    .input(joinInput)
    .output(
      z.object({
        session_id: z.number().int(),
        room_name: z.string(),
        token: z.string(),
        provider: z
          .enum(['jaas', 'development'])
          .describe('`jaas`: a signed Jitsi-as-a-Service token; `development`: unsigned token, no video provider configured'),
      }),
    )
    .query(({ ctx, input }) => joinSession(ctx.services, ctx.viewer, input.session)),
});
