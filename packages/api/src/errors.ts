import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { z } from 'zod';

/**
 * The body a REST client receives, in the shape the original service used for this error
 * (compat C3): `{"email": ["…"]}`, `{"non_field_errors": ["…"]}`, `{"detail": "…"}`, …
 * The REST adapter adds `message`; /trpc clients find it under `data.body`.
 */
export type ErrorBody = Record<string, unknown>;

/** Carried as a TRPCError's cause: what to tell the client besides the status. */
class ApiErrorDetails extends Error {
  override name = 'ApiErrorDetails';
  constructor(
    message: string,
    readonly body: ErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function apiError(code: TRPC_ERROR_CODE_KEY, message: string, body: ErrorBody, headers?: Record<string, string>): TRPCError {
  return new TRPCError({ code, message, cause: new ApiErrorDetails(message, body, headers) });
}

/** 400 `{"<field>": ["<message>"]}`; the original also used it for named object-level checks. */
export const fieldError = (field: string, message: string) => apiError('BAD_REQUEST', message, { [field]: [message] });

/** 400 `{"non_field_errors": ["<message>"]}` */
export const nonFieldError = (message: string) => fieldError('non_field_errors', message);

/** 400 `{"<key>": "<message>"}`, the unwrapped form the original raised during saves. */
export const keyedError = (key: string, message: string) => apiError('BAD_REQUEST', message, { [key]: message });

/** 401/403/404/429 use DRF's `{"detail": "…"}`. */
export const detailError = (code: TRPC_ERROR_CODE_KEY, detail: string, extra: ErrorBody = {}, headers?: Record<string, string>) =>
  apiError(code, detail, { detail, ...extra }, headers);

export const notAuthenticated = () => detailError('UNAUTHORIZED', 'Authentication credentials were not provided.');

export const invalidToken = () => detailError('UNAUTHORIZED', 'Given token not valid for any token type', { code: 'token_not_valid' });

export const tooManyRequests = (retryAfterSeconds: number) =>
  detailError(
    'TOO_MANY_REQUESTS',
    `Request was throttled. Expected available in ${retryAfterSeconds} seconds.`,
    {},
    { 'Retry-After': String(retryAfterSeconds) },
  );

/** Seconds a client is asked to wait before retrying while the database cannot be reached. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** 503 while the database cannot be reached: nothing was done, and the same request may be retried. */
export const serviceUnavailable = () =>
  detailError(
    'SERVICE_UNAVAILABLE',
    'The service is temporarily unavailable. Please try again shortly.',
    {},
    { 'Retry-After': String(UNAVAILABLE_RETRY_AFTER_SECONDS) },
  );

/** Zod issues as DRF field errors: `{"field": ["msg", …], "non_field_errors": [...]}`. */
function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = issue.path.length ? String(issue.path[0]) : 'non_field_errors';
    (fields[field] ??= []).push(issue.message);
  }
  return fields;
}

/** One readable sentence for a set of field errors. */
function summarizeFieldErrors(fields: Record<string, string[]>): string {
  return Object.entries(fields)
    .map(([field, messages]) => (field === 'non_field_errors' ? messages.join(' ') : `${field}: ${messages.join(' ')}`))
    .join(' ');
}

/** What any error means for a client, whichever face it arrived through. */
export interface ClientError {
  message: string;
  body: ErrorBody;
  headers: Record<string, string>;
}

export function describeError(error: TRPCError): ClientError {
  const cause = error.cause;
  if (cause instanceof ApiErrorDetails) return { message: cause.message, body: cause.body, headers: cause.headers };
  if (cause instanceof z.ZodError) {
    const fields = fieldErrorsOf(cause);
    return { message: summarizeFieldErrors(fields), body: fields, headers: {} };
  }
  switch (error.code) {
    case 'INTERNAL_SERVER_ERROR':
      return { message: 'A server error occurred.', body: { detail: 'A server error occurred.' }, headers: {} };
    case 'PARSE_ERROR':
      return { message: 'Malformed request body.', body: { detail: 'Malformed request body.' }, headers: {} };
    default:
      return { message: error.message, body: { detail: error.message }, headers: {} };
  }
}

/** The body a REST client receives for an error: the original's keys plus `message`, always (compat C3). */
export function restErrorBody(error: Pick<ClientError, 'message' | 'body'>): ErrorBody {
  return { ...error.body, message: error.message };
}

/** DRF's refusal of a JSON body that is not an object, naming what it got as Python would. */
export const notAnObject = (value: unknown) => {
  const kind = Array.isArray(value)
    ? 'list'
    : typeof value === 'string'
      ? 'str'
      : typeof value === 'boolean'
        ? 'bool'
        : Number.isInteger(value)
          ? 'int'
          : 'float';
  return nonFieldError(`Invalid data. Expected a dictionary, but got ${kind}.`);
};

export const notAdministrator = () => detailError('FORBIDDEN', 'You do not have permission to perform this action.');

// Refusals of the HTTP layer itself, before any procedure runs; defined here so the document shows the same bodies.
export const malformedJson = () => detailError('BAD_REQUEST', 'JSON parse error: the request body is not valid JSON.');
export const bodyTooLarge = () => detailError('PAYLOAD_TOO_LARGE', 'Request body is too large.');
export const unsupportedMediaType = (contentType: string) =>
  detailError('UNSUPPORTED_MEDIA_TYPE', `Unsupported media type "${contentType}" in request.`);
