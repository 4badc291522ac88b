import { createClient } from '@careernexus/sdk';
import { describe, expect, it } from 'vitest';
import { useServer } from './support/fixture.js';
import { storedMediaFiles } from './support/media-files.js';
import { person, type Person } from './support/people.js';
import { multipart, NOT_AN_IMAGE, PDF, PNG_1x1, pngOfSize } from './support/samples.js';

const MAX_IMAGE_BYTES = 4096;
const MAX_DOCUMENT_BYTES = 8192;
const t = useServer({ MAX_IMAGE_BYTES: String(MAX_IMAGE_BYTES), MAX_DOCUMENT_BYTES: String(MAX_DOCUMENT_BYTES) });

const png = (bytes: Buffer = PNG_1x1) => ({ bytes, filename: 'shot.png', type: 'image/png' });
const pdf = { bytes: PDF, filename: 'deck.pdf', type: 'application/pdf' };

/** A multipart request, as the web client sends projects with files. */
const sendForm = (method: string, path: string, form: FormData, who: Person) => t.api.request(method, path, form, { token: who.token });
const storedFiles = () => storedMediaFiles(t.server.dataDir);

async function create(who: Person, fields: Record<string, unknown> = {}) {
  const created = await t.api.post('/project/', { title: 'Bridge', description: 'A footbridge model', ...fields }, { token: who.token });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: number; title: string; image: string; download_material: string | null };
}

async function uploaded(who: Person, contentType: string, bytes: Buffer): Promise<string> {
  const grant = await t.api.post('/media/uploads/', { content_type: contentType }, { token: who.token });
  expect(grant.status).toBe(201);
  const put = await fetch(grant.body.upload_url, { method: 'PUT', headers: grant.body.headers, body: new Uint8Array(bytes) });
  expect(put.status).toBeLessThan(300);
  return grant.body.url as string;
}

const count = async (who: Person) => (await t.api.get('/project/', { token: who.token })).body.count as number;

describe('portfolio projects', () => {
  it('creates a project from a multipart form with an image and a PDF, both served back', async () => {
    const owner = await person(t.api, t.mailbox);
    const created = await sendForm(
      'POST',
      '/project/',
      multipart({ title: 'Solar kiosk', description: 'Off-grid charging', image: png(), download_material: pdf }),
      owner,
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ owner: owner.id, title: 'Solar kiosk', description: 'Off-grid charging' });
    expect(created.body.image).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/media\/images\/.+\.png$/);
    expect(created.body.download_material).toMatch(/\/media\/documents\/.+\.pdf$/);
    expect(Buffer.from(await (await fetch(created.body.download_material)).arrayBuffer())).toEqual(PDF);

    // The download material may be an image too.
    const withImage = await sendForm(
      'POST',
      '/project/',
      multipart({ title: 'Poster', description: 'A4', download_material: png() }),
      owner,
    );
    expect(withImage.status, JSON.stringify(withImage.body)).toBe(201);
    expect(withImage.body.download_material).toMatch(/\.png$/);
    // Without an image: the default one.
    expect(withImage.body.image).toMatch(/\/static\/default-cover\.png$/);
  });

  it('creates from JSON with the URLs of uploaded files', async () => {
    const owner = await person(t.api, t.mailbox);
    const image = await uploaded(owner, 'image/png', PNG_1x1);
    const material = await uploaded(owner, 'application/pdf', PDF);
    const created = await create(owner, { image, download_material: material });
    expect(created).toMatchObject({ image, download_material: material });

    const foreign = await t.api.post(
      '/project/',
      { title: 'x', description: 'y', image: 'https://example.com/a.png' },
      { token: owner.token },
    );
    expect(foreign.status).toBe(400);
    expect(foreign.body.image).toBeDefined();
  });

  it('refuses a text file posing as an image, a PDF as the image, and a missing title, storing nothing', async () => {
    const owner = await person(t.api, t.mailbox);
    const before = storedFiles();
    const fake = await sendForm(
      'POST',
      '/project/',
      multipart({ title: 'Fake', description: 'd', image: { bytes: NOT_AN_IMAGE, filename: 'photo.png', type: 'image/png' } }),
      owner,
    );
    expect(fake.status).toBe(400);
    expect(fake.body.image).toEqual(['Upload an image (JPEG, PNG, WebP or GIF).']);
    const pdfAsImage = await sendForm('POST', '/project/', multipart({ title: 'Fake', description: 'd', image: pdf }), owner);
    expect(pdfAsImage.status).toBe(400);
    const fakeMaterial = await sendForm(
      'POST',
      '/project/',
      multipart({
        title: 'Fake',
        description: 'd',
        download_material: { bytes: NOT_AN_IMAGE, filename: 'a.pdf', type: 'application/pdf' },
      }),
      owner,
    );
    expect(fakeMaterial.status).toBe(400);
    expect(fakeMaterial.body.download_material).toEqual(['Upload a PDF document or an image (JPEG, PNG, WebP or GIF).']);
    // A good file with a refused field: the file is removed again.
    const noTitle = await sendForm('POST', '/project/', multipart({ description: 'd', image: png() }), owner);
    expect(noTitle.status).toBe(400);
    expect(noTitle.body.title).toEqual(['This field is required.']);
    const longTitle = await t.api.post('/project/', { title: 'x'.repeat(151), description: 'd' }, { token: owner.token });
    expect(longTitle.status).toBe(400);
    expect(longTitle.body.title).toBeDefined();
    expect(storedFiles()).toEqual(before);
    expect(await count(owner)).toBe(0);
  });

  it('refuses a file over its size limit with 413 and stores nothing', async () => {
    const owner = await person(t.api, t.mailbox);
    const before = storedFiles();
    const big = await sendForm(
      'POST',
      '/project/',
      multipart({ title: 'Big', description: 'd', image: png(pngOfSize(MAX_IMAGE_BYTES + 1)) }),
      owner,
    );
    expect(big.status).toBe(413);
    expect(big.body.image).toEqual([expect.stringMatching(/larger than/)]);
    const bigPdf = Buffer.concat([PDF, Buffer.alloc(MAX_DOCUMENT_BYTES)]);
    const bigMaterial = await sendForm(
      'POST',
      '/project/',
      multipart({ title: 'Big', description: 'd', download_material: { bytes: bigPdf, filename: 'big.pdf', type: 'application/pdf' } }),
      owner,
    );
    expect(bigMaterial.status).toBe(413);
    expect(bigMaterial.body.download_material).toBeDefined();
    expect(storedFiles()).toEqual(before);
    expect(await count(owner)).toBe(0);
  });

  it('lists mine and another member’s, newest first, in pages with absolute links', async () => {
    const owner = await person(t.api, t.mailbox);
    const reader = await person(t.api, t.mailbox);
    const first = await create(owner, { title: 'First' });
    const second = await create(owner, { title: 'Second' });
    const mine = await t.api.get('/project/?page_size=1', { token: owner.token });
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ count: 2, previous: null, results: [{ id: second.id, title: 'Second' }] });
    expect(new URL(mine.body.next).searchParams.get('page')).toBe('2');
    expect(mine.body.next).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/project\/\?page_size=1&page=2$/);
    const page2 = await t.api.get(new URL(mine.body.next).pathname + new URL(mine.body.next).search, { token: owner.token });
    expect(page2.body.results.map((item: { id: number }) => item.id)).toEqual([first.id]);

    const theirs = await t.api.get(`/project/?user_id=${owner.id}`, { token: reader.token });
    expect(theirs.body.results.map((item: { id: number }) => item.id)).toEqual([second.id, first.id]);
    expect((await t.api.get('/project/', { token: reader.token })).body).toMatchObject({ count: 0, results: [] });
    // user_id wins over portfolio_id.
    expect((await t.api.get(`/project/?user_id=${reader.id}&portfolio_id=${first.id}`, { token: reader.token })).body.count).toBe(0);

    expect((await t.api.get('/project/?user_id=abc', { token: reader.token })).body).toMatchObject({ error: 'Invalid User ID' });
    expect((await t.api.get('/project/?user_id=99999999', { token: reader.token })).status).toBe(404);
    expect((await t.api.get('/project/?page=9', { token: owner.token })).status).toBe(404);
  });

  it('reads one project by ?portfolio_id= and at /project/<id>/, for any member', async () => {
    const owner = await person(t.api, t.mailbox);
    const reader = await person(t.api, t.mailbox);
    const created = await create(owner, { title: 'Kiln' });
    const byQuery = await t.api.get(`/project/?portfolio_id=${created.id}`, { token: reader.token });
    expect(byQuery.status).toBe(200);
    expect(byQuery.body).toMatchObject({ id: created.id, owner: owner.id, title: 'Kiln' });
    const byPath = await t.api.get(`/project/${created.id}/`, { token: reader.token });
    expect(byPath.status).toBe(200);
    expect(byPath.body).toEqual(byQuery.body);
    expect((await t.api.get(`/project/${created.id}`, { token: reader.token })).status).toBe(200);

    expect((await t.api.get('/project/99999999/', { token: reader.token })).body).toMatchObject({ detail: 'Invalid Portfolio ID' });
    expect((await t.api.get('/project/99999999/', { token: reader.token })).status).toBe(404);
    expect((await t.api.get('/project/?portfolio_id=x', { token: reader.token })).status).toBe(400);
    expect((await t.api.get('/project/x/', { token: reader.token })).status).toBe(404);

    // The same through the SDK (/trpc).
    const client = createClient({ url: t.server.url, getAccessToken: () => reader.token });
    expect(await client.portfolio.get.query({ id: String(created.id) })).toMatchObject({ id: created.id, title: 'Kiln' });
  });

  it('lets the owner edit (JSON and multipart) and refuses a stranger with 403, nothing changed', async () => {
    const owner = await person(t.api, t.mailbox);
    const stranger = await person(t.api, t.mailbox);
    const created = await create(owner, { title: 'Draft' });
    const edited = await t.api.request('PUT', `/project/?portfolio_id=${created.id}`, { title: 'Final' }, { token: owner.token });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body).toMatchObject({ id: created.id, title: 'Final', description: 'A footbridge model' });

    const form = await sendForm('PUT', `/project/?portfolio_id=${created.id}`, multipart({ image: png(), download_material: pdf }), owner);
    expect(form.status, JSON.stringify(form.body)).toBe(200);
    expect(form.body.image).toMatch(/\/media\/images\//);
    const removed = await t.api.request('PUT', '/project/', { portfolio_id: created.id, download_material: null }, { token: owner.token });
    expect(removed.body.download_material).toBeNull();

    const refused = await t.api.request('PUT', `/project/?portfolio_id=${created.id}`, { title: 'Mine now' }, { token: stranger.token });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toBeDefined();
    const strangerForm = await sendForm('PUT', `/project/?portfolio_id=${created.id}`, multipart({ title: 'x', image: png() }), stranger);
    expect(strangerForm.status).toBe(403);
    expect((await t.api.get(`/project/${created.id}/`, { token: owner.token })).body).toMatchObject({
      title: 'Final',
      image: form.body.image,
    });

    expect((await t.api.request('PUT', '/project/?portfolio_id=99999999', { title: 'x' }, { token: owner.token })).status).toBe(404);
    expect((await t.api.request('PUT', '/project/', { title: 'x' }, { token: owner.token })).body).toMatchObject({
      error: 'No portfolio_id is provided',
    });
  });

  it('lets the owner delete; a stranger gets 403 and the project stays; unknown is 404', async () => {
    const owner = await person(t.api, t.mailbox);
    const stranger = await person(t.api, t.mailbox);
    const created = await create(owner);
    const refused = await t.api.request('DELETE', `/project/?portfolio_id=${created.id}`, undefined, { token: stranger.token });
    expect(refused.status).toBe(403);
    expect((await t.api.get(`/project/${created.id}/`, { token: owner.token })).status).toBe(200);

    expect((await t.api.request('DELETE', '/project/', undefined, { token: owner.token })).body).toMatchObject({
      error: 'No portfolio_id is provided',
    });
    const deleted = await t.api.request('DELETE', `/project/?portfolio_id=${created.id}`, undefined, { token: owner.token });
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect((await t.api.get(`/project/${created.id}/`, { token: owner.token })).status).toBe(404);
    expect((await t.api.request('DELETE', `/project/?portfolio_id=${created.id}`, undefined, { token: owner.token })).status).toBe(404);
  });

  it('removes a project’s replaced and deleted files from storage', async () => {
    const owner = await person(t.api, t.mailbox);
    const status = async (url: string) => (await fetch(url)).status;
    const first = await sendForm(
      'POST',
      '/project/',
      multipart({ title: 'Kiln', description: 'Clay', image: png(), download_material: pdf }),
      owner,
    );
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const { id, image, download_material: material } = first.body as { id: number; image: string; download_material: string };

    // A new image replaces the old one; the untouched download stays.
    const edited = await sendForm('PUT', `/project/?portfolio_id=${id}`, multipart({ image: png() }), owner);
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(await status(image)).toBe(404);
    expect(await status(edited.body.image)).toBe(200);
    expect(await status(material)).toBe(200);
    // Removing the download (null) removes its file.
    expect((await t.api.request('PUT', '/project/', { portfolio_id: id, download_material: null }, { token: owner.token })).status).toBe(
      200,
    );
    expect(await status(material)).toBe(404);

    expect((await t.api.request('DELETE', `/project/?portfolio_id=${id}`, undefined, { token: owner.token })).status).toBe(204);
    expect(await status(edited.body.image)).toBe(404);
    expect(storedFiles().some((file) => file.endsWith(edited.body.image.split('/').pop()))).toBe(false);
  });

  it('counts a member’s projects on their profile', async () => {
    const owner = await person(t.api, t.mailbox);
    const reader = await person(t.api, t.mailbox);
    expect((await t.api.get('/user/retrieve-profile/', { token: owner.token })).body.projects_count).toBe(0);
    await create(owner);
    await create(owner);
    expect((await t.api.get('/user/retrieve-profile/', { token: owner.token })).body.projects_count).toBe(2);
    expect((await t.api.get(`/user/retrieve-profile/?user_id=${owner.id}`, { token: reader.token })).body.projects_count).toBe(2);
  });
});
