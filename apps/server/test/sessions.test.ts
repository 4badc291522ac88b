import { describe, expect, it } from 'vitest';
import { PASSWORD, signUp, uniqueEmail } from './support/flows.js';
import { restClient } from './support/http.js';
import { useServer } from './support/fixture.js';
import { startTestServer } from './support/test-server.js';

const t = useServer();

describe('signin', () => {
  it.each(['/user/signin/', '/user/signin'])('signs in at %s', async (path) => {
    const { email } = await signUp(t.api, t.mailbox);
    const response = await t.api.post(path, { email: email.toUpperCase(), password: PASSWORD });
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(['access', 'refresh', 'user']);
    expect(response.body.user).toBe(email);
  });

  it('answers a wrong password and an unknown e-mail alike, with 400 (never 401)', async () => {
    const { email } = await signUp(t.api, t.mailbox);
    const wrongPassword = await t.api.post('/user/signin/', { email, password: 'Wr0ngPass' });
    const unknownEmail = await t.api.post('/user/signin/', { email: uniqueEmail('nobody'), password: PASSWORD });
    for (const response of [wrongPassword, unknownEmail]) {
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ non_field_errors: ['Invalid Credentials'], message: 'Invalid Credentials' });
    }
  });

  it.each(['json', 'form', 'multipart'] as const)('accepts a %s body', async (encoding) => {
    const { email } = await signUp(t.api, t.mailbox);
    const response = await t.api.post('/user/signin/', { email, password: PASSWORD, rememberMe: 'true' }, { encoding });
    expect(response.status).toBe(200);
    expect(response.body.user).toBe(email);
  });

  it('records the time of the last sign-in', async () => {
    const { email } = await signUp(t.api, t.mailbox);
    await t.api.post('/user/signin/', { email, password: PASSWORD });
    const user = await t.server.database.db.selectFrom('users').select('last_login').where('email', '=', email).executeTakeFirstOrThrow();
    expect(user.last_login).toBeInstanceOf(Date);
  });
});

describe('signout', () => {
  it('blacklists the refresh token and revokes the access token that presented it', async () => {
    const { access, refresh } = await signUp(t.api, t.mailbox);
    const response = await t.api.post('/user/signout/', { refresh }, { token: access });
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ status: 'Logged out' });

    const reused = await t.api.post('/user/token/refresh/', { refresh });
    expect(reused.status).toBe(401);
    const revokedAccess = await t.api.post('/user/signout/', { refresh }, { token: access });
    expect(revokedAccess.status).toBe(401);
    expect(revokedAccess.body).toMatchObject({ detail: 'Given token not valid for any token type', code: 'token_not_valid' });
    expect(revokedAccess.headers.get('www-authenticate')).toBe('Bearer realm="api"');
  });

  it('refuses an already used, a foreign and a malformed refresh token with 400 Invalid Token', async () => {
    const alice = await signUp(t.api, t.mailbox);
    const bob = await signUp(t.api, t.mailbox);
    const session = await t.api.post('/user/signin/', { email: alice.email, password: PASSWORD });
    await t.api.post('/user/signout/', { refresh: alice.refresh }, { token: session.body.access });
    const other = await t.api.post('/user/signin/', { email: alice.email, password: PASSWORD });
    for (const refresh of [alice.refresh, bob.refresh, 'not-a-token', other.body.access]) {
      const response = await t.api.post('/user/signout/', { refresh }, { token: other.body.access });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ non_field_errors: ['Invalid Token'], message: 'Invalid Token' });
    }
  });

  it('needs an access token: none, a bad one, or a refresh token in its place are 401 with detail', async () => {
    const { refresh } = await signUp(t.api, t.mailbox);
    const none = await t.api.post('/user/signout/', { refresh });
    expect(none.status).toBe(401);
    expect(none.body).toEqual({
      detail: 'Authentication credentials were not provided.',
      message: 'Authentication credentials were not provided.',
    });
    const forged = `${refresh.slice(0, -4)}AAAA`;
    for (const token of ['garbage', forged, refresh]) {
      const response = await t.api.post('/user/signout/', { refresh }, { token });
      expect(response.status).toBe(401);
      expect(response.body.detail).toBe('Given token not valid for any token type');
      expect(response.body.message).toBe('Given token not valid for any token type');
    }
  });

  it('refuses the token of a deleted user', async () => {
    const { email, access, refresh } = await signUp(t.api, t.mailbox);
    await t.server.database.db.deleteFrom('users').where('email', '=', email).execute();
    const response = await t.api.post('/user/signout/', { refresh }, { token: access });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ detail: 'User not found', code: 'user_not_found' });
  });
});

describe('token refresh', () => {
  it('rotates: a new pair works, the old refresh token does not', async () => {
    const { refresh } = await signUp(t.api, t.mailbox);
    const rotated = await t.api.post('/user/token/refresh/', { refresh });
    expect(rotated.status).toBe(200);
    expect(Object.keys(rotated.body).sort()).toEqual(['access', 'refresh']);
    expect(rotated.body.refresh).not.toBe(refresh);

    const replay = await t.api.post('/user/token/refresh', { refresh });
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ detail: 'Token is invalid or expired', code: 'token_not_valid', message: expect.any(String) });

    const signout = await t.api.post('/user/signout/', { refresh: rotated.body.refresh }, { token: rotated.body.access });
    expect(signout.status).toBe(202);
  });

  it('refuses an access token in place of a refresh token, and garbage', async () => {
    const { access } = await signUp(t.api, t.mailbox);
    for (const refresh of [access, 'x.y.z']) {
      const response = await t.api.post('/user/token/refresh/', { refresh });
      expect(response.status).toBe(401);
    }
    const missing = await t.api.post('/user/token/refresh/', {});
    expect(missing.status).toBe(400);
    expect(missing.body.refresh).toEqual(['This field is required.']);
  });
});

describe('token lifetimes', () => {
  it('refuses an access token once it expired', async () => {
    const shortLived = await startTestServer({ SMTP_URL: t.mailbox.url, ACCESS_TOKEN_TTL: '1s' });
    try {
      const client = restClient(shortLived.url);
      const { access, refresh } = await signUp(client, t.mailbox);
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      const response = await client.post('/user/signout/', { refresh }, { token: access });
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('token_not_valid');
      const renewed = await client.post('/user/token/refresh/', { refresh });
      expect(renewed.status).toBe(200);
    } finally {
      await shortLived.close();
    }
  });

  it('refuses a token signed with another key', async () => {
    const other = await startTestServer({ SMTP_URL: t.mailbox.url });
    try {
      const { access, refresh } = await signUp(restClient(other.url), t.mailbox);
      const response = await t.api.post('/user/signout/', { refresh }, { token: access });
      expect(response.status).toBe(401);
    } finally {
      await other.close();
    }
  });
});
