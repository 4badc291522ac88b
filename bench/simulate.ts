/**
 * `pnpm simulate [-- --members 1000000] [--plan] [--json] [--flat] [--dau 0.1] [--utilization 0.6]`
 *
 * The capacity plan's arithmetic (docs/scaling.md): replays one synthetic day of activity, minute
 * by minute, against the cost per request the bench measured (bench/costs.json), and prints what
 * the busiest minute and the whole day need: API processes, PostgreSQL cores (primary and
 * replicas), statements, bytes out, IOPS, storage growth, WebSockets, Redis messages.
 * `--plan` prints the table of docs/scaling.md (100k, 1M, 10M, 100M members); `--json` prints
 * the same results as JSON; `--flat` keeps every operation at its size-M cost (no growth with
 * the data). No database, no network: a model, so every number is reproducible.
 */
import { readFileSync } from 'node:fs';

interface OperationCost {
  request: string;
  serverCpuMs: number;
  postgresCpuMs: number;
  statements: number;
  responseBytes: number;
  /** Can be served by a streaming replica (reads that tolerate a little lag). */
  readsReplica: boolean;
  /** Rows written per request, by table (fractions: on average). */
  writesRows?: Record<string, number>;
  /** Events published on the bus per request (chat messages, notifications). */
  events?: number;
  /** PostgreSQL CPU at sizes M (10,000 members) and L (100,000), when it grew with the data. */
  postgresCpuMsBySize?: { M: number; L: number };
  source: string;
}

interface CostModel {
  operations: Record<string, OperationCost>;
  rowBytes: Record<string, number> & { about: string };
  memberBytes: { bytes: number };
  socketBytes: { bytes: number };
}

/** What a day looks like. Every number is an assumption, stated in docs/scaling.md. */
interface Assumptions {
  /** Share of members active on a given day. */
  dailyActiveRatio: number;
  /** Requests per active member per day, by operation (keys of costs.json). */
  perActiveMember: Record<string, number>;
  /** Share of the day's traffic in each hour (UTC, the members' time zones folded in); normalised. */
  hourlyShape: number[];
  /** The busiest minute against its hour's mean minute (bursts: a post going round, a notification wave). */
  minuteBurst: number;
  /** Minutes an active member has the app open in a day (a notification socket each). */
  onlineMinutes: number;
  /** Sockets per member online: the notification socket, and a chat socket part of the time. */
  socketsPerOnlineMember: number;
  /** Share of a core each API process and PostgreSQL may use at the busiest minute (headroom for failures and spikes). */
  targetUtilization: number;
  /** Share of read pages that miss PostgreSQL's cache and go to disk, and pages a read statement touches. */
  readCacheMissRatio: number;
  pagesPerRead: number;
  /** Disk writes per row written (heap, indexes and WAL, after checkpoints coalesce them). */
  writesPerRow: number;
  /** API processes per machine (one per core; a core is left to the kernel and nginx). */
  processesPerMachine: number;
}

const DEFAULT_ASSUMPTIONS: Assumptions = {
  dailyActiveRatio: 0.1,
  perActiveMember: {
    feed: 20,
    following: 3,
    profile: 8,
    comments: 4,
    connectionRecommendations: 1,
    jobRecommendations: 2,
    mentorRecommendations: 0.5,
    mentorSearch: 0.3,
    peopleSearch: 1.5,
    notifications: 6,
    chats: 3,
    conversation: 6,
    createPost: 0.2,
    like: 5,
    comment: 0.6,
    follow: 0.3,
    connect: 0.4,
    chatMessage: 8,
    tokenRefresh: 4,
    signin: 0.2,
  },

  // Members mostly in UTC+0…+3 (West, East and South Africa): a morning peak, a lunch dip, an
  // evening peak, a quiet night.
  hourlyShape: [1, 0.6, 0.4, 0.4, 0.6, 1.5, 3, 4.5, 6, 6.5, 6, 5.5, 5, 5.5, 5.5, 5, 5, 5.5, 6, 6.5, 6, 4.5, 3, 1.5],
  minuteBurst: 1.3,
  onlineMinutes: 30,
  socketsPerOnlineMember: 1.3,
  targetUtilization: 0.6,
  readCacheMissRatio: 0.01,
  pagesPerRead: 40,
  writesPerRow: 3,
  processesPerMachine: 7,
};

interface Load {
  members: number;
  activeMembers: number;
  requestsPerDay: number;
  averageRps: number;
  peakRps: number;
  peakToAverage: number;
  /** At the busiest minute: */
  apiCores: number;
  apiProcesses: number;
  apiMachines: number;
  postgresPrimaryCores: number;
  postgresReplicaCores: number;
  statementsPerSecond: number;
  egressMBps: number;
  iops: number;
  sockets: number;
  socketMemoryGB: number;
  redisMessagesPerSecond: number;
  /** Over the day: */
  storageGrowthGBPerDay: number;
  /** Members' own rows plus a year of activity at this rate. */
  databaseGBAfterAYear: number;
  /** Per operation at the busiest minute: req/s, and PostgreSQL CPU per request at this size. */
  operations: Record<string, { peakRps: number; postgresCpuMs: number }>;
}

/**
 * PostgreSQL CPU of a request at `members`: flat, or for an operation that grew from M to L in
 * the bench, that growth continued (a power law through the two measurements: doubling the members
 * multiplies the cost by the same factor at every size). Below M, the M figure.
 */
function postgresCpuAt(cost: OperationCost, members: number): number {
  const sizes = cost.postgresCpuMsBySize;
  if (!sizes || members <= 10_000) return cost.postgresCpuMs;
  const exponent = Math.log10(sizes.L / sizes.M); // per tenfold members
  return sizes.M * (members / 10_000) ** exponent;
}

/** Replays the day minute by minute and keeps the busiest minute (per measure) and the day's totals. */
function simulate(members: number, costs: CostModel, assumptions: Assumptions, flat: boolean): Load {
  const a = assumptions;
  const active = members * a.dailyActiveRatio;
  const shapeTotal = a.hourlyShape.reduce((sum, weight) => sum + weight, 0);
  const operations = Object.entries(a.perActiveMember).map(([name, perDay]) => {
    const cost = costs.operations[name];
    if (!cost) throw new Error(`no cost for operation ${name} in costs.json`);
    return { name, perDay: perDay * active, cost, postgresCpuMs: flat ? cost.postgresCpuMs : postgresCpuAt(cost, members) };
  });
  const requestsPerDay = operations.reduce((sum, op) => sum + op.perDay, 0);
  const bytesOfRow = (table: string) => {
    const bytes = costs.rowBytes[table];
    if (typeof bytes !== 'number') throw new Error(`no row size for ${table} in costs.json`);
    return bytes;
  };

  const peak = {
    rps: 0,
    apiCores: 0,
    primaryCores: 0,
    replicaCores: 0,
    statements: 0,
    egress: 0,
    iops: 0,
    sockets: 0,
    redis: 0,
    byOperation: {} as Record<string, { peakRps: number; postgresCpuMs: number }>,
  };
  let storageBytes = 0;
  // Minute by minute; an hour's weight is spread linearly towards the next hour's, so the day is smooth.
  for (let minute = 0; minute < 24 * 60; minute++) {
    const hour = Math.floor(minute / 60);
    const within = (minute % 60) / 60;
    const weight = (a.hourlyShape[hour] ?? 0) * (1 - within) + (a.hourlyShape[(hour + 1) % 24] ?? 0) * within;
    const share = weight / shapeTotal / 60; // of the day's requests in this minute
    const burst = a.minuteBurst;
    let rps = 0;
    let apiMs = 0;
    let primaryMs = 0;
    let replicaMs = 0;
    let statements = 0;
    let egress = 0;
    let rowsWritten = 0;
    let readStatements = 0;
    let events = 0;
    for (const op of operations) {
      const opRps = (op.perDay * share * burst) / 60;
      rps += opRps;
      apiMs += opRps * op.cost.serverCpuMs;
      if (op.cost.readsReplica) replicaMs += opRps * op.postgresCpuMs;
      else primaryMs += opRps * op.postgresCpuMs;
      statements += opRps * op.cost.statements;
      egress += opRps * op.cost.responseBytes;
      const rows = Object.values(op.cost.writesRows ?? {}).reduce((sum, n) => sum + n, 0);
      rowsWritten += opRps * rows;
      if (!rows) readStatements += opRps * op.cost.statements;
      events += opRps * (op.cost.events ?? 0);
      if (opRps > (peak.byOperation[op.name]?.peakRps ?? 0))
        peak.byOperation[op.name] = { peakRps: opRps, postgresCpuMs: op.postgresCpuMs };
      // The day's rows, without the burst (it moves load within the day, not the total).
      for (const [table, n] of Object.entries(op.cost.writesRows ?? {})) storageBytes += op.perDay * share * n * bytesOfRow(table);
    }
    // Members online now, in proportion to the traffic: the day's online member-minutes spread by the same curve.
    const sockets = active * a.onlineMinutes * share * burst * a.socketsPerOnlineMember;
    const processes = Math.max(1, Math.ceil(apiMs / 1000 / a.targetUtilization));
    peak.rps = Math.max(peak.rps, rps);
    peak.apiCores = Math.max(peak.apiCores, apiMs / 1000);
    peak.primaryCores = Math.max(peak.primaryCores, primaryMs / 1000);
    peak.replicaCores = Math.max(peak.replicaCores, replicaMs / 1000);
    peak.statements = Math.max(peak.statements, statements);
    peak.egress = Math.max(peak.egress, egress);
    peak.iops = Math.max(peak.iops, rowsWritten * a.writesPerRow + readStatements * a.pagesPerRead * a.readCacheMissRatio);
    peak.sockets = Math.max(peak.sockets, sockets);
    // Every process subscribes to the bus: Redis takes each publish once and sends it to every process.
    peak.redis = Math.max(peak.redis, events * (1 + processes));
  }

  const apiProcesses = Math.max(2, Math.ceil(peak.apiCores / a.targetUtilization));
  return {
    members,
    activeMembers: active,
    requestsPerDay,
    averageRps: requestsPerDay / 86_400,
    peakRps: peak.rps,
    peakToAverage: peak.rps / (requestsPerDay / 86_400),
    apiCores: peak.apiCores,
    apiProcesses,
    apiMachines: Math.max(2, Math.ceil(apiProcesses / a.processesPerMachine)),
    postgresPrimaryCores: peak.primaryCores / a.targetUtilization,
    postgresReplicaCores: peak.replicaCores / a.targetUtilization,
    statementsPerSecond: peak.statements,
    egressMBps: peak.egress / 1e6,
    iops: peak.iops,
    sockets: peak.sockets,
    socketMemoryGB: (peak.sockets * costs.socketBytes.bytes) / 2 ** 30,
    redisMessagesPerSecond: peak.redis,
    storageGrowthGBPerDay: storageBytes / 1e9,
    databaseGBAfterAYear: (members * costs.memberBytes.bytes + 365 * storageBytes) / 1e9,
    operations: peak.byOperation,
  };
}

// ---------------------------------------------------------------------------------------------
// Printing

const TIERS = [100_000, 1_000_000, 10_000_000, 100_000_000];

const round = (value: number) =>
  Number.isInteger(value) || value >= 100
    ? Math.round(value).toLocaleString('en-US')
    : value >= 10
      ? value.toFixed(1)
      : value >= 1
        ? value.toFixed(2)
        : value.toPrecision(2);
const humanMembers = (members: number) => (members >= 1e6 ? `${members / 1e6}M` : `${members / 1e3}k`);

function planTable(loads: Load[]): string {
  // prettier-ignore
  const rows: Array<[string, (load: Load) => number]> = [
    ['active members a day', (l) => l.activeMembers],
    ['requests a day', (l) => l.requestsPerDay],
    ['average req/s', (l) => l.averageRps],
    ['peak req/s (busiest minute)', (l) => l.peakRps],
    ['API CPU at peak (cores)', (l) => l.apiCores],
    ['API processes (one core each, at the target utilisation)', (l) => l.apiProcesses],
    ['API machines', (l) => l.apiMachines],
    ['PostgreSQL primary cores (writes, own reads)', (l) => l.postgresPrimaryCores],
    ['PostgreSQL replica cores (feeds, search, recommendations)', (l) => l.postgresReplicaCores],
    ['statements/s at peak', (l) => l.statementsPerSecond],
    ['disk IOPS at peak', (l) => l.iops],
    ['response MB/s at peak', (l) => l.egressMBps],
    ['storage growth (GB a day)', (l) => l.storageGrowthGBPerDay],
    ['database after a year (GB)', (l) => l.databaseGBAfterAYear],
    ['open WebSockets at peak', (l) => l.sockets],
    ['socket memory over all processes (GB)', (l) => l.socketMemoryGB],
    ['Redis messages/s at peak', (l) => l.redisMessagesPerSecond],
  ];
  const header = `| members | ${loads.map((l) => humanMembers(l.members)).join(' | ')} |`;
  const rule = `|---|${loads.map(() => '---:').join('|')}|`;
  return [header, rule, ...rows.map(([label, value]) => `| ${label} | ${loads.map((l) => round(value(l))).join(' | ')} |`)].join('\n');
}

function operationTable(load: Load, costs: CostModel): string {
  const lines = Object.entries(load.operations)
    .sort(([, x], [, y]) => y.peakRps - x.peakRps)
    .map(([name, { peakRps, postgresCpuMs }]) => {
      const cost = costs.operations[name];
      const api = cost ? (peakRps * cost.serverCpuMs) / 1000 : 0;
      const grows = cost?.postgresCpuMsBySize ? ' (grows with data)' : '';
      return `| ${name} | ${cost?.request ?? ''} | ${round(peakRps)} | ${round(api)} | ${round(postgresCpuMs)}${grows} | ${round((peakRps * postgresCpuMs) / 1000)} |`;
    });
  return [
    '| operation | request | peak req/s | API cores | PostgreSQL ms a request | PostgreSQL cores |',
    '|---|---|---:|---:|---:|---:|',
    ...lines,
  ].join('\n');
}

function readArgs(argv: string[]) {
  const args = argv.filter((arg) => arg !== '--');
  const value = (flag: string) => {
    const index = args.indexOf(flag);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const number = (flag: string, fallback: number) => {
    const raw = value(flag);
    const parsed = raw === undefined ? fallback : Number(raw.replaceAll('_', ''));
    if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${flag} must be a positive number`);
    return parsed;
  };
  return {
    members: number('--members', 1_000_000),
    plan: args.includes('--plan'),
    flat: args.includes('--flat'),
    json: args.includes('--json'),
    assumptions: {
      ...DEFAULT_ASSUMPTIONS,
      dailyActiveRatio: number('--dau', DEFAULT_ASSUMPTIONS.dailyActiveRatio),
      targetUtilization: number('--utilization', DEFAULT_ASSUMPTIONS.targetUtilization),
    },
  };
}

const options = readArgs(process.argv.slice(2));
const costs = JSON.parse(readFileSync(new URL('./costs.json', import.meta.url), 'utf8')) as CostModel;
const loads = (options.plan ? TIERS : [options.members]).map((members) => simulate(members, costs, options.assumptions, options.flat));
if (options.json) console.log(JSON.stringify({ assumptions: options.assumptions, loads }, null, 2));
else {
  console.log(planTable(loads));
  const [only] = loads;
  if (!options.plan && only) console.log(`\nAt the busiest minute, by operation:\n\n${operationTable(only, costs)}`);
}
