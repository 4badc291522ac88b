import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from './support/flows.js';
import { restClient } from './support/http.js';
import { freePort } from './support/ports.js';
import { createDatabase, dropDatabase, postgresUrl } from './support/postgres.js';
import { outboxCode, startServerProcess, type ServerProcess } from './support/processes.js';
import { openSocket, wsUrl } from './support/sockets.js';

// Two API processes sharing PostgreSQL and Redis: what one process publishes reaches sockets
// held by the other.
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const database = `cn_procs_${randomBytes(4).toString('hex')}`;
const dirs = [mkdtempSync(join(tmpdir(), 'cn-proc-a-')), mkdtempSync(join(tmpdir(), 'cn-proc-b-'))];
const processes: ServerProcess[] = [];
const urls: string[] = [];

beforeAll(async () => {
  await createDatabase(database);
  const shared = {
    ...process.env,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DATABASE_URL: postgresUrl(database),
    REDIS_URL,
    REDIS_PREFIX: `cn-test-${randomBytes(4).toString('hex')}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
  } as Record<string, string>;
  delete shared.SMTP_URL;
  for (const dir of dirs) {
    const port = await freePort();
    // One after the other: the first one migrates the shared database.
    processes.push(await startServerProcess({ ...shared, PORT: String(port), DATA_DIR: dir, PUBLIC_URL: `http://127.0.0.1:${port}` }));
    urls.push(`http://127.0.0.1:${port}`);
  }
}, 120_000);

afterAll(async () => {
  for (const proc of processes) {
    proc.child.kill('SIGTERM');
    await proc.exited;
  }
  await dropDatabase(database);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function signUpOn(index: number) {
  const api = restClient(urls[index]!);
  const email = uniqueEmail('proc');
  await api.post('/user/signup/', { email, password1: PASSWORD, password2: PASSWORD });
  const created = await api.post('/user/signup/', {
    email,
    password1: PASSWORD,
    password2: PASSWORD,
    otp: await outboxCode(dirs[index]!, email),
  });
  expect(created.status).toBe(201);
  const me = await api.get('/user/me/', { token: created.body.access });
  return { id: me.body.id as number, email, token: created.body.access as string };
}

it('a chat message sent through process B reaches a socket on process A, and a job created on B notifies a socket on A', async () => {
  const alice = await signUpOn(0);
  const bob = await signUpOn(1);
  const onA = restClient(urls[0]!);
  const onB = restClient(urls[1]!);

  const aliceChat = await openSocket(wsUrl(urls[0]!, `/ws/chat/${bob.id}/?token=${alice.token}`));
  const aliceJobs = await openSocket(wsUrl(urls[0]!, `/ws/notification/jobs/?token=${alice.token}`));
  try {
    const sent = await onB.post('/chats/messages/', { user_id: alice.id, message: 'Hello from process B' }, { token: bob.token });
    expect(sent.status).toBe(201);
    expect(await aliceChat.next()).toMatchObject({
      type: 'chat_message',
      user_id: bob.id,
      message: 'Hello from process B',
      chat_id: sent.body.chat_id,
    });

    await onA.request(
      'PUT',
      '/job/preference/',
      { title: 'nurse', employment_type: 'full_time', work_type: 'onsite', industry: 'health', experience_level: 'entry' },
      { token: alice.token },
    );
    const job = await onB.post(
      '/job/',
      {
        title: 'Nurse',
        organization: 'Lagoon Hospital',
        employment_type: 'full_time',
        work_type: 'onsite',
        experience_level: 'entry',
        industry: 'health',
        country: 'Nigeria',
        salary: 'NGN 300,000',
        overview: 'Ward nursing.',
        description: 'Patient care.',
      },
      { token: bob.token },
    );
    expect(job.status).toBe(201);
    expect(await aliceJobs.next()).toMatchObject({
      type: 'job',
      job_id: job.body.id,
      message: 'A new job matching your preference. Nurse at Lagoon Hospital. Apply now!',
    });
  } finally {
    aliceChat.close();
    aliceJobs.close();
  }
}, 60_000);
