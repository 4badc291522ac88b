import { apiError, fieldError } from '../errors.js';
import { describeKinds, type MediaKinds } from './formats.js';

/** Every refusal of a file or a file URL, worded once and filed under the field that carried it. */

const megabytes = (bytes: number) => `${Math.round((bytes / 1_048_576) * 10) / 10} MB`;

export const wrongType = (field: string, kinds: MediaKinds) =>
  apiError('BAD_REQUEST', `${field}: upload ${describeKinds(kinds)}.`, { [field]: [`Upload ${describeKinds(kinds)}.`] });
export const tooLarge = (field: string, maxBytes: number) =>
  apiError('PAYLOAD_TOO_LARGE', `${field}: the file is larger than ${megabytes(maxBytes)}.`, {
    [field]: [`The file is larger than ${megabytes(maxBytes)}.`],
  });
export const uploadCutShort = (field: string) => fieldError(field, 'The upload was cut short before the end of the file.');
/** A URL that is not one of this service's stored files. */
export const foreignUrl = (field: string) => fieldError(field, `Upload a file, or send the URL of a file uploaded to this service.`);
export const unknownUploadUrl = (field: string) => fieldError(field, 'No uploaded file has this URL.');
