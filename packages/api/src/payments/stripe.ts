import { createHmac } from 'node:crypto';
import {
  eventOf,
  fieldsOf,
  headerOf,
  PaymentProviderError,
  providerJson,
  sameSecret,
  textOf,
  type PaymentProvider,
  type Verification,
} from './provider.js';

export interface StripeOptions {
  secretKey: string;
  /** `https://api.stripe.com`, or a stand-in in tests. */
  baseUrl: string;
  /** The endpoint's signing secret (`whsec_…`); without it webhooks are refused. */
  webhookSecret: string | undefined;
  now: () => Date;
}

/** Stripe's default: a signed event older (or newer) than this is refused, against replays. */
const STRIPE_SIGNATURE_TOLERANCE_SECONDS = 300;

/** The `{CHECKOUT_SESSION_ID}` template Stripe fills in a success URL. */
export const CHECKOUT_SESSION_ID = '{CHECKOUT_SESSION_ID}';

/**
 * Stripe Checkout over its HTTP API (form-encoded, as Stripe takes it): a hosted checkout
 * session, its retrieval, and webhooks signed with HMAC-SHA256 (`Stripe-Signature`). A signed
 * `checkout.session.completed` carries the session itself, so it settles without another call.
 */
export function stripeProvider(options: StripeOptions): PaymentProvider {
  const auth = { authorization: `Bearer ${options.secretKey}`, accept: 'application/json' };
  return {
    name: 'stripe',

    async createCheckout(input) {
      const form = new URLSearchParams({
        mode: 'payment',
        'payment_method_types[0]': 'card',
        'line_items[0][quantity]': '1',
        'line_items[0][price_data][currency]': input.currency.toLowerCase(),
        'line_items[0][price_data][unit_amount]': String(input.amountMinor),
        'line_items[0][price_data][product_data][name]': input.description,
        success_url: input.returnUrl,
        // Back without paying: the return page finds no paid session and sends the browser to failure.
        cancel_url: input.returnUrl,
        client_reference_id: input.reference,
        customer_email: input.customer.email,
        'metadata[reference]': input.reference,
        'payment_intent_data[metadata][reference]': input.reference,
      });
      const { status, body } = await providerJson('Stripe checkout', `${options.baseUrl}/v1/checkout/sessions`, {
        method: 'POST',
        // A retried request (the same reference) creates no second checkout.
        headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': input.reference },
        body: form.toString(),
      });
      const { id, url, error } = fieldsOf(body);
      if (status !== 200 || typeof id !== 'string' || typeof url !== 'string') {
        throw new PaymentProviderError(`Stripe checkout: HTTP ${status}, ${textOf(fieldsOf(error).message, 'no url')}`);
      }
      return { checkoutUrl: url, providerRef: id };
    },

    async verify(checkoutSessionId) {
      if (!/^[\w-]{1,255}$/.test(checkoutSessionId))
        return { paid: false, reference: null, amountMinor: 0, currency: '', transactionId: null };
      const { status, body } = await providerJson('Stripe retrieve', `${options.baseUrl}/v1/checkout/sessions/${checkoutSessionId}`, {
        headers: auth,
      });
      if (status === 404) return { paid: false, reference: null, amountMinor: 0, currency: '', transactionId: null };
      if (status !== 200) throw new PaymentProviderError(`Stripe retrieve: HTTP ${status}`);
      return fromCheckoutSession(body);
    },

    parseWebhook(rawBody, headers) {
      if (!options.webhookSecret) return { kind: 'rejected', reason: 'no STRIPE_WEBHOOK_SECRET' };
      const signed = verifyStripeSignature(rawBody, headerOf(headers, 'stripe-signature'), options.webhookSecret, options.now());
      if (!signed) return { kind: 'rejected', reason: 'Stripe-Signature does not match' };
      const event = eventOf(rawBody);
      if (!event) return { kind: 'ignored' };
      const session = fieldsOf(event.data).object;
      // Completed (paid by card at once), or paid later by a delayed method.
      const settles = event.type === 'checkout.session.completed' || event.type === 'checkout.session.async_payment_succeeded';
      if (!settles || fieldsOf(session).object !== 'checkout.session') return { kind: 'ignored' };
      return { kind: 'verified', verification: fromCheckoutSession(session) };
    },
  };
}

/** A Checkout Session as a verification; its payment intent is the transaction (the session's id when it has none). */
function fromCheckoutSession(body: unknown): Verification {
  const session = fieldsOf(body);
  const intent = typeof session.payment_intent === 'string' ? session.payment_intent : fieldsOf(session.payment_intent).id;
  return {
    paid: session.payment_status === 'paid',
    reference: typeof session.client_reference_id === 'string' ? session.client_reference_id : null,
    // Stripe already speaks minor units.
    amountMinor: Number(session.amount_total ?? 0),
    currency: textOf(session.currency, '').toUpperCase(),
    transactionId: typeof intent === 'string' ? intent : typeof session.id === 'string' ? session.id : null,
  };
}

/**
 * Stripe's scheme: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=…]`, where v1 is
 * HMAC-SHA256(secret, "<t>.<raw body>"); any v1 may match (secrets roll), and t must be within
 * the tolerance of now.
 */
function verifyStripeSignature(rawBody: Buffer, header: string | undefined, secret: string, now: Date): boolean {
  if (!header) return false;
  const parts = header.split(',').map((part) => part.trim().split('='));
  const timestamp = parts.find(([key]) => key === 't')?.[1];
  const signatures = parts.filter(([key]) => key === 'v1').map(([, value]) => value ?? '');
  if (!timestamp || !/^\d+$/.test(timestamp) || !signatures.length) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > STRIPE_SIGNATURE_TOLERANCE_SECONDS) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
  return signatures.some((signature) => sameSecret(signature, expected));
}
