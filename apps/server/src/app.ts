import { UNAVAILABLE_RETRY_AFTER_SECONDS, type Context, type Services } from '@careernexus/api';
import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { registerBodyDepthLimit } from './body-depth.js';
import { registerDocs } from './docs.js';
import { handleTransportError, sendDetail } from './errors.js';
import { registerUrlencodedParser } from './forms.js';
import { registerMediaRoutes } from './media-routes.js';
import { contextFor, registerMetrics } from './metrics.js';
import { registerPaymentRoutes } from './payment-routes.js';
import { restBridge } from './rest-bridge.js';
import { registerStaticFiles } from './static-files.js';
import { registerTrpcEndpoint } from './trpc-endpoint.js';
import { registerWebSockets } from './websockets.js';

export interface AppOptions {
  services: Services;
  /** Checks the database for `/healthz` and `/readyz`. */
  ping: () => Promise<void>;
  /** True once the process is stopping: `/readyz` answers 503 so load balancers send work elsewhere. */
  draining?: () => boolean;
}

/** A client's or proxy's request id is kept when it is a plain token, so one id follows a request across hops. */
const SANE_REQUEST_ID = /^[\w.:@-]{1,128}$/;

/** The whole HTTP face of the API: REST bridge, /trpc, docs and health, one fastify instance. */
export async function buildApp({ services, ping, draining = () => false }: AppOptions): Promise<FastifyInstance> {
  const { config } = services;
  // Seen by fastify as its base logger type, so the instance is the plain FastifyInstance.
  const loggerInstance: FastifyBaseLogger = services.log;
  const app = Fastify({
    loggerInstance,
    bodyLimit: config.BODY_LIMIT,
    trustProxy: config.TRUST_PROXY,
    // A request that reaches a stopping process on a kept-alive connection is served (the database
    // is still open until in-flight work ends; its answer closes the connection), not answered 503:
    // a proxy would not send a 503 POST elsewhere.
    return503OnClosing: false,
    // Upload tokens in paths run to ~200 characters.
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 512 },
    // In every log line of the request (fastify's child logger) and answered as X-Request-Id. A
    // client-sent id only ties log lines together: it is never trusted for anything else.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : crypto.randomUUID();
    },
  });

  const createContext = (request: FastifyRequest): Context =>
    contextFor(request, {
      // What the procedures log carries this request's id, as fastify's own lines do. request.log
      // is a child of services.log (loggerInstance), so it is the pino Logger Services names.
      services: { ...services, log: request.log as Services['log'] },
      ip: request.ip,
      authorization: request.headers.authorization,
      url: `${request.protocol}://${request.host}${request.url}`,
    });

  app.setErrorHandler(handleTransportError);
  app.setNotFoundHandler((_request, reply) => sendDetail(reply, 404, 'Not found.'));
  // Served over TLS (by a proxy in front) exactly when the public URL says so: only then is HSTS meant.
  const hsts = config.PUBLIC_URL.startsWith('https://');
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('X-Request-Id', request.id);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'no-referrer');
    // JSON and stored media need no script, style or frame; /docs sets its own policy.
    if (!reply.hasHeader('Content-Security-Policy')) reply.header('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    if (hsts) reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    // Draining: each kept-alive connection ends with its next answer, so a proxy has none left when
    // the process stops accepting; its next request then finds the port closed and goes to another
    // process (POSTs too: nothing was sent), instead of a 503 on a closing connection.
    if (draining()) reply.header('Connection', 'close');
    return payload;
  });

  await app.register(cors, {
    // An allow-list when configured; otherwise any origin is echoed (compat C6).
    origin: config.CORS_ORIGINS.length ? config.CORS_ORIGINS : true,
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['authorization', 'content-type', 'x-temp-token', 'trpc-accept', 'x-request-id'],
    exposedHeaders: ['Retry-After', 'X-Request-Id'],
    maxAge: 600,
  });
  // Plain text is no body any procedure takes: 415 rather than a confusing validation error.
  app.removeContentTypeParser('text/plain');
  registerUrlencodedParser(app);
  registerBodyDepthLimit(app);
  // File parts are limited per kind while they stream; this is only the outer bound.
  const largestFile = Math.max(config.MAX_IMAGE_BYTES, config.MAX_VIDEO_BYTES, config.MAX_DOCUMENT_BYTES) + 1;
  await app.register(multipart, { limits: { fieldSize: config.BODY_LIMIT, fields: 100, files: 10, fileSize: largestFile } });

  const unavailable = (reply: FastifyReply, body: Record<string, string>) =>
    reply
      .code(503)
      .header('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS))
      .send({ ...body, message: body.detail });
  const checkDatabase = async (reply: FastifyReply) => {
    try {
      await ping();
      return { status: 'ok', database: 'ok' };
    } catch {
      return unavailable(reply, { status: 'unavailable', database: 'unreachable', detail: 'The database cannot be reached.' });
    }
  };
  // Liveness: the process answers and reaches its database.
  app.get('/healthz', (_request, reply) => checkDatabase(reply));
  // Readiness: the same, and 503 from the moment the process starts draining.
  app.get('/readyz', (_request, reply) =>
    draining() ? unavailable(reply, { status: 'draining', detail: 'This process is shutting down.' }) : checkDatabase(reply),
  );
  registerMetrics(app, services);
  await registerDocs(app, config.PUBLIC_URL);
  registerStaticFiles(app);
  if (!config.S3_BUCKET) await registerMediaRoutes(app, services);
  await registerPaymentRoutes(app, services);
  await registerTrpcEndpoint(app, createContext);
  await app.register(restBridge, { services, createContext });
  registerWebSockets(app, services);
  return app;
}
