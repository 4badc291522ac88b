import { describe, expect, it } from 'vitest';
import { decodeJwt } from './support/http.js';
import { codeOf } from './support/mailbox.js';
import { PASSWORD, signUp, uniqueEmail } from './support/flows.js';
import { useServer } from './support/fixture.js';

const t = useServer();

const step1 = (email: string, password1 = PASSWORD, password2 = password1) => t.api.post('/user/signup/', { email, password1, password2 });

describe('signup step 1', () => {
  it('mails a 6-digit code with its expiry and a link built from PUBLIC_URL', async () => {
    const email = uniqueEmail();
    const response = await step1(email);
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ status: 'Otp sent' });
    const mail = await t.mailbox.waitFor(email);
    expect(mail.subject).toBe('Verify your Email');
    expect(mail.text).toContain('This code will expire in 5 minutes.');
    const { otp, link } = codeOf(mail);
    expect(otp).toMatch(/^\d{6}$/);
    expect(mail.text).toContain(`${t.server.url}/verify/${link}`);
    expect(mail.html).toContain(otp);
  });

  it('refuses an e-mail that already has an account, whatever its case', async () => {
    const { email } = await signUp(t.api, t.mailbox);
    const response = await step1(email.toUpperCase());
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ email: ['Existing Email!'], message: 'Existing Email!' });
  });

  it.each([
    ['Ab1', 'Passwords cannot be less than 6 characters'],
    ['abcdef1', 'Password must contain upper case character'],
    ['ABCDEF1', 'Password must contain lower case character'],
    ['Abcdefg', 'Password must contain an Integer'],
  ])('refuses the weak password %s with the original message', async (password, message) => {
    const response = await step1(uniqueEmail(), password);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ non_field_errors: [message], message });
  });

  it('refuses mismatched passwords', async () => {
    const response = await step1(uniqueEmail(), PASSWORD, `${PASSWORD}x`);
    expect(response.status).toBe(400);
    expect(response.body['Password Mismatch']).toEqual(['Passwords must be the same']);
    expect(response.body.message).toBe('Passwords must be the same');
  });

  it('names every missing or malformed field', async () => {
    const response = await t.api.post('/user/signup/', { email: 'not-an-email', rememberMe: true });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      email: ['Enter a valid email address.'],
      password1: ['This field is required.'],
      password2: ['This field is required.'],
    });
    expect(response.body.message).toContain('password1: This field is required.');
  });

  it('stores neither the password nor the code in plain text', async () => {
    const email = uniqueEmail();
    await step1(email);
    const { otp, link } = codeOf(await t.mailbox.waitFor(email));
    const row = await t.server.database.db.selectFrom('otp_codes').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(PASSWORD);
    expect(stored).not.toContain(otp);
    expect(stored).not.toContain(link);
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });
});

describe('signup step 2', () => {
  it('creates the account and profile, and signs in with HS256 tokens carrying the original claims', async () => {
    const { email, access, refresh, user } = await signUp(t.api, t.mailbox);
    expect(user).toBe(email);
    const accessClaims = decodeJwt(access);
    const refreshClaims = decodeJwt(refresh);
    expect(JSON.parse(Buffer.from(access.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'HS256' });
    expect(accessClaims).toMatchObject({ token_type: 'access', user_id: expect.any(Number) });
    expect(accessClaims.jti).toMatch(/^[0-9a-f]{32}$/);
    expect(Number(accessClaims.exp) - Number(accessClaims.iat)).toBe(6 * 3600);
    expect(refreshClaims).toMatchObject({ token_type: 'refresh', user_id: accessClaims.user_id });
    expect(Number(refreshClaims.exp) - Number(refreshClaims.iat)).toBe(86400);

    const account = await t.server.database.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ id: accessClaims.user_id, user_type: 'learner', industry: 'others' });
    expect(account.password_hash).toMatch(/^\$argon2id\$/);
    const profile = await t.server.database.db.selectFrom('profiles').selectAll().where('user_id', '=', account.id).executeTakeFirst();
    expect(profile?.user_id).toBe(account.id);
    expect(await t.server.database.db.selectFrom('otp_codes').select('id').where('email', '=', email).execute()).toHaveLength(0);
  });

  it('lower-cases the e-mail and returns it under both "email" and "user"', async () => {
    const email = uniqueEmail('MixedCase');
    await step1(email);
    const { otp } = codeOf(await t.mailbox.waitFor(email.toLowerCase()));
    const response = await t.api.post('/user/signup/', { email, password1: PASSWORD, password2: PASSWORD, otp });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ email: email.toLowerCase(), user: email.toLowerCase(), status: 'Success' });
  });

  it('refuses a wrong code, and a code of another e-mail', async () => {
    const mine = uniqueEmail();
    const theirs = uniqueEmail();
    await step1(mine);
    await step1(theirs);
    const { otp: theirCode } = codeOf(await t.mailbox.waitFor(theirs));
    const { otp: myCode } = codeOf(await t.mailbox.waitFor(mine));
    const wrong = theirCode === myCode ? String((Number(myCode) + 1) % 1e6).padStart(6, '0') : theirCode;
    const response = await t.api.post('/user/signup/', { email: mine, password1: PASSWORD, password2: PASSWORD, otp: wrong });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ 'OTP Error': 'Invalid OTP', message: 'Invalid OTP' });
  });

  it('asking again replaces the earlier code', async () => {
    const email = uniqueEmail();
    await step1(email);
    const first = codeOf(await t.mailbox.waitFor(email));
    await step1(email);
    const second = codeOf(await t.mailbox.waitFor(email));
    if (first.otp !== second.otp) {
      const stale = await t.api.post('/user/signup/', { email, password1: PASSWORD, password2: PASSWORD, otp: first.otp });
      expect(stale.status).toBe(400);
    }
    const stale = await t.api.post('/user/hash/verify/', { hash: first.link });
    expect(stale.status).toBe(400);
    const fresh = await t.api.post('/user/signup/', { email, password1: PASSWORD, password2: PASSWORD, otp: second.otp });
    expect(fresh.status).toBe(201);
  });

  it('allows five wrong codes; the sixth voids the code', async () => {
    const email = uniqueEmail();
    await step1(email);
    const { otp } = codeOf(await t.mailbox.waitFor(email));
    const wrong = String((Number(otp) + 1) % 1e6).padStart(6, '0');
    const attempt = (code: string) => t.api.post('/user/signup/', { email, password1: PASSWORD, password2: PASSWORD, otp: code });
    for (let i = 0; i < 5; i++) expect((await attempt(wrong)).body['OTP Error']).toBe('Invalid OTP');
    const sixth = await attempt(wrong);
    expect(sixth.status).toBe(400);
    expect(sixth.body['OTP Error']).toMatch(/Request a new OTP/);
    const right = await attempt(otp);
    expect(right.status).toBe(400);
    expect(right.body['OTP Error']).toBe('Invalid OTP');
    expect(await t.server.database.db.selectFrom('users').select('id').where('email', '=', email).execute()).toHaveLength(0);
  });

  it('five wrong codes still leave the right one usable', async () => {
    const email = uniqueEmail();
    await step1(email);
    const { otp } = codeOf(await t.mailbox.waitFor(email));
    const wrong = String((Number(otp) + 1) % 1e6).padStart(6, '0');
    for (let i = 0; i < 5; i++) await t.api.post('/user/signup/', { email, password1: PASSWORD, password2: PASSWORD, otp: wrong });
    const right = await t.api.post('/user/signup/', { email, password1: PASSWORD, password2: PASSWORD, otp });
    expect(right.status).toBe(201);
  });

  it('two simultaneous confirmations of one e-mail create one account', async () => {
    const email = uniqueEmail();
    await step1(email);
    const { otp, link } = codeOf(await t.mailbox.waitFor(email));
    const confirm = () => t.api.post('/user/signup/', { email, password1: PASSWORD, password2: PASSWORD, otp });
    const responses = await Promise.all([confirm(), confirm(), t.api.post('/user/hash/verify/', { hash: link }), confirm()]);
    expect(responses.map((r) => r.status).sort()).toEqual([201, 400, 400, 400]);
    expect(await t.server.database.db.selectFrom('users').select('id').where('email', '=', email).execute()).toHaveLength(1);
  });

  it('two simultaneous signups of one e-mail, each with its own code, create one account', async () => {
    const email = uniqueEmail();
    // Two clients race through step 1: the second code replaces the first, so one of them wins.
    await Promise.all([step1(email), step1(email)]);
    await t.mailbox.waitFor(email);
    const { otp } = codeOf(await t.mailbox.waitFor(email));
    const results = await Promise.all(
      [0, 1, 2].map(() => t.api.post('/user/signup/', { email, password1: PASSWORD, password2: PASSWORD, otp })),
    );
    expect(results.filter((r) => r.status === 201).length).toBeLessThanOrEqual(1);
    const accounts = await t.server.database.db.selectFrom('users').select('id').where('email', '=', email).execute();
    expect(accounts.length).toBe(results.filter((r) => r.status === 201).length);
  });
});

describe('hash verify', () => {
  it('creates the account from the link with the password chosen at step 1', async () => {
    const email = uniqueEmail();
    await step1(email);
    const { link } = codeOf(await t.mailbox.waitFor(email));
    const response = await t.api.post('/user/hash/verify/', { hash: link });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ email, user: email, status: 'Success', access: expect.any(String), refresh: expect.any(String) });
    const signin = await t.api.post('/user/signin/', { email, password: PASSWORD });
    expect(signin.status).toBe(200);
    const again = await t.api.post('/user/hash/verify/', { hash: link });
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ non_field_errors: ['Invalid Link'], message: 'Invalid Link' });
  });

  it('refuses an unknown link and a missing one', async () => {
    const unknown = await t.api.post('/user/hash/verify/', { hash: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.body).toEqual({ non_field_errors: ['Invalid Link'], message: 'Invalid Link' });
    const missing = await t.api.post('/user/hash/verify/', {});
    expect(missing.status).toBe(400);
    expect(missing.body.hash).toEqual(['This field is required.']);
  });

  it('does not accept a password-reset link', async () => {
    const { email } = await signUp(t.api, t.mailbox);
    await t.api.post('/user/forget-password/', { email });
    const { link } = codeOf(await t.mailbox.waitFor(email, 'Password Reset Request'));
    const response = await t.api.post('/user/hash/verify/', { hash: link });
    expect(response.status).toBe(400);
    expect(response.body.non_field_errors).toEqual(['Invalid Link']);
  });
});
