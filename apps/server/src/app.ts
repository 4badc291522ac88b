import { UNAVAILABLE_RETRY_AFTER_SECONDS, type Context, type Services } from '@careernexus/api';
import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { registerBodyDepthLimit } from './body-depth.js';
import { registerDocs } from './docs.js';
import { handleTransportError, sendDetail } from './errors.js';
import { registerUrlencodedParser } from './forms.js';
import { registerMediaRoutes } from './media-routes.js';
import { registerPaymentRoutes } from './payment-routes.js';
import { restBridge } from './rest-bridge.js';
import { registerStaticFiles } from './static-files.js';
import { registerTrpcEndpoint } from './trpc-endpoint.js';
import { registerWebSockets } from './websockets.js';

export interface AppOptions {
  services: Services;
  /** Checks the database for `/healthz`. */
  ping: () => Promise<void>;
}

/** The whole HTTP face of the API: REST bridge, /trpc, docs and health, one fastify instance. */
export async function buildApp({ services, ping }: AppOptions): Promise<FastifyInstance> {
  const { config } = services;
  // Seen by fastify as its base logger type, so the instance is the plain FastifyInstance.
  const loggerInstance: FastifyBaseLogger = services.log;
  const app = Fastify({
    loggerInstance,
    bodyLimit: config.BODY_LIMIT,
    trustProxy: config.TRUST_PROXY,
    // Upload tokens in paths run to ~200 characters.
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 512 },
    // Request ids only tie log lines together; never trust a client-sent one.
    genReqId: () => crypto.randomUUID(),
  });

  const createContext = (request: FastifyRequest): Context => ({
    services,
    ip: request.ip,
    authorization: request.headers.authorization,
    url: `${request.protocol}://${request.host}${request.url}`,
  });

  app.setErrorHandler(handleTransportError);
  app.setNotFoundHandler((_request, reply) => sendDetail(reply, 404, 'Not found.'));
  // Served over TLS (by a proxy in front) exactly when the public URL says so: only then is HSTS meant.
  const hsts = config.PUBLIC_URL.startsWith('https://');
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'no-referrer');
    // JSON and stored media need no script, style or frame; /docs sets its own policy.
    if (!reply.hasHeader('Content-Security-Policy')) reply.header('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    if (hsts) reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    return payload;
  });

  await app.register(cors, {
    // An allow-list when configured; otherwise any origin is echoed (compat C6).
    origin: config.CORS_ORIGINS.length ? config.CORS_ORIGINS : true,
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['authorization', 'content-type', 'x-temp-token', 'trpc-accept'],
    exposedHeaders: ['Retry-After'],
    maxAge: 600,
  });
  // Plain text is no body any procedure takes: 415 rather than a confusing validation error.
  app.removeContentTypeParser('text/plain');
  registerUrlencodedParser(app);
  registerBodyDepthLimit(app);
  // File parts are limited per kind while they stream; this is only the outer bound.
  const largestFile = Math.max(config.MAX_IMAGE_BYTES, config.MAX_VIDEO_BYTES, config.MAX_DOCUMENT_BYTES) + 1;
  await app.register(multipart, { limits: { fieldSize: config.BODY_LIMIT, fields: 100, files: 10, fileSize: largestFile } });

  app.get('/healthz', async (_request, reply) => {
    try {
      await ping();
      return { status: 'ok', database: 'ok' };
    } catch {
      const detail = 'The database cannot be reached.';
      return reply
        .code(503)
        .header('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS))
        .send({ status: 'unavailable', database: 'unreachable', detail, message: detail });
    }
  });
  await registerDocs(app, config.PUBLIC_URL);
  registerStaticFiles(app);
  if (!config.S3_BUCKET) await registerMediaRoutes(app, services);
  await registerPaymentRoutes(app, services);
  await registerTrpcEndpoint(app, createContext);
  await app.register(restBridge, { services, createContext });
  registerWebSockets(app, services);
  return app;
}
