import { sql, type Selectable, type SupportTicketsTable, type TicketStatus } from '@careernexus/db';
import type { Viewer } from '../auth/sessions.js';
import type { Context, Services } from '../context.js';
import { deliver, storeNotifications } from '../notifications/service.js';
import { paginate, readPage, resolvePage } from '../pagination.js';
import { COUNT_CAP } from '../posts/feed.js';
import { nothingToChange, statusTransitionRefused, unknownTicket } from './errors.js';
import { ticketMail } from './emails.js';
import { TICKET_CATEGORIES, TICKET_STATUSES, type Ticket, type TicketSummary } from './schemas.js';

/**
 * Where a ticket may go next. It is taken up, resolved or closed; an administrator may reopen a
 * resolved or closed ticket (back to in_progress), but nothing goes back to pending.
 */
const NEXT_STATUSES: Record<TicketStatus, readonly TicketStatus[]> = {
  pending: ['in_progress', 'resolved', 'closed'],
  in_progress: ['resolved', 'closed'],
  resolved: ['closed', 'in_progress'],
  closed: ['in_progress'],
};

/** The statuses a ticket may be in to move to `status` (or stay there). */
const comingFrom = (status: TicketStatus) => [status, ...TICKET_STATUSES.filter((from) => NEXT_STATUSES[from].includes(status))];

const COLUMNS = ['id', 'user_id', 'category', 'priority', 'message', 'status', 'admin_response', 'created_at', 'updated_at'] as const;

const shown = (row: Pick<Selectable<SupportTicketsTable>, (typeof COLUMNS)[number]>): Ticket => ({
  id: row.id,
  user: row.user_id,
  category: row.category,
  priority: row.priority,
  message: row.message,
  status: row.status,
  admin_response: row.admin_response,
  timestamp: row.created_at,
  updated_at: row.updated_at,
});

export async function openTicket(services: Services, viewer: Viewer, input: Pick<Ticket, 'category' | 'priority' | 'message'>) {
  const row = await services.db
    .insertInto('support_tickets')
    .values({ user_id: viewer.id, category: input.category, priority: input.priority, message: input.message })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  return shown(row);
}

interface TicketFilters {
  user?: number | undefined;
  status?: TicketStatus | undefined;
  priority?: Ticket['priority'] | undefined;
  category?: Ticket['category'] | undefined;
}

/**
 * A page of tickets newest first, each filter applied when given; counted up to COUNT_CAP (a
 * bounded index read, exact below it).
 */
async function ticketPage(ctx: Context, filters: TicketFilters, query: { page?: string | undefined; page_size?: string | undefined }) {
  const { db } = ctx.services;
  const request = readPage(query);
  let matching = db.selectFrom('support_tickets');
  if (filters.user !== undefined) matching = matching.where('user_id', '=', filters.user);
  if (filters.status) matching = matching.where('status', '=', filters.status);
  if (filters.priority) matching = matching.where('priority', '=', filters.priority);
  if (filters.category) matching = matching.where('category', '=', filters.category);
  const { count } = await db
    .selectFrom(
      matching
        .select(sql`1`.as('one'))
        .orderBy('id', 'desc')
        .limit(COUNT_CAP)
        .as('capped'),
    )
    .select(sql<number>`count(*)::int`.as('count'))
    .executeTakeFirstOrThrow();
  const page = resolvePage(request, count);
  const rows = await matching
    .select(COLUMNS)
    .orderBy('id', 'desc')
    .limit(request.size)
    .offset((page - 1) * request.size)
    .execute();
  return paginate(ctx.url, page, request.size, count, rows.map(shown));
}

/** The caller's own tickets; nobody else's are ever listed here. */
export const myTickets = (ctx: Context, viewer: Viewer, input: { status?: TicketStatus | undefined; page?: string | undefined }) =>
  ticketPage(ctx, { user: viewer.id, status: input.status }, input);

/** Every ticket, for administrators. */
export const allTickets = (
  ctx: Context,
  input: Omit<TicketFilters, 'user'> & { page?: string | undefined; page_size?: string | undefined },
) => ticketPage(ctx, input, input);

/** Tickets per category and per status, from the tallies a trigger keeps (migration 0028): 20 rows at most. */
export async function ticketSummary(services: Services): Promise<TicketSummary> {
  const rows = await services.db
    .selectFrom('support_ticket_tallies')
    .select(['category', 'status', sql<number>`count::int`.as('count')])
    .execute();
  const byCategory = Object.fromEntries(TICKET_CATEGORIES.map((category) => [category, 0])) as Record<Ticket['category'], number>;
  const byStatus = Object.fromEntries(TICKET_STATUSES.map((status) => [status, 0])) as Record<TicketStatus, number>;
  for (const row of rows) {
    byCategory[row.category] += row.count;
    byStatus[row.status] += row.count;
  }
  return { ...byCategory, by_status: byStatus };
}

const STATUS_WORDS: Record<TicketStatus, string> = {
  pending: 'pending',
  in_progress: 'in progress',
  resolved: 'resolved',
  closed: 'closed',
};

/**
 * An administrator answers a ticket and/or moves its status (NEXT_STATUSES, enforced by the
 * update's own condition). When something changed, the ticket's owner is notified: stored and
 * live, and by e-mail when they allow e-mail (`email_notify`).
 */
export async function answerTicket(
  services: Services,
  input: { dispute: number; status?: TicketStatus | undefined; response?: string | undefined },
) {
  if (input.status === undefined && input.response === undefined) throw nothingToChange();
  const outcome = await services.db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('support_tickets as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select(COLUMNS.map((column) => `t.${column}` as const))
      .select(['u.email', 'u.email_notify'])
      .where('t.id', '=', input.dispute)
      .forUpdate('t')
      .executeTakeFirst();
    if (!current) throw unknownTicket();
    const status = input.status ?? current.status;
    const answered = input.response !== undefined && input.response !== current.admin_response;
    const moved = status !== current.status;
    if (!answered && !moved) return { ticket: shown(current), stored: [], mail: undefined };
    if (moved && !NEXT_STATUSES[current.status].includes(status))
      throw statusTransitionRefused(current.status, status, NEXT_STATUSES[current.status]);
    const row = await trx
      .updateTable('support_tickets')
      .set({ status, admin_response: input.response ?? current.admin_response, updated_at: services.now() })
      .where('id', '=', input.dispute)
      .where('status', 'in', comingFrom(status))
      .returning(COLUMNS)
      .executeTakeFirst();
    if (!row) throw statusTransitionRefused(current.status, status, NEXT_STATUSES[current.status]);
    const ticket = shown(row);
    const message = answered
      ? `Your support ticket #${ticket.id} was answered${moved ? ` and is now ${STATUS_WORDS[status]}` : ''}.`
      : `Your support ticket #${ticket.id} is now ${STATUS_WORDS[status]}.`;
    const stored = await storeNotifications(trx, [
      { userId: row.user_id, type: 'support_ticket', message, data: { dispute_id: ticket.id, status } },
    ]);
    return { ticket, stored, mail: current.email_notify ? ticketMail(current.email, message, ticket) : undefined };
  });
  await deliver(services, outcome.stored);
  if (outcome.mail) services.mailer.send(outcome.mail);
  return outcome.ticket;
}
