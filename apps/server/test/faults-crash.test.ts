import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, sql, type DatabaseHandle } from '@careernexus/db';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { PASSWORD, uniqueEmail } from './support/flows.js';
import { restClient, type RestClient } from './support/http.js';
import { closedLoop, statusCounts, timedRequest, type Outcome } from './support/load.js';
import { freePort } from './support/ports.js';
import { createDatabase, dropDatabase, postgresUrl } from './support/postgres.js';
import { outboxCode, startServerProcess, type ServerProcess } from './support/processes.js';

// The server process is killed with SIGKILL while many writes are in flight, then started again
// on the same database (the project's: PostgreSQL, or PGlite files in DATA_DIR). Every write it
// acknowledged must be there, and nothing may be half-written: the checks below read the
// database directly for rows that only a partly applied write could leave.
const kind = inject('databaseKind');
const database = `cn_crash_${randomBytes(4).toString('hex')}`;
const dataDir = mkdtempSync(join(tmpdir(), 'cn-crash-'));
let env: Record<string, string>;
let baseUrl: string;
let running: ServerProcess | undefined;

beforeAll(async () => {
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  env = {
    ...(process.env as Record<string, string>),
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: baseUrl,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    JWT_SECRET: randomBytes(32).toString('hex'),
    // Signing up 100 people from one address is this test's business, not an attack.
    AUTH_RATE_LIMIT: '100000',
  };
  delete env.SMTP_URL;
  delete env.REDIS_URL;
  delete env.DATABASE_URL;
  if (kind === 'postgres') {
    await createDatabase(database);
    env.DATABASE_URL = postgresUrl(database);
  }
}, 60_000);

afterAll(async () => {
  if (running && running.child.exitCode === null) {
    running.child.kill('SIGKILL');
    await running.exited;
  }
  if (kind === 'postgres') {
    await dropDatabase(database);
  }
  rmSync(dataDir, { recursive: true, force: true });
});

async function start() {
  running = await startServerProcess(env);
  return running;
}

interface Account {
  id: number;
  email: string;
  token: string;
}

/** Step 1 of a signup: the code is mailed (to the outbox); step 2 comes later. */
async function requestCode(api: RestClient, email: string) {
  const sent = await api.post('/user/signup/', { email, password1: PASSWORD, password2: PASSWORD });
  expect(sent.status, JSON.stringify(sent.body)).toBe(201);
  return { email, otp: await outboxCode(dataDir, email) };
}

async function signUp(api: RestClient): Promise<Account> {
  const { email, otp } = await requestCode(api, uniqueEmail('crash'));
  const created = await api.post('/user/signup/', { email, password1: PASSWORD, password2: PASSWORD, otp });
  expect(created.status).toBe(201);
  const me = await api.get('/user/me/', { token: created.body.access });
  return { id: me.body.id, email, token: created.body.access };
}

const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)]!;

/** The rows only a partly applied write could leave; each query counts the offending rows. */
const HALF_WRITTEN: Record<string, ReturnType<typeof sql<{ n: number }>>> = {
  'account without its profile': sql`select count(*)::int as n from users u where not exists (select 1 from profiles p where p.user_id = u.id)`,
  'account without the session its signup issued': sql`select count(*)::int as n from users u where not exists (select 1 from refresh_tokens t where t.user_id = u.id)`,
  'account whose signup code was not used up': sql`select count(*)::int as n from users u join otp_codes o on o.email = u.email and o.purpose = 'signup'`,
  'post without a feed key for one of its industries': sql`
    select count(*)::int as n from posts p cross join lateral unnest(string_to_array(p.industries, ',')) as label
    where not exists (select 1 from feed_keys k where k.post_id = p.id and k.key = 'industry:' || label)`,
  'post whose like_count is not its likes': sql`select count(*)::int as n from posts p where like_count <> (select count(*) from post_likes l where l.post_id = p.id)`,
  'post whose comment_count is not its top-level comments': sql`
    select count(*)::int as n from posts p where comment_count <> (select count(*) from comments c where c.post_id = p.id and c.parent_id is null)`,
  'post whose share_count is not its shares': sql`select count(*)::int as n from posts p where share_count <> (select count(*) from post_shares s where s.post_id = p.id)`,
  'comment whose like_count is not its likes': sql`select count(*)::int as n from comments c where like_count <> (select count(*) from comment_likes l where l.comment_id = c.id)`,
  'comment without the notification to the post author': sql`
    select count(*)::int as n from comments c join posts p on p.id = c.post_id
    where c.parent_id is null and c.user_id <> p.author_id and not exists (
      select 1 from notifications n where n.user_id = p.author_id and n.type = 'comment' and n.data->>'comment_id' = c.id::text)`,
  'reply without the notification to the comment author': sql`
    select count(*)::int as n from comments c join comments parent on parent.id = c.parent_id
    where c.user_id <> parent.user_id and not exists (
      select 1 from notifications n where n.user_id = parent.user_id and n.type = 'reply' and n.data->>'comment_id' = c.id::text)`,
  'like without the notification to the post author': sql`
    select count(*)::int as n from post_likes l join posts p on p.id = l.post_id
    where l.user_id <> p.author_id and not exists (
      select 1 from notifications n where n.user_id = p.author_id and n.type = 'like'
      and n.data->>'post_id' = p.id::text and n.data->>'user_id' = l.user_id::text)`,
  'follow without the notification to the person followed': sql`
    select count(*)::int as n from follows f where not exists (
      select 1 from notifications n where n.user_id = f.following_id and n.type = 'follow' and n.data->>'user_id' = f.follower_id::text)`,
  'chat room without a message': sql`select count(*)::int as n from chat_rooms r where not exists (select 1 from chat_messages m where m.room_id = r.id)`,
};

async function halfWritten(handle: DatabaseHandle) {
  const found: Record<string, number> = {};
  for (const [name, query] of Object.entries(HALF_WRITTEN)) {
    const { rows } = await query.execute(handle.db);
    if (rows[0]!.n !== 0) found[name] = rows[0]!.n;
  }
  return found;
}

it('after a SIGKILL in the middle of many writes, every acknowledged write is there and none is half done', async () => {
  let server = await start();
  const api = restClient(baseUrl);
  const people = await Promise.all(Array.from({ length: 5 }, () => signUp(api)));
  // Codes for accounts created during the load (the second signup step writes user, profile and session).
  const pendingSignups: Array<{ email: string; otp: string }> = [];
  for (let i = 0; i < 30; i += 5)
    pendingSignups.push(...(await Promise.all(Array.from({ length: 5 }, () => requestCode(api, uniqueEmail('late'))))));

  const acknowledged = { posts: [] as number[], comments: [] as number[], messages: [] as number[], accounts: [] as string[] };
  for (const author of people) {
    const created = await api.post('/post/', { body: 'Cloud software engineering for data teams.' }, { token: author.token });
    acknowledged.posts.push(created.body.post_id);
  }

  let inFlight = 0;
  const write = async (name: string, path: string, body: Record<string, unknown>, token?: string): Promise<Outcome> => {
    inFlight++;
    try {
      return await timedRequest(baseUrl, 'POST', path, { body, token, name, timeoutMs: 20_000 });
    } finally {
      inFlight--;
    }
  };
  const operations: Array<() => Promise<Outcome>> = [
    async () => {
      const outcome = await write(
        'post',
        '/post/',
        { body: `Software engineering and cloud data, part ${Math.random()}` },
        pick(people).token,
      );
      if (outcome.status === 201) acknowledged.posts.push(outcome.body.post_id);
      return outcome;
    },
    async () => {
      const outcome = await write('comment', '/post/comment/', { post: pick(acknowledged.posts), body: 'Well said' }, pick(people).token);
      if (outcome.status === 201) acknowledged.comments.push(outcome.body.comment_id);
      return outcome;
    },
    async () => {
      if (!acknowledged.comments.length) return write('share', '/post/share/', { post: pick(acknowledged.posts) }, pick(people).token);
      const outcome = await write('reply', '/post/reply/', { parent: pick(acknowledged.comments), body: 'Thanks' }, pick(people).token);
      if (outcome.status === 201) acknowledged.comments.push(outcome.body.comment_id);
      return outcome;
    },
    () => write('like', Math.random() < 0.7 ? '/post/like/' : '/post/unlike/', { post: pick(acknowledged.posts) }, pick(people).token),
    () => write('share', '/post/share/', { post: pick(acknowledged.posts) }, pick(people).token),
    () =>
      acknowledged.comments.length
        ? write('comment like', '/post/like/comment/', { comment: pick(acknowledged.comments) }, pick(people).token)
        : write('repost', '/post/repost/', { parent: pick(acknowledged.posts) }, pick(people).token),
    () => {
      const [follower, followed] = [pick(people), pick(people)];
      if (follower === followed) return write('repost', '/post/repost/', { parent: pick(acknowledged.posts) }, follower.token);
      return write('follow', '/follow/', { user_following: followed.id }, follower.token);
    },
    async () => {
      const [from, to] = [people[0]!, pick(people.slice(1))];
      const outcome = await write('chat', '/chats/messages/', { user_id: to.id, message: 'Are you free later?' }, from.token);
      if (outcome.status === 201) acknowledged.messages.push(outcome.body.message_id);
      return outcome;
    },
    async () => {
      const signup = pendingSignups.pop();
      if (!signup) return write('share', '/post/share/', { post: pick(acknowledged.posts) }, pick(people).token);
      const outcome = await write('account', '/user/signup/', {
        email: signup.email,
        password1: PASSWORD,
        password2: PASSWORD,
        otp: signup.otp,
      });
      if (outcome.status === 201) acknowledged.accounts.push(signup.email);
      return outcome;
    },
  ];

  const load = closedLoop(12, () => pick(operations)());
  const startedAt = Date.now();
  while (load.outcomes.filter((o) => o.status === 200 || o.status === 201).length < 150 && Date.now() - startedAt < 20_000) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const cutShort = inFlight;
  server.child.kill('SIGKILL');
  expect(await server.exited).toBe(null); // killed by the signal, not exited
  const outcomes = await load.stop();

  // Before the kill, every write succeeded; the kill cut some short.
  const beforeKill = outcomes.filter((o) => o.status !== 'network');
  expect(
    beforeKill.every((o) => o.status === 200 || o.status === 201),
    JSON.stringify(statusCounts(beforeKill)),
  ).toBe(true);
  expect(cutShort).toBeGreaterThan(0);
  console.info(`killed with ${cutShort} writes in flight, ${beforeKill.length} answered before: ${JSON.stringify(statusCounts(outcomes))}`);

  server = await start();
  expect((await api.get('/healthz')).status).toBe(200);
  for (const postId of acknowledged.posts) {
    const post = await api.get(`/post/?post_id=${postId}`, { token: people[0]!.token });
    expect(post.status, `acknowledged post ${postId}`).toBe(200);
  }
  for (const email of acknowledged.accounts) {
    const signin = await api.post('/user/signin/', { email, password: PASSWORD });
    expect(signin.status, `acknowledged account ${email}`).toBe(200);
  }
  // The restarted server takes writes again.
  expect(
    (await api.post('/post/comment/', { post: acknowledged.posts[0], body: 'After the restart' }, { token: people[1]!.token })).status,
  ).toBe(201);

  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);
  const handle = await openDatabase(kind === 'postgres' ? { url: env.DATABASE_URL } : { dataDir: join(dataDir, 'pglite') });
  try {
    expect(await halfWritten(handle)).toEqual({});
    const { rows: comments } = await sql<{ id: number }>`select id from comments`.execute(handle.db);
    const stored = new Set(comments.map((row) => row.id));
    expect(acknowledged.comments.filter((id) => !stored.has(id))).toEqual([]);
    const { rows: messages } = await sql<{ id: number }>`select id from chat_messages`.execute(handle.db);
    const storedMessages = new Set(messages.map((row) => row.id));
    expect(acknowledged.messages.filter((id) => !storedMessages.has(id))).toEqual([]);
  } finally {
    await handle.close();
  }
}, 180_000);
