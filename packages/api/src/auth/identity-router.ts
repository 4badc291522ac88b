import { tooManyRequests } from '../errors.js';
import { answers, rest } from '../rest.js';
import { authedProcedure, limitPerIp, publicProcedure, router } from '../trpc.js';
import { z } from '../validation.js';
import { deleteOwnAccount, mailDeletionCode } from './deletion.js';
import * as authErrors from './errors.js';
import { googleSignin, googleSignup } from './google.js';
import * as schemas from './schemas.js';

const TOO_MANY = { 429: answers('Too many attempts from this client; see Retry-After', tooManyRequests(42)) };

const GOOGLE_REFUSALS = [
  authErrors.googleCodeMissing(),
  authErrors.googleNoIdToken(),
  authErrors.googleInvalidToken(),
  authErrors.googleEmailUnverified(),
];
const GOOGLE_UNAVAILABLE = answers(
  'Google sign-in is not configured (the message names the settings), or Google cannot be reached',
  authErrors.googleNotConfigured(),
  authErrors.googleUnavailable(),
);
const GOOGLE_CHECKS =
  'The server exchanges the `code` at Google’s token endpoint and accepts the ID token only when its signature verifies against ' +
  'Google’s published keys and its issuer, audience (this client) and expiry hold, and only for an e-mail Google has verified.';

/** Google sign-in, and deleting one's own account. */
export const identityRouter = router({
  googleSignup: publicProcedure
    .meta(
      rest({
        method: 'POST',
        path: '/user/google/signup/',
        tag: 'auth',
        summary: 'Sign up with Google',
        description:
          `${GOOGLE_CHECKS} Creates an account without a password (a password reset can give it one) named from Google’s given ` +
          'and family names, remembers the Google account, and signs in. An e-mail or Google account already registered is refused: ' +
          'sign in instead (a password account with the same e-mail may).',
        errors: {
          400: answers(
            'No code, a refused code or ID token, an unverified e-mail, or an account already registered',
            ...GOOGLE_REFUSALS,
            authErrors.googleAccountExists(),
          ),
          ...TOO_MANY,
          503: GOOGLE_UNAVAILABLE,
        },
      }),
    )
    .use(limitPerIp('google-signup'))
    .input(schemas.googleSignupInput)
    .output(schemas.googleSignupOutput)
    .mutation(({ ctx, input }) => googleSignup(ctx.services, input)),

  googleSignin: publicProcedure
    .meta(
      rest({
        method: 'POST',
        path: '/user/google/signin/',
        tag: 'auth',
        summary: 'Sign in with Google',
        description:
          `${GOOGLE_CHECKS} Signs in the account of this Google account, found by Google’s account id, so a later change of ` +
          'e-mail at Google still finds it; else the account with the same e-mail (a password account included) that no Google ' +
          'account signs in to yet, which this one does from then on.',
        errors: {
          400: answers(
            'No code, a refused code or ID token, an unverified e-mail, or no account',
            ...GOOGLE_REFUSALS,
            authErrors.googleNoAccount(),
          ),
          401: answers('The account is disabled', authErrors.accountInactive()),
          ...TOO_MANY,
          503: GOOGLE_UNAVAILABLE,
        },
      }),
    )
    .use(limitPerIp('google-signin'))
    .input(schemas.googleSigninInput)
    .output(schemas.googleSigninOutput)
    .mutation(({ ctx, input }) => googleSignin(ctx.services, input)),

  deletionCode: authedProcedure
    .meta(
      rest({
        method: 'POST',
        path: '/user/me/deletion-code/',
        tag: 'auth',
        protect: true,
        summary: 'Mail a code to confirm deleting an account without a password',
        description:
          'For accounts without a password (made by Google sign-in): mails a 6-digit code, valid for 5 minutes, that ' +
          '`DELETE /user/me/` takes as `code`. Asking again replaces the code.',
        errors: { 400: answers('The account has a password: confirm with it', authErrors.deletionCodeNotNeeded()), ...TOO_MANY },
      }),
    )
    .use(limitPerIp('deletion-code'))
    .input(z.object({}))
    .output(schemas.deletionCodeOutput)
    .mutation(({ ctx }) => mailDeletionCode(ctx.services, ctx.viewer)),

  deleteMe: authedProcedure
    .meta(
      rest({
        method: 'DELETE',
        path: '/user/me/',
        tag: 'auth',
        status: 204,
        protect: true,
        deleteBody: true,
        summary: 'Delete your account',
        description:
          'Body `{"password"}`, or `{"code"}` for an account without a password (see `POST /user/me/deletion-code/`). In one ' +
          'transaction, removes your profile and its records, posts (with what they carry), likes, saves, shares, follows, ' +
          'connections, saved mentors and jobs, job preferences, applications, posted jobs, portfolio projects, notifications, ' +
          'support tickets, links to other accounts and memberships, sessions and tokens, and your uploaded files. The only ' +
          'linked owner of a company page links another owner or deletes the page first (switched into it). Kept for others, from a “Deleted member”: your comments in others’ ' +
          'threads, chat messages, mentorship sessions (open unpaid ones cancelled), payments and ledger entries. Every token ' +
          'stops working at once, signing in fails, and the e-mail can register again. 204, no body.',
        errors: {
          400: answers(
            'No password or code, a wrong password, an invalid code, or the last owner of a company page; nothing is deleted',
            authErrors.deletionPasswordMissing(),
            authErrors.deletionPasswordWrong(),
            authErrors.deletionCodeMissing(),
            authErrors.deletionCodeInvalid(),
            authErrors.deletionLeavesCompanyOwnerless(),
          ),
          429: answers('Too many wrong passwords for this e-mail; see Retry-After', tooManyRequests(42)),
        },
      }),
    )
    .input(schemas.deleteAccountInput)
    .output(z.void())
    .mutation(async ({ ctx, input }) => {
      await deleteOwnAccount(ctx.services, ctx.viewer, input);
    }),
});
