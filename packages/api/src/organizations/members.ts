import { sql, type Database, type Kysely } from '@careernexus/db';
import type { Viewer } from '../auth/sessions.js';
import type { Context, Services } from '../context.js';
import { onlyRow, required } from '../invariant.js';
import { deliver, storeNotifications } from '../notifications/service.js';
import { paginate, readPage, resolvePage } from '../pagination.js';
import { nameOf } from '../posts/read.js';
import { idFromQuery } from '../validation.js';
import { linked, summariesOf } from './accounts.js';
import {
  alreadyInvited,
  alreadyMember,
  employerAsMember,
  employersOnly,
  invalidMemberId,
  memberIdMissing,
  noInvitation,
  notAMember,
  notAnOwner,
  unknownMember,
  unknownOrganization,
} from './errors.js';

type Status = 'invited' | 'accepted';

/** The members a company page's profile shows: the first of its list, and how many there are. */
const PREVIEW_SIZE = 10;

/**
 * One page of an organization’s members (or invitations), highest user id first, from
 * organization_members_by_status. Deactivated accounts are left out here and in `countMembers`
 * alike, so a page and its count agree; their rows stay, and they are back when reactivated.
 */
async function membersOf(db: Kysely<Database>, organizationId: number, status: Status, offset: number, size: number) {
  return db
    .selectFrom('organization_members as m')
    .innerJoin('users as u', 'u.id', 'm.member_id')
    .select('m.member_id')
    .where('m.organization_id', '=', organizationId)
    .where('m.status', '=', status)
    .where('u.is_active', '=', true)
    .orderBy('m.member_id', 'desc')
    .limit(size)
    .offset(offset)
    .execute();
}

async function countMembers(db: Kysely<Database>, organizationId: number, status: Status) {
  const { rows } = await sql<{ count: number }>`
    select count(*)::int as count from organization_members m join users u on u.id = m.member_id
    where m.organization_id = ${organizationId} and m.status = ${status} and u.is_active`.execute(db);
  return onlyRow(rows).count;
}

async function membershipsOf(services: Services, ids: number[], status: Status) {
  return (await summariesOf(services, ids)).map((member) => ({ member, status }));
}

export async function membersPreview(services: Services, organizationId: number) {
  const [rows, count] = await Promise.all([
    membersOf(services.db, organizationId, 'accepted', 0, PREVIEW_SIZE),
    countMembers(services.db, organizationId, 'accepted'),
  ]);
  return {
    members: await membershipsOf(
      services,
      rows.map((row) => row.member_id),
      'accepted',
    ),
    count,
  };
}

/** The organization a request names (the caller when it names none), which must be an active company page. */
async function organizationOf(services: Services, viewer: Viewer, named: number | undefined) {
  const id = named ?? viewer.id;
  const row = await services.db
    .selectFrom('companies as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .select('c.user_id')
    .where('c.user_id', '=', id)
    .where('u.is_active', '=', true)
    .executeTakeFirst();
  if (!row) throw named === undefined ? employersOnly() : unknownOrganization();
  return id;
}

/** The company page itself, or an account linked to it: who may manage its members. */
const isOwner = async (services: Services, viewer: Viewer, organizationId: number) =>
  viewer.id === organizationId || linked(services.db, viewer.id, organizationId);

/** The organization named, when the viewer owns it; others get 403. */
async function ownedOrganization(services: Services, viewer: Viewer, named: number | undefined) {
  const id = await organizationOf(services, viewer, named);
  if (!(await isOwner(services, viewer, id))) throw notAnOwner();
  return id;
}

/** An id from a query value, `undefined` when none was sent; `malformed` when it is not one. */
function queryId(raw: string | undefined, malformed: () => Error) {
  if (raw === undefined || raw.trim() === '') return undefined;
  const id = idFromQuery(raw);
  if (id === undefined) throw malformed();
  return id;
}

/** Accepted members are anyone's to see (as on the company's profile); invitations only its owners'. */
export async function listMembers(
  ctx: Context,
  viewer: Viewer,
  input: { page?: string | undefined; page_size?: string | undefined; organization?: string | undefined; status?: Status | undefined },
) {
  const { services } = ctx;
  const status = input.status ?? 'accepted';
  const organizationId = await organizationOf(services, viewer, queryId(input.organization, unknownOrganization));
  if (status === 'invited' && !(await isOwner(services, viewer, organizationId))) throw notAnOwner();
  const request = readPage(input);
  const count = await countMembers(services.db, organizationId, status);
  const page = resolvePage(request, count);
  const rows = await membersOf(services.db, organizationId, status, (page - 1) * request.size, request.size);
  const results = await membershipsOf(
    services,
    rows.map((row) => row.member_id),
    status,
  );
  return paginate(ctx.url, page, request.size, count, results);
}

/**
 * Invites a person: the membership waits for their answer, and a notification (stored and live)
 * carries the invitation. An employer cannot be a member; a second invitation is refused by the
 * primary key.
 */
export async function inviteMember(services: Services, viewer: Viewer, input: { member: number; organization?: number | undefined }) {
  const organizationId = await ownedOrganization(services, viewer, input.organization);
  const member = await services.db
    .selectFrom('users')
    .select(['id', 'user_type'])
    .where('id', '=', input.member)
    .where('is_active', '=', true)
    .executeTakeFirst();
  if (!member) throw unknownMember(input.member);
  if (member.user_type === 'employer') throw employerAsMember();
  const organizationName = await nameOf(services, organizationId);
  const stored = await services.db.transaction().execute(async (trx) => {
    const invited = await trx
      .insertInto('organization_members')
      .values({ organization_id: organizationId, member_id: member.id })
      .onConflict((oc) => oc.columns(['organization_id', 'member_id']).doNothing())
      .returning('status')
      .executeTakeFirst();
    if (!invited) {
      const existing = await trx
        .selectFrom('organization_members')
        .select('status')
        .where('organization_id', '=', organizationId)
        .where('member_id', '=', member.id)
        .executeTakeFirst();
      throw existing?.status === 'accepted' ? alreadyMember() : alreadyInvited();
    }
    return storeNotifications(trx, [
      {
        userId: member.id,
        type: 'organization_invitation',
        message: `${organizationName} invited you to join their organization.`,
        data: { organization: organizationId, user_id: organizationId },
      },
    ]);
  });
  await deliver(services, stored);
  const [membership] = await membershipsOf(services, [member.id], 'invited');
  return required(membership, 'the card of the member invited');
}

/** The invited person joins (accept) or declines (the invitation is removed); nobody else can answer for them. */
export async function respondToInvitation(services: Services, viewer: Viewer, input: { organization: number; accept: boolean }) {
  const invitation = { organization_id: input.organization, member_id: viewer.id, status: 'invited' } as const;
  const result = input.accept
    ? await services.db
        .updateTable('organization_members')
        .set({ status: 'accepted', accepted_at: services.now() })
        .where((eb) => eb.and(invitation))
        .executeTakeFirst()
    : await services.db
        .deleteFrom('organization_members')
        .where((eb) => eb.and(invitation))
        .executeTakeFirst();
  const answered = 'numUpdatedRows' in result ? result.numUpdatedRows : result.numDeletedRows;
  if (answered === 0n) throw noInvitation();
  const [organization] = await summariesOf(services, [input.organization]);
  return {
    organization: required(organization, 'the card of the organization answered'),
    status: input.accept ? 'accepted' : 'declined',
  } as const;
}

/** Removes a member, or withdraws an invitation; by the organization's owners only. */
export async function removeMember(
  services: Services,
  viewer: Viewer,
  input: { member_id?: string | undefined; organization?: string | undefined },
) {
  const organizationId = await ownedOrganization(services, viewer, queryId(input.organization, unknownOrganization));
  if (input.member_id === undefined || input.member_id.trim() === '') throw memberIdMissing();
  const memberId = required(queryId(input.member_id, invalidMemberId), 'the member_id checked just above');
  const user = await services.db.selectFrom('users').select('id').where('id', '=', memberId).executeTakeFirst();
  if (!user) throw invalidMemberId();
  const removed = await services.db
    .deleteFrom('organization_members')
    .where('organization_id', '=', organizationId)
    .where('member_id', '=', user.id)
    .executeTakeFirst();
  if (removed.numDeletedRows === 0n) throw notAMember();
}
