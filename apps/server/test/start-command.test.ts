import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { restClient } from './support/http.js';
import { PASSWORD, uniqueEmail } from './support/flows.js';
import { freePort } from './support/ports.js';
import { NODE_WITH_TSX, outboxCode, ROOT, startServerProcess } from './support/processes.js';
import { createDatabase, dropDatabase, postgresUrl } from './support/postgres.js';

// The real entry point, as `pnpm start` runs it: its own process, config from the environment.

const dataDir = mkdtempSync(join(tmpdir(), 'cn-start-'));
let databaseName: string | undefined;
let env: Record<string, string>;

beforeAll(async () => {
  env = { ...process.env, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(await freePort()), LOG_LEVEL: 'info' };
  delete env.JWT_SECRET;
  delete env.SMTP_URL;
  delete env.DATABASE_URL;
  delete env.PUBLIC_URL;
  delete env.DEFAULT_PROFILE_PHOTO_URL;
  delete env.DEFAULT_COVER_PHOTO_URL;
  if (inject('databaseKind') === 'postgres') {
    databaseName = `cn_start_${randomBytes(4).toString('hex')}`;
    await createDatabase(databaseName);
    env.DATABASE_URL = postgresUrl(databaseName);
  }
});

afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  if (databaseName) {
    await dropDatabase(databaseName);
  }
});

it('starts on embedded defaults, keeps data and sessions across restarts, and stops cleanly on SIGTERM', async () => {
  const api = restClient(`http://127.0.0.1:${env.PORT}`);
  const email = uniqueEmail('start');

  const first = await startServerProcess(env);
  expect((await api.get('/healthz')).status).toBe(200);
  await api.post('/user/signup/', { email, password1: PASSWORD, password2: PASSWORD });
  const signedUp = await api.post('/user/signup/', {
    email,
    password1: PASSWORD,
    password2: PASSWORD,
    otp: await outboxCode(dataDir, email),
  });
  expect(signedUp.status).toBe(201);
  expect(first.output()).toContain('mail written to the outbox');
  expect(first.output()).not.toContain(PASSWORD);
  expect(first.output()).not.toContain(signedUp.body.access);

  // An in-flight request (argon2 makes sign-in take a moment) finishes before the process exits.
  const inFlight = api.post('/user/signin/', { email, password: PASSWORD });
  await new Promise((resolve) => setTimeout(resolve, 20));
  first.child.kill('SIGTERM');
  expect((await inFlight).status).toBe(200);
  expect(await first.exited, first.output().slice(-3000)).toBe(0);

  // An administrator is made with the CLI while the server is down.
  const cli = spawnSync(NODE_WITH_TSX[0], [...NODE_WITH_TSX.slice(1), 'apps/server/src/set-role.ts', email, 'admin'], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
  expect(cli.status, cli.stderr).toBe(0);

  const second = await startServerProcess(env);
  const me = await api.get('/user/me/', { token: signedUp.body.access });
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({ email, is_admin: true, user_type: 'learner', industry: 'others' });

  // A profile without photos of its own shows this server's default images, never another host's.
  const origin = `http://127.0.0.1:${env.PORT}`;
  const profile = await api.get('/user/retrieve-profile/', { token: signedUp.body.access });
  expect(profile.status).toBe(200);
  expect(profile.body).toMatchObject({
    profile_photo: `${origin}/static/default-profile.png`,
    cover_photo: `${origin}/static/default-cover.png`,
  });
  for (const url of [profile.body.profile_photo, profile.body.cover_photo]) {
    const image = await fetch(url);
    expect(image.status, url).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('cache-control')).toBe('public, max-age=86400');
    const bytes = Buffer.from(await image.arrayBuffer());
    expect(bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('image/png');
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
  }
  // Only the known names are served: an unknown one, or a path climbing out of /static/, is the usual 404.
  for (const path of [
    '/static/x.png',
    '/static/../package.json',
    '/static/..%2Fpackage.json',
    '/static/%2e%2e%2f%2e%2e%2fpackage.json',
    '/static/..%5Cpackage.json',
  ]) {
    const refused = await getVerbatim(Number(env.PORT), path);
    expect(refused.status, path).toBe(404);
    expect(JSON.parse(refused.body), path).toMatchObject({ detail: 'Not found.' });
  }

  second.child.kill('SIGINT');
  expect(await second.exited, second.output().slice(-3000)).toBe(0);
  // Not at a terminal: JSON for machines, one object per line.
  for (const line of second.output().trim().split('\n')) expect(() => JSON.parse(line), line).not.toThrow();
}, 120_000);

it('LOG_FORMAT=pretty: one short line per request and per other record, with nothing the JSON would hide', async () => {
  const api = restClient(`http://127.0.0.1:${env.PORT}`);
  const server = await startServerProcess({ ...env, LOG_FORMAT: 'pretty' });
  expect((await api.get('/healthz')).status).toBe(200);
  expect((await api.get('/no/such/path/?token=secret-value')).status).toBe(404);
  expect((await api.post('/user/signin/', { email: 'nobody@example.com', password: PASSWORD })).status).toBe(400);
  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);

  const lines = server.output().trim().split('\n');
  expect(lines).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^\d\d:\d\d:\d\d info career nexus api ready \{"database":"\w+","mail":"outbox"\}$/),
      expect.stringMatching(/^\d\d:\d\d:\d\d GET \/healthz 200 \d+\.\d ms$/),
      expect.stringMatching(/^\d\d:\d\d:\d\d GET \/no\/such\/path\/\?token=\[redacted\] 404 \d+\.\d ms$/),
      expect.stringMatching(/^\d\d:\d\d:\d\d POST \/user\/signin\/ 400 \d+\.\d ms$/),
    ]),
  );
  // One line per request: the "incoming request" records are folded into the completed ones.
  expect(lines.filter((line) => line.includes('/healthz'))).toHaveLength(1);
  expect(server.output()).not.toContain('secret-value');
  expect(server.output()).not.toContain(PASSWORD);
  expect(server.output()).not.toMatch(/^\{/m);
}, 60_000);

it("puts the request id on the lines procedures log, as on fastify's own, and answers it as X-Request-Id", async () => {
  const api = restClient(`http://127.0.0.1:${env.PORT}`);
  // Google sign-in against an issuer that is not listening: the procedure logs why it answers 503.
  const server = await startServerProcess({
    ...env,
    GOOGLE_CLIENT_ID: 'client-id',
    GOOGLE_CLIENT_SECRET: 'client-secret',
    GOOGLE_REDIRECT_URL_SIGNIN: 'http://127.0.0.1/signin',
    GOOGLE_REDIRECT_URL_SIGNUP: 'http://127.0.0.1/signup',
    GOOGLE_ISSUER_URL: `http://127.0.0.1:${await freePort()}`,
  });
  const given = await api.post('/user/google/signin/', { code: 'any' }, { headers: { 'x-request-id': 'edge-42.a' } });
  const generated = await api.post('/user/google/signin/', { code: 'any' });
  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);

  expect([given.status, generated.status]).toEqual([503, 503]);
  const records = server
    .output()
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { msg: string; reqId?: string });
  const unavailable = records.filter((record) => record.msg === 'google sign-in unavailable');
  expect(unavailable.map((record) => record.reqId)).toEqual(['edge-42.a', generated.headers.get('x-request-id')]);
  expect(given.headers.get('x-request-id')).toBe('edge-42.a');
  // The same id on fastify's completion line of that request, so the lines of one request join up.
  expect(records).toContainEqual(expect.objectContaining({ msg: 'request completed', reqId: 'edge-42.a' }));
}, 60_000);

it('refuses to start in production without JWT_SECRET, naming the problem', () => {
  const result = spawnSync(NODE_WITH_TSX[0], [...NODE_WITH_TSX.slice(1), 'apps/server/src/main.ts'], {
    cwd: ROOT,
    env: { ...env, NODE_ENV: 'production', PORT: 'not-a-port' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('PORT');
  const noSecret = spawnSync(NODE_WITH_TSX[0], [...NODE_WITH_TSX.slice(1), 'apps/server/src/main.ts'], {
    cwd: ROOT,
    env: { ...env, NODE_ENV: 'production', DATA_DIR: join(dataDir, 'prod') },
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(noSecret.status).toBe(1);
  expect(noSecret.stderr).toContain('JWT_SECRET: must be set when NODE_ENV=production');
  expect(noSecret.stderr).not.toMatch(/\bat \S+ \(/);
}, 60_000);

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A GET whose path goes out exactly as written: fetch would resolve `..` before sending it. */
function getVerbatim(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}
