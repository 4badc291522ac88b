import { countries } from 'countries-list';
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table jobs (
      id bigint generated always as identity primary key,
      poster_id bigint not null references users (id) on delete cascade,
      title text not null,
      organization text not null,
      employment_type text not null,
      work_type text not null,
      country text not null,
      salary text not null,
      overview text not null,
      description text not null,
      industry text not null,
      experience_level text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index jobs_by_poster on jobs (poster_id, id desc)`.execute(db);
  // A job under each of its industry labels, newest first from the primary key.
  await sql`
    create table job_industries (
      industry text not null,
      job_id bigint not null references jobs (id) on delete cascade,
      primary key (industry, job_id)
    )`.execute(db);

  await sql`
    create table job_preferences (
      user_id bigint primary key references users (id) on delete cascade,
      title text not null,
      employment_type text not null,
      work_type text not null,
      industry text not null,
      experience_level text not null,
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index job_preferences_match on job_preferences (industry, employment_type, work_type, experience_level)`.execute(db);

  // Kept until read, so nothing is lost while a user is offline.
  await sql`
    create table notifications (
      id bigint generated always as identity primary key,
      user_id bigint not null references users (id) on delete cascade,
      type text not null,
      message text not null,
      data jsonb not null default '{}'::jsonb,
      created_at timestamptz not null default now(),
      read_at timestamptz
    )`.execute(db);
  await sql`create index notifications_by_user on notifications (user_id, id desc)`.execute(db);
  await sql`create index notifications_unread on notifications (user_id, id desc) where read_at is null`.execute(db);

  await sql`
    create table countries (
      id bigint generated always as identity primary key,
      iso_code text not null unique,
      name text not null unique,
      code text not null,
      codes text[] not null,
      permitted boolean not null default true
    )`.execute(db);
  // Seeded from the countries-list package (ISO 3166 names, ITU calling codes), all permitted.
  const rows = Object.entries(countries)
    .filter(([, country]) => country.phone.length > 0)
    .sort(([, a], [, b]) => a.name.localeCompare(b.name, 'en'))
    .map(([iso, country]) => ({ iso, name: country.name, codes: country.phone.map((phone) => `+${phone}`) }));
  const values = rows.map((row) => sql`(${row.iso}, ${row.name}, ${row.codes[0]}, array[${sql.join(row.codes)}]::text[])`);
  await sql`insert into countries (iso_code, name, code, codes) values ${sql.join(values)}`.execute(db);

  await sql`
    create table info_contents (
      id bigint generated always as identity primary key,
      title text not null unique,
      content text,
      items jsonb,
      updated_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['info_contents', 'countries', 'notifications', 'job_preferences', 'job_industries', 'jobs']) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
}
