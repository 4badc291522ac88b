import { sql, type Kysely } from 'kysely';

// Migrations use only PostgreSQL 15 features: PGlite is 18, the production server may be 15.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table users (
      id bigint generated always as identity primary key,
      email text not null unique check (email = lower(email) and email <> ''),
      password_hash text not null,
      user_type text not null default 'learner' check (user_type in ('learner', 'mentor', 'employer')),
      industry text not null default 'others',
      role text not null default 'member' check (role in ('member', 'admin')),
      is_active boolean not null default true,
      date_joined timestamptz not null default now(),
      last_login timestamptz,
      password_reset_verified_at timestamptz,
      tokens_valid_after timestamptz
    )`.execute(db);

  await sql`
    create table profiles (
      user_id bigint primary key references users (id) on delete cascade,
      first_name text not null default 'N/A',
      last_name text not null default 'N/A',
      middle_name text not null default 'N/A'
    )`.execute(db);

  await sql`
    create table otp_codes (
      id bigint generated always as identity primary key,
      purpose text not null check (purpose in ('signup', 'reset')),
      email text not null,
      code_digest text not null,
      link_digest text not null unique,
      password_hash text,
      attempts integer not null default 0,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      unique (purpose, email)
    )`.execute(db);
  // A reset code may be verified without its e-mail, so live reset codes must be unique.
  await sql`create unique index otp_codes_reset_code on otp_codes (code_digest) where purpose = 'reset'`.execute(db);

  await sql`
    create table refresh_tokens (
      jti text primary key,
      user_id bigint not null references users (id) on delete cascade,
      issued_at timestamptz not null,
      expires_at timestamptz not null,
      revoked_at timestamptz
    )`.execute(db);
  await sql`create index refresh_tokens_user on refresh_tokens (user_id) where revoked_at is null`.execute(db);

  await sql`
    create table revoked_access_tokens (
      jti text primary key,
      user_id bigint not null references users (id) on delete cascade,
      expires_at timestamptz not null
    )`.execute(db);
  await sql`create index revoked_access_tokens_expiry on revoked_access_tokens (expires_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['revoked_access_tokens', 'refresh_tokens', 'otp_codes', 'profiles', 'users']) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
}
