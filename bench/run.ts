/**
 * `pnpm bench [-- --sizes S,M,L --seconds 15 --connections 32 --warmup 2 --scenarios feed,profile --keep-database]`
 *
 * Creates a throwaway PostgreSQL database on 127.0.0.1:5432, fills it (bench/generate.ts), starts
 * ONE server process on it, and loads each scenario with autocannon (127.0.0.1 only, bounded in
 * time). Sizes run one after the other on the same database and server: the data of a size
 * replaces the previous one's. Prints one table; the database is dropped and the server stopped
 * at the end (also on Ctrl-C).
 */
import autocannon from 'autocannon';
import pg from 'pg';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashPassword } from '../packages/api/src/auth/passwords.js';
import { createToken, newTokenId } from '../packages/api/src/auth/tokens.js';
import { ensureDatabase, generate, HOT_COMMENTS, HOT_MESSAGES, isSizeName, SIZES, type GenerateResult, type SizeName } from './generate.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const POSTGRES = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const SIGNIN_EMAIL = 'signin@bench.test';
const SIGNIN_PASSWORD = 'Bench-Passw0rd';

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  sizes: SizeName[];
  seconds: number;
  connections: number;
  warmup: number;
  scenarios: Set<string> | undefined;
  keepDatabase: boolean;
}

function readOptions(argv: string[]): Options {
  const args = argv.filter((arg) => arg !== '--');
  const value = (flag: string) => {
    const inline = args.find((arg) => arg.startsWith(`${flag}=`));
    if (inline) return inline.slice(flag.length + 1);
    const index = args.indexOf(flag);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const number = (flag: string, fallback: number) => {
    const raw = value(flag);
    const parsed = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`${flag} must be a non-negative number`);
    return parsed;
  };
  const sizes = (value('--sizes') ?? 'S,M')
    .split(',')
    .map((size) => size.trim().toUpperCase())
    .filter(Boolean);
  for (const size of sizes) if (!isSizeName(size)) throw new Error(`unknown size ${size}: use ${Object.keys(SIZES).join(', ')}`);
  const ordered = (Object.keys(SIZES) as SizeName[]).filter((size) => sizes.includes(size));
  const scenarios = value('--scenarios');
  return {
    sizes: ordered,
    seconds: number('--seconds', 15),
    connections: Math.max(1, Math.round(number('--connections', 32))),
    warmup: number('--warmup', 2),
    scenarios: scenarios ? new Set(['ceiling', ...scenarios.split(',').map((name) => name.trim())]) : undefined,
    keepDatabase: args.includes('--keep-database'),
  };
}

// ---------------------------------------------------------------------------------------------
// Server process

interface Server {
  url: string;
  child: ChildProcess;
  output: string[];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** The server's command line as `pnpm start` runs it (`node <flags> apps/server/src/main.ts`), without `node`. */
function startCommandArgs(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [node, ...args] = scripts.start.split(' ').filter(Boolean);
  if (node !== 'node') throw new Error(`the start script does not run node: ${scripts.start}`);
  return args;
}

/**
 * Starts the server as `pnpm start` does, in its own process group; `BENCH_SERVER_NODE_ARGS`
 * adds node flags, e.g. `--cpu-prof` to profile the server. Ready on the log line
 * `career nexus api ready` — which LOG_LEVEL=warn does not print (it is an info line) — or on the
 * first 200 from /healthz, whichever comes first.
 */
async function startServerProcess(databaseUrl: string, secret: string, dataDir: string): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...startCommandArgs()], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      JWT_SECRET: secret,
      AUTH_RATE_LIMIT: '1000000',
      SIGNIN_FAILURES_PER_EMAIL: '1000000',
      DATA_DIR: dataDir,
    },
  });
  const output: string[] = [];
  let ready = false;
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    if (text.includes('career nexus api ready')) ready = true;
    output.push(text);
    if (output.length > 200) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const deadline = Date.now() + 60_000;
  while (!ready) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output.join('')}`);
    if (Date.now() > deadline) throw new Error(`the server was not ready within 60 s:\n${output.join('')}`);
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) ready = true;
    } catch {
      // not listening yet
    }
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, child, output };
}

async function stopServerProcess(server: Server | undefined): Promise<void> {
  const child = server?.child;
  if (!child?.pid || child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name); // the group of the process started here: tsx and its node child
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 10_000);
  await exited;
  // tsx may exit before its node child has closed: wait for the whole group, then insist.
  for (let waited = 0; serverTicks(child.pid).size > 0; waited += 200) {
    if (waited >= 10_000) {
      signal('SIGKILL');
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------
// Fixtures: who reads, what is read

/** Conversation pages per request (the route's default). */
const CONVERSATION_PAGE = 50;

interface Fixtures {
  readers: Array<{ id: number; industry: string; token: string }>;
  /** Like the readers, but each in two to four chat rooms, none of them hot. */
  chatReaders: Array<{ id: number; industry: string; token: string }>;
  /** The hot rooms (HOT_MESSAGES messages each), each with a member's token. */
  hotRooms: Array<{ id: number; reader: number; token: string }>;
  likers: string[];
  profileTargets: number[];
  hotPosts: number[];
  likedPosts: number[];
  signinUser: number;
}

const PREFERRED_INDUSTRIES = ['technology', 'agriculture', 'health', 'banking', 'education', 'media', 'business', 'others'];

function tokenMinter(secret: string) {
  const key = new TextEncoder().encode(secret);
  return (userId: number) => {
    const iat = Math.floor(Date.now() / 1000);
    return createToken(key, { token_type: 'access', exp: iat + 6 * 3600, iat, jti: newTokenId(), user_id: userId });
  };
}

async function prepareFixtures(
  databaseUrl: string,
  size: SizeName,
  passwordHash: string,
  mint: (id: number) => string,
  connections: number,
): Promise<Fixtures> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const ids = async (query: string, params: unknown[] = []) =>
      (await client.query<{ id: string }>(query, params)).rows.map((row) => Number(row.id));
    // The sign-in account: a real argon2id hash, so sign-in costs what it costs in production.
    const { rows } = await client.query<{ id: string }>(
      `insert into users (email, password_hash, industry) values ($1, $2, 'technology') returning id`,
      [SIGNIN_EMAIL, passwordHash],
    );
    const signinUser = Number(rows[0]!.id);
    await client.query(`insert into profiles (user_id, first_name, last_name) values ($1, 'Sign', 'In')`, [signinUser]);

    // Readers: ordinary learners of different industries who follow people and have a job preference.
    const candidates = await client.query<{ id: string; industry: string }>(`
      select distinct on (u.industry) u.id, u.industry from users u
      where u.user_type = 'learner' and u.email like 'user%'
        and exists (select 1 from job_preferences j where j.user_id = u.id)
        and (select count(*) from follows f where f.follower_id = u.id) >= 4
      order by u.industry, u.id`);
    const oneByIndustry = (rows: Array<{ id: string; industry: string }>) => {
      const byIndustry = new Map(rows.map((row) => [row.industry, Number(row.id)]));
      const industries = PREFERRED_INDUSTRIES.filter((industry) => byIndustry.has(industry));
      for (const industry of byIndustry.keys())
        if (industries.length < PREFERRED_INDUSTRIES.length && !industries.includes(industry)) industries.push(industry);
      return industries.map((industry) => ({ id: byIndustry.get(industry)!, industry, token: mint(byIndustry.get(industry)!) }));
    };
    const readers = oneByIndustry(candidates.rows);
    if (readers.length < 2) throw new Error(`size ${size}: too few readers found`);

    // Chat: the hot rooms, each read by its lower-id member; and chat readers of ordinary rooms,
    // as many as the typical member has (2.1 on average), for the list of rooms.
    const hot = await client.query<{ id: string; reader: string }>(
      `select r.id, r.user_low as reader from chat_rooms r
       where r.id in (select room_id from chat_messages group by room_id having count(*) = $1) order by r.id`,
      [HOT_MESSAGES],
    );
    const hotRooms = hot.rows.map((row) => ({ id: Number(row.id), reader: Number(row.reader), token: mint(Number(row.reader)) }));
    const chatCandidates = await client.query<{ id: string; industry: string }>(
      `select distinct on (u.industry) u.id, u.industry from users u
       where u.user_type = 'learner' and u.email like 'user%'
         and (select count(*) from chat_rooms r where r.user_low = u.id or r.user_high = u.id) between 2 and 4
         and not exists (select 1 from chat_rooms r where (r.user_low = u.id or r.user_high = u.id) and r.id = any($1::bigint[]))
       order by u.industry, u.id`,
      [hotRooms.map((room) => room.id)],
    );
    const chatReaders = oneByIndustry(chatCandidates.rows);

    const users = SIZES[size].users;
    // Likers: one per connection of each run (measured run and warm-up get different ones), from the middle of the id range.
    const likerIds = await ids(`select id from users where user_type = 'learner' and id > $1 order by id limit $2`, [
      Math.floor(users / 2),
      connections * 4,
    ]);
    const step = Math.max(1, Math.floor(users / 64));
    const profileTargets = await ids(`select id from users where id % $1 = 7 and email like 'user%' order by id limit 64`, [step]);
    const hotPosts = await ids(`select id from posts where comment_count = $1 order by id`, [HOT_COMMENTS]);
    const likedPosts = await ids(`select id from posts order by id desc limit 5000`);
    if (!hotPosts.length || !profileTargets.length || !likedPosts.length || !hotRooms.length || chatReaders.length < 2)
      throw new Error(`size ${size}: fixtures missing`);
    return { readers, chatReaders, hotRooms, likers: likerIds.map(mint), profileTargets, hotPosts, likedPosts, signinUser };
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Scenarios

type Request = autocannon.Request;

interface Scenario {
  name: string;
  route: string;
  kind: 'ceiling' | 'read' | 'write' | 'signin';
  /** The requests one connection cycles through; `client` counts connections over warm-up and run. */
  requests(client: number): Request[];
  /** A problem with a sample response, or undefined. */
  check?(status: number, body: unknown): string | undefined;
}

const POST_BODIES = [
  'Shipped a new release of our TypeScript API today: PostgreSQL indexes everywhere, latency down by half.',
  'Our farm cooperative is hiring two agronomists for the rainy season. Irrigation experience is a plus.',
  'Nurses and doctors at the teaching hospital ran a free screening day for three hundred patients.',
  'Interest rates went up again this week; what does it mean for small business loans?',
  'Looking for mentors in product management. Happy to trade a coffee for an hour of advice.',
];

/**
 * What `mentor-search` looks for: skills, areas and job words, each in 2 to 20 % of the mentors
 * (generate.ts's vocabularies; about 9 % on average), so that the matches grow with the data as a
 * real search's would. The first one is the sample request's.
 */
const MENTOR_SEARCH_WORDS = [
  'leadership',
  'python',
  'marketing',
  'nursing',
  'excel',
  'agronomy',
  'interview',
  'journalism',
  'engineer',
  'sql',
  'video editing',
  'teacher',
  'analyst',
  'autocad',
  'manager',
  'sales',
];

const json = { 'content-type': 'application/json' };
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
/** `items` rotated so that connection `client` starts at its own place. */
const rotate = <T>(items: readonly T[], client: number, stride = 1): T[] => {
  const start = (client * stride) % items.length;
  return [...items.slice(start), ...items.slice(0, start)];
};
const expectPage = (minimum: number) => (status: number, body: unknown) => {
  const results = (body as { results?: unknown[] } | null)?.results;
  if (status !== 200) return `status ${status}`;
  if (!Array.isArray(results) || results.length < minimum)
    return `expected a page of at least ${minimum}, got ${Array.isArray(results) ? results.length : typeof body}`;
  return undefined;
};

function scenarios(fixtures: Fixtures): Scenario[] {
  const { readers } = fixtures;
  const readerTokens = readers.map((reader) => reader.token);
  return [
    { name: 'ceiling', route: 'GET /healthz', kind: 'ceiling', requests: () => [{ method: 'GET', path: '/healthz' }] },
    {
      name: 'feed',
      route: 'GET /post/',
      kind: 'read',
      requests: (client) => rotate(readerTokens, client).map((token) => ({ method: 'GET', path: '/post/', headers: auth(token) })),
      check: expectPage(10),
    },
    {
      name: 'following',
      route: 'GET /post/following/',
      kind: 'read',
      requests: (client) =>
        rotate(readerTokens, client).map((token) => ({ method: 'GET', path: '/post/following/', headers: auth(token) })),
      check: expectPage(1),
    },
    {
      name: 'profile',
      route: 'GET /user/retrieve-profile/?user_id=',
      kind: 'read',
      requests: (client) =>
        rotate(fixtures.profileTargets, client, 7).map((target, i) => ({
          method: 'GET',
          path: `/user/retrieve-profile/?user_id=${target}`,
          headers: auth(readerTokens[(client + i) % readerTokens.length]!),
        })),
      check: (status, body) =>
        status !== 200 ? `status ${status}` : typeof (body as { first_name?: unknown })?.first_name === 'string' ? undefined : 'no profile',
    },
    {
      name: 'comments',
      route: `GET /post/comment/?post_id= (${HOT_COMMENTS})`,
      kind: 'read',
      requests: (client) =>
        rotate(fixtures.hotPosts, client).map((post, i) => ({
          method: 'GET',
          path: `/post/comment/?post_id=${post}`,
          headers: auth(readerTokens[(client + i) % readerTokens.length]!),
        })),
      check: (status, body) =>
        status !== 200
          ? `status ${status}`
          : Array.isArray(body) && body.length === HOT_COMMENTS
            ? undefined
            : `expected ${HOT_COMMENTS} comments, got ${Array.isArray(body) ? body.length : typeof body}`,
    },
    {
      name: 'connections',
      route: 'GET /connection/recommendation/?criteria=industry',
      kind: 'read',
      requests: (client) =>
        rotate(readerTokens, client).map((token) => ({
          method: 'GET',
          path: '/connection/recommendation/?criteria=industry',
          headers: auth(token),
        })),
      check: expectPage(10),
    },
    {
      name: 'jobs',
      route: 'GET /job/recommend/',
      kind: 'read',
      requests: (client) => rotate(readerTokens, client).map((token) => ({ method: 'GET', path: '/job/recommend/', headers: auth(token) })),
      check: expectPage(1),
    },
    {
      name: 'mentors',
      route: 'GET /mentor/recommendation/',
      kind: 'read',
      // Page 1 (4 mentors) of the reader's industry's mentors, best rated first.
      requests: (client) =>
        rotate(readerTokens, client).map((token) => ({ method: 'GET', path: '/mentor/recommendation/', headers: auth(token) })),
      check: (status, body) => {
        const problem = expectPage(4)(status, body);
        if (problem) return problem;
        const first = (body as { results: Array<Record<string, unknown>> }).results[0]!;
        return typeof first.rating === 'number' && typeof first.session_rate === 'string' && Array.isArray(first.technical_skills)
          ? undefined
          : `not a mentor card: ${JSON.stringify(first)}`;
      },
    },
    {
      name: 'mentor-search',
      route: 'GET /mentor/search/?text=',
      kind: 'read',
      // Every connection walks the words from its own place, each request by the next reader.
      requests: (client) =>
        rotate(MENTOR_SEARCH_WORDS, client, 5).map((word, i) => ({
          method: 'GET',
          path: `/mentor/search/?text=${encodeURIComponent(word)}`,
          headers: auth(readerTokens[(client + i) % readerTokens.length]!),
        })),
      check: expectPage(1),
    },
    {
      name: 'notifications',
      route: 'GET /notification-chat/notifications/',
      kind: 'read',
      requests: (client) =>
        rotate(readerTokens, client).map((token) => ({ method: 'GET', path: '/notification-chat/notifications/', headers: auth(token) })),
      check: (status, body) => {
        const problem = expectPage(5)(status, body);
        if (problem) return problem;
        const first = (body as { results: Array<Record<string, unknown>> }).results[0]!;
        return typeof first.id === 'number' &&
          typeof first.text === 'string' &&
          typeof first.timestamp === 'string' &&
          'page' in first &&
          'route' in first
          ? undefined
          : `not a notification: ${JSON.stringify(first)}`;
      },
    },
    {
      name: 'chats',
      route: 'GET /notification-chat/chats/',
      kind: 'read',
      requests: (client) =>
        rotate(fixtures.chatReaders, client).map((reader) => ({
          method: 'GET',
          path: '/notification-chat/chats/',
          headers: auth(reader.token),
        })),
      check: (status, body) => {
        if (status !== 200) return `status ${status}`;
        if (!Array.isArray(body) || body.length < 2)
          return `expected two rooms or more, got ${Array.isArray(body) ? body.length : typeof body}`;
        const room = body[0] as Record<string, unknown>;
        const contributor = room.contributor as { id?: unknown } | undefined;
        return typeof room.chat_id === 'number' &&
          typeof room.last_message === 'string' &&
          typeof room.unread === 'number' &&
          typeof contributor?.id === 'number'
          ? undefined
          : `not a room: ${JSON.stringify(room)}`;
      },
    },
    {
      name: 'conversation',
      route: `GET /notification-chat/chat/messages/?chat_id= (${HOT_MESSAGES})`,
      kind: 'read',
      // The newest page of a hot room, as opening the chat reads it (and marks it read).
      requests: (client) =>
        rotate(fixtures.hotRooms, client).map((room) => ({
          method: 'GET',
          path: `/notification-chat/chat/messages/?chat_id=${room.id}`,
          headers: auth(room.token),
        })),
      check: (status, body) => {
        if (status !== 200) return `status ${status}`;
        if (!Array.isArray(body) || body.length !== CONVERSATION_PAGE)
          return `expected ${CONVERSATION_PAGE} messages, got ${Array.isArray(body) ? body.length : typeof body}`;
        const ids = body.map((message: { message_id?: unknown }) => Number(message.message_id));
        if (ids.some((id, i) => i > 0 && id <= ids[i - 1]!)) return 'messages not oldest first';
        const person = (body[0] as { person?: { id?: unknown } }).person;
        return typeof person?.id === 'number' ? undefined : `no person: ${JSON.stringify(body[0])}`;
      },
    },
    {
      name: 'post',
      route: 'POST /post/ (JSON)',
      kind: 'write',
      requests: (client) =>
        rotate(readerTokens, client).map((token, i) => ({
          method: 'POST',
          path: '/post/',
          headers: { ...auth(token), ...json },
          body: JSON.stringify({ body: POST_BODIES[(client + i) % POST_BODIES.length] }),
        })),
      check: (status) => (status === 201 ? undefined : `status ${status}`),
    },
    {
      name: 'like',
      route: 'POST /post/like/',
      kind: 'write',
      // One liker per connection, each walking the newest posts from its own place: real new likes throughout.
      requests: (client) => {
        const token = fixtures.likers[client % fixtures.likers.length]!;
        // 400 per connection is more than a connection sends in a run here; building many more request buffers slows autocannon itself.
        return rotate(fixtures.likedPosts, client, 157)
          .slice(0, 400)
          .map((post) => ({ method: 'POST', path: '/post/like/', headers: { ...auth(token), ...json }, body: JSON.stringify({ post }) }));
      },
      check: (status) => (status === 201 ? undefined : `status ${status}`),
    },
    {
      name: 'signin',
      route: 'POST /user/signin/ (argon2)',
      kind: 'signin',
      requests: () => [
        { method: 'POST', path: '/user/signin/', headers: json, body: JSON.stringify({ email: SIGNIN_EMAIL, password: SIGNIN_PASSWORD }) },
      ],
      check: (status, body) =>
        status === 200 && typeof (body as { access?: unknown })?.access === 'string' ? undefined : `status ${status}`,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// CPU accounting (Linux /proc): what one request costs the server process and PostgreSQL, a
// figure much less sensitive to a shared, noisy machine than requests per second.

const TICK_MS = 10; // CLK_TCK = 100

/** [process group, utime + stime in ticks] of a process, from /proc/<pid>/stat. */
function procStat(pid: number): [number, number] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return [Number(fields[2]), Number(fields[11]) + Number(fields[12])];
  } catch {
    return undefined;
  }
}

/** CPU ticks of every process of the server's process group (tsx and its node child). */
function serverTicks(group: number): Map<number, number> {
  const ticks = new Map<number, number>();
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return ticks;
  }
  for (const name of pids) {
    const stat = procStat(Number(name));
    if (stat && stat[0] === group) ticks.set(Number(name), stat[1]);
  }
  return ticks;
}

/** CPU ticks of the PostgreSQL backends serving the bench database. */
async function databaseTicks(monitor: pg.Client, database: string): Promise<Map<number, number>> {
  const { rows } = await monitor.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [
    database,
  ]);
  const ticks = new Map<number, number>();
  for (const { pid } of rows) {
    const stat = procStat(pid);
    if (stat) ticks.set(pid, stat[1]);
  }
  return ticks;
}

/** Milliseconds of CPU used between two snapshots (processes that started in between count whole). */
const cpuMs = (before: Map<number, number>, after: Map<number, number>) =>
  [...after].reduce((sum, [pid, ticks]) => sum + (ticks - (before.get(pid) ?? 0)), 0) * TICK_MS;

interface CpuProbe {
  server: number;
  monitor: pg.Client;
  database: string;
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface Measurement {
  size: SizeName;
  scenario: Scenario;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  statuses: string;
  problem: string | undefined;
  /** CPU milliseconds per request: the server process, PostgreSQL's backends, this load generator. */
  serverCpu: number | undefined;
  databaseCpu: number | undefined;
  clientCpu: number;
}

async function sample(url: string, request: Request): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}${request.path}`, {
    method: request.method ?? 'GET',
    headers: request.headers as Record<string, string> | undefined,
    body: request.body as string | undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body };
}

async function load(url: string, scenario: Scenario, seconds: number, connections: number, firstClient: number) {
  let client = firstClient;
  return autocannon({
    url,
    connections,
    duration: seconds,
    timeout: 10,
    requests: scenario.requests(firstClient),
    setupClient: (connection) => connection.setRequests(scenario.requests(client++)),
  });
}

async function measure(
  url: string,
  size: SizeName,
  scenario: Scenario,
  options: Options,
  probe: CpuProbe,
  log: (line: string) => void,
): Promise<Measurement> {
  const first = scenario.requests(10_000)[0]!;
  const { status, body } = await sample(url, first);
  const problem = scenario.check?.(status, body);
  if (problem) log(`  ${size} ${scenario.name}: sample response: ${problem}`);
  if (options.warmup > 0) await load(url, scenario, options.warmup, options.connections, options.connections);
  const serverBefore = serverTicks(probe.server);
  const databaseBefore = await databaseTicks(probe.monitor, probe.database);
  const clientBefore = process.cpuUsage();
  const result = await load(url, scenario, options.seconds, options.connections, 0);
  const client = process.cpuUsage(clientBefore);
  const serverAfter = serverTicks(probe.server);
  const databaseAfter = await databaseTicks(probe.monitor, probe.database);
  // autocannon stops sending at the deadline; let the server finish what it accepted (sign-in queues on argon2).
  await new Promise((resolve) => setTimeout(resolve, scenario.kind === 'signin' ? 5_000 : 1_000));
  const served = Math.max(1, result.requests.total);
  const statuses = Object.entries(result.statusCodeStats ?? {})
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, stat]) => `${code}×${stat.count ?? 0}`)
    .join(' ');
  const measurement: Measurement = {
    size,
    scenario,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    statuses,
    problem,
    serverCpu: serverAfter.size ? cpuMs(serverBefore, serverAfter) / served : undefined,
    databaseCpu: databaseAfter.size ? cpuMs(databaseBefore, databaseAfter) / served : undefined,
    clientCpu: (client.user + client.system) / 1000 / served,
  };
  const cpu = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(2));
  log(
    `  ${size} ${scenario.name}: ${measurement.rps.toFixed(0)} req/s, p50 ${measurement.p50} ms, p99 ${measurement.p99} ms, errors ${measurement.errors}, ` +
      `non-2xx ${measurement.non2xx}${statuses ? ` (${statuses})` : ''}; CPU ms/req server ${cpu(measurement.serverCpu)}, postgres ${cpu(measurement.databaseCpu)}, autocannon ${cpu(measurement.clientCpu)}`,
  );
  return measurement;
}

// ---------------------------------------------------------------------------------------------
// The table

function table(measurements: Measurement[], loads: GenerateResult[], options: Options, loadAverage: string): string {
  const ceiling = new Map(measurements.filter((m) => m.scenario.kind === 'ceiling').map((m) => [m.size, m.rps]));
  const smallest = options.sizes[0]!;
  const base = new Map(measurements.filter((m) => m.size === smallest).map((m) => [m.scenario.name, m.p50]));
  const header = [
    'size',
    'scenario',
    'req/s',
    'p50 ms',
    'p99 ms',
    'errors',
    'non-2xx',
    '% ceiling',
    `p50 / ${smallest}`,
    'srv CPU ms/req',
    'pg CPU ms/req',
  ];
  const cpu = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(2));
  const row = (m: Measurement) => {
    const top = ceiling.get(m.size);
    const p50Base = base.get(m.scenario.name);
    return [
      m.size,
      m.scenario.route,
      m.rps.toFixed(0),
      m.p50.toFixed(0),
      m.p99.toFixed(0),
      String(m.errors),
      m.non2xx ? `${m.non2xx}${m.statuses ? ` (${m.statuses})` : ''}` : '0',
      top ? `${((100 * m.rps) / top).toFixed(1)}%` : '-',
      m.size !== smallest && p50Base ? `${(m.p50 / Math.max(p50Base, 1)).toFixed(2)}` : '-',
      cpu(m.serverCpu),
      cpu(m.databaseCpu),
    ];
  };
  const regular = measurements.filter((m) => m.scenario.kind !== 'signin');
  const signin = measurements.filter((m) => m.scenario.kind === 'signin');
  const rows: Array<string[] | 'rule'> = [];
  let size: SizeName | undefined;
  for (const m of regular) {
    if (size !== undefined && m.size !== size) rows.push('rule');
    size = m.size;
    rows.push(row(m));
  }
  if (signin.length) {
    rows.push('rule');
    for (const m of signin) rows.push(row(m));
  }
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((r) => (r === 'rule' ? 0 : r[i]!.length))));
  const line = (cells: string[]) => cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const cpus = os.cpus();
  const title = [
    `Career Nexus bench, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown'}), ` +
      `node ${process.version}, ${options.connections} connections × ${options.seconds} s (warm-up ${options.warmup} s), one server process; ` +
      `load average ${loadAverage}`,
    `data loaded: ${loads.map((l) => `${l.size} ${l.seconds.toFixed(1)} s (${l.counts.users} users, ${l.counts.posts} posts, ${l.counts.post_likes} likes, ${l.counts.comments} comments)`).join('; ')}`,
  ];
  return [
    ...title,
    '',
    line(header),
    rule,
    ...rows.map((r) => (r === 'rule' ? rule : line(r))),
    signin.length ? `(sign-in is argon2-bound: measured once, at size ${signin[0]!.size}, and not part of the targets)` : '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const options = readOptions(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const database = `careernexus_bench_${process.pid}_${Date.now().toString(36)}`;
  const databaseUrl = `${POSTGRES}/${database}`;
  const secret = randomBytes(36).toString('base64url');
  const mint = tokenMinter(secret);
  const dataDir = mkdtempSync(join(os.tmpdir(), 'careernexus-bench-'));
  let server: Server | undefined;
  let monitor: pg.Client | undefined;

  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await stopServerProcess(server);
      await monitor?.end().catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
      if (options.keepDatabase) {
        log(`database kept: ${databaseUrl}`);
        return;
      }
      const admin = new pg.Client({ connectionString: `${POSTGRES}/postgres` });
      await admin.connect();
      await admin.query(`drop database if exists "${database}" with (force)`);
      await admin.end();
    })());
  const interrupted = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the server and dropping the database`);
    cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  const measurements: Measurement[] = [];
  const loads: GenerateResult[] = [];
  const loadAverage = () =>
    os
      .loadavg()
      .map((n) => n.toFixed(1))
      .join(' ');
  const loadAtStart = loadAverage();
  try {
    await ensureDatabase(databaseUrl);
    const passwordHash = await hashPassword(SIGNIN_PASSWORD);
    for (const [index, size] of options.sizes.entries()) {
      log(`generating ${size} (${SIZES[size].users} users, ${SIZES[size].posts} posts) into ${database}`);
      const loaded = await generate({ url: databaseUrl, size, log });
      loads.push(loaded);
      log(`${size} loaded in ${loaded.seconds.toFixed(1)} s ${JSON.stringify(loaded.counts)}`);
      const fixtures = await prepareFixtures(databaseUrl, size, passwordHash, mint, options.connections);
      log(`  readers: ${fixtures.readers.map((r) => `${r.id} (${r.industry})`).join(', ')}`);
      log(
        `  chat readers: ${fixtures.chatReaders.map((r) => `${r.id} (${r.industry})`).join(', ')}; hot rooms: ${fixtures.hotRooms.map((r) => `${r.id} (read by ${r.reader})`).join(', ')}`,
      );
      server ??= await startServerProcess(databaseUrl, secret, dataDir);
      if (!monitor) {
        monitor = new pg.Client({ connectionString: `${POSTGRES}/postgres` });
        await monitor.connect();
      }
      // The load leaves gigabytes of dirty pages at L. Written back now, they are not billed to
      // the first scenario's PostgreSQL CPU. Needs a superuser.
      await monitor.query('checkpoint').catch((error: Error) => log(`  no checkpoint after the load: ${error.message}`));
      const probe: CpuProbe = { server: server.child.pid!, monitor, database };
      for (const scenario of scenarios(fixtures)) {
        if (options.scenarios && !options.scenarios.has(scenario.name)) continue;
        if (scenario.kind === 'signin' && index > 0) continue;
        measurements.push(await measure(server.url, size, scenario, options, probe, log));
        if (server.child.exitCode !== null) throw new Error(`the server died:\n${server.output.join('')}`);
      }
    }
    const problems = server?.output.join('').trim();
    if (problems) log(`server output (warnings and errors):\n${problems.slice(-4000)}`);
    console.log(table(measurements, loads, options, `${loadAtStart} at start, ${loadAverage()} at end (1, 5, 15 min)`));
  } finally {
    await cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
