import { sql } from '@careernexus/db';
import { describe, expect, it } from 'vitest';
import { useServer } from './support/fixture.js';
import { person } from './support/people.js';
import { multipart, PNG_1x1 } from './support/samples.js';

const t = useServer();

const TECH = 'We shipped a new machine learning API for developers building cloud software.';
const FARM = 'Our farmers harvested a record maize crop this season thanks to better irrigation.';

async function post(token: string, body: string, extra: Record<string, unknown> = {}) {
  const response = await t.api.post('/post/', { body, ...extra }, { token });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { post_id: number; industries: string };
}

describe('writing and reading posts', () => {
  it('creates a post (201) in the documented shape, classified, with N/A for absent media', async () => {
    const author = await person(t.api, t.mailbox);
    const created = await t.api.post('/post/', { body: TECH, rememberMe: true }, { token: author.token });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      post_id: expect.any(Number),
      profile: {
        id: author.id,
        first_name: 'N/A',
        last_name: 'N/A',
        middle_name: 'N/A',
        profile_photo: expect.any(String),
        qualification: '',
        user_type: 'learner',
      },
      body: TECH,
      pic1: 'N/A',
      pic2: 'N/A',
      pic3: 'N/A',
      video: 'N/A',
      article: 'N/A',
      time_stamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/),
      comment_count: 0,
      like_count: 0,
      share_count: 0,
      parent: null,
      is_self: true,
      is_liked: false,
      is_saved: false,
      can_follow: false,
    });
    expect(created.body.industries).toContain('technology');

    const single = await t.api.get(`/post/?post_id=${created.body.post_id}`, { token: author.token });
    expect(single.status).toBe(200);
    expect(single.body).toEqual(created.body);
  });

  it('accepts the multipart form clients send: a picture, article "null", junk fields', async () => {
    const author = await person(t.api, t.mailbox);
    const form = multipart({
      body: 'Our new office',
      article: 'null',
      count: '3',
      profile: '[object Object]',
      pic1: { bytes: PNG_1x1, filename: 'office.png', type: 'image/png' },
    });
    const response = await fetch(new URL('/post/', t.server.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${author.token}` },
      body: form,
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, string>;
    expect(body.pic1).toMatch(/\/images\/[0-9a-f-]{36}\.png$/);
    expect(body.article).toBe('N/A');
    expect(body.pic2).toBe('N/A');
    expect((await fetch(body.pic1!)).headers.get('content-type')).toBe('image/png');
  });

  it('refuses a blank body, and answers unknown posts with 404', async () => {
    const author = await person(t.api, t.mailbox);
    const blank = await t.api.post('/post/', { body: '   ' }, { token: author.token });
    expect(blank.status).toBe(400);
    expect(blank.body.body).toEqual(['This field may not be blank.']);
    for (const id of ['987654321', 'abc']) {
      const missing = await t.api.get(`/post/?post_id=${id}`, { token: author.token });
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ error: 'Inexistent Post', message: 'Inexistent Post' });
    }
  });
});

describe('the feed', () => {
  it('shows the reader’s industry, mentors, their own posts and people they follow — nothing else', async () => {
    const techie = await person(t.api, t.mailbox, 'technology');
    const farmer = await person(t.api, t.mailbox, 'agriculture');
    const mentor = await person(t.api, t.mailbox, 'health', 'mentor');
    const followed = await person(t.api, t.mailbox, 'banking');

    const techPost = await post(farmer.token, TECH);
    const farmPost = await post(farmer.token, FARM);
    const mentorPost = await post(mentor.token, 'Happy Monday everyone!');
    const ownPost = await post(techie.token, 'Hello world');
    const followedPost = await post(followed.token, 'Loan rates at the bank went up again.');
    await t.api.post('/follow/', { user_following: followed.id }, { token: techie.token });

    const ids = async (token: string) => {
      const response = await t.api.get('/post/?page_size=50', { token });
      expect(response.status).toBe(200);
      return response.body.results.map((p: { post_id: number }) => p.post_id) as number[];
    };
    const techFeed = await ids(techie.token);
    expect(techFeed).toEqual(expect.arrayContaining([techPost.post_id, mentorPost.post_id, ownPost.post_id, followedPost.post_id]));
    expect(techFeed).not.toContain(farmPost.post_id);
    expect([...techFeed].sort((a, b) => b - a)).toEqual(techFeed);

    const farmFeed = await ids(farmer.token);
    expect(farmFeed).toEqual(expect.arrayContaining([farmPost.post_id, techPost.post_id, mentorPost.post_id]));
    expect(farmFeed).not.toContain(followedPost.post_id);
    expect(farmFeed).not.toContain(ownPost.post_id);
  });

  it('a user who becomes a mentor brings their earlier posts into every feed', async () => {
    const reader = await person(t.api, t.mailbox, 'media');
    const writer = await person(t.api, t.mailbox, 'construction');
    const earlier = await post(writer.token, FARM);
    const feedHas = async (id: number) =>
      (await t.api.get('/post/?page_size=50', { token: reader.token })).body.results.some((p: { post_id: number }) => p.post_id === id);
    expect(await feedHas(earlier.post_id)).toBe(false);
    await t.api.request('PATCH', '/user/profile-update/', { user_type: 'mentor' }, { token: writer.token });
    expect(await feedHas(earlier.post_id)).toBe(true);
    // Every card of the writer now says so: on the post, and on the parent of a repost of it.
    const feed = (await t.api.get('/post/?page_size=50', { token: reader.token })).body.results;
    expect(feed.find((p: { post_id: number }) => p.post_id === earlier.post_id).profile.user_type).toBe('mentor');
    const shared = await t.api.post('/post/repost/', { parent: earlier.post_id }, { token: reader.token });
    expect(shared.body).toMatchObject({
      profile: { id: reader.id, user_type: 'learner' },
      parent: { profile: { id: writer.id, user_type: 'mentor' } },
    });
  });

  it('paginates with absolute links, and walking `next` while posts arrive neither repeats nor skips', async () => {
    const reader = await person(t.api, t.mailbox, 'sports');
    const author = await person(t.api, t.mailbox, 'sports');
    const written: number[] = [];
    for (let i = 0; i < 7; i++)
      written.push((await post(author.token, `Football match report number ${i}: the league leaders won again.`)).post_id);

    const first = await t.api.get('/post/?page_size=3&lang=en', { token: reader.token });
    expect(first.body.count).toBeGreaterThanOrEqual(7);
    expect(first.body.previous).toBeNull();
    const next = new URL(first.body.next);
    expect(next.origin).toBe(t.server.url);
    expect(next.searchParams.get('page')).toBe('2');
    expect(next.searchParams.get('lang')).toBe('en');
    expect(first.body.last_page).toBe(`${t.server.url}/post/?page=${Math.ceil(first.body.count / 3)}`);

    const seen: number[] = first.body.results.map((p: { post_id: number }) => p.post_id);
    let link: string | null = first.body.next;
    let arrivals = 0;
    while (link) {
      if (arrivals++ < 2) await post(author.token, `Breaking: the coach signed a new athlete (${arrivals}).`);
      const page = await t.api.get(link, { token: reader.token });
      expect(page.status).toBe(200);
      if (page.body.previous) expect(new URL(page.body.previous).searchParams.get('snapshot')).toBe(next.searchParams.get('snapshot'));
      seen.push(...page.body.results.map((p: { post_id: number }) => p.post_id));
      link = page.body.next;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(written));
    expect(seen.length).toBe(first.body.count);
  });

  it('keeps counting exactly as posts arrive, and after follows and unfollows', async () => {
    const [reader, a, b] = [await person(t.api, t.mailbox), await person(t.api, t.mailbox), await person(t.api, t.mailbox)];
    const count = async () => {
      const response = await t.api.get('/post/following/', { token: reader.token });
      expect(response.status).toBe(200);
      return response.body.count as number;
    };
    await t.api.post('/follow/', { user_following: a.id }, { token: reader.token });
    for (const n of [1, 2, 3]) await post(a.token, `First ${n}`);
    await post(b.token, 'Not followed yet');
    expect(await count()).toBe(3);
    // Counted again from what arrived since the last count.
    for (const n of [4, 5]) await post(a.token, `More ${n}`);
    expect(await count()).toBe(5);
    await t.api.post('/follow/', { user_following: b.id }, { token: reader.token });
    expect(await count()).toBe(6);
    await t.api.post('/unfollow/', { user_following: a.id }, { token: reader.token });
    expect(await count()).toBe(1);
  });

  it('answers an out-of-range or malformed page with 404 Invalid page.', async () => {
    const reader = await person(t.api, t.mailbox);
    for (const page of ['999', '0', 'x']) {
      const response = await t.api.get(`/post/?page=${page}`, { token: reader.token });
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ detail: 'Invalid page.', message: 'Invalid page.' });
    }
    const empty = await t.api.get('/post/following/', { token: reader.token });
    expect(empty.body).toEqual({ count: 0, next: null, previous: null, results: [] });
  });
});

describe('likes, saves, shares', () => {
  it('20 parallel likes of one post by one user make one like', async () => {
    const author = await person(t.api, t.mailbox);
    const fan = await person(t.api, t.mailbox);
    const { post_id } = await post(author.token, TECH);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => t.api.post('/post/like/', { post: post_id }, { token: fan.token })),
    );
    expect(responses.every((r) => r.status === 201)).toBe(true);
    const seen = await t.api.get(`/post/?post_id=${post_id}`, { token: fan.token });
    expect(seen.body).toMatchObject({ like_count: 1, is_liked: true, can_follow: true, is_self: false });
    expect((await t.api.get(`/post/?post_id=${post_id}`, { token: author.token })).body.is_liked).toBe(false);

    await t.api.post('/post/unlike/', { post: post_id }, { token: fan.token });
    await t.api.post('/post/unlike/', { post: post_id }, { token: fan.token });
    expect((await t.api.get(`/post/?post_id=${post_id}`, { token: fan.token })).body).toMatchObject({ like_count: 0, is_liked: false });
  });

  it('liking, saving, sharing or commenting on a missing post is 404', async () => {
    const user = await person(t.api, t.mailbox);
    for (const path of ['/post/like/', '/post/save/', '/post/share/', '/post/repost/', '/post/comment/']) {
      const response = await t.api.post(path, { post: 99999999, parent: 99999999, body: 'x' }, { token: user.token });
      expect(response.status, path).toBe(404);
      expect(response.body.message).toBe('Inexistent Post');
    }
  });

  it('saves once, lists saved posts, unsaves; every share counts', async () => {
    const author = await person(t.api, t.mailbox);
    const reader = await person(t.api, t.mailbox);
    const { post_id } = await post(author.token, TECH);
    for (let i = 0; i < 2; i++)
      expect((await t.api.post('/post/save/', { post: post_id }, { token: reader.token })).body).toEqual({ post_id, saved: true });
    const saved = await t.api.get('/post/save/', { token: reader.token });
    expect(saved.body).toEqual([
      { post: expect.objectContaining({ post_id, body: TECH, profile: expect.objectContaining({ id: author.id }) }) },
    ]);
    expect((await t.api.get(`/post/?post_id=${post_id}`, { token: reader.token })).body.is_saved).toBe(true);
    await t.api.post('/post/unsave/', { post: post_id }, { token: reader.token });
    expect((await t.api.get('/post/save/', { token: reader.token })).body).toEqual([]);

    await t.api.post('/post/share/', { post: post_id }, { token: reader.token });
    const shared = await t.api.post('/post/share/', { post: String(post_id) }, { token: reader.token, encoding: 'form' });
    expect(shared).toMatchObject({ status: 201, body: { post_id, post_hash: expect.any(String) } });
    expect((await t.api.get(`/post/?post_id=${post_id}`, { token: reader.token })).body.share_count).toBe(2);
  });
});

describe('comments', () => {
  it('nests replies to any depth, counts only top-level comments, and likes comments', async () => {
    const author = await person(t.api, t.mailbox);
    const other = await person(t.api, t.mailbox);
    const { post_id } = await post(author.token, TECH);
    const first = await t.api.post('/post/comment/', { post: post_id, body: 'Great work' }, { token: other.token });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      comment_id: expect.any(Number),
      post: post_id,
      parent: null,
      body: 'Great work',
      user: { id: other.id },
    });
    const reply = await t.api.post('/post/reply/', { parent: first.body.comment_id, body: 'Thanks!' }, { token: author.token });
    expect(reply.status).toBe(201);
    const deeper = await t.api.post('/post/reply/', { parent: reply.body.comment_id, body: 'You are welcome' }, { token: other.token });
    const second = await t.api.post('/post/comment/', { post: post_id, body: 'Second' }, { token: author.token, encoding: 'multipart' });
    expect(second.status).toBe(201);
    await t.api.post('/post/like/comment/', { comment: reply.body.comment_id }, { token: other.token });

    const tree = await t.api.get(`/post/comment/?post_id=${post_id}`, { token: other.token });
    expect(tree.status).toBe(200);
    expect(tree.body.map((c: { body: string }) => c.body)).toEqual(['Great work', 'Second']);
    expect(tree.body[0]).toMatchObject({
      comment_id: first.body.comment_id,
      post: post_id,
      parent: null,
      commenter: { id: other.id, first_name: 'N/A', profile_picture: expect.any(String) },
      replies: [
        {
          comment_id: reply.body.comment_id,
          parent: first.body.comment_id,
          like_count: 1,
          is_liked: true,
          replies: [{ comment_id: deeper.body.comment_id, body: 'You are welcome', replies: [] }],
        },
      ],
    });
    expect((await t.api.get(`/post/?post_id=${post_id}`, { token: other.token })).body.comment_count).toBe(2);
  });

  it('writes every time stamp as UTC with milliseconds, however many fraction digits the database kept', async () => {
    const author = await person(t.api, t.mailbox);
    const { post_id } = await post(author.token, TECH);
    const comment = await t.api.post('/post/comment/', { post: post_id, body: 'On time' }, { token: author.token });
    const reply = await t.api.post('/post/reply/', { parent: comment.body.comment_id, body: 'Later' }, { token: author.token });
    const repost = await t.api.post('/post/repost/', { parent: post_id, body: 'Worth reading' }, { token: author.token });
    expect(repost.status).toBe(201);
    const stamps: Array<[string, number, string, string]> = [
      ['posts', post_id, '2026-03-04 05:06:07.123456+00', '2026-03-04T05:06:07.123Z'],
      ['posts', repost.body.post_id, '2026-03-04 05:06:08.1+00', '2026-03-04T05:06:08.100Z'],
      ['comments', comment.body.comment_id, '2026-03-04 07:06:09.999999+02', '2026-03-04T05:06:09.999Z'],
      ['comments', reply.body.comment_id, '2026-03-04 05:06:10+00', '2026-03-04T05:06:10.000Z'],
    ];
    for (const [table, id, stored] of stamps)
      await sql`update ${sql.table(table)} set created_at = ${stored}::timestamptz where id = ${id}`.execute(t.server.database.db);
    const expected = Object.fromEntries(stamps.map(([table, id, , text]) => [`${table}:${id}`, text]));

    const single = await t.api.get(`/post/?post_id=${repost.body.post_id}`, { token: author.token });
    expect(single.body.time_stamp).toBe(expected[`posts:${repost.body.post_id}`]);
    expect(single.body.parent.time_stamp).toBe(expected[`posts:${post_id}`]);
    const feed = await t.api.get('/post/', { token: author.token });
    const mine = feed.body.results.filter((p: { post_id: number }) => p.post_id === post_id || p.post_id === repost.body.post_id);
    expect(mine.map((p: { time_stamp: string }) => p.time_stamp)).toEqual([
      expected[`posts:${repost.body.post_id}`],
      expected[`posts:${post_id}`],
    ]);
    const tree = await t.api.get(`/post/comment/?post_id=${post_id}`, { token: author.token });
    expect(tree.body[0].time_stamp).toBe(expected[`comments:${comment.body.comment_id}`]);
    expect(tree.body[0].replies[0].time_stamp).toBe(expected[`comments:${reply.body.comment_id}`]);
  });

  it('explains a missing post id and an unknown post', async () => {
    const user = await person(t.api, t.mailbox);
    const missing = await t.api.get('/post/comment/', { token: user.token });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ error: 'No query parameter', message: 'No query parameter' });
    expect((await t.api.get('/post/comment/?post_id=424242', { token: user.token })).status).toBe(404);
    expect((await t.api.post('/post/reply/', { parent: 424242, body: 'x' }, { token: user.token })).status).toBe(404);
  });
});

describe('reposts and deletes', () => {
  it('a repost nests its parent, points at the original, and is classified like it', async () => {
    const author = await person(t.api, t.mailbox, 'agriculture');
    const reposter = await person(t.api, t.mailbox, 'media');
    const farmReader = await person(t.api, t.mailbox, 'agriculture');
    const original = await post(author.token, FARM);
    const first = await t.api.post('/post/repost/', { parent: original.post_id, body: 'Worth reading' }, { token: reposter.token });
    expect(first.status).toBe(201);
    expect(first.body.parent).toMatchObject({ post_id: original.post_id, body: FARM, profile: { id: author.id }, removed: false });
    expect(first.body.industries).toContain('agriculture');
    const second = await t.api.post('/post/repost/', { parent: first.body.post_id }, { token: reposter.token });
    expect(second.body.parent.post_id).toBe(original.post_id);

    const feed = await t.api.get('/post/?page_size=50', { token: farmReader.token });
    expect(feed.body.results.map((p: { post_id: number }) => p.post_id)).toContain(first.body.post_id);
  });

  it('only the author deletes a post (204, both paths); its likes and comments go, reposts show it removed', async () => {
    const author = await person(t.api, t.mailbox);
    const other = await person(t.api, t.mailbox);
    const target = await post(author.token, TECH);
    await t.api.post('/post/like/', { post: target.post_id }, { token: other.token });
    await t.api.post('/post/comment/', { post: target.post_id, body: 'Nice' }, { token: other.token });
    await t.api.post('/post/save/', { post: target.post_id }, { token: other.token });
    const shared = await t.api.post('/post/repost/', { parent: target.post_id }, { token: other.token });

    const foreign = await t.api.request('DELETE', `/post/?post_id=${target.post_id}`, undefined, { token: other.token });
    expect(foreign.status).toBe(404);
    expect((await t.api.get(`/post/?post_id=${target.post_id}`, { token: other.token })).status).toBe(200);

    const deleted = await t.api.request('DELETE', `/post/delete/?post_id=${target.post_id}`, undefined, { token: author.token });
    expect(deleted.status).toBe(204);
    expect((await t.api.get(`/post/?post_id=${target.post_id}`, { token: author.token })).status).toBe(404);
    expect((await t.api.get('/post/save/', { token: other.token })).body).toEqual([]);
    const { db } = t.server.database;
    expect(await db.selectFrom('post_likes').select('user_id').where('post_id', '=', target.post_id).execute()).toEqual([]);
    expect(await db.selectFrom('comments').select('id').where('post_id', '=', target.post_id).execute()).toEqual([]);

    const orphan = await t.api.get(`/post/?post_id=${shared.body.post_id}`, { token: other.token });
    expect(orphan.status).toBe(200);
    expect(orphan.body.parent).toMatchObject({ removed: true, post_id: null, profile: null });
    const other2 = await post(author.token, 'another');
    expect((await t.api.request('DELETE', `/post/?post_id=${other2.post_id}`, undefined, { token: author.token })).status).toBe(204);
  });
});

describe('follows', () => {
  it('follows once, refuses self, lists and counts both ways, unfollows', async () => {
    const alice = await person(t.api, t.mailbox);
    const bob = await person(t.api, t.mailbox);
    for (let i = 0; i < 2; i++) {
      const response = await t.api.post('/follow/', { user_following: bob.id }, { token: alice.token });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({ follower: alice.id, following: bob.id });
    }
    const self = await t.api.post('/follow/', { user_following: alice.id }, { token: alice.token });
    expect(self.status).toBe(400);
    expect(self.body.error).toEqual(['Cannot follow self']);
    expect((await t.api.post('/follow/', { user_following: 99999999 }, { token: alice.token })).status).toBe(404);

    expect((await t.api.get('/followings/', { token: alice.token })).body).toEqual([
      {
        id: bob.id,
        first_name: 'N/A',
        last_name: 'N/A',
        middle_name: 'N/A',
        profile_photo: expect.any(String),
        qualification: '',
        user_type: 'learner',
      },
    ]);
    expect((await t.api.get('/followers/', { token: bob.token })).body.map((c: { id: number }) => c.id)).toEqual([alice.id]);
    expect((await t.api.get('/followings/count/', { token: alice.token })).body).toEqual({ following_count: 1 });
    expect((await t.api.get('/followers/count/', { token: bob.token })).body).toEqual({ 'followers count': 1 });
    expect((await t.api.get(`/user/retrieve-profile/?user_id=${bob.id}`, { token: alice.token })).body.followers).toBe(1);

    const bobsPost = await post(bob.token, 'Hello followers');
    const following = await t.api.get('/post/following/', { token: alice.token });
    expect(following.body.results.map((p: { post_id: number }) => p.post_id)).toEqual([bobsPost.post_id]);
    expect(following.body.results[0].can_follow).toBe(false);
    expect(following.body).not.toHaveProperty('last_page');

    const recommended = await t.api.get('/follow/recommendation/?page_size=50', { token: alice.token });
    expect(recommended.status).toBe(200);
    const recommendedIds = recommended.body.results.map((c: { id: number }) => c.id);
    expect(recommendedIds).not.toContain(bob.id);
    expect(recommendedIds).not.toContain(alice.id);

    await t.api.post('/unfollow/', { user_following: bob.id }, { token: alice.token });
    expect((await t.api.get('/followings/count/', { token: alice.token })).body).toEqual({ following_count: 0 });
  });

  it('recommends people of the reader’s industry first, then mentors, then everyone else, newest first, page by page', async () => {
    const reader = await person(t.api, t.mailbox, 'media');
    const older = await person(t.api, t.mailbox, 'media');
    const newer = await person(t.api, t.mailbox, 'media', 'employer');
    const followed = await person(t.api, t.mailbox, 'media');
    const mentor = await person(t.api, t.mailbox, 'banking', 'mentor');
    const other = await person(t.api, t.mailbox, 'banking');
    await t.api.post('/follow/', { user_following: followed.id }, { token: reader.token });

    const all = await t.api.get('/follow/recommendation/?page_size=50', { token: reader.token });
    expect(all.status).toBe(200);
    const ids: number[] = all.body.results.map((card: { id: number }) => card.id);
    expect(all.body.count).toBe(ids.length);
    expect(ids).not.toContain(reader.id);
    expect(ids).not.toContain(followed.id);
    const at = (id: number) => ids.indexOf(id);
    for (const id of [older.id, newer.id, mentor.id, other.id]) expect(at(id)).toBeGreaterThanOrEqual(0);
    expect(at(newer.id)).toBeLessThan(at(older.id));
    expect(at(older.id)).toBeLessThan(at(mentor.id));
    expect(at(mentor.id)).toBeLessThan(at(other.id));

    // Walking small pages gives the same people in the same order.
    const walked: number[] = [];
    for (let page = 1; walked.length < ids.length; page += 1) {
      const response = await t.api.get(`/follow/recommendation/?page_size=2&page=${page}`, { token: reader.token });
      expect(response.status).toBe(200);
      walked.push(...response.body.results.map((card: { id: number }) => card.id));
    }
    expect(walked).toEqual(ids);
  });

  it('lists a person’s posts and your own', async () => {
    const alice = await person(t.api, t.mailbox);
    const bob = await person(t.api, t.mailbox);
    const mine = await post(alice.token, 'Mine');
    const theirs = await post(bob.token, 'Theirs');
    expect((await t.api.get('/post/posted/', { token: alice.token })).body.results.map((p: { post_id: number }) => p.post_id)).toEqual([
      mine.post_id,
    ]);
    const byBob = await t.api.get(`/post/by-user/?user_id=${bob.id}&page=1`, { token: alice.token });
    expect(byBob.body).toMatchObject({ count: 1, results: [{ post_id: theirs.post_id, can_follow: true }] });
    expect((await t.api.get('/post/by-user/?user_id=424242', { token: alice.token })).status).toBe(404);
  });
});
