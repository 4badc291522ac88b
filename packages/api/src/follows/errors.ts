import { apiError } from '../errors.js';

/** The refusal of the follows services, worded once (an unknown user is the connections domain's `userNotFound`). */
export const followingYourself = () => apiError('BAD_REQUEST', 'Cannot follow self', { error: ['Cannot follow self'] });
