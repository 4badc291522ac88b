import { sql, type Kysely } from 'kysely';

// Measured with bench/ at 100k users: recommendations read whole tables without these.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index users_by_industry on users (industry, id) where is_active`.execute(db);
  await sql`create index jobs_by_kind on jobs (employment_type, work_type, experience_level, id desc)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists jobs_by_kind`.execute(db);
  await sql`drop index if exists users_by_industry`.execute(db);
}
