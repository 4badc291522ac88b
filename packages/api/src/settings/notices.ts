import { sql } from '@careernexus/db';
import type { Services } from '../context.js';
import { onlyRow } from '../invariant.js';
import { nameOf } from '../posts/read.js';
import { firstReactionMail, unreadMessageMail } from './emails.js';

/**
 * E-mails a post's author about its first like or first comment by someone else, when the
 * author's `email_notify` allows. The post's claim column is set once by a conditional update,
 * so concurrent first reactions (on any process) send one e-mail; a reaction while the setting is
 * off uses the claim up too: it was the first.
 */
export async function mailFirstReaction(services: Services, postId: number, actorId: number, reaction: 'like' | 'comment') {
  const claim = reaction === 'like' ? sql.ref('first_like_mailed_at') : sql.ref('first_comment_mailed_at');
  try {
    const { rows } = await sql<{ email: string; allowed: boolean; body: string }>`
      update posts p set ${claim} = now()
      from users u
      where p.id = ${postId} and ${claim} is null and p.author_id <> ${actorId} and u.id = p.author_id
      returning u.email, u.email_notify and u.is_active as allowed, p.body`.execute(services.db);
    const author = rows[0];
    if (!author?.allowed) return;
    services.mailer.send(firstReactionMail(services.config, author.email, reaction, await nameOf(services, actorId), postId, author.body));
  } catch (error) {
    // The reaction is stored: a lost e-mail must not fail it.
    services.log.warn({ err: error }, 'first-reaction e-mail not sent');
  }
}

/** How far back a process's first sweep looks: messages older than that are stale news. */
const FIRST_SWEEP_LOOKBACK_MS = 60 * 60 * 1000;

/**
 * Every MESSAGE_MAIL_INTERVAL (and at start), this process e-mails the recipients of chat messages
 * that have turned MESSAGE_MAIL_DELAY old unseen since its previous sweep. The wait lives in the
 * database, not in the process that stored the message, so a stop loses no e-mail: whichever
 * process sweeps next sends it. A process's first sweep looks back an hour (messages that came
 * while none swept); each later one only at the messages that turned due since the one before.
 */
export function startUnreadMessageMails(services: Services) {
  let sweptUpTo: Date | undefined;
  services.timers.every(services.config.MESSAGE_MAIL_INTERVAL * 1000, 'unread message mail', async () => {
    // Database time, the clock the messages' created_at was written with.
    const { rows } = await sql<{ due_until: Date }>`
      select now() - make_interval(secs => ${services.config.MESSAGE_MAIL_DELAY}) as due_until`.execute(services.db);
    const dueUntil = onlyRow(rows).due_until;
    const lookback = new Date(dueUntil.getTime() - FIRST_SWEEP_LOOKBACK_MS);
    // After a failed sweep the window widens to cover what it missed, never beyond the lookback.
    const from = sweptUpTo && sweptUpTo > lookback ? sweptUpTo : lookback;
    await mailUnseenMessages(services, from, dueUntil);
    sweptUpTo = dueUntil;
  });
}

/**
 * E-mails the recipient of each conversation with a message created in (from, until] that they
 * have not seen (neither read the conversation nor had it open on a socket when it came, read
 * from the database, so it holds whichever process served them), when their `message_notify`
 * allows. At most one e-mail per conversation and member an hour, claimed by a conditional
 * upsert of their read mark: processes sweeping the same messages at once send one. The
 * messages are read from chat_messages_by_time, so the cost follows the window, not the table.
 */
async function mailUnseenMessages(services: Services, from: Date, until: Date) {
  const { rows } = await sql<{ email: string; sender_id: number }>`
    with sent as (
      -- Each side's newest message of each conversation in the window. The room, the recipient
      -- and the read mark are looked up per conversation (subqueries, not joins the planner
      -- could turn into scans of every room and member): the window holds few, the tables many.
      select m.room_id, m.sender_id, max(m.id) as last_id,
        (select case when m.sender_id = r.user_low then r.user_high else r.user_low end from chat_rooms r where r.id = m.room_id)
          as recipient_id
      from chat_messages m
      where m.created_at > ${from} and m.created_at <= ${until}
      group by m.room_id, m.sender_id
    ),
    due as (
      select room_id, sender_id, recipient_id,
        (select email from users where id = recipient_id and message_notify and is_active) as email
      from sent
      where last_id > coalesce(
        (select greatest(last_read_id, shown_id) from chat_reads where room_id = sent.room_id and user_id = sent.recipient_id), 0)
    ),
    claimed as (
      insert into chat_reads (room_id, user_id, mailed_at)
      select room_id, recipient_id, now() from due where email is not null
      on conflict (room_id, user_id) do update set mailed_at = excluded.mailed_at
        where chat_reads.mailed_at is null or chat_reads.mailed_at <= excluded.mailed_at - interval '1 hour'
      returning room_id, user_id
    )
    select d.email, d.sender_id from due d join claimed c on c.room_id = d.room_id and c.user_id = d.recipient_id`.execute(services.db);
  for (const recipient of rows) {
    try {
      services.mailer.send(unreadMessageMail(services.config, recipient.email, await nameOf(services, Number(recipient.sender_id))));
    } catch (error) {
      // The claim is taken: a sender gone meanwhile costs this one e-mail, not the others.
      services.log.warn({ err: error }, 'unread-message e-mail not sent');
    }
  }
}
