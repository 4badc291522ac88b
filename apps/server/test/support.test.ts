import { afterEach, describe, expect, it } from 'vitest';
import { useServer } from './support/fixture.js';
import { PASSWORD, signUp, uniqueEmail } from './support/flows.js';
import { restClient } from './support/http.js';
import { person, type Person } from './support/people.js';
import { openSocket, wsUrl, type TestSocket } from './support/sockets.js';
import { startTestServer } from './support/test-server.js';

const ADMIN = `support.admin.${process.pid}.${Date.now()}@example.test`;
const t = useServer({ ADMIN_EMAILS: ADMIN });
const ADMIN_REFUSAL = 'You do not have permission to perform this action.';

let adminToken: string | undefined;
async function admin() {
  adminToken ??= (await signUp(t.api, t.mailbox, ADMIN)).access;
  return adminToken;
}

const sockets: TestSocket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});
async function notificationSocket(who: Person) {
  const socket = await openSocket(wsUrl(t.server.url, `/ws/notification/?token=${encodeURIComponent(who.token)}`));
  sockets.push(socket);
  return socket;
}

async function openTicket(who: Person, fields: Record<string, unknown> = {}) {
  const created = await t.api.post(
    '/user/disputes/',
    { category: 'payment', priority: 'high', message: 'I was charged twice', ...fields },
    { token: who.token },
  );
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: number; status: string };
}
const answer = async (body: Record<string, unknown>) => t.api.request('PUT', '/user/admin/disputes/', body, { token: await admin() });
const allowEmail = (who: Person) =>
  t.server.database.db.updateTable('users').set({ email_notify: true }).where('id', '=', who.id).execute();
const ticketNotifications = (who: Person) =>
  t.server.database.db
    .selectFrom('notifications')
    .select(['message', 'data'])
    .where('user_id', '=', who.id)
    .where('type', '=', 'support_ticket')
    .orderBy('id')
    .execute();
const summary = async () => (await t.api.get('/user/admin/disputes/summary/', { token: await admin() })).body;

describe('support tickets', () => {
  it('a ticket’s life: opened, listed with filters and pages, answered by an administrator, the person notified', async () => {
    const member = await person(t.api, t.mailbox);
    const stranger = await person(t.api, t.mailbox);
    const before = await summary();

    const first = await openTicket(member, { category: 'account', priority: 'urgent', message: 'Cannot change my e-mail' });
    expect(first).toMatchObject({ user: member.id, category: 'account', priority: 'urgent', status: 'pending', admin_response: null });
    expect(Object.keys(first).sort()).toEqual([
      'admin_response',
      'category',
      'id',
      'message',
      'priority',
      'status',
      'timestamp',
      'updated_at',
      'user',
    ]);
    for (let i = 0; i < 10; i++) await openTicket(member, { message: `Payment problem ${i}` });
    await openTicket(stranger, { category: 'account', priority: 'urgent' });

    // Mine, newest first, 10 a page, absolute links; the stranger's is not among them.
    const page1 = await t.api.get('/user/disputes/', { token: member.token });
    expect(page1.status).toBe(200);
    expect(page1.body.count).toBe(11);
    expect(page1.body.results).toHaveLength(10);
    expect(page1.body.results[0].message).toBe('Payment problem 9');
    expect(page1.body.previous).toBeNull();
    expect(page1.body.next).toBe(`${t.server.url}/user/disputes/?page=2`);
    const page2 = await t.api.get(new URL(page1.body.next).pathname + new URL(page1.body.next).search, { token: member.token });
    expect(page2.body.results.map((ticket: any) => ticket.id)).toEqual([first.id]);
    expect(page2.body.previous).toBe(`${t.server.url}/user/disputes/`);
    expect((await t.api.get('/user/disputes/', { token: stranger.token })).body.count).toBe(1);

    // A bad status names the field and carries the original's `error` too, for clients of either shape; a blank one is no filter.
    const bad = await t.api.get('/user/disputes/?status=open', { token: member.token });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      error: 'Invalid status parameter',
      status: ['"open" is not a valid choice.'],
      message: 'status: "open" is not a valid choice.',
    });
    expect((await t.api.get('/user/disputes/?status=', { token: member.token })).body.count).toBe(11);

    // Administrators see everyone's, filtered.
    const urgentAccounts = await t.api.get('/user/admin/disputes/?priority=urgent&category=account&status=pending', {
      token: await admin(),
    });
    expect(urgentAccounts.status).toBe(200);
    const users = urgentAccounts.body.results.map((ticket: any) => ticket.user);
    expect(users).toContain(member.id);
    expect(users).toContain(stranger.id);
    expect(urgentAccounts.body.results.every((ticket: any) => ticket.priority === 'urgent' && ticket.category === 'account')).toBe(true);
    const badPriority = await t.api.get('/user/admin/disputes/?priority=critical', { token: await admin() });
    expect(badPriority.status).toBe(400);
    expect(badPriority.body.priority).toEqual(['"critical" is not a valid choice.']);
    const after = await summary();
    expect(after.account - before.account).toBe(2);
    expect(after.payment - before.payment).toBe(10);
    expect(after.by_status.pending - before.by_status.pending).toBe(12);

    // Answered and taken up: notified live and stored; no e-mail, as the person has not allowed e-mail.
    const socket = await notificationSocket(member);
    const taken = await answer({ dispute: first.id, status: 'in_progress', response: 'We are looking into it.' });
    expect(taken.status, JSON.stringify(taken.body)).toBe(200);
    expect(taken.body).toMatchObject({ id: first.id, status: 'in_progress', admin_response: 'We are looking into it.' });
    const frame = await socket.next((f) => f.type === 'support_ticket');
    expect(frame).toMatchObject({ dispute_id: first.id, status: 'in_progress', obj_id: String(first.id) });
    expect(frame.message).toBe(`Your support ticket #${first.id} was answered and is now in progress.`);
    const inbox = await t.api.get('/notification-chat/notifications/', { token: member.token });
    expect(inbox.body.results[0]).toMatchObject({ text: frame.message, obj_id: String(first.id) });
    expect((await t.api.get('/user/disputes/?status=in_progress', { token: member.token })).body.results).toMatchObject([
      { id: first.id, admin_response: 'We are looking into it.' },
    ]);

    // Once the person allows e-mail, the next change is mailed too, with the answer.
    await allowEmail(member);
    const resolved = await answer({ dispute: first.id, status: 'resolved', response: 'Your e-mail is changed.' });
    expect(resolved.status).toBe(200);
    const mail = await t.mailbox.waitFor(member.email, `Your support ticket #${first.id} was updated`);
    expect(mail.text).toContain(`Your support ticket #${first.id} was answered and is now resolved.`);
    expect(mail.text).toContain('Our answer: Your e-mail is changed.');
    // The first change sent nothing (it would have arrived long before this one).
    expect(t.mailbox.received.filter((m) => m.to.includes(member.email.toLowerCase()))).toEqual([]);
    expect((await ticketNotifications(member)).map((n) => n.message)).toEqual([
      `Your support ticket #${first.id} was answered and is now in progress.`,
      `Your support ticket #${first.id} was answered and is now resolved.`,
    ]);

    // Closed; back to resolved is refused (only a reopening), the same answer again changes nothing and notifies nobody.
    expect((await answer({ dispute: first.id, status: 'closed' })).body.status).toBe('closed');
    const back = await answer({ dispute: first.id, status: 'resolved' });
    expect(back.status).toBe(400);
    expect(back.body.status).toEqual(['A ticket that is closed can move to in_progress, not resolved.']);
    expect((await answer({ dispute: first.id, status: 'pending' })).status).toBe(400);
    expect((await answer({ dispute: first.id, response: 'Your e-mail is changed.' })).status).toBe(200);
    expect(await ticketNotifications(member)).toHaveLength(3);
    const reopened = await answer({ dispute: first.id, status: 'in_progress' });
    expect(reopened.body.status).toBe('in_progress');
    expect((await ticketNotifications(member)).at(-1)?.message).toBe(`Your support ticket #${first.id} is now in progress.`);

    // The summary follows every move (pending → … → in_progress) and refused ones change nothing.
    const moved = await summary();
    expect(moved.by_status.pending - after.by_status.pending).toBe(-1);
    expect(moved.by_status.in_progress - after.by_status.in_progress).toBe(1);
    expect(moved.by_status.resolved - after.by_status.resolved).toBe(0);
    expect(moved.by_status.closed - after.by_status.closed).toBe(0);
    expect(moved.account).toBe(after.account);
    // Deleting the account removes its 11 tickets from the summary too; the stranger's stays.
    const deleted = await t.api.request('DELETE', '/user/me/', { password: PASSWORD }, { token: member.token });
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(204);
    const gone = await summary();
    expect(after.account - gone.account).toBe(1);
    expect(after.payment - gone.payment).toBe(10);
    expect(moved.by_status.pending - gone.by_status.pending).toBe(10);
    expect(moved.by_status.in_progress - gone.by_status.in_progress).toBe(1);
  });

  it('refuses bad input naming the field, an unknown ticket and an empty change, writing nothing', async () => {
    const member = await person(t.api, t.mailbox);
    const badCategory = await t.api.post(
      '/user/disputes/',
      { category: 'billing', priority: 'low', message: 'x' },
      { token: member.token },
    );
    expect(badCategory.status).toBe(400);
    expect(badCategory.body.category).toEqual(['"billing" is not a valid choice.']);
    const blank = await t.api.post('/user/disputes/', { category: 'others', priority: 'low', message: '  ' }, { token: member.token });
    expect(blank.status).toBe(400);
    expect(blank.body.message).toBeDefined();
    expect((await t.api.get('/user/disputes/', { token: member.token })).body.count).toBe(0);

    const ticket = await openTicket(member);
    const unknown = await answer({ dispute: 987_654_321, status: 'resolved' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toBe('No support ticket has this id.');
    const empty = await answer({ dispute: ticket.id });
    expect(empty.status).toBe(400);
    expect(empty.body.non_field_errors).toEqual(['Send a status, a response, or both.']);
    const badStatus = await answer({ dispute: ticket.id, status: 'done' });
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.status).toBeDefined();
    expect((await t.api.get('/user/disputes/', { token: member.token })).body.results[0]).toMatchObject({
      status: 'pending',
      admin_response: null,
    });
  });

  it('members cannot use the administrator routes (403), and nothing changes', async () => {
    const member = await person(t.api, t.mailbox);
    const ticket = await openTicket(member);
    const refusals = [
      await t.api.get('/user/admin/disputes/', { token: member.token }),
      await t.api.get('/user/admin/disputes/summary/', { token: member.token }),
      await t.api.request(
        'PUT',
        '/user/admin/disputes/',
        { dispute: ticket.id, status: 'closed', response: 'hijacked' },
        { token: member.token },
      ),
      await t.api.get('/user/lead/register/', { token: member.token }),
    ];
    for (const refusal of refusals) {
      expect(refusal.status).toBe(403);
      expect(refusal.body.detail).toBe(ADMIN_REFUSAL);
    }
    expect((await t.api.get('/user/disputes/', { token: member.token })).body.results[0]).toMatchObject({
      status: 'pending',
      admin_response: null,
    });
  });
});

describe('corporate leads', () => {
  const lead = (fields: Record<string, unknown> = {}) => ({
    full_name: 'Ada Obi',
    email_address: uniqueEmail('lead'),
    phone_number: '+234 803 555 0101',
    interested_services: ['hr_solutions', 'L&D'],
    package: 'premium',
    ...fields,
  });

  it('a visitor registers (201, no sign-in); the same e-mail again, a bad service or no list is a field error', async () => {
    const body = lead();
    const created = await t.api.post('/user/lead/register/', body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject(body);

    const again = await t.api.post('/user/lead/register/', lead({ email_address: body.email_address.toUpperCase() }));
    expect(again.status).toBe(400);
    expect(again.body.email_address).toEqual(['This email already exists']);
    const badService = await t.api.post('/user/lead/register/', lead({ interested_services: ['hr_solutions', 'catering'] }));
    expect(badService.status).toBe(400);
    expect(badService.body.interested_services).toEqual(['"catering" is not a valid choice.']);
    const notAList = await t.api.post('/user/lead/register/', lead({ interested_services: 'hr_solutions' }));
    expect(notAList.status).toBe(400);
    expect(notAList.body.interested_services).toEqual(['Interested services must be a list']);
    const badPackage = await t.api.post('/user/lead/register/', lead({ package: 'gold' }));
    expect(badPackage.status).toBe(400);
    expect(badPackage.body.package).toBeDefined();

    // A form sends the list as JSON text; the package is optional.
    const fromForm = await t.api.post('/user/lead/register/', lead({ interested_services: '["corporate_training"]', package: '' }), {
      encoding: 'form',
    });
    expect(fromForm.status, JSON.stringify(fromForm.body)).toBe(201);
    expect(fromForm.body).toMatchObject({ interested_services: ['corporate_training'], package: null });
  });

  it('administrators list the leads newest first, a page at a time, with absolute links', async () => {
    const emails = [];
    for (let i = 0; i < 11; i++) {
      const body = lead();
      emails.push(body.email_address);
      expect((await t.api.post('/user/lead/register/', body)).status).toBe(201);
    }
    const page1 = await t.api.get('/user/lead/register/', { token: await admin() });
    expect(page1.status).toBe(200);
    expect(page1.body.count).toBeGreaterThanOrEqual(11);
    expect(page1.body.results.map((l: any) => l.email_address)).toEqual(emails.slice(1).reverse());
    expect(page1.body.next).toBe(`${t.server.url}/user/lead/register/?page=2`);
    const page2 = await t.api.get('/user/lead/register/?page=2', { token: await admin() });
    expect(page2.body.results[0].email_address).toBe(emails[0]);
  });

  it('is limited per client IP', async () => {
    // A server of its own: its per-IP budget is the test's alone.
    const limited = await startTestServer({ SMTP_URL: t.mailbox.url, AUTH_RATE_LIMIT: '3' });
    try {
      const client = restClient(limited.url);
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await client.post('/user/lead/register/', lead())).status);
      expect(statuses).toEqual([201, 201, 201]);
      const refused = await client.post('/user/lead/register/', lead());
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      const stored = await limited.database.db.selectFrom('corporate_leads').select('id').execute();
      expect(stored).toHaveLength(3);
    } finally {
      await limited.close();
    }
  });
});
