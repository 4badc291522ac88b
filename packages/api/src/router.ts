import { authRouter } from './auth/router.js';
import { followsRouter } from './follows/router.js';
import { mediaRouter } from './media/router.js';
import { postsRouter } from './posts/router.js';
import { profileRouter } from './profiles/router.js';
import { router } from './trpc.js';

export const appRouter = router({
  auth: authRouter,
  profile: profileRouter,
  media: mediaRouter,
  posts: postsRouter,
  follows: followsRouter,
});

export type AppRouter = typeof appRouter;
