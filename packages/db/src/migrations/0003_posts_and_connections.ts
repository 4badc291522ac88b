import { sql, type Kysely } from 'kysely';

// The core of the posts and connections domains, which profile analytics already count.
// Their issues extend these tables.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table posts (
      id bigint generated always as identity primary key,
      author_id bigint not null references users (id) on delete cascade,
      body text not null default '',
      parent_id bigint references posts (id) on delete cascade,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index posts_by_author on posts (author_id, created_at desc, id desc)`.execute(db);

  await sql`
    create table connections (
      id bigint generated always as identity primary key,
      requester_id bigint not null references users (id) on delete cascade,
      recipient_id bigint not null references users (id) on delete cascade,
      status text not null default 'pending' check (status in ('pending', 'accepted')),
      created_at timestamptz not null default now(),
      check (requester_id <> recipient_id)
    )`.execute(db);
  // One request per pair, whichever way it was sent.
  await sql`create unique index connections_pair on connections (least(requester_id, recipient_id), greatest(requester_id, recipient_id))`.execute(
    db,
  );
  await sql`create index connections_by_recipient on connections (recipient_id, status)`.execute(db);
  await sql`create index connections_by_requester on connections (requester_id, status)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists connections`.execute(db);
  await sql`drop table if exists posts`.execute(db);
}
