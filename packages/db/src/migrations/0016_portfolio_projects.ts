import { sql, type Kysely } from 'kysely';

// Portfolio projects: what a member shows of their work, each with an optional image and an
// optional downloadable file (URLs of files in media storage; a null image shows the default).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table projects (
      id bigint generated always as identity primary key,
      owner_id bigint not null references users (id) on delete cascade,
      title text not null check (char_length(title) between 1 and 150),
      description text not null,
      image text,
      download_material text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  // A member's projects newest first (the lists' order), and their count on the profile.
  await sql`create index projects_by_owner on projects (owner_id, id desc)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists projects`.execute(db);
}
