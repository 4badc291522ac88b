export { appRouter, type AppRouter } from './router.js';
export { createCallerFactory, type Meta, type SuccessStatus } from './trpc.js';
export type { Context, Services } from './context.js';
export { loadConfig, ConfigError, type Config } from './config.js';
export { createServices } from './services.js';
export { buildOpenApiDocument, restRoutes, routeKey, successStatusOf } from './openapi.js';
export { authenticate } from './auth/sessions.js';
export { readGrant, storeUpload } from './media/service.js';
export { mimeOfExtension, type MediaKind } from './media/formats.js';
export { localMediaRoot } from './services.js';
export { openLocalMedia } from './platform/storage.js';
export {
  bodyTooLarge,
  describeError,
  detailError,
  malformedJson,
  notAnObject,
  restErrorBody,
  serviceUnavailable,
  UNAVAILABLE_RETRY_AFTER_SECONDS,
  unsupportedMediaType,
  type ClientError,
  type ErrorBody,
} from './errors.js';
export type { Mailer, MailMessage } from './platform/mailer.js';
export { feedQuery } from './posts/feed.js';
export { post, UnbalancedLedgerError } from './vault/ledger.js';
export { NOTIFICATION_TYPES } from './notifications/router.js';
export { markShown, sendMessage } from './chat/service.js';
export { startWeeklyDigests } from './settings/digest.js';
export { startUnreadMessageMails } from './settings/notices.js';
export { startNewsletterCourier } from './content/delivery.js';
export { fakeCheckout, payFake, paymentReturn, receiveWebhook, stripeReturn } from './payments/service.js';
export type { UserEvent, EventBus } from './platform/events.js';
export { publishRevocation } from './platform/events.js';
export { registerPoolMetrics } from './platform/metrics.js';
