import { sql, type Kysely } from 'kysely';

// Newsletters (original-beyond-seed §6.8) and share pages (§7.2).
export async function up(db: Kysely<unknown>): Promise<void> {
  // One stable, unguessable link per post and sharer; post_shares still counts every share.
  await sql`
    create table post_share_links (
      post_id bigint not null references posts (id) on delete cascade,
      user_id bigint not null references users (id) on delete cascade,
      hash text not null unique,
      created_at timestamptz not null default now(),
      primary key (post_id, user_id)
    )`.execute(db);
  await sql`create index post_share_links_by_user on post_share_links (user_id)`.execute(db);

  await sql`
    create table newsletters (
      id bigint generated always as identity primary key,
      title text not null check (char_length(title) between 1 and 500),
      content text not null,
      image text,
      created_by bigint references users (id) on delete set null,
      created_at timestamptz not null default now()
    )`.execute(db);

  // One table for both kinds of subscriber: a member (user_id, confirmed at once) or an e-mail
  // address from the public form (pending until its confirmation link is followed).
  await sql`
    create table newsletter_subscribers (
      id bigint generated always as identity primary key,
      user_id bigint unique references users (id) on delete cascade,
      email text unique check (email = lower(email)),
      confirm_digest text unique,
      confirmed_at timestamptz,
      created_at timestamptz not null default now(),
      check ((user_id is null) <> (email is null))
    )`.execute(db);

  // The delivery queue: one row per newsletter and recipient address, claimed in batches by the
  // server processes' couriers (a claim is a lease: a process that dies leaves its rows to others).
  await sql`
    create table newsletter_deliveries (
      id bigint generated always as identity primary key,
      newsletter_id bigint not null references newsletters (id) on delete cascade,
      subscriber_id bigint not null references newsletter_subscribers (id) on delete cascade,
      address text not null,
      attempts integer not null default 0,
      not_before timestamptz not null default now(),
      finished_at timestamptz,
      skipped boolean not null default false,
      unique (newsletter_id, address)
    )`.execute(db);
  // What a courier claims: unfinished rows with attempts left, due first.
  await sql`create index newsletter_deliveries_due on newsletter_deliveries (not_before, id) where finished_at is null and attempts < 5`.execute(
    db,
  );
  // An unsubscription deletes its subscriber's queued rows (the cascade reads this index).
  await sql`create index newsletter_deliveries_by_subscriber on newsletter_deliveries (subscriber_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['newsletter_deliveries', 'newsletter_subscribers', 'newsletters', 'post_share_links']) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
}
