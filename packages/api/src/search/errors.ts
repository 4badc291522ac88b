import { fieldError } from '../errors.js';

/** Every refusal of people search, worded once: the service throws them and the route documents them. */

export const keywordMissing = () => fieldError('keyword', 'No keyword query param is provided.');
/** Fewer than three letters or digits in a row give the trigram indexes nothing to look up. */
export const keywordTooShort = (minimum: number) => fieldError('keyword', `Enter at least ${minimum} letters or digits in a row.`);
export const keywordTooLong = (maximum: number) => fieldError('keyword', `Ensure this field has no more than ${maximum} characters.`);
