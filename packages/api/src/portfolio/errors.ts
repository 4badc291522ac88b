import { apiError, detailError } from '../errors.js';

/** Every refusal of the portfolio services, worded once: the services throw them and the routes document them. */

/** A `?user_id=` that is not an id: the original's words and key. */
export const malformedUserId = () => apiError('BAD_REQUEST', 'Invalid User ID', { error: 'Invalid User ID' });
/** No active member has this id. */
export const unknownUser = () => apiError('NOT_FOUND', 'Invalid User ID', { error: 'Invalid User ID', detail: 'Invalid User ID' });

export const portfolioIdMissing = () => apiError('BAD_REQUEST', 'No portfolio_id is provided', { error: 'No portfolio_id is provided' });
/** A `portfolio_id` (or path id) that is not an id. */
export const malformedPortfolioId = () => apiError('BAD_REQUEST', 'Invalid Portfolio ID', { error: 'Invalid Portfolio ID' });
/** No project has this id (or its owner's account is closed). */
export const unknownProject = () =>
  apiError('NOT_FOUND', 'Invalid Portfolio ID', { error: 'Invalid Portfolio ID', detail: 'Invalid Portfolio ID' });
/** Someone else's project: anyone may read it, only its owner may change or delete it. */
export const notYourProject = () => detailError('FORBIDDEN', 'Only the owner of this project may change or delete it.');
