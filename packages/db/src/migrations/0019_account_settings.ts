import { sql, type Kysely } from 'kysely';

// Each member's settings (original-beyond-seed §6.5), kept on the account they govern, with the
// original's defaults except `show_email`: an address stays private until its owner shows it.
// Accounts may also have no password: those created by Google sign-in and company pages reached
// by switching accounts; a password reset can give them one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table users
      add column email_notify boolean not null default false,
      add column push_notify boolean not null default true,
      add column message_notify boolean not null default false,
      add column weekly_summary boolean not null default false,
      add column job_alerts boolean not null default true,
      add column marketing boolean not null default false,
      add column show_email boolean not null default false,
      add column show_activity boolean not null default false,
      add column show_location boolean not null default false,
      alter column password_hash drop not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table users
      drop column email_notify, drop column push_notify, drop column message_notify, drop column weekly_summary,
      drop column job_alerts, drop column marketing, drop column show_email, drop column show_activity,
      drop column show_location`.execute(db);
}
