import { sql } from '@careernexus/db';
import type { Services } from '../context.js';
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

/**
 * After MESSAGE_MAIL_DELAY, e-mails the recipient of a chat message they have not seen by then
 * (neither read the conversation nor had it open on a socket when it came), when
 * their `message_notify` allows: "offline" read from the database, so it holds whichever process
 * served them. At most one e-mail per conversation and member an hour, claimed by a conditional
 * upsert of their read mark. The delay lives in this process: if it stops first, that e-mail is
 * not sent.
 */
export function mailUnreadMessageLater(
  services: Services,
  message: { roomId: number; messageId: number; senderId: number; recipientId: number },
) {
  services.timers.after(services.config.MESSAGE_MAIL_DELAY * 1000, 'unread message mail', async () => {
    const { rows } = await sql<{ email: string }>`
      with due as (
        select u.id, u.email from users u
        where u.id = ${message.recipientId} and u.message_notify and u.is_active
          and ${message.messageId} > coalesce(
            (select greatest(last_read_id, shown_id) from chat_reads where room_id = ${message.roomId} and user_id = u.id), 0)
      ),
      claimed as (
        insert into chat_reads (room_id, user_id, mailed_at)
        select ${message.roomId}, id, now() from due
        on conflict (room_id, user_id) do update set mailed_at = excluded.mailed_at
          where chat_reads.mailed_at is null or chat_reads.mailed_at <= excluded.mailed_at - interval '1 hour'
        returning user_id
      )
      select email from due where id in (select user_id from claimed)`.execute(services.db);
    const recipient = rows[0];
    if (!recipient) return;
    services.mailer.send(unreadMessageMail(services.config, recipient.email, await nameOf(services, message.senderId)));
  });
}
