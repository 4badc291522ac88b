import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PASSWORD } from './support/flows.js';
import { restClient } from './support/http.js';
import { freePort } from './support/ports.js';
import { createDatabase, dropDatabase, postgresUrl } from './support/postgres.js';
import { startServerProcess, signUpThroughOutbox } from './support/processes.js';
import { openSocket, wsUrl } from './support/sockets.js';

// A server process sent SIGTERM: /readyz turns 503 at once while it keeps serving for
// DRAIN_DELAY_SECONDS, then it stops accepting, closes WebSockets with 1012 (service restart),
// finishes the request still in flight, and exits. (On PostgreSQL: a process of its own is what
// matters here, not the database, and PGlite's first start is slow.)
const dataDir = mkdtempSync(join(tmpdir(), 'cn-drain-'));
const database = `cn_drain_${randomBytes(4).toString('hex')}`;
beforeAll(() => createDatabase(database));
afterAll(async () => {
  await dropDatabase(database);
  rmSync(dataDir, { recursive: true, force: true });
});

/** A POST whose body arrives in two parts: in flight from its first byte until `finish` sends the rest. */
function slowPost(url: string, path: string, body: string) {
  const half = Math.floor(body.length / 2);
  const request = http.request(new URL(path, url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
  });
  request.write(body.slice(0, half));
  return { answered, finish: () => request.end(body.slice(half)) };
}

it('drains on SIGTERM: /readyz 503 at once, the in-flight request completes, WebSockets close with 1012, then it exits', async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { ...process.env, HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: url, DATA_DIR: dataDir, LOG_LEVEL: 'info' } as Record<
    string,
    string
  >;
  delete env.SMTP_URL;
  const server = await startServerProcess({
    ...env,
    DATABASE_URL: postgresUrl(database),
    JWT_SECRET: randomBytes(32).toString('hex'),
    DRAIN_DELAY_SECONDS: '2',
  });
  const api = restClient(url);
  const { email, access } = await signUpThroughOutbox(api, dataDir, 'drain');

  const socket = await openSocket(wsUrl(url, `/ws/notification/?token=${access}`));
  expect(socket.ws.readyState).toBe(socket.ws.OPEN);
  expect((await api.get('/readyz')).status).toBe(200);
  const inFlight = slowPost(url, '/user/signin/', JSON.stringify({ email, password: PASSWORD }));

  server.child.kill('SIGTERM');
  await expect.poll(async () => (await api.get('/readyz')).status, { timeout: 1_500, interval: 50 }).toBe(503);
  expect((await api.get('/healthz')).status).toBe(200); // liveness is not readiness

  expect(await socket.closed).toEqual({ code: 1012, reason: 'server restarting' });
  inFlight.finish();
  const answer = await inFlight.answered;
  expect(answer.status).toBe(200);
  expect(JSON.parse(answer.body)).toMatchObject({ user: email });
  expect(await server.exited).toBe(0);
  const log = server.output();
  expect(log.indexOf('draining: /readyz answers 503')).toBeGreaterThan(0);
  expect(log.indexOf('draining: /readyz answers 503')).toBeLessThan(log.indexOf('http server closed'));
}, 60_000);
