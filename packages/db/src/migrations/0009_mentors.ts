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
    as $$ select public.cn_fold(concat_ws(' ', first_name, middle_name, last_name, bio, array_to_string(skills, ' '), array_to_string(areas, ' '))) $$`.execute(
    db,
  );

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

  // Search reads two generated columns, kept by PostgreSQL on every write of a profile: the folded
  // text (names, bio, skills, areas) and the folded skills. Stored, so a matching row is checked by
  // comparing text, not by calling the functions again (a tenth of the time where a short text
  // matches many profiles).
  await sql`
    alter table profiles
      add column search_text text generated always as (cn_mentor_search_text(first_name, middle_name, last_name, bio, technical_skills, areas_of_expertise)) stored,
      add column skills_folded text[] generated always as (cn_fold_all(technical_skills)) stored`.execute(db);

  // Mentor lists rank by rating and filter on being an active mentor of an industry. Both live on
  // profiles so that one index gives an industry's mentors in rating order (users has the
  // industry, profiles the rating: no index spans two tables).
  // - mentor_rating: the mean session rating, null while unrated (ordered last).
  // - mentor_industry: the user's industry while the user is an active mentor, else null. Its
  //   source of truth is users; triggers copy it (below), so it is never written by the API.
  await sql`
    alter table profiles
      add column mentor_rating double precision generated always as (rating_total::float8 / nullif(rating_count, 0)) stored,
      add column mentor_industry text`.execute(db);
  await sql`
    create function cn_mentor_industry(user_type text, is_active boolean, industry text) returns text
    language sql immutable parallel safe
    as $$ select case when user_type = 'mentor' and is_active then industry end $$`.execute(db);
  // A profile takes its value from its user when inserted (sign-up inserts the user first: the
  // foreign key makes that the only order), and whenever anything sets the column directly.
  await sql`
    create function cn_profile_mentor_industry() returns trigger language plpgsql as $$
    begin
      new.mentor_industry := (select public.cn_mentor_industry(u.user_type, u.is_active, u.industry) from public.users u where u.id = new.user_id);
      return new;
    end $$`.execute(db);
  await sql`
    create trigger profiles_mentor_industry before insert or update of mentor_industry on profiles
    for each row execute function cn_profile_mentor_industry()`.execute(db);
  // A user becoming a mentor, changing industry, or (de)activated moves their profile between lists.
  await sql`
    create function cn_user_mentor_industry() returns trigger language plpgsql as $$
    begin
      update public.profiles set mentor_industry = public.cn_mentor_industry(new.user_type, new.is_active, new.industry)
      where user_id = new.id and mentor_industry is distinct from public.cn_mentor_industry(new.user_type, new.is_active, new.industry);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger users_mentor_industry after update of industry, user_type, is_active on users
    for each row when ((old.industry, old.user_type, old.is_active) is distinct from (new.industry, new.user_type, new.is_active))
    execute function cn_user_mentor_industry()`.execute(db);
  // Profiles written before this migration (a development database's; none once released).
  await sql`
    update profiles p set mentor_industry = u.industry from users u
    where u.id = p.user_id and u.user_type = 'mentor' and u.is_active`.execute(db);

  // Only mentors are listed, so the indexes hold mentors only: the order matches the lists'
  // `order by mentor_rating desc nulls last, user_id` exactly, so a page is the index's first rows.
  // An industry's mentors (recommendations; their count is an index-only scan of the same index)…
  await sql`create index profiles_mentors_by_industry on profiles (mentor_industry, mentor_rating desc nulls last, user_id) where mentor_industry is not null`.execute(
    db,
  );
  // …and all of them (search without text or skills, and its pages when a text matches very many).
  await sql`create index profiles_mentors_by_rating on profiles (mentor_rating desc nulls last, user_id) where mentor_industry is not null`.execute(
    db,
  );
  // Substrings by trigrams, skills by the array index: mentors only, so that learners' bios ("Always
  // learning": `lea`) do not lengthen the posting lists a search reads.
  await sql`create index profiles_search_text on profiles using gin (search_text gin_trgm_ops) where mentor_industry is not null`.execute(
    db,
  );
  await sql`create index profiles_skills_folded on profiles using gin (skills_folded) where mentor_industry is not null`.execute(db);

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
  await sql`drop trigger if exists users_mentor_industry on users`.execute(db);
  await sql`drop trigger if exists profiles_mentor_industry on profiles`.execute(db);
  await sql`drop function if exists cn_user_mentor_industry()`.execute(db);
  await sql`drop function if exists cn_profile_mentor_industry()`.execute(db);
  await sql`alter table profiles drop column mentor_industry, drop column mentor_rating`.execute(db);
  await sql`drop function if exists cn_mentor_industry(text, boolean, text)`.execute(db);
  await sql`alter table profiles drop column search_text, drop column skills_folded`.execute(db);
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
