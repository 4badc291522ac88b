import { TRPCError } from '@trpc/server';
import { notAdministrator, tooManyRequests } from '../errors.js';
import { answers, rest, type RestRoute } from '../rest.js';
import { z } from '../validation.js';
import { adminProcedure, authedProcedure, limitPerIp, publicProcedure, router } from '../trpc.js';
import * as supportErrors from './errors.js';
import { listLeads, registerLead } from './leads.js';
import * as schemas from './schemas.js';
import { allTickets, answerTicket, myTickets, openTicket, ticketSummary } from './tickets.js';

const route = (route: Omit<RestRoute, 'tag' | 'protect'>) => rest({ ...route, tag: 'support', protect: true });
const ADMIN_ONLY = { 403: answers('Only administrators may do this', notAdministrator()) };

const TRANSITIONS =
  'A ticket moves pending → in_progress → resolved → closed, and may skip ahead (pending → resolved, say); ' +
  'an administrator may reopen a resolved or closed ticket (→ in_progress). Nothing goes back to pending.';

export const supportRouter = router({
  openTicket: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/user/disputes/',
        status: 201,
        summary: 'Open a support ticket',
        description:
          '`category` (technical, payment, account, request, others), `priority` (low, medium, high, urgent) and `message` ' +
          '(up to 5000 characters). The ticket starts `pending`; you are notified when an administrator answers or moves it.',
      }),
    )
    .input(schemas.createTicketInput)
    .output(schemas.ticket)
    .mutation(({ ctx, input }) => openTicket(ctx.services, ctx.viewer, input)),

  myTickets: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/user/disputes/',
        summary: 'Your support tickets',
        description:
          'Yours only, newest first, 10 a page; `?status=` keeps the tickets in that status (another value is a 400 naming `status`, ' +
          'with the original’s `error` key too).',
        errors: {
          400: answers(
            'A status not among the options',
            supportErrors.statusFilterRefused(
              new TRPCError({ code: 'BAD_REQUEST', cause: schemas.myTicketsInput.safeParse({ status: 'open' }).error }),
            ),
          ),
        },
      }),
    )
    // Around the input's validation, which answers the field key alone.
    .use(async ({ next }) => {
      const result = await next();
      const refused = result.ok ? undefined : result.error;
      if (refused?.cause instanceof z.ZodError && refused.cause.issues.some((issue) => issue.path[0] === 'status'))
        throw supportErrors.statusFilterRefused(refused);
      return result;
    })
    .input(schemas.myTicketsInput)
    .output(schemas.ticketPage)
    .query(({ ctx, input }) => myTickets(ctx, ctx.viewer, input)),

  allTickets: adminProcedure
    .meta(
      route({
        method: 'GET',
        path: '/user/admin/disputes/',
        summary: 'Every support ticket (administrators)',
        description:
          'Newest first, 10 a page, each filter optional: `?status=`, `?priority=`, `?category=` (a value not among the options is a 400 naming its field).',
        errors: ADMIN_ONLY,
      }),
    )
    .input(schemas.adminTicketsInput)
    .output(schemas.ticketPage)
    .query(({ ctx, input }) => allTickets(ctx, input)),

  answerTicket: adminProcedure
    .meta(
      route({
        method: 'PUT',
        path: '/user/admin/disputes/',
        summary: 'Answer a ticket or change its status (administrators)',
        description:
          `\`{"dispute": <id>, "status"?, "response"?}\`. ${TRANSITIONS} When the answer or the status changes, the ticket’s owner ` +
          'is notified (stored, live on `/ws/notification/`, type `support_ticket`) and e-mailed when their settings allow e-mail.',
        errors: {
          400: answers(
            'Neither a status nor a response, or a status the ticket cannot move to',
            supportErrors.nothingToChange(),
            supportErrors.statusTransitionRefused('closed', 'resolved', ['in_progress']),
          ),
          ...ADMIN_ONLY,
          404: answers('No such ticket', supportErrors.unknownTicket()),
        },
      }),
    )
    .input(schemas.answerTicketInput)
    .output(schemas.ticket)
    .mutation(({ ctx, input }) => answerTicket(ctx.services, input)),

  ticketSummary: adminProcedure
    .meta(
      route({
        method: 'GET',
        path: '/user/admin/disputes/summary/',
        summary: 'Tickets per category (administrators)',
        description: 'Every ticket counted by category (`{"technical": 3, …}`), and by status under `by_status`.',
        errors: ADMIN_ONLY,
      }),
    )
    .input(z.void())
    .output(schemas.ticketSummary)
    .query(({ ctx }) => ticketSummary(ctx.services)),

  registerLead: publicProcedure
    .meta(
      rest({
        method: 'POST',
        path: '/user/lead/register/',
        tag: 'support',
        status: 201,
        summary: 'Ask to be contacted about corporate services',
        description:
          'For visitors, no sign-in: `full_name`, `email_address` (one request per address), `phone_number`, `interested_services` ' +
          '(a list, or its JSON text, of hr_solutions, corporate_training, L&D, organizational_development) and optionally `package` ' +
          '(basic, premium, inclusive). Limited per client IP like sign-in (AUTH_RATE_LIMIT a minute).',
        errors: {
          400: answers('A field is missing or invalid, or the e-mail has already asked', supportErrors.leadEmailTaken()),
          429: answers('Too many requests from this client; see Retry-After', tooManyRequests(42)),
        },
      }),
    )
    .use(limitPerIp('lead-register'))
    .input(schemas.leadInput)
    .output(schemas.lead)
    .mutation(({ ctx, input }) => registerLead(ctx.services, input)),

  leads: adminProcedure
    .meta(
      route({
        method: 'GET',
        path: '/user/lead/register/',
        summary: 'Corporate leads (administrators)',
        description: 'Every lead newest first, 10 a page.',
        errors: ADMIN_ONLY,
      }),
    )
    .input(schemas.leadsInput)
    .output(schemas.leadPage)
    .query(({ ctx, input }) => listLeads(ctx, input)),
});
