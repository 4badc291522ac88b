import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One room per pair of people: the pair is stored ordered, so (a, b) and (b, a) are one row.
  await sql`
    create table chat_rooms (
      id bigint generated always as identity primary key,
      user_low bigint not null references users (id) on delete cascade,
      user_high bigint not null references users (id) on delete cascade,
      initiator_id bigint not null references users (id) on delete cascade,
      created_at timestamptz not null default now(),
      last_message_at timestamptz,
      unique (user_low, user_high),
      check (user_low < user_high)
    )`.execute(db);
  await sql`create index chat_rooms_by_high on chat_rooms (user_high)`.execute(db);

  await sql`
    create table chat_messages (
      id bigint generated always as identity primary key,
      room_id bigint not null references chat_rooms (id) on delete cascade,
      sender_id bigint not null references users (id) on delete cascade,
      body text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index chat_messages_by_room on chat_messages (room_id, id desc)`.execute(db);

  // How far each participant has read, for unread counts.
  await sql`
    create table chat_reads (
      room_id bigint not null references chat_rooms (id) on delete cascade,
      user_id bigint not null references users (id) on delete cascade,
      last_read_id bigint not null default 0,
      primary key (room_id, user_id)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['chat_reads', 'chat_messages', 'chat_rooms']) await sql`drop table if exists ${sql.table(table)}`.execute(db);
}
