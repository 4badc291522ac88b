import { sql, type Kysely } from 'kysely';

// A résumé (the URL of a PDF in media storage) any profile may carry; job applications fall back to it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table profiles add column resume text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table profiles drop column resume`.execute(db);
}
