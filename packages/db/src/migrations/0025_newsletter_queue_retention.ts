import { sql, type Kysely } from 'kysely';

// The newsletter courier deletes settled delivery rows once they are old: sent or skipped rows
// settled at finished_at; rows given up after their last attempt (5, as in newsletter_deliveries_due)
// at not_before, which the last attempt set. This index finds the oldest of them without reading
// the rows still queued or the recent ones.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index newsletter_deliveries_settled on newsletter_deliveries ((coalesce(finished_at, not_before)), id)
    where finished_at is not null or attempts >= 5`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists newsletter_deliveries_settled`.execute(db);
}
