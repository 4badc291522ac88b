import { sql } from '@careernexus/db';
import type { Services } from '../context.js';
import { digestMail } from './emails.js';

/** Members claimed (and e-mailed) per statement. */
const BATCH = 100;

/** The Monday (UTC) of the week `now` falls in, as YYYY-MM-DD: the digest's key. */
function weekOf(now: Date) {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  return day.toISOString().slice(0, 10);
}

/** Every DIGEST_INTERVAL (and at start), this process sends the digests that are due. */
export function startWeeklyDigests(services: Services) {
  services.timers.every(services.config.DIGEST_INTERVAL * 1000, 'weekly digest', () => sendDueDigests(services));
}

/**
 * Sends this week's digest to every member whose `weekly_summary` allows and who has not had it.
 * Each batch is claimed by one statement that marks the members' `digest_sent_for` with the week
 * (rows another process holds are skipped, and the condition is checked again on the locked
 * row), so processes running at once share the work and nobody gets two. The claim is committed
 * before the mail is queued: a process that dies between the two loses those e-mails for the
 * week rather than sending them twice; members not yet claimed get theirs from the next run.
 */
async function sendDueDigests(services: Services) {
  const week = weekOf(services.now());
  const due = sql`weekly_summary and is_active and (digest_sent_for is null or digest_sent_for < ${week}::date)`;
  for (;;) {
    const { rows } = await sql<{ email: string; followers: number; requests: number; likes: number; comments: number }>`
      with claimed as (
        update users set digest_sent_for = ${week}::date
        where id in (select id from users where ${due} order by id limit ${BATCH} for update skip locked) and ${due}
        returning id, email
      )
      select c.email,
        (select count(*)::int from follows f where f.following_id = c.id and f.created_at > now() - interval '7 days') as followers,
        (select count(*)::int from connections r
          where r.recipient_id = c.id and r.created_at > now() - interval '7 days') as requests,
        (select count(*)::int from posts p join post_likes l on l.post_id = p.id
          where p.author_id = c.id and l.user_id <> c.id and l.created_at > now() - interval '7 days') as likes,
        (select count(*)::int from posts p join comments m on m.post_id = p.id
          where p.author_id = c.id and m.user_id <> c.id and m.created_at > now() - interval '7 days') as comments
      from claimed c`.execute(services.db);
    for (const row of rows) services.mailer.send(digestMail(services.config, row.email, row));
    if (rows.length < BATCH) return;
  }
}
