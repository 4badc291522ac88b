import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { restClient } from './support/http.js';
import { startProcessGroup, type ProcessGroup, signUpThroughOutbox } from './support/processes.js';
import { openSocket, wsUrl } from './support/sockets.js';

// Two API processes sharing PostgreSQL and Redis: what one process publishes reaches sockets
// held by the other.
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
let group: ProcessGroup;

beforeAll(async () => {
  group = await startProcessGroup(2, { REDIS_URL, REDIS_PREFIX: `cn-test-${randomBytes(4).toString('hex')}`, SMTP_URL: undefined });
}, 120_000);

afterAll(() => group?.stop());

async function signUpOn(index: number) {
  const api = restClient(group.urls[index]!);
  const { email, access } = await signUpThroughOutbox(api, group.dirs[index]!, 'proc');
  const me = await api.get('/user/me/', { token: access });
  return { id: me.body.id as number, email, token: access };
}

it('a chat message sent through process B reaches a socket on process A, and a job created on B notifies a socket on A', async () => {
  const alice = await signUpOn(0);
  const bob = await signUpOn(1);
  const onA = restClient(group.urls[0]!);
  const onB = restClient(group.urls[1]!);

  const aliceChat = await openSocket(wsUrl(group.urls[0]!, `/ws/chat/${bob.id}/?token=${alice.token}`));
  const aliceJobs = await openSocket(wsUrl(group.urls[0]!, `/ws/notification/jobs/?token=${alice.token}`));
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
