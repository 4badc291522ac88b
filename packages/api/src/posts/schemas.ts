import { idField } from '../profiles/schemas.js';
import { envelope, envelopeWithLastPage, pageInput } from '../pagination.js';
import { userTypeSchema } from '../choices.js';
import { z } from '../validation.js';

/** Who wrote something, as shown beside it; `id` is the user id (compat C8). */
export const profileCard = z.object({
  id: z.number().int(),
  first_name: z.string(),
  last_name: z.string(),
  middle_name: z.string(),
  profile_photo: z.string(),
  qualification: z.string(),
  user_type: userTypeSchema,
});

const media = z.string().describe('URL of the file, or "N/A"');

/** A post without its counters: what a repost shows of its parent, and what saved posts list. */
const postBody = z.object({
  post_id: z.number().int().nullable(),
  profile: profileCard.nullable().describe('null when the post was removed'),
  body: z.string(),
  pic1: media,
  pic2: media,
  pic3: media,
  video: media,
  article: z.string(),
  time_stamp: z.date().nullable(),
  removed: z.boolean().describe('true when a reposted post was deleted by its author'),
});

export const postFull = postBody.omit({ removed: true }).extend({
  post_id: z.number().int(),
  profile: profileCard,
  time_stamp: z.date(),
  comment_count: z.number().int().describe('Top-level comments'),
  like_count: z.number().int(),
  share_count: z.number().int(),
  parent: postBody.nullable().describe('The reposted post, for a repost'),
  industries: z.string().describe('Comma-joined industry labels the post was classified under'),
  is_self: z.boolean(),
  is_liked: z.boolean(),
  is_saved: z.boolean(),
  can_follow: z.boolean().describe('The author is someone else whom the reader does not follow yet'),
});

export type PostFull = z.infer<typeof postFull>;
export type PostBody = z.infer<typeof postBody>;

export const feedInput = z.object({
  ...pageInput,
  post_id: z.string().optional().describe('Read one post instead of the feed'),
  snapshot: z.string().optional().describe('Set by `next`/`previous` links: pins the feed as it was on page 1'),
});
export const feedOutput = z.union([envelopeWithLastPage(postFull), postFull]);

export const listInput = z.object({ ...pageInput, snapshot: z.string().optional() });
export const postPage = envelope(postFull);

export const byUserInput = listInput.extend({ user_id: z.string().optional() });

export const postIdQuery = z.object({ post_id: z.string().optional() });

/** Files on multipart REST, or URLs of uploaded files in JSON. */
const mediaUrl = z.string().trim().min(1).max(1000).optional();

export const createPostInput = z.object({
  body: z.string().trim().min(1).max(10_000),
  pic1: mediaUrl,
  pic2: mediaUrl,
  pic3: mediaUrl,
  video: mediaUrl,
  article: z.string().trim().max(10_000).optional(),
});

export const postRef = z.object({ post: idField });
export const repostInput = z.object({ parent: idField, body: z.string().trim().max(2000).optional() });
export const commentRef = z.object({ comment: idField });

export const commentInput = z.object({ post: idField, body: z.string().trim().min(1).max(5000) });
export const replyInput = z.object({ parent: idField, body: z.string().trim().min(1).max(5000) });

export const commentCreated = z.object({
  comment_id: z.number().int(),
  post: z.number().int(),
  parent: z.number().int().nullable(),
  user: profileCard,
  body: z.string(),
  time_stamp: z.date(),
});

export interface CommentNode {
  comment_id: number;
  post: number;
  commenter: { id: number; first_name: string; last_name: string; middle_name: string; profile_picture: string };
  body: string;
  parent: number | null;
  like_count: number;
  is_liked: boolean;
  replies: CommentNode[];
  time_stamp: Date;
}

export const commentNode: z.ZodType<CommentNode> = z.object({
  comment_id: z.number().int(),
  post: z.number().int(),
  commenter: z.object({
    id: z.number().int(),
    first_name: z.string(),
    last_name: z.string(),
    middle_name: z.string(),
    profile_picture: z.string(),
  }),
  body: z.string(),
  parent: z.number().int().nullable(),
  like_count: z.number().int(),
  is_liked: z.boolean(),
  // A getter, zod 4's way to recurse: a sixth cheaper to check than `z.lazy`.
  get replies() {
    return z.array(commentNode);
  },
  time_stamp: z.date(),
});

export const savedItem = z.object({ post: postBody });

export const shareCreated = z.object({
  post_id: z.number().int(),
  post_hash: z
    .string()
    .describe('Your link to the post’s public page (`GET /post/share/?hash=`): the same on every share of this post by you'),
});

export const sharePageInput = z.object({ hash: z.string().optional().describe('The `post_hash` of a share') });

/** What a share page shows of a post: nothing private, no ids of posts, no reader flags. */
const publicPostBody = postBody.pick({
  profile: true,
  body: true,
  pic1: true,
  pic2: true,
  pic3: true,
  video: true,
  time_stamp: true,
  removed: true,
});

export const sharePage = z.object({
  shared_by: profileCard.describe('Who shared the post'),
  post: publicPostBody.omit({ removed: true }).extend({
    profile: profileCard.describe('The post’s author'),
    time_stamp: z.date(),
    parent: publicPostBody.nullable().describe('The reposted post, for a repost'),
    like_count: z.number().int(),
    comment_count: z.number().int(),
    share_count: z.number().int(),
  }),
});
export type SharePage = z.infer<typeof sharePage>;
