import { sql, type Kysely } from 'kysely';

// Company pages (original-beyond-seed §6.2–§6.4). A company page is an employer account without a
// password, reached by switching from a linked account. Its name, logo, tagline and location live
// in the profile's card columns (first_name, profile_photo, qualification, location), so every
// profile card shows them with no extra read; `companies` keeps what only a company has.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table companies (
      user_id bigint primary key references users (id) on delete cascade,
      company_type text not null,
      company_size text not null,
      website text not null,
      email_verified boolean not null default false,
      -- HMAC of the token of the link mailed to the company's address; null once followed.
      verification_digest text unique,
      created_at timestamptz not null default now()
    )`.execute(db);

  // Who may act for whom: the creator (main) and the company page (child). Listed from both sides.
  await sql`
    create table linked_accounts (
      main_account_id bigint not null references users (id) on delete cascade,
      child_id bigint not null references users (id) on delete cascade,
      created_at timestamptz not null default now(),
      primary key (main_account_id, child_id),
      check (main_account_id <> child_id)
    )`.execute(db);
  await sql`create index linked_accounts_by_child on linked_accounts (child_id, main_account_id)`.execute(db);

  // Every switch: who, into which account, when.
  await sql`
    create table account_switches (
      id bigint generated always as identity primary key,
      user_id bigint not null references users (id) on delete cascade,
      account_id bigint not null references users (id) on delete cascade,
      switched_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index account_switches_by_user on account_switches (user_id, id)`.execute(db);

  // Invited members accept before they count; one row per organization and person.
  await sql`
    create table organization_members (
      organization_id bigint not null references users (id) on delete cascade,
      member_id bigint not null references users (id) on delete cascade,
      status text not null default 'invited' check (status in ('invited', 'accepted')),
      invited_at timestamptz not null default now(),
      accepted_at timestamptz,
      primary key (organization_id, member_id)
    )`.execute(db);
  // An organization's members (or invitations) newest first; a person's memberships.
  await sql`create index organization_members_by_status on organization_members (organization_id, status, member_id desc)`.execute(db);
  await sql`create index organization_members_by_member on organization_members (member_id)`.execute(db);

  // Sessions: a refresh token carries its session (kept through rotation), the session it was
  // switched from (whose sign-out ends it), and the access token issued beside it (so ending a
  // session can revoke its access tokens too).
  await sql`
    alter table refresh_tokens
      add column session_id text,
      add column parent_session_id text,
      add column access_jti text`.execute(db);
  await sql`update refresh_tokens set session_id = jti`.execute(db);
  await sql`alter table refresh_tokens alter column session_id set not null`.execute(db);
  await sql`create unique index refresh_tokens_access_jti on refresh_tokens (access_jti) where access_jti is not null`.execute(db);
  await sql`create index refresh_tokens_parent_session on refresh_tokens (parent_session_id) where parent_session_id is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists refresh_tokens_parent_session`.execute(db);
  await sql`drop index if exists refresh_tokens_access_jti`.execute(db);
  await sql`alter table refresh_tokens drop column session_id, drop column parent_session_id, drop column access_jti`.execute(db);
  await sql`drop table if exists organization_members`.execute(db);
  await sql`drop table if exists account_switches`.execute(db);
  await sql`drop table if exists linked_accounts`.execute(db);
  await sql`drop table if exists companies`.execute(db);
}
