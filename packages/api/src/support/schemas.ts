import { envelope, pageInput } from '../pagination.js';
import { emailField, z } from '../validation.js';

export const TICKET_CATEGORIES = ['technical', 'payment', 'account', 'request', 'others'] as const;
const TICKET_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export const TICKET_STATUSES = ['pending', 'in_progress', 'resolved', 'closed'] as const;
const LEAD_SERVICES = ['hr_solutions', 'corporate_training', 'L&D', 'organizational_development'] as const;
const LEAD_PACKAGES = ['basic', 'premium', 'inclusive'] as const;

/** A query filter of one option; left out or blank (compat C4) is no filter, anything else names the field. */
const filter = <T extends readonly [string, ...string[]]>(options: T, what: string) =>
  z.preprocess((value) => (value === '' ? undefined : value), z.enum(options).optional()).describe(`${what}: ${options.join(', ')}`);

export const createTicketInput = z.object({
  category: z.enum(TICKET_CATEGORIES),
  priority: z.enum(TICKET_PRIORITIES),
  message: z.string().trim().min(1).max(5000),
});

export const myTicketsInput = z.object({ ...pageInput, status: filter(TICKET_STATUSES, 'Only tickets in this status') });

export const adminTicketsInput = z.object({
  ...pageInput,
  status: filter(TICKET_STATUSES, 'Only tickets in this status'),
  priority: filter(TICKET_PRIORITIES, 'Only tickets of this priority'),
  category: filter(TICKET_CATEGORIES, 'Only tickets of this category'),
});

export const answerTicketInput = z.object({
  dispute: z.coerce.number().int().positive().describe('The ticket’s id'),
  status: z.enum(TICKET_STATUSES).optional(),
  response: z.string().trim().min(1).max(5000).optional().describe('The answer the person reads (replaces an earlier one)'),
});

export const ticket = z.object({
  id: z.number().int(),
  user: z.number().int().describe('Whose ticket: their user id'),
  category: z.enum(TICKET_CATEGORIES),
  priority: z.enum(TICKET_PRIORITIES),
  message: z.string(),
  status: z.enum(TICKET_STATUSES),
  admin_response: z.string().nullable(),
  timestamp: z.date().describe('When it was opened'),
  updated_at: z.date(),
});
export type Ticket = z.infer<typeof ticket>;

export const ticketPage = envelope(ticket);

const count = z.number().int();
/** Tickets per category, and per status under `by_status`. */
export const ticketSummary = z.object({
  technical: count,
  payment: count,
  account: count,
  request: count,
  others: count,
  by_status: z.object({ pending: count, in_progress: count, resolved: count, closed: count }),
});
export type TicketSummary = z.infer<typeof ticketSummary>;

/** A JSON list, or (from a form) its JSON text. */
const listOrJsonText = (value: unknown) => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
};

export const leadInput = z.object({
  full_name: z.string().trim().min(1).max(200),
  email_address: emailField(),
  phone_number: z
    .string()
    .trim()
    .regex(/^\+?[0-9][0-9 ()-]{5,24}$/, 'Enter a valid phone number.'),
  interested_services: z.preprocess(
    listOrJsonText,
    z
      .array(z.enum(LEAD_SERVICES), 'Interested services must be a list')
      .min(1, 'Choose at least one service.')
      .transform((services) => [...new Set(services)]),
  ),
  package: z.preprocess((value) => (value === '' || value === null ? undefined : value), z.enum(LEAD_PACKAGES).optional()),
});

export const lead = z.object({
  id: z.number().int(),
  full_name: z.string(),
  email_address: z.string(),
  phone_number: z.string(),
  interested_services: z.array(z.string()),
  package: z.string().nullable(),
  timestamp: z.date(),
});

export const leadPage = envelope(lead);

export const leadsInput = z.object(pageInput);
