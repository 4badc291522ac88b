import { isUniqueViolation, type PaymentProviderName, type PaymentStatus } from '@careernexus/db';
import type { Services } from '../context.js';
import { required } from '../invariant.js';
import { deliver, storeNotifications } from '../notifications/service.js';
import { recordPaymentReceived } from '../vault/ledger.js';
import type { Verification } from './provider.js';

export type Settlement =
  | { outcome: 'paid'; paymentId: number; sessionId: number }
  /** The provider says it is not (yet) paid: nothing changes, a later answer may still settle it. */
  | { outcome: 'unpaid' }
  /** No payment of ours by that provider has the reference. */
  | { outcome: 'unknown' }
  | { outcome: 'refused'; reason: string };

interface PaymentRow {
  id: number;
  session_id: number;
  payer_id: number;
  reference: string;
  provider_transaction_id: string | null;
  amount_minor: number;
  currency: string;
  usd_minor: number;
  status: PaymentStatus;
  failure: string | null;
}

/** A refusal of a transaction at the payment's expense (it is marked failed) rather than of a caller's claim. */
class NotHonoured extends Error {}

/**
 * The one place a payment becomes paid, whichever way the news came (browser return, webhook,
 * fake). A provider-verified transaction settles our payment with its reference only when it is
 * paid, for at least the amount in the same currency, and was not used by another payment; then,
 * in one transaction, the payment is paid and the session `is_paid` (each by a conditional update)
 * and the ledger records the money received; the mentor is told. Settling again is a no-op with the same outcome; of two concurrent
 * settlements one writes and the other reads the result.
 *
 * `claimedReference` is the reference the caller was told (a return URL's `tx_ref`): a verified
 * transaction of another reference is refused and changes nothing (the original's replay hole).
 */
export async function settlePayment(
  services: Services,
  provider: PaymentProviderName,
  verified: Verification,
  claimedReference?: string,
): Promise<Settlement> {
  if (!verified.reference)
    return verified.paid ? { outcome: 'refused', reason: 'The transaction names no reference.' } : { outcome: 'unpaid' };
  if (claimedReference !== undefined && claimedReference !== verified.reference) {
    return { outcome: 'refused', reason: 'The transaction belongs to another payment.' };
  }
  const payment = await readPayment(services, provider, verified.reference);
  if (!payment) return { outcome: 'unknown' };
  if (payment.status !== 'pending') return outcomeOf(services, payment, verified);
  if (!verified.paid) return { outcome: 'unpaid' };
  if (!verified.transactionId) return { outcome: 'refused', reason: 'The transaction has no id.' };

  // The provider confirmed money for this reference: whatever is wrong now is final for this payment.
  if (verified.currency !== payment.currency) return fail(services, payment, `Paid in ${verified.currency}, ${payment.currency} expected.`);
  if (verified.amountMinor < payment.amount_minor)
    return fail(services, payment, `Paid ${verified.amountMinor} minor units of ${payment.currency}, ${payment.amount_minor} expected.`);
  const usedElsewhere = await services.db
    .selectFrom('payments')
    .select('id')
    .where('provider', '=', provider)
    .where('provider_transaction_id', '=', verified.transactionId)
    .where('id', '<>', payment.id)
    .executeTakeFirst();
  // A caller's claim, not the payment's fault: refused, and the payment stays pending.
  if (usedElsewhere) return { outcome: 'refused', reason: 'The transaction already settled another payment.' };

  const now = services.now();
  try {
    const stored = await services.db.transaction().execute(async (trx) => {
      const paid = await trx
        .updateTable('payments')
        .set({ status: 'paid', paid_at: now, provider_transaction_id: verified.transactionId })
        .where('id', '=', payment.id)
        .where('status', '=', 'pending')
        .returning('id')
        .executeTakeFirst();
      // Settled (or failed) meanwhile by a concurrent call: nothing to write, its outcome is read below.
      if (!paid) return undefined;
      const session = await trx
        .updateTable('mentor_sessions')
        .set({ is_paid: true })
        .where('id', '=', payment.session_id)
        .where('status', '=', 'ACCEPTED')
        .where('is_paid', '=', false)
        .returning('mentor_id')
        .executeTakeFirst();
      if (!session) throw new NotHonoured('The session could no longer be paid for (cancelled, or paid by another payment).');
      await recordPaymentReceived(trx, payment, now);
      const payer = await trx
        .selectFrom('profiles')
        .select(['first_name', 'last_name'])
        .where('user_id', '=', payment.payer_id)
        .executeTakeFirst();
      const name = payer ? `${payer.first_name} ${payer.last_name}` : 'Your mentee';
      return storeNotifications(trx, [
        {
          userId: session.mentor_id,
          type: 'session_paid',
          message: `${name} paid for your session.`,
          data: { session_id: payment.session_id, user_id: payment.payer_id },
        },
      ]);
    });
    if (stored) await deliver(services, stored);
  } catch (error) {
    if (error instanceof NotHonoured) return fail(services, payment, error.message);
    // Another payment of the session was settled concurrently.
    if (isUniqueViolation(error, 'payments_one_paid_per_session'))
      return fail(services, payment, 'The session was paid by another payment.');
    if (isUniqueViolation(error, 'payments_provider_transaction'))
      return { outcome: 'refused', reason: 'The transaction already settled another payment.' };
    throw error;
  }
  // Read above (payments are never deleted), now with the settlement's outcome.
  const settled = await readPayment(services, provider, verified.reference);
  return outcomeOf(services, required(settled, `payment ${verified.reference}`), verified);
}

const PAYMENT_COLUMNS = [
  'id',
  'session_id',
  'payer_id',
  'reference',
  'provider_transaction_id',
  'amount_minor',
  'currency',
  'usd_minor',
  'status',
  'failure',
] as const;

function readPayment(services: Services, provider: PaymentProviderName, reference: string): Promise<PaymentRow | undefined> {
  return services.db
    .selectFrom('payments')
    .select(PAYMENT_COLUMNS)
    .where('reference', '=', reference)
    .where('provider', '=', provider)
    .executeTakeFirst();
}

/** What a settled or failed payment answers to any later settlement of it. */
function outcomeOf(services: Services, payment: PaymentRow, verified: Verification): Settlement {
  if (payment.status === 'failed') return { outcome: 'refused', reason: payment.failure ?? 'This payment failed.' };
  if (payment.status === 'pending') return { outcome: 'unpaid' };
  if (verified.paid && verified.transactionId && verified.transactionId !== payment.provider_transaction_id) {
    // Money for a reference already paid: a second charge, to refund by hand.
    services.log.warn({ reference: payment.reference, transaction: verified.transactionId }, 'second paid transaction for a paid payment');
  }
  return { outcome: 'paid', paymentId: payment.id, sessionId: payment.session_id };
}

/** Marks a pending payment failed; money the provider took for it is refunded by hand (logged). */
async function fail(services: Services, payment: PaymentRow, reason: string): Promise<Settlement> {
  const failed = await services.db
    .updateTable('payments')
    .set({ status: 'failed', failure: reason })
    .where('id', '=', payment.id)
    .where('status', '=', 'pending')
    .returning('id')
    .executeTakeFirst();
  if (!failed) {
    // Settled or failed meanwhile: that outcome stands.
    const now = await services.db.selectFrom('payments').select(PAYMENT_COLUMNS).where('id', '=', payment.id).executeTakeFirstOrThrow();
    return outcomeOf(services, now, { paid: false, reference: payment.reference, amountMinor: 0, currency: '', transactionId: null });
  }
  services.log.warn({ reference: payment.reference, reason }, 'payment confirmed by its provider but not honoured: refund by hand');
  return { outcome: 'refused', reason };
}
