import { expect } from 'vitest';
import type { RestClient } from './http.js';
import { codeOf, type Mailbox } from './mailbox.js';

export const PASSWORD = 'Str0ngPass';

let counter = 0;
/** An e-mail address no other test uses. */
export const uniqueEmail = (label = 'user') => `${label}.${process.pid}.${Date.now()}.${++counter}@example.test`;

/** Both signup steps, reading the code from the mailbox; returns the 201 body. */
export async function signUp(api: RestClient, mailbox: Mailbox, email = uniqueEmail(), password = PASSWORD) {
  const step1 = await api.post('/user/signup/', { email, password1: password, password2: password });
  expect(step1.status, JSON.stringify(step1.body)).toBe(201);
  const { otp } = codeOf(await mailbox.waitFor(email, 'Verify your Email'));
  const step2 = await api.post('/user/signup/', { email, password1: password, password2: password, otp });
  expect(step2.status, JSON.stringify(step2.body)).toBe(201);
  return { email, password, ...(step2.body as { access: string; refresh: string; user: string }) };
}
