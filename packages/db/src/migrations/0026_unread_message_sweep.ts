import { sql, type Kysely } from 'kysely';

// The unread-message e-mail sweep reads the chat messages of a recent time window (settings/
// notices.ts): by time, so that its cost follows the window's messages, not the table's.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index chat_messages_by_time on chat_messages (created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists chat_messages_by_time`.execute(db);
}
