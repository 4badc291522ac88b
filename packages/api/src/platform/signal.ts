/**
 * Wakes a background loop that sleeps between rounds: `wait(ms)` resolves after `ms`, or at once
 * when `notify()` was called since the last wait (or is called during it). In-process only; other
 * processes find the work on their next round.
 */
export interface Signal {
  notify(): void;
  wait(ms: number): Promise<void>;
}

export function createSignal(): Signal {
  let pending = false;
  let wake: (() => void) | undefined;
  return {
    notify() {
      if (wake) wake();
      else pending = true;
    },
    wait(ms) {
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, ms);
        timer.unref();
        wake = done;
      });
    },
  };
}
