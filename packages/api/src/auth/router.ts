import { tooManyRequests } from '../errors.js';
import { answers, rest } from '../rest.js';
import { z } from '../validation.js';
import { authedProcedure, limitPerIp, publicProcedure, router } from '../trpc.js';
import * as authErrors from './errors.js';
import { forgetPassword } from './password-reset.js';
import * as schemas from './schemas.js';
import { rotateRefreshToken, signin, signout } from './sessions.js';
import { signup, verifySignupLink } from './signup.js';

const TOO_MANY = { 429: answers('Too many attempts from this client; see Retry-After', tooManyRequests(42)) };

export const authRouter = router({
  signup: publicProcedure
    .meta(
      rest({
        method: 'POST',
        path: '/user/signup/',
        tag: 'auth',
        status: 201,
        summary: 'Register with e-mail confirmation',
        description:
          'Step 1 (no `otp`): validates the e-mail and passwords and mails a 6-digit code and a link, valid for 5 minutes; ' +
          'answers `{"status":"Otp sent"}`. Sending step 1 again replaces the code. Step 2 (same fields plus `otp`): ' +
          'creates the account and signs in. At most 5 wrong codes; the next one voids the code.',
        errors: {
          400: answers(
            'Existing e-mail, weak or mismatched passwords, invalid or expired OTP',
            authErrors.existingEmail(),
            authErrors.signupPasswordMismatch(),
            authErrors.signupOtpInvalid(),
          ),
          ...TOO_MANY,
        },
      }),
    )
    .use(limitPerIp('signup'))
    .input(schemas.signupInput)
    .output(schemas.signupOutput)
    .mutation(({ ctx, input }) => signup(ctx.services, input)),

  verifyHash: publicProcedure
    .meta(
      rest({
        method: 'POST',
        path: '/user/hash/verify/',
        tag: 'auth',
        status: 201,
        summary: 'Confirm a registration through the mailed link',
        description: 'Creates the account from the link token mailed at signup step 1 and signs in.',
        errors: {
          400: answers(
            'Invalid or expired link, or e-mail already registered',
            authErrors.signupLinkInvalid(),
            authErrors.signupLinkExpired(),
          ),
          ...TOO_MANY,
        },
      }),
    )
    .use(limitPerIp('hash-verify'))
    .input(schemas.verifyHashInput)
    .output(schemas.verifyHashOutput)
    .mutation(({ ctx, input }) => verifySignupLink(ctx.services, input.hash)),

  signin: publicProcedure
    .meta(
      rest({
        method: 'POST',
        path: '/user/signin/',
        tag: 'auth',
        summary: 'Sign in',
        description: 'Exchanges e-mail and password for an access token (6 h) and a refresh token (1 day).',
        errors: {
          400: answers('Invalid credentials', authErrors.invalidCredentials()),
          429: answers(
            'Too many attempts from this client, or too many wrong passwords for this e-mail; see Retry-After',
            tooManyRequests(42),
          ),
        },
      }),
    )
    .use(limitPerIp('signin'))
    .input(schemas.signinInput)
    .output(schemas.signinOutput)
    .mutation(({ ctx, input }) => signin(ctx.services, input.email, input.password)),

  signout: authedProcedure
    .meta(
      rest({
        method: 'POST',
        path: '/user/signout/',
        tag: 'auth',
        status: 202,
        protect: true,
        summary: 'Sign out',
        description:
          'Blacklists the refresh token and revokes the access token that made the request. Sessions switched into from this one ' +
          '(`POST /user/switch-account/`), and from those in turn, end with it; signing out a session you switched into leaves the one you switched from alone.',
        errors: { 400: answers('Invalid, expired or already used refresh token', authErrors.invalidSignoutToken()) },
      }),
    )
    .input(schemas.signoutInput)
    .output(schemas.signoutOutput)
    .mutation(({ ctx, input }) => signout(ctx.services, ctx.viewer, input.refresh)),

  refreshToken: publicProcedure
    .meta(
      rest({
        method: 'POST',
        path: '/user/token/refresh/',
        tag: 'auth',
        summary: 'Refresh the tokens',
        description: 'Exchanges a live refresh token for a new access and refresh token; the old refresh token stops working.',
        errors: {
          401: answers('Invalid, expired, used or revoked refresh token', authErrors.refreshRefused()),
          ...TOO_MANY,
        },
      }),
    )
    .use(limitPerIp('token-refresh'))
    .input(schemas.refreshInput)
    .output(schemas.refreshOutput)
    .mutation(({ ctx, input }) => rotateRefreshToken(ctx.services, input.refresh)),

  me: authedProcedure
    .meta(
      rest({
        method: 'GET',
        path: '/user/me/',
        tag: 'auth',
        protect: true,
        summary: 'The signed-in account',
        description: 'Who the access token belongs to: id, e-mail, user type, industry and whether the account is an administrator.',
      }),
    )
    .input(z.void())
    .output(schemas.meOutput)
    .query(({ ctx: { viewer } }) => ({
      id: viewer.id,
      email: viewer.email,
      user_type: viewer.userType,
      industry: viewer.industry,
      is_admin: viewer.isAdmin,
    })),

  forgetPassword: publicProcedure
    .meta(
      rest({
        method: 'POST',
        path: '/user/forget-password/',
        tag: 'auth',
        summary: 'Reset a forgotten password',
        description:
          'A state machine chosen by the fields sent, first match wins: (R1) `email` without passwords mails a code; ' +
          '(R2) `otp`, with or without `email`, verifies it; (R3) `hash` verifies the mailed link; ' +
          '(R4) `email`, `password1` and `password2` change the password within 5 minutes of verification, once, ' +
          'and end every session of the account; anything else is an invalid request.',
        errors: {
          400: answers(
            'Unregistered e-mail, invalid or expired code, expired request, weak or unmatched passwords',
            authErrors.invalidResetRequest(),
            authErrors.unregisteredEmail(),
            authErrors.resetOtpInvalid(),
          ),
          429: answers(
            'Too many attempts from this client, or too many reset codes tried by everyone; see Retry-After',
            tooManyRequests(42),
          ),
        },
      }),
    )
    .use(limitPerIp('forget-password'))
    .input(schemas.forgetPasswordInput)
    .output(schemas.forgetPasswordOutput)
    .mutation(({ ctx, input }) => forgetPassword(ctx.services, input)),
});
