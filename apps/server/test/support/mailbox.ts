import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { waiter } from './wait.js';

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Header fields by lower-case name, unfolded. */
  headers: Record<string, string>;
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives, for reading codes in tests. */
export async function startMailbox(port = 0) {
  const received: ReceivedMail[] = [];
  const arrivals = waiter();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push({
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
            headers: Object.fromEntries(
              mail.headerLines.map(({ key, line }) => [
                key,
                line
                  .slice(line.indexOf(':') + 1)
                  .replace(/\r?\n\s+/g, ' ')
                  .trim(),
              ]),
            ),
          });
          arrivals.nudge();
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;

  /** The newest mail to `to` (optionally with a subject), taken out of the box; waits for one to arrive. */
  async function waitFor(to: string, subject?: string, timeoutMs = 10_000): Promise<ReceivedMail> {
    const found = await arrivals.until(
      () => received.findLast((mail) => mail.to.includes(to.toLowerCase()) && (!subject || mail.subject === subject)),
      timeoutMs,
      () => `no mail to ${to}${subject ? ` with subject "${subject}"` : ''} within ${timeoutMs} ms`,
    );
    received.splice(received.indexOf(found), 1);
    return found;
  }

  return {
    port: boundPort,
    url: `smtp://127.0.0.1:${boundPort}`,
    received,
    waitFor,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type Mailbox = Awaited<ReturnType<typeof startMailbox>>;

/** The 6-digit code and the link token in a verification mail (`link: false`: a mail that has none). */
export function codeOf(mail: ReceivedMail, expect: { link: boolean } = { link: true }): { otp: string; link: string } {
  const otp = /Your code: (\d{6})/.exec(mail.text)?.[1];
  const link = /\/verify\/([0-9a-f-]{36})/.exec(mail.text)?.[1] ?? '';
  if (!otp || (expect.link && !link)) throw new Error(`no code in mail: ${mail.text}`);
  return { otp, link };
}
