import { apiError, fieldError, nonFieldError } from '../errors.js';

/** Every refusal of the newsletter services, worded once: the services throw them and the routes document them. */

/** The public form's address is subscribed and confirmed already (the original's words). */
export const emailAlreadySubscribed = () => fieldError('email', 'Already subscribed to Newsletter');
export const memberAlreadySubscribed = () => nonFieldError('Already subscribed to NewsLetter.');
export const memberNotSubscribed = () => nonFieldError('Not previously subscribed to NewsLetter.');
/** GET /newsletter/ of a member who is not subscribed: the original's 404 body. */
export const notSubscribed = () => apiError('NOT_FOUND', 'Not subscribed to the newsletter', { subscribed: false });
export const invalidConfirmationLink = () => fieldError('token', 'This confirmation link is not valid.');
export const invalidUnsubscribeLink = () => fieldError('token', 'This unsubscribe link is not valid.');
