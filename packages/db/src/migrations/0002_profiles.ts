import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table profiles
      add column country_code text not null default '+000',
      add column phone_number text not null default '00000000000',
      add column profile_photo text,
      add column cover_photo text,
      add column qualification text not null default '',
      add column position text not null default '',
      add column location text not null default '',
      add column bio text not null default '',
      add column intro_video text not null default '',
      add column summary text not null default '',
      add column updated_at timestamptz not null default now()`.execute(db);

  // Dates are text: experience dates are validated YYYY-MM-DD (or "Present"), while education and
  // certification take free text as the original did. Lists sort by them descending.
  await sql`
    create table experiences (
      id bigint generated always as identity primary key,
      user_id bigint not null references users (id) on delete cascade,
      title text not null,
      organization text not null,
      start_date text not null,
      end_date text not null,
      location text not null,
      employment_type text not null,
      detail text not null
    )`.execute(db);
  await sql`create index experiences_by_user on experiences (user_id, start_date desc, id desc)`.execute(db);

  await sql`
    create table educations (
      id bigint generated always as identity primary key,
      user_id bigint not null references users (id) on delete cascade,
      course text not null,
      school text not null,
      start_date text not null,
      end_date text not null,
      location text not null,
      detail text not null
    )`.execute(db);
  await sql`create index educations_by_user on educations (user_id, start_date desc, id desc)`.execute(db);

  await sql`
    create table certifications (
      id bigint generated always as identity primary key,
      user_id bigint not null references users (id) on delete cascade,
      title text not null,
      school text not null,
      issue_date text not null,
      cert_id text not null,
      skills text not null
    )`.execute(db);
  await sql`create index certifications_by_user on certifications (user_id, issue_date desc, id desc)`.execute(db);

  // One view per viewer, profile and day: reloading a profile does not inflate its count.
  await sql`
    create table profile_views (
      viewer_id bigint not null references users (id) on delete cascade,
      viewed_id bigint not null references users (id) on delete cascade,
      viewed_on date not null default current_date,
      primary key (viewed_id, viewed_on, viewer_id)
    )`.execute(db);

  // Follows belong to the posts domain; profiles count them, so the table starts here.
  await sql`
    create table follows (
      follower_id bigint not null references users (id) on delete cascade,
      following_id bigint not null references users (id) on delete cascade,
      created_at timestamptz not null default now(),
      primary key (follower_id, following_id),
      check (follower_id <> following_id)
    )`.execute(db);
  await sql`create index follows_by_following on follows (following_id, follower_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['follows', 'profile_views', 'certifications', 'educations', 'experiences']) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
  await sql`
    alter table profiles
      drop column country_code, drop column phone_number, drop column profile_photo, drop column cover_photo,
      drop column qualification, drop column position, drop column location, drop column bio,
      drop column intro_video, drop column summary, drop column updated_at`.execute(db);
}
