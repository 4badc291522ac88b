import { sql, type Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import * as accountsAndAuth from './migrations/0001_accounts_and_auth.js';
import * as profiles from './migrations/0002_profiles.js';
import * as postsAndConnections from './migrations/0003_posts_and_connections.js';
import * as postsFeed from './migrations/0004_posts_feed.js';
import * as networkJobsInfo from './migrations/0005_network_jobs_info.js';
import * as chat from './migrations/0006_chat.js';
import * as recommendationIndexes from './migrations/0007_recommendation_indexes.js';
import * as profileTimezone from './migrations/0008_profile_timezone.js';
import * as mentors from './migrations/0009_mentors.js';
import * as mentorSessions from './migrations/0010_mentor_sessions.js';
import * as payments from './migrations/0011_payments.js';
import * as ledger from './migrations/0012_ledger.js';
import * as profileResume from './migrations/0013_profile_resume.js';
import * as jobApplications from './migrations/0014_job_applications.js';
import * as peopleSearch from './migrations/0015_people_search.js';
import * as portfolioProjects from './migrations/0016_portfolio_projects.js';
import * as library from './migrations/0018_library.js';
import * as accountSettings from './migrations/0019_account_settings.js';
import * as settingsEffects from './migrations/0020_settings_effects.js';
import * as newslettersAndShares from './migrations/0021_newsletters_and_shares.js';
import * as googleIdentityAndDeletion from './migrations/0022_google_identity_and_deletion.js';
import * as organizations from './migrations/0023_organizations.js';
import * as support from './migrations/0024_support.js';
import * as newsletterQueueRetention from './migrations/0025_newsletter_queue_retention.js';
import * as unreadMessageSweep from './migrations/0026_unread_message_sweep.js';
import * as mediaReferences from './migrations/0027_media_references.js';
import * as supportTicketTallies from './migrations/0028_support_ticket_tallies.js';

// Listed in code, not read from a folder: file-based discovery breaks under bundlers and vitest.
const migrations: Record<string, Migration> = {
  '0001_accounts_and_auth': accountsAndAuth,
  '0002_profiles': profiles,
  '0003_posts_and_connections': postsAndConnections,
  '0004_posts_feed': postsFeed,
  '0005_network_jobs_info': networkJobsInfo,
  '0006_chat': chat,
  '0007_recommendation_indexes': recommendationIndexes,
  '0008_profile_timezone': profileTimezone,
  '0009_mentors': mentors,
  '0010_mentor_sessions': mentorSessions,
  '0011_payments': payments,
  '0012_ledger': ledger,
  '0013_profile_resume': profileResume,
  '0014_job_applications': jobApplications,
  '0015_people_search': peopleSearch,
  '0016_portfolio_projects': portfolioProjects,
  '0018_library': library,
  '0019_account_settings': accountSettings,
  '0020_settings_effects': settingsEffects,
  '0021_newsletters_and_shares': newslettersAndShares,
  '0022_google_identity_and_deletion': googleIdentityAndDeletion,
  '0023_organizations': organizations,
  '0024_support': support,
  '0025_newsletter_queue_retention': newsletterQueueRetention,
  '0026_unread_message_sweep': unreadMessageSweep,
  '0027_media_references': mediaReferences,
  '0028_support_ticket_tallies': supportTicketTallies,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

/** Brings the schema to the latest version; throws with the failing migration's name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations see every past schema, not `Database`; kysely's Migrator takes Kysely<any>
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  // On one connection without `statement_timeout`: a migration may rewrite or index a large table.
  const { error, results = [] } = await db.connection().execute(async (connection) => {
    await sql`set statement_timeout = 0`.execute(connection);
    try {
      return await new Migrator({ db: connection, provider }).migrateToLatest();
    } finally {
      await sql`reset statement_timeout`.execute(connection);
    }
  });
  const failed = results.find((r) => r.status === 'Error');
  if (error) {
    const where = failed ? ` in ${failed.migrationName}` : '';
    throw new Error(
      `database migration failed${where}: ${error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error)}`,
      {
        cause: error,
      },
    );
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
