import { isDatabaseUnreachable } from '@careernexus/db';
import { initTRPC } from '@trpc/server';
import superjson from 'superjson';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { authenticate } from './auth/sessions.js';
import type { Context } from './context.js';
import type { MediaKinds } from './media/formats.js';
import { apiError, describeError, notAdministrator, serviceUnavailable, tooManyRequests, type ErrorBody } from './errors.js';
import { fieldWithNullCharacter, NULL_CHARACTERS } from './validation.js';

export type SuccessStatus = 200 | 201 | 202 | 204 | 206;

/**
 * `openapi` places a procedure on REST; `successStatus` is what REST answers when it succeeds;
 * `uploads` names the fields a multipart REST body may carry as files, and what kind each is;
 * `errorExamples` are REST error bodies the procedure answers, by status, shown in the document.
 */
export type Meta = OpenApiMeta<{
  successStatus?: SuccessStatus;
  uploads?: Record<string, MediaKinds>;
  /** A DELETE whose fields are secrets (a password): documented as a body, which the REST bridge accepts for any DELETE. */
  deleteBody?: boolean;
  errorExamples?: Record<number, ErrorBody[]>;
}>;

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer: superjson,
    // Never send stack traces, whatever NODE_ENV says.
    isDev: false,
    errorFormatter({ shape, error }) {
      const { message, body } = describeError(error);
      // Left out, not set to undefined: superjson would still send the key, as null plus a note.
      const { stack: _stack, ...data } = shape.data;
      return { ...shape, message, data: { ...data, body } };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** SQLSTATE query_canceled: here, a statement past DATABASE_STATEMENT_TIMEOUT_MS. */
const STATEMENT_TIMEOUT = '57014';

function refuseUnreachableDatabase(ctx: Context, cause: unknown) {
  if (!isDatabaseUnreachable(cause)) return;
  if ((cause as { code?: unknown } | undefined)?.code === STATEMENT_TIMEOUT) ctx.services.metrics.statementTimeouts.inc();
  ctx.services.log.warn({ reason: (cause as Error | undefined)?.message }, 'database unreachable or too slow');
  throw serviceUnavailable();
}

/** Input with a NUL character would fail deep inside a write: refused up front, naming the field, on REST and /trpc. */
async function refuseNullCharacters(getRawInput: () => Promise<unknown>) {
  const field = fieldWithNullCharacter(await getRawInput());
  if (field) throw apiError('BAD_REQUEST', `${field}: ${NULL_CHARACTERS}`, { [field]: [NULL_CHARACTERS] });
}

/**
 * Runs the rest of a call; a database it could not reach (in the guard or in the procedure) is
 * a 503 the client may retry, not a 500.
 */
async function mappingUnreachableDatabase<R extends { ok: true } | { ok: false; error: { cause?: unknown } }>(
  ctx: Context,
  run: () => Promise<R>,
) {
  let result: R;
  try {
    result = await run();
  } catch (error) {
    refuseUnreachableDatabase(ctx, error);
    throw error;
  }
  if (!result.ok) refuseUnreachableDatabase(ctx, result.error.cause);
  return result;
}

// One middleware per kind of procedure rather than one per concern: tRPC copies the call's
// options at every middleware, which was a visible part of a cheap request's cost.
export const publicProcedure = t.procedure.use(({ ctx, getRawInput, next }) =>
  mappingUnreachableDatabase(ctx, async () => {
    await refuseNullCharacters(getRawInput);
    return next();
  }),
);

// Authentication first: a caller without a valid token hears 401 whatever the input holds.
export const authedProcedure = t.procedure.use(({ ctx, type, getRawInput, next }) =>
  mappingUnreachableDatabase(ctx, async () => {
    const viewer = await authenticate(ctx.services, ctx.authorization);
    await refuseNullCharacters(getRawInput);
    const result = await next({ ctx: { viewer } });
    // Read-your-writes, for every write in one place: this person's lag-tolerant reads now wait for the replica to have it.
    if (type === 'mutation') await ctx.services.reads.wrote(viewer.id);
    return result;
  }),
);

export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (!ctx.viewer.isAdmin) throw notAdministrator();
  return next();
});

/** Refuses a client IP that called `bucket` more than AUTH_RATE_LIMIT times this minute. */
export const limitPerIp = (bucket: string) =>
  t.middleware(async ({ ctx, next }) => {
    const verdict = await ctx.services.limiter.hit(`${bucket}:ip:${ctx.ip}`, ctx.services.config.AUTH_RATE_LIMIT, 60);
    if (!verdict.allowed) throw tooManyRequests(verdict.retryAfterSeconds);
    return next();
  });
