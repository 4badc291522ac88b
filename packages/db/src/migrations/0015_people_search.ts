import { sql, type Kysely } from 'kysely';

/**
 * People search (`GET /user/search/`): folded (lower-case, unaccented: `cn_fold` of migration
 * 0009) copies of what it matches, kept by PostgreSQL as generated columns, each with a trigram
 * index, so that a part of a word is found from the index on PostgreSQL and PGlite alike.
 * - profiles.people_name: the names, "first middle last" (the ranking compares whole names to it);
 * - profiles.people_text: qualification, bio and summary;
 * - experiences.organization_folded: the company of each career record.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // 'N/A' is how the original (and imported data) wrote a missing middle name: not a name.
  await sql`
    create function cn_person_name(first_name text, middle_name text, last_name text) returns text
    language sql immutable parallel safe
    as $$ select public.cn_fold(concat_ws(' ', nullif(btrim(first_name), ''), nullif(nullif(btrim(middle_name), ''), 'N/A'), nullif(btrim(last_name), ''))) $$`.execute(
    db,
  );
  // concat_ws is only STABLE (it formats any type): wrapped, as in 0009, for texts alone.
  await sql`
    create function cn_people_text(qualification text, bio text, summary text) returns text
    language sql immutable parallel safe
    as $$ select public.cn_fold(concat_ws(' ', qualification, bio, summary)) $$`.execute(db);
  await sql`
    alter table profiles
      add column people_name text generated always as (cn_person_name(first_name, middle_name, last_name)) stored,
      add column people_text text generated always as (cn_people_text(qualification, bio, summary)) stored`.execute(db);
  await sql`alter table experiences add column organization_folded text generated always as (cn_fold(organization)) stored`.execute(db);

  // Every member is searchable (deactivated ones are dropped by the query, from users' primary key).
  await sql`create index profiles_people_name on profiles using gin (people_name gin_trgm_ops)`.execute(db);
  await sql`create index profiles_people_text on profiles using gin (people_text gin_trgm_ops)`.execute(db);
  await sql`create index experiences_organization_folded on experiences using gin (organization_folded gin_trgm_ops)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists experiences_organization_folded`.execute(db);
  await sql`drop index if exists profiles_people_text`.execute(db);
  await sql`drop index if exists profiles_people_name`.execute(db);
  await sql`alter table experiences drop column if exists organization_folded`.execute(db);
  await sql`alter table profiles drop column if exists people_text, drop column if exists people_name`.execute(db);
  await sql`drop function if exists cn_people_text(text, text, text)`.execute(db);
  await sql`drop function if exists cn_person_name(text, text, text)`.execute(db);
}
