import { styleText } from 'node:util';
import type { DestinationStream } from 'pino';

/**
 * Logs for a person at a terminal (`LOG_FORMAT=pretty`, the default there outside production):
 * one short line per request, `12:04:31 GET /post/ 200 3.1 ms`, and one line per other record.
 * It reads the JSON lines pino writes, after redaction, so it shows nothing the JSON would not.
 * Machines keep the JSON.
 */
export function prettyDestination(out: NodeJS.WriteStream = process.stdout): DestinationStream {
  const color = Boolean(out.isTTY) && !process.env.NO_COLOR;
  const paint = (format: Parameters<typeof styleText>[0], text: string) => (color ? styleText(format, text) : text);
  // "incoming request" names the request; "request completed" has its outcome: one line from both.
  const started = new Map<string, string>();

  return {
    write(line: string) {
      const record = parse(line);
      if (!record) return void out.write(line);
      const { time, level, msg, reqId, req, res, responseTime, err, pid: _pid, hostname: _host, ...rest } = record;
      const clock = paint('dim', new Date(typeof time === 'number' ? time : Date.now()).toTimeString().slice(0, 8));
      const id = typeof reqId === 'string' || typeof reqId === 'number' ? String(reqId) : undefined;

      if (msg === 'incoming request' && id && isObject(req)) {
        started.set(id, `${String(req.method)} ${String(req.url)}`);
        // A request that never completes (the client went away) must not keep its entry forever.
        if (started.size > 10_000) started.delete(started.keys().next().value as string);
        return;
      }
      if (msg === 'request completed' && id && isObject(res)) {
        const request = started.get(id) ?? '?';
        started.delete(id);
        const status = Number(res.statusCode);
        const tint = status >= 500 ? 'red' : status >= 400 ? 'yellow' : status >= 300 ? 'cyan' : 'green';
        const ms = typeof responseTime === 'number' ? `${responseTime.toFixed(1)} ms` : '';
        return void out.write(`${clock} ${request} ${paint(tint, String(status))} ${paint('dim', ms)}\n`);
      }

      const name = LEVELS[Number(level)] ?? 'log';
      const tint = Number(level) >= 50 ? 'red' : Number(level) >= 40 ? 'yellow' : 'blue';
      const extra = Object.keys(rest).length ? ` ${paint('dim', JSON.stringify(rest))}` : '';
      const stack = isObject(err) && typeof err.stack === 'string' ? `\n${paint('dim', err.stack)}` : '';
      out.write(
        `${clock} ${paint(tint, name)} ${msg === undefined || msg === null ? '' : typeof msg === 'string' ? msg : JSON.stringify(msg)}${extra}${stack}\n`,
      );
    },
  };
}

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

function parse(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
