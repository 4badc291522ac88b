import { appRouter, describeError, type AppRouter, type Context } from '@careernexus/api';
import { TRPCError } from '@trpc/server';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { getErrorShape, transformTRPCResponse } from '@trpc/server/unstable-core-do-not-import';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { refusalOf } from './errors.js';
import { nameOperation } from './metrics.js';

/** `/trpc` for TypeScript clients: tRPC's own protocol and error shape, superjson-encoded. */
export async function registerTrpcEndpoint(app: FastifyInstance, createContext: (request: FastifyRequest) => Context) {
  const options: FastifyTRPCPluginOptions<AppRouter> = {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: ({ req }) => createContext(req),
      // Rate limits tell clients when to come back on this face too.
      responseMeta: ({ errors, paths, ctx }) => {
        nameOperation(ctx, paths);
        const headers = Object.assign({}, ...errors.map((error) => describeError(error).headers)) as Record<string, string>;
        return Object.keys(headers).length ? { headers } : {};
      },
      onError: ({ error, req }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') req.log.error({ err: error.cause ?? error }, 'procedure failed');
      },
    },
  };
  await app.register(async (scope) => {
    scope.setErrorHandler(handleTrpcTransportError);
    await scope.register(fastifyTRPCPlugin, options);
  });
}

/**
 * fastify refuses some requests before tRPC reads them (a body too large, or of a type other than
 * JSON). A tRPC client cannot read the REST error body, so these get tRPC's error shape too: one
 * error per procedure of a batch (their paths are only echoed, so they are not decoded).
 */
function handleTrpcTransportError(raised: FastifyError | TRPCError, request: FastifyRequest, reply: FastifyReply) {
  const status = (raised as FastifyError).statusCode ?? 500;
  const error =
    refusalOf(raised, request) ??
    (status >= 500
      ? new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: raised })
      : new TRPCError({ code: 'BAD_REQUEST', message: raised.message }));
  if (error.code === 'INTERNAL_SERVER_ERROR') request.log.error({ err: error.cause ?? error }, 'request failed');
  const config = appRouter._def._config;
  const { pathname, searchParams } = new URL(request.url, 'http://localhost');
  const paths = pathname.slice('/trpc/'.length).split(',');
  const errorOf = (path: string | undefined) => ({
    error: getErrorShape({ config, error, type: 'unknown', path, input: undefined, ctx: undefined }),
  });
  const body = searchParams.get('batch') === '1' ? paths.map(errorOf) : errorOf(paths[0]);
  return reply.code(getHTTPStatusCodeFromError(error)).headers(describeError(error).headers).send(transformTRPCResponse(config, body));
}
