import { expect, inject, it } from 'vitest';
import { useServer } from './support/fixture.js';
import { PASSWORD, uniqueEmail } from './support/flows.js';
import { person } from './support/people.js';
import { openSocket, wsUrl } from './support/sockets.js';

const TOKEN = 'metrics-scraper-token-0123456789';
const t = useServer({ METRICS_TOKEN: TOKEN, AUTH_RATE_LIMIT: '6' });

type Sample = { name: string; labels: Record<string, string>; value: number };

/** Parses Prometheus text exposition strictly: every line is a comment, blank, or `name{labels} value`. */
function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?(?:[0-9.e+-]+|NaN|\+Inf|-Inf))$/;
  const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (const row of text.split('\n')) {
    if (row === '' || row.startsWith('# HELP ') || row.startsWith('# TYPE ')) continue;
    const match = line.exec(row);
    if (!match) throw new Error(`not Prometheus text: ${row}`);
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(label)].map((m) => [m[1]!, m[2]!]));
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

async function scrape() {
  const response = await fetch(new URL('/metrics', t.server.url), { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = parsePrometheus(await response.text());
  return (name: string, labels: Record<string, string> = {}) =>
    samples
      .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((sum, s) => sum + s.value, 0);
}

it('refuses /metrics without the METRICS_TOKEN bearer token', async () => {
  expect((await fetch(new URL('/metrics', t.server.url))).status).toBe(401);
  const wrong = await fetch(new URL('/metrics', t.server.url), { headers: { authorization: `Bearer ${TOKEN}x` } });
  expect(wrong.status).toBe(401);
  expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
});

it('counts requests per operation (never per raw URL), their durations, refusals, sockets and events', async () => {
  const alice = await person(t.api, t.mailbox);
  const bob = await person(t.api, t.mailbox);
  const before = await scrape();

  for (let i = 0; i < 3; i++) expect((await t.api.get('/post/?page=1', { token: alice.token })).status).toBe(200);
  // A path with an id: counted under its procedure.
  expect((await t.api.get('/project/987654/', { token: alice.token })).status).toBe(404);
  // AUTH_RATE_LIMIT=6: the seventh sign-in from this client is refused.
  for (let i = 0; i < 7; i++) await t.api.post('/user/signin/', { email: uniqueEmail('m'), password: PASSWORD });
  const socket = await openSocket(wsUrl(t.server.url, `/ws/notification/?token=${bob.token}`));
  const sent = await t.api.post('/chats/messages/', { user_id: bob.id, message: 'counted' }, { token: alice.token });
  expect(sent.status).toBe(201);

  const after = await scrape();
  const feed = { operation: 'posts.feed', method: 'GET', status: '200' };
  expect(after('careernexus_http_requests_total', feed) - before('careernexus_http_requests_total', feed)).toBe(3);
  expect(
    after('careernexus_http_request_duration_seconds_count', feed) - before('careernexus_http_request_duration_seconds_count', feed),
  ).toBe(3);
  expect(after('careernexus_http_request_duration_seconds_sum', feed)).toBeGreaterThan(
    before('careernexus_http_request_duration_seconds_sum', feed),
  );
  expect(
    after('careernexus_rate_limit_refusals_total', { limit: 'signin' }) -
      before('careernexus_rate_limit_refusals_total', { limit: 'signin' }),
  ).toBe(1);
  expect(after('careernexus_websockets_open', { kind: 'notifications' })).toBe(1);
  expect(after('careernexus_events_published_total')).toBeGreaterThan(before('careernexus_events_published_total'));
  expect(after('careernexus_mail_pending')).toBeGreaterThanOrEqual(0);
  expect(after('careernexus_db_statement_timeouts_total')).toBe(0);
  if (inject('databaseKind') === 'postgres') expect(after('careernexus_db_pool_waiting')).toBe(0);

  // Labels name operations, never ids.
  const text = await (await fetch(new URL('/metrics', t.server.url), { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  expect(text).not.toContain('987654');
  expect(after('careernexus_http_requests_total', { operation: 'portfolio.get', status: '404' })).toBe(1);
  expect(text).toContain('process_cpu_seconds_total');

  socket.close();
  await socket.closed;
  await expect.poll(async () => (await scrape())('careernexus_websockets_open', { kind: 'notifications' })).toBe(0);
});

it('answers X-Request-Id: a sane one sent by the client, else a new one', async () => {
  const kept = await fetch(new URL('/healthz', t.server.url), { headers: { 'x-request-id': 'lb-7f3a.1' } });
  expect(kept.headers.get('x-request-id')).toBe('lb-7f3a.1');
  const hostile = await fetch(new URL('/healthz', t.server.url), { headers: { 'x-request-id': 'a b"<script>' } });
  expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  const none = await fetch(new URL('/readyz', t.server.url));
  expect(none.status).toBe(200);
  expect(none.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
});
