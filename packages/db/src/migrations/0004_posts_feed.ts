import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Media columns hold URLs (null: none); counters are kept by the writes that change them,
  // in the same transaction, so reading a post never counts rows.
  await sql`
    alter table posts
      add column pic1 text,
      add column pic2 text,
      add column pic3 text,
      add column video text,
      add column article text,
      add column industries text not null default 'others',
      add column is_repost boolean not null default false,
      add column like_count integer not null default 0 check (like_count >= 0),
      add column comment_count integer not null default 0 check (comment_count >= 0),
      add column share_count integer not null default 0 check (share_count >= 0)`.execute(db);
  // A deleted post's reposts stay, showing their parent as removed.
  await sql`alter table posts drop constraint posts_parent_id_fkey`.execute(db);
  await sql`alter table posts add constraint posts_parent_id_fkey foreign key (parent_id) references posts (id) on delete set null`.execute(
    db,
  );
  await sql`drop index posts_by_author`.execute(db);
  await sql`create index posts_by_author on posts (author_id, id desc)`.execute(db);

  // The feed's selection keys ('industry:<label>', 'mentor'): one row per post and key, read
  // newest first straight from the primary key.
  await sql`
    create table feed_keys (
      key text not null,
      post_id bigint not null references posts (id) on delete cascade,
      primary key (key, post_id)
    )`.execute(db);
  await sql`create index feed_keys_by_post on feed_keys (post_id)`.execute(db);

  await sql`
    create table post_likes (
      post_id bigint not null references posts (id) on delete cascade,
      user_id bigint not null references users (id) on delete cascade,
      created_at timestamptz not null default now(),
      primary key (post_id, user_id)
    )`.execute(db);
  await sql`create index post_likes_by_user on post_likes (user_id)`.execute(db);

  await sql`
    create table post_saves (
      user_id bigint not null references users (id) on delete cascade,
      post_id bigint not null references posts (id) on delete cascade,
      created_at timestamptz not null default now(),
      primary key (user_id, post_id)
    )`.execute(db);
  await sql`create index post_saves_by_post on post_saves (post_id)`.execute(db);

  await sql`
    create table post_shares (
      id bigint generated always as identity primary key,
      post_id bigint not null references posts (id) on delete cascade,
      user_id bigint not null references users (id) on delete cascade,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index post_shares_by_post on post_shares (post_id)`.execute(db);

  await sql`
    create table comments (
      id bigint generated always as identity primary key,
      post_id bigint not null references posts (id) on delete cascade,
      user_id bigint not null references users (id) on delete cascade,
      parent_id bigint references comments (id) on delete cascade,
      body text not null,
      like_count integer not null default 0 check (like_count >= 0),
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index comments_by_post on comments (post_id, id)`.execute(db);
  await sql`create index comments_by_parent on comments (parent_id) where parent_id is not null`.execute(db);

  await sql`
    create table comment_likes (
      comment_id bigint not null references comments (id) on delete cascade,
      user_id bigint not null references users (id) on delete cascade,
      primary key (comment_id, user_id)
    )`.execute(db);
  await sql`create index comment_likes_by_user on comment_likes (user_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['comment_likes', 'comments', 'post_shares', 'post_saves', 'post_likes', 'feed_keys']) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
  await sql`drop index posts_by_author`.execute(db);
  await sql`create index posts_by_author on posts (author_id, created_at desc, id desc)`.execute(db);
  await sql`alter table posts drop constraint posts_parent_id_fkey`.execute(db);
  await sql`alter table posts add constraint posts_parent_id_fkey foreign key (parent_id) references posts (id) on delete cascade`.execute(
    db,
  );
  await sql`
    alter table posts
      drop column pic1, drop column pic2, drop column pic3, drop column video, drop column article, drop column industries,
      drop column is_repost, drop column like_count, drop column comment_count, drop column share_count`.execute(db);
}
