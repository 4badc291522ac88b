import type { Database, Kysely } from '@careernexus/db';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Viewer } from './auth/sessions.js';
import type { EventBus } from './platform/events.js';
import type { Mailer } from './platform/mailer.js';
import type { RateLimiter } from './platform/rate-limiter.js';
import type { Signal } from './platform/signal.js';
import type { ExpiringMap } from './platform/memo.js';
import type { MediaStorage } from './platform/storage.js';
import type { Metrics } from './platform/metrics.js';
import type { PaymentProviders } from './payments/provider.js';
import type { ReadRouting } from './platform/reads.js';
import type { VideoRooms } from './platform/video-rooms.js';
import type { Identity } from './platform/identity.js';
import type { Timers } from './platform/timers.js';
import type { FeedTally } from './posts/feed.js';

/** Everything a procedure may reach outside itself; built once per process. */
export interface Services {
  /** The primary: writes, transactions, a person's own data, auth. */
  db: Kysely<Database>;
  /** Where reads that tolerate a little lag go: a replica, when configured (platform/reads.ts). */
  reads: ReadRouting;
  config: Config;
  mailer: Mailer;
  limiter: RateLimiter;
  storage: MediaStorage;
  events: EventBus;
  /** Payment providers by name; missing ones are not configured (payments/service.ts). */
  payments: PaymentProviders;
  /** Tokens for mentorship-session video rooms. */
  videoRooms: VideoRooms;
  /** Google sign-in; undefined when GOOGLE_* are not set (its routes answer 503). */
  google: Identity | undefined;
  log: Logger;
  /** Prometheus counters and gauges, served at /metrics. */
  metrics: Metrics;
  /** HMAC key for tokens and code digests. */
  secretKey: Uint8Array;
  now: () => Date;
  /** Delayed and scheduled work of this process (settings' e-mails), stopped with it. */
  timers: Timers;
  /** Rung when newsletter mail is queued, so this process's courier starts at once (content/delivery.ts). */
  newsletterQueued: Signal;
  /** Per-process memory of derived values (see each one's owner). */
  memo: {
    /** By access token (auth/sessions.ts). */
    viewers: ExpiringMap<string, Viewer>;
    /** By reader and feed (posts/feed.ts). */
    feedTallies: ExpiringMap<string, FeedTally>;
  };
}

/** What a transport knows about one request. */
export interface Context {
  services: Services;
  /** The client's address, for rate limits. */
  ip: string;
  /** The raw `Authorization` header, checked only by procedures that need a user. */
  authorization: string | undefined;
  /** The absolute URL of the request as the client sent it, for pagination links. */
  url: string;
}
