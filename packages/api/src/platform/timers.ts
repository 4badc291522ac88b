import type { Logger } from 'pino';

/**
 * Work a process does on a schedule (the unread-message e-mails, the weekly digest), stopped with
 * the process: `stop` cancels what has not started and waits for what runs, so nothing touches a
 * closed database. A task that fails is logged; the schedule goes on.
 */
export interface Timers {
  /** Runs `task` now and then every `ms`, never two runs at once. */
  every(ms: number, name: string, task: () => Promise<void>): void;
  stop(): Promise<void>;
}

export function createTimers(log: Logger): Timers {
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopped = false;

  const run = (name: string, task: () => Promise<void>) => {
    const done = task().catch((error: unknown) => log.warn({ err: error, task: name }, 'background task failed'));
    running.add(done);
    return done.finally(() => running.delete(done));
  };
  const schedule = (ms: number, fire: () => void) => {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      fire();
    }, ms);
    // A pending task never holds the process open.
    timer.unref();
    timers.add(timer);
  };

  return {
    every(ms, name, task) {
      const tick = () => void run(name, task).then(() => schedule(ms, tick));
      schedule(0, tick);
    },
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...running]);
    },
  };
}
