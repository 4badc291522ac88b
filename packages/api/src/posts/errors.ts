import { apiError, detailError } from '../errors.js';

/** Every refusal of the posts services, worded once: the services throw them and the routes document them. */

/** Also for a malformed id, and for someone else's post where only one's own is meant. */
export const postNotFound = () => apiError('NOT_FOUND', 'Inexistent Post', { error: 'Inexistent Post', detail: 'Inexistent Post' });
export const commentNotFound = () =>
  apiError('NOT_FOUND', 'Inexistent comment', { error: 'Inexistent comment', detail: 'Inexistent comment' });
export const postIdMissing = () => apiError('BAD_REQUEST', 'No query parameter', { error: 'No query parameter' });
/** The author whose posts are asked for; the key order differs from the profiles' refusal of the same words. */
export const authorNotFound = () => detailError('NOT_FOUND', 'Invalid User Id', { error: 'Invalid User Id' });
// Share pages, in the original's words (a hash that names no page is a 400 there too).
export const shareHashMissing = () =>
  apiError('BAD_REQUEST', 'A hash query parameter is required for this request.', {
    error: 'A hash query parameter is required for this request.',
  });
export const unknownShareHash = () => apiError('BAD_REQUEST', 'Invalid Share Hash', { error: 'Invalid Share Hash' });
