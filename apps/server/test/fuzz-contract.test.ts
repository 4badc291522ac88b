import { readFileSync } from 'node:fs';
import { appRouter } from '@careernexus/api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowCounts, tableNames } from './support/database-rows.js';
import { useServer } from './support/fixture.js';
import {
  brokenJson,
  expand,
  hostileId,
  hostileKey,
  hostileString,
  hostileValue,
  ONE_MB,
  DEEP,
  rawBadQuery,
  wrongContentType,
} from './support/hostile.js';
import { googleSettings, startOidcProvider, type OidcProvider } from './support/oidc-provider.js';
import { person, type Person } from './support/people.js';
import { PNG_1x1, MP4, NOT_AN_IMAGE } from './support/samples.js';
import { openSocket, wsUrl } from './support/sockets.js';

/**
 * Every operation of the committed OpenAPI document (kept equal to the served one by
 * openapi.test.ts) gets generated malformed requests. Whatever arrives, the server answers below
 * 500, in JSON, with a `message` on every refusal, stays up, and a refused request writes no row.
 * `FUZZ_RUNS` sets the random requests per operation (`pnpm test:soak` runs many), `FUZZ_SEED`
 * the seed (fixed, so a CI failure replays).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 6);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_129);

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: Schema[];
  items?: Schema;
  minLength?: number;
  properties?: Record<string, Schema>;
};
interface Operation {
  method: string;
  path: string;
  protect: boolean;
  params: string[];
  fields: Record<string, Schema>;
  takesBody: boolean;
}

const document = JSON.parse(readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8'));
const operations: Operation[] = Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
  Object.entries(item).map(([method, operation]) => ({
    method: method.toUpperCase(),
    path,
    protect: Boolean(operation.security?.length),
    params: (operation.parameters ?? []).map((parameter: { name: string }) => parameter.name),
    fields: operation.requestBody?.content?.['application/json']?.schema?.properties ?? {},
    takesBody: Boolean(operation.requestBody),
  })),
);

const UPLOAD_FIELDS = ['profile_photo', 'cover_photo', 'intro_video', 'resume', 'pic1', 'video', 'file'];

/** A value the schema might accept, so that requests get past the first check now and then. */
function plausible(name: string, schema: Schema): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((option) => plausible(name, option)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'integer' || type === 'number' || /(^|_)id$|^user_following$/.test(name)) return fc.integer({ min: -1, max: 6 });
  if (type === 'boolean') return fc.boolean();
  if (type === 'array') return fc.array(plausible(name, schema.items ?? {}), { maxLength: 3 });
  if (type === 'null') return fc.constant(null);
  if (/email/.test(name)) return fc.oneof(fc.emailAddress(), fc.constant('a@b'));
  if (/date/.test(name)) return fc.constantFrom('2024-01-01', '2024-02', 'Present', '01/02/2024');
  return fc.string({ minLength: schema.minLength ?? 0, maxLength: 12 });
}

const fieldValue = (name: string, schema: Schema) =>
  fc.oneof({ weight: 3, arbitrary: plausible(name, schema) }, { weight: 2, arbitrary: /id$/.test(name) ? hostileId : hostileValue });

function fieldsOf(operation: Operation): fc.Arbitrary<Record<string, unknown>> {
  const known = fc.record(Object.fromEntries(Object.entries(operation.fields).map(([name, schema]) => [name, fieldValue(name, schema)])), {
    requiredKeys: [],
  });
  return fc.tuple(known, fc.dictionary(hostileKey, hostileValue, { maxKeys: 2 })).map(([fields, extra]) => ({ ...extra, ...fields }));
}

type Body =
  | { kind: 'none' }
  | { kind: 'json'; fields: unknown }
  | { kind: 'raw'; type: string; text: string }
  | { kind: 'form'; fields: Record<string, unknown> }
  | {
      kind: 'multipart';
      fields: Record<string, unknown>;
      file: { field: string; content: 'png' | 'mp4' | 'text' | 'empty'; type: string } | null;
    }
  | { kind: 'truncated-multipart'; field: string; cut: number };

interface Case {
  /** `valid` sends the signed-in user's access token; a string is sent as the Authorization header. */
  auth: string;
  query: string;
  body: Body;
}

const TOKEN = '<<TOKEN>>';
const authArbitrary = fc.oneof(
  { weight: 8, arbitrary: fc.constant<Case['auth']>('valid') },
  { weight: 1, arbitrary: fc.constant<Case['auth']>('none') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'Bearer',
      'Bearer ',
      'Bearer a.b.c',
      'Basic dXNlcjpwYXNz',
      `Bearer ${'a'.repeat(6_000)}`,
      `Token ${TOKEN}`,
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN} ${TOKEN}`,
      'Bearer \u00ff',
    ),
  },
);

const asText = (value: unknown) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
/** Percent-encodes every UTF-8 byte (lone surrogates become U+FFFD, as any client would send them). */
const percentEncode = (text: string) => [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');

function queryOf(operation: Operation): fc.Arbitrary<string> {
  const keys = [...operation.params, ...Object.keys(operation.fields)];
  const key = keys.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: hostileKey }) : hostileKey;
  const pairs = fc
    .array(fc.tuple(key, fc.oneof(hostileValue, plausible('id', {}))), { maxLength: 4 })
    .map((entries) => entries.map(([name, value]) => `${percentEncode(name)}=${percentEncode(asText(value))}`).join('&'));
  return fc.oneof({ weight: 4, arbitrary: pairs }, { weight: 1, arbitrary: rawBadQuery });
}

function bodyOf(operation: Operation): fc.Arbitrary<Body> {
  if (operation.method === 'GET') return fc.constant({ kind: 'none' });
  const fields = fieldsOf(operation);
  const file = fc.option(
    fc.record({
      field: fc.constantFrom(...UPLOAD_FIELDS, ...Object.keys(operation.fields)),
      content: fc.constantFrom('png' as const, 'mp4' as const, 'text' as const, 'empty' as const),
      type: fc.constantFrom('image/png', 'video/mp4', 'text/plain', 'application/x-msdownload'),
    }),
  );
  const bodies: Array<fc.WeightedArbitrary<Body>> = [
    { weight: 1, arbitrary: fc.constant({ kind: 'none' }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('json' as const), fields }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('raw' as const), type: fc.constant('application/json'), text: brokenJson }) },
  ];
  if (operation.takesBody) {
    bodies.push(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('json' as const), fields }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('form' as const), fields }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('multipart' as const), fields, file }) },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('truncated-multipart' as const),
          field: fc.constantFrom(...UPLOAD_FIELDS, 'body', 'email'),
          cut: fc.nat(200),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant('raw' as const), type: wrongContentType, text: fc.oneof(brokenJson, hostileString) }),
      },
    );
  }
  return fc.oneof(...bodies);
}

const caseOf = (operation: Operation) => fc.record({ auth: authArbitrary, query: queryOf(operation), body: bodyOf(operation) });

const FILES = { png: PNG_1x1, mp4: MP4, text: NOT_AN_IMAGE, empty: Buffer.alloc(0) };
const BOUNDARY = 'fuzzBoundary7MA4YWxk';

/** A multipart body cut short at `cut` bytes: no closing boundary, perhaps in the middle of a part's headers. */
function truncatedMultipart(field: string, cut: number): string {
  const whole =
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="body"\r\n\r\nhello\r\n` +
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n` +
    PNG_1x1.toString('latin1');
  return whole.slice(0, Math.min(cut + 40, whole.length));
}

function encodeBody(body: Body): { payload?: string | FormData; type?: string } {
  switch (body.kind) {
    case 'none':
      return {};
    case 'json':
      return { payload: expand(JSON.stringify(body.fields) ?? 'null'), type: 'application/json' };
    case 'raw':
      return { payload: expand(body.text), type: body.type };
    case 'form': {
      const form = Object.entries(body.fields).map(([key, value]) => `${percentEncode(key)}=${percentEncode(expand(asText(value)))}`);
      return { payload: form.join('&'), type: 'application/x-www-form-urlencoded' };
    }
    case 'multipart': {
      const form = new FormData();
      for (const [key, value] of Object.entries(body.fields)) form.append(key, expand(asText(value)));
      if (body.file)
        form.append(body.file.field, new Blob([new Uint8Array(FILES[body.file.content])], { type: body.file.type }), 'upload.png');
      return { payload: form }; // fetch writes the boundary
    }
    case 'truncated-multipart':
      return { payload: truncatedMultipart(body.field, body.cut), type: `multipart/form-data; boundary=${BOUNDARY}` };
  }
}

// Google sign-in against a local provider, which refuses fuzzed codes (400) as Google would.
const env: Record<string, string> = {
  LOG_LEVEL: process.env.FUZZ_LOG_LEVEL ?? 'silent',
  AUTH_RATE_LIMIT: '1000000',
  SIGNIN_FAILURES_PER_EMAIL: '1000000',
  RESET_CODE_GUESSES_PER_MINUTE: '1000000',
};
let provider: OidcProvider | undefined;
beforeAll(async () => {
  provider = await startOidcProvider();
  Object.assign(env, googleSettings(provider));
});
afterAll(() => provider?.close());
const t = useServer(env);
let tables: string[];
let me: Person;
let other: Person;

beforeAll(async () => {
  tables = await tableNames(t.server.database.db);
  // A few of every kind of object, so that small ids name real rows (one's own and others').
  me = await person(t.api, t.mailbox);
  other = await person(t.api, t.mailbox, 'finance', 'mentor');
  const made = [];
  for (const author of [me, other]) {
    const { token } = author;
    const post = await t.api.post('/post/', { body: `A post about software by ${author.email}` }, { token });
    made.push(post, await t.api.post('/post/comment/', { post: post.body.post_id, body: 'A comment' }, { token }));
    const experience = {
      title: 'Engineer',
      organization: 'Acme',
      start_date: '2020-01-01',
      location: 'Lagos',
      employment_type: 'Onsite',
      detail: 'Built things',
    };
    made.push(await t.api.post('/user/experience/', experience, { token }));
  }
  made.push(await t.api.post('/connection/', { connection: other.id }, { token: me.token }));
  made.push(await t.api.post('/chats/messages/', { user_id: other.id, message: 'hello' }, { token: me.token }));
  expect(made.map((response) => response.status)).toEqual([201, 201, 201, 201, 201, 201, 201, 201]);
});

async function send(operation: Operation, request: Case) {
  const headers: Record<string, string> = {};
  if (request.auth === 'valid') headers.authorization = `Bearer ${me.token}`;
  else if (request.auth !== 'none') headers.authorization = request.auth.replaceAll(TOKEN, me.token);
  const { payload, type } = encodeBody(request.body);
  if (type) headers['content-type'] = type;
  const query = request.query ? `?${expand(request.query, 20_000)}` : '';
  // A request left unanswered is a failure of its own, reported with its input.
  const signal = AbortSignal.timeout(15_000);
  const response = await fetch(`${t.server.url}${operation.path}${query}`, { method: operation.method, headers, body: payload, signal });
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

it('covers every operation the server documents', async () => {
  const list = (doc: { paths: Record<string, object> }) =>
    Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
  expect(list((await t.api.get('/openapi.json')).body).sort()).toEqual(
    operations.map((operation) => `${operation.method} ${operation.path}`).sort(),
  );
});

it.each(operations.map((operation) => [`${operation.method} ${operation.path}`, operation] as const))(
  '%s',
  async (_name, operation) => {
    // Each kind of abuse at least once, whatever the random runs draw.
    const bodies: Body[] = [
      { kind: 'json', fields: Object.fromEntries(Object.keys(operation.fields).map((name) => [name, ONE_MB])) },
      { kind: 'raw', type: 'application/json', text: DEEP },
      { kind: 'raw', type: 'text/plain', text: 'hello' },
      { kind: 'truncated-multipart', field: 'profile_photo', cut: 120 },
      { kind: 'json', fields: Object.fromEntries(Object.keys(operation.fields).map((name) => [name, 'a\u0000b'])) },
      { kind: 'none' },
    ];
    const queries = [
      operation.params.map((name) => `${name}=-1`).join('&'),
      operation.params.map((name) => `${name}=${'9'.repeat(30)}`).join('&'),
      '%zz',
      'a=%E0%A4%A',
      [...operation.params, 'a'].map((name) => `${name}=1%00`).join('&'),
      `${operation.params[0] ?? 'q'}=${ONE_MB}`, // a URL past the header limit: 431, still JSON
    ];
    const examples = queries.map((query, i): [Case] => [
      { auth: 'valid', query, body: operation.method === 'GET' ? { kind: 'none' } : bodies[i]! },
    ]);

    await fc.assert(
      fc.asyncProperty(caseOf(operation), async (request) => {
        const before = await rowCounts(t.server.database.db, tables);
        const response = await send(operation, request);
        const seen = `${response.status} ${response.text.slice(0, 300)}`;
        expect(response.status, seen).toBeLessThan(500);
        if (response.status === 204) {
          expect(response.text).toBe('');
          return;
        }
        expect(response.type, seen).toMatch(/^application\/json/);
        const body = JSON.parse(response.text);
        if (operation.protect && request.auth === 'valid') expect(response.status, seen).not.toBe(401);
        if (operation.protect && request.auth !== 'valid') expect(response.status, seen).toBeGreaterThanOrEqual(400);
        if (response.status >= 400) {
          expect(typeof body.message, seen).toBe('string');
          expect(body.message.length, seen).toBeGreaterThan(0);
          expect(await rowCounts(t.server.database.db, tables), `a refused ${operation.method} ${operation.path} wrote rows`).toEqual(
            before,
          );
        }
      }),
      { seed: SEED, numRuns: RUNS, examples, endOnFailure: !process.env.FUZZ_SHRINK },
    );
    // Still up, and the session the fuzzing used still stands.
    expect((await t.api.get('/healthz')).status).toBe(200);
    expect((await t.api.get('/user/me/', { token: me.token })).status).toBe(200);
  },
  120_000,
);

/** The same procedures on /trpc (superjson envelope), with the fields their REST twin documents. */
const trpcProcedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { type: string; meta?: { openapi?: { method: string; path: string } } } }>,
)
  .filter(([, procedure]) => procedure._def.type !== 'subscription')
  .map(([path, procedure]) => {
    const openapi = procedure._def.meta?.openapi;
    const twin = operations.find((operation) => operation.method === openapi?.method && operation.path === openapi?.path);
    return { path, type: procedure._def.type, fields: twin?.fields ?? {} };
  });

describe('the /trpc face', () => {
  it.each(trpcProcedures.map((procedure) => [procedure.path, procedure] as const))(
    '%s',
    async (_name, procedure) => {
      const input = fc.oneof(
        { weight: 3, arbitrary: fieldsOf({ fields: procedure.fields } as Operation) },
        { weight: 1, arbitrary: hostileValue },
      );
      await fc.assert(
        fc.asyncProperty(input, fc.boolean(), async (value, signedIn) => {
          const before = await rowCounts(t.server.database.db, tables);
          const envelope = expand(JSON.stringify({ json: value }) ?? '{}');
          const headers: Record<string, string> = signedIn ? { authorization: `Bearer ${me.token}` } : {};
          const response =
            procedure.type === 'query'
              ? await fetch(`${t.server.url}/trpc/${procedure.path}?input=${encodeURIComponent(envelope.slice(0, 8_000))}`, { headers })
              : await fetch(`${t.server.url}/trpc/${procedure.path}`, {
                  method: 'POST',
                  headers: { ...headers, 'content-type': 'application/json' },
                  body: envelope,
                });
          const text = await response.text();
          const seen = `${response.status} ${text.slice(0, 300)}`;
          expect(response.status, seen).toBeLessThan(500);
          const body = JSON.parse(text);
          if (response.status >= 400) {
            // Refused by tRPC: its own shape; refused by the transport first (413, 415): the REST shape.
            expect(typeof (body.error?.json?.message ?? body.message), seen).toBe('string');
            expect(await rowCounts(t.server.database.db, tables), `a refused ${procedure.path} wrote rows`).toEqual(before);
          }
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: !process.env.FUZZ_SHRINK },
      );
    },
    120_000,
  );
});

describe('what fuzzing found, pinned', () => {
  const post = (path: string, body: string, type: string, token = me.token) =>
    fetch(`${t.server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body });

  it('a body nested thousands of levels deep is 400 (it was a 500: a stack overflow re-encoding it)', async () => {
    const response = await post('/user/experience/', expand(`{"title":"${DEEP}"}`), 'application/json');
    expect(response.status).toBe(400);
    expect(JSON.parse(await response.text()).message).toMatch(/nests more than 64 levels/);
    // /trpc parses its own bodies and was never affected; it answers with its own error shape.
    const trpc = await post('/trpc/posts.create', expand(`{"json":{"body":"${DEEP}"}}`), 'application/json');
    expect(trpc.status).toBe(400);
  });

  it('a NUL character over /trpc or a chat socket is refused, not a server error', async () => {
    const before = await rowCounts(t.server.database.db, tables);
    const response = await post('/trpc/posts.create', JSON.stringify({ json: { body: 'a\u0000b' } }), 'application/json');
    expect(response.status).toBe(400);
    expect(JSON.parse(await response.text()).error.json.data.body).toEqual({ body: ['Null characters are not allowed.'] });
    // A key no procedure takes is not echoed as a field (as `constructor` it broke the error's encoding: a 500).
    const odd = await post('/trpc/posts.create', JSON.stringify({ json: { constructor: { x: 'a\u0000b' } } }), 'application/json');
    expect(odd.status).toBe(400);
    expect(JSON.parse(await odd.text()).error.json.data.body).toEqual({ non_field_errors: ['Null characters are not allowed.'] });
    const socket = await openSocket(wsUrl(t.server.url, `/ws/chat/${other.id}/?token=${me.token}`));
    socket.send({ message: 'a\u0000b' });
    expect(await socket.next()).toEqual({ type: 'error', message: 'message: Null characters are not allowed.' });
    socket.send({ type: 'ping' });
    expect(await socket.next()).toEqual({ type: 'pong' });
    socket.close();
    expect(await rowCounts(t.server.database.db, tables)).toEqual(before);
  });

  it('a multipart body cut short is 400: in a part header (it was a 500), inside a file (it never answered)', async () => {
    for (const [method, path, field, cut] of [
      ['POST', '/post/', 'pic1', 100],
      ['POST', '/post/', 'pic1', 165],
      ['PUT', '/user/profile-update/', 'intro_video', 165],
    ] as const) {
      const response = await fetch(`${t.server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${me.token}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
        body: truncatedMultipart(field, cut),
        signal: AbortSignal.timeout(10_000),
      });
      expect(response.status, `${path} ${field} ${cut}`).toBe(400);
      expect(JSON.parse(await response.text()).message).toMatch(/Multipart body is malformed|cut short/);
    }
  });

  it('a NUL character is 400 naming the field, in a body or a query (PostgreSQL cannot store it: it was a 500)', async () => {
    const before = await rowCounts(t.server.database.db, tables);
    const inBody = await t.api.post(
      '/user/education/',
      { course: 'Phy\u0000sics', school: 'UNILAG', start_date: '2013-01-13', location: 'Lagos', detail: 'x' },
      { token: me.token },
    );
    expect(inBody.status).toBe(400);
    expect(inBody.body).toEqual({ course: ['Null characters are not allowed.'], message: 'course: Null characters are not allowed.' });
    const inQuery = await t.api.get('/info/?title=t%00s');
    expect(inQuery.status).toBe(400);
    expect(inQuery.body.title).toEqual(['Null characters are not allowed.']);
    expect(await rowCounts(t.server.database.db, tables)).toEqual(before);
  });
});
