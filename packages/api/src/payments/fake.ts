import { randomUUID } from 'node:crypto';
import type { Database, Kysely } from '@careernexus/db';
import { required } from '../invariant.js';
import type { PaymentProvider, Verification } from './provider.js';
import { CHECKOUT_SESSION_ID } from './stripe.js';

/** Where this server serves the fake's checkout page for a reference (payment-routes.ts). */
const fakeCheckoutPath = (reference: string) => `/payments/fake/checkout/${encodeURIComponent(reference)}`;

/**
 * The built-in provider of a development install: its "hosted" checkout is a page of this server
 * whose Pay button marks the reference paid (payFakeCheckout) and sends the browser back as a
 * provider would. Its state is a table, so every process sharing the database agrees. Never
 * chosen with NODE_ENV=production.
 */
export function fakeProvider(db: Kysely<Database>, publicUrl: string): PaymentProvider {
  return {
    name: 'fake',

    async createCheckout(input) {
      await db
        .insertInto('fake_checkouts')
        .values({
          reference: input.reference,
          amount_minor: input.amountMinor,
          currency: input.currency,
          description: input.description,
          return_url: input.returnUrl,
        })
        .onConflict((oc) => oc.column('reference').doNothing())
        .execute();
      return { checkoutUrl: `${publicUrl}${fakeCheckoutPath(input.reference)}`, providerRef: input.reference };
    },

    async verify(id) {
      const row = await db
        .selectFrom('fake_checkouts')
        .selectAll()
        .where((eb) => eb.or([eb('reference', '=', id), eb('transaction_id', '=', id)]))
        .executeTakeFirst();
      if (!row) return { paid: false, reference: null, amountMinor: 0, currency: '', transactionId: null } satisfies Verification;
      return {
        paid: row.transaction_id !== null,
        reference: row.reference,
        amountMinor: Number(row.amount_minor),
        currency: row.currency,
        transactionId: row.transaction_id,
      };
    },

    // The fake sends no webhooks; its page's redirect is the only way back.
    parseWebhook: () => ({ kind: 'rejected', reason: 'the fake provider sends no webhooks' }),
  };
}

/** The fake's checkout page: what is charged, and a Pay button (a form posted to the same path). */
export async function fakeCheckoutPage(db: Kysely<Database>, reference: string): Promise<string | undefined> {
  const row = await db.selectFrom('fake_checkouts').selectAll().where('reference', '=', reference).executeTakeFirst();
  if (!row) return undefined;
  const amount = `${(Number(row.amount_minor) / 100).toFixed(2)} ${row.currency}`;
  const state = row.transaction_id ? '<p>Already paid.</p>' : '';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Fake checkout</title></head>
<body>
  <h1>Fake checkout (development only)</h1>
  <p>${escapeHtml(row.description)}: <strong>${escapeHtml(amount)}</strong></p>
  <p>Reference <code>${escapeHtml(row.reference)}</code>. No money moves: this server stands in for a payment provider.</p>
  ${state}
  <form method="post" action="${escapeHtml(fakeCheckoutPath(row.reference))}"><button type="submit">Pay</button></form>
</body>
</html>`;
}

/**
 * The Pay button: the reference is paid (once; pressing again changes nothing) and the browser
 * goes back to the return URL with what a provider adds to it (Flutterwave's `status`, `tx_ref`,
 * `transaction_id`; Stripe's `session_id` through its template).
 */
export async function payFakeCheckout(db: Kysely<Database>, reference: string, now: Date): Promise<string | undefined> {
  const row = await db
    .updateTable('fake_checkouts')
    .set((eb) => ({
      transaction_id: eb.fn.coalesce('transaction_id', eb.val(`fake_${randomUUID()}`)),
      paid_at: eb.fn.coalesce('paid_at', eb.val(now)),
    }))
    .where('reference', '=', reference)
    .returning(['reference', 'transaction_id', 'return_url'])
    .executeTakeFirst();
  if (!row) return undefined;
  const url = new URL(row.return_url.replace(CHECKOUT_SESSION_ID, encodeURIComponent(row.reference)));
  url.searchParams.set('status', 'successful');
  url.searchParams.set('tx_ref', row.reference);
  // Just set by the update (coalesce with a value), so never null here.
  url.searchParams.set('transaction_id', required(row.transaction_id, 'the fake checkout transaction id'));
  return url.toString();
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
