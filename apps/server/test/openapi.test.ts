import { readFileSync } from 'node:fs';
import { buildOpenApiDocument } from '@careernexus/api';
import { Validator } from '@seriousme/openapi-schema-validator';
import { JSDOM, VirtualConsole } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { useServer } from './support/fixture.js';
import { signUp } from './support/flows.js';
import { restClient } from './support/http.js';
import { person, type Person } from './support/people.js';
import { multipart, NOT_AN_IMAGE, pngOfSize } from './support/samples.js';
import { startTestServer } from './support/test-server.js';

const committed = JSON.parse(readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8'));

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const operations = Object.entries<Record<string, any>>(committed.paths).flatMap(([path, item]) =>
  METHODS.filter((method) => item[method]).map((method) => ({ path, method, operation: item[method] })),
);
const hasBody = (method: string) => method !== 'get' && method !== 'delete';

/** The example bodies the document shows for one status of one operation. */
function documentedExamples(path: string, method: string, status: number): unknown[] {
  const response = committed.paths[path]?.[method]?.responses?.[String(status)];
  expect(response, `${method.toUpperCase()} ${path} documents ${status}`).toBeDefined();
  return Object.values<{ value: unknown }>(response.content['application/json'].examples).map((example) => example.value);
}

/** The server answered `status` with a body the document shows for it, word for word. */
function expectDocumented(path: string, method: string, answer: { status: number; body: unknown }, status: number) {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(documentedExamples(path, method, status)).toContainEqual(answer.body);
}

describe('the document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(committed.openapi).toMatch(/^3\.1\./);
    const result = await new Validator().validate(committed);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('is what the router generates (run `pnpm run docs` after changing a procedure)', () => {
    expect(committed).toEqual(buildOpenApiDocument('http://localhost:8000'));
  });

  it.each(operations.map((entry) => [`${entry.method.toUpperCase()} ${entry.path}`, entry] as const))(
    '%s: summary, description, tag, success status, body, security and error examples',
    (_name, { path, method, operation }) => {
      expect(operation.summary).toMatch(/\w/);
      expect(operation.description).toMatch(/\w/);
      expect(operation.tags).toHaveLength(1);
      const statuses = Object.keys(operation.responses).map(Number);
      expect(statuses.filter((status) => status >= 200 && status < 300)).toHaveLength(1);
      if (hasBody(method)) {
        expect(Object.keys(operation.requestBody.content)).toEqual([
          'application/json',
          'application/x-www-form-urlencoded',
          'multipart/form-data',
        ]);
        expect(statuses).toEqual(expect.arrayContaining([400, 413, 415]));
      }
      const isProtected = operation.security !== undefined;
      if (isProtected) {
        expect(operation.security).toEqual([{ Authorization: [] }]);
        expect(statuses).toContain(401);
      }
      for (const status of statuses.filter((code) => code >= 400)) {
        const response = operation.responses[String(status)];
        expect(response.description, `${path} ${status}`).toMatch(/\w/);
        expect(response.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
        const examples = documentedExamples(path, method, status);
        expect(examples.length).toBeGreaterThan(0);
        for (const example of examples) expect(example).toMatchObject({ message: expect.any(String) });
      }
    },
  );

  it('documents the upload fields as files in multipart bodies, and statuses other than 200', () => {
    const operation = committed.paths['/user/profile-update/'].put;
    const multipart = operation.requestBody.content['multipart/form-data'].schema.properties;
    for (const field of ['profile_photo', 'cover_photo', 'intro_video'])
      expect(multipart[field]).toMatchObject({ type: 'string', format: 'binary' });
    expect(committed.paths['/post/'].post.requestBody.content['multipart/form-data'].schema.properties.pic1).toMatchObject({
      format: 'binary',
    });
    expect(Object.keys(operation.responses)).toContain('201');
    expect(Object.keys(committed.paths['/user/signup/'].post.responses)).toContain('201');
    expect(Object.keys(committed.paths['/user/signout/'].post.responses)).toContain('202');
    expect(Object.keys(committed.paths['/user/profile-update/'].patch.responses)).toContain('206');
    expect(committed.paths['/user/experience/'].delete.responses['204']).toEqual({ description: expect.any(String) });
    expect(committed.paths['/user/experience/'].delete.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'experience_id', in: 'query' })]),
    );
  });

  it('leaves sign-up and sign-in open, and documents 429 with Retry-After where requests are limited', () => {
    for (const path of ['/user/signup/', '/user/signin/', '/user/token/refresh/', '/user/forget-password/', '/user/hash/verify/']) {
      const operation = committed.paths[path].post;
      expect(operation.security, path).toBeUndefined();
      expect(operation.responses['429'].headers['Retry-After'], path).toBeDefined();
    }
  });
});

describe('served', () => {
  const t = useServer();

  it('at /openapi.json with this server as its server', async () => {
    const { status, body } = await t.api.get('/openapi.json');
    expect(status).toBe(200);
    expect(body.servers).toEqual([{ url: t.server.url }]);
    expect({ ...body, servers: committed.servers }).toEqual(committed);
  });

  it('at /docs: Swagger UI from local files, pointed at /openapi.json', async () => {
    const page = await fetch(new URL('/docs', t.server.url));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(assets).toEqual(['/docs/assets/swagger-ui.css', '/docs/assets/swagger-ui-bundle.js', '/docs/init.js']);
    const bodies = new Map<string, string>();
    for (const asset of assets) {
      const response = await fetch(new URL(asset, t.server.url));
      expect(response.status, asset).toBe(200);
      bodies.set(asset, await response.text());
    }
    expect(bodies.get('/docs/assets/swagger-ui-bundle.js')).toContain('SwaggerUIBundle');
    const init = bodies.get('/docs/init.js')!;
    expect(init).toContain('SwaggerUIBundle(');
    const documentUrl = /url: '([^']+)'/.exec(init)?.[1];
    expect(documentUrl).toBe('/openapi.json');
    const document = (await (await fetch(new URL(documentUrl!, t.server.url))).json()) as Record<string, unknown>;
    expect((await new Validator().validate(document)).valid).toBe(true);
  });

  it('at /docs: every operation renders under its tag, and one opened shows its documented statuses (in a DOM, scripts run)', async () => {
    const problems: string[] = [];
    const virtualConsole = new VirtualConsole();
    virtualConsole.on('jsdomError', (error) => {
      // jsdom lays nothing out: scrolling is all it lacks.
      if (!error.message.startsWith('Not implemented: window.scrollTo')) problems.push(error.message);
    });
    const dom = await JSDOM.fromURL(new URL('/docs', t.server.url).href, {
      runScripts: 'dangerously',
      resources: 'usable',
      pretendToBeVisual: true,
      virtualConsole,
      // jsdom has no fetch of its own: the page gets Node's, with its relative URLs resolved.
      beforeParse(window) {
        Object.assign(window, {
          fetch: (input: string | Request, init?: RequestInit) =>
            fetch(new URL(typeof input === 'string' ? input : input.url, t.server.url), init),
        });
      },
    });
    try {
      const document = dom.window.document;
      const until = async (what: string, condition: () => boolean) => {
        for (const started = Date.now(); !condition(); await new Promise((resolve) => setTimeout(resolve, 100))) {
          if (Date.now() - started > 30_000) throw new Error(`${what}: not after 30 s. ${problems.join('; ')}`);
        }
      };
      // Swagger UI writes a space in a tag as _ in element ids.
      const idPart = (tag: string) => tag.replace(/\s/g, '_');
      const tagOf = (entry: (typeof operations)[number]) => (entry.operation.tags as string[])[0]!;
      const idOf = (entry: (typeof operations)[number]) => `operations-${idPart(tagOf(entry))}-${entry.operation.operationId as string}`;
      const shown = () => [...document.querySelectorAll('.opblock')].map((element) => element.id);
      const header = (tag: string) => document.querySelector<HTMLElement>(`#operations-tag-${idPart(tag)}`)!;

      const tags = [...new Set(operations.map(tagOf))];
      await until('the tag index', () => document.querySelectorAll('.opblock-tag').length === tags.length);
      expect(document.querySelector('.info .title')?.textContent).toContain('Career Nexus API');
      expect(shown(), 'tags start closed').toEqual([]);

      // One tag open at a time, each shows exactly its operations: together, every operation of the document.
      const rendered: string[] = [];
      for (const tag of tags) {
        const expected = operations.filter((entry) => tagOf(entry) === tag).map(idOf);
        header(tag).click();
        await until(`tag ${tag}`, () => shown().length >= expected.length);
        // Within a path, Swagger UI orders the methods its own way.
        expect(shown().sort(), tag).toEqual(expected.sort());
        rendered.push(...shown());
        header(tag).click();
        await until(`closing tag ${tag}`, () => shown().length === 0);
      }
      expect(rendered.sort()).toEqual(operations.map(idOf).sort());

      const last = operations.at(-1)!;
      header(tagOf(last)).click();
      await until(`tag ${tagOf(last)}`, () => document.getElementById(idOf(last)) !== null);
      const opened = document.getElementById(idOf(last))!;
      (opened.querySelector('.opblock-summary-control') as HTMLElement).click();
      await until('the opened operation', () => opened.querySelector('.responses-table') !== null);
      const statuses = [...opened.querySelectorAll('.responses-table .response-col_status')].map((cell) => cell.textContent?.trim());
      expect(statuses).toEqual(['Code', ...Object.keys(last.operation.responses as object)]);
      expect(problems).toEqual([]);
    } finally {
      dom.window.close();
    }
  }, 90_000);
});

describe('error examples are what the server answers', () => {
  const t = useServer();
  let someone: Person;
  const api = () => t.api;

  it('401 on every protected operation without a token, and with a token that is not one', async () => {
    for (const { path, method } of operations.filter((entry) => entry.operation.security)) {
      const answer = await api().request(method.toUpperCase(), path, hasBody(method) ? {} : undefined);
      expectDocumented(path, method, answer, 401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    }
    expectDocumented('/user/me/', 'get', await api().get('/user/me/', { token: 'not-a-token' }), 401);
  });

  it('415 for a text body and 400 for broken JSON, on every operation that takes a body', async () => {
    for (const { path, method } of operations.filter((entry) => hasBody(entry.method))) {
      const request = (body: string, type: string) =>
        fetch(new URL(path, t.server.url), { method: method.toUpperCase(), headers: { 'content-type': type }, body }).then(
          async (response) => ({
            status: response.status,
            body: await response.json(),
          }),
        );
      expectDocumented(path, method, await request('hello', 'text/plain'), 415);
      expectDocumented(path, method, await request('{"email": ', 'application/json'), 400);
    }
  });

  it('400 for a refused input, in the field-error shape', async () => {
    expectDocumented('/user/signin/', 'post', await api().post('/user/signin/', {}), 400);
    expectDocumented('/user/signin/', 'post', await api().post('/user/signin/', { email: 'nobody@example.test', password: 'wrong' }), 400);
    expectDocumented('/user/signup/', 'post', await api().post('/user/signup/', {}), 400);
    someone = await person(api(), t.mailbox);
    const as = { token: someone.token };
    expectDocumented('/follow/', 'post', await api().post('/follow/', { user_following: someone.id }, as), 400);
    expectDocumented('/user/experience/', 'delete', await api().request('DELETE', '/user/experience/', undefined, as), 400);
    expectDocumented('/connection/recommendation/', 'get', await api().get('/connection/recommendation/', as), 400);
    expectDocumented('/user/disputes/', 'get', await api().get('/user/disputes/?status=open', as), 400);
    expectDocumented('/job/', 'post', await api().post('/job/', {}, as), 400);
    // An operation without input takes none, whatever the query string says: no 400 to document.
    expect((await api().get('/user/me/?page=x', as)).status).toBe(200);
    expect(committed.paths['/user/me/'].get.responses['400']).toBeUndefined();
    // Every field optional: the document shows a field of the wrong type.
    expectDocumented('/notifications/read/', 'post', await api().post('/notifications/read/', { ids: {} }, as), 400);
  });

  it('400 for a file of the wrong kind and 413 for a file over the limit, as multipart parts', async () => {
    const upload = async (bytes: Buffer) => {
      const response = await fetch(new URL('/user/profile-update/', t.server.url), {
        method: 'PUT',
        headers: { authorization: `Bearer ${someone.token}` },
        body: multipart({ profile_photo: { bytes, filename: 'me.png', type: 'image/png' } }),
      });
      return { status: response.status, body: await response.json() };
    };
    expectDocumented('/user/profile-update/', 'put', await upload(NOT_AN_IMAGE), 400);
    expectDocumented('/user/profile-update/', 'put', await upload(pngOfSize(10 * 1_048_576 + 1)), 413);
  });

  it('403 and 404 in the detail shape', async () => {
    const as = { token: someone.token };
    expectDocumented('/info/', 'put', await api().request('PUT', '/info/?title=tos', { content: 'x' }, as), 403);
    expectDocumented('/post/like/', 'post', await api().post('/post/like/', { post: 987654 }, as), 404);
    expectDocumented('/post/following/', 'get', await api().get('/post/following/?page=9', as), 404);
    expectDocumented(
      '/connection/status/',
      'post',
      await api().post('/connection/status/', { connection_id: 987654, status: 'Accept' }, as),
      404,
    );
    expectDocumented('/user/retrieve-profile/', 'get', await api().get('/user/retrieve-profile/?user_id=987654', as), 404);
  });

  it('401 for a refresh token that is not one', async () => {
    expectDocumented('/user/token/refresh/', 'post', await api().post('/user/token/refresh/', { refresh: 'not-a-token' }), 401);
    const { refresh } = await signUp(api(), t.mailbox);
    expect((await api().post('/user/token/refresh/', { refresh })).status).toBe(200);
    expectDocumented('/user/token/refresh/', 'post', await api().post('/user/token/refresh/', { refresh }), 401);
  });

  it('429 with Retry-After, and 413 for a body over BODY_LIMIT, on a server with small limits', async () => {
    const strict = await startTestServer({ AUTH_RATE_LIMIT: '1', BODY_LIMIT: '2048' });
    try {
      const client = restClient(strict.url);
      const signin = { email: 'nobody@example.test', password: 'wrong' };
      expect((await client.post('/user/signin/', signin)).status).toBe(400);
      const throttled = await client.post('/user/signin/', signin);
      expect(throttled.status).toBe(429);
      const retryAfter = Number(throttled.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      // The seconds differ from the example's; the words and keys do not.
      const [example] = documentedExamples('/user/signin/', 'post', 429) as Record<string, string>[];
      const inSeconds = (text: string, seconds: number) => text.replace(/\d+ seconds/, `${seconds} seconds`);
      expect(throttled.body).toEqual({
        detail: inSeconds(example!.detail!, retryAfter),
        message: inSeconds(example!.message!, retryAfter),
      });
      expectDocumented('/post/', 'post', await client.post('/post/', { body: 'x'.repeat(4096) }), 413);
    } finally {
      await strict.close();
    }
  });
});
