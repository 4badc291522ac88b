interface RateLimitVerdict {
  allowed: boolean;
  /** Seconds until the window that refused the request ends. */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Counts one event for `key`; refuses once `limit` events fell in the current window. */
  hit(key: string, limit: number, windowSeconds: number): RateLimitVerdict;
  /** Forgets a key (a successful sign-in clears its failure count). */
  reset(key: string): void;
}

/**
 * Fixed windows kept in this process's memory. Several API processes each count on their own,
 * so the effective limit is the configured one times the number of processes.
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
      return {
        allowed: window.count <= limit,
        retryAfterSeconds: Math.max(1, Math.ceil((window.endsAt - at) / 1000)),
      };
    },
    reset(key) {
      windows.delete(key);
    },
  };
}
