import { TRPCClientError } from '@trpc/client';

/** What a UI shows for a failed call. */
export interface ClientErrorInfo {
  /**
   * tRPC's code (`BAD_REQUEST`, `UNAUTHORIZED`, `FORBIDDEN`, `NOT_FOUND`, `PAYLOAD_TOO_LARGE`,
   * `TOO_MANY_REQUESTS`, …), or `NETWORK_ERROR` when the server could not be reached, or `UNKNOWN`.
   */
  code: string;
  /** One readable sentence. */
  message: string;
  /** Per-field messages when the input was refused: `{ email: ['Enter a valid email address.'] }`. */
  fields: Record<string, string[]>;
  /** The HTTP status the server answered with, when it answered. */
  status?: number;
}

/** A failed media upload: the same shape as {@link describeClientError} gives. */
export class UploadError extends Error implements ClientErrorInfo {
  override name = 'UploadError';
  constructor(
    readonly code: string,
    message: string,
    readonly fields: Record<string, string[]> = {},
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The server's error body (`{"email": ["…"]}`, `{"detail": "…"}`) as per-field messages. */
export function fieldsOf(body: unknown): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  if (body && typeof body === 'object') {
    for (const [key, value] of Object.entries(body)) {
      if (Array.isArray(value)) fields[key] = value.map(String);
    }
  }
  return fields;
}

/** What a UI shows for any error thrown by the client, an upload or a subscription. */
export function describeClientError(error: unknown): ClientErrorInfo {
  if (error instanceof UploadError) {
    return { code: error.code, message: error.message, fields: error.fields, ...(error.status ? { status: error.status } : {}) };
  }
  if (!(error instanceof TRPCClientError)) {
    return { code: 'UNKNOWN', message: error instanceof Error ? error.message : String(error), fields: {} };
  }
  const data = error.data as { code?: string; httpStatus?: number; body?: unknown } | undefined;
  // No error shape: the request never got an answer from the server (offline, refused, socket lost).
  if (!data?.code) return { code: 'NETWORK_ERROR', message: 'The server could not be reached.', fields: {} };
  return {
    code: data.code,
    message: error.message,
    fields: fieldsOf(data.body),
    ...(data.httpStatus ? { status: data.httpStatus } : {}),
  };
}
