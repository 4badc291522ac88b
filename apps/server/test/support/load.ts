/** One request made by a load driver, as the client saw it. */
export interface Outcome {
  name: string;
  startedAt: number;
  ms: number;
  /** The HTTP status, or why there was none. */
  status: number | 'timeout' | 'network';
  body: any;
  headers?: Headers;
}

/** A request that gives up after `timeoutMs`, so a hanging server shows as `timeout`, not as a stuck test. */
export async function timedRequest(
  baseUrl: string,
  method: string,
  path: string,
  {
    body,
    token,
    timeoutMs = 15_000,
    name = `${method} ${path.split('?')[0]}`,
  }: { body?: unknown; token?: string; timeoutMs?: number; name?: string } = {},
): Promise<Outcome> {
  const startedAt = Date.now();
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  try {
    const response = await fetch(new URL(path, baseUrl), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: kept as text
    }
    return { name, startedAt, ms: Date.now() - startedAt, status: response.status, body: parsed, headers: response.headers };
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    return {
      name,
      startedAt,
      ms: Date.now() - startedAt,
      status: timedOut ? 'timeout' : 'network',
      body: String((error as Error).cause ?? error),
    };
  }
}

/**
 * Runs `next()` from `workers` loops until `stop()` is called; each loop starts its next request
 * when the previous one is answered. Returns every outcome once all loops have finished.
 */
export function closedLoop(workers: number, next: (worker: number) => Promise<Outcome>) {
  let stopped = false;
  const outcomes: Outcome[] = [];
  const loops = Array.from({ length: workers }, async (_, worker) => {
    while (!stopped) outcomes.push(await next(worker));
  });
  return {
    outcomes,
    async stop() {
      stopped = true;
      await Promise.all(loops);
      return outcomes;
    },
  };
}

/** `count` per status, e.g. `{ "200": 14, "503": 3 }`, for failure messages. */
export function statusCounts(outcomes: readonly Outcome[]) {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[String(outcome.status)] = (counts[String(outcome.status)] ?? 0) + 1;
  return counts;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
