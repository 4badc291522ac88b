import { loadConfig } from '@careernexus/api';
import { migrateToLatest } from '@careernexus/db';
import { openConfiguredDatabase } from './server.js';

const database = await openConfiguredDatabase(loadConfig());
try {
  const applied = await migrateToLatest(database.db);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date');
} finally {
  await database.close();
}
