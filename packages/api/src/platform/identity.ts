import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { parseJWT } from '@oslojs/jwt';

/** The person an identity provider vouches for, from a verified ID token. */
export interface IdentityClaims {
  /** The provider's stable id of the account (`sub`); an e-mail may change, this does not. */
  subject: string;
  email: string;
  emailVerified: boolean;
  givenName: string;
  familyName: string;
}

/** An external identity provider (Google) finishing an authorization-code sign-in. */
export interface Identity {
  exchangeCode(code: string, redirectUri: string): Promise<IdentityClaims>;
}

/**
 * Why a code gave no identity: `code`, the token endpoint refused it or answered no ID token;
 * `token`, the ID token failed a check. The caller's fault either way (400).
 */
export class IdentityRefused extends Error {
  override name = 'IdentityRefused';
  constructor(
    readonly reason: 'code' | 'token',
    message: string,
  ) {
    super(message);
  }
}

/** The provider could not be reached or answered nonsense: nobody's fault here, try later (503). */
export class IdentityUnavailable extends Error {
  override name = 'IdentityUnavailable';
}

export interface OidcOptions {
  /** e.g. https://accounts.google.com: its discovery document names the token endpoint and keys. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  now?: () => Date;
}

interface Discovery {
  tokenEndpoint: string;
  jwksUri: string;
}

const TIMEOUT_MS = 10_000;
/** Allowed difference between the provider's clock and ours. */
const CLOCK_SKEW_SECONDS = 60;
/** Keys are fetched again after this, or sooner for an unknown `kid` (the provider rotated them), at most once per minute. */
const KEYS_MAX_AGE_MS = 3_600_000;
const KEYS_REFETCH_GAP_MS = 60_000;

/**
 * An OpenID Connect client for the authorization-code flow finished on the server, written on
 * node:crypto and @oslojs/jwt (already the house's JWT library) rather than a new dependency:
 * the flow needs one discovery read, one form POST and the ID-token checks of OIDC Core
 * §3.1.3.7, each a few lines that can be read whole. Checked: the RS256 signature against the
 * provider's published keys (JWKS from discovery), `iss`, `aud` (and `azp` when several), `exp`
 * and `iat`. `email_verified` is reported, and refused by the caller when false.
 */
export function oidcIdentity(options: OidcOptions): Identity {
  const now = options.now ?? (() => new Date());
  let discovery: Promise<Discovery> | undefined;
  let keys: { byId: Map<string, KeyObject>; fetchedAt: number } | undefined;

  const discover = () => {
    // Kept once it worked; a failure is forgotten so the next sign-in tries again.
    discovery ??= readDiscovery(options.issuer).catch((error: unknown) => {
      discovery = undefined;
      throw error;
    });
    return discovery;
  };

  async function keyFor(kid: string | undefined): Promise<KeyObject | undefined> {
    const age = keys ? now().getTime() - keys.fetchedAt : Infinity;
    const known = keys && kid !== undefined ? keys.byId.get(kid) : undefined;
    if (known && age < KEYS_MAX_AGE_MS) return known;
    if (!keys || age >= KEYS_REFETCH_GAP_MS) keys = { byId: await readKeys((await discover()).jwksUri), fetchedAt: now().getTime() };
    if (kid === undefined) return keys.byId.size === 1 ? [...keys.byId.values()][0] : undefined;
    return keys.byId.get(kid);
  }

  async function verifiedClaims(idToken: string): Promise<IdentityClaims> {
    let parts: ReturnType<typeof parseJWT>;
    try {
      parts = parseJWT(idToken);
    } catch {
      throw new IdentityRefused('token', 'the ID token is not a JWT');
    }
    const [header, payload, signature, signatureMessage] = parts as [
      Record<string, unknown>,
      Record<string, unknown>,
      Uint8Array,
      Uint8Array,
    ];
    if (header.alg !== 'RS256') throw new IdentityRefused('token', `ID token algorithm ${String(header.alg)} is not RS256`);
    const key = await keyFor(typeof header.kid === 'string' ? header.kid : undefined);
    if (!key) throw new IdentityRefused('token', 'the ID token is signed by a key the provider does not publish');
    if (!verify('sha256', signatureMessage, key, signature)) throw new IdentityRefused('token', 'the ID token signature is invalid');

    const nowSeconds = Math.floor(now().getTime() / 1000);
    if (payload.iss !== options.issuer) throw new IdentityRefused('token', 'the ID token was issued by someone else');
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!audiences.includes(options.clientId)) throw new IdentityRefused('token', 'the ID token is meant for another client');
    if (audiences.length > 1 && payload.azp !== options.clientId) throw new IdentityRefused('token', 'the ID token names another party');
    if (typeof payload.exp !== 'number' || payload.exp + CLOCK_SKEW_SECONDS <= nowSeconds)
      throw new IdentityRefused('token', 'the ID token has expired');
    if (typeof payload.iat !== 'number' || payload.iat - CLOCK_SKEW_SECONDS > nowSeconds)
      throw new IdentityRefused('token', 'the ID token is issued in the future');
    if (typeof payload.sub !== 'string' || !payload.sub) throw new IdentityRefused('token', 'the ID token names no subject');
    if (typeof payload.email !== 'string' || !payload.email) throw new IdentityRefused('token', 'the ID token carries no e-mail');
    return {
      subject: payload.sub,
      email: payload.email,
      // Some providers send the flag as text.
      emailVerified: payload.email_verified === true || payload.email_verified === 'true',
      givenName: typeof payload.given_name === 'string' ? payload.given_name : '',
      familyName: typeof payload.family_name === 'string' ? payload.family_name : '',
    };
  }

  return {
    async exchangeCode(code, redirectUri) {
      const { tokenEndpoint } = await discover();
      const body = new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: options.clientId,
        client_secret: options.clientSecret,
      });
      const response = await request(tokenEndpoint, { method: 'POST', body, headers: { accept: 'application/json' } });
      // 4xx: the code is unknown, used, expired or for another redirect URI. 5xx: the provider's trouble.
      if (response.status >= 500) throw new IdentityUnavailable(`token endpoint answered ${response.status}`);
      const answer = (await response.json().catch(() => ({}))) as { id_token?: unknown };
      if (!response.ok || typeof answer.id_token !== 'string')
        throw new IdentityRefused('code', `token endpoint answered ${response.status} without an ID token`);
      return verifiedClaims(answer.id_token);
    },
  };
}

async function request(url: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    throw new IdentityUnavailable(`${url} cannot be reached: ${(error as Error).message}`);
  }
}

async function readJson(url: string): Promise<Record<string, unknown>> {
  const response = await request(url);
  const json: unknown = response.ok ? await response.json().catch(() => undefined) : undefined;
  if (!json || typeof json !== 'object') throw new IdentityUnavailable(`${url} answered ${response.status} without a JSON object`);
  return json as Record<string, unknown>;
}

async function readDiscovery(issuer: string): Promise<Discovery> {
  const document = await readJson(`${issuer}/.well-known/openid-configuration`);
  // OpenID Connect Discovery §4.3: the document must name the issuer it was fetched for.
  if (document.issuer !== issuer) throw new IdentityUnavailable(`discovery names issuer ${String(document.issuer)}, not ${issuer}`);
  if (typeof document.token_endpoint !== 'string' || typeof document.jwks_uri !== 'string')
    throw new IdentityUnavailable('discovery names no token_endpoint or jwks_uri');
  return { tokenEndpoint: document.token_endpoint, jwksUri: document.jwks_uri };
}

/** The provider's RSA signing keys by `kid`; keys of other kinds or uses are left out. */
async function readKeys(jwksUri: string): Promise<Map<string, KeyObject>> {
  const { keys } = await readJson(jwksUri);
  const byId = new Map<string, KeyObject>();
  for (const jwk of Array.isArray(keys) ? (keys as Array<JsonWebKey & { kid?: unknown; use?: unknown }>) : []) {
    if (jwk.kty !== 'RSA' || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
    try {
      byId.set(typeof jwk.kid === 'string' ? jwk.kid : '', createPublicKey({ key: jwk, format: 'jwk' }));
    } catch {
      // A key node cannot read cannot have signed anything we accept.
    }
  }
  return byId;
}
