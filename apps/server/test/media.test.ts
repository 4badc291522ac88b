import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});
