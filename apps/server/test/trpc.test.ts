import type { AppRouter } from '@careernexus/api';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import { expect, it } from 'vitest';
import { codeOf } from './support/mailbox.js';
import { PASSWORD, uniqueEmail } from './support/flows.js';
import { useServer } from './support/fixture.js';

const t = useServer();

function client(getToken: () => string | undefined = () => undefined) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${t.server.url}/trpc`,
        transformer: superjson,
        headers: () => {
          const token = getToken();
          return token ? { authorization: `Bearer ${token}` } : {};
        },
      }),
    ],
  });
}

async function failureOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return error as TRPCClientError<AppRouter>;
}

it('signs up, signs in, refreshes and signs out through /trpc', async () => {
  // Read by the client on every call; set once signed in.
  const auth: { token?: string } = {};
  const trpc = client(() => auth.token);
  const email = uniqueEmail('trpc');

  const sent = await trpc.auth.signup.mutate({ email, password1: PASSWORD, password2: PASSWORD });
  expect(sent).toEqual({ status: 'Otp sent' });
  const { otp } = codeOf(await t.mailbox.waitFor(email));
  const created = await trpc.auth.signup.mutate({ email, password1: PASSWORD, password2: PASSWORD, otp });
  expect(created).toMatchObject({ status: 'Success', email });

  const session = await trpc.auth.signin.mutate({ email, password: PASSWORD });
  expect(session.user).toBe(email);
  const rotated = await trpc.auth.refreshToken.mutate({ refresh: session.refresh });
  auth.token = rotated.access;
  expect(await trpc.auth.signout.mutate({ refresh: rotated.refresh })).toEqual({ status: 'Logged out' });

  const afterSignout = await failureOf(trpc.auth.signout.mutate({ refresh: rotated.refresh }));
  expect(afterSignout.data?.code).toBe('UNAUTHORIZED');
  expect(afterSignout.data?.httpStatus).toBe(401);
});

it('reports errors in tRPC’s shape, with the field errors under data.body and no stack', async () => {
  const trpc = client();
  const invalid = await failureOf(trpc.auth.signup.mutate({ email: 'nope', password1: '', password2: 'x' }));
  expect(invalid.data?.code).toBe('BAD_REQUEST');
  expect(invalid.data?.body).toMatchObject({ email: ['Enter a valid email address.'], password1: ['This field may not be blank.'] });
  expect(invalid.message).toContain('email: Enter a valid email address.');
  expect(invalid.data).not.toHaveProperty('stack');

  const wrong = await failureOf(trpc.auth.signin.mutate({ email: uniqueEmail('none'), password: PASSWORD }));
  expect(wrong.data?.httpStatus).toBe(400);
  expect(wrong.data?.body).toEqual({ non_field_errors: ['Invalid Credentials'] });
  expect(wrong.message).toBe('Invalid Credentials');
});

it('batches several calls in one request', async () => {
  const trpc = client();
  const [a, b] = await Promise.allSettled([
    trpc.auth.signin.mutate({ email: uniqueEmail('a'), password: PASSWORD }),
    trpc.auth.forgetPassword.mutate({}),
  ]);
  expect(a.status).toBe('rejected');
  expect(b.status).toBe('rejected');
  expect((b as PromiseRejectedResult).reason.message).toBe('Invalid Request!');
});

it('answers what is refused before tRPC reads the request (too large, of another type) in tRPC’s shape, one error per batched call', async () => {
  const tooLarge = await failureOf(client().auth.signin.mutate({ email: uniqueEmail('large'), password: 'x'.repeat(1_100_000) }));
  expect(tooLarge.data?.code).toBe('PAYLOAD_TOO_LARGE');
  expect(tooLarge.data?.httpStatus).toBe(413);
  expect(tooLarge.message).toBe('Request body is too large.');

  const post = (path: string, body: string, type = 'application/json') =>
    fetch(`${t.server.url}/trpc/${path}`, { method: 'POST', headers: { 'content-type': type }, body });
  const plainText = await post('auth.signin', 'hello', 'text/plain');
  expect(plainText.status).toBe(415);
  const single = (await plainText.json()) as { error: { json: { message: string; data: { code: string; path: string } } } };
  expect(single.error.json.message).toBe('Unsupported media type "text/plain" in request.');
  expect(single.error.json.data).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', path: 'auth.signin' });

  const batch = await post('auth.signin,auth.forgetPassword?batch=1', JSON.stringify({ 0: { json: { password: 'x'.repeat(1_100_000) } } }));
  expect(batch.status).toBe(413);
  const errors = (await batch.json()) as Array<{ error: { json: { data: { code: string; path: string } } } }>;
  expect(errors.map((entry) => entry.error.json.data)).toMatchObject([
    { code: 'PAYLOAD_TOO_LARGE', path: 'auth.signin' },
    { code: 'PAYLOAD_TOO_LARGE', path: 'auth.forgetPassword' },
  ]);
});
