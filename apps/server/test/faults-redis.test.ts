import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@careernexus/api';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server.js';
import { restClient, type RestClient } from './support/http.js';
import { sleep } from './support/load.js';
import { startMailbox, type Mailbox } from './support/mailbox.js';
import { person, type Person } from './support/people.js';
import { freePort } from './support/ports.js';
import { openSocket, wsUrl, type TestSocket } from './support/sockets.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { startTestServer, type TestServer } from './support/test-server.js';

// Two API servers on one database, each with its own Redis event bus, reaching Redis through a
// relay the test cuts (the machine's Redis stays up). What one server publishes reaches the
// other's sockets only through Redis, as between two processes (across-processes.test.ts).
const REDIS = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `cn-faults-${randomBytes(4).toString('hex')}`;
const jwtSecret = randomBytes(32).toString('hex');
const dataDir = mkdtempSync(join(tmpdir(), 'cn-faults-redis-'));
let proxy: TcpProxy;
let mailbox: Mailbox;
let a: TestServer;
let b: RunningServer;
let onA: RestClient;
let onB: RestClient;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  proxy = await startTcpProxy({ host: REDIS.hostname, port: Number(REDIS.port || 6379) });
  mailbox = await startMailbox();
  const shared = { REDIS_URL: proxy.url('redis'), REDIS_PREFIX: prefix, JWT_SECRET: jwtSecret, SMTP_URL: mailbox.url };
  a = await startTestServer(shared);
  const port = await freePort();
  const config = loadConfig({
    ...shared,
    NODE_ENV: 'test',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
  });
  // B shares A's database; A closes it.
  b = await startServer(config, { ...a.database, close: async () => {} });
  onA = restClient(a.url);
  onB = restClient(b.url);
}, 60_000);

afterEach(async () => {
  await proxy.restore();
  for (const socket of sockets.splice(0)) socket.close();
});

afterAll(async () => {
  await b?.close();
  await a?.close();
  await proxy?.close();
  await mailbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function chatSocket(baseUrl: string, viewer: Person, other: Person) {
  const socket = await openSocket(wsUrl(baseUrl, `/ws/chat/${other.id}/?token=${viewer.token}`));
  sockets.push(socket);
  return socket;
}

const send = (api: RestClient, from: Person, to: Person, message: string) =>
  api.post('/chats/messages/', { user_id: to.id, message }, { token: from.token });
const saying = (message: string) => (frame: Record<string, any>) => frame.type === 'chat_message' && frame.message === message;

it('while Redis is away, events still reach sockets of the publishing server; delivery between servers resumes when it returns', async () => {
  const alice = await person(onA, mailbox);
  const bob = await person(onA, mailbox);
  const carol = await person(onA, mailbox);
  const aliceOnA = await chatSocket(a.url, alice, bob);
  const bobOnB = await chatSocket(b.url, bob, alice);

  expect((await send(onB, bob, alice, 'Before the outage')).status).toBe(201);
  await aliceOnA.next(saying('Before the outage'));
  await bobOnB.next(saying('Before the outage'));

  await proxy.cut('refused');
  await sleep(300);

  // Sending answers at once and reaches the sockets this server holds.
  const started = Date.now();
  expect((await send(onA, alice, bob, 'During the outage')).status).toBe(201);
  expect(Date.now() - started).toBeLessThan(2_000);
  await aliceOnA.next(saying('During the outage'));

  // A socket opened now opens at once and hears what this server publishes.
  const opening = Date.now();
  const carolOnA = await chatSocket(a.url, carol, bob);
  expect(carolOnA.ws.readyState).toBe(carolOnA.ws.OPEN);
  expect(Date.now() - opening).toBeLessThan(2_000);
  expect((await send(onA, bob, carol, 'Hello Carol, same server')).status).toBe(201);
  await carolOnA.next(saying('Hello Carol, same server'));
  expect((await onA.get('/healthz')).status).toBe(200);
  expect((await onB.get('/healthz')).status).toBe(200);

  await proxy.restore();
  // Once both servers are back on Redis, B's messages reach A's sockets again, including the
  // socket opened while Redis was away.
  const deadline = Date.now() + 15_000;
  for (let attempt = 0; ; attempt++) {
    expect((await send(onB, bob, carol, `Probe ${attempt}`)).status).toBe(201);
    const heard = await carolOnA.next(saying(`Probe ${attempt}`), 300).catch(() => undefined);
    if (heard) break;
    if (Date.now() > deadline) throw new Error('cross-server delivery did not resume within 15 s');
  }
  expect((await send(onB, bob, alice, 'After the outage')).status).toBe(201);
  await aliceOnA.next(saying('After the outage'));
  expect((await send(onA, alice, bob, 'And back to B')).status).toBe(201);
  await bobOnB.next(saying('And back to B'));
}, 60_000);

it('a Redis that stops answering holds up neither sending nor new sockets', async () => {
  const dave = await person(onA, mailbox);
  const erin = await person(onA, mailbox);
  const daveOnA = await chatSocket(a.url, dave, erin);
  await proxy.cut('silent');

  const started = Date.now();
  expect((await send(onA, erin, dave, 'Into the silence')).status).toBe(201);
  await daveOnA.next(saying('Into the silence'));
  const erinOnA = await chatSocket(a.url, erin, dave);
  expect(erinOnA.ws.readyState).toBe(erinOnA.ws.OPEN);
  expect((await send(onA, dave, erin, 'Still here')).status).toBe(201);
  await erinOnA.next(saying('Still here'));
  expect(Date.now() - started).toBeLessThan(5_000);
}, 60_000);
