import { sql } from '@careernexus/db';
import type { Viewer } from '../auth/sessions.js';
import type { Context, Services } from '../context.js';
import { onlyRow } from '../invariant.js';
import { CENTRAL_CURRENCY, readRate, viewerRateJson, type Rate } from '../mentors/money.js';
import { paginate, readPage, resolvePage } from '../pagination.js';
import { mentorsOnly } from '../sessions/errors.js';

/** How many transactions the vault shows (§1.14). */
export const RECENT_TRANSACTIONS = 11;

/** What a transaction of a mentor's account is, as the original's vault names it. */
const ACTIONS = { session_earning: 'EARN' } as const;

/**
 * Minor units of the central currency as a JSON number of major units, in the mentor's currency
 * when their country has a rate (§1.14), rounded to that currency's cents.
 */
function money(minor: number, currency: string, rate: Rate | null) {
  if (rate && currency === CENTRAL_CURRENCY && rate.currency !== CENTRAL_CURRENCY)
    return { value: Math.round(minor * rate.rate) / 100, currency: rate.currency };
  return { value: minor / 100, currency };
}

/** One statement: the balance (a sum of the mentor's entries), how many there are, and the mentor's rate. */
// Every price is stored in the central currency (USD), so is every entry: one sum is the balance.
async function summaryOf(services: Services, mentorId: number) {
  const { rows } = await sql<{ balance: number; count: number; rate: unknown }>`
    select coalesce(sum(amount_minor), 0)::int8 as balance, count(*)::int as count, ${viewerRateJson(mentorId)} as rate
    from ledger_entries where account_kind = 'mentor' and owner_id = ${mentorId}`.execute(services.db);
  const row = onlyRow(rows);
  return { balance: Number(row.balance), count: Number(row.count), rate: readRate(row.rate) };
}

/** A page of the mentor's transactions, newest first (index ledger_entries_by_mentor). */
async function historyOf(services: Services, mentorId: number, rate: Rate | null, limit: number, offset = 0) {
  const rows = await services.db
    .selectFrom('ledger_entries as e')
    .innerJoin('ledger_transactions as t', 't.id', 'e.transaction_id')
    .leftJoin('mentor_sessions as s', 's.id', 't.session_id')
    .select(['t.id', 't.kind', 't.created_at', 't.session_id', 's.session_type', 'e.amount_minor', 'e.currency'])
    .where('e.account_kind', '=', 'mentor')
    .where('e.owner_id', '=', mentorId)
    .orderBy('e.transaction_id', 'desc')
    .limit(limit)
    .offset(offset)
    // Only earnings touch a mentor's account (payments received move providers and clearing).
    .$narrowType<{ kind: 'session_earning' }>()
    .execute();
  return rows.map((row) => ({
    id: row.id,
    action: ACTIONS[row.kind],
    amount: money(Number(row.amount_minor), row.currency, rate),
    extra_data: { session_id: row.session_id, session_type: row.session_type },
    timestamp: row.created_at,
  }));
}

function mentorOnly(viewer: Viewer) {
  if (viewer.userType !== 'mentor') throw mentorsOnly();
}

/** The mentor's balance and latest transactions (§1.14). */
export async function vaultOf(services: Services, viewer: Viewer) {
  mentorOnly(viewer);
  const { balance, rate } = await summaryOf(services, viewer.id);
  const { value, currency } = money(balance, CENTRAL_CURRENCY, rate);
  return {
    amount: { amount: value, currency },
    recent_transaction_history: await historyOf(services, viewer.id, rate, RECENT_TRANSACTIONS),
  };
}

/** All of the mentor's transactions, newest first, a page at a time. */
export async function vaultTransactions(
  ctx: Context & { viewer: Viewer },
  query: { page?: string | undefined; page_size?: string | undefined },
) {
  mentorOnly(ctx.viewer);
  const request = readPage(query);
  const { count, rate } = await summaryOf(ctx.services, ctx.viewer.id);
  const page = resolvePage(request, count);
  const results = await historyOf(ctx.services, ctx.viewer.id, rate, request.size, (page - 1) * request.size);
  return paginate(ctx.url, page, request.size, count, results);
}
