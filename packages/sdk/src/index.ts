import type { AppRouter } from '@careernexus/api';
import { createTRPCClient, httpBatchLink, TRPCClientError, type TRPCClient } from '@trpc/client';
import superjson from 'superjson';

export type { AppRouter };

export interface ClientOptions {
  /** The server's base URL, e.g. https://api.career-nexus.com */
  url: string;
  /** Called before each request; the token is sent as `Authorization: Bearer …`. */
  getAccessToken?: () => string | null | undefined | Promise<string | null | undefined>;
  /** A fetch implementation, for environments without a global one. */
  fetch?: typeof fetch;
}

/** A typed client for every procedure: `client.auth.signin.mutate({ email, password })`. */
export function createClient(options: ClientOptions): TRPCClient<AppRouter> {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${options.url.replace(/\/+$/, '')}/trpc`,
        transformer: superjson,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        headers: async () => {
          const token = await options.getAccessToken?.();
          return token ? { authorization: `Bearer ${token}` } : {};
        },
      }),
    ],
  });
}

export type CareerNexusClient = ReturnType<typeof createClient>;

/** What a UI shows for a failed call: the message, and per-field messages when the input was refused. */
export function describeClientError(error: unknown): { code: string; message: string; fields: Record<string, string[]> } {
  if (!(error instanceof TRPCClientError)) return { code: 'UNKNOWN', message: String(error), fields: {} };
  const data = error.data as { code?: string; body?: Record<string, unknown> } | undefined;
  const fields: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(data?.body ?? {})) {
    if (Array.isArray(value)) fields[key] = value.map(String);
  }
  return { code: data?.code ?? 'UNKNOWN', message: error.message, fields };
}
