import { sql, type Database, type Kysely, type UserRole, type UserType } from '@careernexus/db';
import type { Services } from '../context.js';
import type { Revocation } from '../platform/events.js';
import { invalidToken, notAuthenticated, tooManyRequests } from '../errors.js';
import { accountInactive, accountNotFound, invalidCredentials, invalidSignoutToken, refreshRefused } from './errors.js';
import { verifyPassword } from './passwords.js';
import { createToken, newTokenId, verifyToken, type TokenClaims } from './tokens.js';

export interface TokenPair {
  access: string;
  refresh: string;
}

/** The signed-in user of a request. */
export interface Viewer {
  id: number;
  email: string;
  userType: UserType;
  industry: string;
  isAdmin: boolean;
  /** The access token that authenticated the request. */
  token: TokenClaims;
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * Where a pair of tokens belongs: a sign-in starts a session, a rotation continues one, and a
 * switch into another account starts a session under the one it was switched from.
 */
interface SessionLineage {
  session?: string | undefined;
  parent?: string | null | undefined;
}

/** Records a refresh token (so it can be revoked) and derives an access token beside it. */
export async function issueTokens(
  services: Services,
  userId: number,
  db: Kysely<Database> = services.db,
  lineage: SessionLineage = {},
): Promise<TokenPair> {
  const { config, secretKey } = services;
  const iat = seconds(services.now());
  const refreshClaims: TokenClaims = {
    token_type: 'refresh',
    exp: iat + config.REFRESH_TOKEN_TTL,
    iat,
    jti: newTokenId(),
    user_id: userId,
  };
  const accessClaims: TokenClaims = { token_type: 'access', exp: iat + config.ACCESS_TOKEN_TTL, iat, jti: newTokenId(), user_id: userId };
  await db
    .insertInto('refresh_tokens')
    .values({
      jti: refreshClaims.jti,
      user_id: userId,
      issued_at: new Date(iat * 1000),
      expires_at: new Date(refreshClaims.exp * 1000),
      session_id: lineage.session ?? refreshClaims.jti,
      parent_session_id: lineage.parent ?? null,
      access_jti: accessClaims.jti,
    })
    .execute();
  return { access: createToken(secretKey, accessClaims), refresh: createToken(secretKey, refreshClaims) };
}

/** The session an access token was issued in (undefined for tokens older than sessions). */
export async function sessionOf(db: Kysely<Database>, accessJti: string) {
  const row = await db.selectFrom('refresh_tokens').select('session_id').where('access_jti', '=', accessJti).executeTakeFirst();
  return row?.session_id;
}

/**
 * The user behind an `Authorization: Bearer <access>` header, or a 401 saying why not. A token's
 * account is read once per `AUTH_MEMO_SECONDS` and process, not on every request: a sign-out, a
 * password reset or a change to the account is revoked on the event bus, which clears it in
 * every process at once; while a process could miss revocations (Redis away) it reads every time.
 */
export async function authenticate(services: Services, authorization: string | undefined): Promise<Viewer> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match?.[1]) throw notAuthenticated();
  const token = match[1];
  const now = seconds(services.now());
  // A token string already verified here is the same token: only its expiry can have changed.
  const known = services.events.hearsRevocations() ? services.memo.viewers.get(token) : undefined;
  if (known && known.token.exp > now) return known;
  const claims = verifyToken(services.secretKey, token, 'access', now);
  if (!claims) throw invalidToken();

  const row = await services.db
    .selectFrom('users')
    .select(['id', 'email', 'user_type', 'industry', 'role', 'is_active', 'tokens_valid_after'])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('revoked_access_tokens')
            .select(sql`1`.as('one'))
            .where('jti', '=', claims.jti),
        )
        .as('revoked'),
    )
    .where('id', '=', claims.user_id)
    .executeTakeFirst();
  if (!row) throw accountNotFound();
  if (row.revoked || issuedBefore(claims, row.tokens_valid_after)) throw invalidToken();
  if (!row.is_active) throw accountInactive();
  const viewer: Viewer = {
    id: row.id,
    email: row.email,
    userType: row.user_type,
    industry: row.industry,
    isAdmin: isAdmin(services, row.email, row.role),
    token: claims,
  };
  services.memo.viewers.set(token, viewer);
  return viewer;
}

const isAdmin = (services: Services, email: string, role: UserRole) => role === 'admin' || services.config.ADMIN_EMAILS.includes(email);

// `iat` has whole seconds: a token issued in the very second of a reset survives it. Refusing
// that second too would also refuse the sign-in that usually follows a reset at once.
const issuedBefore = (claims: TokenClaims, validAfter: Date | null) => validAfter !== null && claims.iat < seconds(validAfter);

export const SIGNIN_FAILURE_WINDOW_SECONDS = 15 * 60;

/** Wrong passwords for one e-mail are counted under this key (sign-in, account deletion). */
export const signinFailuresKey = (email: string) => `signin-failures:${email}`;

export async function signin(services: Services, email: string, password: string) {
  const failuresKey = signinFailuresKey(email);
  const user = await services.db
    .selectFrom('users')
    .select(['id', 'email', 'password_hash', 'is_active'])
    .where('email', '=', email)
    .executeTakeFirst();
  const passwordOk = await verifyPassword(user?.password_hash, password);
  if (!user || !passwordOk || !user.is_active) {
    // Counted per e-mail, so spreading guesses over many addresses does not help an attacker.
    const verdict = await services.limiter.hit(failuresKey, services.config.SIGNIN_FAILURES_PER_EMAIL, SIGNIN_FAILURE_WINDOW_SECONDS);
    if (!verdict.allowed) throw tooManyRequests(verdict.retryAfterSeconds);
    throw invalidCredentials();
  }
  await services.limiter.reset(failuresKey);
  await services.db.updateTable('users').set({ last_login: services.now() }).where('id', '=', user.id).execute();
  return { ...(await issueTokens(services, user.id)), user: user.email };
}

/**
 * Blacklists the refresh token and the access token that presented it, and ends every session
 * switched into from this session, and from those in turn (their refresh tokens and live access
 * tokens): signing the person out signs out the company pages they opened from it, however
 * deep, not the other way round.
 */
export async function signout(services: Services, viewer: Viewer, refreshToken: string) {
  const claims = verifyToken(services.secretKey, refreshToken, 'refresh', seconds(services.now()));
  if (!claims || claims.user_id !== viewer.id) throw invalidSignoutToken();
  const ended = await services.db.transaction().execute(async (trx) => {
    const revoked = await trx
      .updateTable('refresh_tokens')
      .set({ revoked_at: services.now() })
      .where('jti', '=', claims.jti)
      .where('user_id', '=', viewer.id)
      .where('revoked_at', 'is', null)
      .returning('session_id')
      .executeTakeFirst();
    if (!revoked) throw invalidSignoutToken();
    await trx.deleteFrom('revoked_access_tokens').where('expires_at', '<', services.now()).execute();
    await trx
      .insertInto('revoked_access_tokens')
      .values({ jti: viewer.token.jti, user_id: viewer.id, expires_at: new Date(viewer.token.exp * 1000) })
      .onConflict((oc) => oc.column('jti').doNothing())
      .execute();
    return endSwitchedSessions(services, trx, revoked.session_id);
  });
  await Promise.all([viewer.token.jti, ...ended].map((tokenId) => services.events.revoke({ tokenId })));
  return { status: 'Logged out' as const };
}

/**
 * The sessions switched into from `sessionId`, from those, and so on. Sessions form a tree (each
 * switch starts a new session under an existing one); `union` would end even a cycle.
 */
async function switchedSessionsUnder(trx: Kysely<Database>, sessionId: string) {
  const { rows } = await sql<{ session_id: string }>`
    with recursive switched (session_id) as (
      select session_id from refresh_tokens where parent_session_id = ${sessionId}
      union
      select r.session_id from refresh_tokens r join switched s on r.parent_session_id = s.session_id
    )
    select session_id from switched`.execute(trx);
  return rows.map((row) => row.session_id);
}

/** Ends the sessions switched into from `sessionId`, at any depth; returns the access tokens it revoked. */
async function endSwitchedSessions(services: Services, trx: Kysely<Database>, sessionId: string) {
  const now = services.now();
  const ttlMs = services.config.ACCESS_TOKEN_TTL * 1000;
  // Every token of a switched session names its parent session (kept through rotation): reading
  // by parent uses the index refresh_tokens_parent_session.
  const parents = [sessionId, ...(await switchedSessionsUnder(trx, sessionId))];
  // Every access token of those sessions still alive: one per refresh token issued within its lifetime.
  const live = await trx
    .selectFrom('refresh_tokens')
    .select(['access_jti', 'user_id', 'issued_at'])
    .where('parent_session_id', 'in', parents)
    .where('issued_at', '>', new Date(now.getTime() - ttlMs))
    .execute();
  const access = live.flatMap((row) =>
    row.access_jti === null ? [] : [{ jti: row.access_jti, user_id: row.user_id, expires_at: new Date(row.issued_at.getTime() + ttlMs) }],
  );
  if (access.length) {
    await trx
      .insertInto('revoked_access_tokens')
      .values(access)
      .onConflict((oc) => oc.column('jti').doNothing())
      .execute();
  }
  await trx
    .updateTable('refresh_tokens')
    .set({ revoked_at: now })
    .where('parent_session_id', 'in', parents)
    .where('revoked_at', 'is', null)
    .execute();
  return access.map((token) => token.jti);
}

/** Exchanges a live refresh token for a new pair; the old one is blacklisted (rotation). */
export async function rotateRefreshToken(services: Services, refreshToken: string): Promise<TokenPair> {
  const claims = verifyToken(services.secretKey, refreshToken, 'refresh', seconds(services.now()));
  if (!claims) throw refreshRefused();
  return services.db.transaction().execute(async (trx) => {
    const revoked = await trx
      .updateTable('refresh_tokens')
      .set({ revoked_at: services.now() })
      .where('jti', '=', claims.jti)
      .where('revoked_at', 'is', null)
      .returning(['user_id', 'session_id', 'parent_session_id'])
      .executeTakeFirst();
    if (!revoked) throw refreshRefused();
    const user = await trx
      .selectFrom('users')
      .select(['is_active', 'tokens_valid_after'])
      .where('id', '=', revoked.user_id)
      .executeTakeFirst();
    if (!user?.is_active || issuedBefore(claims, user.tokens_valid_after)) throw refreshRefused();
    return issueTokens(services, revoked.user_id, trx, { session: revoked.session_id, parent: revoked.parent_session_id });
  });
}

/** After a password change: every session of the user ends (call `forgetAccount` once committed). */
export async function revokeAllSessions(services: Services, userId: number, db: Kysely<Database>) {
  const now = services.now();
  await db.updateTable('refresh_tokens').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
  await db.updateTable('users').set({ tokens_valid_after: now }).where('id', '=', userId).execute();
}

/**
 * After a change to what a Viewer carries (industry, type, role, being active), or the end of its
 * sessions: every process forgets the account. Call it after the change is committed, or another
 * process could read the old row again and remember it.
 */
export async function forgetAccount(services: Services, userId: number) {
  await services.events.revoke({ userId });
}

/** What a process's memo drops for a revocation heard on the event bus. */
export function applyRevocation(viewers: Services['memo']['viewers'], revocation: Revocation) {
  if ('all' in revocation) viewers.deleteWhere(() => true);
  else if ('userId' in revocation) viewers.deleteWhere((known) => known.id === revocation.userId);
  else viewers.deleteWhere((known) => known.token.jti === revocation.tokenId);
}
