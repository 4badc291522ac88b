import { sql, type Kysely } from 'kysely';

// Support tickets (original-beyond-seed §6.6) and corporate sales leads (§6.7). Choices are
// checked here as well as in the API, and a lead's e-mail is unique here, not only in code.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table support_tickets (
      id bigint generated always as identity primary key,
      user_id bigint not null references users (id) on delete cascade,
      category text not null check (category in ('technical', 'payment', 'account', 'request', 'others')),
      priority text not null check (priority in ('low', 'medium', 'high', 'urgent')),
      message text not null check (char_length(message) between 1 and 5000),
      status text not null default 'pending' check (status in ('pending', 'in_progress', 'resolved', 'closed')),
      admin_response text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  // A member's tickets newest first (with or without a status), and the administrators' filtered
  // lists newest first by the filter given (the unfiltered list walks the primary key backwards);
  // the summary counts from the (category, status) index alone.
  await sql`create index support_tickets_by_user on support_tickets (user_id, id desc)`.execute(db);
  await sql`create index support_tickets_by_status on support_tickets (status, id desc)`.execute(db);
  await sql`create index support_tickets_by_priority on support_tickets (priority, id desc)`.execute(db);
  await sql`create index support_tickets_by_category on support_tickets (category, id desc)`.execute(db);
  await sql`create index support_tickets_summary on support_tickets (category, status)`.execute(db);

  await sql`
    create table corporate_leads (
      id bigint generated always as identity primary key,
      full_name text not null check (char_length(full_name) between 1 and 200),
      email_address text not null constraint corporate_leads_email_unique unique,
      phone_number text not null,
      interested_services text[] not null check (cardinality(interested_services) > 0),
      package text check (package in ('basic', 'premium', 'inclusive')),
      created_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists corporate_leads`.execute(db);
  await sql`drop table if exists support_tickets`.execute(db);
}
