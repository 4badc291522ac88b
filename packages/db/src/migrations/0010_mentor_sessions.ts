import { sql, type Kysely } from 'kysely';

/**
 * Mentorship sessions and their invitees. A session's status only moves through the transitions
 * of packages/api/src/sessions/states.ts; rejected and cancelled sessions stay as history.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table mentor_sessions (
      id bigint generated always as identity primary key,
      mentor_id bigint not null references users (id) on delete cascade,
      mentee_id bigint not null references users (id) on delete cascade,
      session_type text not null check (session_type in ('individual', 'group')),
      room_name text not null unique,
      session_at timestamptz not null,
      discourse text not null,
      rating smallint not null default 0 check (rating between 0 and 5),
      status text not null default 'PENDING' check (status in ('PENDING', 'ACCEPTED', 'REJECTED', 'CANCELLED', 'COMPLETED')),
      -- The mentor's rate when booked (minor units of price_currency): what is to be paid. 0: free, paid at booking.
      price_minor bigint not null default 0 check (price_minor >= 0),
      price_currency text not null default 'USD',
      is_paid boolean not null default false,
      created_at timestamptz not null default now(),
      status_changed_at timestamptz not null default now(),
      check (mentor_id <> mentee_id),
      -- A rating is given with the completion, never before or without it.
      check ((status = 'COMPLETED') = (rating > 0))
    )`.execute(db);
  // The lists: by mentee or by mentor, per status, newest first.
  await sql`create index mentor_sessions_by_mentee on mentor_sessions (mentee_id, status, id desc)`.execute(db);
  await sql`create index mentor_sessions_by_mentor on mentor_sessions (mentor_id, status, id desc)`.execute(db);

  // One row per session and person (the key); at most ten per session, checked at booking, the only writer.
  await sql`
    create table mentor_session_invitees (
      id bigint generated always as identity unique,
      session_id bigint not null references mentor_sessions (id) on delete cascade,
      invitee_id bigint not null references users (id) on delete cascade,
      created_at timestamptz not null default now(),
      primary key (session_id, invitee_id)
    )`.execute(db);
  // The invited list, newest first.
  await sql`create index mentor_session_invitees_by_invitee on mentor_session_invitees (invitee_id, id desc)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['mentor_session_invitees', 'mentor_sessions']) await sql`drop table if exists ${sql.table(table)}`.execute(db);
}
