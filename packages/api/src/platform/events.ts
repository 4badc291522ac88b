import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';

/** Something that happened for one user, for whoever delivers it live (sockets, subscriptions). */
export interface UserEvent {
  userId: number;
  type: string;
  payload: Record<string, unknown>;
}

export interface EventBus {
  publish(event: UserEvent): Promise<void>;
  /**
   * Calls `handler` for every event of `userId` until the returned function is called; resolves
   * once events published from then on are sure to arrive.
   */
  subscribe(userId: number, handler: (event: UserEvent) => void): Promise<() => void>;
  /**
   * Tells every process (this one at once) that what it remembers of an account or a token is
   * stale; resolves once the other processes are sure to hear it before any later request.
   */
  revoke(revocation: Revocation): Promise<void>;
  /** `handler` hears every revocation, and `{ all: true }` when some may have been missed. */
  onRevocation(handler: (revocation: Revocation) => void): void;
  /** False while revocations from other processes could go unheard (Redis away): trust no memo then. */
  hearsRevocations(): boolean;
  close(): Promise<void>;
}

/** A sign-out (one token), the end of an account's sessions or a change to it, or everything. */
export type Revocation = { tokenId: string } | { userId: number } | { all: true };

/** Events within this process only; a Redis implementation carries them between processes. */
export function createLocalEventBus(metrics?: Metrics): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    // eslint-disable-next-line @typescript-eslint/require-await -- async so that a handler that throws rejects the promise (callers .catch it), as with Redis
    async publish(event) {
      metrics?.eventsPublished.inc();
      emitter.emit(`user:${event.userId}`, event);
    },
    // eslint-disable-next-line @typescript-eslint/require-await -- async as with Redis
    async revoke(revocation) {
      emitter.emit('revocation', revocation);
    },
    onRevocation(handler) {
      emitter.on('revocation', handler);
    },
    hearsRevocations: () => true,
    subscribe(userId, handler) {
      emitter.on(`user:${userId}`, handler);
      return Promise.resolve(() => emitter.off(`user:${userId}`, handler));
    },
    close: () => {
      emitter.removeAllListeners();
      return Promise.resolve();
    },
  };
}

/**
 * Events through Redis pub/sub, so a socket held by one process hears what another process
 * published. A process subscribes to a user's channel while it holds a listener for that user.
 *
 * Redis only carries events to other processes: this process's own listeners hear an event
 * directly, so realtime within a process never waits on Redis nor stops with it. Nothing is
 * queued while Redis is away (those events do not reach other processes; stored notifications
 * can be read again), and every reconnection subscribes again to the channels listened to now.
 *
 * Revocations travel on one channel every process listens to. While that subscription is down a
 * process may miss some, so it says it hears none (`hearsRevocations`) and, once back, that all
 * it remembers is stale.
 */
export function createRedisEventBus(url: string, prefix: string, log: Logger, metrics?: Metrics): EventBus {
  const channelOf = (userId: number) => `${prefix}:user:${userId}`;
  const revocations = `${prefix}:revocations`;
  const origin = randomUUID();
  // Uncounted: an event is counted once, where it is published.
  const local = createLocalEventBus();
  const options = {
    enableOfflineQueue: false,
    // A command in flight when the connection drops fails at once rather than being resent later.
    maxRetriesPerRequest: 0,
    autoResubscribe: false,
    // A Redis that stops answering must not hold a socket's opening.
    commandTimeout: 2_000,
    retryStrategy: (times: number) => Math.min(times * 200, 2_000),
  };
  const publisher = new Redis(url, options);
  const subscriber = new Redis(url, options);
  for (const client of [publisher, subscriber])
    client.on('error', (error: Error) => log.warn({ reason: error.message }, 'redis event bus error'));
  const listeners = new Map<number, number>();

  let hearing = false;
  subscriber.on('ready', () => {
    const channels = [revocations, ...[...listeners.keys()].map(channelOf)];
    subscriber.subscribe(...channels).then(
      () => {
        hearing = true;
        void local.revoke({ all: true });
      },
      (error: Error) => log.warn({ reason: error.message }, 'redis resubscribe failed'),
    );
  });
  subscriber.on('close', () => (hearing = false));
  subscriber.on('message', (channel: string, message: string) => {
    try {
      if (channel === revocations) {
        const sent = JSON.parse(message) as { origin: string; revocation: Revocation };
        if (sent.origin !== origin) void local.revoke(sent.revocation);
        return;
      }
      const sent = JSON.parse(message) as { origin: string; event: UserEvent; at?: number };
      if (sent.origin === origin) return;
      metrics?.eventsReceived.inc();
      if (sent.at) metrics?.eventLagSeconds.observe(Math.max(0, Date.now() - sent.at) / 1000);
      void local.publish(sent.event);
    } catch {
      log.warn({ channel }, 'unreadable event on the bus');
    }
  });

  return {
    async publish(event) {
      metrics?.eventsPublished.inc();
      await local.publish(event);
      if (publisher.status !== 'ready') return; // the outage is logged by the client's 'error' events
      publisher
        .publish(channelOf(event.userId), JSON.stringify({ origin, event, at: Date.now() }))
        .catch((error: Error) => log.warn({ reason: error.message }, 'redis unavailable: event delivered in this process only'));
    },
    async subscribe(userId, handler) {
      const count = listeners.get(userId) ?? 0;
      listeners.set(userId, count + 1);
      const unsubscribe = await local.subscribe(userId, handler);
      // When Redis is away, the next 'ready' subscribes this channel with the others.
      if (count === 0 && subscriber.status === 'ready') {
        await subscriber
          .subscribe(channelOf(userId))
          .catch((error: Error) => log.warn({ reason: error.message }, 'redis subscribe failed'));
      }
      return () => {
        unsubscribe();
        const left = (listeners.get(userId) ?? 1) - 1;
        if (left > 0) listeners.set(userId, left);
        else {
          listeners.delete(userId);
          if (subscriber.status === 'ready') subscriber.unsubscribe(channelOf(userId)).catch(() => {});
        }
      };
    },
    async revoke(revocation) {
      await local.revoke(revocation);
      // Awaited: Redis has passed it to every subscribed process before the caller answers, so a
      // client's next request, wherever it lands, finds the memo cleared. Unsent while Redis is
      // away, when the other processes trust no memo either (`hearsRevocations`).
      if (publisher.status !== 'ready') return;
      await publisher
        .publish(revocations, JSON.stringify({ origin, revocation }))
        .catch((error: Error) => log.warn({ reason: error.message }, 'redis unavailable: revocation applied in this process only'));
    },
    onRevocation: (handler) => local.onRevocation(handler),
    hearsRevocations: () => hearing,
    async close() {
      await local.close();
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}

/** From a process that serves nothing (`pnpm run set-role`): the servers hear it through Redis. */
export async function publishRevocation(url: string, prefix: string, revocation: Revocation) {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 5_000 });
  try {
    await redis.publish(`${prefix}:revocations`, JSON.stringify({ origin: 'command', revocation }));
  } finally {
    redis.disconnect();
  }
}

/**
 * A user's events as an async iterable, until `signal` aborts. Await `ready` before reading a
 * backlog: from then on nothing published is missed.
 */
export function eventStream(bus: EventBus, userId: number, signal: AbortSignal | undefined, accept: (event: UserEvent) => boolean) {
  const queue: UserEvent[] = [];
  let wake: (() => void) | undefined;
  let unsubscribe: (() => void) | undefined;
  let stopped = false;
  const stop = () => {
    stopped = true;
    unsubscribe?.();
    wake?.();
  };
  const ready = bus
    .subscribe(userId, (event) => {
      if (!accept(event)) return;
      queue.push(event);
      wake?.();
    })
    .then((off) => {
      unsubscribe = off;
      if (stopped) off();
    });
  signal?.addEventListener('abort', stop, { once: true });
  return {
    ready,
    async *[Symbol.asyncIterator](): AsyncGenerator<UserEvent> {
      await ready;
      try {
        while (!stopped && !signal?.aborted) {
          const next = queue.shift();
          if (next) {
            yield next;
            continue;
          }
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      } finally {
        stop();
      }
    },
  };
}
