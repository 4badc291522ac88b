import { loadConfig } from '@careernexus/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFingerprint, tableNames } from './support/database-rows.js';
import { useServer } from './support/fixture.js';
import { PASSWORD, signUp, uniqueEmail } from './support/flows.js';
import { restClient } from './support/http.js';
import { codeOf } from './support/mailbox.js';
import { googleSettings, startOidcProvider, type OidcProvider } from './support/oidc-provider.js';
import { startTestServer } from './support/test-server.js';

const SIGNIN_URL = 'https://www.career-nexus.example/login/';
const SIGNUP_URL = 'https://www.career-nexus.example/signup/';

// The server is pointed at a local OpenID Connect provider that the first hook starts.
const env: Record<string, string> = {};
let provider: OidcProvider;
beforeAll(async () => {
  provider = await startOidcProvider();
  Object.assign(env, googleSettings(provider, { signin: SIGNIN_URL, signup: SIGNUP_URL }));
});
afterAll(() => provider?.close());
const t = useServer(env);

const googleSignup = (code: string, userType?: string) =>
  t.api.post('/user/google/signup/', { code, ...(userType ? { user_type: userType } : {}) });
const googleSignin = (code: string) => t.api.post('/user/google/signin/', { code });

describe('Google sign-up and sign-in against an OpenID Connect provider', () => {
  it('signs up a password-less account named from Google, then signs it in, also after its e-mail changed at Google', async () => {
    const shown = uniqueEmail('Ada').replace('ada', 'Ada.Lovelace');
    const email = shown.toLowerCase();
    const claims = provider.claimsFor(shown);

    const signedUp = await googleSignup(provider.issueCode(SIGNUP_URL, claims), 'mentor');
    expect(signedUp.status, JSON.stringify(signedUp.body)).toBe(200);
    expect(signedUp.body).toEqual({
      refresh: expect.any(String),
      access: expect.any(String),
      email,
      user: email,
      user_id: expect.any(Number),
      status: 'Success',
    });
    // The server sent the code with its sign-up redirect URI and its credentials.
    const exchange = provider.tokenRequests.at(-1)!;
    expect(exchange.get('redirect_uri')).toBe(SIGNUP_URL);
    expect(exchange.get('grant_type')).toBe('authorization_code');

    const me = await t.api.get('/user/me/', { token: signedUp.body.access });
    expect(me.body).toMatchObject({ id: signedUp.body.user_id, email, user_type: 'mentor' });
    const profile = await t.api.get('/user/retrieve-profile/', { token: signedUp.body.access });
    expect(profile.body).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace' });

    const signedIn = await googleSignin(provider.issueCode(SIGNIN_URL, claims));
    expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
    expect(signedIn.body).toEqual({
      refresh: expect.any(String),
      access: expect.any(String),
      email,
      user: email,
      user_id: signedUp.body.user_id,
      id: signedUp.body.user_id,
      user_type: 'mentor',
    });
    expect(provider.tokenRequests.at(-1)!.get('redirect_uri')).toBe(SIGNIN_URL);
    expect((await t.api.get('/user/me/', { token: signedIn.body.access })).body.id).toBe(signedUp.body.user_id);

    // Same Google account (`sub`), new address: still this account.
    const moved = await googleSignin(provider.issueCode(SIGNIN_URL, { ...claims, email: uniqueEmail('moved') }));
    expect(moved.status).toBe(200);
    expect(moved.body.user_id).toBe(signedUp.body.user_id);

    // The account has no password: password sign-in fails as for a wrong one.
    const withPassword = await t.api.post('/user/signin/', { email, password: PASSWORD });
    expect(withPassword.status).toBe(400);
    expect(withPassword.body.non_field_errors).toEqual(['Invalid Credentials']);

    // A second sign-up with the same Google account or e-mail is refused.
    const again = await googleSignup(provider.issueCode(SIGNUP_URL, claims));
    expect(again.status).toBe(400);
    expect(again.body).toEqual({
      error: 'An account with this email exists. Proceed to Login',
      message: 'An account with this email exists. Proceed to Login',
    });
  });

  it('refuses each bad code or ID token with its 400 and creates nothing', async () => {
    const db = t.server.database.db;
    const tables = await tableNames(db);
    const before = await databaseFingerprint(db, tables);
    const claims = provider.claimsFor(uniqueEmail('refused'));
    const past = Math.floor(Date.now() / 1000) - 7200;
    const other = (redirect: string) => (redirect === SIGNUP_URL ? SIGNIN_URL : SIGNUP_URL);
    const cases: Array<[string, (redirect: string) => string, string]> = [
      ['a forged signature', (r) => provider.issueCode(r, claims, { signingKey: provider.foreignKey() }), 'Invalid Token'],
      ['a wrong audience', (r) => provider.issueCode(r, { ...claims, aud: 'someone-else', azp: 'someone-else' }), 'Invalid Token'],
      ['an expired token', (r) => provider.issueCode(r, { ...claims, iat: past, exp: past + 3600 }), 'Invalid Token'],
      ['another issuer', (r) => provider.issueCode(r, { ...claims, iss: 'https://accounts.evil.example' }), 'Invalid Token'],
      [
        'an unverified e-mail',
        (r) => provider.issueCode(r, { ...claims, email_verified: false }),
        'Google has not verified this e-mail address',
      ],
      ['an unknown code', () => 'not-a-code-the-provider-issued', 'Failed to get ID token'],
      ['a code for the other redirect', (r) => provider.issueCode(other(r), claims), 'Failed to get ID token'],
      ['no ID token in the answer', (r) => provider.issueCode(r, claims, { withoutIdToken: true }), 'Failed to get ID token'],
    ];
    for (const [what, code, error] of cases) {
      const signup = await googleSignup(code(SIGNUP_URL));
      expect([what, signup.status, signup.body]).toEqual([what, 400, { error, message: error }]);
      const signin = await googleSignin(code(SIGNIN_URL));
      expect([what, signin.status, signin.body]).toEqual([what, 400, { error, message: error }]);
    }
    const missing = await t.api.post('/user/google/signup/', {});
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ error: 'Missing Code', message: 'Missing Code' });
    expect(await databaseFingerprint(db, tables)).toEqual(before);
  });

  it('an account with a password and the same verified e-mail: sign-up is refused, sign-in opens it and links Google', async () => {
    const account = await signUp(t.api, t.mailbox);
    const claims = provider.claimsFor(account.email.toUpperCase());

    const signup = await googleSignup(provider.issueCode(SIGNUP_URL, claims));
    expect(signup.status).toBe(400);
    expect(signup.body.error).toBe('An account with this email exists. Proceed to Login');

    // Unverified at Google: not this person as far as anyone can tell.
    const unverified = await googleSignin(provider.issueCode(SIGNIN_URL, { ...claims, email_verified: false }));
    expect(unverified.status).toBe(400);

    const signin = await googleSignin(provider.issueCode(SIGNIN_URL, claims));
    expect(signin.status, JSON.stringify(signin.body)).toBe(200);
    expect(signin.body.user).toBe(account.email);
    expect((await t.api.post('/user/signin/', { email: account.email, password: PASSWORD })).status).toBe(200);

    // Linked to that Google account now: another Google account with the same e-mail is not let in.
    const other = await googleSignin(provider.issueCode(SIGNIN_URL, { ...claims, sub: 'another-google-account' }));
    expect(other.status).toBe(400);
    expect(other.body.error).toBe('No account with this email exist. Signup to continue');
  });

  it('signing in with Google without an account is refused', async () => {
    const response = await googleSignin(provider.issueCode(SIGNIN_URL, provider.claimsFor(uniqueEmail('stranger'))));
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: 'No account with this email exist. Signup to continue',
      message: 'No account with this email exist. Signup to continue',
    });
  });

  it('"forget password" gives a Google account a password', async () => {
    const email = uniqueEmail('google-reset');
    const signedUp = await googleSignup(provider.issueCode(SIGNUP_URL, provider.claimsFor(email)));
    expect(signedUp.status).toBe(200);
    expect((await t.api.post('/user/forget-password/', { email })).status).toBe(200);
    const { otp } = codeOf(await t.mailbox.waitFor(email, 'Password Reset Request'));
    expect((await t.api.post('/user/forget-password/', { otp })).body.status).toBe('Verified');
    const changed = await t.api.post('/user/forget-password/', { email, password1: 'N3wPassword', password2: 'N3wPassword' });
    expect(changed.body.status).toBe('Password Changed');
    const signin = await t.api.post('/user/signin/', { email, password: 'N3wPassword' });
    expect(signin.status).toBe(200);
    // Google still signs in too.
    expect((await googleSignin(provider.issueCode(SIGNIN_URL, provider.claimsFor(email)))).status).toBe(200);
  });
});

describe('Google sign-in not configured', () => {
  it('answers 503 naming the settings, before any exchange, and refuses a partial setup at start', async () => {
    const bare = await startTestServer({ SMTP_URL: t.mailbox.url });
    try {
      const response = await restClient(bare.url).post('/user/google/signin/', { code: 'anything' });
      expect(response.status).toBe(503);
      expect(response.body.detail).toContain('GOOGLE_CLIENT_ID');
      expect(response.body.detail).toContain('GOOGLE_REDIRECT_URL_SIGNIN');
    } finally {
      await bare.close();
    }
    expect(() => loadConfig({ GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 'secret' })).toThrow(
      /GOOGLE_REDIRECT_URL_SIGNIN, GOOGLE_REDIRECT_URL_SIGNUP/,
    );
  });
});

describe('deleting a Google account (no password)', () => {
  it('asks for a mailed code, then deletes; the Google account can sign up again', async () => {
    const email = uniqueEmail('google-leaver');
    const claims = provider.claimsFor(email);
    const { access, user_id } = (await googleSignup(provider.issueCode(SIGNUP_URL, claims))).body;
    const deleteMe = (body: Record<string, unknown>) => t.api.request('DELETE', '/user/me/', body, { token: access });

    const withoutCode = await deleteMe({ password: 'anything' });
    expect(withoutCode.status).toBe(400);
    expect(Object.keys(withoutCode.body)).toEqual(['code', 'message']);

    const sent = await t.api.post('/user/me/deletion-code/', {}, { token: access });
    expect(sent.body).toEqual({ status: 'Code sent', email });
    const { otp } = codeOf(await t.mailbox.waitFor(email, 'Confirm deleting your account'), { link: false });
    const wrong = await deleteMe({ code: otp === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toEqual(['Invalid or expired code. Request a new one.']);
    expect((await t.api.get('/user/me/', { token: access })).status).toBe(200);

    expect((await deleteMe({ code: otp })).status).toBe(204);
    expect((await t.api.get('/user/me/', { token: access })).status).toBe(401);
    const signin = await googleSignin(provider.issueCode(SIGNIN_URL, claims));
    expect(signin.body.error).toBe('No account with this email exist. Signup to continue');
    const reborn = await googleSignup(provider.issueCode(SIGNUP_URL, claims));
    expect(reborn.status).toBe(200);
    expect(reborn.body.user_id).not.toBe(user_id);
  });
});
