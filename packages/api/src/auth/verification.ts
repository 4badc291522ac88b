import { isUniqueViolation, type Database, type Kysely, type OtpCode, type OtpPurpose } from '@careernexus/db';
import type { Services } from '../context.js';
import { newLinkToken, newOtp } from './codes.js';
import { digest } from './tokens.js';

/** What the mail carries; only their digests are stored. */
export interface IssuedCode {
  otp: string;
  link: string;
}

export type CodeCheck = { outcome: 'valid'; code: OtpCode } | { outcome: 'unknown' | 'expired' | 'exhausted' };

const codeDigest = (services: Services, purpose: OtpPurpose, otp: string) => digest(services.secretKey, `otp:${purpose}`, otp);
const linkDigest = (services: Services, link: string) => digest(services.secretKey, 'link', link);

/**
 * A new code for (purpose, e-mail), replacing any earlier one. Live reset codes are unique, so a
 * reset code alone identifies its e-mail; a collision simply draws again.
 */
export async function issueCode(
  services: Services,
  purpose: OtpPurpose,
  email: string,
  passwordHash: string | null = null,
): Promise<IssuedCode> {
  const now = services.now();
  const expiresAt = new Date(now.getTime() + services.config.OTP_TTL * 1000);
  // Codes dead for a day can no longer produce a helpful "Expired OTP"; let them go.
  await services.db
    .deleteFrom('otp_codes')
    .where('purpose', '=', purpose)
    .where('expires_at', '<', new Date(now.getTime() - 86_400_000))
    .execute();
  for (let attempt = 0; ; attempt++) {
    const issued = { otp: newOtp(), link: newLinkToken() };
    const fields = {
      code_digest: codeDigest(services, purpose, issued.otp),
      link_digest: linkDigest(services, issued.link),
      password_hash: passwordHash,
      attempts: 0,
      created_at: now,
      expires_at: expiresAt,
    };
    try {
      await services.db
        .insertInto('otp_codes')
        .values({ purpose, email, ...fields })
        .onConflict((oc) => oc.columns(['purpose', 'email']).doUpdateSet(fields))
        .execute();
      return issued;
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 10) throw error;
    }
  }
}

/** Checks a code typed for an e-mail, counting wrong tries; too many void the code. */
export async function checkCodeForEmail(services: Services, purpose: OtpPurpose, email: string, otp: string): Promise<CodeCheck> {
  const { db } = services;
  const code = await db.selectFrom('otp_codes').selectAll().where('purpose', '=', purpose).where('email', '=', email).executeTakeFirst();
  if (!code) return { outcome: 'unknown' };
  if (code.expires_at <= services.now()) return voided(db, code, 'expired');
  if (code.code_digest === codeDigest(services, purpose, otp.trim())) return { outcome: 'valid', code };
  const counted = await db
    .updateTable('otp_codes')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', code.id)
    .returning('attempts')
    .executeTakeFirst();
  if (counted && counted.attempts > services.config.OTP_MAX_ATTEMPTS) return voided(db, code, 'exhausted');
  return { outcome: 'unknown' };
}

/** Finds a live reset code by its digits alone (clients may send no e-mail with it). */
export async function checkResetCode(services: Services, otp: string): Promise<CodeCheck> {
  return checkBy(services, 'reset', 'code_digest', codeDigest(services, 'reset', otp.trim()));
}

export async function checkLink(services: Services, purpose: OtpPurpose, link: string): Promise<CodeCheck> {
  return checkBy(services, purpose, 'link_digest', linkDigest(services, link.trim()));
}

async function checkBy(services: Services, purpose: OtpPurpose, column: 'code_digest' | 'link_digest', value: string): Promise<CodeCheck> {
  const code = await services.db
    .selectFrom('otp_codes')
    .selectAll()
    .where('purpose', '=', purpose)
    .where(column, '=', value)
    .executeTakeFirst();
  if (!code) return { outcome: 'unknown' };
  if (code.expires_at <= services.now()) return voided(services.db, code, 'expired');
  return { outcome: 'valid', code };
}

async function voided(db: Kysely<Database>, code: OtpCode, outcome: 'expired' | 'exhausted'): Promise<CodeCheck> {
  await db.deleteFrom('otp_codes').where('id', '=', code.id).execute();
  return { outcome };
}

/** Uses a checked code up; false when a concurrent request used it first. */
export async function consumeCode(db: Kysely<Database>, code: OtpCode): Promise<boolean> {
  const deleted = await db.deleteFrom('otp_codes').where('id', '=', code.id).where('code_digest', '=', code.code_digest).executeTakeFirst();
  return deleted.numDeletedRows > 0n;
}
