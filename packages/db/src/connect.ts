import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { Kysely, PGliteDialect, PostgresDialect, sql, type LogEvent } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

export interface DatabaseOptions {
  /** postgres://… — when absent, an embedded PGlite database is used. */
  url?: string | undefined;
  /** Where PGlite keeps its files; in memory when absent. */
  dataDir?: string | undefined;
  /** A PGlite data-dir dump to start from (tests clone one migrated template). */
  loadDataDir?: Blob | File | undefined;
  /** Pool size for PostgreSQL. */
  poolSize?: number | undefined;
  /**
   * PostgreSQL only: statements running longer are cancelled (SQLSTATE 57014, which
   * `isDatabaseUnreachable` counts as unavailable). Absent or 0: never. Migrations lift it.
   */
  statementTimeoutMs?: number | undefined;
  /** Called with every statement run (tests read the plans of what the server really runs). */
  onQuery?: ((sql: string, parameters: readonly unknown[]) => void) | undefined;
}

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: 'postgres' | 'pglite';
  /** Round-trips to the database; throws when it cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** PGlite only: the data directory as a tarball, to clone a migrated template quickly. */
  dumpDataDir?: () => Promise<Blob>;
  /** PostgreSQL only (PGlite is one connection, no pool): the pool's connections now, and requests waiting for one. */
  poolStats?: () => { total: number; idle: number; waiting: number };
}

// Ids are bigint columns; they stay far below 2^53, so plain numbers are exact and JSON-friendly.
const parseInt8 = (value: string) => Number(value);

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  const { db, kind, dumpDataDir, poolStats } = options.url
    ? openPostgres(options.url, options.poolSize, options.statementTimeoutMs, options.onQuery)
    : { ...(await openPGlite(options)), poolStats: undefined };
  return {
    db,
    kind,
    ...(dumpDataDir ? { dumpDataDir } : {}),
    ...(poolStats ? { poolStats } : {}),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

export const queryLog = (onQuery: DatabaseOptions['onQuery']) =>
  onQuery ? { log: (event: LogEvent) => onQuery(event.query.sql, event.query.parameters) } : {};

function openPostgres(url: string, poolSize = 10, statementTimeoutMs = 0, onQuery?: DatabaseOptions['onQuery']) {
  const pool = postgresPool(url, poolSize, statementTimeoutMs);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...queryLog(onQuery) });
  const poolStats = () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount });
  return { db, kind: 'postgres' as const, dumpDataDir: undefined, poolStats };
}

/** A pool of connections set up as the application needs them (also for a read replica). */
export function postgresPool(url: string, poolSize = 10, statementTimeoutMs = 0, connectionTimeoutMs = 5_000) {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: connectionTimeoutMs,
    // Prepared statements (below) keep one plan per connection, made without parameter values.
    // Left to choose, PostgreSQL planned the feed afresh for every page at 1M posts (its generic
    // estimate looked dearer than the readers' first pages), which doubled its database cost.
    // The statements are written for index reads whatever the values; the query-plan test
    // checks these generic plans. Timestamps are written in UTC, whatever the server's default:
    // the API reads them from JSON text (see `timestampFromJson`), as PGlite writes them too.
    options: `-c plan_cache_mode=force_generic_plan -c statement_timeout=${statementTimeoutMs} -c TimeZone=UTC`,
    // Probes connections idle for 10 s, so one whose peer vanished without a word is found and
    // dropped instead of being handed to a request.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    stream: coalescingSocket,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID
          ? parseInt8
          : (pg.types.getTypeParser(oid, format) as (value: string) => unknown)) as typeof pg.types.getTypeParser,
    },
  });
  // A connection can die (a database restart) while no query waits on it: idle in the pool (the
  // pool's 'error') or checked out between two statements (the client's own 'error'). Neither may
  // crash the process; the pool discards such a client, and its next statement fails instead.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  pool.on('connect', preparingStatements);
  return pool;
}

/**
 * `pg` writes each message of a query (parse, bind, describe, execute, sync) with a write of its
 * own, and each write is a system call. Corking the socket until the end of the tick sends
 * everything written in that tick at once: one system call per query instead of five.
 */
function coalescingSocket(): net.Socket {
  const socket = new net.Socket();
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  socket.write = (...args: unknown[]) => {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(() => {
        corked = false;
        socket.uncork();
      });
    }
    return write(...args);
  };
  return socket;
}

/**
 * The application sends a bounded set of statement texts again and again. Naming them makes `pg`
 * prepare each once per connection: PostgreSQL then skips parsing and planning (half the cost of
 * a feed page). Past `MAX_PREPARED` texts (an unexpected variety; each costs server memory per
 * connection), statements run unnamed.
 */
const MAX_PREPARED = 500;
const statementNames = new Map<string, string>();

function preparingStatements(client: pg.PoolClient) {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((text: unknown, values?: unknown, ...rest: unknown[]) => {
    if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0 || rest.length) return query(text, values, ...rest);
    let name = statementNames.get(text);
    if (!name && statementNames.size < MAX_PREPARED) statementNames.set(text, (name = `cn${statementNames.size}`));
    return query(name ? { name, text, values } : text, name ? undefined : values);
  }) as typeof client.query;
}

async function openPGlite(options: DatabaseOptions) {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    parsers: { [INT8_OID]: parseInt8, [NUMERIC_OID]: Number },
    // Mentor search's indexes (migration 0009) need them, as on PostgreSQL.
    extensions: { pg_trgm, unaccent },
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), ...queryLog(options.onQuery) });
  return { db, kind: 'pglite' as const, dumpDataDir: () => pglite.dumpDataDir('none') };
}

/** True for a foreign-key violation (the referenced row is gone), from `pg` and from PGlite alike. */
export function isForeignKeyViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23503';
}

/** True for a unique-constraint violation, from `pg` and from PGlite alike. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

const UNREACHABLE_SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/**
 * SQLSTATEs of a server that went away or takes no work now: connection exceptions (08…),
 * shutdown or start-up (57P01–57P03), too many connections, and a statement cancelled for
 * running past `statement_timeout` (57014), which says the database is too busy or blocked.
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300|57014)$/;
/** What `pg` and `pg-pool` say, without a code, when a connection is lost or cannot be made in time. */
const LOST_CONNECTION =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed)/;

/**
 * True when a statement failed because the database could not be reached or could not finish it
 * in time (down, restarting, too slow to accept a connection or to answer), not because of the
 * statement: worth retrying later.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  if (error instanceof AggregateError) return error.errors.some(isDatabaseUnreachable);
  const e = error as { code?: unknown; message?: unknown } | null;
  if (typeof e?.code === 'string' && (UNREACHABLE_SYSTEM_CODES.has(e.code) || UNAVAILABLE_SQLSTATE.test(e.code))) return true;
  return typeof e?.message === 'string' && LOST_CONNECTION.test(e.message);
}
