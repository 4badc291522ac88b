import { describe, expect, it } from 'vitest';
import { PASSWORD, signUp } from './support/flows.js';
import { useServer } from './support/fixture.js';
import { startTestServer } from './support/test-server.js';

const t = useServer();

const raw = (path: string, init: RequestInit = {}) => fetch(new URL(path, t.server.url), init);
const json = (response: Response) => response.json();

describe('request bodies', () => {
  it('accepts JSON with a charset parameter', async () => {
    const { email } = await signUp(t.api, t.mailbox);
    const response = await raw('/user/signin/', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    expect(response.status).toBe(200);
  });

  it('accepts urlencoded forms with a charset parameter', async () => {
    const { email } = await signUp(t.api, t.mailbox);
    const response = await raw('/user/signin', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      body: new URLSearchParams({ email, password: PASSWORD }).toString(),
    });
    expect(response.status).toBe(200);
  });

  it('treats "null", "undefined" and "" in forms as absent fields', async () => {
    const response = await t.api.post('/user/forget-password/', { email: 'null', otp: 'undefined', hash: '' }, { encoding: 'multipart' });
    expect(response.status).toBe(400);
    expect(response.body.non_field_errors).toEqual(['Invalid Request!']);
  });

  it('answers malformed JSON with 400 and a message', async () => {
    const response = await raw('/user/signin/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email": ' });
    expect(response.status).toBe(400);
    const body = await json(response);
    expect(body.message).toMatch(/JSON/);
    expect(body.detail).toBe(body.message);
  });

  it('answers a JSON body that is not an object with a field error, not a crash', async () => {
    for (const body of ['[1,2]', '"text"', 'null', '42']) {
      const response = await raw('/user/signin/', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(response.status).toBe(400);
      expect((await json(response)).message).toEqual(expect.any(String));
    }
    // Even where every field is optional, a list is not taken for "no fields" (DRF's words).
    for (const [body, kind] of [
      ['[]', 'list'],
      ['"text"', 'str'],
      ['42', 'int'],
      ['true', 'bool'],
    ] as const) {
      const response = await raw('/notifications/read/', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(response.status, body).toBe(400);
      const message = `Invalid data. Expected a dictionary, but got ${kind}.`;
      expect(await json(response)).toEqual({ non_field_errors: [message], message });
    }
  });

  it('refuses an unknown content type with 415', async () => {
    const response = await raw('/user/signin/', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(response.status).toBe(415);
    expect((await json(response)).message).toMatch(/Unsupported media type/);
  });

  it('refuses a body over the size limit with 413', async () => {
    const response = await raw('/user/signin/', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(2_000_000) }),
    });
    expect(response.status).toBe(413);
    expect((await json(response)).message).toBe('Request body is too large.');
  });

  it('treats a POST without a body as an empty one', async () => {
    const response = await raw('/user/signin/', { method: 'POST' });
    expect(response.status).toBe(400);
    expect((await json(response)).email).toEqual(['This field is required.']);
  });
});

describe('routing', () => {
  it('answers an unknown path with 404 JSON, with or without a valid token', async () => {
    const { access } = await signUp(t.api, t.mailbox);
    for (const token of [undefined, access]) {
      const response = await t.api.get('/no/such/path/', token ? { token } : {});
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ detail: 'Not found.', message: 'Not found.' });
    }
  });

  it('answers a known path with the wrong method with 405 and Allow', async () => {
    const response = await t.api.get('/user/signin/');
    expect(response.status).toBe(405);
    expect(response.body).toEqual({ detail: 'Method "GET" not allowed.', message: 'Method "GET" not allowed.' });
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('ignores a present but invalid token on a public endpoint', async () => {
    const { email } = await signUp(t.api, t.mailbox);
    const response = await t.api.post('/user/signin/', { email, password: PASSWORD }, { token: 'expired.or.garbage' });
    expect(response.status).toBe(200);
  });

  it('never redirects, and never leaks a stack trace', async () => {
    const response = await raw('/user/signup', {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).not.toMatch(/at .*\.(ts|js):\d+/);
    expect(text).not.toContain('stack');
  });
});

describe('cross-cutting', () => {
  it('answers CORS preflights by echoing the origin with credentials', async () => {
    const response = await raw('/user/signin/', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://frontend.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://frontend.example');
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(response.headers.get('access-control-allow-methods')).toMatch(/PATCH/);
  });

  it('limits CORS to CORS_ORIGINS when set', async () => {
    const strict = await startTestServer({ CORS_ORIGINS: 'https://good.example' });
    try {
      const ask = (origin: string) =>
        fetch(new URL('/healthz', strict.url), { headers: { origin } }).then((r) => r.headers.get('access-control-allow-origin'));
      expect(await ask('https://good.example')).toBe('https://good.example');
      expect(await ask('https://evil.example')).toBeNull();
    } finally {
      await strict.close();
    }
  });

  it('reports health after checking the database', async () => {
    const response = await t.api.get('/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', database: 'ok' });
  });

  it('sends security headers', async () => {
    const response = await t.api.get('/healthz');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('serves an interactive reference at /docs from local files only', async () => {
    const page = await raw('/docs');
    expect(page.status).toBe(200);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) {
      expect(asset.startsWith('/')).toBe(true);
      const response = await raw(asset);
      expect(response.status, asset).toBe(200);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(10);
    }
  });
});
