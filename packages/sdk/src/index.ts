import type { AppRouter } from '@careernexus/api';
import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  splitLink,
  TRPCClientError,
  wsLink,
  type TRPCClient,
  type TRPCLink,
} from '@trpc/client';
import { observable } from '@trpc/server/observable';
import superjson from 'superjson';

export type { AppRouter };

export interface Tokens {
  access: string;
  refresh: string;
}

type MaybePromise<T> = T | Promise<T>;

export interface ClientOptions {
  /** The server's base URL, e.g. https://api.career-nexus.com */
  url: string;
  /** The current access token, sent as `Authorization: Bearer …` (and to WebSockets). */
  getAccessToken?: () => MaybePromise<string | null | undefined>;
  /** The current refresh token: with it, an expired access token is renewed once and the call retried. */
  refreshToken?: () => MaybePromise<string | null | undefined>;
  /** Told of the new pair after a renewal; store them (the old refresh token no longer works). */
  onTokens?: (tokens: Tokens) => void;
  /** The WebSocket class for subscriptions, for Node 20 which has none: `import WebSocket from 'ws'`. */
  WebSocket?: typeof globalThis.WebSocket;
  /** A fetch implementation, for environments without a global one. */
  fetch?: typeof fetch;
}

const isExpiredSession = (error: unknown) =>
  error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === 'UNAUTHORIZED';

/**
 * A typed client for every procedure: `client.auth.signin.mutate({ email, password })`,
 * `client.notifications.onNotification.subscribe(...)`. Calls go over HTTP (batched),
 * subscriptions over one WebSocket that reconnects and resumes from the last event it saw.
 */
export function createClient(options: ClientOptions): TRPCClient<AppRouter> {
  const base = options.url.replace(/\/+$/, '');
  // Tokens renewed here win over what getAccessToken returns until the app stores them.
  let renewed: Tokens | undefined;
  let renewal: Promise<Tokens | undefined> | undefined;
  const accessToken = async () => renewed?.access ?? (await options.getAccessToken?.()) ?? undefined;

  /** One renewal at a time, shared by every call that found its token expired. */
  const renew = () =>
    (renewal ??= (async () => {
      try {
        const refresh = renewed?.refresh ?? (await options.refreshToken?.());
        if (!refresh) return undefined;
        const response = await (options.fetch ?? fetch)(`${base}/user/token/refresh/`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refresh }),
        });
        if (!response.ok) return undefined;
        renewed = (await response.json()) as Tokens;
        options.onTokens?.(renewed);
        return renewed;
      } finally {
        renewal = undefined;
      }
    })());

  /** Retries a call once with a renewed access token when the server says the session expired. */
  const renewOnExpiry: TRPCLink<AppRouter> = () => ({ next, op }) =>
    observable((observer) => {
      let retried = false;
      let subscription = next(op).subscribe({
        next: (value) => observer.next(value),
        complete: () => observer.complete(),
        error: (error) => {
          if (retried || op.type === 'subscription' || !isExpiredSession(error)) return observer.error(error);
          retried = true;
          void renew().then((tokens) => {
            if (!tokens) return observer.error(error);
            subscription = next(op).subscribe(observer);
          }, () => observer.error(error));
        },
      });
      return () => subscription.unsubscribe();
    });

  const http = httpBatchLink({
    url: `${base}/trpc`,
    transformer: superjson,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    headers: async () => {
      const token = await accessToken();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
  });

  const WebSocketClass = options.WebSocket ?? globalThis.WebSocket;
  const subscriptions = WebSocketClass
    ? wsLink({
        transformer: superjson,
        client: createWSClient({
          url: `${base.replace(/^http/, 'ws')}/trpc`,
          WebSocket: WebSocketClass,
          // Connects on the first subscription and closes when none is left.
          lazy: { enabled: true, closeMs: 0 },
          connectionParams: async () => ({ token: (await accessToken()) ?? '' }),
        }),
      })
    : undefined;

  return createTRPCClient<AppRouter>({
    links: [
      renewOnExpiry,
      subscriptions ? splitLink({ condition: (op) => op.type === 'subscription', true: subscriptions, false: http }) : http,
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
