import { loadConfig } from '@careernexus/api';
import { migrateToLatest } from '@careernexus/db';
import { openConfiguredDatabase } from './server.js';

// `pnpm run set-role <email> <admin|member>`: the one way to make an administrator besides ADMIN_EMAILS.
const [email, role] = process.argv.slice(2);
if (!email || (role !== 'admin' && role !== 'member')) {
  console.error('usage: pnpm run set-role <email> <admin|member>');
  process.exit(2);
}
const database = await openConfiguredDatabase(loadConfig());
try {
  await migrateToLatest(database.db);
  const updated = await database.db.updateTable('users').set({ role }).where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
  if (updated.numUpdatedRows === 0n) {
    console.error(`no account with the e-mail ${email}`);
    process.exitCode = 1;
  } else {
    console.log(`${email} is now ${role === 'admin' ? 'an administrator' : 'a member'}`);
  }
} finally {
  await database.close();
}
