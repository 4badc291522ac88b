import { fieldError, keyedError } from '../errors.js';

/** Every refusal of the mentors services, worded once: the services throw them and the routes document them. */

/** No active user has this id; booking a session with one is refused alike. */
export const unknownMentor = (mentorId: number) => fieldError('mentor', `Invalid pk "${mentorId}" - object does not exist.`);
export const savingYourself = () => fieldError('mentor', 'Cannot save self.');
export const savingNonMentor = () => fieldError('mentor', 'This user is not a mentor.');
export const unsaveMentorMissing = () => keyedError('error', 'A mentor query parameter is required to Unsave a mentor.');
export const mentorIdNotAnInteger = () => fieldError('mentor', 'A valid integer is required.');

/** A choice field's refusal, as the shared choice schema (choices.ts) words it; the availability field's is worded from here. */
export const notAValidChoice = (field: string, value: string, options: readonly string[]) =>
  fieldError(field, `"${value}" is not a valid choice. Valid options: ${options.join(', ')}.`);

/** A price that would exceed the highest one once converted to the central currency. */
export const sessionRateTooHigh = (maxUnits: number, currency: string) =>
  fieldError('session_rate', `Ensure this value is at most ${maxUnits} ${currency} once converted.`);
