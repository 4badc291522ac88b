import type { UserType } from '@careernexus/db';
import { apiError, fieldError } from '../errors.js';
import type { RecordKind } from './records.js';

/** Every refusal of the profile services, worded once: the services throw them and the routes document them. */

/** Also for a malformed id. */
export const invalidUserId = () => apiError('NOT_FOUND', 'Invalid User Id', { error: 'Invalid User Id', detail: 'Invalid User Id' });

// Updating a profile
/** Mentor fields sent by someone who is not a mentor: each named. */
export const mentorFieldsOnly = (fields: readonly string[]) => {
  const message = 'Only mentors have this field.';
  return apiError('BAD_REQUEST', `${fields.join(', ')}: ${message}`, Object.fromEntries(fields.map((field) => [field, [message]])));
};
export const callingCodeNotPermitted = () => fieldError('country_code', 'This dialling code belongs to no permitted country.');
export const noExchangeRate = (currency: string) => fieldError('session_rate_currency', `No exchange rate is set for ${currency}.`);
export const userTypeAlreadyChosen = (userType: UserType) =>
  fieldError('user_type', `The user type cannot be changed once chosen (this account is a ${userType}).`);

// Career records, each kind in the original's own words (RecordKind.missing)
export const recordIdMissing = (kind: RecordKind) => apiError('BAD_REQUEST', kind.missing.deleteParam, { error: kind.missing.deleteParam });
/** Also for someone else's record. */
export const recordNotFound = (kind: RecordKind) => apiError('NOT_FOUND', kind.missing.notFound, { detail: kind.missing.notFound });
/** The update's refusal has its own words and keys. */
export const recordToUpdateNotFound = (kind: RecordKind) => {
  const message = kind.missing.updateNotFound;
  return apiError('NOT_FOUND', message, { Error: [message], detail: message });
};
