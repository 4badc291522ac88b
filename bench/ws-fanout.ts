/**
 * Raw chat WebSocket benchmark: N sockets (pairs of users chatting with each other), a bounded
 * stream of chat messages, delivery latency measured on the recipient's socket, and the server's
 * memory per open socket. The server runs in a child process, so its RSS is its own.
 *
 *   pnpm run bench:ws [-- --sockets 2000 --seconds 15 --rate 500 --interval 500 --batch 100]
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm run bench:ws
 *
 * See bench/ws-README.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { migrateToLatest, openDatabase, sql } from '@careernexus/db';
import pg from 'pg';
import WebSocket from 'ws';
import { createToken, newTokenId } from '../packages/api/src/auth/tokens.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';
const READY_LINE = 'career nexus api ready';
const SERVER_START_TIMEOUT_MS = 90_000;
const SOCKET_OPEN_TIMEOUT_MS = 15_000;
const DRAIN_MS = 5_000;
const MAX_LOSS = 0.01;
/** main.ts forces its exit 30 s after SIGTERM; a little more than that, then SIGKILL. */
const STOP_TIMEOUT_MS = 35_000;

// ---------------------------------------------------------------------------------------------
// Options

/** The command line's options; prints the usage (`--help`) or what is wrong, and exits. */
function readOptions() {
  const { values: opts } = parseArgs({
    // `pnpm run bench:ws -- --sockets 200` may hand the `--` through.
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: {
      sockets: { type: 'string', default: '2000' },
      seconds: { type: 'string', default: '15' },
      rate: { type: 'string', default: '500' },
      interval: { type: 'string', default: '500' },
      batch: { type: 'string', default: '100' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (opts.help) {
    console.log(`usage: pnpm run bench:ws -- [--sockets N] [--seconds S] [--rate MSG_PER_S] [--interval MS] [--batch B]
  --sockets   sockets to open, two per chatting pair (even; default 2000)
  --seconds   how long messages are sent (default 15)
  --rate      messages per second, all senders together (default 500)
  --interval  ms between two messages of one sender; senders = rate × interval (default 500)
  --batch     sockets opened concurrently (default 100)
env BENCH_DATABASE_URL=postgres://… runs the server on a throw-away database of that PostgreSQL server instead of PGlite.`);
    process.exit(0);
  }
  const positiveInt = (name: string, raw: string, min = 1) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) {
      console.error(`--${name} must be an integer ≥ ${min} (got ${raw})`);
      process.exit(2);
    }
    return value;
  };
  const sockets = positiveInt('sockets', opts.sockets, 2);
  if (sockets % 2) {
    console.error('--sockets must be even: sockets come in pairs of users chatting with each other');
    process.exit(2);
  }
  return {
    sockets,
    seconds: positiveInt('seconds', opts.seconds),
    rate: positiveInt('rate', opts.rate),
    intervalMs: positiveInt('interval', opts.interval),
    batch: positiveInt('batch', opts.batch),
  };
}

const { sockets: SOCKETS, seconds: SECONDS, rate: RATE, intervalMs: INTERVAL_MS, batch: BATCH } = readOptions();
const PG_URL = process.env.BENCH_DATABASE_URL || undefined;

// ---------------------------------------------------------------------------------------------
// Clean-up: whatever happens, the server is stopped and the temp dir and database are removed.

const cleanups: Array<() => Promise<void> | void> = [];
let cleaning: Promise<void> | undefined;
const cleanup = () =>
  (cleaning ??= (async () => {
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch (error) {
        console.error('clean-up step failed:', error instanceof Error ? error.message : error);
      }
    }
  })());

/** A hard bound on the whole run (server start, opening, traffic, drain, teardown), and Ctrl-C: both clean up. */
function stopOnOverrunOrSignal(): void {
  const budgetMs =
    SERVER_START_TIMEOUT_MS + 60_000 + STOP_TIMEOUT_MS + Math.ceil(SOCKETS / BATCH) * SOCKET_OPEN_TIMEOUT_MS + SECONDS * 1000 + DRAIN_MS;
  const watchdog = setTimeout(() => {
    console.error(`benchmark exceeded its ${Math.round(budgetMs / 1000)} s budget; stopping`);
    void cleanup().finally(() => process.exit(3));
  }, budgetMs);
  watchdog.unref();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`${signal}: stopping`);
      void cleanup().finally(() => process.exit(130));
    });
  }
}
stopOnOverrunOrSignal();

// ---------------------------------------------------------------------------------------------
// Helpers

const now = () => performance.timeOrigin + performance.now();
const log = (message: string) => console.error(`[ws-bench] ${message}`);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** VmRSS of a process in KiB, or undefined when it is gone. */
function rssKiB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** utime + stime of a process in seconds. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ": state=0 ppid=1 … utime=11 stime=12 (fields 14 and 15 of proc(5)).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** All descendants of `root`, parents before children. */
function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = parentOf(Number(entry));
    if (ppid === undefined) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const out: number[] = [];
  const queue = [root];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const child of children.get(next) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

const commandLineOf = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
};

// NaN when empty (`at(-1)` of nothing).
const percentile = (sorted: Float64Array, p: number) =>
  sorted.at(Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))) ?? NaN;
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : 'n/a');
const mib = (kib: number | undefined) => (kib === undefined ? 'n/a' : `${(kib / 1024).toFixed(1)} MiB`);

// ---------------------------------------------------------------------------------------------
// Database: migrate and insert the users ourselves (no signup: argon2 and e-mail are not the point)

const dataDir = mkdtempSync(join(tmpdir(), 'cn-ws-bench-'));
cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));

/** Errors before the run proper (database set-up) still clean up. */
const orCleanUp = async <T>(step: () => Promise<T>): Promise<T> => {
  try {
    return await step();
  } catch (error) {
    console.error('benchmark set-up failed:', error instanceof Error ? error.message : error);
    await cleanup();
    process.exit(1);
  }
};

/** Creates `cn_ws_bench_<hex>` on the server of `serverUrl` (dropped at clean-up) and returns its URL. */
async function createThrowawayDatabase(serverUrl: string): Promise<string> {
  const name = `cn_ws_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  cleanups.push(async () => {
    const dropper = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
    await dropper.connect();
    try {
      await dropper.query(`drop database if exists ${name} with (force)`);
    } finally {
      await dropper.end();
    }
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Migrates the database (PGlite in `dataDir` without a URL) and inserts SOCKETS users with profiles; their ids in order. */
async function insertUsers(databaseUrl: string | undefined): Promise<number[]> {
  const started = performance.now();
  const handle = await openDatabase(databaseUrl ? { url: databaseUrl, poolSize: 2 } : { dataDir: join(dataDir, 'pglite') });
  try {
    await migrateToLatest(handle.db);
    const tag = randomBytes(3).toString('hex');
    // '!' is no argon2 hash: nobody can sign in as these users, they only hold minted tokens.
    const { rows } = await sql<{ id: number }>`
      with created as (
        insert into users (email, password_hash)
        select 'ws-bench-' || ${tag}::text || '-' || g || '@bench.invalid', '!'
        from generate_series(1, ${SOCKETS}::int) g
        returning id
      ), profiled as (
        insert into profiles (user_id) select id from created returning user_id
      )
      select user_id as id from profiled order by user_id`.execute(handle.db);
    log(`${handle.kind}: migrated and ${rows.length} users inserted in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return rows.map((row) => Number(row.id));
  } finally {
    await handle.close();
  }
}

const databaseUrl = PG_URL ? await orCleanUp(() => createThrowawayDatabase(PG_URL)) : undefined;
const jwtSecret = randomBytes(32).toString('hex');
const secretKey = new TextEncoder().encode(jwtSecret);
const userIds = await orCleanUp(() => insertUsers(databaseUrl));

const iat = Math.floor(Date.now() / 1000);
const tokenOf = (userId: number) =>
  createToken(secretKey, { token_type: 'access', exp: iat + 6 * 3600, iat, jti: newTokenId(), user_id: userId });

// ---------------------------------------------------------------------------------------------
// The server, in a child process

interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface ServerProcess {
  child: ChildProcess;
  /** The tsx wrapper, spawned here. */
  wrapperPid: number;
  /** The process running main.ts: the wrapper until `adoptServerProcess` finds its child. */
  pid: number;
  port: number;
  base: string;
  exited: Promise<void>;
  // Read through a function: TypeScript would otherwise keep a narrowing across awaits.
  exitStatus: () => ExitStatus | undefined;
  /** The last 200 lines, how many were warnings or errors, and whether the ready line came. */
  output: { lines: string[]; warnings: number; readyLineSeen: boolean };
}

function serverEnv(port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    JWT_SECRET: jwtSecret,
    NODE_ENV: 'development',
  };
  // Only what this benchmark chooses: no stray database, Redis, SMTP or S3 from the caller's shell.
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'SMTP_URL', 'S3_BUCKET', 'PUBLIC_URL']) delete env[name];
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  return env;
}

/** Spawns the server (stopped at clean-up) and follows its output; it is not ready yet. */
async function startServer(): Promise<ServerProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['apps/server/src/main.ts'], {
    cwd: ROOT,
    env: serverEnv(port),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // With stdio pipes both streams exist; there is no pid only when the spawn failed.
  const { pid: childPid, stdout: childStdout, stderr: childStderr } = child;
  if (childPid === undefined || !childStdout || !childStderr) throw new Error('the server process could not be started');
  let childExit: ExitStatus | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      childExit = { code, signal };
      resolve();
    }),
  );
  const server: ServerProcess = {
    child,
    wrapperPid: childPid,
    pid: childPid,
    port,
    base: `http://${HOST}:${port}`,
    exited,
    exitStatus: () => childExit,
    output: { lines: [], warnings: 0, readyLineSeen: false },
  };
  cleanups.push(() => stopServer(server));
  followOutput(childStdout, server.output);
  followOutput(childStderr, server.output);
  return server;
}

async function stopServer(server: ServerProcess): Promise<void> {
  const { child } = server;
  if (server.exitStatus()) return;
  const inner = server.pid;
  // SIGTERM goes to the process running main.ts itself: relayed through the tsx wrapper, it is
  // turned into SIGKILL when the server's event loop does not acknowledge it within ~60 ms.
  const stopStarted = performance.now();
  if (inner !== child.pid) process.kill(inner, 'SIGTERM');
  else child.kill('SIGTERM');
  const stopped = await Promise.race([server.exited.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]);
  const how = server.exitStatus();
  if (stopped)
    log(
      `server stopped ${how?.code === 0 ? 'cleanly' : `with ${JSON.stringify(how)}`} ${((performance.now() - stopStarted) / 1000).toFixed(1)} s after SIGTERM`,
    );
  if (!stopped) {
    log(`server did not stop within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM; SIGKILL`);
    child.kill('SIGKILL');
    await Promise.race([server.exited, sleep(5_000)]);
  }
  // tsx relays the signal to the process running main.ts; make sure that one is gone as well.
  const stillOurs = () => rssKiB(inner) !== undefined && commandLineOf(inner).includes('main.ts') && parentOf(inner) === child.pid;
  if (inner !== child.pid && stillOurs()) {
    await sleep(2_000);
    if (stillOurs()) process.kill(inner, 'SIGKILL');
  }
}

/** Keeps the last lines, notes the ready line, and shows warnings and errors (the first 20). */
function followOutput(stream: NodeJS.ReadableStream, output: ServerProcess['output']): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      output.lines.push(line);
      if (output.lines.length > 200) output.lines.shift();
      if (line.includes(READY_LINE)) {
        output.readyLineSeen = true;
        continue;
      }
      let level = 50;
      try {
        level = (JSON.parse(line) as { level?: number }).level ?? 50;
      } catch {
        // Not pino: stderr of the process, worth showing.
      }
      if (level >= 40 && ++output.warnings <= 20) console.error(`[server] ${line.slice(0, 400)}`);
    }
  });
}

/** Ready when the ready line is logged or, as that line is logged at info (below LOG_LEVEL=warn), when /healthz answers. */
async function waitForServer(server: ServerProcess) {
  const deadline = Date.now() + SERVER_START_TIMEOUT_MS;
  const { output } = server;
  while (Date.now() < deadline) {
    const exit = server.exitStatus();
    if (exit) throw new Error(`server exited during start (${JSON.stringify(exit)}):\n${output.lines.slice(-30).join('\n')}`);
    if (output.readyLineSeen) return 'log line';
    try {
      const response = await fetch(`${server.base}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return '/healthz (the ready line is logged at info, below LOG_LEVEL=warn)';
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`server not ready within ${SERVER_START_TIMEOUT_MS / 1000} s:\n${output.lines.slice(-30).join('\n')}`);
}

/** tsx runs main.ts in a child of its own: that process holds the sockets, measure it. */
function adoptServerProcess(server: ServerProcess): void {
  const inner = descendantsOf(server.wrapperPid).filter((pid) => commandLineOf(pid).includes('main.ts'));
  server.pid = inner.at(-1) ?? server.wrapperPid;
  log(
    `server pid ${server.pid}${server.pid !== server.child.pid ? ` (under the tsx wrapper ${server.child.pid})` : ''}, ulimit -n of the server: ${/Max open files\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/limits`, 'utf8'))?.[1] ?? '?'}`,
  );
}

const server = await startServer();

// ---------------------------------------------------------------------------------------------
// The sockets

interface Client {
  /** Position in userIds: even indices are the first member of a pair. */
  index: number;
  userId: number;
  peerId: number;
  ws: WebSocket;
  opened: boolean;
  closedCode?: number;
  closedReason?: string;
  failure?: string;
}

/** What the sockets saw, filled by their message handlers. */
interface Books {
  /** `${sender}:${text}` → send time */
  inFlight: Map<string, number>;
  latencies: number[];
  delivered: number;
  duplicates: number;
  unknown: number;
  echoes: number;
  errorFrames: number;
  errorSamples: Set<string>;
  lastDeliveryAt: number;
  droppedAfterOpen: number;
  tearingDown: boolean;
  /** Set when the report's figures are taken: whatever arrives later is lost for it. */
  closed: boolean;
}

const newBooks = (): Books => ({
  inFlight: new Map(),
  latencies: [],
  delivered: 0,
  duplicates: 0,
  unknown: 0,
  echoes: 0,
  errorFrames: 0,
  errorSamples: new Set(),
  lastDeliveryAt: 0,
  droppedAfterOpen: 0,
  tearingDown: false,
  closed: false,
});

/** One frame received by `userId`: a delivery (latency taken from the send time it carries), an echo, or an error. */
function record(books: Books, userId: number, data: Buffer): void {
  if (books.closed) return;
  let frame: { type?: string; user_id?: number; message?: string };
  try {
    frame = JSON.parse(data.toString('utf8')) as typeof frame;
  } catch {
    books.unknown++;
    return;
  }
  if (frame.type === 'chat_message') {
    if (frame.user_id === userId) {
      books.echoes++;
      return;
    }
    const key = `${frame.user_id}:${frame.message}`;
    const sentAt = books.inFlight.get(key);
    if (sentAt === undefined) {
      books.duplicates++;
      return;
    }
    books.inFlight.delete(key);
    const at = now();
    books.lastDeliveryAt = at;
    books.delivered++;
    books.latencies.push(at - Number(frame.message));
  } else if (frame.type === 'error') {
    books.errorFrames++;
    if (books.errorSamples.size < 5) books.errorSamples.add(String((frame as { message?: unknown }).message));
  } else books.unknown++;
}

/** Opens `userId`'s socket to chat with `peerId`; resolves when it opened, failed or timed out. */
function openSocket(port: number, index: number, userId: number, peerId: number, books: Books): Promise<Client> {
  const ws = new WebSocket(`ws://${HOST}:${port}/ws/chat/${peerId}/?token=${tokenOf(userId)}`, {
    perMessageDeflate: false,
    handshakeTimeout: SOCKET_OPEN_TIMEOUT_MS,
  });
  const client: Client = { index, userId, peerId, ws, opened: false };
  ws.on('message', (data: Buffer) => record(books, userId, data));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      client.failure ??= `no open within ${SOCKET_OPEN_TIMEOUT_MS / 1000} s`;
      ws.terminate();
      resolve(client);
    }, SOCKET_OPEN_TIMEOUT_MS);
    ws.once('open', () => {
      client.opened = true;
      clearTimeout(timer);
      resolve(client);
    });
    ws.on('unexpected-response', (_request, response) => {
      client.failure = `HTTP ${response.statusCode}`;
      ws.terminate();
    });
    ws.on('error', (error) => {
      client.failure ??= error.message;
      clearTimeout(timer);
      resolve(client);
    });
    ws.once('close', (code, reason) => {
      client.closedCode = code;
      client.closedReason = reason.toString();
      if (client.opened && !books.tearingDown) books.droppedAfterOpen++;
      clearTimeout(timer);
      resolve(client);
    });
  });
}

interface Opening {
  clients: Client[];
  open: Client[];
  /** Why sockets are not open, with how many. */
  failures: Map<string, number>;
  openMs: number;
}

/** Users (2p, 2p+1) chat with each other, each over its own socket; `BATCH` opened at a time. */
async function openSockets(port: number, books: Books): Promise<Opening> {
  log(`opening ${SOCKETS} sockets, ${BATCH} at a time…`);
  const clients: Client[] = [];
  const openStarted = performance.now();
  for (let first = 0; first < SOCKETS; first += BATCH) {
    const batch: Array<Promise<Client>> = [];
    for (let i = first; i < Math.min(first + BATCH, SOCKETS); i++) {
      const self = userIds[i];
      const peer = userIds[i % 2 ? i - 1 : i + 1];
      if (self === undefined || peer === undefined) throw new Error(`no user for socket ${i} or its peer`);
      batch.push(openSocket(port, i, self, peer, books));
    }
    clients.push(...(await Promise.all(batch)));
  }
  const openMs = performance.now() - openStarted;
  // A refused socket is opened and then closed by the server (4401, 4404…): give that a moment.
  await sleep(1_000);
  const open = clients.filter((c) => c.ws.readyState === WebSocket.OPEN);
  const failures = new Map<string, number>();
  for (const c of clients) {
    if (c.ws.readyState === WebSocket.OPEN) continue;
    const why = c.failure ?? (c.closedCode !== undefined ? `closed ${c.closedCode} ${c.closedReason ?? ''}`.trim() : 'not open');
    failures.set(why, (failures.get(why) ?? 0) + 1);
  }
  log(
    `${open.length}/${SOCKETS} sockets open in ${(openMs / 1000).toFixed(2)} s${failures.size ? `; failures: ${describeFailures(failures)}` : ''}`,
  );
  return { clients, open, failures, openMs };
}

const describeFailures = (failures: Map<string, number>) => [...failures].map(([why, n]) => `${n}× ${why}`).join(', ');

/**
 * `RATE` messages/s in all go round-robin over the senders, so that each sender sends every
 * `senders / RATE` s (= INTERVAL_MS). Senders are one member of as many pairs as possible, spread
 * over all pairs; beyond one per pair, the other members send as well.
 */
function chooseSenders(open: Client[]): Client[] {
  const byPair = (side: 0 | 1) => open.filter((c) => c.index % 2 === side);
  const candidates = [...byPair(0), ...byPair(1)];
  const senderCount = Math.min(candidates.length, Math.max(1, Math.round((RATE * INTERVAL_MS) / 1000)));
  const evens = byPair(0);
  return senderCount <= evens.length
    ? Array.from({ length: senderCount }, (_, j) => evens[Math.floor((j * evens.length) / senderCount)]).filter((c) => c !== undefined)
    : candidates.slice(0, senderCount);
}

// ---------------------------------------------------------------------------------------------
// Traffic

/** /healthz, one probe at a time, every 250 ms: how responsive the server stays meanwhile. */
function probeHealth(base: string) {
  const durations: number[] = [];
  const stopProbing = new AbortController();
  const probeLoop = (async () => {
    while (!stopProbing.signal.aborted) {
      const started = now();
      try {
        const response = await fetch(`${base}/healthz`, { signal: stopProbing.signal });
        await response.arrayBuffer();
      } catch {
        // Cut short at the end: a probe still waiting then counts with the time it has waited.
      }
      durations.push(now() - started);
      await sleep(250);
    }
  })();
  return {
    durations,
    stop: async () => {
      stopProbing.abort();
      await probeLoop;
    },
  };
}

/** Sends RATE messages/s for SECONDS from `trafficStarted`, round-robin over the senders; each message is its send time. */
async function sendAtRate(senders: Client[], open: Client[], books: Books, trafficStarted: number) {
  const partnerOpen = new Set(open.map((c) => c.userId));
  const counts = { sent: 0, notSent: 0, toClosedPeer: 0 };
  const trafficEnds = trafficStarted + SECONDS * 1000;
  const due = () => Math.min(RATE * SECONDS, Math.floor(((now() - trafficStarted) / 1000) * RATE));
  await new Promise<void>((resolve) => {
    let slot = 0;
    const tick = setInterval(() => {
      const target = due();
      while (slot < target) {
        const sender = senders[slot % senders.length];
        slot++;
        if (!sender) throw new Error('no sender'); // never: there is one at least (checked by the caller)
        if (sender.ws.readyState !== WebSocket.OPEN) {
          counts.notSent++;
          continue;
        }
        if (!partnerOpen.has(sender.peerId)) counts.toClosedPeer++;
        const text = now().toFixed(3);
        books.inFlight.set(`${sender.userId}:${text}`, Number(text));
        sender.ws.send(JSON.stringify({ message: text }));
        counts.sent++;
      }
      if (now() >= trafficEnds && slot >= RATE * SECONDS) {
        clearInterval(tick);
        resolve();
      }
    }, 2);
  });
  return counts;
}

/** The traffic, the drain (up to DRAIN_MS for what is still on its way), and what they cost the server. */
async function runTraffic(server: ServerProcess, senders: Client[], open: Client[], books: Books) {
  const probes = probeHealth(server.base);
  const serverCpuBefore = cpuSeconds(server.pid);
  const benchCpuBefore = process.cpuUsage();
  const trafficStarted = now();
  const counts = await sendAtRate(senders, open, books, trafficStarted);
  const sendingMs = now() - trafficStarted;

  const drainStarted = now();
  while (books.inFlight.size > 0 && now() - drainStarted < DRAIN_MS) await sleep(50);
  const serverCpuAfter = cpuSeconds(server.pid);
  const drainEnded = now();
  const benchCpu = process.cpuUsage(benchCpuBefore);
  // The books close here: whatever arrives later is lost for this report.
  books.closed = true;
  const lost = books.inFlight.size;
  const rssTraffic = rssKiB(server.pid);
  await probes.stop();
  return {
    ...counts,
    lost,
    trafficStarted,
    sendingMs,
    /** From the first message to the end of the drain. */
    busyMs: drainEnded - trafficStarted,
    serverCpuSeconds: serverCpuBefore !== undefined && serverCpuAfter !== undefined ? serverCpuAfter - serverCpuBefore : undefined,
    benchCpu,
    rssTraffic,
    peakKiB: peakRssKiB(server.pid),
    probes: probes.durations,
  };
}

/** VmHWM: the most the process has held. */
function peakRssKiB(pid: number): number | undefined {
  try {
    return Number(/^VmHWM:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Report

interface Outcome {
  opening: Opening;
  senders: Client[];
  traffic: Awaited<ReturnType<typeof runTraffic>>;
  books: Books;
  rssBefore: number | undefined;
  rssOpen: number | undefined;
  stillOpenAtEnd: number;
  serverWarnings: number;
}

function reportRows({
  opening,
  senders,
  traffic,
  books,
  rssBefore,
  rssOpen,
  stillOpenAtEnd,
  serverWarnings,
}: Outcome): Array<[string, string]> {
  const { open, openMs, failures } = opening;
  const { sent, lost, probes } = traffic;
  const { delivered } = books;
  const sorted = Float64Array.from(books.latencies).sort();
  const probeSorted = Float64Array.from(probes).sort();
  const windowMs = (books.lastDeliveryAt || now()) - traffic.trafficStarted;
  const { serverCpuSeconds } = traffic;
  const serverCpuPct = serverCpuSeconds !== undefined ? (serverCpuSeconds / (traffic.busyMs / 1000)) * 100 : NaN;
  const benchCpuPct = ((traffic.benchCpu.user + traffic.benchCpu.system) / 1000 / traffic.busyMs) * 100;
  const perSocketKiB = rssBefore !== undefined && rssOpen !== undefined ? (rssOpen - rssBefore) / Math.max(1, open.length) : NaN;

  const rows: Array<[string, string]> = [
    ['database', PG_URL ? 'postgresql (throw-away database)' : 'pglite (embedded, in the server process)'],
    ['sockets open / asked', `${open.length} / ${SOCKETS}`],
    ['open time', `${(openMs / 1000).toFixed(2)} s (${BATCH} concurrent, ${Math.round(open.length / (openMs / 1000))} sockets/s)`],
    ['sockets dropped during run', String(books.droppedAfterOpen)],
    ['senders', `${senders.length} (every ${Math.round((senders.length / RATE) * 1000)} ms each)`],
    ['messages sent', `${sent} in ${(traffic.sendingMs / 1000).toFixed(1)} s (target ${RATE}/s)`],
    ['messages delivered (recipients)', String(delivered)],
    ['lost (not delivered within 5 s)', `${lost} (${sent ? ((lost / sent) * 100).toFixed(2) : '0.00'} %)`],
    ['delivered msgs/s', (delivered / (windowMs / 1000)).toFixed(1)],
    ['latency p50 / p99 / max', `${ms(percentile(sorted, 0.5))} / ${ms(percentile(sorted, 0.99))} / ${ms(sorted.at(-1) ?? NaN)} ms`],
    ['echoes to senders', String(books.echoes)],
    ['server RSS before / after open', `${mib(rssBefore)} / ${mib(rssOpen)}`],
    ['server memory per socket', `${ms(perSocketKiB)} KiB`],
    ['server RSS after traffic / peak', `${mib(traffic.rssTraffic)} / ${mib(traffic.peakKiB)}`],
    ['server CPU during traffic', `${ms(serverCpuPct)} % of one core`],
    [
      'server CPU per delivered message',
      `${ms(serverCpuSeconds !== undefined && delivered ? (serverCpuSeconds * 1000) / delivered : NaN)} ms`,
    ],
    [
      '/healthz during traffic p50 / max',
      `${ms(percentile(probeSorted, 0.5))} / ${ms(probeSorted.at(-1) ?? NaN)} ms (${probes.length} probes)`,
    ],
    ['bench client CPU during traffic', `${ms(benchCpuPct)} % of one core`],
  ];
  // Only what went wrong, when it did.
  if (books.errorFrames) rows.push(['error frames', `${books.errorFrames} (${[...books.errorSamples].join(' | ')})`]);
  if (books.duplicates) rows.push(['duplicate deliveries', String(books.duplicates)]);
  if (books.unknown) rows.push(['unexpected frames', String(books.unknown)]);
  if (traffic.notSent) rows.push(['sends skipped (socket closed)', String(traffic.notSent)]);
  if (traffic.toClosedPeer) rows.push(['sent to a peer whose socket is not open', String(traffic.toClosedPeer)]);
  if (failures.size) rows.push(['open failures', describeFailures(failures)]);
  if (stillOpenAtEnd !== open.length) rows.push(['sockets open at the end', String(stillOpenAtEnd)]);
  if (serverWarnings) rows.push(['server warnings/errors logged', String(serverWarnings)]);
  return rows;
}

function printReport(rows: Array<[string, string]>): void {
  const width = Math.max(...rows.map(([key]) => key.length));
  console.log('');
  console.log(`ws-fanout: ${SOCKETS} sockets, ${RATE} msg/s for ${SECONDS} s, node ${process.version}`);
  console.log(`${'-'.repeat(width)}  ${'-'.repeat(40)}`);
  for (const [key, value] of rows) console.log(`${key.padEnd(width)}  ${value}`);
  console.log('');
}

/** Exit status: 1 when more than MAX_LOSS of the messages were lost or not every socket opened. */
function verdict(sent: number, lost: number, opened: number): number {
  let exitCode = 0;
  if (!sent || lost / sent > MAX_LOSS) {
    console.error(`FAIL: ${lost} of ${sent} messages lost (> ${MAX_LOSS * 100} %)`);
    exitCode = 1;
  }
  if (opened < SOCKETS) {
    console.error(`FAIL: only ${opened} of ${SOCKETS} sockets opened`);
    exitCode = 1;
  }
  return exitCode;
}

// ---------------------------------------------------------------------------------------------
// The run

async function run(): Promise<number> {
  const startedServer = performance.now();
  const readiness = await waitForServer(server);
  log(`server ready in ${((performance.now() - startedServer) / 1000).toFixed(1)} s (by ${readiness}), ${server.base}`);
  adoptServerProcess(server);

  for (let i = 0; i < 5; i++) {
    const response = await fetch(`${server.base}/healthz`, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`/healthz answered ${response.status}`);
    await response.arrayBuffer();
  }
  await sleep(500);
  const rssBefore = rssKiB(server.pid);

  const books = newBooks();
  const opening = await openSockets(server.port, books);
  const rssOpen = rssKiB(server.pid);

  const senders = chooseSenders(opening.open);
  if (!senders.length) throw new Error('no socket is open: nothing to send on');
  log(
    `sending ${RATE} msg/s for ${SECONDS} s from ${senders.length} senders (one message every ${Math.round((senders.length / RATE) * 1000)} ms each)…`,
  );
  const traffic = await runTraffic(server, senders, opening.open, books);

  books.tearingDown = true;
  const stillOpenAtEnd = opening.clients.filter((c) => c.ws.readyState === WebSocket.OPEN).length;
  for (const c of opening.clients) c.ws.terminate();

  const serverWarnings = server.output.warnings;
  printReport(reportRows({ opening, senders, traffic, books, rssBefore, rssOpen, stillOpenAtEnd, serverWarnings }));
  return verdict(traffic.sent, traffic.lost, opening.open.length);
}

let exitCode: number;
try {
  exitCode = await run();
} catch (error) {
  console.error('benchmark failed:', error instanceof Error ? error.message : error);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
