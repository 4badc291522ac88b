import { sql, type Kysely } from 'kysely';

// Every existing profile reads as UTC until its owner picks a zone; the API validates the names.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table profiles add column timezone text not null default 'UTC'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table profiles drop column timezone`.execute(db);
}
