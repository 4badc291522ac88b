import { unknownMentor } from '../mentors/errors.js';
import { envelope } from '../pagination.js';
import { answers, rest, type RestRoute } from '../rest.js';
import { authedProcedure, router } from '../trpc.js';
import { z } from '../validation.js';
import {
  annotateInput,
  answerInput,
  bookInput,
  joinInput,
  listInput,
  MAX_INVITEES,
  SESSION_LISTS,
  sessionObject,
  sessionRef,
} from './schemas.js';
import * as sessionErrors from './errors.js';
import { answerSession, bookSession, cancelSession, completeSession, invitedSessions, joinSession, listSessions } from './service.js';

const route = (route: Omit<RestRoute, 'tag' | 'protect'>) => rest({ ...route, tag: 'mentorship sessions', protect: true });

const NO_SESSION = { 404: answers('No such session', sessionErrors.sessionNotFound()) };
const CHANGED_MEANWHILE = { 409: answers('Changed by someone else at the same moment', sessionErrors.changedMeanwhile()) };
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
            unknownMentor(99),
            sessionErrors.notAMentor(),
            sessionErrors.bookingWithYourself(),
            sessionErrors.bookingInThePast(),
            sessionErrors.inviteesMissing(),
            sessionErrors.unknownInvitees([5]),
            sessionErrors.invitingYourself(),
            sessionErrors.tooManyInvitees(MAX_INVITEES),
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
            sessionErrors.listStatusMissing(),
            sessionErrors.unknownListStatus(SESSION_LISTS),
            sessionErrors.scheduledForMentorsOnly(),
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
            sessionErrors.sessionInState('ACCEPTED', 'non_field_errors'),
            sessionErrors.sessionInState('COMPLETED', 'non_field_errors'),
          ),
          403: answers('Not a mentor, or not your session', sessionErrors.mentorsOnly(), sessionErrors.notSessionMentor()),
          ...CHANGED_MEANWHILE,
          ...NO_SESSION,
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
          400: answers('Paid, or over', sessionErrors.cancellingPaidSession(), sessionErrors.sessionInState('COMPLETED')),
          403: answers('Not your session', sessionErrors.onlyMenteeCancels()),
          ...NO_SESSION,
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
            sessionErrors.completingUnpaidSession(),
            sessionErrors.completingBeforeStart(),
            sessionErrors.sessionInState('COMPLETED'),
            sessionErrors.notMarkedCompleted(),
            sessionErrors.ratingOutOfRange(),
          ),
          403: answers('Not the session’s mentee', sessionErrors.notSessionMentee()),
          ...CHANGED_MEANWHILE,
          ...NO_SESSION,
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
            sessionErrors.sessionQueryMissing(),
            sessionErrors.joiningUnpaidSession(),
            sessionErrors.joiningCompletedSession(),
            sessionErrors.joiningBeforeStart(),
          ),
          403: answers('Not a participant', sessionErrors.notParticipant()),
          ...NO_SESSION,
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
