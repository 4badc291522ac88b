import {
  Kysely,
  PostgresDialect,
  sql,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { Database } from './schema.js';
import { isDatabaseUnreachable, postgresPool, queryLog, type DatabaseOptions } from './connect.js';

/** What happens to the replica; the process logs it (and may count it). */
export interface ReplicaEvents {
  /** The replica could not be reached: reads go to the primary until `retryInMs` has passed. */
  down(reason: string, retryInMs: number): void;
  /** The replica answered again after being down. */
  back(): void;
}

export interface ReadReplica {
  /**
   * Reads that tolerate a little lag. Each statement runs on the replica, or on the primary while
   * the replica is down (and again there when the replica fails mid-statement): no caller sees
   * the replica's outage. No transactions: a transaction belongs on the primary.
   */
  db: Kysely<Database>;
  /** True when the replica has replayed the primary's WAL up to `lsn`; false when behind or down. */
  hasReplayed(lsn: string): Promise<boolean>;
  /** How many statements went to the primary instead, since the start. */
  readonly fallbacks: number;
  close(): Promise<void>;
}

/** After a failure the replica is left alone this long, doubling with each failed retry up to the cap. */
const FIRST_RETRY_MS = 1_000;
const LAST_RETRY_MS = 30_000;
/** The replica's replay position is asked at most this often (only while someone waits on it). */
const REPLAY_POLL_MS = 25;

/**
 * The primary's WAL position now, as text (`0/3000148`): everything committed so far lies at or
 * before it. The insert position, not the flush one: it is never behind a commit that returned.
 */
export async function primaryWalPosition(primary: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ lsn: string }>`select pg_current_wal_insert_lsn()::text as lsn`.execute(primary);
  return rows[0]?.lsn ?? '0/0';
}

/** `0/3000148` → a number to compare (an LSN is a 64-bit offset written as two hex halves). */
export function lsnValue(lsn: string): bigint {
  const [high = '0', low = '0'] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

/**
 * A breaker for the replica: closed, it lets statements through; a failure opens it for a back-off
 * (1 s, doubling to 30 s) during which everything goes to the primary; then the next statement
 * tries the replica again.
 */
class Breaker {
  #failures = 0;
  #retryAt = 0;

  constructor(private readonly events: ReplicaEvents) {}

  get open() {
    return this.#failures > 0 && Date.now() < this.#retryAt;
  }

  failed(error: unknown) {
    // Statements already in flight when the replica went down fail too: one outage, one back-off.
    if (this.open) return;
    const retryInMs = Math.min(FIRST_RETRY_MS * 2 ** this.#failures, LAST_RETRY_MS);
    this.#failures += 1;
    this.#retryAt = Date.now() + retryInMs;
    this.events.down((error as Error | undefined)?.message ?? String(error), retryInMs);
  }

  succeeded() {
    if (this.#failures === 0) return;
    this.#failures = 0;
    this.events.back();
  }
}

/**
 * True when a statement that failed on the replica should run on the primary instead: the
 * replica is unreachable, or cancelled it for a conflict with replay (40001). Not a statement
 * timeout (57014): the primary would take as long.
 */
function worthThePrimary(error: unknown) {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40001' || (code !== '57014' && isDatabaseUnreachable(error));
}

/** A statement run on the primary through its own pool, when the replica cannot run it. */
function primaryConnection(primary: Kysely<Database>, counted: () => void): DatabaseConnection {
  return {
    executeQuery<R>(query: CompiledQuery) {
      counted();
      return primary.executeQuery<R>(query);
    },
    streamQuery() {
      throw new Error('streaming reads are not supported on the read pool');
    },
  };
}

/** The replica's connection, falling back to the primary for a statement the replica cannot run. */
class ReplicaConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly fallback: DatabaseConnection,
    private readonly breaker: Breaker,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return await this.inner.executeQuery<R>(query);
    } catch (error) {
      if (!worthThePrimary(error)) throw error;
      if (isDatabaseUnreachable(error)) this.breaker.failed(error);
      return this.fallback.executeQuery<R>(query);
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

class ReplicaDriver implements Driver {
  constructor(
    private readonly replica: Driver,
    private readonly fallback: DatabaseConnection,
    private readonly breaker: Breaker,
  ) {}

  init() {
    return this.replica.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.breaker.open) return this.fallback;
    try {
      const connection = await this.replica.acquireConnection();
      this.breaker.succeeded();
      return new ReplicaConnection(connection, this.fallback, this.breaker);
    } catch (error) {
      if (!isDatabaseUnreachable(error)) throw error;
      this.breaker.failed(error);
      return this.fallback;
    }
  }

  async releaseConnection(connection: DatabaseConnection) {
    if (connection instanceof ReplicaConnection) await this.replica.releaseConnection(connection.inner);
  }

  beginTransaction(_connection: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    return Promise.reject(new Error('the read pool runs no transactions: a transaction belongs on the primary'));
  }

  commitTransaction(): Promise<void> {
    return Promise.reject(new Error('the read pool runs no transactions'));
  }

  rollbackTransaction(): Promise<void> {
    return Promise.reject(new Error('the read pool runs no transactions'));
  }

  destroy() {
    return this.replica.destroy();
  }
}

class ReplicaDialect extends PostgresDialect {
  constructor(
    config: ConstructorParameters<typeof PostgresDialect>[0],
    private readonly fallback: DatabaseConnection,
    private readonly breaker: Breaker,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return new ReplicaDriver(super.createDriver(), this.fallback, this.breaker);
  }
}

/**
 * A pool on a streaming replica of `primary` (PostgreSQL only), opened lazily: a replica that is
 * down at start only sends reads to the primary until it comes up.
 */
export function openReadReplica(
  url: string,
  primary: Kysely<Database>,
  events: ReplicaEvents,
  options: Pick<DatabaseOptions, 'poolSize' | 'statementTimeoutMs' | 'onQuery'> = {},
): ReadReplica {
  const breaker = new Breaker(events);
  let fallbacks = 0;
  const fallback = primaryConnection(primary, () => (fallbacks += 1));
  // A replica that does not answer a connection within 2 s counts as down; the primary does not wait for it.
  const pool = postgresPool(url, options.poolSize, options.statementTimeoutMs, 2_000);
  const db = new Kysely<Database>({
    dialect: new ReplicaDialect({ pool }, fallback, breaker),
    ...queryLog(options.onQuery),
  });

  let replayed = { lsn: 0n, at: 0 };
  let asking: Promise<void> | undefined;
  const askReplayPosition = async () => {
    // On the replica's own pool: through `db`, a replica that is down would answer with the primary.
    try {
      const { rows } = await pool.query<{ lsn: string | null }>('select pg_last_wal_replay_lsn()::text as lsn');
      // Null from a server that is not in recovery (promoted, or the primary itself): it holds everything.
      const lsn = rows[0]?.lsn;
      replayed = { lsn: lsn ? lsnValue(lsn) : 2n ** 64n, at: Date.now() };
      breaker.succeeded();
    } catch (error) {
      replayed = { lsn: 0n, at: Date.now() };
      if (isDatabaseUnreachable(error)) breaker.failed(error);
    }
  };

  return {
    db,
    async hasReplayed(lsn) {
      const wanted = lsnValue(lsn);
      if (replayed.lsn >= wanted) return true;
      if (breaker.open) return false;
      if (Date.now() - replayed.at >= REPLAY_POLL_MS) await (asking ??= askReplayPosition().finally(() => (asking = undefined)));
      return replayed.lsn >= wanted;
    },
    get fallbacks() {
      return fallbacks;
    },
    close: () => db.destroy(),
  };
}
