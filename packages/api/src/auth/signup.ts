import type { OtpCode } from '@careernexus/db';
import type { Services } from '../context.js';
import { signupMail } from './emails.js';
import {
  existingEmail,
  signupLinkExpired,
  signupLinkInvalid,
  signupOtpExhausted,
  signupOtpExpired,
  signupOtpInvalid,
  signupPasswordMismatch,
  weakPassword,
} from './errors.js';
import { hashPassword, passwordProblem } from './passwords.js';
import { issueTokens } from './sessions.js';
import { checkCodeForEmail, checkLink, consumeCode, issueCode, type CodeCheck } from './verification.js';

export interface SignupInput {
  email: string;
  password1: string;
  password2: string;
  otp?: string | undefined;
  /** At step 2, a mentor's industry: the account is a mentor's. */
  industry?: string | undefined;
}

async function emailTaken(services: Services, email: string) {
  return (await services.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()) !== undefined;
}

/** Step 1 (no otp): mail a code. Step 2 (otp): create the account and sign in. */
export async function signup(services: Services, input: SignupInput) {
  if (await emailTaken(services, input.email)) throw existingEmail();
  const problem = passwordProblem(input.password1);
  if (problem) throw weakPassword(problem);
  if (input.password1 !== input.password2) throw signupPasswordMismatch();
  if (!input.otp) {
    const code = await issueCode(services, 'signup', input.email, await hashPassword(input.password1));
    services.mailer.send(signupMail(services.config, input.email, code));
    return { status: 'Otp sent' as const };
  }

  const check = await checkCodeForEmail(services, 'signup', input.email, input.otp);
  if (check.outcome !== 'valid') throw otpError(check);
  // The person proved the address with the code and typed the password again: that one counts.
  const passwordHash = await hashPassword(input.password1);
  return createAccount(services, check.code, passwordHash, signupOtpInvalid, input.industry);
}

/** The link mailed with a signup code creates the account with the password chosen at step 1. */
export async function verifySignupLink(services: Services, link: string) {
  const check = await checkLink(services, 'signup', link);
  if (check.outcome === 'expired') throw signupLinkExpired();
  if (check.outcome !== 'valid' || !check.code.password_hash) throw signupLinkInvalid();
  return createAccount(services, check.code, check.code.password_hash, signupLinkInvalid);
}

/**
 * Uses the code up and creates user and profile in one transaction; the e-mail's uniqueness is the
 * database's. With a `mentorIndustry`, the account is a mentor's of that industry (§1.1).
 */
async function createAccount(
  services: Services,
  code: OtpCode,
  passwordHash: string,
  codeAlreadyUsed: () => Error,
  mentorIndustry?: string,
) {
  const tokens = await services.db.transaction().execute(async (trx) => {
    if (!(await consumeCode(trx, code))) throw codeAlreadyUsed();
    const user = await trx
      .insertInto('users')
      .values({
        email: code.email,
        password_hash: passwordHash,
        ...(mentorIndustry ? { user_type: 'mentor' as const, industry: mentorIndustry } : {}),
      })
      .onConflict((oc) => oc.column('email').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!user) throw existingEmail();
    await trx.insertInto('profiles').values({ user_id: user.id }).execute();
    return issueTokens(services, user.id, trx);
  });
  return { ...tokens, email: code.email, user: code.email, status: 'Success' as const };
}

function otpError(check: Exclude<CodeCheck, { outcome: 'valid' }>) {
  switch (check.outcome) {
    case 'expired':
      return signupOtpExpired();
    case 'exhausted':
      return signupOtpExhausted();
    default:
      return signupOtpInvalid();
  }
}
