import { emailField, z } from '../validation.js';
import { choiceField, userTypeSchema } from '../choices.js';

const password = z.string().min(1).max(200);

/** Optional text where `null` and `""` mean "not sent" (compat C4). */
const optionalText = (max: number) =>
  z
    .string()
    .max(max)
    .nullish()
    .transform((value) => (value?.trim() ? value.trim() : undefined));

const optionalEmail = z
  .string()
  .nullish()
  .transform((value) => (value?.trim() ? value.trim() : undefined))
  .pipe(emailField(300).optional());

const jwt = z.string().describe('A JSON Web Token (HS256)');

export const signupInput = z.object({
  email: emailField(300),
  password1: password,
  password2: password,
  otp: optionalText(20).describe('The 6-digit code from the e-mail; its presence selects step 2'),
  industry: z
    .string()
    .max(100)
    .nullish()
    .transform((value) => (value?.trim() ? value.trim() : undefined))
    .pipe(choiceField('industry').optional())
    .describe(
      'Signing up as a mentor: the mentor’s industry. At step 2, a non-empty industry makes the account a mentor’s (for good); without it, a learner’s. Checked at step 1 too',
    ),
});

const signedUp = z.object({
  refresh: jwt,
  access: jwt,
  email: z.string().describe('The new account’s e-mail address'),
  user: z.string().describe('Same as `email` (the original service used this key)'),
  status: z.literal('Success'),
});

export const signupOutput = z.union([z.object({ status: z.literal('Otp sent') }), signedUp]);

export const verifyHashInput = z.object({ hash: z.string().min(1).max(300) });
export const verifyHashOutput = signedUp;

export const signinInput = z.object({ email: emailField(250), password });
export const signinOutput = z.object({ refresh: jwt, access: jwt, user: z.string() });

export const signoutInput = z.object({ refresh: z.string().min(1).max(1000) });
export const signoutOutput = z.object({ status: z.literal('Logged out') });

export const refreshInput = z.object({ refresh: z.string().min(1).max(1000) });
export const refreshOutput = z.object({ access: jwt, refresh: jwt });

export const forgetPasswordInput = z.object({
  email: optionalEmail,
  otp: optionalText(20),
  hash: optionalText(200),
  password1: optionalText(200),
  password2: optionalText(200),
});

export const forgetPasswordOutput = z.object({
  status: z.enum(['Reset Password OTP sent.', 'Verified', 'Password Changed']),
  email: z.string(),
});

export const meOutput = z.object({
  id: z.number().int(),
  email: z.string(),
  user_type: userTypeSchema,
  industry: z.string(),
  is_admin: z.boolean(),
});

const googleCode = z
  .string()
  .max(4096)
  .nullish()
  .transform((value) => value?.trim() || undefined)
  .describe('The `code` Google sent the browser back with (authorization-code flow)');

export const googleSignupInput = z.object({
  code: googleCode,
  user_type: z
    .string()
    .max(20)
    .nullish()
    .transform((value) => value ?? undefined)
    .describe('`mentor` makes a mentor’s account; anything else, or nothing, a learner’s'),
});
export const googleSignupOutput = signedUp.extend({ user_id: z.number().int() });

export const googleSigninInput = z.object({ code: googleCode });
export const googleSigninOutput = z.object({
  refresh: jwt,
  access: jwt,
  email: z.string(),
  user: z.string().describe('Same as `email`'),
  user_id: z.number().int(),
  id: z.number().int().describe('Same as `user_id` (the original service used this key)'),
  user_type: userTypeSchema,
});

export const deletionCodeOutput = z.object({ status: z.literal('Code sent'), email: z.string() });

export const deleteAccountInput = z.object({
  password: z.string().max(200).describe('The account’s password (accounts that have one)').optional(),
  code: optionalText(20).describe('For an account without a password: the code mailed by `POST /user/me/deletion-code/`'),
});
