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
const SOCKETS = positiveInt('sockets', opts.sockets, 2);
if (SOCKETS % 2) {
  console.error('--sockets must be even: sockets come in pairs of users chatting with each other');
  process.exit(2);
}
const SECONDS = positiveInt('seconds', opts.seconds);
const RATE = positiveInt('rate', opts.rate);
const INTERVAL_MS = positiveInt('interval', opts.interval);
const BATCH = positiveInt('batch', opts.batch);
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

// A hard bound on the whole run (server start, opening, traffic, drain, teardown).
const BUDGET_MS =
  SERVER_START_TIMEOUT_MS + 60_000 + STOP_TIMEOUT_MS + Math.ceil(SOCKETS / BATCH) * SOCKET_OPEN_TIMEOUT_MS + SECONDS * 1000 + DRAIN_MS;
const watchdog = setTimeout(() => {
  console.error(`benchmark exceeded its ${Math.round(BUDGET_MS / 1000)} s budget; stopping`);
  void cleanup().finally(() => process.exit(3));
}, BUDGET_MS);
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  });
}

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

let databaseUrl: string | undefined;
if (PG_URL)
  await orCleanUp(async () => {
    const name = `cn_ws_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5_000 });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    cleanups.push(async () => {
      const dropper = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5_000 });
      await dropper.connect();
      try {
        await dropper.query(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    });
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
  });

const jwtSecret = randomBytes(32).toString('hex');
const secretKey = new TextEncoder().encode(jwtSecret);

const userIds = await orCleanUp(async () => {
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
});

const iat = Math.floor(Date.now() / 1000);
const tokenOf = (userId: number) =>
  createToken(secretKey, { token_type: 'access', exp: iat + 6 * 3600, iat, jti: newTokenId(), user_id: userId });

// ---------------------------------------------------------------------------------------------
// The server, in a child process

const port = await freePort();
const base = `http://${HOST}:${port}`;
const serverLog: string[] = [];
let serverWarnings = 0;
function serverEnv(): NodeJS.ProcessEnv {
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
const child: ChildProcess = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['apps/server/src/main.ts'], {
  cwd: ROOT,
  env: serverEnv(),
  stdio: ['ignore', 'pipe', 'pipe'],
});
// With stdio pipes both streams exist; there is no pid only when the spawn failed.
const { pid: childPid, stdout: childStdout, stderr: childStderr } = child;
if (childPid === undefined || !childStdout || !childStderr) throw new Error('the server process could not be started');
let serverPid = childPid;
let childExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
// Read through a function: TypeScript would otherwise keep a narrowing across awaits.
const exitOf = () => childExit;
const exited = new Promise<void>((resolve) =>
  child.once('exit', (code, signal) => {
    childExit = { code, signal };
    resolve();
  }),
);

cleanups.push(async () => {
  if (childExit) return;
  const inner = serverPid;
  // SIGTERM goes to the process running main.ts itself: relayed through the tsx wrapper, it is
  // turned into SIGKILL when the server's event loop does not acknowledge it within ~60 ms.
  const stopStarted = performance.now();
  if (inner !== child.pid) process.kill(inner, 'SIGTERM');
  else child.kill('SIGTERM');
  const stopped = await Promise.race([exited.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]);
  const how = exitOf();
  if (stopped)
    log(
      `server stopped ${how?.code === 0 ? 'cleanly' : `with ${JSON.stringify(how)}`} ${((performance.now() - stopStarted) / 1000).toFixed(1)} s after SIGTERM`,
    );
  if (!stopped) {
    log(`server did not stop within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM; SIGKILL`);
    child.kill('SIGKILL');
    await Promise.race([exited, sleep(5_000)]);
  }
  // tsx relays the signal to the process running main.ts; make sure that one is gone as well.
  const stillOurs = () => rssKiB(inner) !== undefined && commandLineOf(inner).includes('main.ts') && parentOf(inner) === child.pid;
  if (inner !== child.pid && stillOurs()) {
    await sleep(2_000);
    if (stillOurs()) process.kill(inner, 'SIGKILL');
  }
});

let readyLineSeen = false;
const onServerOutput = (stream: NodeJS.ReadableStream) => {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      serverLog.push(line);
      if (serverLog.length > 200) serverLog.shift();
      if (line.includes(READY_LINE)) {
        readyLineSeen = true;
        continue;
      }
      let level = 50;
      try {
        level = (JSON.parse(line) as { level?: number }).level ?? 50;
      } catch {
        // Not pino: stderr of the process, worth showing.
      }
      if (level >= 40 && ++serverWarnings <= 20) console.error(`[server] ${line.slice(0, 400)}`);
    }
  });
};
onServerOutput(childStdout);
onServerOutput(childStderr);

/** Ready when the ready line is logged or, as that line is logged at info (below LOG_LEVEL=warn), when /healthz answers. */
async function waitForServer() {
  const deadline = Date.now() + SERVER_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (childExit) throw new Error(`server exited during start (${JSON.stringify(childExit)}):\n${serverLog.slice(-30).join('\n')}`);
    if (readyLineSeen) return 'log line';
    try {
      const response = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return '/healthz (the ready line is logged at info, below LOG_LEVEL=warn)';
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`server not ready within ${SERVER_START_TIMEOUT_MS / 1000} s:\n${serverLog.slice(-30).join('\n')}`);
}

// ---------------------------------------------------------------------------------------------
// The run

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

let exitCode = 0;
try {
  const startedServer = performance.now();
  const readiness = await waitForServer();
  log(`server ready in ${((performance.now() - startedServer) / 1000).toFixed(1)} s (by ${readiness}), ${base}`);

  // tsx runs main.ts in a child of its own: that process holds the sockets, measure it.
  const inner = descendantsOf(childPid).filter((pid) => commandLineOf(pid).includes('main.ts'));
  serverPid = inner.at(-1) ?? childPid;
  log(
    `server pid ${serverPid}${serverPid !== child.pid ? ` (under the tsx wrapper ${child.pid})` : ''}, ulimit -n of the server: ${/Max open files\s+(\d+)/.exec(readFileSync(`/proc/${serverPid}/limits`, 'utf8'))?.[1] ?? '?'}`,
  );

  for (let i = 0; i < 5; i++) {
    const response = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`/healthz answered ${response.status}`);
    await response.arrayBuffer();
  }
  await sleep(500);
  const rssBefore = rssKiB(serverPid);

  // Counters filled by the sockets' message handlers.
  const inFlight = new Map<string, number>(); // `${sender}:${text}` → send time
  const latencies: number[] = [];
  let delivered = 0;
  let duplicates = 0;
  let unknown = 0;
  let echoes = 0;
  let errorFrames = 0;
  const errorSamples = new Set<string>();
  let lastDeliveryAt = 0;
  let droppedAfterOpen = 0;
  let tearingDown = false;
  let booksClosed = false;

  const clients: Client[] = [];
  const openOne = (index: number, userId: number, peerId: number): Promise<Client> => {
    const ws = new WebSocket(`ws://${HOST}:${port}/ws/chat/${peerId}/?token=${tokenOf(userId)}`, {
      perMessageDeflate: false,
      handshakeTimeout: SOCKET_OPEN_TIMEOUT_MS,
    });
    const client: Client = { index, userId, peerId, ws, opened: false };
    clients.push(client);
    ws.on('message', (data: Buffer) => {
      if (booksClosed) return;
      let frame: { type?: string; user_id?: number; message?: string };
      try {
        frame = JSON.parse(data.toString('utf8')) as typeof frame;
      } catch {
        unknown++;
        return;
      }
      if (frame.type === 'chat_message') {
        if (frame.user_id === userId) {
          echoes++;
          return;
        }
        const key = `${frame.user_id}:${frame.message}`;
        const sentAt = inFlight.get(key);
        if (sentAt === undefined) {
          duplicates++;
          return;
        }
        inFlight.delete(key);
        const at = now();
        lastDeliveryAt = at;
        delivered++;
        latencies.push(at - Number(frame.message));
      } else if (frame.type === 'error') {
        errorFrames++;
        if (errorSamples.size < 5) errorSamples.add(String((frame as { message?: unknown }).message));
      } else unknown++;
    });
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
        if (client.opened && !tearingDown) droppedAfterOpen++;
        clearTimeout(timer);
        resolve(client);
      });
    });
  };

  // Open: users (2p, 2p+1) chat with each other, each over its own socket; `BATCH` at a time.
  log(`opening ${SOCKETS} sockets, ${BATCH} at a time…`);
  const openStarted = performance.now();
  for (let first = 0; first < SOCKETS; first += BATCH) {
    const batch: Array<Promise<Client>> = [];
    for (let i = first; i < Math.min(first + BATCH, SOCKETS); i++) {
      const self = userIds[i];
      const peer = userIds[i % 2 ? i - 1 : i + 1];
      if (self === undefined || peer === undefined) throw new Error(`no user for socket ${i} or its peer`);
      batch.push(openOne(i, self, peer));
    }
    await Promise.all(batch);
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
    `${open.length}/${SOCKETS} sockets open in ${(openMs / 1000).toFixed(2)} s${failures.size ? `; failures: ${[...failures].map(([why, n]) => `${n}× ${why}`).join(', ')}` : ''}`,
  );
  const rssOpen = rssKiB(serverPid);

  // Traffic: `RATE` messages/s in all, round-robin over `senders` sockets, so that each sender
  // sends every `senders / RATE` s (= INTERVAL_MS). Senders are one member of as many pairs as
  // possible, spread over all pairs; beyond one per pair, the other members send as well.
  const byPair = (side: 0 | 1) => open.filter((c) => c.index % 2 === side);
  const candidates = [...byPair(0), ...byPair(1)];
  const senderCount = Math.min(candidates.length, Math.max(1, Math.round((RATE * INTERVAL_MS) / 1000)));
  const evens = byPair(0);
  const senders =
    senderCount <= evens.length
      ? Array.from({ length: senderCount }, (_, j) => evens[Math.floor((j * evens.length) / senderCount)]).filter((c) => c !== undefined)
      : candidates.slice(0, senderCount);
  const partnerOpen = new Set(open.map((c) => c.userId));
  if (!senders.length) throw new Error('no socket is open: nothing to send on');
  log(
    `sending ${RATE} msg/s for ${SECONDS} s from ${senders.length} senders (one message every ${Math.round((senders.length / RATE) * 1000)} ms each)…`,
  );

  let sent = 0;
  let notSent = 0;
  let toClosedPeer = 0;
  // Responsiveness of the server meanwhile: /healthz, one probe at a time, every 250 ms.
  const probes: number[] = [];
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
      probes.push(now() - started);
      await sleep(250);
    }
  })();
  const serverCpuBefore = cpuSeconds(serverPid);
  const benchCpuBefore = process.cpuUsage();
  const trafficStarted = now();
  const trafficEnds = trafficStarted + SECONDS * 1000;
  const due = () => Math.min(RATE * SECONDS, Math.floor(((now() - trafficStarted) / 1000) * RATE));
  await new Promise<void>((resolve) => {
    let slot = 0;
    const tick = setInterval(() => {
      const target = due();
      while (slot < target) {
        const sender = senders[slot % senders.length];
        slot++;
        if (!sender) throw new Error('no sender'); // never: there is one at least (checked above)
        if (sender.ws.readyState !== WebSocket.OPEN) {
          notSent++;
          continue;
        }
        if (!partnerOpen.has(sender.peerId)) toClosedPeer++;
        const text = now().toFixed(3);
        inFlight.set(`${sender.userId}:${text}`, Number(text));
        sender.ws.send(JSON.stringify({ message: text }));
        sent++;
      }
      if (now() >= trafficEnds && slot >= RATE * SECONDS) {
        clearInterval(tick);
        resolve();
      }
    }, 2);
  });
  const sendingMs = now() - trafficStarted;

  // Drain: up to DRAIN_MS for what is still on its way.
  const drainStarted = now();
  while (inFlight.size > 0 && now() - drainStarted < DRAIN_MS) await sleep(50);
  const serverCpuAfter = cpuSeconds(serverPid);
  const drainEnded = now();
  const benchCpu = process.cpuUsage(benchCpuBefore);
  // The books close here: whatever arrives later is lost for this report.
  booksClosed = true;
  const lost = inFlight.size;
  const rssTraffic = rssKiB(serverPid);
  stopProbing.abort();
  await probeLoop;
  const probeSorted = Float64Array.from(probes).sort();
  const peakKiB = (() => {
    try {
      return Number(/^VmHWM:\s+(\d+)/m.exec(readFileSync(`/proc/${serverPid}/status`, 'utf8'))?.[1]);
    } catch {
      return undefined;
    }
  })();

  tearingDown = true;
  const stillOpenAtEnd = clients.filter((c) => c.ws.readyState === WebSocket.OPEN).length;
  for (const c of clients) c.ws.terminate();

  // Report
  const sorted = Float64Array.from(latencies).sort();
  const windowMs = (lastDeliveryAt || now()) - trafficStarted;
  const serverCpuSeconds = serverCpuBefore !== undefined && serverCpuAfter !== undefined ? serverCpuAfter - serverCpuBefore : undefined;
  const serverCpuPct = serverCpuSeconds !== undefined ? (serverCpuSeconds / ((drainEnded - trafficStarted) / 1000)) * 100 : NaN;
  const benchCpuPct = ((benchCpu.user + benchCpu.system) / 1000 / (drainEnded - trafficStarted)) * 100;
  const perSocketKiB = rssBefore !== undefined && rssOpen !== undefined ? (rssOpen - rssBefore) / Math.max(1, open.length) : NaN;

  const rows: Array<[string, string]> = [
    ['database', PG_URL ? 'postgresql (throw-away database)' : 'pglite (embedded, in the server process)'],
    ['sockets open / asked', `${open.length} / ${SOCKETS}`],
    ['open time', `${(openMs / 1000).toFixed(2)} s (${BATCH} concurrent, ${Math.round(open.length / (openMs / 1000))} sockets/s)`],
    ['sockets dropped during run', String(droppedAfterOpen)],
    ['senders', `${senders.length} (every ${Math.round((senders.length / RATE) * 1000)} ms each)`],
    ['messages sent', `${sent} in ${(sendingMs / 1000).toFixed(1)} s (target ${RATE}/s)`],
    ['messages delivered (recipients)', String(delivered)],
    ['lost (not delivered within 5 s)', `${lost} (${sent ? ((lost / sent) * 100).toFixed(2) : '0.00'} %)`],
    ['delivered msgs/s', (delivered / (windowMs / 1000)).toFixed(1)],
    ['latency p50 / p99 / max', `${ms(percentile(sorted, 0.5))} / ${ms(percentile(sorted, 0.99))} / ${ms(sorted.at(-1) ?? NaN)} ms`],
    ['echoes to senders', String(echoes)],
    ['server RSS before / after open', `${mib(rssBefore)} / ${mib(rssOpen)}`],
    ['server memory per socket', `${ms(perSocketKiB)} KiB`],
    ['server RSS after traffic / peak', `${mib(rssTraffic)} / ${mib(peakKiB)}`],
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
  if (errorFrames) rows.push(['error frames', `${errorFrames} (${[...errorSamples].join(' | ')})`]);
  if (duplicates) rows.push(['duplicate deliveries', String(duplicates)]);
  if (unknown) rows.push(['unexpected frames', String(unknown)]);
  if (notSent) rows.push(['sends skipped (socket closed)', String(notSent)]);
  if (toClosedPeer) rows.push(['sent to a peer whose socket is not open', String(toClosedPeer)]);
  if (failures.size) rows.push(['open failures', [...failures].map(([why, n]) => `${n}× ${why}`).join(', ')]);
  if (stillOpenAtEnd !== open.length) rows.push(['sockets open at the end', String(stillOpenAtEnd)]);
  if (serverWarnings) rows.push(['server warnings/errors logged', String(serverWarnings)]);

  const width = Math.max(...rows.map(([key]) => key.length));
  console.log('');
  console.log(`ws-fanout: ${SOCKETS} sockets, ${RATE} msg/s for ${SECONDS} s, node ${process.version}`);
  console.log(`${'-'.repeat(width)}  ${'-'.repeat(40)}`);
  for (const [key, value] of rows) console.log(`${key.padEnd(width)}  ${value}`);
  console.log('');

  if (!sent || lost / sent > MAX_LOSS) {
    console.error(`FAIL: ${lost} of ${sent} messages lost (> ${MAX_LOSS * 100} %)`);
    exitCode = 1;
  }
  if (open.length < SOCKETS) {
    console.error(`FAIL: only ${open.length} of ${SOCKETS} sockets opened`);
    exitCode = 1;
  }
} catch (error) {
  console.error('benchmark failed:', error instanceof Error ? error.message : error);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
