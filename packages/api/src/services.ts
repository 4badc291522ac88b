import { join } from 'node:path';
import type { Database, Kysely } from '@careernexus/db';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Services } from './context.js';
import { createMailer } from './platform/mailer.js';
import { createMemoryRateLimiter } from './platform/rate-limiter.js';
import { loadSecretKey } from './platform/secret.js';

/** Chooses each port's implementation from the configuration. */
export function createServices(config: Config, db: Kysely<Database>, log: Logger): Services {
  return {
    db,
    config,
    log,
    mailer: createMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, outboxDir: join(config.DATA_DIR, 'outbox'), log }),
    limiter: createMemoryRateLimiter(),
    secretKey: loadSecretKey(config),
    now: () => new Date(),
  };
}
