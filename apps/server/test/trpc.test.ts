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
  let token: string | undefined;
  const trpc = client(() => token);
  const email = uniqueEmail('trpc');

  const sent = await trpc.auth.signup.mutate({ email, password1: PASSWORD, password2: PASSWORD });
  expect(sent).toEqual({ status: 'Otp sent' });
  const { otp } = codeOf(await t.mailbox.waitFor(email));
  const created = await trpc.auth.signup.mutate({ email, password1: PASSWORD, password2: PASSWORD, otp });
  expect(created).toMatchObject({ status: 'Success', email });

  const session = await trpc.auth.signin.mutate({ email, password: PASSWORD });
  expect(session.user).toBe(email);
  const rotated = await trpc.auth.refreshToken.mutate({ refresh: session.refresh });
  token = rotated.access;
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
