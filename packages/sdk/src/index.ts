import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  httpLink,
  isNonJsonSerializable,
  splitLink,
  TRPCClientError,
  wsLink,
  type HTTPHeaders,
  type TRPCClient,
  type TRPCLink,
} from '@trpc/client';
import { observable, type Unsubscribable } from '@trpc/server/observable';
import superjson from 'superjson';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from './router.js';

export type { AppRouter, ErrorShape } from './router.js';
export { describeClientError, UploadError, type ClientErrorInfo } from './errors.js';
export { uploadMedia, type MediaContentType, type UploadedMedia, type UploadMediaOptions } from './uploads.js';
export { follow, type EventOf, type FollowOptions, type Following, type FollowStatus } from './subscriptions.js';

/** Every procedure's input: `RouterInputs['posts']['create']`. */
export type RouterInputs = inferRouterInputs<AppRouter>;
/** Every procedure's output: `RouterOutputs['auth']['me']`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;

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
  /**
   * Told of the new pair after a renewal: store them (the old refresh token no longer works) so that
   * `getAccessToken` and `refreshToken` return them from now on. Without it the client keeps the
   * renewed pair itself, for as long as it lives.
   */
  onTokens?: (tokens: Tokens) => void;
  /** The WebSocket class for subscriptions, for Node 20 which has none: `import WebSocket from 'ws'`. */
  WebSocket?: typeof globalThis.WebSocket;
  /** A fetch implementation, for environments without a global one. */
  fetch?: typeof fetch;
  /** How long to wait before the n-th attempt to reconnect a lost WebSocket (n = 0, 1, …); default 0, 1 s, 2 s, 4 s … up to 30 s. */
  reconnectDelayMs?: (attempt: number) => number;
}

const codeOf = (error: unknown) => (error instanceof TRPCClientError ? (error.data as { code?: string } | undefined)?.code : undefined);

const isExpiredSession = (error: unknown) => codeOf(error) === 'UNAUTHORIZED';

/** Errors worth subscribing again after: the server or the connection failed, not the request. */
const isTransient = (error: unknown) => {
  const code = codeOf(error);
  return (
    code === undefined ||
    ['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE', 'BAD_GATEWAY', 'GATEWAY_TIMEOUT', 'TIMEOUT', 'TOO_MANY_REQUESTS'].includes(code)
  );
};

const backoff = (attempt: number) => (attempt === 0 ? 0 : Math.min(500 * 2 ** attempt, 30_000));

/**
 * A typed client for every procedure: `client.auth.signin.mutate({ email, password })`,
 * `client.notifications.onNotification.subscribe(...)`. Calls go over HTTP, batched unless they
 * carry a file or ask for `context: { skipBatch: true }`; subscriptions over one WebSocket that
 * reconnects and resumes from the last event each subscription saw.
 */
export function createClient(options: ClientOptions): TRPCClient<AppRouter> {
  const base = options.url.replace(/\/+$/, '');
  // Kept only when the app is not told of renewals (see `onTokens`).
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
        const tokens = (await response.json()) as Tokens;
        if (options.onTokens) options.onTokens(tokens);
        else renewed = tokens;
        return tokens;
      } finally {
        renewal = undefined;
      }
    })());

  /** Retries a call once with a renewed access token when the server says the session expired (subscriptions: below). */
  const renewOnExpiry: TRPCLink<AppRouter> =
    () =>
    ({ next, op }) =>
      op.type === 'subscription'
        ? next(op)
        : observable((observer) => {
            let retried = false;
            let subscription = next(op).subscribe({
              next: (value) => observer.next(value),
              complete: () => observer.complete(),
              error: (error) => {
                if (retried || !isExpiredSession(error)) return observer.error(error);
                retried = true;
                void renew().then(
                  (tokens) => {
                    if (!tokens) return observer.error(error);
                    subscription = next(op).subscribe(observer);
                  },
                  () => observer.error(error),
                );
              },
            });
            return () => subscription.unsubscribe();
          });

  const headers = async (): Promise<HTTPHeaders> => {
    const token = await accessToken();
    return token ? { authorization: `Bearer ${token}` } : {};
  };
  const httpOptions = { url: `${base}/trpc`, transformer: superjson, headers, ...(options.fetch ? { fetch: options.fetch } : {}) };
  const batched = httpBatchLink(httpOptions);
  // Files and large bodies travel alone: a batch is one JSON document.
  const unbatched = httpLink(httpOptions);
  const http = splitLink<AppRouter>({
    condition: (op) => op.context.skipBatch === true || isNonJsonSerializable(op.input),
    true: unbatched,
    false: batched,
  });

  const WebSocketClass = options.WebSocket ?? globalThis.WebSocket;
  if (!WebSocketClass) return createTRPCClient<AppRouter>({ links: [renewOnExpiry, http] });

  const socket = createWSClient({
    url: `${base.replace(/^http/, 'ws')}/trpc`,
    WebSocket: WebSocketClass,
    // Connects on the first subscription and closes when none is left.
    lazy: { enabled: true, closeMs: 0 },
    // Finds a silently dead connection (a phone changing networks) within 20 s.
    keepAlive: { enabled: true, intervalMs: 15_000, pongTimeoutMs: 5_000 },
    retryDelayMs: options.reconnectDelayMs ?? backoff,
    // Read at every (re)connection, so a renewed token is used from the next one on.
    connectionParams: async () => ({ token: (await accessToken()) ?? '' }),
  });

  /** A new socket, with the current token in its connection params; its subscriptions move to it. */
  const reopenSocket = () =>
    new Promise<void>((reopened) => {
      const ws = socket.connection?.ws;
      if (!ws || ws.readyState === ws.CLOSED) return reopened();
      ws.addEventListener('close', () => reopened(), { once: true });
      ws.close();
    });

  /**
   * Keeps a subscription going through what the WebSocket client cannot handle alone: the server
   * refusing it once the access token expired (renewed, then subscribed again on a new socket), and
   * server errors (subscribed again after a pause). Either way it resumes after the last event seen.
   */
  const resumeSubscriptions: TRPCLink<AppRouter> =
    () =>
    ({ next, op }) => {
      if (op.type !== 'subscription') return next(op);
      return observable((observer) => {
        let lastEventId: string | undefined;
        let failures = 0;
        let renewedForThis = false;
        let stopped = false;
        let current: Unsubscribable | undefined;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const attempt = () => {
          if (stopped) return;
          const input = lastEventId ? { ...(op.input as object | undefined), lastEventId } : op.input;
          current = next({ ...op, input }).subscribe({
            next: (envelope) => {
              // Tracked events carry their id in the envelope (a string; a number made text all the same).
              const result = envelope.result as { type?: string; id?: string | number };
              if (result.type === 'started' || result.type === 'data' || result.type === undefined) {
                failures = 0;
                renewedForThis = false;
              }
              if ((result.type === 'data' || result.type === undefined) && result.id !== undefined) lastEventId = String(result.id);
              observer.next(envelope);
            },
            complete: () => observer.complete(),
            error: (error) => {
              if (stopped) return;
              if (isExpiredSession(error) && !renewedForThis) {
                renewedForThis = true;
                void renew().then(
                  async (tokens) => {
                    if (!tokens) return observer.error(error);
                    await reopenSocket();
                    attempt();
                  },
                  () => observer.error(error),
                );
                return;
              }
              if (!isTransient(error)) return observer.error(error);
              timer = setTimeout(attempt, backoff(++failures));
            },
          });
        };
        attempt();
        return () => {
          stopped = true;
          clearTimeout(timer);
          current?.unsubscribe();
        };
      });
    };

  return createTRPCClient<AppRouter>({
    links: [
      renewOnExpiry,
      resumeSubscriptions,
      splitLink({ condition: (op) => op.type === 'subscription', true: wsLink({ transformer: superjson, client: socket }), false: http }),
    ],
  });
}

export type CareerNexusClient = ReturnType<typeof createClient>;
