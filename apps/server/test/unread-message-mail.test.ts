import { afterAll, beforeAll, expect, it } from 'vitest';
import { restClient, type RestClient } from './support/http.js';
import { startMailbox, type Mailbox } from './support/mailbox.js';
import { person, type Person } from './support/people.js';
import { startProcessGroup, type ProcessGroup } from './support/processes.js';

// Two server processes on one PostgreSQL database, each looking every second for chat messages
// unseen for three seconds: the wait is kept in the database, so each such message's recipient
// is mailed once, whichever process stored it, swept it or stopped meanwhile.
let group: ProcessGroup;
const apis: RestClient[] = [];
let mailbox: Mailbox;

beforeAll(async () => {
  mailbox = await startMailbox();
  group = await startProcessGroup(2, {
    SMTP_URL: mailbox.url,
    AUTH_RATE_LIMIT: '10000',
    MESSAGE_MAIL_DELAY: '3s',
    MESSAGE_MAIL_INTERVAL: '1s',
    REDIS_URL: undefined,
  });
  apis.push(...group.urls.map((url) => restClient(url)));
}, 120_000);

afterAll(async () => {
  await group?.stop();
  await mailbox?.close();
});

const SUBJECT = 'New message from N/A N/A';
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const unreadMailsTo = (who: Person) => mailbox.received.filter((mail) => mail.to.includes(who.email) && mail.subject === SUBJECT);

/** `a` and `b` connected, and `b` allowing unread-message e-mails. */
async function connectAllowing(api: RestClient, a: Person, b: Person) {
  const request = await api.post('/connection/', { connection: b.id }, { token: a.token });
  expect(request.status).toBe(201);
  const accepted = await api.post('/connection/status/', { connection_id: request.body.id, status: 'Accept' }, { token: b.token });
  expect(accepted.body).toEqual({ status: 'Accepted' });
  const allowed = await api.request('PUT', '/user/settings/', { message_notify: true }, { token: b.token });
  expect(allowed.status).toBe(200);
}

/** Sends a message; answers its chat's id. */
async function say(api: RestClient, from: Person, to: Person, message: string) {
  const sent = await api.post('/chats/messages/', { user_id: to.id, message }, { token: from.token });
  expect(sent.status, JSON.stringify(sent.body)).toBe(201);
  return sent.body.chat_id as number;
}

it('mails each unseen conversation once while both processes sweep, and not a conversation read in time', async () => {
  const [onA, onB] = [apis[0]!, apis[1]!];
  const sender = await person(onA, mailbox);
  const away: Person[] = [];
  for (let i = 0; i < 4; i++) away.push(await person(i % 2 ? onB : onA, mailbox));
  const reader = await person(onB, mailbox);
  for (const who of [...away, reader]) await connectAllowing(onA, sender, who);

  // Three messages to each absent member, through both processes at once.
  await Promise.all(
    away.flatMap((who, i) => ['Hello?', 'Are you there?', 'Ping'].map((text, k) => say((i + k) % 2 ? onB : onA, sender, who, text))),
  );
  // The reader reads the conversation on the other process before the delay is over.
  const chatId = await say(onA, sender, reader, 'Read me soon');
  const read = await onB.get(`/chats/messages/?chat_id=${chatId}`, { token: reader.token });
  expect(read.status).toBe(200);
  expect(read.body.map((message: { message: string }) => message.message)).toEqual(['Read me soon']);

  for (const who of away) expect((await mailbox.waitFor(who.email, SUBJECT, 15_000)).text).toContain('sent you a message');
  // Several more sweeps of each process: nobody gets a second e-mail, the reader none.
  await pause(4_000);
  for (const who of [...away, reader]) expect(unreadMailsTo(who), who.email).toEqual([]);
  for (const proc of group.processes) expect(proc.output()).not.toMatch(/background task failed/);
}, 90_000);

it('mails a message whose server stopped before the delay: the other process sends it, once', async () => {
  const [onA, onB] = [apis[0]!, apis[1]!];
  const [sender, absent] = [await person(onB, mailbox), await person(onB, mailbox)];
  await connectAllowing(onB, sender, absent);

  await say(onA, sender, absent, 'Sent just before a restart');
  const [stopping] = group.processes;
  stopping!.child.kill('SIGTERM');
  expect(await stopping!.exited).toBe(0);

  expect((await mailbox.waitFor(absent.email, SUBJECT, 15_000)).text).toContain('sent you a message');
  await pause(3_000);
  expect(unreadMailsTo(absent)).toEqual([]);
  expect(group.processes[1]!.output()).not.toMatch(/background task failed/);
}, 60_000);
