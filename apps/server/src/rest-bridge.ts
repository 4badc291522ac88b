import {
  appRouter,
  authenticate,
  describeError,
  notAnObject,
  restRoutes,
  routeKey,
  storeUpload,
  successStatusOf,
  type Context,
  type Services,
} from '@careernexus/api';
import type { TRPCError } from '@trpc/server';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { fastifyTRPCOpenApiPlugin } from 'trpc-to-openapi';
import { restErrorBody } from './errors.js';
import { nameOperation } from './metrics.js';
import { readMultipartForm } from './forms.js';

interface RestBridgeOptions {
  services: Services;
  createContext: (request: FastifyRequest) => Context;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Serves every procedure that has `meta.openapi` at its documented REST path, and speaks the
 * original service's dialect at this edge only: form bodies and file parts, success statuses,
 * DRF error bodies, 404/405 for unknown routes.
 */
export const restBridge: FastifyPluginAsync<RestBridgeOptions> = async (app: FastifyInstance, { services, createContext }) => {
  const failures = new WeakMap<object, TRPCError>();
  const storedFiles = new WeakMap<object, string[]>();
  const routes = restRoutes();
  const pathOf = (request: FastifyRequest) => routeKey(request.url.split('?', 1)[0] ?? request.url);

  // The bridge reads an already-parsed body as JSON: hand it every accepted body that way.
  app.addHook('preHandler', async (request, reply) => {
    // The bridge reads a DELETE's input from the query alone; a confirming password belongs in a
    // body, out of URLs and access logs. A JSON or form body's fields join the query's, and win.
    if (request.method === 'DELETE' && request.body && typeof request.body === 'object' && !Array.isArray(request.body)) {
      request.query = { ...(request.query as Record<string, unknown>), ...(request.body as Record<string, unknown>) };
      return;
    }
    if (!BODY_METHODS.has(request.method)) return;
    if (request.isMultipart()) {
      // Refused before the body was read to its end: the rest of it must not be taken for the next request.
      reply.header('Connection', 'close');
      const meta = routes.get(pathOf(request))?.get(request.method);
      const uploads = meta?.uploads ?? {};
      // Nothing is stored for someone who may not call the procedure.
      if (Object.keys(uploads).length && meta?.openapi?.protect) await authenticate(services, request.headers.authorization);
      request.body = await readMultipartForm(request, async (field, file) => {
        const kind = uploads[field];
        if (!kind) return undefined;
        const stored = await storeUpload(services, field, kind, file as Readable);
        storedFiles.set(request, [...(storedFiles.get(request) ?? []), stored.key]);
        return stored.url;
      });
    }
    if (request.isMultipart()) reply.removeHeader('Connection');
    if (request.body === undefined || request.body === null) request.body = {};
    // Every REST body is an object of fields: a list or a bare value is refused as DRF does,
    // rather than read as no fields at all.
    if (typeof request.body !== 'object' || Array.isArray(request.body)) throw notAnObject(request.body);
    // The bridge reads a body request's input from the body alone; clients also name the object
    // in the query (`PUT /info/?title=tos`). The body wins where both give a value.
    const query = request.query as Record<string, unknown>;
    if (Object.keys(query).length) {
      request.body = { ...query, ...(request.body as Record<string, unknown>) };
    }
    request.raw.headers['content-type'] = 'application/json';
  });

  app.addHook('onSend', async (request, reply, payload) => {
    // Files stored for a request that then failed are removed before it is answered.
    const keys = storedFiles.get(request);
    if (keys && reply.statusCode >= 400) await Promise.all(keys.map((key) => services.storage.delete(key).catch(() => {})));

    const error = failures.get(request);
    if (!error) return payload;
    if (error.code === 'NOT_FOUND' && error.message === 'Not found' && !error.cause) {
      const methods = routes.get(pathOf(request));
      if (methods && !methods.has(request.method)) {
        reply.code(405).header('Allow', [...methods.keys()].join(', '));
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
    createContext: ({ req }: { req: unknown }) => createContext(req as FastifyRequest),
    responseMeta: ({ paths, errors, ctx }: { paths?: readonly string[]; errors: readonly unknown[]; ctx?: unknown }) => {
      nameOperation(ctx, paths);
      return errors.length === 0 && paths?.[0] ? { status: successStatusOf(paths[0]) } : {};
    },
    onError: ({ error, req }: { error: TRPCError; req: unknown }) => {
      failures.set(req as object, error);
      if (error.code === 'INTERNAL_SERVER_ERROR') (req as FastifyRequest).log.error({ err: error.cause ?? error }, 'procedure failed');
    },
  } as never);
};
