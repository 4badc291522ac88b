import { describe, expect, it } from 'vitest';
import { rowCounts } from './support/database-rows.js';
import { useServer } from './support/fixture.js';
import { PASSWORD, signUp } from './support/flows.js';
import { decodeJwt } from './support/http.js';
import { storedMediaFiles } from './support/media-files.js';
import { person, type Person } from './support/people.js';
import { multipart, NOT_AN_IMAGE, PNG_1x1, SAMPLE_COMPANY, SAMPLE_JOB } from './support/samples.js';
import { openSocket, wsUrl } from './support/sockets.js';

const t = useServer();

let counter = 0;
const companyEmail = () => `hello.${process.pid}.${Date.now()}.${++counter}@Acme.example`;

// A choice in any letter case, as the web client's labels send it.
const COMPANY = { ...SAMPLE_COMPANY, company_type: 'Startup' };

/** A person who signs in with a password, so the test holds their refresh token too. */
async function signedIn() {
  const { email, access, refresh } = await signUp(t.api, t.mailbox);
  const me = await t.api.get('/user/me/', { token: access });
  return { id: me.body.id as number, email, token: access, refresh };
}

/** A company page created by `owner` (multipart, with a PNG logo). */
async function companyOf(owner: Person, fields: Record<string, string> = {}) {
  const email = companyEmail();
  const created = await t.api.request(
    'POST',
    '/user/corporate/signup/',
    multipart({ ...COMPANY, company_email: email, logo: { bytes: PNG_1x1, filename: 'logo.png', type: 'image/png' }, ...fields }),
    { token: owner.token },
  );
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { ...(created.body as Record<string, any>), email: email.toLowerCase() } as { id: number; email: string } & Record<string, any>;
}

async function switchTo(who: { token: string }, account: number) {
  const switched = await t.api.post('/user/switch-account/', { account }, { token: who.token });
  expect(switched.status, JSON.stringify(switched.body)).toBe(200);
  return switched.body as { access: string; refresh: string; user_id: number; email: string; user_type: string };
}

const counts = () =>
  rowCounts(t.server.database.db, [
    'users',
    'companies',
    'linked_accounts',
    'account_switches',
    'refresh_tokens',
    'organization_members',
    'notifications',
  ]);

describe('company pages', () => {
  it('creates a company page with a logo, mails a link that verifies its address, and shows the employer profile', async () => {
    const owner = await person(t.api, t.mailbox);
    const company = await companyOf(owner);
    expect(company).toMatchObject({
      company_name: 'Acme Ltd',
      company_type: 'startup',
      company_size: '11-50',
      industry: 'technology',
      country_code: '+000',
      phone_number: '00000000000',
      location: 'Lagos',
      website: 'acme.io',
      tagline: 'We build things',
      members: [],
      members_count: 0,
      user_type: 'employer',
      email_verified: false,
    });
    expect(company.logo).toMatch(/\/media\/images\/.+\.png$/);
    expect(Buffer.from(await (await fetch(company.logo)).arrayBuffer())).toEqual(PNG_1x1);

    const mail = await t.mailbox.waitFor(company.email, 'Verify your company email');
    const link = /(http\S+\/user\/corporate\/verify\/\?token=\S+)/.exec(mail.text)?.[1];
    expect(link).toBeDefined();
    const verified = await fetch(link!);
    expect(verified.status).toBe(200);
    expect(await verified.json()).toEqual({ status: 'Verified', email_verified: true });
    const again = await fetch(link!);
    expect(again.status).toBe(404);

    const profile = await t.api.get(`/user/retrieve-profile/?user_id=${company.id}`, { token: owner.token });
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ id: company.id, company_name: 'Acme Ltd', email_verified: true, user_type: 'employer' });
    expect(profile.body.first_name).toBeUndefined();
    // The person's own profile keeps the person's shape.
    const own = await t.api.get('/user/retrieve-profile/', { token: owner.token });
    expect(own.body).toMatchObject({ id: owner.id, user_type: 'learner' });
    expect(own.body.company_name).toBeUndefined();
  });

  it('refuses a taken address (in any case), a bad choice and a logo that is no image, creating nothing', async () => {
    const owner = await person(t.api, t.mailbox);
    const before = await counts();
    const files = storedMediaFiles(t.server.dataDir);
    const taken = await t.api.post(
      '/user/corporate/signup/',
      { ...COMPANY, company_email: owner.email.toUpperCase() },
      { token: owner.token },
    );
    expect(taken.status).toBe(400);
    expect(taken.body.company_email).toEqual(['An account with this email already exists.']);
    const badType = await t.api.post(
      '/user/corporate/signup/',
      { ...COMPANY, company_email: companyEmail(), company_type: 'guild' },
      { token: owner.token },
    );
    expect(badType.status).toBe(400);
    expect(badType.body.company_type).toBeDefined();
    const notImage = await t.api.request(
      'POST',
      '/user/corporate/signup/',
      multipart({ ...COMPANY, company_email: companyEmail(), logo: { bytes: NOT_AN_IMAGE, filename: 'logo.png', type: 'image/png' } }),
      { token: owner.token },
    );
    expect(notImage.status).toBe(400);
    expect(notImage.body.logo).toEqual(['Upload an image (JPEG, PNG, WebP or GIF).']);
    expect(await counts()).toEqual(before);
    expect(storedMediaFiles(t.server.dataDir)).toEqual(files);
  });

  it('lists linked accounts both ways, switches to the company, posts a job and a post as it, and switches back', async () => {
    const owner = await person(t.api, t.mailbox);
    const company = await companyOf(owner);
    const linked = await t.api.get('/user/linked-accounts/', { token: owner.token });
    expect(linked.status).toBe(200);
    expect(linked.body).toEqual([
      { account: { id: company.id, name: 'Acme Ltd', profile_photo: company.logo, extras: 'We build things' } },
    ]);

    const asCompany = await switchTo(owner, company.id);
    expect(asCompany).toMatchObject({ user_id: company.id, email: company.email, user_type: 'employer' });
    expect(decodeJwt(asCompany.access).user_id).toBe(company.id);
    const me = await t.api.get('/user/me/', { token: asCompany.access });
    expect(me.body.id).toBe(company.id);
    const back = await t.api.get('/user/linked-accounts/', { token: asCompany.access });
    expect(back.body).toEqual([{ account: expect.objectContaining({ id: owner.id }) }]);

    // Post a job as the company: it is the company's.
    const job = await t.api.post('/job/', SAMPLE_JOB, { token: asCompany.access });
    expect(job.status, JSON.stringify(job.body)).toBe(201);
    const companyJobs = await t.api.get('/job/?status=active', { token: asCompany.access });
    expect(JSON.stringify(companyJobs.body)).toContain(`"id":${job.body.id}`);
    const ownerJobs = await t.api.get('/job/?status=active', { token: owner.token });
    expect(JSON.stringify(ownerJobs.body)).not.toContain(`"id":${job.body.id}`);

    // Its profile card is the company's name, logo and tagline.
    const post = await t.api.post('/post/', { body: 'We are hiring backend engineers.' }, { token: asCompany.access });
    expect(post.status).toBe(201);
    const read = await t.api.get(`/post/?post_id=${post.body.post_id}`, { token: owner.token });
    expect(read.body.profile).toEqual({
      id: company.id,
      first_name: 'Acme Ltd',
      last_name: '',
      middle_name: '',
      profile_photo: company.logo,
      qualification: 'We build things',
      user_type: 'employer',
    });

    const asOwner = await switchTo({ token: asCompany.access }, owner.id);
    expect(asOwner).toMatchObject({ user_id: owner.id, user_type: 'learner' });
    expect((await t.api.get('/user/me/', { token: asOwner.access })).body.id).toBe(owner.id);
    const switches = await t.server.database.db
      .selectFrom('account_switches')
      .select(['user_id', 'account_id'])
      .where('account_id', 'in', [company.id, owner.id])
      .orderBy('id')
      .execute();
    expect(switches.map((row: any) => [Number(row.user_id), Number(row.account_id)])).toEqual([
      [owner.id, company.id],
      [company.id, owner.id],
    ]);
  });

  it('refuses a stranger’s switch (403) and a switch to oneself (400), changing nothing', async () => {
    const owner = await person(t.api, t.mailbox);
    const stranger = await person(t.api, t.mailbox);
    const company = await companyOf(owner);
    const before = await counts();
    const refused = await t.api.post('/user/switch-account/', { account: company.id }, { token: stranger.token });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toBe('This account is not linked to your profile.');
    expect(refused.body.access).toBeUndefined();
    const unknown = await t.api.post('/user/switch-account/', { account: 999_999_999 }, { token: stranger.token });
    expect(unknown.status).toBe(403);
    const self = await t.api.post('/user/switch-account/', { account: owner.id }, { token: owner.token });
    expect(self.status).toBe(400);
    expect(self.body.account).toEqual(['You are currently logged in as this user.']);
    expect(await counts()).toEqual(before);
    expect((await t.api.get('/user/linked-accounts/', { token: stranger.token })).body).toEqual([]);
  });

  it('ends the company session when the person signs out, even after it refreshed; the company signing out leaves the person in', async () => {
    const owner = await signedIn();
    const company = await companyOf(owner);
    const first = await switchTo(owner, company.id);
    // The company session rotates its refresh token: the new pair belongs to the same session.
    const rotated = await t.api.post('/user/token/refresh/', { refresh: first.refresh });
    expect(rotated.status).toBe(200);
    expect((await t.api.get('/user/me/', { token: rotated.body.access })).status).toBe(200);

    // The company signs out of a second switched session: the person stays signed in.
    const second = await switchTo(owner, company.id);
    const companyOut = await t.api.post('/user/signout/', { refresh: second.refresh }, { token: second.access });
    expect(companyOut.status).toBe(202);
    expect((await t.api.get('/user/me/', { token: owner.token })).status).toBe(200);
    expect((await t.api.get('/user/me/', { token: rotated.body.access })).status).toBe(200);

    const out = await t.api.post('/user/signout/', { refresh: owner.refresh }, { token: owner.token });
    expect(out.status).toBe(202);
    for (const access of [first.access, rotated.body.access]) {
      expect((await t.api.get('/user/me/', { token: access })).status).toBe(401);
    }
    expect((await t.api.post('/user/token/refresh/', { refresh: rotated.body.refresh })).status).toBe(401);
    expect((await t.api.get('/user/me/', { token: owner.token })).status).toBe(401);
    // Signing in again works as before.
    expect((await t.api.post('/user/signin/', { email: owner.email, password: PASSWORD })).status).toBe(200);
  });

  it('ends the whole chain when the person signs out: person → company → a company that company created, at every depth', async () => {
    const owner = await signedIn();
    const first = await companyOf(owner);
    const asFirst = await switchTo(owner, first.id);
    // A company page may create a page of its own and switch into it: the chain goes one level deeper.
    const second = await companyOf({ id: first.id, email: first.email, token: asFirst.access });
    const asSecond = await switchTo({ token: asFirst.access }, second.id);
    expect(asSecond.user_id).toBe(second.id);
    // The deepest session rotates: its new pair still hangs under the first company's session.
    const rotated = await t.api.post('/user/token/refresh/', { refresh: asSecond.refresh });
    expect(rotated.status).toBe(200);
    // Each token is read once before the sign-out, so a process that remembered it must hear the revocation.
    for (const access of [asFirst.access, asSecond.access, rotated.body.access]) {
      expect((await t.api.get('/user/me/', { token: access })).status).toBe(200);
    }
    // Another sign-in of the same person is a separate session: it survives.
    const elsewhere = await t.api.post('/user/signin/', { email: owner.email, password: PASSWORD });
    expect(elsewhere.status).toBe(200);

    const out = await t.api.post('/user/signout/', { refresh: owner.refresh }, { token: owner.token });
    expect(out.status).toBe(202);
    for (const access of [owner.token, asFirst.access, asSecond.access, rotated.body.access]) {
      expect((await t.api.get('/user/me/', { token: access })).status).toBe(401);
    }
    for (const refresh of [asFirst.refresh, rotated.body.refresh]) {
      expect((await t.api.post('/user/token/refresh/', { refresh })).status).toBe(401);
    }
    expect((await t.api.get('/user/me/', { token: elsewhere.body.access })).body.id).toBe(owner.id);
    expect((await t.api.post('/user/token/refresh/', { refresh: elsewhere.body.refresh })).status).toBe(200);
  });

  it('signing out the middle of a chain ends what was switched into from it, and leaves the session above alone', async () => {
    const owner = await signedIn();
    const first = await companyOf(owner);
    const asFirst = await switchTo(owner, first.id);
    const second = await companyOf({ id: first.id, email: first.email, token: asFirst.access });
    const asSecond = await switchTo({ token: asFirst.access }, second.id);
    const out = await t.api.post('/user/signout/', { refresh: asFirst.refresh }, { token: asFirst.access });
    expect(out.status).toBe(202);
    expect((await t.api.get('/user/me/', { token: asSecond.access })).status).toBe(401);
    expect((await t.api.post('/user/token/refresh/', { refresh: asSecond.refresh })).status).toBe(401);
    expect((await t.api.get('/user/me/', { token: owner.token })).body.id).toBe(owner.id);
    expect((await t.api.post('/user/token/refresh/', { refresh: owner.refresh })).status).toBe(200);
  });
});

describe('organization members', () => {
  it('invites with a stored and live notification; the member accepts, is listed and removed', async () => {
    const owner = await person(t.api, t.mailbox);
    const company = await companyOf(owner);
    const member = await person(t.api, t.mailbox);
    const socket = await openSocket(wsUrl(t.server.url, `/ws/notification/?token=${encodeURIComponent(member.token)}`));
    try {
      const invited = await t.api.post(
        '/user/organization-members/',
        { member: member.id, organization: company.id },
        { token: owner.token },
      );
      expect(invited.status, JSON.stringify(invited.body)).toBe(201);
      expect(invited.body).toEqual({ member: expect.objectContaining({ id: member.id }), status: 'invited' });
      const live = await socket.next((frame) => frame.type === 'organization_invitation');
      expect(live).toMatchObject({ organization: company.id, page: 'Profile', obj_id: String(company.id) });
    } finally {
      socket.close();
    }
    const stored = await t.api.get('/notifications/', { token: member.token });
    expect(JSON.stringify(stored.body)).toContain('Acme Ltd invited you to join their organization.');

    // Not a member until accepted; owners see the invitation, others do not.
    expect((await t.api.get(`/user/organization-members/?organization=${company.id}`, { token: member.token })).body.count).toBe(0);
    const invitations = await t.api.get(`/user/organization-members/?organization=${company.id}&status=invited`, { token: owner.token });
    expect(invitations.body.results).toEqual([{ member: expect.objectContaining({ id: member.id }), status: 'invited' }]);
    expect((await t.api.get(`/user/organization-members/?organization=${company.id}&status=invited`, { token: member.token })).status).toBe(
      403,
    );
    const again = await t.api.post('/user/organization-members/', { member: member.id, organization: company.id }, { token: owner.token });
    expect(again.status).toBe(400);
    expect(again.body.member).toEqual(['This user is already invited.']);

    const accepted = await t.api.post(
      '/user/organization-members/respond/',
      { organization: company.id, accept: true },
      { token: member.token },
    );
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ organization: expect.objectContaining({ id: company.id, name: 'Acme Ltd' }), status: 'accepted' });
    const listed = await t.api.get(`/user/organization-members/?organization=${company.id}`, { token: member.token });
    expect(listed.body).toMatchObject({ count: 1, next: null, results: [{ member: { id: member.id }, status: 'accepted' }] });
    const profile = await t.api.get(`/user/retrieve-profile/?user_id=${company.id}`, { token: member.token });
    expect(profile.body).toMatchObject({ members_count: 1, members: [{ member: { id: member.id } }] });
    const duplicate = await t.api.post(
      '/user/organization-members/',
      { member: member.id, organization: company.id },
      { token: owner.token },
    );
    expect(duplicate.body.member).toEqual(['This user is already a member.']);

    // The company itself manages its members without naming itself.
    const asCompany = await switchTo(owner, company.id);
    const removed = await t.api.request('DELETE', `/user/organization-members/?member_id=${member.id}`, undefined, {
      token: asCompany.access,
    });
    expect(removed.status).toBe(204);
    expect((await t.api.get('/user/organization-members/', { token: asCompany.access })).body.count).toBe(0);
    const gone = await t.api.request('DELETE', `/user/organization-members/?member_id=${member.id}`, undefined, {
      token: asCompany.access,
    });
    expect(gone.status).toBe(400);
    expect(gone.body.error).toBe('This user is not a member.');
    const missing = await t.api.request('DELETE', '/user/organization-members/', undefined, { token: asCompany.access });
    expect(missing.status).toBe(404);
  });

  it('lets only the owners manage members, refuses employers as members, and a declined invitation is gone', async () => {
    const owner = await person(t.api, t.mailbox);
    const company = await companyOf(owner);
    const other = await companyOf(owner);
    const stranger = await person(t.api, t.mailbox);
    const invitee = await person(t.api, t.mailbox);
    const before = await counts();
    const byStranger = await t.api.post(
      '/user/organization-members/',
      { member: invitee.id, organization: company.id },
      { token: stranger.token },
    );
    expect(byStranger.status).toBe(403);
    const noOrganization = await t.api.post('/user/organization-members/', { member: invitee.id }, { token: stranger.token });
    expect(noOrganization.status).toBe(403);
    expect(noOrganization.body.detail).toBe('This request is only available to employers.');
    const employer = await t.api.post(
      '/user/organization-members/',
      { member: other.id, organization: company.id },
      { token: owner.token },
    );
    expect(employer.status).toBe(400);
    expect(employer.body.member).toEqual(['Another employer cannot be a member of an organization.']);
    const unknown = await t.api.post(
      '/user/organization-members/',
      { member: 999_999_999, organization: company.id },
      { token: owner.token },
    );
    expect(unknown.status).toBe(400);
    const removeByStranger = await t.api.request(
      'DELETE',
      `/user/organization-members/?member_id=${invitee.id}&organization=${company.id}`,
      undefined,
      {
        token: stranger.token,
      },
    );
    expect(removeByStranger.status).toBe(403);
    // Nobody answers for the invited person.
    const answerWithout = await t.api.post(
      '/user/organization-members/respond/',
      { organization: company.id, accept: true },
      { token: invitee.token },
    );
    expect(answerWithout.status).toBe(404);
    expect(await counts()).toEqual(before);

    await t.api.post('/user/organization-members/', { member: invitee.id, organization: company.id }, { token: owner.token });
    const byOther = await t.api.post(
      '/user/organization-members/respond/',
      { organization: company.id, accept: true },
      { token: stranger.token },
    );
    expect(byOther.status).toBe(404);
    const declined = await t.api.post(
      '/user/organization-members/respond/',
      { organization: company.id, accept: 'false' },
      { token: invitee.token, encoding: 'form' },
    );
    expect(declined.status).toBe(200);
    expect(declined.body.status).toBe('declined');
    const invitations = await t.api.get(`/user/organization-members/?organization=${company.id}&status=invited`, { token: owner.token });
    expect(invitations.body.count).toBe(0);
  });

  it('leaves deactivated accounts out of member lists, counts and linked accounts, and shows them again once reactivated', async () => {
    const owner = await person(t.api, t.mailbox);
    const coOwner = await person(t.api, t.mailbox);
    const company = await companyOf(owner);
    const asCompany = await switchTo(owner, company.id);
    const members = [await person(t.api, t.mailbox), await person(t.api, t.mailbox), await person(t.api, t.mailbox)];
    for (const member of members) {
      await t.api.post('/user/organization-members/', { member: member.id, organization: company.id }, { token: owner.token });
    }
    for (const member of members.slice(0, 2)) {
      const accepted = await t.api.post(
        '/user/organization-members/respond/',
        { organization: company.id, accept: true },
        { token: member.token },
      );
      expect(accepted.status).toBe(200);
    }
    // A second person linked to the page, as a hand-over would leave it.
    await t.server.database.db.insertInto('linked_accounts').values({ main_account_id: coOwner.id, child_id: company.id }).execute();
    const [leaving, staying, invitee] = members as [Person, Person, Person];

    const view = async () => {
      const accepted = await t.api.get(`/user/organization-members/?organization=${company.id}&page_size=1`, { token: owner.token });
      const invited = await t.api.get(`/user/organization-members/?organization=${company.id}&status=invited`, { token: owner.token });
      const profile = await t.api.get(`/user/retrieve-profile/?user_id=${company.id}`, { token: owner.token });
      const linked = await t.api.get('/user/linked-accounts/', { token: asCompany.access });
      return {
        count: accepted.body.count,
        // page_size=1: the count decides whether a next page is offered.
        next: accepted.body.next !== null,
        first: accepted.body.results.map((row: any) => row.member.id),
        invited: invited.body.results.map((row: any) => row.member.id),
        invitedCount: invited.body.count,
        profileCount: profile.body.members_count,
        profileMembers: profile.body.members.map((row: any) => row.member.id),
        linked: linked.body.map((row: any) => row.account.id),
      };
    };
    const all = {
      count: 2,
      next: true,
      first: [Math.max(leaving.id, staying.id)],
      invited: [invitee.id],
      invitedCount: 1,
      profileCount: 2,
      profileMembers: [leaving.id, staying.id].sort((a, b) => b - a),
      linked: [owner.id, coOwner.id],
    };
    expect(await view()).toEqual(all);

    const setActive = (ids: number[], active: boolean) =>
      t.server.database.db.updateTable('users').set({ is_active: active }).where('id', 'in', ids).execute();
    await setActive([leaving.id, invitee.id, coOwner.id], false);
    expect(await view()).toEqual({
      count: 1,
      next: false,
      first: [staying.id],
      invited: [],
      invitedCount: 0,
      profileCount: 1,
      profileMembers: [staying.id],
      linked: [owner.id],
    });
    // Hidden, not removed: reactivated, they are listed again.
    await setActive([leaving.id, invitee.id, coOwner.id], true);
    expect(await view()).toEqual(all);
  });
});
