import { lsnValue, primaryWalPosition, type Database, type Kysely, type ReadReplica } from '@careernexus/db';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Context } from '../context.js';
import { ExpiringMap } from './memo.js';

/**
 * Where reads go when `DATABASE_READ_URL` names a streaming replica. Reads that tolerate a
 * little lag (feeds, other people's profiles, search, recommendations) opt in through
 * `toleratingLag`; everything else stays on the primary.
 *
 * Read-your-writes by WAL position: after each of a person's writes (every authed mutation,
 * trpc.ts) the primary's WAL insert position is noted for them; their lag-tolerant reads go to
 * the primary until the replica has replayed up to it, then to the replica again. A fixed window
 * would have to be as long as the worst lag ever seen, and would still be wrong past it; the
 * position is exact, and usually the replica has it within milliseconds, so a person is back on
 * the replica by their next page. The note lasts `WRITE_MARK_SECONDS`: a replica lagging longer
 * than that is broken, and operations should see it in its lag, not here.
 */
export interface ReadRouting {
  /** The database for a read by `readerId` (undefined: someone signed out) that tolerates a little lag. */
  forReader(readerId: number | undefined): Promise<Kysely<Database>>;
  /** After `userId` wrote: their reads stay on the primary until the replica has replayed it. */
  wrote(userId: number): Promise<void>;
  close(): Promise<void>;
}

const WRITE_MARK_SECONDS = 60;
/** A write whose position could not be read: the primary for the whole mark. */
const UNKNOWN_POSITION = 'FFFFFFFF/FFFFFFFF';

/** Everything on the primary: no replica is configured. */
export function primaryOnly(primary: Kysely<Database>): ReadRouting {
  return {
    forReader: () => Promise.resolve(primary),
    wrote: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

/**
 * Reads on `replica` with read-your-writes. The per-person notes live in this process and, with
 * `redisUrl`, in Redis as well, so a write served by one process sends the writer's next read,
 * served by another, to the primary too.
 */
export function replicaReads(
  primary: Kysely<Database>,
  replica: ReadReplica,
  options: { redisUrl: string | undefined; redisPrefix: string; log: Logger },
): ReadRouting {
  const marks = createWriteMarks(options);
  return {
    async forReader(readerId) {
      if (readerId === undefined) return replica.db;
      const lsn = await marks.latest(readerId);
      return lsn === undefined || (await replica.hasReplayed(lsn)) ? replica.db : primary;
    },
    async wrote(userId) {
      const lsn = await primaryWalPosition(primary).catch(() => UNKNOWN_POSITION);
      await marks.note(userId, lsn);
    },
    async close() {
      marks.close();
      await replica.close();
    },
  };
}

/** The WAL position of each person's latest write, for `WRITE_MARK_SECONDS`. */
function createWriteMarks({ redisUrl, redisPrefix, log }: { redisUrl: string | undefined; redisPrefix: string; log: Logger }) {
  const local = new ExpiringMap<number, string>(WRITE_MARK_SECONDS * 1000, 100_000);
  const redis = redisUrl
    ? new Redis(redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        // Every lag-tolerant read waits on it: a Redis that does not answer sends reads to the primary instead.
        commandTimeout: 500,
        retryStrategy: (times: number) => Math.min(times * 200, 2_000),
      })
    : undefined;
  redis?.on('error', (error: Error) => log.warn({ reason: error.message }, 'redis (read-your-writes marks) error'));
  const key = (userId: number) => `${redisPrefix}:wrote:${userId}`;
  return {
    async latest(userId: number): Promise<string | undefined> {
      const here = local.get(userId);
      if (!redis) return here;
      try {
        const shared = await redis.get(key(userId));
        if (here === undefined || shared === null) return here ?? shared ?? undefined;
        return lsnValue(shared) > lsnValue(here) ? shared : here;
      } catch {
        // Whether they wrote through another process is unknown: the primary is right either way.
        return UNKNOWN_POSITION;
      }
    },
    async note(userId: number, lsn: string) {
      local.set(userId, lsn);
      await redis?.set(key(userId), lsn, 'EX', WRITE_MARK_SECONDS).catch((error: Error) => {
        log.warn({ reason: error.message }, 'redis unavailable: a write mark is kept in this process only');
      });
    },
    close() {
      redis?.disconnect();
    },
  };
}

/**
 * The context for a read that tolerates a little lag: its `services.db` is the replica (or the
 * primary, for a reader whose latest write the replica has not replayed yet). Only for reads:
 * the replica refuses writes, and the read pool refuses transactions.
 */
export async function toleratingLag<C extends Context & { viewer?: { id: number } }>(ctx: C): Promise<C> {
  const db = await ctx.services.reads.forReader(ctx.viewer?.id);
  return db === ctx.services.db ? ctx : { ...ctx, services: { ...ctx.services, db } };
}
