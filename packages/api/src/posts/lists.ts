import type { Viewer } from '../auth/sessions.js';
import type { Context } from '../context.js';
import { idFromQuery } from '../validation.js';
import { lastPageLink, paginate, readCountedPage, readPage } from '../pagination.js';
import { authorPage, feedPage, mentorsPage } from './feed.js';
import { bodyOf, postsByIds, type PostPage } from './read.js';
import { authorNotFound, postNotFound } from './errors.js';

interface ListQuery {
  page?: string | undefined;
  page_size?: string | undefined;
  snapshot?: string | undefined;
}

/**
 * A page of posts from `source`. The first page pins the newest post id as `snapshot` in its
 * links, so walking `next` neither repeats nor skips posts while new ones arrive.
 */
async function postPage(
  ctx: Context,
  query: ListQuery,
  source: (pinned: number | null, offset: number, size: number) => Promise<PostPage>,
  defaultSize?: number,
) {
  const request = readPage(query, defaultSize);
  const requested = Number.parseInt(query.snapshot ?? '', 10);
  const pinned = Number.isSafeInteger(requested) && requested > 0 ? requested : null;
  // A second reading keeps the first one's snapshot.
  const { page, found } = await readCountedPage<PostPage>(request, (page, earlier) =>
    source(earlier?.snapshot ?? pinned, (page - 1) * request.size, request.size),
  );
  return paginate(ctx.url, page, request.size, found.count, found.posts, { snapshot: String(found.snapshot) });
}

/** The home feed: the reader's industry, mentors, the reader's own posts and people followed. */
export async function feed(ctx: Context, viewer: Viewer, query: ListQuery) {
  const page = await postPage(ctx, query, (pinned, offset, limit) => feedPage(ctx.services, viewer, pinned, offset, limit));
  return { ...page, last_page: lastPageLink(ctx.url, readPage(query).size, page.count) };
}

export async function followingFeed(ctx: Context, viewer: Viewer, query: ListQuery) {
  return postPage(ctx, query, (pinned, offset, limit) => feedPage(ctx.services, viewer, pinned, offset, limit, true));
}

export async function postsBy(ctx: Context, viewer: Viewer, authorId: number, query: ListQuery) {
  return postPage(ctx, query, (pinned, offset, limit) => authorPage(ctx.services, viewer, authorId, pinned, offset, limit));
}

/** Pages of posts by mentors hold 5 unless `page_size` says otherwise (as the original's did). */
const MENTOR_POSTS_PAGE_SIZE = 5;

/** Posts whose author is a mentor, newest first (the feed's 'mentor' key). */
export async function mentorPosts(ctx: Context, viewer: Viewer, query: ListQuery) {
  return postPage(ctx, query, (pinned, offset, limit) => mentorsPage(ctx.services, viewer, pinned, offset, limit), MENTOR_POSTS_PAGE_SIZE);
}

export async function userPosts(ctx: Context, viewer: Viewer, query: ListQuery & { user_id?: string | undefined }) {
  const userId = idFromQuery(query.user_id);
  if (userId === undefined) throw authorNotFound();
  const user = await ctx.services.db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
  if (!user) throw authorNotFound();
  return postsBy(ctx, viewer, user.id, query);
}

export async function singlePost(ctx: Context, viewer: Viewer, rawId: string) {
  const postId = idFromQuery(rawId);
  if (postId === undefined) throw postNotFound();
  const [post] = await postsByIds(ctx.services, viewer, [postId]);
  if (!post) throw postNotFound();
  return post;
}

/** Saved posts, most recently saved first. */
export async function savedPosts(ctx: Context, viewer: Viewer) {
  const rows = await ctx.services.db
    .selectFrom('post_saves')
    .select('post_id')
    .where('user_id', '=', viewer.id)
    .orderBy('created_at', 'desc')
    .orderBy('post_id', 'desc')
    .execute();
  const posts = await postsByIds(
    ctx.services,
    viewer,
    rows.map((row) => row.post_id),
  );
  return posts.map((post) => ({ post: bodyOf(post) }));
}
