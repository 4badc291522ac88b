import { afterAll, beforeAll, expect, it } from 'vitest';
import { restClient, type RestClient } from './support/http.js';
import { codeOf, startMailbox, type Mailbox } from './support/mailbox.js';
import { PASSWORD, signUp, uniqueEmail } from './support/flows.js';
import { startTestServer, type TestServer } from './support/test-server.js';

// Codes live one second here, so expiry is observed for real.
let server: TestServer;
let mailbox: Mailbox;
let api: RestClient;

beforeAll(async () => {
  mailbox = await startMailbox();
  server = await startTestServer({ SMTP_URL: mailbox.url, OTP_TTL: '1s' });
  api = restClient(server.url);
});
afterAll(async () => {
  await server?.close();
  await mailbox?.close();
});

const afterExpiry = () => new Promise((resolve) => setTimeout(resolve, 1_200));

it('an expired signup code is refused and voided', async () => {
  const email = uniqueEmail();
  await api.post('/user/signup/', { email, password1: PASSWORD, password2: PASSWORD });
  const mail = await mailbox.waitFor(email);
  expect(mail.text).toContain('This code will expire in 1 seconds.');
  const { otp } = codeOf(mail);
  await afterExpiry();
  const expired = await api.post('/user/signup/', { email, password1: PASSWORD, password2: PASSWORD, otp });
  expect(expired.status).toBe(400);
  expect(expired.body).toEqual({ 'OTP Error': 'Expired OTP', message: 'Expired OTP' });
  const again = await api.post('/user/signup/', { email, password1: PASSWORD, password2: PASSWORD, otp });
  expect(again.body['OTP Error']).toBe('Invalid OTP');
});

it('an expired signup link is refused', async () => {
  const email = uniqueEmail();
  await api.post('/user/signup/', { email, password1: PASSWORD, password2: PASSWORD });
  const { link } = codeOf(await mailbox.waitFor(email));
  await afterExpiry();
  const response = await api.post('/user/hash/verify/', { hash: link });
  expect(response.status).toBe(400);
  expect(response.body).toEqual({ non_field_errors: ['Link Expired'], message: 'Link Expired' });
});

it('an expired reset code is refused, and so is a change requested too long after verifying', async () => {
  const { email } = await signUp(api, mailbox);
  await api.post('/user/forget-password/', { email });
  const first = codeOf(await mailbox.waitFor(email, 'Password Reset Request'));
  await afterExpiry();
  const expired = await api.post('/user/forget-password/', { otp: first.otp });
  expect(expired.body).toEqual({ non_field_errors: ['Expired OTP'], message: 'Expired OTP' });

  await api.post('/user/forget-password/', { email });
  const second = codeOf(await mailbox.waitFor(email, 'Password Reset Request'));
  expect((await api.post('/user/forget-password/', { email, otp: second.otp, password1: '' })).body.status).toBe(
    'Reset Password OTP sent.',
  );
  const third = codeOf(await mailbox.waitFor(email, 'Password Reset Request'));
  expect((await api.post('/user/forget-password/', { hash: third.link })).body.status).toBe('Verified');
  await afterExpiry();
  const late = await api.post('/user/forget-password/', { email, password1: 'N3wPassword', password2: 'N3wPassword' });
  expect(late.body.non_field_errors).toEqual(['Expired Request']);
  const cleared = await api.post('/user/forget-password/', { email, password1: 'N3wPassword', password2: 'N3wPassword' });
  expect(cleared.body.non_field_errors).toEqual(['Cannot change password. Request new otp.']);
});
