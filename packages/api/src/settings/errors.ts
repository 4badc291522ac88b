import { apiError } from '../errors.js';

/** Every refusal the settings cause, worded once: the services throw them and the routes document them. */

/** Another member's analytics while their `show_activity` is off; the original's words under its key. */
export const analyticsPrivate = () =>
  apiError('FORBIDDEN', 'Analytics is private for this user', {
    analytics: 'Analytics is private for this user',
    detail: 'Analytics is private for this user',
  });
