import type { SubscriptionResolver } from '@trpc/client';
import { describeClientError, type ClientErrorInfo } from './errors.js';

/** `connecting`: the socket is (re)connecting, with why the last one was lost; `live`: the server confirmed the subscription. */
export type FollowStatus = 'connecting' | 'live';

export interface FollowOptions<TData> {
  /** Start after this event: an id kept from an earlier session; what came after it is delivered first. */
  after?: string | null;
  /** Each event, once, in order, with its id (keep the last one to resume from it later). */
  onEvent: (data: TData, id: string) => void;
  onStatus?: (status: FollowStatus, error?: ClientErrorInfo) => void;
  /** The subscription ended for good: refused (e.g. the session expired and could not be renewed). */
  onError?: (error: ClientErrorInfo) => void;
}

export interface Following {
  /** The id of the last event delivered, to pass as `after` next time. */
  readonly lastEventId: string | undefined;
  unsubscribe(): void;
}

/** A subscription of the client whose events carry ids: `client.chat.onMessage`, `client.notifications.onNotification`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- admits every subscription's definition: its input is contravariant, so nothing narrower does
type Resumable = { subscribe: SubscriptionResolver<any> };

/** What a subscription delivers: its events' `data`. */
export type EventOf<S extends Resumable> = S extends { subscribe: SubscriptionResolver<infer Def> }
  ? Def['output'] extends EventStream<infer Data>
    ? Data
    : never
  : never;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- whatever the iterable's return and next types are
type EventStream<Data> = AsyncIterable<{ id: string; data: Data }, any, any>;

interface Callbacks {
  onStarted: () => void;
  onData: (event: { id: string; data: unknown }) => void;
  onError: (error: unknown) => void;
  onConnectionStateChange: (state: { state: string; error: unknown }) => void;
}

/**
 * Follows a live feed (`follow(client.chat.onMessage, { onEvent })`): through lost connections,
 * server restarts and token renewals it resumes after the last event delivered, so none is lost
 * or delivered twice.
 */
export function follow<S extends Resumable>(subscription: S, options: FollowOptions<EventOf<S>>): Following {
  let lastEventId = options.after ?? undefined;
  let status: FollowStatus | undefined;
  // Told once per change: a reconnection that takes several attempts is one `connecting`.
  const setStatus = (next: FollowStatus, error?: unknown) => {
    if (next === status) return;
    status = next;
    options.onStatus?.(next, error ? describeClientError(error) : undefined);
  };
  const callbacks: Callbacks = {
    onStarted: () => setStatus('live'),
    onData: (event) => {
      // A replay after a reconnection starts after the last id the client saw; skip any overlap.
      if (lastEventId !== undefined && Number(event.id) <= Number(lastEventId)) return;
      lastEventId = event.id;
      options.onEvent(event.data as EventOf<S>, event.id);
    },
    onError: (error) => options.onError?.(describeClientError(error)),
    onConnectionStateChange: (state) => {
      if (state.state === 'connecting' && state.error) setStatus('connecting', state.error);
    },
  };
  setStatus('connecting');
  const handle = subscription.subscribe(lastEventId ? { lastEventId } : undefined, callbacks as never);
  return {
    get lastEventId() {
      return lastEventId;
    },
    unsubscribe: () => handle.unsubscribe(),
  };
}
