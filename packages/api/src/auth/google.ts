import { sql } from '@careernexus/db';
import { z } from 'zod';
import type { Services } from '../context.js';
import { IdentityRefused, IdentityUnavailable, type IdentityClaims } from '../platform/identity.js';
import {
  accountInactive,
  googleAccountExists,
  googleCodeMissing,
  googleEmailUnverified,
  googleInvalidToken,
  googleNoAccount,
  googleNoIdToken,
  googleNotConfigured,
  googleUnavailable,
} from './errors.js';
import { issueTokens } from './sessions.js';

/**
 * The person Google vouches for with this code, with a verified e-mail (lower-cased like every
 * account's). The redirect URI must be the one the browser was sent back to.
 */
async function googlePerson(services: Services, code: string | undefined, redirectUri: string | undefined) {
  if (!code) throw googleCodeMissing();
  if (!services.google || !redirectUri) throw googleNotConfigured();
  let claims: IdentityClaims;
  try {
    claims = await services.google.exchangeCode(code, redirectUri);
  } catch (error) {
    if (error instanceof IdentityRefused) {
      services.log.info({ reason: error.message }, 'google sign-in refused');
      throw error.reason === 'code' ? googleNoIdToken() : googleInvalidToken();
    }
    if (error instanceof IdentityUnavailable) {
      services.log.warn({ reason: error.message }, 'google sign-in unavailable');
      throw googleUnavailable();
    }
    throw error;
  }
  // An unverified address could be anyone's: it must not create or open the account that has it.
  if (!claims.emailVerified) throw googleEmailUnverified();
  const email = z.email().safeParse(claims.email.trim().toLowerCase());
  if (!email.success) throw googleInvalidToken();
  return { ...claims, email: email.data };
}

/**
 * Creates a password-less account for the Google account (its `sub` remembered) and signs in.
 * An e-mail or Google account already registered is refused: a person with a password signs in
 * with Google instead (googleSignin). `mentor` makes a mentor's account (industry "others").
 */
export async function googleSignup(services: Services, input: { code?: string | undefined; user_type?: string | undefined }) {
  const person = await googlePerson(services, input.code, services.config.GOOGLE_REDIRECT_URL_SIGNUP);
  const result = await services.db.transaction().execute(async (trx) => {
    // Either unique column (email, google_subject) taken: nothing is inserted.
    const user = await trx
      .insertInto('users')
      .values({
        email: person.email,
        password_hash: null,
        google_subject: person.subject,
        last_login: services.now(),
        ...(input.user_type === 'mentor' ? { user_type: 'mentor' as const } : {}),
      })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!user) throw googleAccountExists();
    // Empty names keep the profile's defaults.
    await trx
      .insertInto('profiles')
      .values({ user_id: user.id, first_name: person.givenName.trim() || undefined, last_name: person.familyName.trim() || undefined })
      .execute();
    return { id: user.id, tokens: await issueTokens(services, user.id, trx) };
  });
  return { ...result.tokens, email: person.email, user: person.email, user_id: result.id, status: 'Success' as const };
}

/**
 * Signs in the account of this Google account: found by `sub`, so a later change of e-mail at
 * Google still finds it; else the account with the same (verified) e-mail that has no Google
 * account yet, which is linked to this one from now on — a password account included.
 */
export async function googleSignin(services: Services, input: { code?: string | undefined }) {
  const person = await googlePerson(services, input.code, services.config.GOOGLE_REDIRECT_URL_SIGNIN);
  const user = await services.db
    .selectFrom('users')
    .select(['id', 'email', 'user_type', 'is_active', 'google_subject'])
    .where((eb) =>
      eb.or([eb('google_subject', '=', person.subject), eb.and([eb('email', '=', person.email), eb('google_subject', 'is', null)])]),
    )
    // The account linked to this Google account first.
    .orderBy(sql`google_subject is null`)
    .executeTakeFirst();
  if (!user) throw googleNoAccount();
  if (!user.is_active) throw accountInactive();
  const linked = await services.db
    .updateTable('users')
    .set({ last_login: services.now(), google_subject: person.subject })
    .where('id', '=', user.id)
    .where((eb) => eb.or([eb('google_subject', '=', person.subject), eb('google_subject', 'is', null)]))
    .executeTakeFirst();
  // Another sign-in linked the account to another Google account meanwhile.
  if (linked.numUpdatedRows === 0n) throw googleNoAccount();
  const tokens = await issueTokens(services, user.id);
  return { ...tokens, email: user.email, user: user.email, user_id: user.id, id: user.id, user_type: user.user_type };
}
