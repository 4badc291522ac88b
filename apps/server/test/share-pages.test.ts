import { describe, expect, it } from 'vitest';
import { useServer } from './support/fixture.js';
import { person } from './support/people.js';
import { multipart, PNG_1x1 } from './support/samples.js';

const t = useServer();

const BODY = 'We shipped a new machine learning API for developers building cloud software.';
const ARTICLE = 'The long article behind the post, for signed-in readers only.';
const COMMENT = 'A comment that only members read.';

const card = (id: number) => ({
  id,
  first_name: 'N/A',
  last_name: 'N/A',
  middle_name: 'N/A',
  profile_photo: expect.any(String),
  qualification: '',
  user_type: 'learner',
});

async function share(post: number, token: string) {
  const shared = await t.api.post('/post/share/', { post }, { token });
  expect(shared.status, JSON.stringify(shared.body)).toBe(201);
  expect(Object.keys(shared.body).sort()).toEqual(['post_hash', 'post_id']);
  return shared.body as { post_id: number; post_hash: string };
}

describe('share pages', () => {
  it('a share page shows the post to an anonymous client and shows nothing else', async () => {
    const author = await person(t.api, t.mailbox);
    const sharer = await person(t.api, t.mailbox);
    const created = await t.api.request(
      'POST',
      '/post/',
      multipart({ body: BODY, article: ARTICLE, pic1: { bytes: PNG_1x1, filename: 'a.png', type: 'image/png' } }),
      { token: author.token },
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const postId = created.body.post_id as number;
    await t.api.post('/post/like/', { post: postId }, { token: sharer.token });
    await t.api.post('/post/comment/', { post: postId, body: COMMENT }, { token: sharer.token });

    // One stable hash per post and sharer; every call still counts a share.
    const first = await share(postId, sharer.token);
    const again = await share(postId, sharer.token);
    expect(first.post_hash).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(again).toEqual(first);
    const byAuthor = await share(postId, author.token);
    expect(byAuthor.post_hash).not.toBe(first.post_hash);
    expect((await t.api.get(`/post/?post_id=${postId}`, { token: author.token })).body.share_count).toBe(3);

    const page = await t.api.get(`/post/share/?hash=${first.post_hash}`);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(page.body).toEqual({
      shared_by: card(sharer.id),
      post: {
        profile: card(author.id),
        body: BODY,
        pic1: created.body.pic1,
        pic2: 'N/A',
        pic3: 'N/A',
        video: 'N/A',
        parent: null,
        like_count: 1,
        comment_count: 1,
        share_count: 3,
        time_stamp: created.body.time_stamp,
      },
    });
    const text = JSON.stringify(page.body);
    for (const secret of [author.email, sharer.email, ARTICLE, COMMENT, '"post_id"', 'is_liked', 'can_follow'])
      expect(text).not.toContain(secret);
    // A token makes no difference: the page is the same for everyone.
    expect((await t.api.get(`/post/share/?hash=${first.post_hash}`, { token: author.token })).body).toEqual(page.body);
    expect((await t.api.get(`/post/share/?hash=${byAuthor.post_hash}`)).body.shared_by).toEqual(card(author.id));
  });

  it('shows a repost with its parent, and nothing of the parent’s ids', async () => {
    const author = await person(t.api, t.mailbox);
    const reposter = await person(t.api, t.mailbox);
    const original = (await t.api.post('/post/', { body: BODY }, { token: author.token })).body;
    const repost = await t.api.post('/post/repost/', { parent: original.post_id, body: 'Worth reading' }, { token: reposter.token });
    expect(repost.status).toBe(201);
    const { post_hash } = await share(repost.body.post_id, reposter.token);
    const page = await t.api.get(`/post/share/?hash=${post_hash}`);
    expect(page.status).toBe(200);
    expect(page.body.post).toMatchObject({ profile: card(reposter.id), body: 'Worth reading' });
    expect(page.body.post.parent).toEqual({
      profile: card(author.id),
      body: BODY,
      pic1: 'N/A',
      pic2: 'N/A',
      pic3: 'N/A',
      video: 'N/A',
      time_stamp: original.time_stamp,
      removed: false,
    });
  });

  it('answers 400 without a hash, for an unknown one, and once the post is deleted', async () => {
    const author = await person(t.api, t.mailbox);
    const { post_id } = (await t.api.post('/post/', { body: BODY }, { token: author.token })).body;
    const { post_hash } = await share(post_id, author.token);

    for (const path of ['/post/share/', '/post/share/?hash=', '/post/share/?hash=%20']) {
      const missing = await t.api.get(path);
      expect(missing.status, path).toBe(400);
      expect(missing.body.error).toBe('A hash query parameter is required for this request.');
    }
    for (const hash of ['00000000-0000-4000-8000-000000000000', 'not-a-hash', post_hash.toUpperCase()]) {
      const unknown = await t.api.get(`/post/share/?hash=${hash}`);
      expect(unknown.status, hash).toBe(400);
      expect(unknown.body.error).toBe('Invalid Share Hash');
    }

    expect((await t.api.get(`/post/share/?hash=${post_hash}`)).status).toBe(200);
    expect((await t.api.request('DELETE', `/post/delete/?post_id=${post_id}`, undefined, { token: author.token })).status).toBe(204);
    const gone = await t.api.get(`/post/share/?hash=${post_hash}`);
    expect(gone.status).toBe(400);
    expect(gone.body.error).toBe('Invalid Share Hash');
  });
});
