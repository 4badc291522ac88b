import WebSocket from 'ws';
import { waiter } from './wait.js';

export interface TestSocket {
  ws: WebSocket;
  /** Every JSON frame received so far. */
  frames: Array<Record<string, any>>;
  /** The first frame (from now or already received and not yet taken) matching `match`. */
  next(match?: (frame: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
  send(frame: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/** A WebSocket client as a non-TypeScript client would use it; resolves once open (or closed). */
export async function openSocket(url: string): Promise<TestSocket> {
  const ws = new WebSocket(url);
  const frames: Array<Record<string, any>> = [];
  const taken = new Set<number>();
  const arrivals = waiter();
  ws.on('message', (data) => {
    // A text frame arrives as one Buffer (ws's default binaryType).
    frames.push(JSON.parse((data as Buffer).toString()));
    arrivals.nudge();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve) => {
    ws.once('open', () => resolve());
    ws.once('close', () => resolve());
    ws.once('error', () => resolve());
  });
  return {
    ws,
    frames,
    closed,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    close: () => ws.close(),
    async next(match = () => true, timeoutMs = 5_000) {
      const index = await arrivals.until(
        () => {
          const found = frames.findIndex((frame, i) => !taken.has(i) && match(frame));
          return found >= 0 ? found : undefined;
        },
        timeoutMs,
        () => `no matching frame within ${timeoutMs} ms; got ${JSON.stringify(frames)}`,
      );
      taken.add(index);
      return frames[index]!;
    },
  };
}

export const wsUrl = (httpUrl: string, path: string) => `${httpUrl.replace(/^http/, 'ws')}${path}`;
