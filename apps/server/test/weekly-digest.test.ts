import { afterAll, beforeAll, expect, it } from 'vitest';
import { signUp } from './support/flows.js';
import { restClient, type RestClient } from './support/http.js';
import { startMailbox, type Mailbox } from './support/mailbox.js';
import { startProcessGroup, type ProcessGroup } from './support/processes.js';

// Two server processes on one PostgreSQL database, each running the digest job every second:
// every member who allows it gets exactly one digest for the week, the others none.
let group: ProcessGroup;
const apis: RestClient[] = [];
let mailbox: Mailbox;

beforeAll(async () => {
  mailbox = await startMailbox();
  group = await startProcessGroup(2, { SMTP_URL: mailbox.url, AUTH_RATE_LIMIT: '10000', DIGEST_INTERVAL: '1s', REDIS_URL: undefined });
  apis.push(...group.urls.map((url) => restClient(url)));
}, 120_000);

afterAll(async () => {
  await group?.stop();
  await mailbox?.close();
});

const SUBJECT = 'Your week on Career Nexus';

it('sends each member who allows it exactly one weekly digest, whichever process runs the job, and none to the others', async () => {
  const [onA, onB] = [apis[0]!, apis[1]!];
  const members = [];
  for (let i = 0; i < 12; i++) {
    const { access, email } = await signUp(i % 2 ? onB : onA, mailbox);
    members.push({ email, token: access });
  }
  const [followed, follower] = [members[0]!, members[1]!];
  const followedId = (await onA.get('/user/retrieve-profile/', { token: followed.token })).body.id as number;
  expect((await onB.post('/follow/', { user_following: followedId }, { token: follower.token })).status).toBe(201);

  // Eight allow it, through both processes at once, while both run the job every second.
  const allowing = members.slice(0, 8);
  const changed = await Promise.all(
    allowing.map((who, i) => (i % 2 ? onB : onA).request('PUT', '/user/settings/', { weekly_summary: true }, { token: who.token })),
  );
  expect(changed.map((response) => response.status)).toEqual(allowing.map(() => 200));

  const digest = await mailbox.waitFor(followed.email, SUBJECT);
  expect(digest.text).toContain('new followers: 1');
  for (const who of allowing.slice(1)) await mailbox.waitFor(who.email, SUBJECT);
  // Several more runs of each process: nobody gets a second one.
  await new Promise((resolve) => setTimeout(resolve, 3_500));
  const digests = mailbox.received.filter((mail) => mail.subject === SUBJECT);
  expect(digests.map((mail) => mail.to)).toEqual([]);
  for (const proc of group.processes) expect(proc.output()).not.toMatch(/background task failed/);
}, 90_000);
