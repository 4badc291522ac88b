import { sql } from '@careernexus/db';
import type { Services } from '../context.js';
import { newsletterMail } from './emails.js';
import { unsubscribeToken } from './subscriptions.js';

/** Rows a courier claims at a time, and sends at once. */
const BATCH_SIZE = 100;
const PARALLEL_SENDS = 5;
/** A claim is a lease: a process that dies mid-batch leaves its unsent rows to another after this. */
const LEASE_MS = 10 * 60_000;
/** Sends of one row; the partial index newsletter_deliveries_due (migration 0021) names the same number. */
const MAX_ATTEMPTS = 5;
/** Waits before the retries of a row whose send failed. */
const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000];
/** How often an idle courier looks for work queued by another process or left by a dead one. */
const IDLE_POLL_MS = 15_000;
/**
 * How long settled rows (sent, skipped, or given up) stay in the queue: long enough to answer
 * "did my newsletter reach this address?" for the last issues, after which a row is only weight
 * (one per recipient and newsletter, forever). Unsettled rows stay whatever their age.
 */
const SETTLED_RETENTION_MS = 30 * 24 * 3_600_000;
/** Settled rows a courier deletes per round: one short statement between two batches of sends. */
const PRUNE_BATCH_SIZE = 1_000;

interface ClaimedRow {
  id: number;
  newsletter_id: number;
  subscriber_id: number;
  /** The address now: a member's current e-mail. */
  address: string;
  attempts: number;
  /** Whether the recipient still wants it: a confirmed address, or an active member accepting marketing e-mail. */
  allowed: boolean;
}

/**
 * Claims a batch of due rows (skipping rows other processes hold) and sends them. Each row is
 * marked finished right after its own send, so a crash repeats at most the sends in flight, and
 * loses none: their lease runs out and another courier takes them. Returns how many it claimed.
 */
async function deliverDueBatch(services: Services, stopping: () => boolean = () => false): Promise<number> {
  const { db } = services;
  const now = services.now();
  // `attempts < 5` is written out so the planner matches the partial index whatever the plan cache does.
  const { rows: claimed } = await sql<ClaimedRow>`
    with due as (
      select id from newsletter_deliveries
      where finished_at is null and attempts < ${sql.lit(MAX_ATTEMPTS)} and not_before <= ${now}
      order by not_before, id
      limit ${BATCH_SIZE}
      for update skip locked
    ),
    claimed as (
      update newsletter_deliveries d set attempts = d.attempts + 1, not_before = ${new Date(now.getTime() + LEASE_MS)}
      from due where d.id = due.id
      returning d.id, d.newsletter_id, d.subscriber_id, d.attempts
    )
    select c.id, c.newsletter_id, c.subscriber_id, c.attempts, coalesce(s.email, u.email) as address,
      coalesce((s.email is not null and s.confirmed_at is not null) or (u.is_active and u.marketing), false) as allowed
    from claimed c join newsletter_subscribers s on s.id = c.subscriber_id left join users u on u.id = s.user_id
    order by c.id`.execute(db);
  if (!claimed.length) return 0;

  const refused = claimed.filter((row) => !row.allowed).map((row) => row.id);
  if (refused.length)
    await db.updateTable('newsletter_deliveries').set({ finished_at: now, skipped: true }).where('id', 'in', refused).execute();

  const newsletterIds = [...new Set(claimed.map((row) => row.newsletter_id))];
  const letters = new Map(
    (await db.selectFrom('newsletters').select(['id', 'title', 'content', 'image']).where('id', 'in', newsletterIds).execute()).map(
      (letter) => [letter.id, letter],
    ),
  );
  const toSend = claimed.filter((row) => row.allowed);
  for (let start = 0; start < toSend.length; start += PARALLEL_SENDS) {
    if (stopping()) {
      // Shutting down: hand the rest back at once rather than when the lease runs out.
      const rest = toSend.slice(start).map((row) => row.id);
      await db
        .updateTable('newsletter_deliveries')
        .set((eb) => ({ attempts: eb('attempts', '-', 1), not_before: services.now() }))
        .where('id', 'in', rest)
        .execute();
      break;
    }
    await Promise.all(toSend.slice(start, start + PARALLEL_SENDS).map((row) => sendOne(services, row, letters.get(row.newsletter_id))));
  }
  return claimed.length;
}

async function sendOne(services: Services, row: ClaimedRow, letter: { title: string; content: string; image: string | null } | undefined) {
  const { db } = services;
  // The newsletter was deleted meanwhile: its rows went with it.
  if (!letter) return;
  try {
    await services.mailer.deliver(newsletterMail(services.config, row.address, letter, unsubscribeToken(services, row.subscriber_id)));
  } catch (error) {
    const delay = RETRY_DELAYS_MS[row.attempts - 1];
    const reason = error instanceof Error ? error.message : String(error);
    if (delay === undefined)
      services.log.error({ delivery: row.id, attempts: row.attempts, reason }, 'newsletter e-mail not delivered; giving up');
    else
      services.log.warn(
        { delivery: row.id, attempts: row.attempts, retryInMs: delay, reason },
        'newsletter e-mail not delivered; will retry',
      );
    await db
      .updateTable('newsletter_deliveries')
      .set({ not_before: new Date(services.now().getTime() + (delay ?? 0)) })
      .where('id', '=', row.id)
      .execute();
    return;
  }
  await db.updateTable('newsletter_deliveries').set({ finished_at: services.now() }).where('id', '=', row.id).execute();
}

/**
 * Deletes up to PRUNE_BATCH_SIZE settled rows older than SETTLED_RETENTION_MS, through the index
 * newsletter_deliveries_settled (migration 0025), whose predicate and expression are written the
 * same here. Couriers of other processes skip the rows one is deleting instead of waiting.
 * Returns how many it deleted.
 */
async function pruneSettledBatch(services: Services): Promise<number> {
  const cutoff = new Date(services.now().getTime() - SETTLED_RETENTION_MS);
  // `= any(array(…))`, not `in (…)`: the rows are then found by primary key; with `in` PostgreSQL
  // 15 planned a hash join over a scan of the whole queue.
  const result = await sql`
    delete from newsletter_deliveries where id = any(array(
      select id from newsletter_deliveries
      where (finished_at is not null or attempts >= ${sql.lit(MAX_ATTEMPTS)}) and coalesce(finished_at, not_before) < ${cutoff}
      order by coalesce(finished_at, not_before), id
      limit ${PRUNE_BATCH_SIZE}
      for update skip locked
    ))`.execute(services.db);
  return Number(result.numAffectedRows ?? 0);
}

export interface NewsletterCourier {
  /** Finishes the sends in flight, hands the rest of its batch back, and stops. */
  stop(): Promise<void>;
}

/**
 * The server process's newsletter courier: sends due rows batch after batch, then sleeps until
 * mail is queued here (`services.newsletterQueued`) or IDLE_POLL_MS pass. After each round it
 * deletes one bounded batch of old settled rows, so pruning keeps pace without holding up sends.
 * Several processes may each run one: claims and prunes skip rows another holds.
 */
export function startNewsletterCourier(services: Services): NewsletterCourier {
  let stopped = false;
  const running = (async () => {
    while (!stopped) {
      let busy = false;
      try {
        busy = (await deliverDueBatch(services, () => stopped)) > 0;
        // A full batch pruned leaves more to prune: come back at once, sending first as ever.
        if (!stopped && (await pruneSettledBatch(services)) === PRUNE_BATCH_SIZE) busy = true;
      } catch (error) {
        services.log.warn({ reason: error instanceof Error ? error.message : String(error) }, 'newsletter courier round failed');
      }
      if (!busy && !stopped) await services.newsletterQueued.wait(IDLE_POLL_MS);
    }
  })();
  return {
    async stop() {
      stopped = true;
      services.newsletterQueued.notify();
      await running;
    },
  };
}
