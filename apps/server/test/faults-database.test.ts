import { randomBytes } from 'node:crypto';
import { openDatabase } from '@careernexus/db';
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, expect, it, onTestFinished } from 'vitest';
import { restClient, type RestClient } from './support/http.js';
import { closedLoop, sleep, statusCounts, timedRequest, type Outcome } from './support/load.js';
import { startMailbox, type Mailbox } from './support/mailbox.js';
import { person, type Person } from './support/people.js';
import { openSocket, wsUrl } from './support/sockets.js';
import { ADMIN_URL, createDatabase, dropDatabase, POSTGRES_BASE } from './support/postgres.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { startTestServer, type TestServer } from './support/test-server.js';

// PostgreSQL going away under a running server, simulated by a relay the test cuts (the
// machine's PostgreSQL stays up). An outage is a PostgreSQL matter, so both projects run it
// on PostgreSQL, as across-processes.test.ts does.
const database = `cn_faults_${randomBytes(4).toString('hex')}`;
let proxy: TcpProxy;
let server: TestServer;
let mailbox: Mailbox;
let api: RestClient;
let alice: Person;

beforeAll(async () => {
  await createDatabase(database);
  const postgres = new URL(POSTGRES_BASE);
  proxy = await startTcpProxy({ host: postgres.hostname, port: Number(postgres.port || 5432) });
  const proxied = new URL(`${POSTGRES_BASE}/${database}`);
  proxied.host = `127.0.0.1:${proxy.port}`;

  mailbox = await startMailbox();
  // The server's own database, reached through the relay; dropped when the server closes.
  const handle = await openDatabase({ url: proxied.toString(), poolSize: 5 });
  server = await startTestServer(
    { SMTP_URL: mailbox.url, LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? 'silent' },
    { handle, drop: () => dropDatabase(database) },
  );
  api = restClient(server.url);
  alice = await person(api, mailbox);
}, 60_000);

// A failed test must not leave the next one without a database.
afterEach(() => proxy.restore());

afterAll(async () => {
  // Closing the server drops its database; without one, the database is dropped here.
  if (server) await server.close();
  else await dropDatabase(database);
  await proxy?.close();
  await mailbox?.close();
});

// The probes read what is never remembered between requests (the signed-in account may be).
const chats = (token: string) => timedRequest(server.url, 'GET', '/chats/', { token });
/** The same query on /trpc, as a TypeScript client sends it (no input, no batching). */
const trpcChats = (token: string) => timedRequest(server.url, 'GET', '/trpc/chat.chats', { token, name: 'trpc chat.chats' });

async function untilHealthy(timeoutMs = 15_000) {
  let last: Outcome | undefined;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    last = await timedRequest(server.url, 'GET', '/healthz');
    if (last.status === 200) return Date.now();
    await sleep(200);
  }
  throw new Error(`/healthz did not recover: ${JSON.stringify(last)}`);
}

function expectUnavailable(outcome: Outcome) {
  expect(outcome.status, `${outcome.name}: ${JSON.stringify(outcome.body)}`).toBe(503);
  expect(outcome.headers?.get('retry-after')).toMatch(/^\d+$/);
  expect(outcome.headers?.get('content-type')).toMatch(/^application\/json/);
}

/** The status and Retry-After of a refused WebSocket handshake. */
function handshakeRefusal(url: string) {
  return new Promise<{ status: number; retryAfter: string | undefined }>((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_request, response) => {
      resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'] });
      ws.terminate();
    });
    ws.on('open', () => reject(new Error('the socket opened')));
    ws.on('error', () => {}); // terminate() after a refused handshake reports one
  });
}

/** Mixed reads and writes on REST and /trpc, as clients keep sending them. */
function mixedLoad(token: string) {
  const created: number[] = [];
  const loop = closedLoop(4, async (worker) => {
    switch (worker) {
      case 0:
        return chats(token);
      case 1:
        return timedRequest(server.url, 'GET', '/post/?page_size=5', { token });
      case 2: {
        const outcome = await timedRequest(server.url, 'POST', '/post/', { token, body: { body: `Load post ${Date.now()}` } });
        if (outcome.status === 201) created.push(outcome.body.post_id);
        return outcome;
      }
      default:
        return trpcChats(token);
    }
  });
  return { ...loop, created };
}

it('answers 503 with a JSON body and Retry-After while PostgreSQL is down, and recovers by itself when it returns', async () => {
  const load = mixedLoad(alice.token);
  // However the checks below end, the load stops with the test.
  onTestFinished(() => load.stop().then(() => undefined));
  await sleep(1_000);

  await proxy.cut('refused');
  const cutAt = Date.now();
  const read = await chats(alice.token);
  expectUnavailable(read);
  expect(read.body).toEqual({ detail: expect.stringMatching(/unavailable/i), message: read.body.detail });

  const write = await timedRequest(server.url, 'POST', '/post/', {
    token: alice.token,
    body: { body: 'Written while the database is away' },
  });
  expectUnavailable(write);
  const signin = await timedRequest(server.url, 'POST', '/user/signin/', { body: { email: alice.email, password: 'Str0ngPass' } });
  expectUnavailable(signin);
  expect(signin.body).toEqual(read.body);

  // A multipart upload is signed in before its files are read, outside any procedure.
  const upload = await api.request(
    'PUT',
    '/user/profile-update/',
    { bio: 'Uploaded while the database is away' },
    { token: alice.token, encoding: 'multipart' },
  );
  expect(upload.status).toBe(503);
  expect(upload.headers.get('retry-after')).toBe('5');
  expect(upload.body).toEqual(read.body);

  const trpc = await trpcChats(alice.token);
  expectUnavailable(trpc);
  expect(trpc.body.error.json).toMatchObject({
    message: read.body.detail,
    data: { code: 'SERVICE_UNAVAILABLE', httpStatus: 503, body: { detail: read.body.detail } },
  });
  expect(JSON.stringify(trpc.body)).not.toMatch(/ECONNREFUSED|:5432|node_modules|\.ts:/);

  const health = await timedRequest(server.url, 'GET', '/healthz');
  expectUnavailable(health);
  expect(health.body).toMatchObject({
    status: 'unavailable',
    database: 'unreachable',
    message: expect.any(String),
    detail: expect.any(String),
  });

  await sleep(1_500); // the load keeps coming during the outage
  await proxy.restore();
  const recoveredAt = await untilHealthy();

  expect((await chats(alice.token)).status).toBe(200);
  expect((await trpcChats(alice.token)).status).toBe(200);
  const after = await timedRequest(server.url, 'POST', '/post/', {
    token: alice.token,
    body: { body: 'Written once the database is back' },
  });
  expect(after.status).toBe(201);
  await sleep(1_000);
  const outcomes = await load.stop();

  const counts = statusCounts(outcomes);
  // Nothing hung, nothing broke the connection, nothing was a 500: 2xx or 503 only.
  expect(
    Object.keys(counts).every((status) => ['200', '201', '503'].includes(status)),
    JSON.stringify(counts),
  ).toBe(true);
  expect(counts['503'], JSON.stringify(counts)).toBeGreaterThan(0);
  for (const outcome of outcomes.filter((o) => o.status === 503)) {
    expect(outcome.startedAt + outcome.ms).toBeGreaterThanOrEqual(cutAt);
    expect(outcome.startedAt).toBeLessThan(recoveredAt);
  }
  const afterRecovery = outcomes.filter((o) => o.startedAt > recoveredAt);
  expect(afterRecovery.length).toBeGreaterThan(0);
  expect(
    afterRecovery.every((o) => o.status === 200 || o.status === 201),
    JSON.stringify(statusCounts(afterRecovery)),
  ).toBe(true);

  // Every post whose creation was acknowledged is there.
  const listed = new Set<number>();
  for (let page = 1; ; page++) {
    const response = await timedRequest(server.url, 'GET', `/post/posted/?page_size=50&page=${page}`, { token: alice.token });
    expect(response.status).toBe(200);
    for (const post of response.body.results as Array<{ post_id: number }>) listed.add(post.post_id);
    if (!response.body.next) break;
  }
  expect([...load.created, after.body.post_id].filter((id) => !listed.has(id))).toEqual([]);
}, 60_000);

it('treats connections the server terminates (as a restart does) like an outage: 503 or success, never a 500', async () => {
  const load = mixedLoad(alice.token);
  onTestFinished(() => load.stop().then(() => undefined));
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  let terminated = 0;
  try {
    for (let round = 0; round < 10; round++) {
      await sleep(150);
      // FATAL 57P01 "terminating connection due to administrator command" to every session of this database.
      const { rowCount } = await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [database],
      );
      terminated += rowCount ?? 0;
    }
  } finally {
    await admin.end();
  }
  await sleep(500);
  const outcomes = await load.stop();
  const counts = statusCounts(outcomes);
  console.info(`terminated ${terminated} sessions: ${JSON.stringify(counts)}`);
  expect(terminated).toBeGreaterThan(0);
  expect(
    Object.keys(counts).every((status) => ['200', '201', '503'].includes(status)),
    JSON.stringify(counts),
  ).toBe(true);
  const last = outcomes.slice(-8);
  expect(
    last.every((o) => o.status === 200 || o.status === 201),
    JSON.stringify(statusCounts(last)),
  ).toBe(true);
}, 60_000);

it('gives up on a PostgreSQL that stops answering within the connect timeout, then recovers', async () => {
  await proxy.cut('silent');
  await sleep(200); // the pool drops its dead idle connections: the requests below need new ones
  const [read, health] = await Promise.all([chats(alice.token), timedRequest(server.url, 'GET', '/healthz')]);
  expectUnavailable(read);
  // Not at once (no connection was refused), and not forever: the connect timeout (5 s).
  expect(read.ms).toBeGreaterThan(4_000);
  expect(read.ms).toBeLessThan(8_000);
  expect(health.status).toBe(503);
  expect(health.ms).toBeLessThan(8_000);

  await proxy.restore();
  await untilHealthy();
  expect((await chats(alice.token)).status).toBe(200);
}, 60_000);

it('keeps open WebSockets and takes new ones again once PostgreSQL is back', async () => {
  const bob = await person(api, mailbox);
  const open = await openSocket(wsUrl(server.url, `/ws/chat/${bob.id}/?token=${alice.token}`));
  try {
    await proxy.cut('refused');
    // A message cannot be stored: the socket says so and stays open.
    open.send({ message: 'Lost to the outage' });
    const refusal = await open.next((frame) => frame.type === 'error');
    expect(refusal.message).toMatch(/unavailable/i);
    expect(refusal.message).not.toMatch(/ECONNREFUSED|terminated/);
    open.send({ type: 'ping' });
    expect(await open.next((frame) => frame.type === 'pong')).toEqual({ type: 'pong' });
    // A new socket's peer cannot be looked up: the handshake is refused with 503 and Retry-After.
    expect(await handshakeRefusal(wsUrl(server.url, `/ws/chat/${bob.id}/?token=${alice.token}`))).toEqual({ status: 503, retryAfter: '5' });

    await proxy.restore();
    await untilHealthy();
    open.send({ message: 'Back again' });
    expect(await open.next((frame) => frame.type === 'chat_message')).toMatchObject({ message: 'Back again', user_id: alice.id });
    const fresh = await openSocket(wsUrl(server.url, `/ws/chat/${alice.id}/?token=${bob.token}`));
    try {
      fresh.send({ message: 'Hello after the outage' });
      expect(await open.next((frame) => frame.message === 'Hello after the outage')).toMatchObject({ user_id: bob.id });
    } finally {
      fresh.close();
    }
  } finally {
    open.close();
  }
}, 60_000);
