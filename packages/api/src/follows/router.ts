import { envelope, pageInput } from '../pagination.js';
import { profileCard } from '../posts/schemas.js';
import { idField } from '../profiles/schemas.js';
import { userNotFound } from '../network/errors.js';
import { answers, rest, type RestRoute } from '../rest.js';
import { authedProcedure, router } from '../trpc.js';
import { z } from '../validation.js';
import * as followErrors from './errors.js';
import { follow, followCards, followCounts, recommendations, unfollow } from './service.js';
import { toleratingLag } from '../platform/reads.js';

const route = (route: Omit<RestRoute, 'tag' | 'protect'>) => rest({ ...route, tag: 'follows', protect: true });
const target = z.object({ user_following: idField.describe('The user id to follow or unfollow') });
const followPair = z.object({ follower: z.number().int(), following: z.number().int() });

export const followsRouter = router({
  follow: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/follow/',
        status: 201,
        summary: 'Follow someone',
        description: 'Idempotent: following twice keeps one follow. Following yourself is a 400.',
        errors: {
          400: answers('Cannot follow self', followErrors.followingYourself()),
          404: answers('No such user', userNotFound()),
        },
      }),
    )
    .input(target)
    .output(followPair)
    .mutation(({ ctx, input }) => follow(ctx.services, ctx.viewer, input.user_following)),

  unfollow: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/unfollow/',
        summary: 'Stop following someone',
        description: 'Idempotent.',
      }),
    )
    .input(target)
    .output(followPair)
    .mutation(({ ctx, input }) => unfollow(ctx.services, ctx.viewer, input.user_following)),

  followings: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/followings/',
        summary: 'People you follow',
        description: 'Profile cards, most recently followed first.',
      }),
    )
    .input(z.void())
    .output(z.array(profileCard))
    .query(({ ctx }) => followCards(ctx.services, ctx.viewer, 'followings')),

  followers: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/followers/',
        summary: 'Your followers',
        description: 'Profile cards, most recent first.',
      }),
    )
    .input(z.void())
    .output(z.array(profileCard))
    .query(({ ctx }) => followCards(ctx.services, ctx.viewer, 'followers')),

  followingCount: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/followings/count/',
        summary: 'How many people you follow',
        description: '`{"following_count": n}`',
      }),
    )
    .input(z.void())
    .output(z.object({ following_count: z.number().int() }))
    .query(async ({ ctx }) => ({ following_count: (await followCounts(ctx.services, ctx.viewer)).followings })),

  followerCount: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/followers/count/',
        summary: 'How many people follow you',
        description: '`{"followers count": n}` (the key has a space, as clients read it).',
      }),
    )
    .input(z.void())
    .output(z.object({ 'followers count': z.number().int() }))
    .query(async ({ ctx }) => ({ 'followers count': (await followCounts(ctx.services, ctx.viewer)).followers })),

  recommendations: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/follow/recommendation/',
        summary: 'People to follow',
        description: 'People you do not follow yet: your industry first, then mentors, then the newest. Paginated.',
      }),
    )
    .input(z.object(pageInput))
    .output(envelope(profileCard))
    .query(async ({ ctx, input }) => recommendations(await toleratingLag(ctx), ctx.viewer, input)),
});
