import { bodyTooLarge, describeError, malformedJson, restErrorBody, serviceUnavailable, unsupportedMediaType } from '@careernexus/api';
import { isDatabaseUnreachable } from '@careernexus/db';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export { restErrorBody };

export function sendDetail(reply: FastifyReply, status: number, detail: string, headers: Record<string, string> = {}) {
  return reply
    .code(status)
    .headers(headers)
    .type('application/json; charset=utf-8')
    .send(restErrorBody({ message: detail, body: { detail } }));
}

/**
 * What a request refused before any procedure ran means, as the API's error: fastify's own
 * refusals (a body that is not JSON, too large, of an unknown type), a refusal raised by a check
 * (authentication, a rejected upload), an unreachable database. Undefined for anything else.
 */
export function refusalOf(raised: FastifyError | TRPCError, request: FastifyRequest): TRPCError | undefined {
  // The database can fail a check made before any procedure ran (a multipart upload's sign-in).
  if (isDatabaseUnreachable(raised)) return serviceUnavailable();
  if (raised instanceof TRPCError) return raised;
  switch (raised.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return malformedJson();
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
      return bodyTooLarge();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType(request.headers['content-type'] ?? '');
    default:
      return undefined;
  }
}

/** Errors raised before a REST procedure ran, in the same shape as procedure errors. */
export function handleTransportError(raised: FastifyError | TRPCError, request: FastifyRequest, reply: FastifyReply) {
  const error = refusalOf(raised, request);
  if (error) {
    const described = describeError(error);
    if (error.code === 'INTERNAL_SERVER_ERROR') request.log.error({ err: error.cause ?? error }, 'request failed');
    if (error.code === 'UNAUTHORIZED') reply.header('WWW-Authenticate', 'Bearer realm="api"');
    return reply.code(getHTTPStatusCodeFromError(error)).headers(described.headers).send(restErrorBody(described));
  }
  const status = (raised as FastifyError).statusCode ?? 500;
  if (status >= 500) {
    request.log.error({ err: raised }, 'request failed');
    return sendDetail(reply, 500, 'A server error occurred.');
  }
  return sendDetail(reply, status, raised.message);
}
