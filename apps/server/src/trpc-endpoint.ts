import { appRouter, describeError, type AppRouter, type Context } from '@careernexus/api';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** `/trpc` for TypeScript clients: tRPC's own protocol and error shape, superjson-encoded. */
export async function registerTrpcEndpoint(app: FastifyInstance, createContext: (request: FastifyRequest) => Context) {
  const options: FastifyTRPCPluginOptions<AppRouter> = {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: ({ req }) => createContext(req),
      // Rate limits tell clients when to come back on this face too.
      responseMeta: ({ errors }) => {
        const headers = Object.assign({}, ...errors.map((error) => describeError(error).headers)) as Record<string, string>;
        return Object.keys(headers).length ? { headers } : {};
      },
      onError: ({ error, req }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') req.log.error({ err: error.cause ?? error }, 'procedure failed');
      },
    },
  };
  await app.register(fastifyTRPCPlugin, options);
}
