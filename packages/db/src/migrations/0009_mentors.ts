import { sql, type Kysely } from 'kysely';

/**
 * Mentors: their profile fields, ratings kept incrementally, saved mentors, exchange rates, and
 * the indexes mentor search reads. The same statements run on PostgreSQL and on PGlite, which
 * loads pg_trgm and unaccent as extensions too (see `connect.ts`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`create extension if not exists unaccent`.execute(db);

  // unaccent() is only STABLE (its dictionary could change), so an index cannot use it directly.
  // With the dictionary named, the result depends on the text alone: declaring the wrapper
  // IMMUTABLE is the usual, safe way to index it. Schema-qualified, so a caller's search_path
  // cannot swap the function or the dictionary. `cn_fold`: lower-case and without accents.
  await sql`
    create function cn_fold(value text) returns text
    language sql immutable parallel safe strict
    as $$ select lower(public.unaccent('public.unaccent'::regdictionary, value)) $$`.execute(db);
  await sql`
    create function cn_fold_all(value text[]) returns text[]
    language sql immutable parallel safe strict
    as $$ select coalesce(array_agg(public.cn_fold(item)), '{}') from unnest(value) item $$`.execute(db);
  // What `text` of a mentor search matches: names, bio, skills and areas of expertise, folded.
  await sql`
    create function cn_mentor_search_text(first_name text, middle_name text, last_name text, bio text, skills text[], areas text[]) returns text
    language sql immutable parallel safe
    as $$ select public.cn_fold(concat_ws(' ', first_name, middle_name, last_name, bio, array_to_string(skills, ' '), array_to_string(areas, ' '))) $$`.execute(db);

  // Mentor-only fields (null or empty for others). The session rate is money: an amount in minor
  // units and its currency, fixed when the mentor submits it.
  await sql`
    alter table profiles
      add column years_of_experience integer check (years_of_experience between 0 and 80),
      add column availability text check (availability in ('weekdays', 'weekends')),
      add column current_job text,
      add column areas_of_expertise text[] not null default '{}',
      add column technical_skills text[] not null default '{}',
      add column mentorship_styles text[] not null default '{}',
      add column linkedin_url text,
      add column session_rate_minor bigint not null default 0 check (session_rate_minor >= 0),
      add column session_rate_currency text not null default 'USD',
      add column rating_total integer not null default 0,
      add column rating_count integer not null default 0`.execute(db);

  // Mentor lists start from mentors alone: by industry (recommendation) and all of them (search).
  await sql`create index users_mentors_by_industry on users (industry, id) where user_type = 'mentor' and is_active`.execute(db);
  // Search reads two generated columns, kept by PostgreSQL on every write of a profile: the folded
  // text (names, bio, skills, areas) with a trigram index for substrings, and the folded skills
  // with an array index. Stored, so a matching row is checked by comparing text, not by calling
  // the functions again (a tenth of the time where a short text matches many profiles).
  await sql`
    alter table profiles
      add column search_text text generated always as (cn_mentor_search_text(first_name, middle_name, last_name, bio, technical_skills, areas_of_expertise)) stored,
      add column skills_folded text[] generated always as (cn_fold_all(technical_skills)) stored`.execute(db);
  await sql`create index profiles_search_text on profiles using gin (search_text gin_trgm_ops)`.execute(db);
  await sql`create index profiles_skills_folded on profiles using gin (skills_folded)`.execute(db);

  await sql`
    create table saved_mentors (
      saver_id bigint not null references users (id) on delete cascade,
      mentor_id bigint not null references users (id) on delete cascade,
      created_at timestamptz not null default now(),
      primary key (saver_id, mentor_id),
      check (saver_id <> mentor_id)
    )`.execute(db);
  await sql`create index saved_mentors_by_mentor on saved_mentors (mentor_id)`.execute(db);

  // Units of the country's currency per US dollar, kept by administrators; one per country.
  await sql`
    create table exchange_rates (
      country_id bigint primary key references countries (id) on delete cascade,
      currency_name text not null,
      currency_initials text not null,
      exchange_rate numeric(18, 6) not null check (exchange_rate > 0),
      updated_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists exchange_rates`.execute(db);
  await sql`drop table if exists saved_mentors`.execute(db);
  await sql`alter table profiles drop column search_text, drop column skills_folded`.execute(db);
  await sql`drop index if exists users_mentors_by_industry`.execute(db);
  await sql`
    alter table profiles
      drop column years_of_experience, drop column availability, drop column current_job,
      drop column areas_of_expertise, drop column technical_skills, drop column mentorship_styles,
      drop column linkedin_url, drop column session_rate_minor, drop column session_rate_currency,
      drop column rating_total, drop column rating_count`.execute(db);
  await sql`drop function if exists cn_mentor_search_text(text, text, text, text, text[], text[])`.execute(db);
  await sql`drop function if exists cn_fold_all(text[])`.execute(db);
  await sql`drop function if exists cn_fold(text)`.execute(db);
}
