import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from '@careernexus/db';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from './support/flows.js';
import { restClient, type RestClient } from './support/http.js';
import { startMailbox, type Mailbox } from './support/mailbox.js';
import { GIF_1x1, MP4, multipart, NOT_AN_IMAGE, PDF, PNG_1x1, pngOfSize } from './support/samples.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const MAX_IMAGE_BYTES = 4096;

let mailbox: Mailbox;
let s3: { server: S3rver; endpoint: string; dir: string };

beforeAll(async () => {
  mailbox = await startMailbox();
  const dir = mkdtempSync(join(tmpdir(), 'cn-s3rver-'));
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: dir,
    configureBuckets: [{ name: 'media', configs: [] }],
  });
  const { port } = (await server.run()) as { port: number };
  s3 = { server, endpoint: `http://127.0.0.1:${port}`, dir };
});
afterAll(async () => {
  await mailbox?.close();
  await s3?.server.close();
  if (s3) rmSync(s3.dir, { recursive: true, force: true });
});

const storages = {
  local: () => ({}),
  s3: () => ({ S3_BUCKET: 'media', S3_ENDPOINT: s3.endpoint, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' }),
};

describe.each(Object.keys(storages) as Array<keyof typeof storages>)('media on %s storage', (storage) => {
  let server: TestServer;
  let api: RestClient;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer({ SMTP_URL: mailbox.url, MAX_IMAGE_BYTES: String(MAX_IMAGE_BYTES), ...storages[storage]() });
    api = restClient(server.url);
    token = (await signUp(api, mailbox)).access;
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Object keys in the storage behind the server. */
  function storedKeys(): string[] {
    const root = storage === 'local' ? join(server.dataDir, 'media') : join(s3.dir, 'media');
    const walk = (dir: string): string[] => {
      try {
        return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
          entry.isDirectory()
            ? walk(join(dir, entry.name))
            : entry.name.startsWith('.') || entry.name.endsWith('._S3rver_metadata.json')
              ? []
              : [entry.name],
        );
      } catch {
        return [];
      }
    };
    return walk(root).filter((name) => !name.includes('_S3rver_'));
  }

  const put = (form: FormData, auth = true) =>
    fetch(new URL('/user/profile-update/', server.url), {
      method: 'PUT',
      headers: auth ? { authorization: `Bearer ${token}` } : {},
      body: form,
    });

  it('stores uploaded photos and video under unguessable keys and serves them with their type', async () => {
    const response = await put(
      multipart({
        bio: 'Builds bridges',
        profile_photo: { bytes: PNG_1x1, filename: '../../etc/me.png', type: 'image/png' },
        cover_photo: { bytes: GIF_1x1, filename: 'cover.jpeg', type: 'image/jpeg' },
        intro_video: { bytes: MP4, filename: 'hello.mp4', type: 'video/mp4' },
      }),
    );
    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, string>;
    expect(body.bio).toBe('Builds bridges');
    for (const [field, bytes, type] of [
      ['profile_photo', PNG_1x1, 'image/png'],
      ['cover_photo', GIF_1x1, 'image/gif'],
      ['intro_video', MP4, 'video/mp4'],
    ] as const) {
      const url = body[field]!;
      expect(url).toMatch(/\/(images|videos)\/[0-9a-f-]{36}\.(png|gif|mp4)$/);
      expect(url).not.toContain('etc');
      const served = await fetch(url);
      expect(served.status, url).toBe(200);
      expect(served.headers.get('content-type')).toBe(type);
      expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
    }
    const profile = await api.get('/user/retrieve-profile/', { token });
    expect(profile.body.profile_photo).toBe(body.profile_photo);
    expect(profile.body.intro_video).toBe(body.intro_video);
  });

  it('refuses a renamed non-image with 400 and stores nothing', async () => {
    const before = storedKeys();
    const response = await put(multipart({ bio: 'x', profile_photo: { bytes: NOT_AN_IMAGE, filename: 'photo.png', type: 'image/png' } }));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      profile_photo: ['Upload an image (JPEG, PNG, WebP or GIF).'],
      message: 'profile_photo: upload an image (JPEG, PNG, WebP or GIF).',
    });
    expect(storedKeys()).toEqual(before);
    expect((await api.get('/user/retrieve-profile/', { token })).body.bio).not.toBe('x');
  });

  it('keeps a PDF résumé on the profile, checked by its content', async () => {
    const before = storedKeys();
    const renamed = await put(multipart({ resume: { bytes: PNG_1x1, filename: 'cv.pdf', type: 'application/pdf' } }));
    expect(renamed.status).toBe(400);
    expect(await renamed.json()).toEqual({ resume: ['Upload a PDF document.'], message: 'resume: upload a PDF document.' });
    expect(storedKeys()).toEqual(before);

    const response = await put(multipart({ resume: { bytes: PDF, filename: 'my cv.pdf', type: 'application/octet-stream' } }));
    expect(response.status).toBe(201);
    const url = ((await response.json()) as Record<string, string>).resume!;
    expect(url).toMatch(/\/documents\/[0-9a-f-]{36}\.pdf$/);
    const served = await fetch(url);
    expect(served.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await served.arrayBuffer()).equals(PDF)).toBe(true);

    const other = await signUp(api, mailbox);
    const mine = (await api.get('/user/retrieve-profile/', { token })).body;
    expect(mine.resume).toBe(url);
    expect((await api.get(`/user/retrieve-profile/?user_id=${mine.id}`, { token: other.access })).body.resume).toBe(url);
    expect((await api.get('/user/retrieve-profile/', { token: other.access })).body.resume).toBeNull();
  });

  it('refuses a video where a photo belongs, and a photo where the video belongs', async () => {
    expect((await put(multipart({ profile_photo: { bytes: MP4, filename: 'a.png', type: 'image/png' } }))).status).toBe(400);
    expect((await put(multipart({ intro_video: { bytes: PNG_1x1, filename: 'a.mp4', type: 'video/mp4' } }))).status).toBe(400);
  });

  it('refuses a file over the limit with 413 and stores nothing', async () => {
    const before = storedKeys();
    const response = await put(
      multipart({ cover_photo: { bytes: pngOfSize(MAX_IMAGE_BYTES + 1), filename: 'big.png', type: 'image/png' } }),
    );
    expect(response.status).toBe(413);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.cover_photo).toEqual([expect.stringMatching(/larger than/)]);
    expect(body.message).toMatch(/^cover_photo: the file is larger than/);
    expect(storedKeys()).toEqual(before);
    expect(
      (await put(multipart({ cover_photo: { bytes: pngOfSize(MAX_IMAGE_BYTES), filename: 'ok.png', type: 'image/png' } }))).status,
    ).toBe(201);
  });

  it('stores nothing for a client without a valid token', async () => {
    const before = storedKeys();
    const response = await put(multipart({ profile_photo: { bytes: PNG_1x1, filename: 'a.png', type: 'image/png' } }), false);
    expect(response.status).toBe(401);
    expect(storedKeys()).toEqual(before);
  });

  it('removes stored files when another field of the same request is refused', async () => {
    const before = storedKeys();
    const response = await put(
      multipart({ country_code: 'not a code', profile_photo: { bytes: PNG_1x1, filename: 'a.png', type: 'image/png' } }),
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as Record<string, unknown>).country_code).toBeDefined();
    expect(storedKeys()).toEqual(before);
  });

  it('uploads without multipart: PUT to the granted URL, then use the file’s URL in JSON', async () => {
    const grant = await api.post('/media/uploads/', { content_type: 'image/png' }, { token });
    expect(grant.status).toBe(201);
    expect(grant.body).toMatchObject({ method: 'PUT', headers: { 'content-type': 'image/png' }, max_bytes: MAX_IMAGE_BYTES });
    const uploaded = await fetch(grant.body.upload_url, { method: 'PUT', headers: grant.body.headers, body: new Uint8Array(PNG_1x1) });
    expect(uploaded.status).toBeLessThan(300);
    const updated = await api.request('PUT', '/user/profile-update/', { profile_photo: grant.body.url }, { token });
    expect(updated.status).toBe(201);
    expect(updated.body.profile_photo).toBe(grant.body.url);
    expect((await api.get('/user/completion/', { token })).body.complete_items).toContain('profile_photo');
  });

  it('refuses a granted upload whose content is not what it claimed, and deletes it', async () => {
    const grant = await api.post('/media/uploads/', { content_type: 'image/png' }, { token });
    const uploaded = await fetch(grant.body.upload_url, { method: 'PUT', headers: grant.body.headers, body: new Uint8Array(NOT_AN_IMAGE) });
    if (storage === 'local') {
      // This server checks the bytes as they arrive.
      expect(uploaded.status).toBe(400);
    } else {
      const used = await api.request('PUT', '/user/profile-update/', { profile_photo: grant.body.url }, { token });
      expect(used.status).toBe(400);
      expect(used.body.profile_photo).toEqual(['Upload an image (JPEG, PNG, WebP or GIF).']);
    }
    expect(storedKeys().some((key) => grant.body.url.endsWith(key))).toBe(false);
  });

  it('refuses URLs that are not files uploaded here', async () => {
    for (const url of ['https://elsewhere.example/me.png', `${server.url}/media/images/../secret.png`, 'not a url']) {
      const response = await api.request('PUT', '/user/profile-update/', { profile_photo: url }, { token });
      expect(response.status, url).toBe(400);
      expect(response.body.profile_photo).toEqual([expect.any(String)]);
    }
  });

  describe('files no row names any more leave storage', () => {
    const png = (name: string) => ({ bytes: PNG_1x1, filename: name, type: 'image/png' });
    const statusOf = async (url: string) => (await fetch(url)).status;
    const keyOf = (url: string) => url.split('/').pop()!;
    const newPerson = async () => (await signUp(api, mailbox)).access;
    const photoOf = async (as: string) => (await api.get('/user/retrieve-profile/', { token: as })).body.profile_photo as string;

    async function setPhoto(as: string, name: string) {
      const response = await api.request('PUT', '/user/profile-update/', multipart({ profile_photo: png(name) }), { token: as });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      return response.body.profile_photo as string;
    }

    async function postWithMedia(as: string) {
      const response = await api.request(
        'POST',
        '/post/',
        multipart({ body: 'Our new office', pic1: png('office.png'), video: { bytes: MP4, filename: 'tour.mp4', type: 'video/mp4' } }),
        { token: as },
      );
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      return response.body as { post_id: number; pic1: string; video: string };
    }

    it('replacing a profile photo removes the old file once the new one is saved', async () => {
      const me = await newPerson();
      const old = await setPhoto(me, 'old.png');
      expect(await statusOf(old)).toBe(200);
      const replacement = await setPhoto(me, 'new.png');
      expect(replacement).not.toBe(old);
      expect(await statusOf(old)).toBe(404);
      expect(await statusOf(replacement)).toBe(200);
      expect(storedKeys()).not.toContain(keyOf(old));
      // Sending the same URL again changes nothing and removes nothing.
      expect((await api.request('PUT', '/user/profile-update/', { profile_photo: replacement }, { token: me })).status).toBe(201);
      expect(await statusOf(replacement)).toBe(200);
    });

    it('deleting a post removes its files', async () => {
      const me = await newPerson();
      const post = await postWithMedia(me);
      expect(await statusOf(post.pic1)).toBe(200);
      expect((await api.request('DELETE', `/post/?post_id=${post.post_id}`, undefined, { token: me })).status).toBe(204);
      expect(await statusOf(post.pic1)).toBe(404);
      expect(await statusOf(post.video)).toBe(404);
      expect(storedKeys()).not.toContain(keyOf(post.pic1));
    });

    it('keeps a file another row still names, until the last one lets it go', async () => {
      const author = await newPerson();
      const fan = await newPerson();
      const post = await postWithMedia(author);
      // Any media field takes the URL of a file uploaded here: the fan's photo is the post's picture.
      expect((await api.request('PUT', '/user/profile-update/', { profile_photo: post.pic1 }, { token: fan })).status).toBe(201);
      expect((await api.request('DELETE', `/post/?post_id=${post.post_id}`, undefined, { token: author })).status).toBe(204);
      expect(await statusOf(post.pic1)).toBe(200);
      expect(await statusOf(post.video)).toBe(404);
      await setPhoto(fan, 'own.png');
      expect(await statusOf(post.pic1)).toBe(404);
    });

    it('never removes a file some row names when its URL is refused for another field', async () => {
      const author = await newPerson();
      const post = await postWithMedia(author);
      const refused = await api.request('PUT', '/user/profile-update/', { resume: post.pic1 }, { token: await newPerson() });
      expect(refused.status).toBe(400);
      expect(refused.body.resume).toEqual(['Upload a PDF document.']);
      expect(await statusOf(post.pic1)).toBe(200);
    });

    it('a write that fails keeps the old file, and the new upload goes', async () => {
      const me = await newPerson();
      const old = await setPhoto(me, 'old.png');
      const myId = (await api.get('/user/retrieve-profile/', { token: me })).body.id as number;
      const before = storedKeys();
      // The database refuses this one profile's update, after the new file was stored.
      const db = server.database.db;
      await sql
        .raw(`create function cn_test_refuse_media() returns trigger language plpgsql as $$ begin raise exception 'refused'; end $$`)
        .execute(db);
      await sql
        .raw(
          `create trigger cn_test_refuse_media before update on profiles for each row when (new.user_id = ${myId}) execute function cn_test_refuse_media()`,
        )
        .execute(db);
      try {
        const refused = await api.request('PUT', '/user/profile-update/', multipart({ profile_photo: png('new.png') }), { token: me });
        expect(refused.status).toBe(500);
      } finally {
        await sql.raw('drop trigger cn_test_refuse_media on profiles').execute(db);
        await sql.raw('drop function cn_test_refuse_media()').execute(db);
      }
      expect(await photoOf(me)).toBe(old);
      expect(await statusOf(old)).toBe(200);
      expect(storedKeys()).toEqual(before);
    });
  });
});
