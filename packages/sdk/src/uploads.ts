import type { TRPCClient } from '@trpc/client';
import { fieldsOf, UploadError } from './errors.js';
import type { AppRouter } from './router.js';

type MediaUpload = AppRouter['media']['createUpload']['_def']['$types'];

/** The file types the server accepts: images for photos and post pictures, videos for intro and post videos. */
export type MediaContentType = MediaUpload['input']['content_type'];

export interface UploadMediaOptions {
  /** The file's bytes. */
  body: Blob | ArrayBuffer | Uint8Array;
  /** Its type; taken from the Blob when not given. The server checks the bytes match it. */
  contentType?: MediaContentType;
  /** A fetch implementation, for environments without a global one. */
  fetch?: typeof fetch;
  /** Aborts the upload. */
  signal?: AbortSignal;
}

export interface UploadedMedia {
  /** What to send as `profile_photo`, `cover_photo`, `intro_video`, or a post's `pic1`–`pic3` / `video`. */
  url: string;
  /** The upload URL the bytes went to (S3 or this server); rarely needed. */
  uploadedTo: string;
}

const sizeOf = (body: UploadMediaOptions['body']) => (body instanceof Blob ? body.size : body.byteLength);

/**
 * Uploads a file without multipart: asks the server where to put it (`media.createUpload`), PUTs
 * the bytes there (a presigned S3 URL, or the server itself), and returns the URL to send with a
 * profile or post update. Throws an {@link UploadError} (`describeClientError` reads it) when the
 * file is too large or not of the type announced.
 */
export async function uploadMedia(client: TRPCClient<AppRouter>, options: UploadMediaOptions): Promise<UploadedMedia> {
  const contentType = options.contentType ?? (options.body instanceof Blob ? (options.body.type as MediaContentType) : undefined);
  if (!contentType) throw new UploadError('BAD_REQUEST', 'content_type: say what kind of file this is.', { content_type: ['Required.'] });
  const grant = await client.media.createUpload.mutate({ content_type: contentType }, { signal: options.signal });
  const size = sizeOf(options.body);
  if (size > grant.max_bytes) {
    const limit = `${Math.round((grant.max_bytes / 1_048_576) * 10) / 10} MB`;
    throw new UploadError(
      'PAYLOAD_TOO_LARGE',
      `file: the file is larger than ${limit}.`,
      { file: [`The file is larger than ${limit}.`] },
      413,
    );
  }
  const response = await (options.fetch ?? fetch)(grant.upload_url, {
    method: grant.method,
    headers: grant.headers,
    // fetch takes a Blob or a view of an ArrayBuffer (a SharedArrayBuffer's bytes are no file).
    body: options.body instanceof ArrayBuffer ? new Uint8Array(options.body) : (options.body as Blob | Uint8Array<ArrayBuffer>),
    ...(options.signal ? { signal: options.signal } : {}),
  }).catch((error: unknown) => {
    if (options.signal?.aborted) throw error;
    throw new UploadError('NETWORK_ERROR', 'The file could not be uploaded: the storage could not be reached.');
  });
  if (!response.ok) throw await uploadRefusal(response);
  return { url: grant.url, uploadedTo: grant.upload_url };
}

const CODE_OF_STATUS: Record<number, string> = { 400: 'BAD_REQUEST', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 413: 'PAYLOAD_TOO_LARGE' };

/** The server answers in JSON (`{"file": ["…"]}`, `{"detail": "…"}`); S3 in XML (`<Message>…</Message>`). */
async function uploadRefusal(response: Response): Promise<UploadError> {
  const text = await response.text().catch(() => '');
  const code = CODE_OF_STATUS[response.status] ?? (response.status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST');
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
    if (message) body = { detail: message };
  }
  const fields = fieldsOf(body);
  const message =
    typeof body.message === 'string'
      ? body.message
      : typeof body.detail === 'string'
        ? body.detail
        : Object.entries(fields)
            .map(([field, messages]) => `${field}: ${messages.join(' ')}`)
            .join(' ') || `The upload was refused (${response.status}).`;
  return new UploadError(code, message, fields, response.status);
}
