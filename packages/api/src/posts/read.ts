import { sql, type RawBuilder, type UserType } from '@careernexus/db';
import type { Viewer } from '../auth/sessions.js';
import type { Services } from '../context.js';
import { onlyRow, required } from '../invariant.js';
import { timestampFromJson } from '../platform/timestamps.js';
import type { PostBody, PostFull } from './schemas.js';

const NA = 'N/A';

/** Who reads posts: the viewer flags are computed for this user id (0, no one, for anonymous pages). */
type Reader = Pick<Viewer, 'id'>;

export type CardColumns = {
  first_name: string;
  last_name: string;
  middle_name: string;
  profile_photo: string | null;
  qualification: string;
  user_type: UserType;
};

export function profileCard(services: Services, userId: number, row: CardColumns) {
  return {
    id: userId,
    first_name: row.first_name,
    last_name: row.last_name,
    middle_name: row.middle_name,
    profile_photo: row.profile_photo ?? services.config.DEFAULT_PROFILE_PHOTO_URL,
    qualification: row.qualification,
    user_type: row.user_type,
  };
}

/** What a card is read from, with profiles as `p` and users as `u`. */
export const CARD_COLUMNS = [
  'p.user_id',
  'p.first_name',
  'p.last_name',
  'p.middle_name',
  'p.profile_photo',
  'p.qualification',
  'u.user_type',
] as const;

export type Card = ReturnType<typeof profileCard>;

/** The cards of these users, by user id, in one statement. */
export async function cardsOf(services: Services, userIds: readonly number[]): Promise<Map<number, Card>> {
  if (!userIds.length) return new Map();
  const rows = await services.db
    .selectFrom('profiles as p')
    .innerJoin('users as u', 'u.id', 'p.user_id')
    .select(CARD_COLUMNS)
    .where('p.user_id', 'in', [...new Set(userIds)])
    .execute();
  return new Map(rows.map((row) => [row.user_id, profileCard(services, row.user_id, row)]));
}

/** "<first> <last>", as notifications name people. */
export async function nameOf(services: Services, userId: number) {
  const row = await services.db
    .selectFrom('profiles')
    .select(['first_name', 'last_name'])
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  // A company page has no last name (its card carries the company name alone).
  return `${row.first_name} ${row.last_name}`.trimEnd();
}

/** A post's columns as `postRows` reads them, through JSON: timestamps come as ISO strings. */
export interface PostRow {
  id: number;
  author_id: number;
  body: string;
  pic1: string | null;
  pic2: string | null;
  pic3: string | null;
  video: string | null;
  article: string | null;
  created_at: string;
  industries: string;
  like_count: number;
  comment_count: number;
  share_count: number;
  is_repost: boolean;
  first_name: string;
  last_name: string;
  middle_name: string;
  profile_photo: string | null;
  qualification: string;
  user_type: UserType;
  parent_id: number | null;
  parent_author_id: number | null;
  parent_body: string | null;
  parent_pic1: string | null;
  parent_pic2: string | null;
  parent_pic3: string | null;
  parent_video: string | null;
  parent_article: string | null;
  parent_created_at: string | null;
  parent_first_name: string | null;
  parent_last_name: string | null;
  parent_middle_name: string | null;
  parent_profile_photo: string | null;
  parent_qualification: string | null;
  parent_user_type: UserType | null;
  is_liked: boolean;
  is_saved: boolean;
  follows_author: boolean;
}

/**
 * A person's card columns, read by primary key. As a join, small tables of profiles got a hash
 * join over all of them in the cached plan (0.25 ms of every feed page at 1,000 members); the
 * limit keeps this a lookup per row. Its aliases are its own: `userId` refers to the outer query.
 */
export const cardOf = (userId: RawBuilder<number>) =>
  sql`select card.first_name, card.last_name, card.middle_name, card.profile_photo, card.qualification, account.user_type
    from profiles card join users account on account.id = card.user_id where card.user_id = ${userId} limit 1`;

/**
 * The columns of full posts whose ids are in the SQL array `ids`, as `viewer` sees them. Plain
 * SQL rather than the query builder: every feed page runs it, and building it was a visible part
 * of a page's cost.
 */
function postRows(viewer: Reader, ids: RawBuilder<number[]>) {
  return sql<PostRow>`
    select p.id, p.author_id, p.body, p.pic1, p.pic2, p.pic3, p.video, p.article, p.created_at, p.industries,
      p.like_count, p.comment_count, p.share_count, p.is_repost,
      a.first_name, a.last_name, a.middle_name, a.profile_photo, a.qualification, a.user_type,
      pp.id as parent_id, pp.author_id as parent_author_id, pp.body as parent_body, pp.pic1 as parent_pic1,
      pp.pic2 as parent_pic2, pp.pic3 as parent_pic3, pp.video as parent_video, pp.article as parent_article,
      pp.created_at as parent_created_at,
      pa.first_name as parent_first_name, pa.last_name as parent_last_name, pa.middle_name as parent_middle_name,
      pa.profile_photo as parent_profile_photo, pa.qualification as parent_qualification, pa.user_type as parent_user_type,
      exists (select 1 from post_likes l where l.post_id = p.id and l.user_id = ${viewer.id}) as is_liked,
      exists (select 1 from post_saves s where s.post_id = p.id and s.user_id = ${viewer.id}) as is_saved,
      exists (select 1 from follows f where f.following_id = p.author_id and f.follower_id = ${viewer.id}) as follows_author
    from posts p
    cross join lateral (${cardOf(sql`p.author_id`)}) a
    left join posts pp on pp.id = p.parent_id
    left join lateral (${cardOf(sql`pp.author_id`)}) pa on true
    where p.id = any(${ids})`;
}

/** `PostRow`'s columns in the order `postRowsJson` writes them into each row's array. */
const POST_ROW_COLUMNS = [
  'id',
  'author_id',
  'body',
  'pic1',
  'pic2',
  'pic3',
  'video',
  'article',
  'created_at',
  'industries',
  'like_count',
  'comment_count',
  'share_count',
  'is_repost',
  'first_name',
  'last_name',
  'middle_name',
  'profile_photo',
  'qualification',
  'user_type',
  'parent_id',
  'parent_author_id',
  'parent_body',
  'parent_pic1',
  'parent_pic2',
  'parent_pic3',
  'parent_video',
  'parent_article',
  'parent_created_at',
  'parent_first_name',
  'parent_last_name',
  'parent_middle_name',
  'parent_profile_photo',
  'parent_qualification',
  'parent_user_type',
  'is_liked',
  'is_saved',
  'follows_author',
] as const satisfies ReadonlyArray<keyof PostRow>;
type UnlistedColumn = Exclude<keyof PostRow, (typeof POST_ROW_COLUMNS)[number]>;
// A compile error here names any column of `PostRow` the list leaves out.
true satisfies [UnlistedColumn] extends [never] ? true : UnlistedColumn;

/**
 * The rows of a `PostRow` statement as one JSON value, each row an array in `POST_ROW_COLUMNS`
 * order; `toPosts` reads them. `pg` parses one JSON value much faster than some 40 typed
 * columns per row (a tenth of a feed page's server time went to row parsing), and PostgreSQL
 * writes arrays faster than objects, whose keys it writes out for every row.
 */
export const postRowsJson = (rows: RawBuilder<PostRow>) =>
  sql<PostRowArrays>`(select coalesce(json_agg(json_build_array(${sql.raw(POST_ROW_COLUMNS.map((column) => `r.${column}`).join(', '))})), '[]') from (${rows}) r)`;

/** What `postRowsJson` gives, as `pg` parses it. */
export type PostRowArrays = unknown[][];

const AT = Object.fromEntries(POST_ROW_COLUMNS.map((column, index) => [column, index])) as Record<keyof PostRow, number>;

/** Names the values of `postRowsJson`'s arrays (a literal object: a loop over the names was about 3 % of a feed page). */
function readPostRows(arrays: PostRowArrays): PostRow[] {
  return arrays.map((values) => {
    const row: Record<keyof PostRow, unknown> = {
      id: values[AT.id],
      author_id: values[AT.author_id],
      body: values[AT.body],
      pic1: values[AT.pic1],
      pic2: values[AT.pic2],
      pic3: values[AT.pic3],
      video: values[AT.video],
      article: values[AT.article],
      created_at: values[AT.created_at],
      industries: values[AT.industries],
      like_count: values[AT.like_count],
      comment_count: values[AT.comment_count],
      share_count: values[AT.share_count],
      is_repost: values[AT.is_repost],
      first_name: values[AT.first_name],
      last_name: values[AT.last_name],
      middle_name: values[AT.middle_name],
      profile_photo: values[AT.profile_photo],
      qualification: values[AT.qualification],
      user_type: values[AT.user_type],
      parent_id: values[AT.parent_id],
      parent_author_id: values[AT.parent_author_id],
      parent_body: values[AT.parent_body],
      parent_pic1: values[AT.parent_pic1],
      parent_pic2: values[AT.parent_pic2],
      parent_pic3: values[AT.parent_pic3],
      parent_video: values[AT.parent_video],
      parent_article: values[AT.parent_article],
      parent_created_at: values[AT.parent_created_at],
      parent_first_name: values[AT.parent_first_name],
      parent_last_name: values[AT.parent_last_name],
      parent_middle_name: values[AT.parent_middle_name],
      parent_profile_photo: values[AT.parent_profile_photo],
      parent_qualification: values[AT.parent_qualification],
      parent_user_type: values[AT.parent_user_type],
      is_liked: values[AT.is_liked],
      is_saved: values[AT.is_saved],
      follows_author: values[AT.follows_author],
    };
    return row as PostRow;
  });
}

/** Full posts for the given ids, in the order given, as `viewer` sees them. */
export async function postsByIds(services: Services, viewer: Reader, ids: number[]): Promise<PostFull[]> {
  if (!ids.length) return [];
  const { rows } = await sql<{ posts: PostRowArrays }>`select ${postRowsJson(postRows(viewer, sql`${ids}::bigint[]`))} as posts`.execute(
    services.db,
  );
  return toPosts(services, viewer, onlyRow(rows).posts, ids);
}

/** What a list statement gives: the ids of a page, its list's count, and the snapshot it read. */
export interface PageOfIds {
  snapshot: number;
  count: number;
  ids: number[];
}

export interface PostPage {
  snapshot: number;
  count: number;
  posts: PostFull[];
}

/** Runs a `PageOfIds` statement and reads its posts in the same statement (one round trip). */
export async function readPostPage(services: Services, viewer: Viewer, page: RawBuilder<PageOfIds>): Promise<PostPage> {
  const { rows } = await sql<PageOfIds & { posts: PostRowArrays }>`
    select page.snapshot, page.count, page.ids, ${postRowsJson(postRows(viewer, sql`page.ids`))} as posts
    from (${page}) page`.execute(services.db);
  const { snapshot, count, ids, posts } = onlyRow(rows);
  return { snapshot: Number(snapshot), count, posts: toPosts(services, viewer, posts, ids.map(Number)) };
}

/** The posts of a `postRowsJson` value in the order of `ids` (by default, the rows' own order). */
export function toPosts(services: Services, viewer: Reader, arrays: PostRowArrays, ids?: number[]): PostFull[] {
  const rows = readPostRows(arrays);
  const byId = new Map<number, PostFull>();
  for (const row of rows) {
    let parent: PostBody | null = null;
    if (row.parent_id !== null && row.parent_author_id !== null) {
      // The parent post was found, and with its author the author's profile (every user has one):
      // these columns of theirs are not null.
      const { parent_id: parentId } = row;
      const column = <T>(value: T | null, name: string) => required(value, `${name} of post ${parentId}`);
      parent = {
        post_id: parentId,
        profile: profileCard(services, row.parent_author_id, {
          first_name: column(row.parent_first_name, 'the author first name'),
          last_name: column(row.parent_last_name, 'the author last name'),
          middle_name: column(row.parent_middle_name, 'the author middle name'),
          profile_photo: row.parent_profile_photo,
          qualification: column(row.parent_qualification, 'the author qualification'),
          user_type: column(row.parent_user_type, 'the author user type'),
        }),
        body: column(row.parent_body, 'the body'),
        pic1: row.parent_pic1 ?? NA,
        pic2: row.parent_pic2 ?? NA,
        pic3: row.parent_pic3 ?? NA,
        video: row.parent_video ?? NA,
        article: row.parent_article ?? NA,
        time_stamp: row.parent_created_at === null ? null : timestampFromJson(row.parent_created_at),
        removed: false,
      };
    } else if (row.is_repost) {
      parent = removedPost();
    }
    const isSelf = row.author_id === viewer.id;
    byId.set(row.id, {
      post_id: row.id,
      profile: profileCard(services, row.author_id, row),
      body: row.body,
      pic1: row.pic1 ?? NA,
      pic2: row.pic2 ?? NA,
      pic3: row.pic3 ?? NA,
      video: row.video ?? NA,
      article: row.article ?? NA,
      time_stamp: timestampFromJson(row.created_at),
      comment_count: row.comment_count,
      like_count: row.like_count,
      share_count: row.share_count,
      parent,
      industries: row.industries,
      is_self: isSelf,
      is_liked: Boolean(row.is_liked),
      is_saved: Boolean(row.is_saved),
      can_follow: !isSelf && !row.follows_author,
    });
  }
  return (ids ?? rows.map((row) => row.id)).map((id) => byId.get(id)).filter((post): post is PostFull => post !== undefined);
}

/** What a repost shows when the reposted post was deleted. */
const removedPost = (): PostBody => ({
  post_id: null,
  profile: null,
  body: '',
  pic1: NA,
  pic2: NA,
  pic3: NA,
  video: NA,
  article: NA,
  time_stamp: null,
  removed: true,
});

/** A post's body part, for saved-post lists. */
export const bodyOf = (post: PostFull): PostBody => ({
  post_id: post.post_id,
  profile: post.profile,
  body: post.body,
  pic1: post.pic1,
  pic2: post.pic2,
  pic3: post.pic3,
  video: post.video,
  article: post.article,
  time_stamp: post.time_stamp,
  removed: false,
});
