import { apiError, detailError, keyedError, nonFieldError } from '../errors.js';

/** Every refusal of the connections services, worded once: the services throw them and the routes document them. */

/** No active user has this id; following someone and chatting with them are refused alike. */
export const userNotFound = () => detailError('NOT_FOUND', 'User not found');

export const connectingWithYourself = () => apiError('BAD_REQUEST', 'Cannot connect with self', { error: ['Cannot connect with self'] });
/** A request or a connection exists between the two, whoever asked. */
export const connectionInitiated = () => apiError('BAD_REQUEST', 'Connection Initiated', { error: ['Connection Initiated'] });
/** Also for someone else's connection: none of the caller's business. */
export const connectionNotFound = () => detailError('NOT_FOUND', 'Connection not found');
export const notYoursToAnswer = () => nonFieldError('Cannot Accept/Reject');
export const connectionAlreadyAccepted = () => nonFieldError('Connection already accepted');

export const criteriaMissing = () => keyedError('error', 'Recommendation criteria not provided');
export const unknownCriteria = () =>
  apiError('BAD_REQUEST', 'Unrecognized recommendation criteria.', { 'criteria error': 'Unrecognized recommendation criteria.' });
