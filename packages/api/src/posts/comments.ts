import { isForeignKeyViolation, sql } from '@careernexus/db';
import type { Viewer } from '../auth/sessions.js';
import type { Services } from '../context.js';
import { onlyRow } from '../invariant.js';
import { timestampFromJson } from '../platform/timestamps.js';
import { idFromQuery } from '../validation.js';
import type { CommentNode } from './schemas.js';
import { deliver, storeNotifications } from '../notifications/service.js';
import { mailFirstReaction } from '../settings/notices.js';
import { nameOf, profileCard } from './read.js';
import { commentNotFound, postIdMissing, postNotFound } from './errors.js';

/** Stores a comment (and tells the person answered, unless that is the commenter). */
async function insertComment(services: Services, viewer: Viewer, postId: number, parentId: number | null, body: string, answered: number) {
  const name = answered === viewer.id ? '' : await nameOf(services, viewer.id);
  try {
    const { comment, stored } = await services.db.transaction().execute(async (trx) => {
      const comment = await trx
        .insertInto('comments')
        .values({ post_id: postId, user_id: viewer.id, parent_id: parentId, body })
        .returning(['id', 'created_at'])
        .executeTakeFirstOrThrow();
      // Only top-level comments count, as the original counted them.
      if (parentId === null)
        await trx
          .updateTable('posts')
          .set((eb) => ({ comment_count: eb('comment_count', '+', 1) }))
          .where('id', '=', postId)
          .execute();
      const data = { post_id: postId, comment_id: comment.id, user_id: viewer.id };
      const stored =
        answered === viewer.id
          ? []
          : await storeNotifications(trx, [
              parentId === null
                ? { userId: answered, type: 'comment', message: `${name} commented on your post.`, data }
                : { userId: answered, type: 'reply', message: `${name} replied to your comment.`, data },
            ]);
      return { comment, stored };
    });
    await deliver(services, stored);
    // A comment on someone else's post: perhaps its first, which its author may want by e-mail.
    if (parentId === null) await mailFirstReaction(services, postId, viewer.id, 'comment');
    return comment;
  } catch (error) {
    if (isForeignKeyViolation(error)) throw parentId === null ? postNotFound() : commentNotFound();
    throw error;
  }
}

async function authorCard(services: Services, viewer: Viewer) {
  const row = await services.db
    .selectFrom('profiles as p')
    .innerJoin('users as u', 'u.id', 'p.user_id')
    .select(['p.first_name', 'p.last_name', 'p.middle_name', 'p.profile_photo', 'p.qualification', 'u.user_type'])
    .where('p.user_id', '=', viewer.id)
    .executeTakeFirstOrThrow();
  return profileCard(services, viewer.id, row);
}

export async function commentOn(services: Services, viewer: Viewer, postId: number, body: string) {
  const post = await services.db.selectFrom('posts').select(['id', 'author_id']).where('id', '=', postId).executeTakeFirst();
  if (!post) throw postNotFound();
  const comment = await insertComment(services, viewer, postId, null, body, post.author_id);
  return {
    comment_id: comment.id,
    post: postId,
    parent: null,
    user: await authorCard(services, viewer),
    body,
    time_stamp: comment.created_at,
  };
}

/** A reply belongs to its parent comment's post; replies to replies nest without limit. */
export async function replyTo(services: Services, viewer: Viewer, parentId: number, body: string) {
  const parent = await services.db
    .selectFrom('comments')
    .select(['id', 'post_id', 'user_id'])
    .where('id', '=', parentId)
    .executeTakeFirst();
  if (!parent) throw commentNotFound();
  const comment = await insertComment(services, viewer, parent.post_id, parent.id, body, parent.user_id);
  return {
    comment_id: comment.id,
    post: parent.post_id,
    parent: parent.id,
    user: await authorCard(services, viewer),
    body,
    time_stamp: comment.created_at,
  };
}

/**
 * A comment as the tree's statement writes it: an array rather than an object, which PostgreSQL
 * writes and `pg` parses faster (a hot post has hundreds of comments); the timestamp is ISO text.
 */
type CommentRow = [
  id: number,
  user_id: number,
  parent_id: number | null,
  body: string,
  like_count: number,
  created_at: string,
  first_name: string,
  last_name: string,
  middle_name: string,
  profile_photo: string | null,
  is_liked: boolean,
];

/** The comments of a post as a tree: top-level comments oldest first, each with its replies. */
export async function commentTree(services: Services, viewer: Viewer, rawPostId: string | undefined): Promise<CommentNode[]> {
  if (rawPostId === undefined || rawPostId.trim() === '') throw postIdMissing();
  const postId = idFromQuery(rawPostId);
  if (postId === undefined) throw postNotFound();
  // One statement, its rows as one JSON value. Comments exist only on existing posts, but an
  // empty tree needs the post's existence to tell a 404. The rows are sorted here: an ordered
  // aggregate sorts again what the index already gave in order (a tenth of the statement).
  const { rows } = await sql<{ comments: CommentRow[]; post_exists: boolean }>`
    select
      (select coalesce(json_agg(json_build_array(c.id, c.user_id, c.parent_id, c.body, c.like_count, c.created_at,
          p.first_name, p.last_name, p.middle_name, p.profile_photo,
          exists (select 1 from comment_likes l where l.comment_id = c.id and l.user_id = ${viewer.id}))), '[]')
        from comments c join profiles p on p.user_id = c.user_id
        where c.post_id = ${postId}) as comments,
      exists (select 1 from posts where id = ${postId}) as post_exists`.execute(services.db);
  const { comments, post_exists } = onlyRow(rows);
  if (!post_exists) throw postNotFound();
  comments.sort((a, b) => a[0] - b[0]);
  const nodes = new Map<number, CommentNode>();
  for (const [id, userId, parentId, body, likeCount, createdAt, firstName, lastName, middleName, photo, isLiked] of comments) {
    nodes.set(id, {
      comment_id: id,
      post: postId,
      commenter: {
        id: userId,
        first_name: firstName,
        last_name: lastName,
        middle_name: middleName,
        profile_picture: photo ?? services.config.DEFAULT_PROFILE_PHOTO_URL,
      },
      body,
      parent: parentId,
      like_count: likeCount,
      is_liked: isLiked,
      replies: [],
      time_stamp: timestampFromJson(createdAt),
    });
  }
  const roots: CommentNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parent === null ? undefined : nodes.get(node.parent);
    if (parent) parent.replies.push(node);
    else roots.push(node);
  }
  return roots;
}
