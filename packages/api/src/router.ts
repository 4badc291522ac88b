import { authRouter } from './auth/router.js';
import { mediaRouter } from './media/router.js';
import { profileRouter } from './profiles/router.js';
import { router } from './trpc.js';

export const appRouter = router({
  auth: authRouter,
  profile: profileRouter,
  media: mediaRouter,
});

export type AppRouter = typeof appRouter;
