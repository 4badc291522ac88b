import { sql, type Kysely } from 'kysely';

// What the settings' e-mails need to be sent once, whatever the number of processes: each is a
// claim written by a conditional update, so only one writer wins it.
// - posts: the first like and the first comment of a post by someone else are mailed once;
// - chat_reads: the newest message shown to the member live on the conversation's open socket
//   (seen, though unread counts leave it alone), and the last time they were e-mailed about it;
// - users: the week (its Monday, UTC) whose digest the member was last sent, with a partial index
//   for the digest job's scan of the members who want one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table posts
      add column first_like_mailed_at timestamptz,
      add column first_comment_mailed_at timestamptz`.execute(db);
  await sql`alter table chat_reads add column shown_id bigint not null default 0, add column mailed_at timestamptz`.execute(db);
  await sql`alter table users add column digest_sent_for date`.execute(db);
  await sql`create index users_weekly_summary_idx on users (id) where weekly_summary`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index users_weekly_summary_idx`.execute(db);
  await sql`alter table users drop column digest_sent_for`.execute(db);
  await sql`alter table chat_reads drop column shown_id, drop column mailed_at`.execute(db);
  await sql`alter table posts drop column first_like_mailed_at, drop column first_comment_mailed_at`.execute(db);
}
