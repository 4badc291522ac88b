import { envelope, pageInput } from '../pagination.js';
import { answers, rest, type RestRoute } from '../rest.js';
import { mentorsOnly } from '../sessions/errors.js';
import { authedProcedure, router } from '../trpc.js';
import { z } from '../validation.js';
import { MENTOR_SHARE_PERCENT } from './ledger.js';
import { RECENT_TRANSACTIONS, vaultOf, vaultTransactions } from './service.js';

const route = (route: Omit<RestRoute, 'tag' | 'protect' | 'errors'>) =>
  rest({ ...route, tag: 'mentorship vault', protect: true, errors: { 403: answers('Not a mentor', mentorsOnly()) } });

const CURRENCY =
  'Amounts are JSON numbers in major units, in your currency when your country has an exchange rate (its initials, e.g. `NGN`), else USD.';

const transaction = z.object({
  id: z.number().int().describe('The ledger transaction’s id'),
  action: z.enum(['EARN', 'WITHDRAW']).describe('`EARN`: a completed session’s share; `WITHDRAW` is reserved (there is no payout API yet)'),
  amount: z.object({ value: z.number(), currency: z.string() }),
  extra_data: z.object({ session_id: z.number().int().nullable(), session_type: z.enum(['individual', 'group']).nullable() }),
  timestamp: z.date(),
});

export const vaultRouter = router({
  show: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/mentor/vault/',
        summary: 'Your vault: balance and latest earnings',
        description:
          `Mentors only. When a paid session is completed, ${MENTOR_SHARE_PERCENT} % of its price is credited to its mentor (the platform keeps the rest), once. ` +
          `\`amount.amount\` is the balance, a sum over a double-entry ledger; \`recent_transaction_history\` the ${RECENT_TRANSACTIONS} newest transactions. ${CURRENCY}`,
      }),
    )
    .input(z.void())
    .output(z.object({ amount: z.object({ amount: z.number(), currency: z.string() }), recent_transaction_history: z.array(transaction) }))
    .query(({ ctx }) => vaultOf(ctx.services, ctx.viewer)),

  transactions: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/mentor/vault/transactions/',
        summary: 'All your vault transactions',
        description: `Mentors only. Every transaction of your vault, newest first, the items of \`/mentor/vault/\`. Paginated (10 a page), unlike the original, which listed them all at once. ${CURRENCY}`,
      }),
    )
    .input(z.object(pageInput))
    .output(envelope(transaction))
    .query(({ ctx, input }) => vaultTransactions(ctx, input)),
});
