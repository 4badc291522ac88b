import { apiError, detailError, fieldError } from '../errors.js';
import { NULL_CHARACTERS } from '../validation.js';

/** Every refusal of the chat services, worded once (an unknown user is the connections domain's `userNotFound`). */

// Sending; sockets reach the service without a procedure's input checks, so it words the message's refusals itself
export const blankMessage = () =>
  apiError('BAD_REQUEST', 'message: This field may not be blank.', { message: ['This field may not be blank.'] });
export const messageTooLong = (maxCharacters: number) =>
  apiError('BAD_REQUEST', `message: Ensure this field has no more than ${maxCharacters} characters.`, {
    message: [`Ensure this field has no more than ${maxCharacters} characters.`],
  });
export const messageWithNullCharacters = () => apiError('BAD_REQUEST', `message: ${NULL_CHARACTERS}`, { message: [NULL_CHARACTERS] });
export const chattingWithYourself = () =>
  apiError('BAD_REQUEST', 'You cannot chat with yourself.', { error: 'You cannot chat with yourself.' });

// Opening a chat
export const initiatingWithYourself = () => fieldError('user', 'Cannot initiate chat session with self.');
export const unknownChatUser = (userId: number) => fieldError('user', `Invalid pk "${userId}" - object does not exist.`);
export const notConnectedYet = () => fieldError('user', 'You are yet to connect with this user.');

// Reading a chat
/** Also for someone else's chat. */
export const chatNotFound = () => detailError('NOT_FOUND', 'Invalid Chatroom_id');
export const chatIdMissing = () =>
  apiError('BAD_REQUEST', 'Provide the numeric chat_id of a chat.', { error: 'Provide the numeric chat_id of a chat.' });
/** As the input schema (idField) refuses a chat_id that is not an id; an example only. */
export const chatIdNotAnInteger = () => fieldError('chat_id', 'A valid integer is required.');
