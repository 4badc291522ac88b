import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from '../test/support/flows.js';
import { restClient } from '../test/support/http.js';
import { sleep, statusCounts, timedRequest, type Outcome } from '../test/support/load.js';
import { freePort } from '../test/support/ports.js';
import { createDatabase, dropDatabase, postgresUrl } from '../test/support/postgres.js';
import { outboxCode, startServerProcess, type ServerProcess } from '../test/support/processes.js';
import { openSocket, wsUrl, type TestSocket } from '../test/support/sockets.js';

// A real server process on PostgreSQL under a steady mix of reads and writes (REST, /trpc,
// WebSockets) for SOAK_SECONDS: every request must succeed, and the memory the server keeps
// (heap after a full collection) must not grow past a bound once warmed up.
const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const RATE = Number(process.env.SOAK_RATE ?? 20); // requests per second
const MAX_HEAP_GROWTH_MB = Number(process.env.SOAK_MAX_HEAP_GROWTH_MB ?? 16);
const MAX_RSS_GROWTH_MB = Number(process.env.SOAK_MAX_RSS_GROWTH_MB ?? 64);
const WARM_UP_SECONDS = Math.max(10, Math.round(SECONDS * 0.2));
const SAMPLE_EVERY_SECONDS = Math.max(5, Math.round(SECONDS / 60));
const MAX_IN_FLIGHT = 64;
const PEOPLE = 12;

const database = `cn_soak_${randomBytes(4).toString('hex')}`;
const dataDir = mkdtempSync(join(tmpdir(), 'cn-soak-'));
const probe = new URL('./memory-probe.ts', import.meta.url).pathname;
let server: ServerProcess | undefined;
let baseUrl: string;

beforeAll(async () => {
  await createDatabase(database);
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: baseUrl,
    DATA_DIR: dataDir,
    DATABASE_URL: postgresUrl(database),
    LOG_LEVEL: 'info',
    JWT_SECRET: randomBytes(32).toString('hex'),
    AUTH_RATE_LIMIT: '100000',
  };
  for (const name of ['SMTP_URL', 'REDIS_URL', 'S3_BUCKET']) delete env[name];
  server = await startServerProcess(env, ['--expose-gc', '--import', probe]);
}, 60_000);

afterAll(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await dropDatabase(database);
  rmSync(dataDir, { recursive: true, force: true });
});

interface Memory {
  at: number;
  rss: number;
  heapUsed: number;
}

/** Asks the probe in the server for its memory after a full collection. */
async function sampleMemory(): Promise<Memory> {
  const before = server!.output().split('\nMEMORY ').length;
  server!.child.kill('SIGUSR2');
  const deadline = Date.now() + 10_000;
  for (;;) {
    const parts = server!.output().split('\nMEMORY ');
    if (parts.length > before) return { at: Date.now(), ...JSON.parse(parts.at(-1)!.split('\n')[0]!) };
    if (Date.now() > deadline) throw new Error('the memory probe did not answer');
    await sleep(50);
  }
}

interface Person {
  id: number;
  token: string;
}

async function signUp(): Promise<Person> {
  const api = restClient(baseUrl);
  const email = uniqueEmail('soak');
  expect((await api.post('/user/signup/', { email, password1: PASSWORD, password2: PASSWORD })).status).toBe(201);
  const created = await api.post('/user/signup/', {
    email,
    password1: PASSWORD,
    password2: PASSWORD,
    otp: await outboxCode(dataDir, email),
  });
  expect(created.status).toBe(201);
  const me = await api.get('/user/me/', { token: created.body.access });
  return { id: me.body.id, token: created.body.access };
}

const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)]!;
const MB = 1024 * 1024;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

it(
  `serves ${RATE} mixed requests a second for ${SECONDS} s without an error or growing memory`,
  async () => {
    const people: Person[] = [];
    for (let i = 0; i < PEOPLE; i++) people.push(await signUp());
    const posts: number[] = [];
    const comments: number[] = [];
    const chats: number[] = [];
    for (const author of people) {
      const created = await timedRequest(baseUrl, 'POST', '/post/', {
        token: author.token,
        body: { body: 'Cloud software engineering: notes from our data team.' },
      });
      posts.push(created.body.post_id);
    }
    // Everyone keeps a notification socket open throughout, as signed-in clients do.
    const listeners: TestSocket[] = [];
    for (const person of people) listeners.push(await openSocket(wsUrl(baseUrl, `/ws/notification/?token=${person.token}`)));

    const call = (method: string, path: string, token: string, body?: unknown, name?: string) =>
      timedRequest(baseUrl, method, path, { token, body, name });
    const weighted: Array<[number, () => Promise<Outcome>]> = [
      // reads
      [15, () => call('GET', '/post/?page_size=10', pick(people).token, undefined, 'feed')],
      [8, () => call('GET', `/post/?post_id=${pick(posts)}`, pick(people).token, undefined, 'post')],
      [6, () => call('GET', `/post/comment/?post_id=${pick(posts)}`, pick(people).token, undefined, 'comments')],
      [6, () => call('GET', `/user/retrieve-profile/?user_id=${pick(people).id}`, pick(people).token, undefined, 'profile')],
      [6, () => call('GET', '/notifications/', pick(people).token, undefined, 'notifications')],
      [5, () => call('GET', '/chats/', pick(people).token, undefined, 'chats')],
      [
        3,
        () =>
          chats.length
            ? call('GET', `/chats/messages/?chat_id=${pick(chats)}`, people[0]!.token, undefined, 'chat history')
            : call('GET', '/chats/', people[0]!.token),
      ],
      [4, () => call('GET', '/trpc/chat.chats', pick(people).token, undefined, 'trpc chat.chats')],
      [3, () => call('GET', '/trpc/auth.me', pick(people).token, undefined, 'trpc auth.me')],
      [3, () => call('GET', '/followers/', pick(people).token, undefined, 'followers')],
      // writes
      [
        6,
        async () => {
          const outcome = await call(
            'POST',
            '/post/',
            pick(people).token,
            { body: `Software and data engineering update ${Date.now()}` },
            'create post',
          );
          if (outcome.status === 201) posts.push(outcome.body.post_id);
          return outcome;
        },
      ],
      [
        5,
        async () => {
          const outcome = await call(
            'POST',
            '/post/comment/',
            pick(people).token,
            { post: pick(posts), body: 'Thanks for sharing' },
            'comment',
          );
          if (outcome.status === 201) comments.push(outcome.body.comment_id);
          return outcome;
        },
      ],
      [
        2,
        () =>
          comments.length
            ? call('POST', '/post/like/comment/', pick(people).token, { comment: pick(comments) }, 'like comment')
            : call('GET', '/chats/', pick(people).token),
      ],
      [
        5,
        () => call('POST', Math.random() < 0.6 ? '/post/like/' : '/post/unlike/', pick(people).token, { post: pick(posts) }, 'like/unlike'),
      ],
      [
        5,
        async () => {
          // Everyone writes to person 0, so one room per pair and a growing history.
          const from = pick(people.slice(1));
          const outcome = await call(
            'POST',
            '/chats/messages/',
            from.token,
            { user_id: people[0]!.id, message: 'Hello, are you hiring?' },
            'chat message',
          );
          if (outcome.status === 201 && !chats.includes(outcome.body.chat_id)) chats.push(outcome.body.chat_id);
          return outcome;
        },
      ],
      [
        3,
        () => {
          const [a, b] = [pick(people), pick(people)];
          if (a === b) return call('GET', '/followers/', a.token, undefined, 'followers');
          return call('POST', Math.random() < 0.6 ? '/follow/' : '/unfollow/', a.token, { user_following: b.id }, 'follow/unfollow');
        },
      ],
      [2, () => call('POST', '/notifications/read/', pick(people).token, { all: true }, 'mark read')],
      [
        2,
        () =>
          call(
            'PUT',
            '/user/profile-update/',
            pick(people).token,
            { bio: `Engineer since ${Math.floor(Math.random() * 30) + 1990}` },
            'profile update',
          ),
      ],
      // a socket opened, checked and closed again
      [
        2,
        async () => {
          const startedAt = Date.now();
          const [a, b] = [people[0]!, pick(people.slice(1))];
          const socket = await openSocket(wsUrl(baseUrl, `/ws/chat/${b.id}/?token=${a.token}`));
          try {
            socket.send({ type: 'ping' });
            const pong = await socket
              .next((frame) => frame.type === 'pong')
              .then(
                () => 101,
                () => 'timeout' as const,
              );
            return { name: 'socket open/ping/close', startedAt, ms: Date.now() - startedAt, status: pong, body: undefined };
          } finally {
            socket.close();
          }
        },
      ],
    ];
    const total = weighted.reduce((sum, [weight]) => sum + weight, 0);
    const next = () => {
      let roll = Math.random() * total;
      for (const [weight, operation] of weighted) if ((roll -= weight) < 0) return operation();
      return weighted[0]![1]();
    };

    const outcomes: Outcome[] = [];
    const running = new Set<Promise<void>>();
    let backlog = 0;
    const samples: Memory[] = [];
    const startedAt = Date.now();
    const endsAt = startedAt + SECONDS * 1000;
    let nextSampleAt = startedAt;
    let sent = 0;
    let sampling: Promise<void> | undefined;
    // Open loop: requests leave at the configured rate whether or not earlier ones were answered.
    while (Date.now() < endsAt) {
      const due = startedAt + (sent * 1000) / RATE;
      if (due > Date.now()) await sleep(due - Date.now());
      sent++;
      if (running.size >= MAX_IN_FLIGHT) backlog++;
      else {
        const request = next().then((outcome) => void outcomes.push(outcome));
        running.add(request);
        void request.finally(() => running.delete(request));
      }
      if (Date.now() >= nextSampleAt && !sampling) {
        sampling = sampleMemory()
          .then((sample) => void samples.push(sample))
          .finally(() => (sampling = undefined));
        nextSampleAt += SAMPLE_EVERY_SECONDS * 1000;
      }
    }
    await Promise.all([...running, sampling]);
    await sleep(1_000);
    samples.push(await sampleMemory());

    // A summary for whoever reads the log.
    const byName = new Map<string, number[]>();
    for (const outcome of outcomes) (byName.get(outcome.name) ?? byName.set(outcome.name, []).get(outcome.name)!).push(outcome.ms);
    const lines = [...byName].map(([name, times]) => {
      const sorted = times.sort((x, y) => x - y);
      return `${name.padEnd(24)} n=${String(sorted.length).padStart(6)} p50=${percentile(sorted, 0.5)}ms p99=${percentile(sorted, 0.99)}ms max=${sorted.at(-1)}ms`;
    });
    const warm = samples.filter((s) => s.at - startedAt >= WARM_UP_SECONDS * 1000);
    const baseline = warm[0] ?? samples[0]!;
    const last = samples.at(-1)!;
    const frames = listeners.reduce((sum, socket) => sum + socket.frames.length, 0);
    console.info(
      [
        `soak: ${outcomes.length} requests in ${SECONDS} s (${(outcomes.length / SECONDS).toFixed(1)}/s), backlog ${backlog}, ${frames} notification frames`,
        ...lines,
        `heap after GC (MB): ${samples.map((s) => (s.heapUsed / MB).toFixed(1)).join(' ')}`,
        `rss (MB): ${samples.map((s) => (s.rss / MB).toFixed(0)).join(' ')}`,
        `after warm-up (${WARM_UP_SECONDS} s): heap ${(baseline.heapUsed / MB).toFixed(1)} → ${(last.heapUsed / MB).toFixed(1)} MB, rss ${(baseline.rss / MB).toFixed(0)} → ${(last.rss / MB).toFixed(0)} MB`,
      ].join('\n'),
    );

    const failed = outcomes.filter((o) => typeof o.status !== 'number' || o.status >= 400);
    expect(
      failed.slice(0, 10).map((o) => `${o.name}: ${o.status} ${JSON.stringify(o.body)?.slice(0, 200)}`),
      JSON.stringify(statusCounts(outcomes)),
    ).toEqual([]);
    expect(backlog, 'requests not sent because too many were unanswered').toBe(0);
    expect(outcomes.length).toBeGreaterThan(SECONDS * RATE * 0.9);
    for (const socket of listeners) expect(socket.ws.readyState).toBe(socket.ws.OPEN);
    expect(frames).toBeGreaterThan(0);
    expect((last.heapUsed - baseline.heapUsed) / MB).toBeLessThan(MAX_HEAP_GROWTH_MB);
    expect((last.rss - baseline.rss) / MB).toBeLessThan(MAX_RSS_GROWTH_MB);
    for (const socket of listeners) socket.close();
  },
  SECONDS * 1000 + 180_000,
);
