import { apiError, fieldError, keyedError, nonFieldError } from '../errors.js';

/** Every refusal of the info services, worded once: the services throw them and the routes document them. */

// Countries
export const unknownPermitStatus = () => apiError('BAD_REQUEST', 'Invalid Query Parameter', { error: 'Invalid Query Parameter' });
/** A country named by id or by name that does not exist; the exchange rates (mentors/money.ts) refuse it alike. */
export const unknownCountry = (country: string | number) => fieldError('country', `Invalid pk "${country}" - object does not exist.`);
export const permitUnchanged = (permitted: boolean) =>
  nonFieldError(permitted ? 'Country already permitted.' : 'Country already unpermitted.');

// Content pages; reading one answers the titles there are, whatever the outcome
export const readTitleMissing = (availableTitles: string[]) =>
  apiError('BAD_REQUEST', 'No query parameter provided.', {
    Status: 'Failed',
    Message: 'No query parameter provided.',
    Available_titles: availableTitles,
  });
export const readTitleUnknown = (availableTitles: string[]) =>
  apiError('NOT_FOUND', 'Invalid information Title', {
    Status: 'Failed',
    Message: 'Invalid information Title',
    Available_titles: availableTitles,
  });
/** The title query parameter of a change or a deletion is missing. */
export const titleQueryMissing = () => keyedError('error', 'No query parameter provided');
export const existentTitle = () => nonFieldError('Existent title');
export const inexistentContent = () =>
  apiError('NOT_FOUND', 'Inexistent content', { error: 'Inexistent content', detail: 'Inexistent content' });

// Choice lists
export const unknownChoiceField = (fieldNames: string[]) =>
  apiError('BAD_REQUEST', 'Invalid field name.', { error: 'Invalid field name.', Avalable_names: fieldNames });
