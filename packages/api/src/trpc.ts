import { isDatabaseUnreachable } from '@careernexus/db';
import { initTRPC } from '@trpc/server';
import superjson from 'superjson';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { authenticate } from './auth/sessions.js';
import type { Context } from './context.js';
import type { MediaKind } from './media/formats.js';
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
  uploads?: Record<string, MediaKind>;
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
      return { ...shape, message, data: { ...shape.data, stack: undefined, body } };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Whatever a procedure was doing, a database it cannot reach is a 503 the client may retry, not a 500. */
const unreachableDatabaseIs503 = t.middleware(async ({ ctx, next }) => {
  const result = await next();
  if (!result.ok && isDatabaseUnreachable(result.error.cause)) {
    ctx.services.log.warn({ reason: result.error.cause?.message }, 'database unreachable');
    throw serviceUnavailable();
  }
  return result;
});

/** Input with a NUL character would fail deep inside a write: refused up front, naming the field, on REST and /trpc. */
const refuseNullCharacters = t.middleware(async ({ getRawInput, next }) => {
  const field = fieldWithNullCharacter(await getRawInput());
  if (field) throw apiError('BAD_REQUEST', `${field}: ${NULL_CHARACTERS}`, { [field]: [NULL_CHARACTERS] });
  return next();
});

export const publicProcedure = t.procedure.use(unreachableDatabaseIs503).use(refuseNullCharacters);

// Authentication first: a caller without a valid token hears 401 whatever the input holds.
export const authedProcedure = t.procedure
  .use(unreachableDatabaseIs503)
  .use(async ({ ctx, next }) => {
    const viewer = await authenticate(ctx.services, ctx.authorization);
    return next({ ctx: { ...ctx, viewer } });
  })
  .use(refuseNullCharacters);

export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (!ctx.viewer.isAdmin) throw notAdministrator();
  return next();
});

/** Refuses a client IP that called `bucket` more than AUTH_RATE_LIMIT times this minute. */
export const limitPerIp = (bucket: string) =>
  t.middleware(({ ctx, next }) => {
    const verdict = ctx.services.limiter.hit(`${bucket}:ip:${ctx.ip}`, ctx.services.config.AUTH_RATE_LIMIT, 60);
    if (!verdict.allowed) throw tooManyRequests(verdict.retryAfterSeconds);
    return next();
  });
