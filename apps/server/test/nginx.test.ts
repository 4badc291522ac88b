import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PASSWORD, signUp, uniqueEmail } from './support/flows.js';
import { restClient } from './support/http.js';
import { startMailbox, type Mailbox } from './support/mailbox.js';
import { freePort } from './support/ports.js';
import { createDatabase, dropDatabase, postgresUrl } from './support/postgres.js';
import { startNginx, NGINX, type Nginx } from './support/nginx.js';
import { signUpThroughOutbox, startProcessGroup, startServerProcess, type ProcessGroup, type ServerProcess } from './support/processes.js';
import { openSocket, wsUrl, type TestSocket } from './support/sockets.js';

// Two processes share one database, which takes PostgreSQL: this file runs in the PostgreSQL project.
const onPostgres = inject('databaseKind') === 'postgres';
if (!NGINX && onPostgres) {
  if (process.env.CI) throw new Error('nginx is missing in CI: .ci/run installs it (apt-get install -y nginx)');
  console.warn('\n!! nginx is not installed: nginx.test.ts is skipped (apt-get install -y nginx runs it).\n');
}

// Above the sign-ups and sign-ins the tests below make from 127.0.0.1, counted together through Redis.
const AUTH_RATE_LIMIT = 8;
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const database = `cn_nginx_${randomBytes(4).toString('hex')}`;
let prefix = '';
const processes: ServerProcess[] = [];
let nginx: Nginx | undefined;
let mailbox: Mailbox;
let base = '';

describe.skipIf(!NGINX || !onPostgres)('nginx in front of two processes (docs/nginx/careernexus.conf)', () => {
  beforeAll(async () => {
    prefix = mkdtempSync(join(tmpdir(), 'cn-nginx-'));
    mailbox = await startMailbox();
    await createDatabase(database);
    const nginxPort = await freePort();
    base = `http://127.0.0.1:${nginxPort}`;
    const shared = {
      ...process.env,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      DATABASE_URL: postgresUrl(database),
      REDIS_URL,
      REDIS_PREFIX: `cn-test-${randomBytes(4).toString('hex')}`,
      JWT_SECRET: randomBytes(32).toString('hex'),
      SMTP_URL: mailbox.url,
      TRUST_PROXY: 'true',
      AUTH_RATE_LIMIT: String(AUTH_RATE_LIMIT),
      PUBLIC_URL: base,
    } as Record<string, string>;
    const upstreams: string[] = [];
    for (const name of ['a', 'b']) {
      const port = await freePort();
      const dataDir = join(prefix, `data-${name}`);
      // One after the other: the first one migrates the shared database.
      processes.push(await startServerProcess({ ...shared, PORT: String(port), DATA_DIR: dataDir }));
      upstreams.push(`127.0.0.1:${port}`);
    }
    nginx = await startNginx(nginxPort, upstreams);
  }, 120_000);

  afterAll(async () => {
    await nginx?.stop();
    for (const proc of processes) {
      if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGTERM');
      await proc.exited;
    }
    await dropDatabase(database);
    await mailbox?.close();
    if (prefix) rmSync(prefix, { recursive: true, force: true });
  });

  /** The requests a process logged ("incoming request") whose URL contains `marker`. */
  const served = (proc: ServerProcess, method: string, marker: string) =>
    proc
      .output()
      .split('\n')
      .filter((line) => line.includes('"incoming request"') && line.includes(`"method":"${method}"`) && line.includes(marker)).length;

  it('spreads requests over both processes', async () => {
    const api = restClient(base);
    const marker = `spread-${randomBytes(3).toString('hex')}`;
    for (let i = 0; i < 20; i++) expect((await api.get(`/healthz?probe=${marker}`)).status).toBe(200);
    const counts = processes.map((proc) => served(proc, 'GET', marker));
    expect(counts[0]! + counts[1]!).toBe(20);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(5);
  });

  it('carries WebSockets through, to sockets held by either process', async () => {
    const api = restClient(base);
    const alice = await signUp(api, mailbox);
    const bob = await signUp(api, mailbox);
    const aliceId = (await api.get('/user/me/', { token: alice.access })).body.id as number;
    const bobId = (await api.get('/user/me/', { token: bob.access })).body.id as number;
    const aliceChat = await openSocket(wsUrl(base, `/ws/chat/${bobId}/?token=${alice.access}`));
    const bobChat = await openSocket(wsUrl(base, `/ws/chat/${aliceId}/?token=${bob.access}`));
    const bobNotifications = await openSocket(wsUrl(base, `/ws/notification/?token=${bob.access}`));
    try {
      aliceChat.send({ message: 'Hello through nginx' });
      for (const socket of [aliceChat, bobChat]) {
        expect(await socket.next((frame) => frame.type === 'chat_message')).toMatchObject({
          user_id: aliceId,
          message: 'Hello through nginx',
        });
      }
      const sent = await api.post('/chats/messages/', { user_id: aliceId, message: 'And back by REST' }, { token: bob.access });
      expect(sent.status).toBe(201);
      expect(await aliceChat.next((frame) => frame.type === 'chat_message')).toMatchObject({ user_id: bobId, message: 'And back by REST' });

      expect((await api.post('/follow/', { user_following: bobId }, { token: alice.access })).status).toBeLessThan(300);
      expect(await bobNotifications.next((frame) => frame.type !== 'pong')).toMatchObject({ obj_id: expect.anything() });
    } finally {
      aliceChat.close();
      bobChat.close();
      bobNotifications.close();
    }
  });

  it("gives the server the client's address (X-Forwarded-For with TRUST_PROXY), not one the client wrote", async () => {
    // 127.0.0.2 and 127.0.0.3 are two clients; nginx itself reaches the processes from 127.0.0.1.
    const signIn = (from: string) =>
      requestFrom(
        from,
        'POST',
        '/user/signin/',
        { email: uniqueEmail('xff'), password: PASSWORD },
        { 'x-forwarded-for': `10.9.${from.slice(-1)}.${Math.floor(Math.random() * 250)}` },
      );
    const statuses: number[] = [];
    // Counted per process (or, shared through Redis, in total): twice the limit at most, twice
    // more if a window ends meanwhile.
    while (statuses.length < 4 * AUTH_RATE_LIMIT + 1 && !statuses.includes(429)) statuses.push(await signIn('127.0.0.2'));
    expect(statuses.at(-1), JSON.stringify(statuses)).toBe(429);
    expect(new Set(statuses.slice(0, -1))).toEqual(new Set([400]));
    // Another client's address has its own budget: the limit was not nginx's address, nor the forged header's.
    expect(await signIn('127.0.0.3')).toBe(400);
    const logged = processes.map((proc) => proc.output()).join('');
    expect(logged).toContain('"ip":"127.0.0.2"');
    expect(logged).not.toMatch(/"ip":"10\.9\./);
  });

  it('retries a GET on the other process when one dies mid-request, never a POST it may have acted on', async () => {
    const api = restClient(base);
    const author = await signUp(api, mailbox);
    const tag = `retry-${randomBytes(3).toString('hex')}`;
    const [a, b] = processes as [ServerProcess, ServerProcess];
    const locker = new pg.Client({ connectionString: postgresUrl(database) });
    await locker.connect();
    // Requests waiting for the lock below (pg_locks: pg_stat_activity is one snapshot per transaction).
    const waiting = async () =>
      Number((await locker.query(`select count(*) as n from pg_locks where relation = 'posts'::regclass and not granted`)).rows[0].n);
    let beforeAtB: number;
    let heldByA: { gets: number; posts: number };
    const gets: Array<Promise<number>> = [];
    const posts: Array<Promise<number>> = [];
    try {
      // Every read and write of posts now waits in PostgreSQL, inside the process that took it.
      await locker.query('begin');
      await locker.query('lock table posts in access exclusive mode');
      const before = served(a, 'POST', '/post/');
      beforeAtB = served(b, 'POST', '/post/');
      const atA = () => ({ gets: served(a, 'GET', tag), posts: served(a, 'POST', '/post/') - before });
      // One at a time (read, write, write, read, …) until process A holds a read and a write:
      // round-robin alternates the processes, so four requests do it.
      for (let i = 0; i < 8 && (atA().gets === 0 || atA().posts === 0); i++) {
        if (i % 4 === 0 || i % 4 === 3) gets.push(api.get(`/post/?probe=${tag}-${i}`, { token: author.access }).then((r) => r.status));
        else posts.push(api.post('/post/', { body: `${tag} ${i}` }, { token: author.access }).then((r) => r.status));
        await eventually(
          async () => (await waiting()) > i || undefined,
          () => `request ${i} did not reach PostgreSQL`,
        );
      }
      heldByA = atA();
      expect(heldByA.gets).toBeGreaterThan(0);
      expect(heldByA.posts).toBeGreaterThan(0);

      a.child.kill('SIGKILL');
      await a.exited;
      // nginx sends A's reads again to B, where they wait for the lock too.
      await eventually(
        () => Promise.resolve(served(b, 'GET', tag) === gets.length || undefined),
        () => `the reads held by A were not sent to B: ${served(b, 'GET', tag)} of ${gets.length}`,
      );
    } finally {
      await locker.query('rollback');
      await locker.end();
    }
    const getStatuses = await Promise.all(gets);
    const postStatuses = await Promise.all(posts);
    expect(
      getStatuses.every((status) => status === 200),
      JSON.stringify(getStatuses),
    ).toBe(true);
    // A's writes failed (502): sent once, to a process that died holding them. B never saw them,
    // and PostgreSQL may still have run them (A's backend waited for the lock, unaware that A
    // was gone): sending them again would have written them twice.
    const created = postStatuses.filter((status) => status === 201).length;
    expect(postStatuses.filter((status) => status === 502).length, JSON.stringify(postStatuses)).toBe(heldByA.posts);
    expect(created).toBe(posts.length - heldByA.posts);
    expect(served(b, 'POST', '/post/') - beforeAtB).toBe(created);
    expect(await storedTwice(tag)).toEqual([]);

    // With A down, nothing can be sent to it: every request, writes included, goes to B.
    const stored = await countPosts(tag);
    for (let i = 0; i < 4; i++) {
      expect((await api.get(`/post/?probe=${tag}-after-${i}`, { token: author.access })).status).toBe(200);
      expect((await api.post('/post/', { body: `${tag} after ${i}` }, { token: author.access })).status).toBe(201);
    }
    expect(await countPosts(tag)).toBe(stored + 4);
  }, 60_000);
});

/** Polls `check` until it gives a value (20 s at most: the machine may be busy). */
async function eventually<T>(check: () => Promise<T | undefined>, failure: () => string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(failure());
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function queryTest<T>(text: string, values: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: postgresUrl(database) });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

const countPosts = async (tag: string) =>
  Number((await queryTest<{ n: string }>('select count(*) as n from posts where body like $1', [`${tag} %`]))[0]?.n);

/** Bodies of posts tagged `tag` stored more than once. */
const storedTwice = (tag: string) => queryTest('select body from posts where body like $1 group by body having count(*) > 1', [`${tag} %`]);

/** A JSON request to nginx from a given local address (127.0.0.0/8 is all the loopback's); resolves to its status. */
function requestFrom(localAddress: string, method: string, path: string, body: unknown, headers: Record<string, string>): Promise<number> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      new URL(path, base),
      { method, localAddress, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe.skipIf(!NGINX || !onPostgres)('nginx in front of two processes, one of which is stopped (SIGTERM) mid-load', () => {
  // Above nginx's upstream keepalive_timeout (4 s): while draining, each answer closes its connection
  // and nginx closes the ones it left idle, so none is left for the process to close under a request.
  const DRAIN_DELAY_SECONDS = 5;
  let group: ProcessGroup;
  let proxy: Nginx;
  let entrance = '';
  /** Ends what reconnects on its own (the chat receivers), also when the test failed. */
  const stoppers: Array<() => void> = [];

  beforeAll(async () => {
    group = await startProcessGroup(2, {
      REDIS_URL,
      REDIS_PREFIX: `cn-test-${randomBytes(4).toString('hex')}`,
      TRUST_PROXY: 'true',
      LOG_FORMAT: 'json',
      DRAIN_DELAY_SECONDS: String(DRAIN_DELAY_SECONDS),
    });
    const port = await freePort();
    entrance = `http://127.0.0.1:${port}`;
    proxy = await startNginx(
      port,
      group.urls.map((url) => url.replace('http://', '')),
    );
  }, 120_000);

  afterAll(async () => {
    stoppers.forEach((stop) => stop());
    await proxy?.stop();
    await group?.stop();
  });

  it('loses no idempotent request and no chat message, and /readyz turns 503 before the process stops', async () => {
    const [a] = group.processes as [ServerProcess, ServerProcess];
    const direct = restClient(group.urls[0]!);
    const api = restClient(entrance);
    const sender = await signUpThroughOutbox(direct, group.dirs[0]!, 'drain-sender');
    const receiver = await signUpThroughOutbox(direct, group.dirs[0]!, 'drain-receiver');
    const senderId = (await api.get('/user/me/', { token: sender.access })).body.id as number;
    const receiverId = (await api.get('/user/me/', { token: receiver.access })).body.id as number;
    const opening = await api.post('/chats/messages/', { user_id: receiverId, message: 'message 0' }, { token: sender.access });
    expect(opening.status).toBe(201);
    const chatId = opening.body.chat_id as number;

    // Two receiving sockets, one after the other: round-robin puts them on different processes.
    const receivers = [await chatReceiver(), await chatReceiver()];
    receivers.forEach((r) => stoppers.push(() => r.stop()));

    let loading = true;
    const reads: number[] = [];
    const writes: number[] = [];
    // The opening message (it made the chat) is not expected on the sockets.
    const sent: string[] = [];
    const reader = async () => {
      for (let i = 0; loading; i++) {
        const path = i % 2 ? '/user/me/' : `/post/?probe=${i}`;
        reads.push((await api.get(path, { token: sender.access })).status);
      }
    };
    const writer = async () => {
      for (let i = 0; loading; i++) writes.push((await api.post('/post/', { body: `drain ${i}` }, { token: sender.access })).status);
    };
    const chatter = async () => {
      for (let i = 1; loading; i++) {
        const message = `message ${i}`;
        const posted = await api.post('/chats/messages/', { user_id: receiverId, message }, { token: sender.access });
        // A failed POST is not retried by nginx (it may have been acted on): only what was accepted counts as sent.
        if (posted.status === 201) sent.push(message);
        else writes.push(posted.status);
      }
    };
    const load = Promise.all([reader(), reader(), reader(), writer(), chatter()]);

    // /readyz of the process that is stopped, asked directly (nginx does not route /readyz to one process).
    const readiness: number[] = [];
    let exited = false;
    void a.exited.then(() => (exited = true));
    const poll = (async () => {
      while (!exited) {
        const status = await fetch(`${group.urls[0]!}/readyz`)
          .then((response) => response.status)
          .catch(() => 0);
        readiness.push(status);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    await new Promise((resolve) => setTimeout(resolve, 1_000));
    a.child.kill('SIGTERM');
    await a.exited;
    await poll;
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // the load goes on, all at B
    loading = false;
    await load;

    expect(reads.length).toBeGreaterThan(20);
    expect(reads.filter((status) => status !== 200)).toEqual([]);
    // Writes nearly all succeed: while draining, the process closes each kept-alive connection after
    // its answer (app.ts) and nginx its idle ones. One that nginx sent in the instant the process
    // stopped listening (a connection the kernel had accepted, then reset) fails with 502 and is
    // not sent again: nginx cannot know whether it was acted on. The client sees it fail.
    const failedWrites = writes.filter((status) => status !== 201);
    expect(
      failedWrites.every((status) => status === 502),
      JSON.stringify(failedWrites),
    ).toBe(true);
    expect(failedWrites.length).toBeLessThanOrEqual(3);

    // The load reached the stopped process while it drained (so its kept-alive connections were in use).
    const afterDrainBegan = a.output().split('draining: /readyz answers 503')[1] ?? '';
    expect(afterDrainBegan.split('"incoming request"').length - 1).toBeGreaterThan(5);

    // Ready, then 503 for the drain delay while it still serves, then refused (0) once it stopped
    // listening, until it exited.
    const statuses = readiness.join(' ');
    expect(statuses).toMatch(/^(200 )+(503 ?)+(0 ?)*$/);

    // Every receiver ends with every message sent (the ones accepted with 201), once each, in order; one of them was on the
    // stopped process, closed with 1012 and reconnected.
    const closes = await Promise.all(receivers.map((r) => r.finish(sent.length)));
    expect(closes.flat()).toContain(1012);
    for (const r of receivers) {
      expect(r.messages()).toEqual(sent);
      expect(r.repeated).toEqual([]);
    }

    /**
     * A chat socket that reconnects after a close and fills the gap from the history. Messages are
     * kept by id, as a chat client shows them: a message sent through the other process comes
     * through Redis and can arrive a moment after a later one sent through this socket's process.
     */
    async function chatReceiver() {
      const byId = new Map<number, string>();
      const closes: number[] = [];
      /** Messages one socket delivered more than once. */
      const repeated: number[] = [];
      let done = false;
      const connect = async (): Promise<TestSocket> => {
        const socket = await openSocket(wsUrl(entrance, `/ws/chat/${senderId}/?token=${receiver.access}`));
        const seen = new Set<number>();
        socket.ws.on('message', (data) => {
          const frame = JSON.parse((data as Buffer).toString()) as { type: string; message_id: number; message: string };
          if (frame.type !== 'chat_message') return;
          if (seen.has(frame.message_id)) repeated.push(frame.message_id);
          seen.add(frame.message_id);
          byId.set(frame.message_id, frame.message);
        });
        void socket.closed.then(async ({ code }) => {
          if (done) return;
          closes.push(code);
          current = await connect();
          // Whatever was sent between the close and the new socket.
          const history = await api.get(`/chats/messages/?chat_id=${chatId}`, { token: receiver.access });
          for (const item of history.body as Array<{ message_id: number; message: string }>)
            if (item.message_id !== opening.body.message_id) byId.set(item.message_id, item.message);
        });
        return socket;
      };
      let current = await connect();
      const messages = () => [...byId.entries()].sort(([x], [y]) => x - y).map(([, message]) => message);
      return {
        messages,
        repeated,
        stop() {
          done = true;
          current.close();
        },
        async finish(count: number) {
          await eventually(
            () => Promise.resolve(byId.size >= count || undefined),
            () => `received ${byId.size} of ${count} messages (closes ${JSON.stringify(closes)}): ${messages().join(', ')}`,
          );
          done = true;
          current.close();
          return closes;
        },
      };
    }
  }, 90_000);
});
