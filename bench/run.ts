/**
 * `pnpm bench [-- --sizes S,M,L --seconds 15 --connections 32 --warmup 2 --scenarios feed,profile --keep-database]
 *   [--workers 2 --through-nginx [--compare]]`
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
import { onlyRow, required } from '../packages/api/src/invariant.js';
import {
  ensureDatabase,
  generate,
  HOT_COMMENTS,
  HOT_MESSAGES,
  isSizeName,
  POPULAR_JOBS,
  SIZES,
  type GenerateResult,
  type SizeName,
} from './generate.js';
import { startNginx, type Nginx } from '../apps/server/test/support/nginx.js';
import { scenarios, SIGNIN_EMAIL, SIGNIN_PASSWORD, type Fixtures, type Scenario } from './scenarios.js';

type Request = autocannon.Request;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const POSTGRES = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
/** A streaming replica of POSTGRES's server: the server reads from it (DATABASE_READ_URL), and its backends' CPU counts as PostgreSQL's. */
const REPLICA = process.env.BENCH_REPLICA_URL;

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  sizes: SizeName[];
  seconds: number;
  connections: number;
  /** Requests per second over all connections (0: as fast as the server answers). */
  rate: number;
  warmup: number;
  scenarios: Set<string> | undefined;
  keepDatabase: boolean;
  /** What answers the load. */
  topology: Topology;
  /** Also measure one process direct, alternating with `topology` scenario by scenario, and compare the two. */
  compare: boolean;
}

interface Topology {
  /** WORKERS for the server (0: unset, one process); more than one shares limits through Redis. */
  workers: number;
  /** Load through nginx with docs/nginx/careernexus.conf in front of the server. */
  throughNginx: boolean;
}

const DIRECT: Topology = { workers: 0, throughNginx: false };

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
    rate: Math.round(number('--rate', 0)),
    warmup: number('--warmup', 2),
    scenarios: scenarios ? new Set(['ceiling', ...scenarios.split(',').map((name) => name.trim())]) : undefined,
    keepDatabase: args.includes('--keep-database'),
    topology: { workers: Math.round(number('--workers', 0)), throughNginx: args.includes('--through-nginx') },
    compare: args.includes('--compare'),
  };
}

/** `--compare` measures a topology against one process direct: without --workers or --through-nginx there is nothing to compare. */
function checkOptions(options: Options): Options {
  if (options.compare && sameTopology(options.topology, DIRECT)) throw new Error('--compare needs --workers N or --through-nginx');
  return options;
}

const sameTopology = (a: Topology, b: Topology) => a.workers === b.workers && a.throughNginx === b.throughNginx;

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
async function startServerProcess(databaseUrl: string, secret: string, dataDir: string, workers: number): Promise<Server> {
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
      ...(REPLICA ? { DATABASE_READ_URL: databaseUrl.replace(POSTGRES, REPLICA) } : {}),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      JWT_SECRET: secret,
      AUTH_RATE_LIMIT: '1000000',
      SIGNIN_FAILURES_PER_EMAIL: '1000000',
      DATA_DIR: dataDir,
      // Processes of one service share rate limits, revocations and events through Redis.
      ...(workers > 0 ? { WORKERS: String(workers) } : {}),
      ...(workers > 1
        ? { REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_PREFIX: `cn-bench-${randomBytes(4).toString('hex')}` }
        : {}),
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
  const group = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-group, name); // the group of the process started here: tsx and its node child
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 10_000);
  await exited;
  // tsx may exit before its node child has closed: wait for the whole group, then insist.
  for (let waited = 0; serverTicks(group).size > 0; waited += 200) {
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

/** A page of the applicants and portfolio lists (their default size). */
const FULL_PAGE = 10;

const PREFERRED_INDUSTRIES = ['technology', 'agriculture', 'health', 'banking', 'education', 'media', 'business', 'others'];

type Mint = (userId: number) => string;

function tokenMinter(secret: string): Mint {
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
  mint: Mint,
  connections: number,
): Promise<Fixtures> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const ids = async (query: string, params: unknown[] = []) =>
      (await client.query<{ id: string }>(query, params)).rows.map((row) => Number(row.id));
    const signinUser = await addSigninAccount(client, passwordHash);
    const readers = await findReaders(client, mint);
    if (readers.length < 2) throw new Error(`size ${size}: too few readers found`);
    const { hotRooms, chatReaders } = await findChatFixtures(client, mint);

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
    const { popularJobs, portfolioOwners } = await findJobAndPortfolioFixtures(client, mint);
    const { ticketOwners, adminToken } = await findSupportFixtures(client, mint);
    // Company pages with more than a page of accepted members (generate.ts's organizations), the biggest first.
    const organizations = await ids(
      `select organization_id as id from organization_members where status = 'accepted'
         group by organization_id having count(*) > $1 order by count(*) desc, organization_id limit 64`,
      [FULL_PAGE],
    );
    const newsletterReaders = (
      await ids(`select user_id as id from newsletter_subscribers where user_id is not null order by user_id limit 64`)
    ).map(mint);
    if (
      !hotPosts.length ||
      !profileTargets.length ||
      !likedPosts.length ||
      !hotRooms.length ||
      chatReaders.length < 2 ||
      !popularJobs.length ||
      !portfolioOwners.length ||
      !ticketOwners.length ||
      !organizations.length ||
      !newsletterReaders.length
    )
      throw new Error(`size ${size}: fixtures missing`);
    return {
      readers,
      chatReaders,
      hotRooms,
      likers: likerIds.map(mint),
      profileTargets,
      hotPosts,
      likedPosts,
      popularJobs,
      portfolioOwners,
      ticketOwners,
      adminToken,
      organizations,
      newsletterReaders,
      signinUser,
    };
  } finally {
    await client.end();
  }
}

/** The sign-in account: a real argon2id hash, so sign-in costs what it costs in production. */
async function addSigninAccount(client: pg.Client, passwordHash: string): Promise<number> {
  const { rows } = await client.query<{ id: string }>(
    `insert into users (email, password_hash, industry) values ($1, $2, 'technology') returning id`,
    [SIGNIN_EMAIL, passwordHash],
  );
  const signinUser = Number(onlyRow(rows).id);
  await client.query(`insert into profiles (user_id, first_name, last_name) values ($1, 'Sign', 'In')`, [signinUser]);
  return signinUser;
}

/** Readers: ordinary learners of different industries who follow people and have a job preference. */
async function findReaders(client: pg.Client, mint: Mint): Promise<Fixtures['readers']> {
  const candidates = await client.query<{ id: string; industry: string }>(`
      select distinct on (u.industry) u.id, u.industry from users u
      where u.user_type = 'learner' and u.email like 'user%'
        and exists (select 1 from job_preferences j where j.user_id = u.id)
        and (select count(*) from follows f where f.follower_id = u.id) >= 4
      order by u.industry, u.id`);
  return oneByIndustry(candidates.rows, mint);
}

/**
 * Chat: the hot rooms, each read by its lower-id member; and chat readers of ordinary rooms, as
 * many as the typical member has (2.1 on average), for the list of rooms.
 */
async function findChatFixtures(client: pg.Client, mint: Mint): Promise<Pick<Fixtures, 'hotRooms' | 'chatReaders'>> {
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
  return { hotRooms, chatReaders: oneByIndustry(chatCandidates.rows, mint) };
}

/**
 * The jobs with the most applicants (generate.ts's popular ones, a full page or more), each read
 * by its poster; and members with a full page of portfolio projects or more.
 */
async function findJobAndPortfolioFixtures(client: pg.Client, mint: Mint): Promise<Pick<Fixtures, 'popularJobs' | 'portfolioOwners'>> {
  const jobs = await client.query<{ id: string; poster: string }>(
    `select j.id, j.poster_id as poster from jobs j
       join (select job_id, count(*) as n from job_applications group by job_id having count(*) >= $1 order by n desc, job_id limit $2) a
         on a.job_id = j.id
       order by a.n desc, j.id`,
    [FULL_PAGE, POPULAR_JOBS],
  );
  const owners = await client.query<{ id: string }>(
    `select owner_id as id from projects group by owner_id having count(*) >= $1 order by owner_id limit 64`,
    [FULL_PAGE],
  );
  return {
    popularJobs: jobs.rows.map((row) => ({ id: Number(row.id), poster: Number(row.poster), token: mint(Number(row.poster)) })),
    portfolioOwners: owners.rows.map((row) => Number(row.id)),
  };
}

/**
 * Members with a full page of support tickets or more, each with their token; and an
 * administrator (a generated employer promoted, as `pnpm run set-role` would) for the ticket desk.
 */
async function findSupportFixtures(client: pg.Client, mint: Mint): Promise<Pick<Fixtures, 'ticketOwners' | 'adminToken'>> {
  const owners = await client.query<{ id: string }>(
    `select user_id as id from support_tickets group by user_id having count(*) >= $1 order by user_id limit 64`,
    [FULL_PAGE],
  );
  const admin = await client.query<{ id: string }>(
    `update users set role = 'admin' where id = (select min(id) from users where user_type = 'employer' and email like 'user%') returning id`,
  );
  return {
    ticketOwners: owners.rows.map((row) => mint(Number(row.id))),
    adminToken: mint(Number(onlyRow(admin.rows).id)),
  };
}

/** One user per industry: the preferred industries first, then others up to as many. */
function oneByIndustry(rows: Array<{ id: string; industry: string }>, mint: Mint): Fixtures['readers'] {
  const byIndustry = new Map(rows.map((row) => [row.industry, Number(row.id)]));
  const industries = PREFERRED_INDUSTRIES.filter((industry) => byIndustry.has(industry));
  for (const industry of byIndustry.keys())
    if (industries.length < PREFERRED_INDUSTRIES.length && !industries.includes(industry)) industries.push(industry);
  return industries.map((industry) => {
    const id = required(byIndustry.get(industry), `the user of industry ${industry}`);
    return { id, industry, token: mint(id) };
  });
}

// ---------------------------------------------------------------------------------------------
// CPU accounting (Linux /proc): what one request costs the server process and PostgreSQL, a
// figure much less sensitive to a shared, noisy machine than requests per second.

const TICK_MS = 10; // CLK_TCK = 100

/** [process group, utime + stime in ticks, parent] of a process, from /proc/<pid>/stat. */
function procStat(pid: number): [number, number, number] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return [Number(fields[2]), Number(fields[11]) + Number(fields[12]), Number(fields[1])];
  } catch {
    return undefined;
  }
}

/** CPU ticks of every process of the server's process group (the primary and its WORKERS). */
function serverTicks(group: number): Map<number, number> {
  const ticks = new Map<number, number>();
  let pids: string[];
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

/** CPU ticks of nginx: its master process and the workers it started. */
function nginxTicks(master: number): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const name of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    const pid = Number(name);
    const stat = procStat(pid);
    if (stat && (pid === master || stat[2] === master)) ticks.set(pid, stat[1]);
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
  replicaMonitor: pg.Client | undefined;
  database: string;
  nginx: number | undefined;
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface Measurement {
  size: SizeName;
  scenario: Scenario;
  topology: Topology;
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
  /** With --through-nginx: nginx's own CPU milliseconds per request, apart from the server's. */
  nginxCpu: number | undefined;
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

async function load(url: string, scenario: Scenario, seconds: number, { connections, rate }: Options, firstClient: number) {
  let client = firstClient;
  return autocannon({
    url,
    connections,
    ...(rate > 0 ? { overallRate: rate } : {}),
    duration: seconds,
    timeout: 10,
    requests: scenario.requests(firstClient),
    setupClient: (connection) => connection.setRequests(scenario.requests(client++)),
  });
}

/** Sends one request of the scenario and checks the answer's shape: a problem, or undefined. */
async function checkSample(url: string, scenario: Scenario): Promise<string | undefined> {
  const first = required(scenario.requests(10_000)[0], `a request of scenario ${scenario.name}`);
  const { status, body } = await sample(url, first);
  return scenario.check?.(status, body);
}

/** CPU ticks of the server's process group and of the bench database's backends, now. */
async function cpuSnapshot(probe: CpuProbe) {
  const database = await databaseTicks(probe.monitor, probe.database);
  // One machine: the replica's process ids do not collide with the primary's.
  if (probe.replicaMonitor) for (const [pid, ticks] of await databaseTicks(probe.replicaMonitor, probe.database)) database.set(pid, ticks);
  return { server: serverTicks(probe.server), database, nginx: probe.nginx ? nginxTicks(probe.nginx) : undefined };
}

/** One topology, started: where the load goes and whose CPU is read. */
interface Target {
  topology: Topology;
  url: string;
  probe: CpuProbe;
}

async function measure(
  { topology, url, probe }: Target,
  size: SizeName,
  scenario: Scenario,
  options: Options,
  log: (line: string) => void,
): Promise<Measurement> {
  const problem = await checkSample(url, scenario);
  if (problem) log(`  ${size} ${scenario.name}: sample response: ${problem}`);
  if (options.warmup > 0) await load(url, scenario, options.warmup, options, options.connections);
  const before = await cpuSnapshot(probe);
  const clientBefore = process.cpuUsage();
  const result = await load(url, scenario, options.seconds, options, 0);
  const client = process.cpuUsage(clientBefore);
  const after = await cpuSnapshot(probe);
  // autocannon stops sending at the deadline; let the server finish what it accepted (sign-in queues on argon2).
  await new Promise((resolve) => setTimeout(resolve, scenario.kind === 'signin' ? 5_000 : 1_000));
  const served = Math.max(1, result.requests.total);
  const measurement: Measurement = {
    size,
    scenario,
    topology,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    statuses: nonSuccessStatuses(result),
    problem,
    serverCpu: after.server.size ? cpuMs(before.server, after.server) / served : undefined,
    databaseCpu: after.database.size ? cpuMs(before.database, after.database) / served : undefined,
    clientCpu: (client.user + client.system) / 1000 / served,
    nginxCpu: before.nginx && after.nginx ? cpuMs(before.nginx, after.nginx) / served : undefined,
  };
  log(measurementLine(measurement, options.compare));
  return measurement;
}

/** The statuses outside 2xx with their counts, e.g. `500×3 503×1`. */
function nonSuccessStatuses(result: autocannon.Result): string {
  return Object.entries(result.statusCodeStats ?? {})
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, stat]) => `${code}×${stat.count ?? 0}`)
    .join(' ');
}

const cpu = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(2));

function measurementLine(m: Measurement, named: boolean): string {
  return (
    `  ${m.size} ${m.scenario.name}${named ? ` (${topologyName(m.topology)})` : ''}: ${m.rps.toFixed(0)} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms, errors ${m.errors}, ` +
    `non-2xx ${m.non2xx}${m.statuses ? ` (${m.statuses})` : ''}; CPU ms/req server ${cpu(m.serverCpu)}, postgres ${cpu(m.databaseCpu)}, autocannon ${cpu(m.clientCpu)}` +
    (m.nginxCpu === undefined ? '' : `, nginx ${cpu(m.nginxCpu)}`)
  );
}

// ---------------------------------------------------------------------------------------------
// The table

/** The title, one table per topology measured, and with --compare the comparison of the two. */
function report(measurements: Measurement[], loads: GenerateResult[], options: Options, loadAverage: string): string {
  const topologies = options.compare ? [DIRECT, options.topology] : [options.topology];
  const sections = topologies.flatMap((topology) => [
    '',
    ...(options.compare ? [`${servedBy(topology)}:`] : []),
    ...table(
      measurements.filter((m) => sameTopology(m.topology, topology)),
      options.sizes[0],
      topology.throughNginx,
    ),
  ]);
  const comparison = options.compare ? ['', ...compareTable(measurements, options.topology)] : [];
  return [...tableTitle(loads, options, loadAverage), ...sections, ...comparison].join('\n');
}

function table(measurements: Measurement[], smallest: SizeName | undefined, throughNginx: boolean): string[] {
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
    ...(throughNginx ? ['nginx CPU ms/req'] : []),
  ];
  const row = tableRow(measurements, smallest);
  const regular = measurements.filter((m) => m.scenario.kind !== 'signin');
  const signin = measurements.filter((m) => m.scenario.kind === 'signin');
  // Sizes are set apart by a rule, and sign-in (measured once) by another one.
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
  const [firstSignin] = signin;
  return [
    ...alignColumns(header, rows),
    firstSignin ? `(sign-in is argon2-bound: measured once, at size ${firstSignin.size}, and not part of the targets)` : '',
  ];
}

/** CPU milliseconds per request on the serving side: server processes, PostgreSQL and nginx. */
const totalCpu = (m: Measurement) =>
  m.serverCpu === undefined || m.databaseCpu === undefined ? undefined : m.serverCpu + m.databaseCpu + (m.nginxCpu ?? 0);

/**
 * Each scenario of `topology` against the same scenario on one process direct, measured back to
 * back in this run (the first of the pair alternates), as ratios: topology / direct.
 */
function compareTable(measurements: Measurement[], topology: Topology): string[] {
  const direct = new Map(measurements.filter((m) => sameTopology(m.topology, DIRECT)).map((m) => [`${m.size} ${m.scenario.name}`, m]));
  const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? undefined : a / b);
  const times = (value: number | undefined) => (value === undefined ? '-' : `${value.toFixed(2)}×`);
  const pairs = measurements
    .filter((m) => sameTopology(m.topology, topology))
    .flatMap((tested) => {
      const base = direct.get(`${tested.size} ${tested.scenario.name}`);
      return base ? [{ base, tested }] : [];
    });
  const rows = pairs.map(({ base, tested }) => [
    tested.size,
    tested.scenario.route,
    times(ratio(tested.rps, base.rps)),
    `${base.p50.toFixed(0)} → ${tested.p50.toFixed(0)}`,
    `${base.p99.toFixed(0)} → ${tested.p99.toFixed(0)}`,
    times(ratio(tested.serverCpu, base.serverCpu)),
    times(ratio(tested.databaseCpu, base.databaseCpu)),
    `${cpu(totalCpu(base))} → ${cpu(totalCpu(tested))}`,
    times(ratio(totalCpu(tested), totalCpu(base))),
  ]);
  const totals = pairs.flatMap(({ base, tested }) => {
    const r = ratio(totalCpu(tested), totalCpu(base));
    return r === undefined || tested.scenario.kind === 'signin' ? [] : [r];
  });
  return [
    `${servedBy(topology)} against one process direct (ratios: the first over the second; p50 and p99 in ms; CPU in ms per request):`,
    ...alignColumns(['size', 'scenario', 'req/s', 'p50', 'p99', 'srv CPU', 'pg CPU', 'srv+pg+nginx CPU', 'CPU/req'], rows),
    totals.length ? `median CPU per request, all scenarios but sign-in: ${times(median(totals))} of direct` : '',
  ];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** The cells of a measurement: its share of the same size's ceiling, its p50 against the smallest size's. */
function tableRow(measurements: Measurement[], smallest: SizeName | undefined): (m: Measurement) => string[] {
  const ceiling = new Map(measurements.filter((m) => m.scenario.kind === 'ceiling').map((m) => [m.size, m.rps]));
  const base = new Map(measurements.filter((m) => m.size === smallest).map((m) => [m.scenario.name, m.p50]));
  return (m) => {
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
      ...(m.nginxCpu === undefined ? [] : [cpu(m.nginxCpu)]),
    ];
  };
}

/** The header, a rule, then the rows: the first two columns left-aligned, the figures right-aligned. */
function alignColumns(header: string[], rows: Array<string[] | 'rule'>): string[] {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((r) => (r === 'rule' ? 0 : (r[i]?.length ?? 0)))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const width = widths[i] ?? 0;
        return i < 2 ? cell.padEnd(width) : cell.padStart(width);
      })
      .join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map((r) => (r === 'rule' ? rule : line(r)))];
}

/** What answered: one process, or WORKERS (their CPU summed with the primary's), perhaps behind nginx. */
function servedBy(topology: Topology): string {
  const server = topology.workers > 0 ? `WORKERS=${topology.workers} (srv CPU: primary + workers)` : 'one server process';
  return topology.throughNginx ? `${server} behind nginx (docs/nginx/careernexus.conf)` : server;
}

/** A short name for log lines. */
const topologyName = (topology: Topology) =>
  [topology.workers > 0 ? `WORKERS=${topology.workers}` : 'one process', topology.throughNginx ? 'nginx' : 'direct'].join(', ');

function tableTitle(loads: GenerateResult[], options: Options, loadAverage: string): string[] {
  const cpus = os.cpus();
  return [
    `Career Nexus bench, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown'}), ` +
      `node ${process.version}, ${options.connections} connections${options.rate ? ` at ${options.rate} req/s` : ''} × ${options.seconds} s (warm-up ${options.warmup} s), ` +
      `${options.compare ? `${servedBy(options.topology)} and one process direct, scenario by scenario` : servedBy(options.topology)}; ` +
      `load average ${loadAverage}`,
    `data loaded: ${loads.map((l) => `${l.size} ${l.seconds.toFixed(1)} s (${l.counts.users} users, ${l.counts.posts} posts, ${l.counts.post_likes} likes, ${l.counts.comments} comments)`).join('; ')}`,
  ];
}

// ---------------------------------------------------------------------------------------------
// The run

/** What the run holds: the server and the monitor are started with the first size. */
/** A topology's processes: the server (a process group) and, when it is behind nginx, nginx. */
interface Serving {
  topology: Topology;
  server: Server;
  nginx: Nginx | undefined;
}

interface Run {
  options: Options;
  log: (line: string) => void;
  database: string;
  databaseUrl: string;
  secret: string;
  dataDir: string;
  /** The topologies under load, started with the first size: one, or with --compare direct and the tested one. */
  serving?: Serving[];
  monitor?: pg.Client;
  replicaMonitor?: pg.Client;
}

async function main() {
  const options = checkOptions(readOptions(process.argv.slice(2)));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const database = `careernexus_bench_${process.pid}_${Date.now().toString(36)}`;
  const run: Run = {
    options,
    log,
    database,
    databaseUrl: `${POSTGRES}/${database}`,
    secret: randomBytes(36).toString('base64url'),
    dataDir: mkdtempSync(join(os.tmpdir(), 'careernexus-bench-')),
  };
  const mint = tokenMinter(run.secret);
  const cleanup = cleanupOnce(run);
  const interrupted = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the server and dropping the database`);
    // Exit either way: a clean-up that fails is reported, not left to hang the process.
    cleanup().then(
      () => process.exit(130),
      (error: unknown) => {
        log(`clean-up failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(130);
      },
    );
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
    await ensureDatabase(run.databaseUrl);
    const passwordHash = await hashPassword(SIGNIN_PASSWORD);
    for (const [index, size] of options.sizes.entries()) {
      const loaded = await loadSize(run, size);
      loads.push(loaded);
      const fixtures = await prepareFixtures(run.databaseUrl, size, passwordHash, mint, options.connections);
      logFixtures(fixtures, log);
      measurements.push(...(await measureSize(run, size, fixtures, index === 0)));
    }
    for (const { topology, server } of run.serving ?? []) {
      const problems = server.output.join('').trim();
      if (problems) log(`server output (${topologyName(topology)}; warnings and errors):\n${problems.slice(-4000)}`);
    }
    console.log(report(measurements, loads, options, `${loadAtStart} at start, ${loadAverage()} at end (1, 5, 15 min)`));
  } finally {
    await cleanup();
  }
}

/** Stops the server, removes the data dir and drops the database (unless kept); once, however often called. */
function cleanupOnce(run: Run): () => Promise<void> {
  let cleaning: Promise<void> | undefined;
  return () =>
    (cleaning ??= (async () => {
      for (const { server, nginx } of run.serving ?? []) {
        await nginx?.stop();
        await stopServerProcess(server);
      }
      await run.monitor?.end().catch(() => {});
      await run.replicaMonitor?.end().catch(() => {});
      rmSync(run.dataDir, { recursive: true, force: true });
      if (run.options.keepDatabase) {
        run.log(`database kept: ${run.databaseUrl}`);
        return;
      }
      const admin = new pg.Client({ connectionString: `${POSTGRES}/postgres` });
      await admin.connect();
      await admin.query(`drop database if exists "${run.database}" with (force)`);
      await admin.end();
    })());
}

async function loadSize(run: Run, size: SizeName): Promise<GenerateResult> {
  run.log(`generating ${size} (${SIZES[size].users} users, ${SIZES[size].posts} posts) into ${run.database}`);
  const loaded = await generate({ url: run.databaseUrl, size, log: run.log });
  run.log(`${size} loaded in ${loaded.seconds.toFixed(1)} s ${JSON.stringify(loaded.counts)}`);
  return loaded;
}

function logFixtures(fixtures: Fixtures, log: (line: string) => void): void {
  log(`  readers: ${fixtures.readers.map((r) => `${r.id} (${r.industry})`).join(', ')}`);
  log(
    `  chat readers: ${fixtures.chatReaders.map((r) => `${r.id} (${r.industry})`).join(', ')}; hot rooms: ${fixtures.hotRooms.map((r) => `${r.id} (read by ${r.reader})`).join(', ')}`,
  );
  log(
    `  popular jobs: ${fixtures.popularJobs.map((job) => `${job.id} (posted by ${job.poster})`).join(', ')}; portfolio owners: ${fixtures.portfolioOwners.length}; organizations: ${fixtures.organizations.length}`,
  );
}

/** Every chosen scenario at one size, on the server (started with the first size). Sign-in runs at the first size only. */
async function measureSize(run: Run, size: SizeName, fixtures: Fixtures, firstSize: boolean): Promise<Measurement[]> {
  const { options, log } = run;
  const serving = (run.serving ??= await startServing(run, options.compare ? [DIRECT, options.topology] : [options.topology]));
  const monitor = (run.monitor ??= await connectMonitor());
  // The load leaves gigabytes of dirty pages at L. Written back now, they are not billed to
  // the first scenario's PostgreSQL CPU. Needs a superuser.
  await monitor.query('checkpoint').catch((error: Error) => log(`  no checkpoint after the load: ${error.message}`));
  const replicaMonitor = REPLICA ? (run.replicaMonitor ??= await connectMonitor(REPLICA)) : undefined;
  if (replicaMonitor) await replicaCaughtUp(monitor, replicaMonitor);
  const targets: Target[] = serving.map(({ topology, server, nginx }) => ({
    topology,
    url: nginx ? `http://127.0.0.1:${nginx.port}` : server.url,
    probe: {
      server: required(server.child.pid, 'the server process id'),
      monitor,
      replicaMonitor,
      database: run.database,
      nginx: nginx?.child.pid,
    },
  }));
  const measurements: Measurement[] = [];
  const chosen = scenarios(fixtures).filter(
    (scenario) => (!options.scenarios || options.scenarios.has(scenario.name)) && (scenario.kind !== 'signin' || firstSize),
  );
  for (const [index, scenario] of chosen.entries()) {
    // Compared topologies take turns going first, so a drift of the machine's speed does not favour one.
    for (const target of index % 2 ? [...targets].reverse() : targets) {
      measurements.push(await measure(target, size, scenario, options, log));
    }
    for (const { server } of serving) if (server.child.exitCode !== null) throw new Error(`the server died:\n${server.output.join('')}`);
  }
  return measurements;
}

/** Starts each topology's server (and nginx in front when asked) on the run's database. */
async function startServing(run: Run, topologies: Topology[]): Promise<Serving[]> {
  const serving: Serving[] = [];
  for (const topology of topologies) {
    const server = await startServerProcess(run.databaseUrl, run.secret, run.dataDir, topology.workers);
    // Registered at once: a failure starting nginx still stops this server in the clean-up.
    run.serving = serving;
    const entry: Serving = { topology, server, nginx: undefined };
    serving.push(entry);
    if (topology.throughNginx) entry.nginx = await startNginx(await freePort(), [server.url.replace('http://', '')]);
  }
  return serving;
}

async function connectMonitor(server = POSTGRES): Promise<pg.Client> {
  const monitor = new pg.Client({ connectionString: `${server}/postgres` });
  await monitor.connect();
  return monitor;
}

/** Waits until the replica has replayed everything loaded, so that it serves the same data. */
async function replicaCaughtUp(primary: pg.Client, replica: pg.Client) {
  const { rows } = await primary.query<{ lsn: string }>('select pg_current_wal_insert_lsn()::text as lsn');
  const lsn = required(rows[0], 'the primary WAL position').lsn;
  for (;;) {
    const replayed = await replica.query<{ done: boolean }>('select pg_last_wal_replay_lsn() >= $1::pg_lsn as done', [lsn]);
    if (replayed.rows[0]?.done) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
