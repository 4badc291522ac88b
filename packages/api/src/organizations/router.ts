import { tooManyRequests } from '../errors.js';
import { tooLarge, unknownUploadUrl, wrongType } from '../media/errors.js';
import { answers, rest, type RestRoute } from '../rest.js';
import { authedProcedure, limitPerIp, publicProcedure, router } from '../trpc.js';
import { z } from '../validation.js';
import { linkedAccounts, switchAccount } from './accounts.js';
import { createCompany, verifyCompanyEmail } from './companies.js';
import * as orgErrors from './errors.js';
import { inviteMember, listMembers, removeMember, respondToInvitation } from './members.js';
import * as schemas from './schemas.js';

const route = (route: Omit<RestRoute, 'tag' | 'protect'>) => rest({ ...route, tag: 'organizations', protect: true });

const ORGANIZATION =
  '`organization` names the company page; it may be left out when you are signed in as the company page itself (after `POST /user/switch-account/`).';
const OWNERS_ONLY = answers('You are neither the company page nor an account linked to it', orgErrors.notAnOwner());
const NO_ORGANIZATION = answers('No organization named, and you are no company page', orgErrors.employersOnly());

export const organizationsRouter = router({
  createCompany: authedProcedure
    .meta({
      ...route({
        method: 'POST',
        path: '/user/corporate/signup/',
        status: 201,
        summary: 'Create a company page',
        description:
          'Creates an employer account for a company, linked to you (you reach it with `POST /user/switch-account/`; it has no password). ' +
          '`company_name` (up to 500 characters), `company_email` (used by no other account), `company_type`, `company_size` and `industry` ' +
          '(choices: `GET /info/choice-data/?field_name=`), `website`, `location`, `tagline`, and an optional `logo`: an image (JPEG, PNG, WebP or GIF, ' +
          'up to MAX_IMAGE_BYTES) as a file part of a multipart body, or in JSON the URL of a file uploaded through `media.createUpload`, checked by its content. ' +
          'A verification link is mailed to `company_email`; following it sets `email_verified` (nothing else waits for it). ' +
          'The company’s name, logo and tagline are what its profile cards show everywhere.',
        errors: {
          400: answers(
            'A field is missing or invalid, the address is taken, or the logo is no image',
            orgErrors.companyEmailTaken(),
            wrongType('logo', schemas.COMPANY_UPLOADS.logo),
            unknownUploadUrl('logo'),
          ),
          413: answers('The logo is larger than MAX_IMAGE_BYTES', tooLarge('logo', 10 * 1_048_576)),
        },
      }),
      uploads: schemas.COMPANY_UPLOADS,
    })
    .input(schemas.corporateSignupInput)
    .output(schemas.companyProfile)
    .mutation(({ ctx, input }) => createCompany(ctx.services, ctx.viewer, input)),

  verifyCompanyEmail: publicProcedure
    .meta(
      rest({
        method: 'GET',
        path: '/user/corporate/verify/',
        tag: 'organizations',
        summary: 'Verify a company page’s address',
        description: 'The link mailed by corporate sign-up (`?token=`): marks the company’s address verified. It works once.',
        errors: {
          404: answers('An unknown or used link', orgErrors.companyLinkInvalid()),
          429: answers('Too many attempts from this client; see Retry-After', tooManyRequests(42)),
        },
      }),
    )
    .use(limitPerIp('company-verify'))
    .input(schemas.verifyCompanyInput)
    .output(schemas.verifyCompanyOutput)
    .query(({ ctx, input }) => verifyCompanyEmail(ctx.services, input.token)),

  linkedAccounts: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/user/linked-accounts/',
        summary: 'Your linked accounts',
        description:
          'The other side of every link of yours, oldest first, deactivated accounts left out: the company pages you created, or, signed in as a company page, the accounts that created it. ' +
          'A bare list of `{"account": {id, name, profile_photo, extras}}` (`extras`: the tagline of a company, else the qualification).',
      }),
    )
    .input(z.void())
    .output(z.array(z.object({ account: schemas.accountSummary })))
    .query(({ ctx }) => linkedAccounts(ctx.services, ctx.viewer)),

  switchAccount: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/user/switch-account/',
        summary: 'Switch to a linked account',
        description:
          '`{"account": <user id>}` of a linked account: fresh tokens for it, without its password. Every switch is recorded. ' +
          'Signing out the session you switched from (`POST /user/signout/`) ends the session switched into, and any switched into from that one in turn; ' +
          'signing out that one leaves yours alone.',
        errors: {
          400: answers('Your own account', orgErrors.switchToSelf()),
          403: answers('No link joins you to that account (or it is unknown or closed); nothing changes', orgErrors.accountNotLinked()),
        },
      }),
    )
    .input(schemas.switchAccountInput)
    .output(schemas.switchAccountOutput)
    .mutation(({ ctx, input }) => switchAccount(ctx.services, ctx.viewer, input.account)),

  members: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/user/organization-members/',
        summary: 'An organization’s members',
        description: `Accepted members (deactivated accounts left out, in the count too), highest user id first, paginated (10 a page); any signed-in member may read them. With \`?status=invited\`, the invitations not yet answered (owners only). ${ORGANIZATION}`,
        errors: {
          403: answers(
            'Invitations are for owners; or no organization named and you are none',
            orgErrors.notAnOwner(),
            orgErrors.employersOnly(),
          ),
          404: answers('No such organization', orgErrors.unknownOrganization()),
        },
      }),
    )
    .input(schemas.membersInput)
    .output(schemas.membersPage)
    .query(({ ctx, input }) => listMembers(ctx, ctx.viewer, input)),

  invite: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/user/organization-members/',
        status: 201,
        summary: 'Invite a member',
        description:
          `\`{"member": <user id>}\`: invites that person, who is notified (stored and live) and joins by accepting (\`POST /user/organization-members/respond/\`). ` +
          `Only the company page and the accounts linked to it manage its members. ${ORGANIZATION}`,
        errors: {
          400: answers(
            'Unknown person, an employer, or already a member or invited',
            orgErrors.unknownMember(9),
            orgErrors.employerAsMember(),
            orgErrors.alreadyMember(),
            orgErrors.alreadyInvited(),
          ),
          403: answers(`${OWNERS_ONLY.description}; or ${NO_ORGANIZATION.description}`, orgErrors.notAnOwner(), orgErrors.employersOnly()),
          404: answers('No such organization', orgErrors.unknownOrganization()),
        },
      }),
    )
    .input(schemas.inviteInput)
    .output(schemas.membership)
    .mutation(({ ctx, input }) => inviteMember(ctx.services, ctx.viewer, input)),

  removeMember: authedProcedure
    .meta(
      route({
        method: 'DELETE',
        path: '/user/organization-members/',
        status: 204,
        summary: 'Remove a member',
        description: `\`?member_id=<user id>\`: removes the member, or withdraws the invitation. 204 with no body. Owners only. ${ORGANIZATION}`,
        errors: {
          400: answers('That person is neither a member nor invited', orgErrors.notAMember()),
          403: answers(`${OWNERS_ONLY.description}; or ${NO_ORGANIZATION.description}`, orgErrors.notAnOwner(), orgErrors.employersOnly()),
          404: answers(
            'No member_id, an unknown one, or no such organization',
            orgErrors.memberIdMissing(),
            orgErrors.invalidMemberId(),
            orgErrors.unknownOrganization(),
          ),
        },
      }),
    )
    .input(schemas.removeInput)
    .output(z.void())
    .mutation(async ({ ctx, input }) => {
      await removeMember(ctx.services, ctx.viewer, input);
    }),

  respond: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/user/organization-members/respond/',
        summary: 'Answer an invitation',
        description:
          '`{"organization": <user id>, "accept": true|false}`: the invited person joins the organization, or declines (the invitation is removed).',
        errors: { 404: answers('No invitation of yours from that organization', orgErrors.noInvitation()) },
      }),
    )
    .input(schemas.respondInput)
    .output(schemas.respondOutput)
    .mutation(({ ctx, input }) => respondToInvitation(ctx.services, ctx.viewer, input)),
});
