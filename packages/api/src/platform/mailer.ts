import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra header fields, e.g. List-Unsubscribe. */
  headers?: Record<string, string>;
}

export interface Mailer {
  /** Queues a message and returns at once; delivery is retried in the background. */
  send(message: MailMessage): void;
  /** Sends a message once and resolves when it was accepted (rejects when not): for callers that keep their own queue. */
  deliver(message: MailMessage): Promise<void>;
  /** Waits (at most `timeoutMs`) for queued messages, for a clean shutdown. */
  drain(timeoutMs: number): Promise<void>;
}

/** Seconds to wait before each retry of a failed send. */
const RETRY_DELAYS_MS = [1_000, 5_000, 30_000, 120_000, 600_000];

type Deliver = (message: MailMessage) => Promise<void>;

export interface MailerOptions {
  smtpUrl?: string | undefined;
  from: string;
  outboxDir: string;
  log: Logger;
  retryDelaysMs?: number[];
  metrics?: Pick<Metrics, 'mailPending' | 'mailFailures'>;
}

/** SMTP when a URL is configured, else `.eml` files in the outbox folder. */
export function createMailer(options: MailerOptions): Mailer {
  const deliver = options.smtpUrl
    ? smtpDelivery(options.smtpUrl, options.from)
    : outboxDelivery(options.outboxDir, options.from, options.log);
  return { ...retryingMailer(deliver, options.log, options.retryDelaysMs ?? RETRY_DELAYS_MS, options.metrics), deliver };
}

function smtpDelivery(url: string, from: string): Deliver {
  const transport = nodemailer.createTransport({
    url,
    // A slow or dead server must not hold a send for minutes.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return async (message) => {
    await transport.sendMail({ from, ...message });
  };
}

function outboxDelivery(dir: string, from: string, log: Logger): Deliver {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return async (message) => {
    const { message: raw } = (await transport.sendMail({ from, ...message })) as { message: Buffer };
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`);
    await writeFile(file, raw, { mode: 0o600 });
    // The file holds the code; the log line only says where it is.
    log.info({ file, subject: message.subject }, 'mail written to the outbox');
  };
}

function retryingMailer(
  deliver: Deliver,
  log: Logger,
  retryDelaysMs: number[],
  metrics?: MailerOptions['metrics'],
): Omit<Mailer, 'deliver'> {
  const pending = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();

  const attempt = (message: MailMessage, failures: number) => {
    const delivery = deliver(message).then(
      () => metrics?.mailPending.dec(),
      (error: unknown) => {
        const delay = retryDelaysMs[failures];
        const reason = error instanceof Error ? error.message : String(error);
        metrics?.mailFailures.inc({ outcome: delay === undefined ? 'dropped' : 'retry' });
        if (delay === undefined) {
          metrics?.mailPending.dec();
          log.error({ subject: message.subject, attempts: failures + 1, reason }, 'mail could not be delivered; giving up');
          return;
        }
        log.warn({ subject: message.subject, attempts: failures + 1, retryInMs: delay, reason }, 'mail delivery failed; will retry');
        const timer = setTimeout(() => {
          timers.delete(timer);
          attempt(message, failures + 1);
        }, delay);
        timer.unref();
        timers.add(timer);
      },
    );
    pending.add(delivery);
    void delivery.finally(() => pending.delete(delivery));
  };

  return {
    send: (message) => {
      metrics?.mailPending.inc();
      attempt(message, 0);
    },
    async drain(timeoutMs) {
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
      await Promise.race([Promise.allSettled([...pending]), deadline]);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
