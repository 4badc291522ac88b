import { sql } from '@careernexus/db';
import type { Services } from '../context.js';

/**
 * Every column that names an uploaded file (each indexed where it names one, migration 0027).
 * Any media field accepts the URL of any file uploaded here, so one file may be named by several
 * rows: a profile photo may be a post's picture, a company logo a project's image.
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

/** The ones of `urls` some row still names, in one statement. */
async function stillNamed(services: Services, urls: string[]): Promise<Set<string>> {
  const lookups = MEDIA_COLUMNS.map(([table, column]) => {
    const named = sql.ref(column);
    return sql`select ${named} as url from ${sql.table(table)} where ${named} = any(${urls}::text[]) and ${named} <> ''`;
  });
  const { rows } = await sql<{ url: string }>`${sql.join(lookups, sql` union `)}`.execute(services.db);
  return new Set(rows.map((row) => row.url));
}

/**
 * Removes from storage the files behind `urls` (old values of replaced or deleted fields) that no
 * row names any more. Call it after the change has committed: a rolled-back write still names its
 * files, so they stay. Never throws: a file it cannot remove is logged and only wastes space.
 */
export async function removeUnusedMedia(services: Services, urls: ReadonlyArray<string | null | undefined>): Promise<void> {
  const keys = new Map<string, string>();
  for (const url of urls) {
    const key = url ? services.storage.keyOf(url) : undefined;
    if (url && key) keys.set(url, key);
  }
  if (!keys.size) return;
  let named: Set<string>;
  try {
    named = await stillNamed(services, [...keys.keys()]);
  } catch (error) {
    services.log.warn({ err: error, keys: [...keys.values()] }, 'could not check whether files are still used; kept them');
    return;
  }
  await Promise.all(
    [...keys]
      .filter(([url]) => !named.has(url))
      .map(([, key]) =>
        services.storage.delete(key).catch((error: unknown) => services.log.warn({ err: error, key }, 'could not delete a file')),
      ),
  );
}
