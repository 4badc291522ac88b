import { createClient } from '@careernexus/sdk';
import { describe, expect, it } from 'vitest';
import { useServer } from './support/fixture.js';
import { signUp } from './support/flows.js';
import { storedMediaFiles } from './support/media-files.js';
import { person } from './support/people.js';
import { multipart, NOT_AN_IMAGE, PDF, PNG_1x1 } from './support/samples.js';

const ADMIN = `library.admin.${process.pid}.${Date.now()}@example.test`;
const MAX_DOCUMENT_BYTES = 8192;
const t = useServer({ ADMIN_EMAILS: ADMIN, MAX_DOCUMENT_BYTES: String(MAX_DOCUMENT_BYTES) });

const pdf = (bytes: Buffer = PDF) => ({ bytes, filename: 'guide.pdf', type: 'application/pdf' });
const ADMIN_REFUSAL = 'You do not have permission to perform this action.';

let adminToken: string | undefined;
async function admin() {
  adminToken ??= (await signUp(t.api, t.mailbox, ADMIN)).access;
  return adminToken;
}

let titles = 0;
const uniqueTitle = (label: string) => `${label} ${process.pid}.${++titles}`;

const sendForm = (method: string, path: string, form: FormData, token: string) => t.api.request(method, path, form, { token });
const storedFiles = () => storedMediaFiles(t.server.dataDir);

async function createItem(title = uniqueTitle('CV guide'), tags = '["career", "cv"]') {
  const created = await sendForm(
    'POST',
    '/info/library/',
    multipart({ title, description: 'How to write one', tags, file: pdf() }),
    await admin(),
  );
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: number; title: string; description: string; tags: string[]; file: string };
}

const libraryCount = async (token: string) => (await t.api.get('/info/library/', { token })).body.count as number;

describe('content library', () => {
  it('an administrator adds a PDF with tags (multipart, JSON string tags), served back', async () => {
    const title = uniqueTitle('Interview handbook');
    const created = await createItem(title, '[" career ", "interviews", "career"]');
    expect(Object.keys(created).sort()).toEqual(['description', 'file', 'id', 'tags', 'title']);
    expect(created).toMatchObject({ title, description: 'How to write one', tags: ['career', 'interviews'] });
    expect(created.file).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/media\/documents\/.+\.pdf$/);
    expect(Buffer.from(await (await fetch(created.file)).arrayBuffer())).toEqual(PDF);

    // An image is a library file too.
    const image = await sendForm(
      'POST',
      '/info/library/',
      multipart({ title: uniqueTitle('Poster'), description: 'A4', file: { bytes: PNG_1x1, filename: 'p.png', type: 'image/png' } }),
      await admin(),
    );
    expect(image.status, JSON.stringify(image.body)).toBe(201);
    expect(image.body.tags).toEqual([]);
  });

  it('takes JSON with an uploaded file’s URL and a real tags list', async () => {
    const token = await admin();
    const grant = await t.api.post('/media/uploads/', { content_type: 'application/pdf' }, { token });
    expect(grant.status).toBe(201);
    const put = await fetch(grant.body.upload_url, { method: 'PUT', headers: grant.body.headers, body: new Uint8Array(PDF) });
    expect(put.status).toBeLessThan(300);
    const created = await t.api.post(
      '/info/library/',
      { title: uniqueTitle('Salary guide'), description: 'Bands', tags: ['pay'], file: grant.body.url },
      { token },
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ tags: ['pay'], file: grant.body.url });

    const foreign = await t.api.post(
      '/info/library/',
      { title: uniqueTitle('x'), description: 'y', file: 'https://example.com/a.pdf' },
      { token },
    );
    expect(foreign.status).toBe(400);
    expect(foreign.body.file).toBeDefined();
  });

  it('refuses a duplicate title in any case, bad tags, a fake PDF and an oversize file, storing nothing', async () => {
    const token = await admin();
    const existing = await createItem();
    const before = storedFiles();
    const count = await libraryCount(token);

    const duplicate = await sendForm(
      'POST',
      '/info/library/',
      multipart({ title: `  ${existing.title.toUpperCase()} `, description: 'again', file: pdf() }),
      token,
    );
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.title).toEqual(['A Library content with this title already exists.']);
    expect(duplicate.body.message).toBe('A Library content with this title already exists.');

    for (const tags of ['career', '{"a": 1}', '[1, 2]']) {
      const bad = await sendForm(
        'POST',
        '/info/library/',
        multipart({ title: uniqueTitle('Tags'), description: 'd', tags, file: pdf() }),
        token,
      );
      expect(bad.status, tags).toBe(400);
      expect(bad.body.tags, tags).toEqual(['Tags must be a list of Texts.']);
    }
    const badJsonTags = await t.api.post('/info/library/', { title: uniqueTitle('Tags'), description: 'd', tags: 5, file: 'x' }, { token });
    expect(badJsonTags.status).toBe(400);
    expect(badJsonTags.body.tags).toEqual(['Tags must be a list of Texts.']);
    const tooLong = await sendForm(
      'POST',
      '/info/library/',
      multipart({ title: uniqueTitle('Tags'), description: 'd', tags: JSON.stringify(['x'.repeat(101)]), file: pdf() }),
      token,
    );
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.tags).toBeDefined();

    const fake = await sendForm(
      'POST',
      '/info/library/',
      multipart({
        title: uniqueTitle('Fake'),
        description: 'd',
        file: { bytes: NOT_AN_IMAGE, filename: 'a.pdf', type: 'application/pdf' },
      }),
      token,
    );
    expect(fake.status).toBe(400);
    expect(fake.body.file).toEqual(['Upload a PDF document or an image (JPEG, PNG, WebP or GIF).']);

    const big = await sendForm(
      'POST',
      '/info/library/',
      multipart({ title: uniqueTitle('Big'), description: 'd', file: pdf(Buffer.concat([PDF, Buffer.alloc(MAX_DOCUMENT_BYTES)])) }),
      token,
    );
    expect(big.status).toBe(413);
    expect(big.body.file).toEqual([expect.stringMatching(/larger than/)]);

    const missing = await t.api.post('/info/library/', { title: uniqueTitle('No file'), description: 'd' }, { token });
    expect(missing.status).toBe(400);
    expect(missing.body.file).toEqual(['This field is required.']);
    const longTitle = await sendForm('POST', '/info/library/', multipart({ title: 'x'.repeat(251), description: 'd', file: pdf() }), token);
    expect(longTitle.status).toBe(400);
    expect(longTitle.body.title).toBeDefined();

    expect(storedFiles()).toEqual(before);
    expect(await libraryCount(token)).toBe(count);
  });

  it('members read the library newest first in pages with absolute links, and one item by content_id', async () => {
    const member = await person(t.api, t.mailbox);
    const first = await createItem();
    const second = await createItem();
    const page = await t.api.get('/info/library/?page_size=1', { token: member.token });
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ previous: null, results: [{ id: second.id, title: second.title, tags: ['career', 'cv'] }] });
    expect(page.body.count).toBeGreaterThanOrEqual(2);
    expect(page.body.next).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/info\/library\/\?page_size=1&page=2$/);
    const next = new URL(page.body.next);
    const page2 = await t.api.get(next.pathname + next.search, { token: member.token });
    expect(page2.body.results.map((item: { id: number }) => item.id)).toEqual([first.id]);
    expect((await t.api.get('/info/library/?page=999', { token: member.token })).status).toBe(404);

    const one = await t.api.get(`/info/library/?content_id=${first.id}`, { token: member.token });
    expect(one.status).toBe(200);
    expect(one.body).toEqual(first);
    const unknown = await t.api.get('/info/library/?content_id=99999999', { token: member.token });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: 'Invalid content id' });
    const malformed = await t.api.get('/info/library/?content_id=abc', { token: member.token });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: 'Invalid content id' });
    expect((await t.api.get('/info/library/')).status).toBe(401);

    // The same through the SDK (/trpc).
    const client = createClient({ url: t.server.url, getAccessToken: () => member.token });
    expect(await client.library.list.query({ content_id: String(second.id) })).toMatchObject({ id: second.id, title: second.title });
  });

  it('a member can neither add nor delete (403, nothing changed); an administrator deletes', async () => {
    const member = await person(t.api, t.mailbox);
    const item = await createItem();
    const before = storedFiles();
    const count = await libraryCount(member.token);

    const create = await sendForm(
      'POST',
      '/info/library/',
      multipart({ title: uniqueTitle('Mine'), description: 'd', file: pdf() }),
      member.token,
    );
    expect(create.status).toBe(403);
    expect(create.body.detail).toBe(ADMIN_REFUSAL);
    const remove = await t.api.request('DELETE', `/info/library/?content_id=${item.id}`, undefined, { token: member.token });
    expect(remove.status).toBe(403);
    expect(remove.body.detail).toBe(ADMIN_REFUSAL);
    expect(storedFiles()).toEqual(before);
    expect(await libraryCount(member.token)).toBe(count);
    expect((await t.api.get(`/info/library/?content_id=${item.id}`, { token: member.token })).status).toBe(200);

    const token = await admin();
    const noId = await t.api.request('DELETE', '/info/library/', undefined, { token });
    expect(noId.status).toBe(400);
    expect(noId.body).toMatchObject({ error: 'A content_id query parameter is required for this request' });
    expect((await t.api.request('DELETE', '/info/library/?content_id=x', undefined, { token })).body).toMatchObject({
      error: 'Invalid Content ID',
    });
    expect((await fetch(item.file)).status).toBe(200);
    const deleted = await t.api.request('DELETE', `/info/library/?content_id=${item.id}`, undefined, { token });
    expect(deleted.status).toBe(204);
    expect((await t.api.get(`/info/library/?content_id=${item.id}`, { token: member.token })).status).toBe(404);
    // Its file left storage with it.
    expect((await fetch(item.file)).status).toBe(404);
    const again = await t.api.request('DELETE', `/info/library/?content_id=${item.id}`, undefined, { token });
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ error: 'Invalid Content ID' });
    expect(await libraryCount(member.token)).toBe(count - 1);
    // The title is free again.
    await createItem(item.title);
  });
});
