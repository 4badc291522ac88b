import { loadConfig, publishRevocation } from '@careernexus/api';
import { migrateToLatest } from '@careernexus/db';
import { openConfiguredDatabase } from './server.js';

// `pnpm run set-role <email> <admin|member>`: the one way to make an administrator besides ADMIN_EMAILS.
const [email, role] = process.argv.slice(2);
if (!email || (role !== 'admin' && role !== 'member')) {
  console.error('usage: pnpm run set-role <email> <admin|member>');
  process.exit(2);
}
const config = loadConfig();
const database = await openConfiguredDatabase(config);
try {
  await migrateToLatest(database.db);
  const updated = await database.db
    .updateTable('users')
    .set({ role })
    .where('email', '=', email.trim().toLowerCase())
    .returning('id')
    .executeTakeFirst();
  if (!updated) {
    console.error(`no account with the e-mail ${email}`);
    process.exitCode = 1;
  } else {
    // Running servers forget what they remembered of the account at once (else within AUTH_MEMO_SECONDS).
    if (config.REDIS_URL) await publishRevocation(config.REDIS_URL, config.REDIS_PREFIX, { userId: updated.id });
    console.log(`${email} is now ${role === 'admin' ? 'an administrator' : 'a member'}`);
  }
} finally {
  await database.close();
}
