import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signUp } from './support/flows.js';
import { restClient, type RestClient } from './support/http.js';
import { startMailbox, type Mailbox } from './support/mailbox.js';
import { freePort } from './support/ports.js';
import { createDatabase, dropDatabase, postgresUrl } from './support/postgres.js';
import { startServerProcess, type ServerProcess } from './support/processes.js';

// Two server processes on one PostgreSQL database, each running the digest job every second:
// every member who allows it gets exactly one digest for the week, the others none.
const database = `cn_digest_${randomBytes(4).toString('hex')}`;
const dirs = [mkdtempSync(join(tmpdir(), 'cn-digest-a-')), mkdtempSync(join(tmpdir(), 'cn-digest-b-'))];
const processes: ServerProcess[] = [];
const apis: RestClient[] = [];
let mailbox: Mailbox;

beforeAll(async () => {
  mailbox = await startMailbox();
  await createDatabase(database);
  const shared = {
    ...process.env,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DATABASE_URL: postgresUrl(database),
    SMTP_URL: mailbox.url,
    AUTH_RATE_LIMIT: '10000',
    DIGEST_INTERVAL: '1s',
    JWT_SECRET: randomBytes(32).toString('hex'),
  } as Record<string, string>;
  delete shared.REDIS_URL;
  for (const dir of dirs) {
    const port = await freePort();
    // One after the other: the first one migrates the shared database.
    processes.push(await startServerProcess({ ...shared, PORT: String(port), DATA_DIR: dir, PUBLIC_URL: `http://127.0.0.1:${port}` }));
    apis.push(restClient(`http://127.0.0.1:${port}`));
  }
}, 120_000);

afterAll(async () => {
  for (const proc of processes) {
    proc.child.kill('SIGTERM');
    await proc.exited;
  }
  await mailbox?.close();
  await dropDatabase(database);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
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
  for (const proc of processes) expect(proc.output()).not.toMatch(/background task failed/);
}, 90_000);
