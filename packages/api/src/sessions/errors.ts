import type { SessionStatus } from '@careernexus/db';
import { apiError, detailError, fieldError, keyedError, nonFieldError } from '../errors.js';

/** Every refusal of the mentorship-session services, worded once: the services throw them and the routes document them. */

export const sessionNotFound = () => detailError('NOT_FOUND', 'Session not found.');
export const mentorsOnly = () => detailError('FORBIDDEN', 'This request is only available to mentors.');
/** The session was given as a query parameter that is not an id. */
export const sessionIdNotAnInteger = () => fieldError('session', 'A valid integer is required.');

// Booking
export const bookingWithYourself = () => nonFieldError('Cannot schedule a mentorship session with yourself.');
export const notAMentor = () => fieldError('mentor', 'This User is not a mentor.');
export const inviteesMissing = () => nonFieldError('Invitees must be provided in group sessions.');
export const invitingYourself = () => fieldError('invitees', 'You cannot invite yourself.');
export const invitingTheMentor = () => fieldError('invitees', 'The mentor cannot be invited to their own session.');
export const unknownInvitees = (userIds: number[]) => fieldError('invitees', `No user(s) with ids [${userIds.join(', ')}]`);
/** Raised by the input schema, which takes its text from here. */
export const tooManyInvitees = (max: number) => fieldError('invitees', `A session may have at most ${max} invitees.`);
export const invalidTimezone = () => nonFieldError('User Profile has an Invalid timezone.');
export const bookingInThePast = () => nonFieldError('Cannot set a mentorship date in the past.');

// Lists
export const listStatusMissing = () => keyedError('error', 'No query parameter is provided for this request.');
/** Takes the lists from the caller: the schemas module takes its texts from this one. */
export const unknownListStatus = (lists: readonly string[]) =>
  keyedError('error', `Invalid query parameter. Parameter can only be [${lists.map((list) => `'${list}'`).join(', ')}]`);
export const scheduledForMentorsOnly = () => keyedError('error', 'Scheduled sessions are only available to mentors');

// Changes of status: who may make them, and from which state
export const notSessionMentor = () => detailError('FORBIDDEN', 'This session was not initiated for you.');
export const notSessionMentee = () => detailError('FORBIDDEN', 'This session was not initiated by you.');
export const onlyMenteeCancels = () => detailError('FORBIDDEN', "Only this session's mentee can cancel this session.");

/** Why a session in a state an action does not start from is refused. */
const STATE_REFUSALS: Record<SessionStatus, string> = {
  PENDING: 'This session has not been accepted yet.',
  ACCEPTED: 'This session has already been accepted',
  COMPLETED: 'This session has been completed.',
  REJECTED: 'This session has been rejected.',
  CANCELLED: 'This session has been cancelled.',
};
/** Filed under the key the action's refusals use (`non_field_errors` for the mentor's answer). */
export const sessionInState = (status: SessionStatus, key = 'session') => fieldError(key, STATE_REFUSALS[status]);

export const cancellingPaidSession = () => fieldError('session', 'Cannot cancel an already paid session.');
export const completingUnpaidSession = () => fieldError('session', 'Cannot annotate a session that has not been paid for.');
export const completingBeforeStart = () => fieldError('session', 'This session has not taken place yet.');
/** Raised by the input schema, which takes its text from here. */
export const notMarkedCompleted = () => fieldError('mark_completed', 'The session mark_completed must be True to annotate a session');
/** Raised by the input schema, which takes its text from here. */
export const ratingOutOfRange = () => fieldError('rating', 'A rating can only range from 1 to 5');
export const changedMeanwhile = () =>
  apiError('CONFLICT', 'This session changed meanwhile; please try again.', {
    detail: 'This session changed meanwhile; please try again.',
  });

// The video room
export const sessionQueryMissing = () => keyedError('error', 'A session query parameter is required for this request');
export const notParticipant = () => detailError('FORBIDDEN', 'You are not a participant in this session.');
export const joiningCompletedSession = () => fieldError('session', 'This session has already been completed.');
export const joiningUnpaidSession = () => fieldError('session', 'This session has not yet been paid for.');
export const joiningBeforeStart = () => fieldError('session', 'Not yet time for this session.');
