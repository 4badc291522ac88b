/** Checks `find` until it returns something, every `everyMs` (or sooner when `nudge` is called). */
export function waiter() {
  const waiting = new Set<() => void>();
  return {
    /** Wakes every pending `until` to check again now. */
    nudge() {
      for (const wake of waiting) wake();
    },
    async until<T>(find: () => T | undefined, timeoutMs: number, failure: () => string, everyMs = 100): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = find();
        if (found !== undefined) return found;
        if (Date.now() > deadline) throw new Error(failure());
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiting.delete(wake);
            resolve();
          };
          waiting.add(wake);
          setTimeout(wake, everyMs);
        });
      }
    },
  };
}
