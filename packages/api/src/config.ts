import { availableParallelism } from 'node:os';
import { z } from 'zod';

/** "90", "90s", "15m", "6h", "1d" → seconds. */
function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+)\s*(s|m|h|d)?\s*$/i.exec(text);
  if (!match) return undefined;
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? 's').toLowerCase() as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const seconds = parseDuration(text);
      if (seconds === undefined || seconds <= 0) {
        ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration such as 300, 90s, 15m, 6h or 1d` });
        return z.NEVER;
      }
      return seconds;
    });

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

const list = z
  .string()
  .default('')
  .transform((text) =>
    text
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(8000),
    HOST: z.string().default('127.0.0.1'),
    PUBLIC_URL: z.url().optional(),
    DATA_DIR: z.string().default('./.data'),
    DATABASE_URL: optionalText,
    /** A streaming replica of DATABASE_URL for reads that tolerate a little lag (platform/reads.ts). */
    DATABASE_READ_URL: optionalText,
    // About two connections per core: the usual rule for PostgreSQL, which runs one process per
    // connection. More only queue inside the database and switch contexts: on this project's 2-core
    // bench machine, 4 served the feed 20-30 % faster than 10, with less database CPU per request.
    DATABASE_POOL_SIZE: positiveInt(Math.max(4, 2 * availableParallelism())),
    /** A statement running longer is cancelled and its request answered 503; 0 never cancels. Not for migrations. */
    DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
    SMTP_URL: optionalText,
    MAIL_FROM: z.string().default('Career Nexus <no-reply@career-nexus.com>'),
    REDIS_URL: optionalText,
    /** Prefix of the event bus's Redis channels, to share one Redis between deployments. */
    REDIS_PREFIX: z
      .string()
      .regex(/^[\w.-]+$/)
      .default('careernexus'),
    S3_BUCKET: optionalText,
    S3_ENDPOINT: optionalText,
    S3_REGION: z.string().default('us-east-1'),
    S3_PUBLIC_URL: optionalText,
    AWS_ACCESS_KEY_ID: optionalText,
    AWS_SECRET_ACCESS_KEY: optionalText,
    MAX_IMAGE_BYTES: positiveInt(10 * 1_048_576),
    MAX_VIDEO_BYTES: positiveInt(100 * 1_048_576),
    /** Résumés (PDF). */
    MAX_DOCUMENT_BYTES: positiveInt(5 * 1_048_576),
    /** Shown while a profile has no photo of its own; unset, filled in by loadConfig with this server's own image. */
    DEFAULT_PROFILE_PHOTO_URL: z.url().optional(),
    DEFAULT_COVER_PHOTO_URL: z.url().optional(),
    JWT_SECRET: optionalText.refine((secret) => secret === undefined || secret.length >= 32, {
      message: 'must be at least 32 characters',
    }),
    ACCESS_TOKEN_TTL: duration('6h'),
    REFRESH_TOKEN_TTL: duration('1d'),
    OTP_TTL: duration('5m'),
    /** Seconds a process reuses an access token's account before reading it again (0: every request). */
    AUTH_MEMO_SECONDS: z.coerce.number().int().min(0).max(60).default(2),
    OTP_MAX_ATTEMPTS: positiveInt(5),
    /** Requests per minute per client IP on each sign-up, sign-in, reset and link endpoint. */
    AUTH_RATE_LIMIT: positiveInt(60),
    /** Wrong passwords per e-mail per 15 minutes before sign-in is refused for that e-mail. */
    SIGNIN_FAILURES_PER_EMAIL: positiveInt(10),
    /** Reset codes checked without an e-mail, per minute across all clients. */
    RESET_CODE_GUESSES_PER_MINUTE: positiveInt(120),
    CORS_ORIGINS: list,
    ADMIN_EMAILS: list.transform((emails) => emails.map((email) => email.toLowerCase())),
    /** How long a chat message stays unread before its recipient (with `message_notify` on) is e-mailed about it. */
    MESSAGE_MAIL_DELAY: duration('2m'),
    /** How often each process looks for chat messages unseen for MESSAGE_MAIL_DELAY (each is mailed once whatever the processes). */
    MESSAGE_MAIL_INTERVAL: duration('30s'),
    /** How often each process looks for members due their weekly digest (each is sent one per week whatever the processes). */
    DIGEST_INTERVAL: duration('1h'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** `json` for machines; `pretty`, one short line per request, for people. Unset: pretty at a terminal outside production. */
    LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
    BODY_LIMIT: positiveInt(1_048_576),
    TRUST_PROXY: z
      .enum(['true', 'false', '1', '0'])
      .default('false')
      .transform((value) => value === 'true' || value === '1'),
    /** Server processes `pnpm start` runs on one port (`auto`: one per core). */
    WORKERS: z
      .union([z.literal('auto'), z.coerce.number().int().min(1).max(256)])
      .default(1)
      .transform((workers) => (workers === 'auto' ? availableParallelism() : workers)),
    /** Seconds a stopping process keeps serving (with /readyz 503) so load balancers take it out first. */
    DRAIN_DELAY_SECONDS: z.coerce.number().min(0).max(120).default(0),
    /** Bearer token `GET /metrics` requires; unset, /metrics is open (keep it off the public network). */
    METRICS_TOKEN: optionalText,
    /** Jitsi as a Service tenant (`vpaas-magic-cookie-…`), its API key id and RSA private key (PEM, or a file). */
    JITSI_APP_ID: optionalText,
    JITSI_KEY_ID: optionalText,
    // One-line environments carry the PEM's newlines as `\n`.
    JITSI_PRIVATE_KEY: optionalText.transform((pem) => pem?.replaceAll('\\n', '\n')),
    JITSI_PRIVATE_KEY_PATH: optionalText,
    /** Payment providers (payments/): each one is on when its secret key is set. */
    FLUTTERWAVE_SECRET_KEY: optionalText,
    FLUTTERWAVE_BASE_URL: z
      .url()
      .default('https://api.flutterwave.com/v3')
      .transform((url) => url.replace(/\/+$/, '')),
    /** The "secret hash" set in Flutterwave's dashboard, sent back in each webhook's `verif-hash` header. */
    FLUTTERWAVE_WEBHOOK_HASH: optionalText,
    STRIPE_SECRET_KEY: optionalText,
    STRIPE_BASE_URL: z
      .url()
      .default('https://api.stripe.com')
      .transform((url) => url.replace(/\/+$/, '')),
    /** The endpoint's signing secret (`whsec_…`), for `Stripe-Signature`. */
    STRIPE_WEBHOOK_SECRET: optionalText,
    /** Where a payer's browser is sent once a payment is settled or refused; unset, pages of this server. */
    PAYMENT_SUCCESS_URL: z.url().optional(),
    PAYMENT_FAILURE_URL: z.url().optional(),
    /** Google sign-in (auth/google.ts): the OAuth client and the redirect URIs the web client uses; all four or none. */
    GOOGLE_CLIENT_ID: optionalText,
    GOOGLE_CLIENT_SECRET: optionalText,
    GOOGLE_REDIRECT_URL_SIGNIN: z.url().optional(),
    GOOGLE_REDIRECT_URL_SIGNUP: z.url().optional(),
    /** The OpenID Connect issuer whose discovery document, keys and token endpoint are used (a stand-in in tests). */
    GOOGLE_ISSUER_URL: z
      .url()
      .default('https://accounts.google.com')
      .transform((url) => url.replace(/\/+$/, '')),
  })
  .superRefine(
    (config, ctx) => {
      // Video rooms are JaaS only when fully configured: a half-configured tenant is a mistake, not "off".
      const jitsi = {
        JITSI_APP_ID: config.JITSI_APP_ID,
        JITSI_KEY_ID: config.JITSI_KEY_ID,
        'JITSI_PRIVATE_KEY or JITSI_PRIVATE_KEY_PATH': config.JITSI_PRIVATE_KEY ?? config.JITSI_PRIVATE_KEY_PATH,
      };
      const missing = Object.entries(jitsi)
        .filter(([, value]) => value === undefined)
        .map(([name]) => name);
      if (missing.length && missing.length < 3) {
        ctx.addIssue({
          code: 'custom',
          path: ['JITSI_*'],
          message: `Jitsi as a Service is partly configured; also set ${missing.join(', ')} (or unset all JITSI_*)`,
        });
      }
      if (config.JITSI_PRIVATE_KEY && config.JITSI_PRIVATE_KEY_PATH) {
        ctx.addIssue({
          code: 'custom',
          path: ['JITSI_PRIVATE_KEY_PATH'],
          message: 'set JITSI_PRIVATE_KEY or JITSI_PRIVATE_KEY_PATH, not both',
        });
      }
      const google = {
        GOOGLE_CLIENT_ID: config.GOOGLE_CLIENT_ID,
        GOOGLE_CLIENT_SECRET: config.GOOGLE_CLIENT_SECRET,
        GOOGLE_REDIRECT_URL_SIGNIN: config.GOOGLE_REDIRECT_URL_SIGNIN,
        GOOGLE_REDIRECT_URL_SIGNUP: config.GOOGLE_REDIRECT_URL_SIGNUP,
      };
      const googleMissing = Object.entries(google)
        .filter(([, value]) => value === undefined)
        .map(([name]) => name);
      if (googleMissing.length && googleMissing.length < 4) {
        ctx.addIssue({
          code: 'custom',
          path: ['GOOGLE_*'],
          message: `Google sign-in is partly configured; also set ${googleMissing.join(', ')} (or unset all GOOGLE_*)`,
        });
      }
      // Several processes share what one process alone may keep to itself: the database and the events.
      if (config.WORKERS > 1 && !config.DATABASE_URL)
        ctx.addIssue({ code: 'custom', path: ['WORKERS'], message: 'more than one worker needs DATABASE_URL (PGlite serves one process)' });
      if (config.WORKERS > 1 && !config.REDIS_URL)
        ctx.addIssue({
          code: 'custom',
          path: ['WORKERS'],
          message: 'more than one worker needs REDIS_URL (events, rate limits and sign-outs are shared through it)',
        });
      // Also beside other fields' errors (it reads only whether JITSI_* and GOOGLE_* are set), so one message names every problem.
    },
    { when: () => true },
  );

export type Config = z.infer<typeof configSchema> & {
  PUBLIC_URL: string;
  DEFAULT_PROFILE_PHOTO_URL: string;
  DEFAULT_COVER_PHOTO_URL: string;
  PAYMENT_SUCCESS_URL: string;
  PAYMENT_FAILURE_URL: string;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Validates the environment once; every problem is named in one error. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
  }
  const config = result.data;
  if (config.NODE_ENV === 'production' && !config.JWT_SECRET) {
    throw new ConfigError('invalid configuration:\n  JWT_SECRET: must be set when NODE_ENV=production');
  }
  if (config.DATABASE_READ_URL && !config.DATABASE_URL) {
    throw new ConfigError('invalid configuration:\n  DATABASE_READ_URL: a replica of PostgreSQL; set DATABASE_URL to its primary');
  }
  const publicUrl = (config.PUBLIC_URL ?? `http://${displayHost(config.HOST)}:${config.PORT}`).replace(/\/+$/, '');
  return {
    ...config,
    PUBLIC_URL: publicUrl,
    // Served by apps/server (static-files.ts), so a fresh install sends browsers to no other host.
    DEFAULT_PROFILE_PHOTO_URL: config.DEFAULT_PROFILE_PHOTO_URL ?? `${publicUrl}/static/default-profile.png`,
    DEFAULT_COVER_PHOTO_URL: config.DEFAULT_COVER_PHOTO_URL ?? `${publicUrl}/static/default-cover.png`,
    // The web client's own routes have these names; this server answers them too (payment-routes.ts).
    PAYMENT_SUCCESS_URL: config.PAYMENT_SUCCESS_URL ?? `${publicUrl}/payment-success`,
    PAYMENT_FAILURE_URL: config.PAYMENT_FAILURE_URL ?? `${publicUrl}/payment-failed`,
  };
}

function displayHost(host: string) {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
