import { sql, type Kysely } from 'kysely';

/**
 * Every column that names an uploaded file, indexed where it names one: before a replaced or
 * deleted file leaves storage, each of these is asked whether another row still names it, and a
 * million posts must not be scanned for that. Partial (`<> ''`): most rows name no file.
 * The API's list (media/cleanup.ts) names the same columns; this one is the schema as of now.
 */
const MEDIA_COLUMNS = [
  ['profiles', 'profile_photo'],
  ['profiles', 'cover_photo'],
  ['profiles', 'intro_video'],
  ['profiles', 'resume'],
  ['posts', 'pic1'],
  ['posts', 'pic2'],
  ['posts', 'pic3'],
  ['posts', 'video'],
  ['projects', 'image'],
  ['projects', 'download_material'],
  ['job_applications', 'resume'],
  ['newsletters', 'image'],
  ['library_items', 'file'],
] as const;

const indexName = (table: string, column: string) => `${table}_${column}_media`;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [table, column] of MEDIA_COLUMNS) {
    await sql`create index ${sql.id(indexName(table, column))} on ${sql.table(table)} (${sql.id(column)}) where ${sql.id(column)} <> ''`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [table, column] of MEDIA_COLUMNS) await sql`drop index ${sql.id(indexName(table, column))}`.execute(db);
}
