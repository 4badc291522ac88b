import { sql, type Kysely } from 'kysely';

// The content library: files (PDFs, images) with a title, a description and tags, published by
// administrators for every member to read. The file is the URL of a file in media storage.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table library_items (
      id bigint generated always as identity primary key,
      title text not null check (char_length(title) between 1 and 250),
      description text not null,
      tags text[] not null default '{}',
      file text not null,
      created_at timestamptz not null default now(),
      created_by bigint references users (id) on delete set null
    )`.execute(db);
  // Titles are unique whatever their case: decided here, so two concurrent creates cannot both win.
  await sql`create unique index library_items_title_key on library_items (lower(title))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists library_items`.execute(db);
}
