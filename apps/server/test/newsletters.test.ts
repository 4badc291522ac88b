import { sql } from '@careernexus/db';
import { describe, expect, it } from 'vitest';
import { useServer } from './support/fixture.js';
import { signUp, uniqueEmail } from './support/flows.js';
import { startMailbox, type ReceivedMail } from './support/mailbox.js';
import { storedMediaFiles } from './support/media-files.js';
import { person, type Person } from './support/people.js';
import { multipart, NOT_AN_IMAGE, PNG_1x1 } from './support/samples.js';

const ADMIN = `newsletter.admin.${process.pid}.${Date.now()}@example.test`;
const t = useServer({ ADMIN_EMAILS: ADMIN });
const db = () => t.server.database.db;

let adminToken: string | undefined;
async function admin() {
  adminToken ??= (await signUp(t.api, t.mailbox, ADMIN)).access;
  return adminToken;
}

let titles = 0;
const uniqueTitle = (label: string) => `${label} ${process.pid}.${++titles}`;

async function publish(title = uniqueTitle('Career news'), content = 'Three things we learnt this month.\n\nAnd one more.') {
  const created = await t.api.post('/newsletter/create/', { title, content }, { token: await admin() });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  return created.body as { id: number; title: string; recipients: number };
}

const setMarketing = (who: Person, marketing: boolean) => sql`update users set marketing = ${marketing} where id = ${who.id}`.execute(db());

async function subscribedMember(marketing: boolean) {
  const member = await person(t.api, t.mailbox);
  expect((await t.api.post('/newsletter/subscribe/', { email: member.email }, { token: member.token })).status).toBe(200);
  await setMarketing(member, marketing);
  return member;
}

/** The token of the confirmation link mailed to `email`. */
async function confirmationToken(email: string) {
  const mail = await t.mailbox.waitFor(email, 'Confirm your newsletter subscription');
  const token = /\/newsletter\/confirm\/\?token=([\w-]+)/.exec(mail.text)?.[1];
  expect(token, mail.text).toBeDefined();
  return token!;
}

async function subscribedVisitor(confirm: boolean) {
  const email = uniqueEmail('visitor');
  const subscribed = await t.api.post('/user/newsletter-subscribe/', { email });
  expect(subscribed).toMatchObject({ status: 200, body: { status: 'Subscribed Successfully' } });
  const token = await confirmationToken(email);
  if (confirm) expect((await t.api.get(`/newsletter/confirm/?token=${token}`)).body).toEqual({ status: 'Subscription confirmed' });
  return email;
}

/** Waits until every queued e-mail of the newsletter was sent (or skipped). */
async function allDelivered(newsletterId: number) {
  for (const deadline = Date.now() + 20_000; ;) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from newsletter_deliveries where newsletter_id = ${newsletterId} and finished_at is null`.execute(db());
    if (rows[0]!.n === 0) return;
    if (Date.now() > deadline) throw new Error(`newsletter ${newsletterId} still has ${rows[0]!.n} e-mails queued`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const mailsWithSubject = (subject: string) => t.mailbox.received.filter((mail) => mail.subject === subject);
const linkIn = (mail: ReceivedMail) => {
  const link = /(http:\/\/\S+\/newsletter\/unsubscribe\/one-click\/\?token=[\w.]+)/.exec(mail.text)?.[1];
  expect(link, mail.text).toBeDefined();
  return link!;
};

describe('newsletters', () => {
  it('a newsletter reaches subscribed and allowing users only, with a working unsubscribe link', async () => {
    const allowing = await subscribedMember(true);
    const notAllowing = await subscribedMember(false);
    const unsubscribed = await person(t.api, t.mailbox);
    await setMarketing(unsubscribed, true);
    const confirmed = await subscribedVisitor(true);
    const pending = await subscribedVisitor(false);

    const letter = await publish();
    expect(letter.recipients).toBe(2);
    const [toMember, toVisitor] = await Promise.all([
      t.mailbox.waitFor(allowing.email, letter.title),
      t.mailbox.waitFor(confirmed, letter.title),
    ]);
    await allDelivered(letter.id);
    expect(mailsWithSubject(letter.title)).toEqual([]);
    for (const nobody of [notAllowing.email, unsubscribed.email, pending])
      expect(t.mailbox.received.some((mail) => mail.to.includes(nobody) && mail.subject === letter.title)).toBe(false);

    expect(toMember.text).toContain('Three things we learnt this month.');
    const memberLink = linkIn(toMember);
    const visitorLink = linkIn(toVisitor);
    expect(memberLink).not.toBe(visitorLink);
    expect(toMember.headers['list-unsubscribe']).toBe(`<${memberLink}>`);
    expect(toMember.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');

    // Following the link unsubscribes without signing in; again is no error; a forged token is refused.
    expect(await t.api.get(memberLink.replace(/^http:\/\/[^/]+/, ''))).toMatchObject({
      status: 200,
      body: { status: 'Unsubscribed from Newsletter' },
    });
    expect((await t.api.get(memberLink.replace(/^http:\/\/[^/]+/, ''))).status).toBe(200);
    expect(await t.api.get('/newsletter/', { token: allowing.token })).toMatchObject({ status: 404, body: { subscribed: false } });
    // A mail client's one-click POST (RFC 8058), form-encoded as it sends it.
    const oneClick = await t.api.post(
      visitorLink.replace(/^http:\/\/[^/]+/, ''),
      { 'List-Unsubscribe': 'One-Click' },
      { encoding: 'form' },
    );
    expect(oneClick).toMatchObject({ status: 200, body: { status: 'Unsubscribed from Newsletter' } });
    const token = new URL(visitorLink).searchParams.get('token')!;
    const forged = token.replace(/^\d+/, (id) => String(Number(id) + 1));
    const refused = await t.api.get(`/newsletter/unsubscribe/one-click/?token=${forged}`);
    expect(refused).toMatchObject({ status: 400, body: { token: ['This unsubscribe link is not valid.'] } });

    // The next newsletter reaches only the member who now allows it.
    await setMarketing(notAllowing, true);
    const next = await publish();
    expect(next.recipients).toBe(1);
    await t.mailbox.waitFor(notAllowing.email, next.title);
    await allDelivered(next.id);
    expect(mailsWithSubject(next.title)).toEqual([]);
  });

  it('the public form mails a confirmation link, refuses a confirmed address, and a new link replaces a pending one', async () => {
    const invalid = await t.api.post('/user/newsletter-subscribe/', { email: 'not-an-address' });
    expect(invalid).toMatchObject({ status: 400, body: { email: ['Enter a valid email address.'] } });

    const email = uniqueEmail('Visitor');
    expect((await t.api.post('/user/newsletter-subscribe/', { email })).status).toBe(200);
    const first = await confirmationToken(email);
    expect((await t.api.post('/user/newsletter-subscribe/', { email: email.toUpperCase() })).status).toBe(200);
    const second = await confirmationToken(email);
    expect(second).not.toBe(first);
    expect(await t.api.get(`/newsletter/confirm/?token=${first}`)).toMatchObject({
      status: 400,
      body: { token: ['This confirmation link is not valid.'] },
    });
    expect((await t.api.get('/newsletter/confirm/')).status).toBe(400);
    for (let i = 0; i < 2; i++) expect((await t.api.get(`/newsletter/confirm/?token=${second}`)).status).toBe(200);

    const again = await t.api.post('/user/newsletter-subscribe/', { email });
    expect(again).toMatchObject({ status: 400, body: { email: ['Already subscribed to Newsletter'] } });
    // The token is stored as a digest only.
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from newsletter_subscribers where confirm_digest = ${second} or email = ${second}`.execute(db());
    expect(rows[0]!.n).toBe(0);
  });

  it('members subscribe once, read the newest and a paginated archive, and unsubscribe once', async () => {
    const member = await person(t.api, t.mailbox);
    expect(await t.api.get('/newsletter/', { token: member.token })).toMatchObject({ status: 404, body: { subscribed: false } });
    const subscribed = await t.api.post('/newsletter/subscribe/', {}, { token: member.token });
    expect(subscribed.status).toBe(200);
    expect(subscribed.body).toEqual({
      subscriber: expect.objectContaining({ id: member.id, first_name: 'N/A' }),
      subscribed_at: expect.stringMatching(/Z$/),
    });
    expect(await t.api.post('/newsletter/subscribe/', {}, { token: member.token })).toMatchObject({
      status: 400,
      body: { non_field_errors: ['Already subscribed to NewsLetter.'] },
    });

    const before = (await t.api.get('/newsletter/', { token: member.token })).body;
    const published = [];
    for (let i = 0; i < 6; i++) published.push(await publish(uniqueTitle('Issue')));
    const withImage = await t.api.request(
      'POST',
      '/newsletter/create/',
      multipart({
        title: uniqueTitle('Pictured'),
        content: 'See the picture.',
        image: { bytes: PNG_1x1, filename: 'p.png', type: 'image/png' },
      }),
      { token: await admin() },
    );
    expect(withImage.status, JSON.stringify(withImage.body)).toBe(200);
    expect(withImage.body.image).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/media\/images\/.+\.png$/);

    const page1 = await t.api.get('/newsletter/', { token: member.token });
    expect(page1.status).toBe(200);
    expect(page1.body.recent).toEqual({
      id: withImage.body.id,
      title: withImage.body.title,
      content: 'See the picture.',
      image: withImage.body.image,
      timestamp: withImage.body.timestamp,
    });
    expect(page1.body.archive.count).toBe(before.archive.count + 7 - (before.recent.id === null ? 1 : 0));
    expect(page1.body.archive.results.map((letter: { id: number }) => letter.id)).toEqual(
      published
        .slice(-5)
        .reverse()
        .map((letter) => letter.id),
    );
    expect(page1.body.archive.results[0]).toMatchObject({ image: '', content: expect.any(String) });
    expect(page1.body.archive.next).toMatch(/\/newsletter\/\?page=2$/);
    const page2 = await t.api.get('/newsletter/?page=2', { token: member.token });
    expect(page2.body.archive.results[0].id).toBe(published[0]!.id);
    expect(page2.body.recent.id).toBe(withImage.body.id);

    expect(await t.api.post('/newsletter/unsubscribe/', {}, { token: member.token })).toMatchObject({
      status: 200,
      body: { status: 'Unsubscribed from Newsletter' },
    });
    expect(await t.api.post('/newsletter/unsubscribe/', {}, { token: member.token })).toMatchObject({
      status: 400,
      body: { non_field_errors: ['Not previously subscribed to NewsLetter.'] },
    });
    expect((await t.api.get('/newsletter/', { token: member.token })).status).toBe(404);
  });

  it('only administrators publish, and a file that is not an image is refused with nothing stored', async () => {
    const member = await person(t.api, t.mailbox);
    const count = async () => (await sql<{ n: number }>`select count(*)::int as n from newsletters`.execute(db())).rows[0]!.n;
    const before = await count();
    const refused = await t.api.post('/newsletter/create/', { title: 'Mine', content: 'x' }, { token: member.token });
    expect(refused).toMatchObject({ status: 403, body: { detail: 'You do not have permission to perform this action.' } });
    const files = storedMediaFiles(t.server.dataDir);
    const fake = await t.api.request(
      'POST',
      '/newsletter/create/',
      multipart({ title: uniqueTitle('Fake'), content: 'x', image: { bytes: NOT_AN_IMAGE, filename: 'a.png', type: 'image/png' } }),
      { token: await admin() },
    );
    expect(fake.status).toBe(400);
    expect(fake.body.image).toBeDefined();
    const blank = await t.api.post('/newsletter/create/', { title: ' ', content: '' }, { token: await admin() });
    expect(blank.status).toBe(400);
    expect(Object.keys(blank.body)).toEqual(expect.arrayContaining(['title', 'content']));
    expect(await count()).toBe(before);
    expect(storedMediaFiles(t.server.dataDir)).toEqual(files);
  });

  it('the queue loses nothing and repeats nothing: a dead process’s rows are sent once, a failed send is kept for later', async () => {
    const reader = await subscribedVisitor(true);
    // A row claimed by a process that died: its lease ran out.
    const { rows } = await sql<{ id: number; subscriber: number }>`
      with letter as (insert into newsletters (title, content) values (${uniqueTitle('Orphaned')}, 'Left behind') returning id)
      select letter.id, s.id as subscriber from letter, newsletter_subscribers s where s.email = ${reader}`.execute(db());
    const orphan = rows[0]!;
    await sql`
      insert into newsletter_deliveries (newsletter_id, subscriber_id, address, attempts, not_before)
      values (${orphan.id}, ${orphan.subscriber}, ${reader}, 1, now() - interval '1 second')`.execute(db());
    const { title: orphanTitle } = (await sql<{ title: string }>`select title from newsletters where id = ${orphan.id}`.execute(db()))
      .rows[0]!;

    // Publishing wakes the courier, which sends both.
    const letter = await publish();
    await t.mailbox.waitFor(reader, orphanTitle);
    await t.mailbox.waitFor(reader, letter.title);
    await allDelivered(orphan.id);
    await allDelivered(letter.id);
    const { rows: finished } = await sql<{ attempts: number; skipped: boolean }>`
      select attempts, skipped from newsletter_deliveries where newsletter_id = ${orphan.id}`.execute(db());
    expect(finished).toEqual([{ attempts: 2, skipped: false }]);

    // Nothing is sent twice: a later newsletter brings one mail each, and only its own.
    const later = await publish();
    await t.mailbox.waitFor(reader, later.title);
    await allDelivered(later.id);
    expect(t.mailbox.received.filter((mail) => mail.to.includes(reader))).toEqual([]);

    // The mail server is down: every send fails, and each row waits for its retry a minute later
    // (not its claim's 10-minute lease), unfinished: not lost.
    const port = t.mailbox.port;
    await t.mailbox.close();
    const failed = await publish();
    for (const deadline = Date.now() + 20_000; ;) {
      const { rows: states } = await sql<{ unsettled: number; reader: number }>`
        select count(*) filter (where not (attempts = 1 and not_before between now() + interval '30 seconds' and now() + interval '5 minutes'))::int as unsettled,
          count(*) filter (where address = ${reader})::int as reader
        from newsletter_deliveries where newsletter_id = ${failed.id} and finished_at is null`.execute(db());
      if (states[0]!.unsettled === 0 && states[0]!.reader === 1) break;
      if (Date.now() > deadline) throw new Error(`the failed sends were not scheduled again: ${JSON.stringify(states)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Back up; its retry time brought forward, the next round sends it, once.
    t.mailbox = await startMailbox(port);
    await sql`update newsletter_deliveries set not_before = now() where newsletter_id = ${failed.id}`.execute(db());
    const woken = await publish();
    await t.mailbox.waitFor(reader, failed.title);
    await t.mailbox.waitFor(reader, woken.title);
    await allDelivered(failed.id);
    expect(t.mailbox.received.filter((mail) => mail.to.includes(reader))).toEqual([]);
  });

  it('the courier deletes settled rows older than 30 days, a backlog of them in several batches, and keeps recent and unsettled rows', async () => {
    // The queue's states, set up directly: one row per address, under a newsletter of their own.
    const { rows } = await sql<{ letter: number; subscriber: number }>`
      with letter as (insert into newsletters (title, content) values (${uniqueTitle('Long ago')}, 'Old news') returning id),
        subscriber as (insert into newsletter_subscribers (email, confirmed_at) values (${uniqueEmail('pruned')}, now()) returning id)
      select letter.id as letter, subscriber.id as subscriber from letter, subscriber`.execute(db());
    const { letter, subscriber } = rows[0]!;
    const states: Record<string, { attempts: number; notBefore: string; finishedAt: string | null; skipped?: boolean }> = {
      'sent-31-days-ago': { attempts: 1, notBefore: '-31 days', finishedAt: '-31 days' },
      'skipped-31-days-ago': { attempts: 1, notBefore: '-31 days', finishedAt: '-31 days', skipped: true },
      'given-up-31-days-ago': { attempts: 5, notBefore: '-31 days', finishedAt: null },
      'sent-29-days-ago': { attempts: 1, notBefore: '-29 days', finishedAt: '-29 days' },
      'given-up-yesterday': { attempts: 5, notBefore: '-1 day', finishedAt: null },
      'failed-retry-due-in-an-hour': { attempts: 2, notBefore: '1 hour', finishedAt: null },
      'pending-due-tomorrow': { attempts: 0, notBefore: '1 day', finishedAt: null },
    };
    for (const [address, state] of Object.entries(states)) {
      await sql`
        insert into newsletter_deliveries (newsletter_id, subscriber_id, address, attempts, not_before, finished_at, skipped)
        values (${letter}, ${subscriber}, ${address}, ${state.attempts}, now() + ${state.notBefore}::interval,
          now() + ${state.finishedAt}::interval, ${state.skipped ?? false})`.execute(db());
    }
    // More old sent rows than one prune deletes (1,000).
    await sql`
      insert into newsletter_deliveries (newsletter_id, subscriber_id, address, attempts, not_before, finished_at)
      select ${letter}, ${subscriber}, 'backlog-' || n, 1, now() - interval '40 days', now() - interval '40 days'
      from generate_series(1, 2500) n`.execute(db());

    // Publishing wakes the courier; its rounds delete the backlog one batch after another, without
    // waiting for its idle poll (15 s) between batches.
    const started = Date.now();
    const woken = await publish();
    const remaining = async () =>
      (
        await sql<{ address: string }>`
          select address from newsletter_deliveries where newsletter_id = ${letter} order by address`.execute(db())
      ).rows.map((row) => row.address);
    const kept = ['failed-retry-due-in-an-hour', 'given-up-yesterday', 'pending-due-tomorrow', 'sent-29-days-ago'];
    for (;;) {
      const left = await remaining();
      if (left.length === kept.length) break;
      if (Date.now() - started > 10_000) throw new Error(`${left.length} rows left: ${left.slice(0, 10).join(', ')}…`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await remaining()).toEqual(kept);
    // The newsletter that woke it went out as usual.
    await allDelivered(woken.id);
  });
});
