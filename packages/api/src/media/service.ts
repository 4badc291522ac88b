import { randomUUID } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from '@oslojs/encoding';
import { digest } from '../auth/tokens.js';
import type { Services } from '../context.js';
import { removeUnusedMedia } from './cleanup.js';
import { foreignUrl, tooLarge, unknownUploadUrl, uploadCutShort, wrongType } from './errors.js';
import { kindsOf, SNIFF_BYTES, sniffFormat, type MediaKind, type MediaKinds } from './formats.js';

function maxBytesOf(services: Services, kind: MediaKind) {
  return { image: services.config.MAX_IMAGE_BYTES, video: services.config.MAX_VIDEO_BYTES, document: services.config.MAX_DOCUMENT_BYTES }[
    kind
  ];
}

class TooLarge extends Error {}
/** The file's stream closed before its end: the request body was cut short. */
class UploadCutShort extends Error {}

/** The first `length` bytes (fewer if the stream ends sooner); the stream is left paused after them. */
function readHead(stream: Readable, length: number): Promise<{ head: Buffer; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (ended: boolean) => {
      stream.pause();
      stream.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      resolve({ head: Buffer.concat(chunks), ended });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= length) finish(false);
    };
    const onEnd = () => finish(true);
    const onError = (error: Error) => reject(error);
    // Closed with neither an end nor an error (a multipart body cut short): it would wait forever.
    // The parser may even have destroyed it before it was handed over, its events already gone.
    const onClose = () => reject(stream.errored ?? new UploadCutShort());
    if (stream.destroyed) return onClose();
    stream.on('data', onData).once('end', onEnd).once('error', onError).once('close', onClose);
  });
}

/**
 * Streams an upload to storage under a fresh key, after checking by its first bytes that it is
 * the expected kind, and stopping it at the size limit. Nothing is stored when either check fails.
 */
export async function storeUpload(services: Services, field: string, kinds: MediaKinds, stream: Readable, key?: string) {
  const { head, ended } = await readHead(stream, SNIFF_BYTES).catch((error: unknown) => {
    throw error instanceof UploadCutShort ? uploadCutShort(field) : error;
  });
  const format = sniffFormat(head);
  // A granted key names the format the client announced: the content must be that format.
  if (!format || !kindsOf(kinds).includes(format.kind) || (key !== undefined && !key.endsWith(`.${format.ext}`))) {
    stream.resume(); // drain what the client still sends
    throw wrongType(field, kinds);
  }
  // A field taking several kinds limits each file by the limit of the kind it is.
  const maxBytes = maxBytesOf(services, format.kind);
  let received = 0;
  const body = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      done(received > maxBytes ? new TooLarge() : null, chunk);
    },
  });
  // The storage may not be reading yet when the limit is hit; the error still reaches it through
  // the stream's errored state, so an early one must not count as unhandled.
  body.on('error', () => {});
  body.write(head);
  if (ended) body.end();
  else {
    stream.pipe(body);
    // pipe() passes on neither an error nor a close without an end: the write must fail, not hang.
    stream.once('error', (error) => body.destroy(error));
    stream.once('close', () => stream.readableEnded || body.destroy(new UploadCutShort()));
  }
  const objectKey = key ?? `${format.kind}s/${randomUUID()}.${format.ext}`;
  try {
    await services.storage.put(objectKey, body, format.mime);
  } catch (error) {
    stream.unpipe(body);
    stream.resume();
    if (error instanceof TooLarge || received > maxBytes) throw tooLarge(field, maxBytes);
    if (error instanceof UploadCutShort) throw uploadCutShort(field);
    throw error;
  }
  return { key: objectKey, url: services.storage.urlOf(objectKey) };
}

/**
 * Accepts a media URL sent in place of a file: it must be one of our stored objects, of the
 * expected kind and within the size limit (presigned uploads are checked here, after the fact).
 */
export async function checkStoredMedia(services: Services, field: string, kinds: MediaKinds, url: string): Promise<string> {
  const key = services.storage.keyOf(url);
  if (!key) throw foreignUrl(field);
  const head = await services.storage.head(key, SNIFF_BYTES);
  if (!head) throw unknownUploadUrl(field);
  const format = sniffFormat(head.bytes);
  const accepted = format !== undefined && kindsOf(kinds).includes(format.kind);
  const maxBytes = accepted ? maxBytesOf(services, format.kind) : 0;
  if (!accepted || head.size > maxBytes) {
    // A granted upload that is not what it claimed goes; a file some row names (sent for the
    // wrong field) stays.
    await removeUnusedMedia(services, [url]);
    throw accepted ? tooLarge(field, maxBytes) : wrongType(field, kinds);
  }
  return url;
}

const UPLOAD_TTL_SECONDS = 15 * 60;

export const UPLOAD_CONTENT_TYPES = {
  'image/jpeg': { kind: 'image', ext: 'jpg' },
  'image/png': { kind: 'image', ext: 'png' },
  'image/webp': { kind: 'image', ext: 'webp' },
  'image/gif': { kind: 'image', ext: 'gif' },
  'video/mp4': { kind: 'video', ext: 'mp4' },
  'video/webm': { kind: 'video', ext: 'webm' },
  'video/quicktime': { kind: 'video', ext: 'mov' },
  'application/pdf': { kind: 'document', ext: 'pdf' },
} as const satisfies Record<string, { kind: MediaKind; ext: string }>;

export type UploadContentType = keyof typeof UPLOAD_CONTENT_TYPES;

interface UploadGrant {
  key: string;
  kind: MediaKind;
  exp: number;
}

/** Where a TypeScript client may PUT a file itself: presigned S3, or this server's upload URL. */
export async function createUpload(services: Services, contentType: UploadContentType) {
  const { kind, ext } = UPLOAD_CONTENT_TYPES[contentType];
  const key = `${kind}s/${randomUUID()}.${ext}`;
  const exp = Math.floor(services.now().getTime() / 1000) + UPLOAD_TTL_SECONDS;
  const uploadUrl = services.storage.presignPut
    ? await services.storage.presignPut(key, contentType, UPLOAD_TTL_SECONDS)
    : `${services.config.PUBLIC_URL}/media/uploads/${signGrant(services, { key, kind, exp })}`;
  return {
    upload_url: uploadUrl,
    method: 'PUT' as const,
    headers: { 'content-type': contentType },
    url: services.storage.urlOf(key),
    max_bytes: maxBytesOf(services, kind),
    expires_at: new Date(exp * 1000),
  };
}

function signGrant(services: Services, grant: UploadGrant) {
  const payload = encodeBase64urlNoPadding(new TextEncoder().encode(JSON.stringify(grant)));
  return `${payload}.${digest(services.secretKey, 'upload', payload)}`;
}

/** The grant behind a local upload URL, or undefined when forged or expired. */
export function readGrant(services: Services, token: string): UploadGrant | undefined {
  const [payload, signature] = token.split('.');
  if (!payload || !signature || digest(services.secretKey, 'upload', payload) !== signature) return undefined;
  try {
    const grant = JSON.parse(new TextDecoder().decode(decodeBase64urlIgnorePadding(payload))) as UploadGrant;
    return grant.exp > services.now().getTime() / 1000 ? grant : undefined;
  } catch {
    return undefined;
  }
}
