import { createServer } from 'node:http';
import { createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';

/** What an ID token says; a test overrides any claim, or drops it by setting `undefined`. */
export type IdTokenClaims = Record<string, unknown>;

interface IssueOptions {
  /** Sign with this key instead of the published one (a forgery). */
  signingKey?: KeyObject;
  /** The token endpoint answers without an ID token. */
  withoutIdToken?: boolean;
}

const newRsaKey = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A small OpenID Connect provider on 127.0.0.1, as Google is to the server: a discovery document,
 * its signing keys (JWKS, an RSA key made here) and a token endpoint that trades the codes a test
 * issued for the ID tokens it signed. It checks the client's id, secret and redirect URI.
 */
export async function startOidcProvider() {
  const clientId = `client-${randomBytes(4).toString('hex')}.apps.example.test`;
  const clientSecret = randomBytes(16).toString('hex');
  const kid = 'key-1';
  const key = newRsaKey();
  const codes = new Map<string, { redirectUri: string; body: Record<string, unknown> }>();
  const tokenRequests: URLSearchParams[] = [];

  const server = createServer((request, response) => {
    const send = (status: number, body: unknown) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const url = new URL(request.url ?? '/', issuer);
    if (request.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
      return send(200, {
        issuer,
        authorization_endpoint: `${issuer}/auth`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/certs`,
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (request.method === 'GET' && url.pathname === '/certs') {
      return send(200, { keys: [{ ...createPublicKey(key).export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] });
    }
    if (request.method === 'POST' && url.pathname === '/token') {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        const form = new URLSearchParams(text);
        tokenRequests.push(form);
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const clientOk = form.get('client_id') === clientId && form.get('client_secret') === clientSecret;
        if (!clientOk) return send(401, { error: 'invalid_client' });
        if (!grant || form.get('grant_type') !== 'authorization_code' || form.get('redirect_uri') !== grant.redirectUri)
          return send(400, { error: 'invalid_grant', error_description: 'Bad Request' });
        send(200, grant.body);
      });
      return;
    }
    send(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** A signed RS256 JWT of these claims. */
  function signToken(claims: IdTokenClaims, signingKey = key) {
    const header = base64url({ alg: 'RS256', kid, typ: 'JWT' });
    const payload = base64url(claims);
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), signingKey).toString('base64url');
    return `${header}.${payload}.${signature}`;
  }

  /** The claims Google would send for this person now, with a test's changes. */
  function claimsFor(email: string, changes: IdTokenClaims = {}): IdTokenClaims {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: issuer,
      aud: clientId,
      azp: clientId,
      sub: `sub-${email.toLowerCase()}`,
      email,
      email_verified: true,
      given_name: 'Ada',
      family_name: 'Lovelace',
      iat: now,
      exp: now + 3600,
      ...changes,
    };
  }

  /** A one-use code for the given redirect URI that the token endpoint trades for an ID token of `claims`. */
  function issueCode(redirectUri: string, claims: IdTokenClaims, options: IssueOptions = {}) {
    const code = `4/${randomBytes(12).toString('base64url')}`;
    const body: Record<string, unknown> = { access_token: randomBytes(12).toString('hex'), token_type: 'Bearer', expires_in: 3599 };
    if (!options.withoutIdToken) body.id_token = signToken(claims, options.signingKey);
    codes.set(code, { redirectUri, body });
    return code;
  }

  return {
    issuer,
    clientId,
    clientSecret,
    claimsFor,
    issueCode,
    /** Another RSA key, never published: what a forger signs with. */
    foreignKey: newRsaKey,
    tokenRequests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type OidcProvider = Awaited<ReturnType<typeof startOidcProvider>>;

/** The server settings that point Google sign-in at this provider. */
export const googleSettings = (
  provider: OidcProvider,
  redirects = { signin: 'https://app.example/login/', signup: 'https://app.example/signup/' },
) => ({
  GOOGLE_CLIENT_ID: provider.clientId,
  GOOGLE_CLIENT_SECRET: provider.clientSecret,
  GOOGLE_REDIRECT_URL_SIGNIN: redirects.signin,
  GOOGLE_REDIRECT_URL_SIGNUP: redirects.signup,
  GOOGLE_ISSUER_URL: provider.issuer,
});
