import { join } from 'node:path';
import type { Database, Kysely, ReadReplica } from '@careernexus/db';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Services } from './context.js';
import { createLocalEventBus, createRedisEventBus } from './platform/events.js';
import { createMailer } from './platform/mailer.js';
import { countingRefusals, createMemoryRateLimiter, createRedisRateLimiter } from './platform/rate-limiter.js';
import { createMetrics } from './platform/metrics.js';
import { applyRevocation, type Viewer } from './auth/sessions.js';
import { loadSecretKey } from './platform/secret.js';
import { createSignal } from './platform/signal.js';
import { ExpiringMap } from './platform/memo.js';
import { primaryOnly, replicaReads } from './platform/reads.js';
import { createTimers } from './platform/timers.js';
import { localStorage, s3Storage, type MediaStorage } from './platform/storage.js';
import { developmentVideoRooms, jaasVideoRooms, type VideoRooms } from './platform/video-rooms.js';
import { oidcIdentity } from './platform/identity.js';
import { FEED_TALLY_SECONDS } from './posts/feed.js';
import { fakeProvider } from './payments/fake.js';
import { flutterwaveProvider } from './payments/flutterwave.js';
import type { PaymentProviders } from './payments/provider.js';
import { stripeProvider } from './payments/stripe.js';

/** Chooses each port's implementation from the configuration; `replica` is opened from DATABASE_READ_URL. */
export function createServices(config: Config, db: Kysely<Database>, log: Logger, replica?: ReadReplica): Services {
  // First: a bad key stops the start before any connection is opened.
  const videoRooms = createVideoRooms(config, log);
  const metrics = createMetrics();
  const events = config.REDIS_URL ? createRedisEventBus(config.REDIS_URL, config.REDIS_PREFIX, log, metrics) : createLocalEventBus(metrics);
  const viewers = new ExpiringMap<string, Viewer>(config.AUTH_MEMO_SECONDS * 1000, 20_000);
  events.onRevocation((revocation) => applyRevocation(viewers, revocation));
  return {
    db,
    reads: replica ? replicaReads(db, replica, { redisUrl: config.REDIS_URL, redisPrefix: config.REDIS_PREFIX, log }) : primaryOnly(db),
    config,
    log,
    videoRooms,
    metrics,
    mailer: createMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, outboxDir: join(config.DATA_DIR, 'outbox'), log, metrics }),
    limiter: countingRefusals(
      config.REDIS_URL
        ? createRedisRateLimiter(config.REDIS_URL, config.REDIS_PREFIX, log, () => metrics.rateLimitFallbacks.inc())
        : createMemoryRateLimiter(),
      (limit) => metrics.rateLimitRefusals.inc({ limit }),
    ),
    storage: createStorage(config),
    payments: createPaymentProviders(config, db, log),
    // config.ts refuses a partial setup: the client id stands for all four settings.
    google:
      config.GOOGLE_CLIENT_ID && config.GOOGLE_CLIENT_SECRET
        ? oidcIdentity({ issuer: config.GOOGLE_ISSUER_URL, clientId: config.GOOGLE_CLIENT_ID, clientSecret: config.GOOGLE_CLIENT_SECRET })
        : undefined,
    events,
    secretKey: loadSecretKey(config),
    now: () => new Date(),
    timers: createTimers(log),
    newsletterQueued: createSignal(),
    memo: {
      viewers,
      feedTallies: new ExpiringMap(FEED_TALLY_SECONDS * 1000, 100_000),
    },
  };
}

/** The folder local media is kept in; the server serves it at PUBLIC_URL/media. */
export const localMediaRoot = (config: Config) => join(config.DATA_DIR, 'media');

function createStorage(config: Config): MediaStorage {
  if (!config.S3_BUCKET) return localStorage(localMediaRoot(config), `${config.PUBLIC_URL}/media`);
  return s3Storage({
    bucket: config.S3_BUCKET,
    region: config.S3_REGION,
    endpoint: config.S3_ENDPOINT,
    publicUrl: config.S3_PUBLIC_URL,
    accessKeyId: config.AWS_ACCESS_KEY_ID,
    secretAccessKey: config.AWS_SECRET_ACCESS_KEY,
  });
}

/** JaaS when configured (config.ts refuses a partial setup), else unsigned development tokens. */
function createVideoRooms(config: Config, log: Logger): VideoRooms {
  if (config.JITSI_APP_ID && config.JITSI_KEY_ID) {
    return jaasVideoRooms({
      appId: config.JITSI_APP_ID,
      keyId: config.JITSI_KEY_ID,
      privateKey: config.JITSI_PRIVATE_KEY,
      privateKeyPath: config.JITSI_PRIVATE_KEY_PATH,
    });
  }
  // Video is not payment-critical: production still starts, but says its rooms cannot open.
  if (config.NODE_ENV === 'production')
    log.warn('JITSI_* not set: session video rooms get unsigned development tokens that no Jitsi server accepts');
  return developmentVideoRooms();
}

/**
 * Flutterwave and Stripe each when its secret key is set. With neither, outside production, the
 * built-in fake (a checkout page of this server); never beside a real one, so that a deployment
 * that takes real money has no free way to pay. A missing provider answers 503.
 */
function createPaymentProviders(config: Config, db: Kysely<Database>, log: Logger): PaymentProviders {
  const now = () => new Date();
  const fake = config.NODE_ENV !== 'production' && !config.FLUTTERWAVE_SECRET_KEY && !config.STRIPE_SECRET_KEY;
  if (fake)
    log.warn(
      'payments: no FLUTTERWAVE_SECRET_KEY or STRIPE_SECRET_KEY; the built-in fake checkout marks sessions paid without money (development only)',
    );
  return {
    flutterwave: config.FLUTTERWAVE_SECRET_KEY
      ? flutterwaveProvider({
          secretKey: config.FLUTTERWAVE_SECRET_KEY,
          baseUrl: config.FLUTTERWAVE_BASE_URL,
          webhookHash: config.FLUTTERWAVE_WEBHOOK_HASH,
        })
      : undefined,
    stripe: config.STRIPE_SECRET_KEY
      ? stripeProvider({
          secretKey: config.STRIPE_SECRET_KEY,
          baseUrl: config.STRIPE_BASE_URL,
          webhookSecret: config.STRIPE_WEBHOOK_SECRET,
          now,
        })
      : undefined,
    fake: fake ? fakeProvider(db, config.PUBLIC_URL) : undefined,
  };
}
