import type { Services } from '../context.js';
import { required } from '../invariant.js';
import { shareHashMissing, unknownShareHash } from './errors.js';
import { cardsOf, postsByIds } from './read.js';
import type { SharePage } from './schemas.js';

/** No member has id 0: the viewer flags of an anonymous page are all false, and are left out anyway. */
const ANONYMOUS = { id: 0 };

/**
 * The public page of a share link: the sharer's card and the post as anyone may see it — its
 * author's card, body, media, counts and reposted parent — and nothing else (no e-mail, no post
 * id, no article, no comments, no reader flags). A deleted post takes its links with it; a
 * closed account's links (as sharer or author) show nothing either.
 */
export async function sharePage(services: Services, rawHash: string | undefined): Promise<SharePage> {
  const hash = rawHash?.trim() ?? '';
  if (!hash) throw shareHashMissing();
  const link = await services.db
    .selectFrom('post_share_links as l')
    .innerJoin('posts as p', 'p.id', 'l.post_id')
    .innerJoin('users as sharer', 'sharer.id', 'l.user_id')
    .innerJoin('users as author', 'author.id', 'p.author_id')
    .select(['l.post_id', 'l.user_id'])
    .where('l.hash', '=', hash)
    .where('sharer.is_active', '=', true)
    .where('author.is_active', '=', true)
    .executeTakeFirst();
  if (!link) throw unknownShareHash();
  const [[post], cards] = await Promise.all([postsByIds(services, ANONYMOUS, [link.post_id]), cardsOf(services, [link.user_id])]);
  // Deleted between the two reads.
  if (!post) throw unknownShareHash();
  const parent = post.parent && {
    profile: post.parent.profile,
    body: post.parent.body,
    pic1: post.parent.pic1,
    pic2: post.parent.pic2,
    pic3: post.parent.pic3,
    video: post.parent.video,
    time_stamp: post.parent.time_stamp,
    removed: post.parent.removed,
  };
  return {
    shared_by: required(cards.get(link.user_id), `the card of sharer ${link.user_id}`),
    post: {
      profile: post.profile,
      body: post.body,
      pic1: post.pic1,
      pic2: post.pic2,
      pic3: post.pic3,
      video: post.video,
      parent,
      like_count: post.like_count,
      comment_count: post.comment_count,
      share_count: post.share_count,
      time_stamp: post.time_stamp,
    },
  };
}
