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

// The content library, in the original's words
export const duplicateLibraryTitle = () => fieldError('title', 'A Library content with this title already exists.');
export const TAGS_NOT_TEXTS = 'Tags must be a list of Texts.';
/** `tags` is neither a list of texts nor (in a form) a JSON string holding one. */
export const tagsNotTexts = () => fieldError('tags', TAGS_NOT_TEXTS);
export const tagsOverLimits = (maxTags: number, maxLength: number) =>
  fieldError('tags', `Send at most ${maxTags} tags of 1 to ${maxLength} characters each.`);
/** `?content_id=` of a read that is not an id. */
export const malformedLibraryContentId = () => keyedError('error', 'Invalid content id');
export const unknownLibraryContent = () =>
  apiError('NOT_FOUND', 'Invalid content id', { error: 'Invalid content id', detail: 'Invalid content id' });
export const libraryContentIdMissing = () => keyedError('error', 'A content_id query parameter is required for this request');
/** `?content_id=` of a deletion that is not an id. */
export const malformedContentIdToDelete = () => keyedError('error', 'Invalid Content ID');
export const unknownContentToDelete = () =>
  apiError('NOT_FOUND', 'Invalid Content ID', { error: 'Invalid Content ID', detail: 'Invalid Content ID' });
