import { join } from 'node:path';
import type { Database, Kysely } from '@careernexus/db';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Services } from './context.js';
import { createLocalEventBus, createRedisEventBus } from './platform/events.js';
import { createMailer } from './platform/mailer.js';
import { createMemoryRateLimiter } from './platform/rate-limiter.js';
import { loadSecretKey } from './platform/secret.js';
import { ExpiringMap } from './platform/memo.js';
import { localStorage, s3Storage, type MediaStorage } from './platform/storage.js';
import { FEED_TALLY_SECONDS } from './posts/feed.js';

/** Chooses each port's implementation from the configuration. */
export function createServices(config: Config, db: Kysely<Database>, log: Logger): Services {
  return {
    db,
    config,
    log,
    mailer: createMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, outboxDir: join(config.DATA_DIR, 'outbox'), log }),
    limiter: createMemoryRateLimiter(),
    storage: createStorage(config),
    events: config.REDIS_URL ? createRedisEventBus(config.REDIS_URL, config.REDIS_PREFIX, log) : createLocalEventBus(),
    secretKey: loadSecretKey(config),
    now: () => new Date(),
    memo: {
      viewers: new ExpiringMap(config.AUTH_MEMO_SECONDS * 1000, 20_000),
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
