import { authRouter } from './auth/router.js';
import { chatRouter } from './chat/router.js';
import { newsletterRouter } from './content/router.js';
import { notificationsRouter } from './notifications/router.js';
import { organizationsRouter } from './organizations/router.js';
import { followsRouter } from './follows/router.js';
import { identityRouter } from './auth/identity-router.js';
import { infoRouter } from './info/router.js';
import { jobsRouter } from './jobs/router.js';
import { libraryRouter } from './info/library-router.js';
import { mediaRouter } from './media/router.js';
import { mentorsRouter } from './mentors/router.js';
import { networkRouter } from './network/router.js';
import { paymentsRouter } from './payments/router.js';
import { portfolioRouter } from './portfolio/router.js';
import { postsRouter } from './posts/router.js';
import { profileRouter } from './profiles/router.js';
import { searchRouter } from './search/router.js';
import { sessionsRouter } from './sessions/router.js';
import { supportRouter } from './support/router.js';
import { settingsRouter } from './settings/router.js';
import { vaultRouter } from './vault/router.js';
import { router } from './trpc.js';

export const appRouter = router({
  auth: authRouter,
  identity: identityRouter,
  profile: profileRouter,
  search: searchRouter,
  media: mediaRouter,
  posts: postsRouter,
  follows: followsRouter,
  network: networkRouter,
  jobs: jobsRouter,
  info: infoRouter,
  chat: chatRouter,
  notifications: notificationsRouter,
  mentors: mentorsRouter,
  sessions: sessionsRouter,
  payments: paymentsRouter,
  vault: vaultRouter,
  portfolio: portfolioRouter,
  library: libraryRouter,
  support: supportRouter,
  organizations: organizationsRouter,
  settings: settingsRouter,
  newsletters: newsletterRouter,
});

export type AppRouter = typeof appRouter;
