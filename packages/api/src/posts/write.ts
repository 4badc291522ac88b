import { randomUUID } from 'node:crypto';
import { isForeignKeyViolation, sql, type Database, type Kysely, type Transaction } from '@careernexus/db';
import type { Viewer } from '../auth/sessions.js';
import { classifyIndustryLabels } from '../classifier/industry.js';
import type { Services } from '../context.js';
import type { MediaKind } from '../media/formats.js';
import { removeUnusedMedia } from '../media/cleanup.js';
import { checkStoredMedia } from '../media/service.js';
import { deliver, storeNotifications, type NewNotification, type StoredNotification } from '../notifications/service.js';
import { mailFirstReaction } from '../settings/notices.js';
import { timestampFromJson } from '../platform/timestamps.js';
import { onlyRow, required } from '../invariant.js';
import { idFromQuery } from '../validation.js';
import { commentNotFound, postIdMissing, postNotFound } from './errors.js';
import { postRowsJson, postsByIds, toPosts, type PostRow, type PostRowArrays } from './read.js';

/** Runs `write` in a transaction; a post or comment deleted meanwhile (foreign key) is a 404. */
async function inTransaction<T>(services: Services, notFound: () => Error, write: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  try {
    return await services.db.transaction().execute(write);
  } catch (error) {
    if (isForeignKeyViolation(error)) throw notFound();
    throw error;
  }
}

async function requirePost(db: Kysely<Database>, postId: number) {
  const post = await db
    .selectFrom('posts')
    .select(['id', 'author_id', 'parent_id', 'industries'])
    .where('id', '=', postId)
    .executeTakeFirst();
  if (!post) throw postNotFound();
  return post;
}

/** The keys a post is found by in feeds: its industries, and 'mentor' when a mentor wrote it. */
function feedKeysOf(labels: readonly string[], author: Viewer) {
  const keys = labels.map((label) => `industry:${label}`);
  if (author.userType === 'mentor') keys.push('mentor');
  return keys;
}

const MEDIA_FIELDS = { pic1: 'image', pic2: 'image', pic3: 'image', video: 'video' } as const satisfies Record<string, MediaKind>;

export interface NewPost {
  body: string;
  pic1?: string | undefined;
  pic2?: string | undefined;
  pic3?: string | undefined;
  video?: string | undefined;
  article?: string | undefined;
}

export async function createPost(services: Services, viewer: Viewer, input: NewPost) {
  const media: Partial<Record<keyof typeof MEDIA_FIELDS, string>> = {};
  for (const [field, kind] of Object.entries(MEDIA_FIELDS) as Array<[keyof typeof MEDIA_FIELDS, MediaKind]>) {
    const url = input[field];
    if (url) media[field] = await checkStoredMedia(services, field, kind, url);
  }
  const labels = classifyIndustryLabels(`${input.body}\n${input.article ?? ''}`);
  const post = {
    author_id: viewer.id,
    body: input.body,
    article: input.article || null,
    industries: labels.join(','),
    pic1: media.pic1 ?? null,
    pic2: media.pic2 ?? null,
    pic3: media.pic3 ?? null,
    video: media.video ?? null,
  };
  // One statement: the post, its feed keys, and the post as its author sees it (a new post has
  // no parent, likes or saves). `postRows` cannot read it back here: a statement does not see the
  // rows its own CTEs insert, so the columns come from the CTE, in `PostRow`'s shape.
  const { rows } = await sql<{ posts: PostRowArrays }>`
    with post as (
      insert into posts (author_id, body, article, industries, pic1, pic2, pic3, video)
      values (${post.author_id}, ${post.body}, ${post.article}, ${post.industries}, ${post.pic1}, ${post.pic2}, ${post.pic3}, ${post.video})
      returning *
    ),
    keys as (insert into feed_keys (key, post_id) select key, post.id from post cross join unnest(${feedKeysOf(labels, viewer)}::text[]) key)
    select ${postRowsJson(sql<PostRow>`
      select post.id, post.author_id, post.body, post.pic1, post.pic2, post.pic3, post.video, post.article, post.created_at, post.industries,
        post.like_count, post.comment_count, post.share_count, post.is_repost,
        a.first_name, a.last_name, a.middle_name, a.profile_photo, a.qualification, u.user_type,
        null::bigint as parent_id, null::bigint as parent_author_id, null as parent_body, null as parent_pic1, null as parent_pic2,
        null as parent_pic3, null as parent_video, null as parent_article, null::timestamptz as parent_created_at,
        null as parent_first_name, null as parent_last_name, null as parent_middle_name, null as parent_profile_photo,
        null as parent_qualification, null as parent_user_type, false as is_liked, false as is_saved, true as follows_author
      from post join profiles a on a.user_id = post.author_id join users u on u.id = post.author_id`)} as posts`.execute(services.db);
  return required(toPosts(services, viewer, onlyRow(rows).posts)[0], 'the created post');
}

/** A repost points at the original post (never at another repost) and is classified too. */
export async function repost(services: Services, viewer: Viewer, parentId: number, body: string | undefined) {
  const parent = await requirePost(services.db, parentId);
  const root = parent.parent_id !== null ? await requirePost(services.db, parent.parent_id).catch(() => parent) : parent;
  const own = body ? classifyIndustryLabels(body) : [];
  const inherited = root.industries.split(',');
  const labels = [...new Set([...own, ...inherited])].filter((label) => label !== 'others').sort();
  if (!labels.length) labels.push('others');
  const id = await inTransaction(services, postNotFound, async (trx) => {
    const post = await trx
      .insertInto('posts')
      .values({ author_id: viewer.id, body: body ?? '', parent_id: root.id, is_repost: true, industries: labels.join(',') })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('feed_keys')
      .values(feedKeysOf(labels, viewer).map((key) => ({ key, post_id: post.id })))
      .execute();
    return post.id;
  });
  return required((await postsByIds(services, viewer, [id]))[0], `repost ${id}`);
}

/** Deletes one's own post with its likes, saves, shares and comments; reposts show it removed. */
export async function deletePost(services: Services, viewer: Viewer, rawId: string | undefined) {
  if (rawId === undefined || rawId.trim() === '') throw postIdMissing();
  const postId = idFromQuery(rawId);
  if (postId === undefined) throw postNotFound();
  const deleted = await services.db
    .deleteFrom('posts')
    .where('id', '=', postId)
    .where('author_id', '=', viewer.id)
    .returning(['pic1', 'pic2', 'pic3', 'video'])
    .executeTakeFirst();
  if (!deleted) throw postNotFound();
  await removeUnusedMedia(services, [deleted.pic1, deleted.pic2, deleted.pic3, deleted.video]);
}

type CounterTable = 'posts' | 'comments';

/** Adds or removes a (user, object) like once; the object's counter moves only when a row really changed. */
async function toggle(
  services: Services,
  change: 'add' | 'remove',
  write: (trx: Transaction<Database>) => Promise<boolean>,
  counter: { table: CounterTable; id: number },
  notFound: () => Error,
  notify?: NewNotification,
) {
  const stored = await inTransaction(services, notFound, async (trx) => {
    const changed = await write(trx);
    if (!changed) return [];
    const step = change === 'add' ? 1 : -1;
    await sql`update ${sql.table(counter.table)} set like_count = like_count + ${step} where id = ${counter.id}`.execute(trx);
    return change === 'add' && notify ? storeNotifications(trx, [notify]) : [];
  });
  await deliver(services, stored);
}

/**
 * A like is one statement: the like (once per user), the counter, and the author's notification
 * naming the liker; an unlike removes the like and moves the counter back. A missing post is 404.
 */
export async function likePost(services: Services, viewer: Viewer, postId: number, liked: boolean) {
  // `to_jsonb` writes the notification's time as text.
  const { rows } = await sql<{ found: boolean; notification: (Omit<StoredNotification, 'created_at'> & { created_at: string }) | null }>`
    with post as (select id, author_id from posts where id = ${postId}),
    changed as (${
      liked
        ? sql`insert into post_likes (post_id, user_id) select id, ${viewer.id} from post on conflict do nothing returning post_id`
        : sql`delete from post_likes where post_id = ${postId} and user_id = ${viewer.id} returning post_id`
    }),
    counted as (update posts set like_count = like_count + ${liked ? 1 : -1} where id in (select post_id from changed) returning id),
    notified as (
      insert into notifications (user_id, type, message, data)
      select post.author_id, 'like', liker.first_name || ' ' || liker.last_name || ' liked your post.',
             jsonb_build_object('post_id', post.id, 'user_id', liker.user_id)
      from changed join post on true join profiles liker on liker.user_id = ${viewer.id}
      where ${liked} and post.author_id <> ${viewer.id}
      returning id, user_id, type, message, data, created_at
    )
    select exists (select 1 from post) as found, (select to_jsonb(n) from notified n) as notification`
    .execute(services.db)
    .catch((error: unknown) => {
      if (isForeignKeyViolation(error)) throw postNotFound();
      throw error;
    });
  const row = onlyRow(rows);
  if (!row.found) throw postNotFound();
  if (row.notification) {
    await deliver(services, [{ ...row.notification, created_at: timestampFromJson(row.notification.created_at) }]);
    // A new like by someone else: perhaps the post's first, which its author may want by e-mail.
    await mailFirstReaction(services, postId, viewer.id, 'like');
  }
  return { post: postId, liked };
}

export async function savePost(services: Services, viewer: Viewer, postId: number, saved: boolean) {
  await requirePost(services.db, postId);
  await inTransaction(services, postNotFound, async (trx) => {
    if (saved)
      await trx
        .insertInto('post_saves')
        .values({ post_id: postId, user_id: viewer.id })
        .onConflict((oc) => oc.doNothing())
        .execute();
    else await trx.deleteFrom('post_saves').where('post_id', '=', postId).where('user_id', '=', viewer.id).execute();
  });
  return { post_id: postId, saved };
}

/**
 * Every share counts (the original's rule: a post_shares row each), and answers the sharer's one
 * stable link to the post's public page: drawn on the first share, the same one after.
 */
export async function sharePost(services: Services, viewer: Viewer, postId: number) {
  await requirePost(services.db, postId);
  const postHash = await inTransaction(services, postNotFound, async (trx) => {
    await trx.insertInto('post_shares').values({ post_id: postId, user_id: viewer.id }).execute();
    await trx
      .updateTable('posts')
      .set((eb) => ({ share_count: eb('share_count', '+', 1) }))
      .where('id', '=', postId)
      .execute();
    const drawn = await trx
      .insertInto('post_share_links')
      .values({ post_id: postId, user_id: viewer.id, hash: randomUUID() })
      .onConflict((oc) => oc.columns(['post_id', 'user_id']).doNothing())
      .returning('hash')
      .executeTakeFirst();
    if (drawn) return drawn.hash;
    // Drawn before (a concurrent first share has committed by now: the insert waited for it).
    const existing = await trx
      .selectFrom('post_share_links')
      .select('hash')
      .where('post_id', '=', postId)
      .where('user_id', '=', viewer.id)
      .executeTakeFirstOrThrow();
    return existing.hash;
  });
  return { post_id: postId, post_hash: postHash };
}

export async function likeComment(services: Services, viewer: Viewer, commentId: number, liked: boolean) {
  const exists = await services.db.selectFrom('comments').select('id').where('id', '=', commentId).executeTakeFirst();
  if (!exists) throw commentNotFound();
  await toggle(
    services,
    liked ? 'add' : 'remove',
    async (trx) =>
      liked
        ? (await trx
            .insertInto('comment_likes')
            .values({ comment_id: commentId, user_id: viewer.id })
            .onConflict((oc) => oc.doNothing())
            .returning('comment_id')
            .executeTakeFirst()) !== undefined
        : (await trx.deleteFrom('comment_likes').where('comment_id', '=', commentId).where('user_id', '=', viewer.id).executeTakeFirst())
            .numDeletedRows > 0n,
    { table: 'comments', id: commentId },
    commentNotFound,
  );
  return { comment: commentId, liked };
}
