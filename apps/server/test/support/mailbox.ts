import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives, for reading codes in tests. */
export async function startMailbox(port = 0) {
  const received: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
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
          });
          for (const wake of waiters) wake();
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

  /** The next mail to `to` (optionally with a subject) that arrives after `since` mails were seen. */
  async function waitFor(to: string, subject?: string, timeoutMs = 10_000): Promise<ReceivedMail> {
    const match = () => received.findLast((mail) => mail.to.includes(to.toLowerCase()) && (!subject || mail.subject === subject));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = match();
      if (found) {
        received.splice(received.indexOf(found), 1);
        return found;
      }
      if (Date.now() > deadline) throw new Error(`no mail to ${to}${subject ? ` with subject "${subject}"` : ''} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          waiters.delete(wake);
          resolve();
        };
        waiters.add(wake);
        setTimeout(wake, 100);
      });
    }
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

/** The 6-digit code and the link token in a verification mail. */
export function codeOf(mail: ReceivedMail): { otp: string; link: string } {
  const otp = /Your code: (\d{6})/.exec(mail.text)?.[1];
  const link = /\/verify\/([0-9a-f-]{36})/.exec(mail.text)?.[1];
  if (!otp || !link) throw new Error(`no code in mail: ${mail.text}`);
  return { otp, link };
}
