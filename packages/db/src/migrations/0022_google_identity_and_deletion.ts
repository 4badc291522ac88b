import { sql, type Kysely } from 'kysely';

// Google sign-in remembers the Google account (`sub`, stable where the e-mail may change), one
// account each. A deleted account keeps its row as a tombstone (`deleted_at`) so that what others
// keep — comments in their threads, chat history, sessions, payments, ledger — still points at it.
// Password-less accounts confirm a deletion with a mailed code: a third purpose of otp_codes.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table users
      add column google_subject text unique,
      add column deleted_at timestamptz`.execute(db);
  await sql`
    alter table otp_codes
      drop constraint otp_codes_purpose_check,
      add constraint otp_codes_purpose_check check (purpose in ('signup', 'reset', 'deletion'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from otp_codes where purpose = 'deletion'`.execute(db);
  await sql`
    alter table otp_codes
      drop constraint otp_codes_purpose_check,
      add constraint otp_codes_purpose_check check (purpose in ('signup', 'reset'))`.execute(db);
  await sql`alter table users drop column google_subject, drop column deleted_at`.execute(db);
}
