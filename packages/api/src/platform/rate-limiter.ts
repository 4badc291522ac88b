import { Redis } from 'ioredis';
import type { Logger } from 'pino';

interface RateLimitVerdict {
  allowed: boolean;
  /** Seconds until the window that refused the request ends. */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Counts one event for `key`; refuses once `limit` events fell in the current window. */
  hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitVerdict>;
  /** Forgets a key (a successful sign-in clears its failure count). */
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}

const verdictOf = (count: number, limit: number, msLeft: number): RateLimitVerdict => ({
  allowed: count <= limit,
  retryAfterSeconds: Math.max(1, Math.ceil(msLeft / 1000)),
});

/**
 * Fixed windows kept in this process's memory. Several API processes each count on their own,
 * so the effective limit is the configured one times the number of processes: use Redis then.
 */
export function createMemoryRateLimiter(now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { count: number; endsAt: number }>();
  let lastSweep = now();

  const sweep = (at: number) => {
    if (at - lastSweep < 60_000) return;
    lastSweep = at;
    for (const [key, window] of windows) if (window.endsAt <= at) windows.delete(key);
  };

  return {
    hit(key, limit, windowSeconds) {
      const at = now();
      sweep(at);
      let window = windows.get(key);
      if (!window || window.endsAt <= at) {
        window = { count: 0, endsAt: at + windowSeconds * 1000 };
        windows.set(key, window);
      }
      window.count += 1;
      return Promise.resolve(verdictOf(window.count, limit, window.endsAt - at));
    },
    reset(key) {
      windows.delete(key);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}

// One round trip, atomic in Redis: count the hit, start the window's expiry with its first hit,
// and answer the count with the window's time left.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); left = tonumber(ARGV[1]) end
return {count, left}`;

/**
 * The same fixed windows counted in Redis, so every API process shares one count. A short Lua
 * script rather than a library: INCR and PEXPIRE in one atomic step is all a fixed window needs.
 *
 * When Redis cannot answer, each limit falls back to this process's own count (logged), never to
 * no limit and never to refusing everyone: sign-in and code-guessing limits stay in force per
 * process (so at most N times the limit behind N processes for the outage), and an outage of
 * Redis does not lock every client out of signing in.
 */
export function createRedisRateLimiter(url: string, prefix: string, log: Logger, onFallback: () => void): RateLimiter {
  const fallback = createMemoryRateLimiter();
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // A Redis that stops answering must not hold a sign-in.
    commandTimeout: 500,
    retryStrategy: (times: number) => Math.min(times * 200, 2_000),
  });
  redis.on('error', (error: Error) => log.warn({ reason: error.message }, 'redis rate limiter error'));
  const keyOf = (key: string) => `${prefix}:rate:${key}`;
  let degraded = false;
  const fellBack = (error: unknown) => {
    onFallback();
    // Once per outage, not per request.
    if (!degraded)
      log.warn({ reason: error instanceof Error ? error.message : String(error) }, 'redis unavailable: rate limits counted per process');
    degraded = true;
  };

  return {
    async hit(key, limit, windowSeconds) {
      try {
        const [count, msLeft] = (await redis.eval(HIT_SCRIPT, 1, keyOf(key), windowSeconds * 1000)) as [number, number];
        degraded = false;
        return verdictOf(count, limit, msLeft);
      } catch (error) {
        fellBack(error);
        return fallback.hit(key, limit, windowSeconds);
      }
    },
    async reset(key) {
      await fallback.reset(key);
      await redis.del(keyOf(key)).catch(fellBack);
    },
    close: async () => {
      redis.disconnect();
      await fallback.close();
    },
  };
}

/** Counts refusals by limit: the key up to its first `:` (`signin:ip:…` counts for `signin`). */
export function countingRefusals(limiter: RateLimiter, refused: (limit: string) => void): RateLimiter {
  return {
    ...limiter,
    async hit(key, limit, windowSeconds) {
      const verdict = await limiter.hit(key, limit, windowSeconds);
      if (!verdict.allowed) refused(key.split(':', 1)[0] ?? key);
      return verdict;
    },
  };
}
