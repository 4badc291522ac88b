import { mediaRefusals } from '../media/router.js';
import { answers, rest, type RestRoute } from '../rest.js';
import { authedProcedure, publicProcedure, router } from '../trpc.js';
import { z } from '../validation.js';
import { commentOn, commentTree, replyTo } from './comments.js';
import { feed, followingFeed, mentorPosts, postsBy, savedPosts, singlePost, userPosts } from './lists.js';
import * as schemas from './schemas.js';
import * as postErrors from './errors.js';
import { sharePage } from './share-page.js';
import { createPost, deletePost, likeComment, likePost, repost, savePost, sharePost } from './write.js';
import { toleratingLag } from '../platform/reads.js';

const route = (route: Omit<RestRoute, 'tag' | 'protect'>) => rest({ ...route, tag: 'posts', protect: true });
const NO_POST = { 404: answers('No such post', postErrors.postNotFound()) };
const NO_COMMENT = { 404: answers('No such comment', postErrors.commentNotFound()) };
const NO_POST_ID = { 400: answers('No post_id given', postErrors.postIdMissing()) };

const deleteProcedure = (path: `/${string}/`, summary: string) =>
  authedProcedure
    .meta(
      route({
        method: 'DELETE',
        path,
        status: 204,
        summary,
        description:
          'Deletes one of your posts (`?post_id=`) with its likes, saves, shares and comments. Reposts of it stay and show their parent as removed. 204, no body.',
        errors: { ...NO_POST_ID, 404: answers('No post of yours has this id', postErrors.postNotFound()) },
      }),
    )
    .input(schemas.postIdQuery)
    .output(z.void())
    .mutation(async ({ ctx, input }) => {
      await deletePost(ctx.services, ctx.viewer, input.post_id);
    });

export const postsRouter = router({
  feed: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/post/',
        summary: 'The feed, or one post',
        description:
          'Without `post_id`: the reader’s feed, newest first — posts classified under the reader’s industry, posts by mentors, ' +
          'the reader’s own posts and posts of people the reader follows. Paginated (`page`, `page_size`); `next`/`previous` ' +
          'carry a `snapshot` that pins the feed as it was on page 1. The feed lists its newest 1,000 posts (`count` is exact up to there). With `post_id`: that post.',
        errors: NO_POST,
      }),
    )
    .input(schemas.feedInput)
    .output(schemas.feedOutput)
    .query(async ({ ctx, input }) => {
      const lagging = await toleratingLag(ctx);
      return input.post_id !== undefined ? singlePost(lagging, ctx.viewer, input.post_id) : feed(lagging, ctx.viewer, input);
    }),

  get: authedProcedure
    .input(z.object({ post_id: z.number().int().positive() }))
    .output(schemas.postFull)
    .query(({ ctx, input }) => singlePost(ctx, ctx.viewer, String(input.post_id))),

  create: authedProcedure
    .meta({
      ...route({
        method: 'POST',
        path: '/post/',
        status: 201,
        summary: 'Write a post',
        description:
          '`body` with optional `article` text, up to three images (`pic1`–`pic3`) and a `video` — file parts of a multipart body, ' +
          'or in JSON URLs of files uploaded through `media.createUpload`. The post is classified into industries for the feed.',
        errors: mediaRefusals('pic1', 'image'),
      }),
      uploads: { pic1: 'image', pic2: 'image', pic3: 'image', video: 'video' },
    })
    .input(schemas.createPostInput)
    .output(schemas.postFull)
    .mutation(({ ctx, input }) => createPost(ctx.services, ctx.viewer, input)),

  delete: deleteProcedure('/post/', 'Delete your post'),
  deleteAtClientPath: deleteProcedure('/post/delete/', 'Delete your post (the path existing clients use)'),

  following: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/post/following/',
        summary: 'Posts of people you follow',
        description: 'Newest first, paginated like the feed.',
      }),
    )
    .input(schemas.listInput)
    .output(schemas.postPage)
    .query(async ({ ctx, input }) => followingFeed(await toleratingLag(ctx), ctx.viewer, input)),

  mine: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/post/posted/',
        summary: 'Your posts',
        description: 'Your posts and reposts, newest first, paginated.',
      }),
    )
    .input(schemas.listInput)
    .output(schemas.postPage)
    .query(({ ctx, input }) => postsBy(ctx, ctx.viewer, ctx.viewer.id, input)),

  byMentors: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/post/by-mentors/',
        summary: 'Posts by mentors',
        description: 'Every post whose author is a mentor, newest first, paginated (**5 a page** by default) like the feed.',
      }),
    )
    .input(schemas.listInput)
    .output(schemas.postPage)
    .query(async ({ ctx, input }) => mentorPosts(await toleratingLag(ctx), ctx.viewer, input)),

  byUser: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/post/by-user/',
        summary: 'A person’s posts',
        description: 'Posts of `?user_id=`, newest first, paginated.',
        errors: { 404: answers('No such user', postErrors.authorNotFound()) },
      }),
    )
    .input(schemas.byUserInput)
    .output(schemas.postPage)
    .query(async ({ ctx, input }) => userPosts(await toleratingLag(ctx), ctx.viewer, input)),

  repost: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/post/repost/',
        status: 201,
        summary: 'Repost',
        description: 'Reposts `parent` (the original post when `parent` is itself a repost), with an optional `body`.',
        errors: NO_POST,
      }),
    )
    .input(schemas.repostInput)
    .output(schemas.postFull)
    .mutation(({ ctx, input }) => repost(ctx.services, ctx.viewer, input.parent, input.body)),

  like: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/post/like/',
        status: 201,
        summary: 'Like a post',
        description: 'Idempotent: liking twice keeps one like.',
        errors: NO_POST,
      }),
    )
    .input(schemas.postRef)
    .output(z.object({ post: z.number().int(), liked: z.boolean() }))
    .mutation(({ ctx, input }) => likePost(ctx.services, ctx.viewer, input.post, true)),

  unlike: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/post/unlike/',
        summary: 'Remove your like',
        description: 'Idempotent.',
        errors: NO_POST,
      }),
    )
    .input(schemas.postRef)
    .output(z.object({ post: z.number().int(), liked: z.boolean() }))
    .mutation(({ ctx, input }) => likePost(ctx.services, ctx.viewer, input.post, false)),

  save: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/post/save/',
        status: 201,
        summary: 'Save a post',
        description: 'Idempotent: saving twice keeps one save.',
        errors: NO_POST,
      }),
    )
    .input(schemas.postRef)
    .output(z.object({ post_id: z.number().int(), saved: z.boolean() }))
    .mutation(({ ctx, input }) => savePost(ctx.services, ctx.viewer, input.post, true)),

  unsave: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/post/unsave/',
        summary: 'Unsave a post',
        description: 'Idempotent.',
        errors: NO_POST,
      }),
    )
    .input(schemas.postRef)
    .output(z.object({ post_id: z.number().int(), saved: z.boolean() }))
    .mutation(({ ctx, input }) => savePost(ctx.services, ctx.viewer, input.post, false)),

  saved: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/post/save/',
        summary: 'Your saved posts',
        description: 'Most recently saved first, as `[{"post": PostBody}]`.',
      }),
    )
    .input(z.void())
    .output(z.array(schemas.savedItem))
    .query(({ ctx }) => savedPosts(ctx, ctx.viewer)),

  share: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/post/share/',
        status: 201,
        summary: 'Share a post',
        description:
          'Every call counts one share. Answers `post_hash`, your link to the post’s public page (`GET /post/share/?hash=`): ' +
          'one per post and sharer, the same on every call; it lasts as long as the post.',
        errors: NO_POST,
      }),
    )
    .input(schemas.postRef)
    .output(schemas.shareCreated)
    .mutation(({ ctx, input }) => sharePost(ctx.services, ctx.viewer, input.post)),

  sharePage: publicProcedure
    .meta(
      rest({
        method: 'GET',
        path: '/post/share/',
        tag: 'posts',
        summary: 'A share’s public page',
        description:
          'No sign-in: `?hash=` (a `post_hash` from sharing) answers who shared the post and the post as anyone may see it — ' +
          'its author’s card, body, media, counts and reposted parent. Nothing else: no e-mail, no post id, no article, no comments. ' +
          'A hash that names no page (never drawn, or its post deleted) is a 400, as the original answers.',
        errors: {
          400: answers('No hash, or one that names no share page', postErrors.shareHashMissing(), postErrors.unknownShareHash()),
        },
      }),
    )
    .input(schemas.sharePageInput)
    .output(schemas.sharePage)
    .query(({ ctx, input }) => sharePage(ctx.services, input.hash)),

  comment: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/post/comment/',
        status: 201,
        summary: 'Comment on a post',
        description: 'A top-level comment.',
        errors: NO_POST,
      }),
    )
    .input(schemas.commentInput)
    .output(schemas.commentCreated)
    .mutation(({ ctx, input }) => commentOn(ctx.services, ctx.viewer, input.post, input.body)),

  comments: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/post/comment/',
        summary: 'A post’s comments',
        description: 'A bare array of top-level comments, oldest first, each with its `replies` nested to any depth.',
        errors: { ...NO_POST_ID, ...NO_POST },
      }),
    )
    .input(schemas.postIdQuery)
    .output(z.array(schemas.commentNode))
    .query(({ ctx, input }) => commentTree(ctx.services, ctx.viewer, input.post_id)),

  reply: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/post/reply/',
        status: 201,
        summary: 'Reply to a comment',
        description: 'Replies may be replied to, without limit.',
        errors: NO_COMMENT,
      }),
    )
    .input(schemas.replyInput)
    .output(schemas.commentCreated)
    .mutation(({ ctx, input }) => replyTo(ctx.services, ctx.viewer, input.parent, input.body)),

  likeComment: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/post/like/comment/',
        status: 201,
        summary: 'Like a comment',
        description: 'Idempotent.',
        errors: NO_COMMENT,
      }),
    )
    .input(schemas.commentRef)
    .output(z.object({ comment: z.number().int(), liked: z.boolean() }))
    .mutation(({ ctx, input }) => likeComment(ctx.services, ctx.viewer, input.comment, true)),

  unlikeComment: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/post/unlike/comment/',
        summary: 'Remove your like from a comment',
        description: 'Idempotent.',
        errors: NO_COMMENT,
      }),
    )
    .input(schemas.commentRef)
    .output(z.object({ comment: z.number().int(), liked: z.boolean() }))
    .mutation(({ ctx, input }) => likeComment(ctx.services, ctx.viewer, input.comment, false)),
});
