export { appRouter, type AppRouter } from './router.js';
export { createCallerFactory, type Meta, type SuccessStatus } from './trpc.js';
export type { Context, Services } from './context.js';
export { loadConfig, ConfigError, type Config } from './config.js';
export { createServices } from './services.js';
export { buildOpenApiDocument, restRoutes, successStatusOf } from './openapi.js';
export { describeError, detailError, type ClientError, type ErrorBody } from './errors.js';
export type { Mailer, MailMessage } from './platform/mailer.js';
