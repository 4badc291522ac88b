import { bodyTooLarge, describeError, malformedJson, restErrorBody, serviceUnavailable, unsupportedMediaType } from '@careernexus/api';
import { isDatabaseUnreachable } from '@careernexus/db';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export { restErrorBody };

export function sendDetail(reply: FastifyReply, status: number, detail: string, headers: Record<string, string> = {}) {
  return reply.code(status).headers(headers).type('application/json; charset=utf-8').send(restErrorBody({ message: detail, body: { detail } }));
}

/** Errors raised by fastify itself (body parsing, limits), in the same shape as procedure errors. */
export function handleTransportError(raised: FastifyError | TRPCError, request: FastifyRequest, reply: FastifyReply) {
  // The database can fail a check made before any procedure ran (a multipart upload's sign-in).
  const error = isDatabaseUnreachable(raised) ? serviceUnavailable() : raised;
  // A procedure-level refusal raised before the procedure ran (authentication, a rejected upload).
  if (error instanceof TRPCError) {
    const described = describeError(error);
    if (error.code === 'INTERNAL_SERVER_ERROR') request.log.error({ err: error.cause ?? error }, 'request failed');
    if (error.code === 'UNAUTHORIZED') reply.header('WWW-Authenticate', 'Bearer realm="api"');
    return reply.code(getHTTPStatusCodeFromError(error)).headers(described.headers).send(restErrorBody(described));
  }
  const status = error.statusCode ?? 500;
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed');
    return sendDetail(reply, 500, 'A server error occurred.');
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return handleTransportError(malformedJson(), request, reply);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
      return handleTransportError(bodyTooLarge(), request, reply);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return handleTransportError(unsupportedMediaType(request.headers['content-type'] ?? ''), request, reply);
    default:
      return sendDetail(reply, status, error.message);
  }
}
