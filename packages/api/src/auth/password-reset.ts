import type { Services } from '../context.js';
import { tooManyRequests } from '../errors.js';
import { resetMail } from './emails.js';
import {
  invalidResetRequest,
  resetNotVerified,
  resetOtpExhausted,
  resetOtpExpired,
  resetOtpInvalid,
  resetPasswordMismatch,
  resetRequestExpired,
  unregisteredEmail,
  weakPassword,
} from './errors.js';
import { hashPassword, passwordProblem } from './passwords.js';
import { forgetAccount, revokeAllSessions } from './sessions.js';
import { checkCodeForEmail, checkLink, checkResetCode, consumeCode, issueCode, type CodeCheck } from './verification.js';

export interface ForgetPasswordInput {
  email?: string | undefined;
  otp?: string | undefined;
  hash?: string | undefined;
  password1?: string | undefined;
  password2?: string | undefined;
}

/**
 * The original's one-endpoint state machine; the first matching rule picks the stage:
 * R1 e-mail without passwords → mail a code; R2 otp → verify; R3 hash → verify;
 * R4 e-mail and both passwords → change; R5 → invalid request.
 */
export async function forgetPassword(services: Services, input: ForgetPasswordInput) {
  const { email, otp, hash, password1, password2 } = input;
  if (email && !password1 && !password2) return requestResetCode(services, email);
  if (otp)
    return verifyReset(services, email ? await checkCodeForEmail(services, 'reset', email, otp) : await checkCodeAlone(services, otp));
  if (hash) return verifyReset(services, await checkLink(services, 'reset', hash));
  if (email && password1 && password2) return changePassword(services, email, password1, password2);
  throw invalidResetRequest();
}

async function requestResetCode(services: Services, email: string) {
  const user = await services.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
  if (!user) throw unregisteredEmail();
  const code = await issueCode(services, 'reset', email);
  services.mailer.send(resetMail(services.config, email, code));
  return { status: 'Reset Password OTP sent.' as const, email };
}

/** A code without its e-mail could match anyone's: such guesses are also limited across all clients. */
async function checkCodeAlone(services: Services, otp: string): Promise<CodeCheck> {
  const verdict = await services.limiter.hit('reset-code-guesses', services.config.RESET_CODE_GUESSES_PER_MINUTE, 60);
  if (!verdict.allowed) throw tooManyRequests(verdict.retryAfterSeconds);
  return checkResetCode(services, otp);
}

async function verifyReset(services: Services, check: CodeCheck) {
  if (check.outcome === 'expired') throw resetOtpExpired();
  if (check.outcome === 'exhausted') throw resetOtpExhausted();
  if (check.outcome !== 'valid') throw resetOtpInvalid();
  const { code } = check;
  await services.db.transaction().execute(async (trx) => {
    if (!(await consumeCode(trx, code))) throw resetOtpInvalid();
    await trx.updateTable('users').set({ password_reset_verified_at: services.now() }).where('email', '=', code.email).execute();
  });
  return { status: 'Verified' as const, email: code.email };
}

async function changePassword(services: Services, email: string, password1: string, password2: string) {
  const user = await services.db
    .selectFrom('users')
    .select(['id', 'password_reset_verified_at'])
    .where('email', '=', email)
    .executeTakeFirst();
  if (!user) throw unregisteredEmail();
  const verifiedAt = user.password_reset_verified_at;
  if (!verifiedAt) throw resetNotVerified();
  if (services.now().getTime() - verifiedAt.getTime() > services.config.OTP_TTL * 1000) {
    await services.db.updateTable('users').set({ password_reset_verified_at: null }).where('id', '=', user.id).execute();
    throw resetRequestExpired();
  }
  if (password1 !== password2) throw resetPasswordMismatch();
  const problem = passwordProblem(password1);
  if (problem) throw weakPassword(problem);

  const passwordHash = await hashPassword(password1);
  await services.db.transaction().execute(async (trx) => {
    // Single use: only the request that clears the flag changes the password.
    const cleared = await trx
      .updateTable('users')
      .set({ password_hash: passwordHash, password_reset_verified_at: null })
      .where('id', '=', user.id)
      .where('password_reset_verified_at', '=', verifiedAt)
      .executeTakeFirst();
    if (cleared.numUpdatedRows === 0n) throw resetNotVerified();
    await revokeAllSessions(services, user.id, trx);
  });
  await forgetAccount(services, user.id);
  return { status: 'Password Changed' as const, email };
}
