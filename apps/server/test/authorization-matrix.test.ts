import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { databaseFingerprint, tableNames } from './support/database-rows.js';
import { useServer } from './support/fixture.js';
import { PASSWORD } from './support/flows.js';
import { decodeJwt } from './support/http.js';
import { person, type Person } from './support/people.js';
import { SAMPLE_COMPANY, SAMPLE_JOB } from './support/samples.js';

/**
 * Who may do what, checked across the whole contract: every operation the OpenAPI document marks
 * as authenticated refuses every kind of bad credential with 401, every operation on someone's
 * object refuses everyone else, and administrator operations refuse members — and none of these
 * refusals changes a single row (a digest of every table is compared).
 */
const JWT_SECRET = randomBytes(32).toString('hex');
const t = useServer({ JWT_SECRET, AUTH_RATE_LIMIT: '10000' });

interface Operation {
  method: string;
  path: string;
  responses: string[];
  /** Its documented 403 is the administrators-only refusal (other 403s are about one object). */
  adminOnly: boolean;
}
const ADMIN_REFUSAL = 'You do not have permission to perform this action.';
const document = JSON.parse(readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8'));
const all: Array<Operation & { protect: boolean }> = Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(
  ([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      protect: Boolean(operation.security?.length),
      responses: Object.keys(operation.responses ?? {}),
      adminOnly: JSON.stringify(operation.responses?.['403'] ?? null).includes(ADMIN_REFUSAL),
    })),
);
const authenticated = all.filter((operation) => operation.protect);
const administrative = all.filter((operation) => operation.adminOnly);

/** An HS256 JWT written here, independently of the server's code. */
function signJwt(claims: Record<string, unknown>, key: string) {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
}

let owner: Person;
let other: Person;
let tables: string[];
const fingerprint = () => databaseFingerprint(t.server.database.db, tables);
const send = (operation: { method: string; path: string }, token: string | undefined, body?: Record<string, unknown>) =>
  t.api.request(operation.method, operation.path, operation.method === 'GET' || operation.method === 'DELETE' ? undefined : (body ?? {}), {
    token,
  });

beforeAll(async () => {
  tables = await tableNames(t.server.database.db);
  owner = await person(t.api, t.mailbox);
  other = await person(t.api, t.mailbox);
});

describe('every authenticated operation refuses a bad credential with 401 and detail', () => {
  const credentials: Record<string, () => string | undefined | Promise<string | undefined>> = {
    'no token': () => undefined,
    'an expired token': () => signJwt({ ...decodeJwt(owner.token), exp: Math.floor(Date.now() / 1000) - 5 }, JWT_SECRET),
    'a token signed with another key': () => signJwt(decodeJwt(owner.token), randomBytes(32).toString('hex')),
    'an unsigned token (alg none)': () => {
      const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(decodeJwt(owner.token))}.`;
    },
    'a token of no user': () => signJwt({ ...decodeJwt(owner.token), user_id: 987_654_321 }, JWT_SECRET),
    'a refresh token used as access': async () =>
      (await t.api.post('/user/signin/', { email: owner.email, password: PASSWORD })).body.refresh,
    'a revoked token (signed out)': async () => {
      const session = await t.api.post('/user/signin/', { email: owner.email, password: PASSWORD });
      expect((await t.api.post('/user/signout/', { refresh: session.body.refresh }, { token: session.body.access })).status).toBe(202);
      return session.body.access;
    },
  };

  it.each(Object.keys(credentials))('%s', async (kind) => {
    const token = await credentials[kind]!();
    const before = await fingerprint();
    const wrong: string[] = [];
    for (const operation of authenticated) {
      const response = await send(operation, token);
      const ok = response.status === 401 && typeof response.body?.detail === 'string' && response.body.message === response.body.detail;
      if (!ok) wrong.push(`${operation.method} ${operation.path}: ${response.status} ${JSON.stringify(response.body)}`);
    }
    expect(wrong).toEqual([]);
    expect(await fingerprint()).toEqual(before);
    // The same account's real token still works: only the bad credential was refused.
    expect((await t.api.get('/user/me/', { token: owner.token })).status).toBe(200);
  });

  it('covers the whole contract', () => {
    expect(authenticated.length).toBeGreaterThan(60);
  });
});

describe("nobody acts on another user's objects", () => {
  it('records, posts, comments, connections, chats and notifications of A refuse B (403/404) and stay as they were', async () => {
    const stranger = await person(t.api, t.mailbox);
    const a = owner;
    const { token } = a;
    const ids = {
      experience: (
        await t.api.post(
          '/user/experience/',
          {
            title: 'Engineer',
            organization: 'Acme',
            start_date: '2021-02-15',
            location: 'Lagos',
            employment_type: 'Onsite',
            detail: 'Payments',
          },
          { token },
        )
      ).body.id,
      education: (
        await t.api.post(
          '/user/education/',
          { course: 'Physics', school: 'UNILAG', start_date: '2013-01-13', location: 'Lagos', detail: 'First class' },
          { token },
        )
      ).body.id,
      certification: (
        await t.api.post(
          '/user/certification/',
          { title: 'Cloud', school: 'Coursera', issue_date: '2023-07-04', cert_id: 'C-1', skills: 'AWS' },
          { token },
        )
      ).body.id,
      post: (await t.api.post('/post/', { body: 'A post about building software' }, { token })).body.post_id,
      connection: (await t.api.post('/connection/', { connection: other.id }, { token })).body.id,
      chat: (await t.api.post('/chats/messages/', { user_id: other.id, message: 'private' }, { token })).body.chat_id,
      job: (await t.api.post('/job/', SAMPLE_JOB, { token })).body.id,
      project: (await t.api.post('/project/', { title: 'Portfolio', description: 'Mine' }, { token })).body.id,
      ticket: (await t.api.post('/user/disputes/', { category: 'account', priority: 'high', message: 'private' }, { token })).body.id,
      company: (await t.api.post('/user/corporate/signup/', { ...SAMPLE_COMPANY, company_email: `acme.${a.id}@matrix.test` }, { token }))
        .body.id,
    };
    // B invited to A's company page: only B may answer, only A (its owner) may manage its members.
    expect((await t.api.post('/user/organization-members/', { member: other.id, organization: ids.company }, { token })).status).toBe(201);
    const comment = (await t.api.post('/post/comment/', { post: ids.post, body: 'mine' }, { token })).body.comment_id;
    // An application to A's job, which only A (its poster) may read and move.
    await t.api.post('/job/apply/', { job: ids.job }, { token: other.token });
    const application = (await t.api.get('/job/apply/', { token: other.token })).body[0].id;
    // A notification of A's (B follows A), for B-the-stranger to try to mark read.
    await t.api.post('/follow/', { user_following: a.id }, { token: other.token });
    const notification = (await t.api.get('/notifications/', { token })).body.results[0].id;
    for (const [name, id] of Object.entries({ ...ids, comment, notification, application })) expect(id, name).toEqual(expect.any(Number));

    const attempts: Array<[string, string, Record<string, unknown>?]> = [
      ['PUT', '/user/update-experience/', { id: ids.experience, title: 'hijacked' }],
      ['DELETE', `/user/experience/?experience_id=${ids.experience}`],
      ['PUT', '/user/education/', { id: ids.education, course: 'hijacked' }],
      ['DELETE', `/user/education/?education_id=${ids.education}`],
      ['PUT', '/user/certification/', { id: ids.certification, title: 'hijacked' }],
      ['DELETE', `/user/certification/?certification_id=${ids.certification}`],
      ['DELETE', `/post/?post_id=${ids.post}`],
      ['DELETE', `/post/delete/?post_id=${ids.post}`],
      ['POST', '/connection/status/', { connection_id: ids.connection, status: 'Accept' }],
      ['POST', '/connection/status/', { connection_id: ids.connection, status: 'Reject' }],
      ['POST', '/connection/cancel/', { connection_id: ids.connection }],
      ['POST', '/connection/remove/', { connection_id: ids.connection }],
      ['GET', `/chats/messages/?chat_id=${ids.chat}`],
      ['PUT', `/job/?job_id=${ids.job}`, { title: 'hijacked' }],
      ['PUT', '/job/status/update/', { job: ids.job, status: 'closed' }],
      ['GET', `/job/application/?job_id=${ids.job}`],
      ['PUT', '/job/application/status/', { application, status: 'rejected' }],
      ['PUT', `/project/?portfolio_id=${ids.project}`, { title: 'hijacked' }],
      ['DELETE', `/project/?portfolio_id=${ids.project}`],
      // Tickets are changed by administrators only; members never name one.
      ['PUT', '/user/admin/disputes/', { dispute: ids.ticket, status: 'closed', response: 'hijacked' }],
      ['POST', '/user/switch-account/', { account: ids.company }],
      ['POST', '/user/organization-members/', { member: stranger.id, organization: ids.company }],
      ['DELETE', `/user/organization-members/?member_id=${other.id}&organization=${ids.company}`],
      ['GET', `/user/organization-members/?organization=${ids.company}&status=invited`],
      ['POST', '/user/organization-members/respond/', { organization: ids.company, accept: true }],
    ];
    const before = await fingerprint();
    const wrong: string[] = [];
    for (const [method, path, body] of attempts) {
      const response = await t.api.request(method, path, body, { token: stranger.token });
      if (![403, 404].includes(response.status) || typeof response.body?.message !== 'string')
        wrong.push(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
    }
    // Marking someone else's notification read is no error (ids are one's own by definition), but it changes nothing.
    expect((await t.api.post('/notifications/read/', { ids: [notification] }, { token: stranger.token })).status).toBeLessThan(300);
    // The sender of a connection request cannot accept it on the recipient's behalf.
    const bySender = await t.api.post('/connection/status/', { connection_id: ids.connection, status: 'Accept' }, { token });
    if (bySender.status < 400) wrong.push(`the sender accepted their own request: ${bySender.status}`);
    // A member's tickets list is theirs alone.
    const strangersTickets = await t.api.get('/user/disputes/', { token: stranger.token });
    if (strangersTickets.body.results?.some((ticket: { id: number }) => ticket.id === ids.ticket))
      wrong.push('a stranger lists A’s ticket');
    expect(wrong).toEqual([]);
    expect(await fingerprint()).toEqual(before);
  });

  it('connections: a member cannot accept, cancel or remove a connection between two others once accepted either', async () => {
    const stranger = await person(t.api, t.mailbox);
    const [a, b] = [await person(t.api, t.mailbox), await person(t.api, t.mailbox)];
    const connection = (await t.api.post('/connection/', { connection: b.id }, { token: a.token })).body.id;
    expect((await t.api.post('/connection/status/', { connection_id: connection, status: 'Accept' }, { token: b.token })).status).toBe(200);
    const before = await fingerprint();
    for (const path of ['/connection/cancel/', '/connection/remove/', '/connection/status/']) {
      const response = await t.api.post(path, { connection_id: connection, status: 'Reject' }, { token: stranger.token });
      expect(response.status, path).toBe(404);
    }
    expect(await fingerprint()).toEqual(before);
  });
});

describe('administrator operations refuse members', () => {
  it('names the administrator operations in the contract (their 403 documented)', () => {
    expect(administrative.map((operation) => `${operation.method} ${operation.path}`).sort()).toEqual([
      'DELETE /info/',
      'DELETE /info/library/',
      'GET /user/admin/disputes/',
      'GET /user/admin/disputes/summary/',
      'GET /user/lead/register/',
      'POST /info/',
      'POST /info/exchange-rate/set/',
      'POST /info/library/',
      'POST /newsletter/create/',
      'PUT /info/',
      'PUT /info/country-permit/',
      'PUT /user/admin/disputes/',
    ]);
  });

  it.each(administrative.map((operation) => [`${operation.method} ${operation.path}`, operation] as const))(
    '%s: 403 and nothing changed',
    async (_name, operation) => {
      const bodies: Record<string, Record<string, unknown>> = {
        'PUT /info/country-permit/': { country: 'Nigeria', status: 'disable' },
        'POST /info/': { title: 'terms', content: 'Members may not write this.' },
        'PUT /info/': { title: 'terms', content: 'Members may not change this.' },
        'POST /info/exchange-rate/set/': { country: 1, currency_name: 'Naira', currency_initials: 'NGN', exchange_rate: 1500 },
        'POST /info/library/': { title: 'Members may not add this', description: 'd', tags: ['x'], file: 'https://example.com/a.pdf' },
        'PUT /user/admin/disputes/': { dispute: 1, status: 'closed', response: 'Members may not answer tickets.' },
        'POST /newsletter/create/': { title: 'Members may not send this', content: 'To every subscriber.' },
      };
      const path = operation.method === 'DELETE' ? `${operation.path}?title=terms&content_id=1` : operation.path;
      const before = await fingerprint();
      const response = await send({ method: operation.method, path }, other.token, bodies[`${operation.method} ${operation.path}`]);
      expect(response.status).toBe(403);
      expect(response.body.detail).toBe(ADMIN_REFUSAL);
      expect(response.body.message).toBe(response.body.detail);
      expect(await fingerprint()).toEqual(before);
    },
  );
});
