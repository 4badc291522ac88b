import { sql } from '@careernexus/db';
import { describe, expect, it } from 'vitest';
import { columnsContaining, databaseFingerprint, tableNames } from './support/database-rows.js';
import { useServer } from './support/fixture.js';
import { codeOf } from './support/mailbox.js';
import { PASSWORD, signUp } from './support/flows.js';
import { person } from './support/people.js';
import { multipart, PDF, PNG_1x1, SAMPLE_COMPANY, SAMPLE_JOB } from './support/samples.js';

const t = useServer();

const deleteMe = (token: string, body?: Record<string, unknown>, encoding?: 'json' | 'form') =>
  t.api.request('DELETE', '/user/me/', body, { token, ...(encoding ? { encoding } : {}) });

/** Alice and Bob connected, following each other, with a post each, comments, likes and a chat. */
async function aliceAndBob() {
  const alice = await person(t.api, t.mailbox);
  const bob = await person(t.api, t.mailbox);
  await t.api.request('PATCH', '/user/profile-update/', { first_name: 'Alice', bio: 'Private bio of Alice' }, { token: alice.token });
  const request = await t.api.post('/connection/', { connection: bob.id }, { token: alice.token });
  await t.api.post('/connection/status/', { connection_id: request.body.id, status: 'Accept' }, { token: bob.token });
  await t.api.post('/follow/', { user_following: bob.id }, { token: alice.token });
  await t.api.post('/follow/', { user_following: alice.id }, { token: bob.token });

  const bobPost = (await t.api.post('/post/', { body: 'Bob on distributed systems' }, { token: bob.token })).body.post_id as number;
  const alicePost = (await t.api.post('/post/', { body: 'Alice on compilers' }, { token: alice.token })).body.post_id as number;
  await t.api.post('/post/like/', { post: bobPost }, { token: alice.token });
  await t.api.post('/post/save/', { post: bobPost }, { token: alice.token });
  const aliceComment = await t.api.post('/post/comment/', { post: bobPost, body: 'Alice agrees' }, { token: alice.token });
  const bobReply = await t.api.post(
    '/post/reply/',
    { parent: aliceComment.body.comment_id, body: 'Bob thanks Alice' },
    { token: bob.token },
  );
  await t.api.post('/post/like/comment/', { comment: bobReply.body.comment_id }, { token: alice.token });
  await t.api.post('/post/comment/', { post: alicePost, body: 'Bob on Alice’s post' }, { token: bob.token });
  expect((await t.api.post('/chats/messages/', { user_id: bob.id, message: 'Hi Bob, Alice here' }, { token: alice.token })).status).toBe(
    201,
  );
  expect((await t.api.post('/chats/messages/', { user_id: alice.id, message: 'Hi Alice' }, { token: bob.token })).status).toBe(201);
  return { alice, bob, bobPost, alicePost };
}

/** Rows that still name the person, table by table (only the tombstone users row and its profile may stay). */
async function rowsOf(userId: number) {
  const { rows } = await sql<Record<string, number>>`
    select
      (select count(*) from follows where follower_id = ${userId} or following_id = ${userId})::int as follows,
      (select count(*) from connections where requester_id = ${userId} or recipient_id = ${userId})::int as connections,
      (select count(*) from posts where author_id = ${userId})::int as posts,
      (select count(*) from post_likes where user_id = ${userId})::int as post_likes,
      (select count(*) from post_saves where user_id = ${userId})::int as post_saves,
      (select count(*) from comment_likes where user_id = ${userId})::int as comment_likes,
      (select count(*) from refresh_tokens where user_id = ${userId})::int as refresh_tokens,
      (select count(*) from notifications where user_id = ${userId} or data ->> 'user_id' = ${String(userId)})::int as notifications`.execute(
    t.server.database.db,
  );
  return rows[0]!;
}

describe('DELETE /user/me/', () => {
  it('refuses a missing or wrong password naming the field, and deletes nothing', async () => {
    const { alice } = await aliceAndBob();
    const db = t.server.database.db;
    const tables = await tableNames(db);
    const before = await databaseFingerprint(db, tables);

    const missing = await deleteMe(alice.token, {});
    expect(missing.status).toBe(400);
    expect(missing.body.password).toEqual(['Enter your password to delete your account.']);
    const wrong = await deleteMe(alice.token, { password: 'Wr0ngPassword' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({ password: ['Incorrect password.'], message: 'Incorrect password.' });
    // A password-less account's code does not stand in for a password.
    expect((await deleteMe(alice.token, { code: '123456' })).status).toBe(400);
    expect((await t.api.post('/user/me/deletion-code/', {}, { token: alice.token })).body.password).toEqual([
      'This account has a password: confirm the deletion with it.',
    ]);
    expect((await deleteMe('not-a-token', { password: PASSWORD })).status).toBe(401);

    expect(await databaseFingerprint(db, tables)).toEqual(before);
    expect((await t.api.get('/user/me/', { token: alice.token })).status).toBe(200);
  });

  it('removes the person’s data, keeps others’ threads and chats readable from a deleted member, and ends every session', async () => {
    const { alice, bob, bobPost, alicePost } = await aliceAndBob();
    const signin = await t.api.post('/user/signin/', { email: alice.email, password: PASSWORD });
    expect(signin.status).toBe(200);
    expect(await rowsOf(alice.id)).toMatchObject({ follows: 2, connections: 1, posts: 1, post_likes: 1, post_saves: 1, comment_likes: 1 });

    // Sent as a form body (the query would put the password in URLs and logs).
    const deleted = await deleteMe(alice.token, { password: PASSWORD }, 'form');
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(204);

    // Every token stops at once, and signing in fails.
    expect((await t.api.get('/user/me/', { token: alice.token })).status).toBe(401);
    expect((await t.api.get('/user/me/', { token: signin.body.access })).status).toBe(401);
    expect((await t.api.post('/user/token/refresh/', { refresh: signin.body.refresh })).status).toBe(401);
    const again = await t.api.post('/user/signin/', { email: alice.email, password: PASSWORD });
    expect(again.status).toBe(400);
    expect(again.body.non_field_errors).toEqual(['Invalid Credentials']);

    // Her data is gone: no row names her e-mail or her bio, nothing links to her.
    const db = t.server.database.db;
    expect(await columnsContaining(db, alice.email)).toEqual([]);
    expect(await columnsContaining(db, 'Private bio of Alice')).toEqual([]);
    expect(await rowsOf(alice.id)).toEqual({
      follows: 0,
      connections: 0,
      posts: 0,
      post_likes: 0,
      post_saves: 0,
      comment_likes: 0,
      refresh_tokens: 0,
      notifications: 0,
    });
    expect((await t.api.get(`/post/?post_id=${alicePost}`, { token: bob.token })).status).toBe(404);

    // Bob's thread still reads: her comment from a deleted member, his reply under it; her like no longer counted.
    const post = await t.api.get(`/post/?post_id=${bobPost}`, { token: bob.token });
    expect(post.body).toMatchObject({ like_count: 0, comment_count: 1 });
    const thread = await t.api.get(`/post/comment/?post_id=${bobPost}`, { token: bob.token });
    expect(thread.status).toBe(200);
    expect(thread.body).toEqual([
      expect.objectContaining({
        body: 'Alice agrees',
        commenter: expect.objectContaining({ id: alice.id, first_name: 'Deleted', last_name: 'member' }),
        replies: [expect.objectContaining({ body: 'Bob thanks Alice', like_count: 0 })],
      }),
    ]);

    // Bob's chat keeps both sides, hers from a deleted member.
    const rooms = await t.api.get('/notification-chat/chats/', { token: bob.token });
    expect(rooms.body).toHaveLength(1);
    const history = await t.api.get(`/notification-chat/chat/messages/?chat_id=${rooms.body[0].chat_id}`, { token: bob.token });
    expect(history.body.map((m: { message: string; person: { first_name: string } }) => [m.person.first_name, m.message])).toEqual([
      ['Deleted', 'Hi Bob, Alice here'],
      ['N/A', 'Hi Alice'],
    ]);
    // Nobody can start anything new with her.
    expect((await t.api.post('/follow/', { user_following: alice.id }, { token: bob.token })).status).toBeGreaterThanOrEqual(400);

    // The e-mail can register again, as a new account.
    const reborn = await signUp(t.api, t.mailbox, alice.email);
    const me = await t.api.get('/user/me/', { token: reborn.access });
    expect(me.body.email).toBe(alice.email);
    expect(me.body.id).not.toBe(alice.id);
  });

  it('removes the files of the rows it erased, except one another member’s row still names', async () => {
    const alice = await person(t.api, t.mailbox);
    const bob = await person(t.api, t.mailbox);
    const png = (name: string) => ({ bytes: PNG_1x1, filename: name, type: 'image/png' });
    const status = async (url: string) => (await fetch(url)).status;
    const photo = await t.api.request('PUT', '/user/profile-update/', multipart({ profile_photo: png('me.png') }), { token: alice.token });
    const post = await t.api.request('POST', '/post/', multipart({ body: 'Pictures', pic1: png('a.png'), pic2: png('b.png') }), {
      token: alice.token,
    });
    expect(post.status, JSON.stringify(post.body)).toBe(201);
    // Bob's photo is Alice's second picture; Bob's résumé lives only on his application to Alice's job.
    expect((await t.api.request('PUT', '/user/profile-update/', { profile_photo: post.body.pic2 }, { token: bob.token })).status).toBe(201);
    const job = await t.api.post('/job/', SAMPLE_JOB, { token: alice.token });
    expect(job.status, JSON.stringify(job.body)).toBe(201);
    const cv = { bytes: PDF, filename: 'cv.pdf', type: 'application/pdf' };
    expect(
      (await t.api.request('POST', '/job/apply/', multipart({ job: String(job.body.id), resume: cv }), { token: bob.token })).status,
    ).toBe(200);
    const resume = (await t.api.get('/job/apply/', { token: bob.token })).body[0].resume as string;
    const erased = [photo.body.profile_photo as string, post.body.pic1 as string, resume];
    for (const url of [...erased, post.body.pic2]) expect(await status(url), url).toBe(200);

    expect((await deleteMe(alice.token, { password: PASSWORD })).status).toBe(204);
    for (const url of erased) expect(await status(url), url).toBe(404);
    expect(await status(post.body.pic2)).toBe(200);
  });

  it('runs in one transaction: a failure half-way leaves everything as it was', async () => {
    const { alice } = await aliceAndBob();
    const db = t.server.database.db;
    const tables = await tableNames(db);
    // A trigger that refuses a late step (the tombstone's update) of this one deletion.
    await sql
      .raw(`create function cn_test_refuse() returns trigger language plpgsql as $$ begin raise exception 'refused'; end $$`)
      .execute(db);
    await sql
      .raw(
        `create trigger cn_test_refuse before update of deleted_at on users for each row when (new.id = ${alice.id}) execute function cn_test_refuse()`,
      )
      .execute(db);
    try {
      const before = await databaseFingerprint(db, tables);
      const refused = await deleteMe(alice.token, { password: PASSWORD });
      expect(refused.status).toBe(500);
      expect(await databaseFingerprint(db, tables)).toEqual(before);
    } finally {
      await sql.raw('drop trigger cn_test_refuse on users').execute(db);
      await sql.raw('drop function cn_test_refuse()').execute(db);
    }
    expect((await deleteMe(alice.token, { password: PASSWORD })).status).toBe(204);
  });

  it('refuses the last owner of a company page until the page, switched into, is deleted with a mailed code', async () => {
    const alice = await person(t.api, t.mailbox);
    const companyEmail = `page.${alice.id}@deletion.test`;
    const page = await t.api.post('/user/corporate/signup/', { ...SAMPLE_COMPANY, company_email: companyEmail }, { token: alice.token });
    expect(page.status, JSON.stringify(page.body)).toBe(201);

    const refused = await deleteMe(alice.token, { password: PASSWORD });
    expect(refused.status).toBe(400);
    expect(refused.body.account).toEqual([
      'You are the only owner of a company page: link another owner to it, or switch to it and delete it first.',
    ]);
    expect((await t.api.get('/user/me/', { token: alice.token })).status).toBe(200);

    const company = await t.api.post('/user/switch-account/', { account: page.body.id }, { token: alice.token });
    expect(company.status).toBe(200);
    expect((await t.api.post('/user/me/deletion-code/', {}, { token: company.body.access })).status).toBe(200);
    const { otp } = codeOf(await t.mailbox.waitFor(companyEmail, 'Confirm deleting your account'), { link: false });
    expect((await deleteMe(company.body.access, { code: otp })).status).toBe(204);
    expect((await t.api.get('/user/linked-accounts/', { token: alice.token })).body).toEqual([]);

    expect((await deleteMe(alice.token, { password: PASSWORD })).status).toBe(204);
    const { rows } = await sql<{ n: number }>`
      select (select count(*) from companies where user_id = ${page.body.id})::int
        + (select count(*) from linked_accounts where ${alice.id} in (main_account_id, child_id))::int
        + (select count(*) from account_switches where ${alice.id} in (user_id, account_id))::int as n`.execute(t.server.database.db);
    expect(rows[0]!.n).toBe(0);
  });
});
