import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { restClient } from './support/http.js';
import { sleep } from './support/load.js';
import { freePort } from './support/ports.js';
import { createDatabase, dropDatabase, postgresUrl } from './support/postgres.js';
import { startServerProcess, type ServerProcess, signUpThroughOutbox } from './support/processes.js';
import { waiter } from './support/wait.js';

// `WORKERS=2`: one port, two server processes. Both serve; one killed mid-load loses no write it
// had acknowledged, and another takes its place and serves.
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const database = `cn_workers_${randomBytes(4).toString('hex')}`;
const dataDir = mkdtempSync(join(tmpdir(), 'cn-workers-'));
let server: ServerProcess;
let url: string;

beforeAll(async () => {
  await createDatabase(database);
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const env = { ...process.env } as Record<string, string>;
  delete env.SMTP_URL;
  server = await startServerProcess(
    {
      ...env,
      WORKERS: '2',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: url,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      DATABASE_URL: postgresUrl(database),
      DATABASE_POOL_SIZE: '4',
      REDIS_URL,
      REDIS_PREFIX: `cn-test-${randomBytes(4).toString('hex')}`,
      JWT_SECRET: randomBytes(32).toString('hex'),
    },
    [],
    90_000,
  ); // each worker loads the TypeScript sources itself: slow on a busy machine
}, 180_000);

afterAll(async () => {
  if (server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await dropDatabase(database);
  rmSync(dataDir, { recursive: true, force: true });
});

/** The JSON log lines all processes wrote so far (each line carries its process's pid). */
const logLines = () =>
  server
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { pid: number; msg: string });
const workerPids = () => [
  ...new Set(
    logLines()
      .filter((l) => l.msg === 'worker ready')
      .map((l) => l.pid),
  ),
];
const servingPids = () =>
  new Set(
    logLines()
      .filter((l) => l.msg === 'request completed')
      .map((l) => l.pid),
  );

/** One request on a connection of its own, so the primary hands each to the next worker. */
function request(method: string, path: string, token: string, body?: unknown) {
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(new URL(path, url), {
      method,
      agent: false,
      headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json' } : {}) },
    });
    req.on('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      response.on('error', reject);
    });
    req.on('error', reject);
    // A request lost with its worker must fail, not hang the test.
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
    req.end(payload);
  });
}

it('serves from both workers; a worker killed mid-load loses no acknowledged write and is replaced', async () => {
  // The primary says ready once both workers listen; their own "worker ready" lines come through
  // the pipes a moment later.
  const [first, second] = await waiter().until(
    () => (workerPids().length === 2 ? workerPids() : undefined),
    15_000,
    () => `two workers never said ready:\n${server.output()}`,
  );
  expect(first).not.toBe(second);

  const api = restClient(url);
  const token = (await signUpThroughOutbox(api, dataDir, 'workers')).access;

  // Writers post until told to stop; an acknowledged post is one answered 201 with its id.
  const acknowledged: number[] = [];
  let failed = 0;
  let running = true;
  const writer = async (w: number) => {
    for (let n = 0; running; n++) {
      try {
        const answer = await request('POST', '/post/', token, { body: `Worker load ${w}.${n}: notes on distributed systems.` });
        if (answer.status === 201) acknowledged.push(answer.body.post_id as number);
        else failed += 1;
      } catch {
        failed += 1; // the connection the killed worker held
      }
      await sleep(50);
    }
  };
  const writers = [0, 1, 2].map(writer);

  await waiter().until(
    () => (servingPids().has(first!) && servingPids().has(second!) ? true : undefined),
    20_000,
    () => 'both workers never served',
  );
  const beforeKill = acknowledged.length;
  process.kill(first!, 'SIGKILL');
  const replacement = await waiter().until(
    () => workerPids().find((pid) => pid !== first && pid !== second),
    60_000,
    () => `no replacement worker: ${server.output().slice(-2000)}`,
  );
  await waiter().until(
    () => (servingPids().has(replacement) ? true : undefined),
    30_000,
    () => 'the replacement never served',
  );
  await sleep(300);
  running = false;
  await Promise.all(writers);

  expect(acknowledged.length).toBeGreaterThan(beforeKill);
  // At most the requests the killed worker held at that moment failed.
  expect(failed).toBeLessThanOrEqual(3);
  for (const postId of acknowledged) {
    const read = await request('GET', `/post/?post_id=${postId}`, token);
    expect(read.status, `acknowledged post ${postId}`).toBe(200);
  }

  // /metrics, asked of any worker, sums the workers alive now.
  const metrics = await fetch(new URL('/metrics', url));
  expect(metrics.status).toBe(200);
  expect(await metrics.text()).toMatch(/careernexus_http_requests_total\{operation="posts\.create",method="POST",status="201"\} \d+/);

  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);
  expect(server.output()).toContain('all workers stopped');
}, 180_000);
