import { isUniqueViolation, sql, type CorporateLeadsTable, type Selectable } from '@careernexus/db';
import type { Context, Services } from '../context.js';
import { paginate, readPage, resolvePage } from '../pagination.js';
import { COUNT_CAP } from '../posts/feed.js';
import { leadEmailTaken } from './errors.js';

const COLUMNS = ['id', 'full_name', 'email_address', 'phone_number', 'interested_services', 'package', 'created_at'] as const;

const shown = ({ created_at, ...lead }: Pick<Selectable<CorporateLeadsTable>, (typeof COLUMNS)[number]>) => ({
  ...lead,
  timestamp: created_at,
});

/** Records a visitor's request to be contacted; one per e-mail, decided by the database's unique constraint. */
export async function registerLead(
  services: Services,
  input: { full_name: string; email_address: string; phone_number: string; interested_services: string[]; package?: string | undefined },
) {
  try {
    const row = await services.db
      .insertInto('corporate_leads')
      .values({ ...input, package: input.package ?? null })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    return shown(row);
  } catch (error) {
    if (isUniqueViolation(error, 'corporate_leads_email_unique')) throw leadEmailTaken();
    throw error;
  }
}

/** Every lead newest first, for administrators; counted up to COUNT_CAP. */
export async function listLeads(ctx: Context, query: { page?: string | undefined; page_size?: string | undefined }) {
  const { db } = ctx.services;
  const request = readPage(query);
  const { count } = await db
    .selectFrom(db.selectFrom('corporate_leads').select('id').orderBy('id', 'desc').limit(COUNT_CAP).as('capped'))
    .select(sql<number>`count(*)::int`.as('count'))
    .executeTakeFirstOrThrow();
  const page = resolvePage(request, count);
  const rows = await db
    .selectFrom('corporate_leads')
    .select(COLUMNS)
    .orderBy('id', 'desc')
    .limit(request.size)
    .offset((page - 1) * request.size)
    .execute();
  return paginate(ctx.url, page, request.size, count, rows.map(shown));
}
