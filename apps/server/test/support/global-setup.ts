import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateToLatest, openDatabase } from '@careernexus/db';
import type { TestProject } from 'vitest/node';
import { createDatabase, dropDatabase, postgresUrl } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseKind: 'pglite' | 'postgres';
    /** PGlite: a migrated data-dir dump. PostgreSQL: a migrated template database. */
    databaseTemplate: string;
  }
}

/** Migrates one template per project; each test file clones it (≈1 s instead of a fresh initdb). */
export default async function setup(project: TestProject) {
  const kind = project.config.provide?.databaseKind ?? 'pglite';
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'cn-pglite-template-'));
    const handle = await openDatabase({});
    await migrateToLatest(handle.db);
    const dump = await handle.dumpDataDir!();
    await handle.close();
    const file = join(dir, 'template.tar');
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    project.provide('databaseTemplate', file);
    return () => rmSync(dir, { recursive: true, force: true });
  }

  const name = `cn_template_${randomBytes(4).toString('hex')}`;
  await createDatabase(name);
  const handle = await openDatabase({ url: postgresUrl(name), poolSize: 1 });
  await migrateToLatest(handle.db);
  await handle.close();
  project.provide('databaseTemplate', name);
  return () => dropDatabase(name);
}
