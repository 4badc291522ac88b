import { appRouter, describeError, restRoutes, successStatusOf, type Context } from '@careernexus/api';
import type { TRPCError } from '@trpc/server';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { fastifyTRPCOpenApiPlugin } from 'trpc-to-openapi';
import { restErrorBody } from './errors.js';
import { readMultipartFields } from './forms.js';

interface RestBridgeOptions {
  createContext: (request: FastifyRequest) => Context;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Serves every procedure that has `meta.openapi` at its documented REST path, and speaks the
 * original service's dialect at this edge only: form bodies, success statuses, DRF error bodies,
 * 404/405 for unknown routes.
 */
export const restBridge: FastifyPluginAsync<RestBridgeOptions> = async (app: FastifyInstance, options) => {
  const failures = new WeakMap<object, TRPCError>();
  const routes = restRoutes();

  // The bridge reads an already-parsed body as JSON: hand it every accepted body that way.
  app.addHook('preHandler', async (request) => {
    if (!BODY_METHODS.has(request.method)) return;
    if (request.isMultipart()) request.body = await readMultipartFields(request);
    if (request.body === undefined || request.body === null) request.body = {};
    request.raw.headers['content-type'] = 'application/json';
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const error = failures.get(request);
    if (!error) return payload;
    const pathOnly = request.url.split('?')[0]!.replace(/\/+$/, '').toLowerCase();
    const methods = routes.get(pathOnly);
    if (error.code === 'NOT_FOUND' && error.message === 'Not found' && !error.cause) {
      if (methods && !methods.has(request.method)) {
        reply.code(405).header('Allow', [...methods].join(', '));
        const detail = `Method "${request.method}" not allowed.`;
        return JSON.stringify(restErrorBody({ message: detail, body: { detail } }));
      }
      return JSON.stringify(restErrorBody({ message: 'Not found.', body: { detail: 'Not found.' } }));
    }
    const described = describeError(error);
    reply.headers(described.headers);
    if (error.code === 'UNAUTHORIZED') reply.header('WWW-Authenticate', 'Bearer realm="api"');
    return JSON.stringify(restErrorBody(described));
  });

  await app.register(fastifyTRPCOpenApiPlugin, {
    router: appRouter,
    createContext: ({ req }: { req: unknown }) => options.createContext(req as FastifyRequest),
    responseMeta: ({ paths, errors }: { paths?: readonly string[]; errors: readonly unknown[] }) =>
      errors.length === 0 && paths?.[0] ? { status: successStatusOf(paths[0]) } : {},
    onError: ({ error, req }: { error: TRPCError; req: unknown }) => {
      failures.set(req as object, error);
      if (error.code === 'INTERNAL_SERVER_ERROR') (req as FastifyRequest).log.error({ err: error.cause ?? error }, 'procedure failed');
    },
  } as never);
};
