import { describe, expect, it } from 'vitest';
import { codeOf } from './support/mailbox.js';
import { PASSWORD, signUp, uniqueEmail } from './support/flows.js';
import { useServer } from './support/fixture.js';

const t = useServer();

const NEW_PASSWORD = 'N3wPassword';
const reset = (body: Record<string, unknown>) => t.api.post('/user/forget-password/', body);

/** R1: asks for a code and reads it from the mail. */
async function requestCode(email: string) {
  const response = await reset({ email });
  expect(response.status).toBe(200);
  expect(response.body).toEqual({ status: 'Reset Password OTP sent.', email });
  const mail = await t.mailbox.waitFor(email, 'Password Reset Request');
  expect(mail.text).toContain('This code will expire in 5 minutes.');
  return codeOf(mail);
}

const waitForNextSecond = () => new Promise((resolve) => setTimeout(resolve, 1_050 - (Date.now() % 1000)));

describe('forget-password', () => {
  it('R1 → R2 (code alone, as clients send it) → R4 changes the password and ends every session', async () => {
    const account = await signUp(t.api, t.mailbox);
    await waitForNextSecond();
    const { otp } = await requestCode(account.email);

    const verified = await reset({ otp });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ status: 'Verified', email: account.email });

    const changed = await reset({ email: account.email, password1: NEW_PASSWORD, password2: NEW_PASSWORD });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ status: 'Password Changed', email: account.email });

    expect((await t.api.post('/user/signin/', { email: account.email, password: PASSWORD })).status).toBe(400);
    expect((await t.api.post('/user/signin/', { email: account.email, password: NEW_PASSWORD })).status).toBe(200);
    expect((await t.api.post('/user/token/refresh/', { refresh: account.refresh })).status).toBe(401);
    expect((await t.api.post('/user/signout/', { refresh: account.refresh }, { token: account.access })).status).toBe(401);

    const again = await reset({ email: account.email, password1: NEW_PASSWORD, password2: NEW_PASSWORD });
    expect(again.status).toBe(400);
    expect(again.body.non_field_errors).toEqual(['Cannot change password. Request new otp.']);
  });

  it('R2 with the e-mail: the code must belong to that e-mail', async () => {
    const alice = await signUp(t.api, t.mailbox);
    const bob = await signUp(t.api, t.mailbox);
    const { otp } = await requestCode(alice.email);
    // With a password present R1 does not apply, so the e-mail scopes the code check.
    const mismatched = await reset({ email: bob.email, otp, password1: NEW_PASSWORD });
    expect(mismatched.status).toBe(400);
    expect(mismatched.body).toEqual({ non_field_errors: ['Invalid OTP'], message: 'Invalid OTP' });
    const matched = await reset({ email: alice.email.toUpperCase(), otp, password1: NEW_PASSWORD });
    expect(matched.body).toEqual({ status: 'Verified', email: alice.email });
  });

  it('R3 verifies the mailed link', async () => {
    const { email } = await signUp(t.api, t.mailbox);
    const { link } = await requestCode(email);
    const verified = await reset({ hash: link });
    expect(verified.body).toEqual({ status: 'Verified', email });
    const reused = await reset({ hash: link });
    expect(reused.status).toBe(400);
    expect(reused.body.non_field_errors).toEqual(['Invalid OTP']);
  });

  it('R1 wins over a code sent with only the e-mail (the original rule order), and replaces the code', async () => {
    const { email } = await signUp(t.api, t.mailbox);
    const first = await requestCode(email);
    const resent = await reset({ email, otp: first.otp });
    expect(resent.body.status).toBe('Reset Password OTP sent.');
    const second = codeOf(await t.mailbox.waitFor(email, 'Password Reset Request'));
    if (second.otp !== first.otp) expect((await reset({ otp: first.otp })).status).toBe(400);
    expect((await reset({ otp: second.otp })).body.status).toBe('Verified');
  });

  it('refuses unknown e-mails at R1 and R4 with 400, not 500', async () => {
    const unknown = uniqueEmail('nobody');
    const r1 = await reset({ email: unknown });
    expect(r1.status).toBe(400);
    expect(r1.body).toEqual({ non_field_errors: ['Unregistered Email'], message: 'Unregistered Email' });
    const r4 = await reset({ email: unknown, password1: NEW_PASSWORD, password2: NEW_PASSWORD });
    expect(r4.status).toBe(400);
    expect(r4.body.non_field_errors).toEqual(['Unregistered Email']);
  });

  it('R4 without a verified code, with unmatched or weak passwords', async () => {
    const { email } = await signUp(t.api, t.mailbox);
    const early = await reset({ email, password1: NEW_PASSWORD, password2: NEW_PASSWORD });
    expect(early.body.non_field_errors).toEqual(['Cannot change password. Request new otp.']);

    const { otp } = await requestCode(email);
    await reset({ otp });
    const unmatched = await reset({ email, password1: NEW_PASSWORD, password2: `${NEW_PASSWORD}x` });
    expect(unmatched.body.non_field_errors).toEqual(['Unmatched passwords']);
    const weak = await reset({ email, password1: 'weakpass', password2: 'weakpass' });
    expect(weak.body.non_field_errors).toEqual(['Password must contain upper case character']);
    // The eligibility survives those mistakes.
    const changed = await reset({ email, password1: NEW_PASSWORD, password2: NEW_PASSWORD });
    expect(changed.body.status).toBe('Password Changed');
  });

  it('R5: nothing usable is an invalid request; a malformed e-mail is a field error', async () => {
    for (const body of [{}, { password1: NEW_PASSWORD }, { email: '', otp: '' }]) {
      const response = await reset(body);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ non_field_errors: ['Invalid Request!'], message: 'Invalid Request!' });
    }
    const malformed = await reset({ email: 'nope' });
    expect(malformed.body.email).toEqual(['Enter a valid email address.']);
  });

  it('a signup code is not a reset code', async () => {
    const email = uniqueEmail();
    await t.api.post('/user/signup/', { email, password1: PASSWORD, password2: PASSWORD });
    const { otp, link } = codeOf(await t.mailbox.waitFor(email, 'Verify your Email'));
    expect((await reset({ otp })).body.non_field_errors).toEqual(['Invalid OTP']);
    expect((await reset({ hash: link })).body.non_field_errors).toEqual(['Invalid OTP']);
  });
});
