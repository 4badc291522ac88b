import type { TRPCError } from '@trpc/server';
import { apiError, describeError, detailError, fieldError, nonFieldError } from '../errors.js';

/** Every refusal of the support services, worded once: the services throw them and the routes document them. */

/** No ticket has this id. Administrators only reach this: members never name a ticket. */
export const unknownTicket = () => detailError('NOT_FOUND', 'No support ticket has this id.');

/** An administrator's change that says nothing to change. */
export const nothingToChange = () => nonFieldError('Send a status, a response, or both.');

/** A status the ticket cannot move to from where it is (see NEXT_STATUSES). */
export const statusTransitionRefused = (from: string, to: string, allowed: readonly string[]) =>
  fieldError(
    'status',
    allowed.length
      ? `A ticket that is ${from} can move to ${allowed.join(', ')}, not ${to}.`
      : `A ticket that is ${from} cannot move to ${to}.`,
  );

/** A lead's e-mail is unique (in the database): the original's words and key. */
export const leadEmailTaken = () => fieldError('email_address', 'This email already exists');

/**
 * A `?status=` of your tickets not among the options, as the input's validation refused it (the field key),
 * with the original's `{"error": "Invalid status parameter"}` beside it: clients of either shape read it (compat C3).
 */
export const statusFilterRefused = (validation: TRPCError) => {
  const { message, body } = describeError(validation);
  return apiError('BAD_REQUEST', message, { error: 'Invalid status parameter', ...body });
};
