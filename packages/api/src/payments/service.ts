import { randomBytes } from 'node:crypto';
import type { PaymentProviderName } from '@careernexus/db';
import type { Viewer } from '../auth/sessions.js';
import type { Services } from '../context.js';
import { CENTRAL_CURRENCY, rateForCallingCode, type Rate } from '../mentors/money.js';
import { notSessionMentee, sessionInState, sessionNotFound } from '../sessions/errors.js';
import { paymentNotInitialized, paymentsNotConfigured, PROVIDER_NAMES, sessionAlreadyPaid, sessionNotAccepted } from './errors.js';
import { fakeCheckoutPage, payFakeCheckout } from './fake.js';
import { PaymentProviderError, type Checkout, type PaymentProvider, type Verification, type WebhookHeaders } from './provider.js';
import { settlePayment, type Settlement } from './settle.js';
import { CHECKOUT_SESSION_ID } from './stripe.js';

/** The provider a payer chose (each initiate path names one). */
export type CheckoutRoute = 'flutterwave' | 'stripe';

/** The provider that takes a route's payments: the configured one, else the fake when it is on. */
function providerFor(services: Services, route: CheckoutRoute): PaymentProvider {
  const provider = services.payments[route] ?? services.payments.fake;
  if (!provider) throw paymentsNotConfigured(route, Boolean(services.payments[route === 'flutterwave' ? 'stripe' : 'flutterwave']));
  return provider;
}

/**
 * What is charged for a price in US cents: in the payer's currency where their country has an
 * exchange rate (Flutterwave), in whole units as the price is shown to them; else US dollars.
 */
function chargeFor(usdMinor: number, rate: Rate | null) {
  if (!rate || rate.currency === CENTRAL_CURRENCY) return { amountMinor: usdMinor, currency: CENTRAL_CURRENCY };
  const amountMinor = Math.floor((usdMinor * rate.rate) / 100) * 100;
  return amountMinor > 0 ? { amountMinor, currency: rate.currency } : { amountMinor: usdMinor, currency: CENTRAL_CURRENCY };
}

/**
 * Starts paying for a session (§2): only its mentee, only once the mentor accepted it and while
 * unpaid. A pending payment is recorded before the provider is asked, so a checkout the provider
 * opened is never unknown to us; it stays pending if the provider fails.
 */
export async function initiatePayment(services: Services, viewer: Viewer, sessionId: number, route: CheckoutRoute): Promise<Checkout> {
  const provider = providerFor(services, route);
  const session = await services.db
    .selectFrom('mentor_sessions')
    .select(['id', 'mentee_id', 'status', 'is_paid', 'price_minor'])
    .where('id', '=', sessionId)
    .executeTakeFirst();
  if (!session) throw sessionNotFound();
  if (session.mentee_id !== viewer.id) throw notSessionMentee();
  if (session.status === 'PENDING') throw sessionNotAccepted();
  if (session.is_paid) throw sessionAlreadyPaid();
  if (session.status !== 'ACCEPTED') throw sessionInState(session.status);

  const payer = await services.db
    .selectFrom('users as u')
    .innerJoin('profiles as p', 'p.user_id', 'u.id')
    .select(['u.email', 'p.first_name', 'p.last_name', 'p.country_code', 'p.phone_number'])
    .where('u.id', '=', viewer.id)
    .executeTakeFirstOrThrow();
  // Session prices are kept in the central currency (mentors/money.ts): the price is the USD amount.
  const usdMinor = session.price_minor;
  const rate = route === 'flutterwave' && payer.country_code ? await rateForCallingCode(services.db, payer.country_code) : null;
  const charge = chargeFor(usdMinor, rate);
  const reference = `cn-${session.id}-${randomBytes(8).toString('hex')}`;
  const base = services.config.PUBLIC_URL;
  const returnUrl =
    route === 'flutterwave' ? `${base}/payments/callback/` : `${base}/payments/stripe/return/?session_id=${CHECKOUT_SESSION_ID}`;

  const payment = await services.db
    .insertInto('payments')
    .values({
      session_id: session.id,
      payer_id: viewer.id,
      provider: provider.name,
      reference,
      amount_minor: charge.amountMinor,
      currency: charge.currency,
      usd_minor: usdMinor,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  let checkout: Checkout;
  try {
    checkout = await provider.createCheckout({
      reference,
      ...charge,
      customer: { email: payer.email, name: `${payer.first_name} ${payer.last_name}`, phone: `${payer.country_code}${payer.phone_number}` },
      description: route === 'stripe' ? 'Payment for Mentorship Session.' : 'Payment for Mentorship',
      returnUrl,
    });
  } catch (error) {
    if (!(error instanceof PaymentProviderError)) throw error;
    services.log.warn({ err: error, reference, provider: provider.name }, 'payment provider refused a checkout');
    throw paymentNotInitialized();
  }
  if (checkout.providerRef)
    await services.db.updateTable('payments').set({ provider_ref: checkout.providerRef }).where('id', '=', payment.id).execute();
  return checkout;
}

/** Asks the provider, then settles; a provider that cannot be asked now leaves everything as it was. */
async function verifyAndSettle(
  services: Services,
  provider: PaymentProvider,
  id: string,
  claimedReference?: string,
): Promise<Settlement | 'unavailable'> {
  let verified: Verification;
  try {
    verified = await provider.verify(id);
  } catch (error) {
    if (!(error instanceof PaymentProviderError)) throw error;
    services.log.warn({ err: error, provider: provider.name }, 'payment provider could not verify');
    return 'unavailable';
  }
  return settlePayment(services, provider.name, verified, claimedReference);
}

const redirectFor = (services: Services, settlement: Settlement | 'unavailable') =>
  settlement !== 'unavailable' && settlement.outcome === 'paid' ? services.config.PAYMENT_SUCCESS_URL : services.config.PAYMENT_FAILURE_URL;

/** The provider a stored payment was made with, if this process still has it. */
const providerOf = (services: Services, name: PaymentProviderName) => services.payments[name];

/**
 * Flutterwave's browser return, `?status=&tx_ref=&transaction_id=` (and the fake's): the
 * transaction is verified with the provider and settles the payment `tx_ref` names. Answers where
 * to send the browser.
 */
export async function paymentReturn(
  services: Services,
  query: { status?: string | undefined; tx_ref?: string | undefined; transaction_id?: string | undefined },
) {
  const { status, tx_ref: reference, transaction_id: transactionId } = query;
  if (!status || !reference || !transactionId || !['successful', 'completed'].includes(status.toLowerCase()))
    return services.config.PAYMENT_FAILURE_URL;
  const payment = await services.db.selectFrom('payments').select('provider').where('reference', '=', reference).executeTakeFirst();
  const provider = payment && providerOf(services, payment.provider);
  if (!provider) return services.config.PAYMENT_FAILURE_URL;
  return redirectFor(services, await verifyAndSettle(services, provider, transactionId, reference));
}

/** Stripe's browser return, `?session_id=` (also at the original's /payments/test/redirect/). */
export async function stripeReturn(services: Services, checkoutSessionId: string | undefined) {
  if (!checkoutSessionId) return services.config.PAYMENT_FAILURE_URL;
  const payment = await services.db
    .selectFrom('payments')
    .select(['provider', 'reference'])
    .where('provider_ref', '=', checkoutSessionId)
    .where('provider', 'in', ['stripe', 'fake'])
    .executeTakeFirst();
  const provider = payment && providerOf(services, payment.provider);
  if (!payment || !provider) return services.config.PAYMENT_FAILURE_URL;
  return redirectFor(services, await verifyAndSettle(services, provider, checkoutSessionId, payment.reference));
}

export interface WebhookAnswer {
  status: 200 | 401 | 502 | 503;
  body: Record<string, string>;
}

const WEBHOOK_SECRETS = { flutterwave: 'FLUTTERWAVE_WEBHOOK_HASH', stripe: 'STRIPE_WEBHOOK_SECRET' } as const;

/**
 * A provider's webhook, by its raw body: 401 when it is not authentic; 200 for every authentic
 * event whatever it settles (a refusal is final, a retry would not change it); 502 when the
 * provider could not be asked to verify it, so that it sends it again later.
 */
export async function receiveWebhook(
  services: Services,
  route: CheckoutRoute,
  rawBody: Buffer,
  headers: WebhookHeaders,
): Promise<WebhookAnswer> {
  const provider = services.payments[route];
  const secret = route === 'flutterwave' ? services.config.FLUTTERWAVE_WEBHOOK_HASH : services.config.STRIPE_WEBHOOK_SECRET;
  // The same words as the initiate paths' 503, in the webhook's plain answer.
  if (!provider) return { status: 503, body: { detail: paymentsNotConfigured(route, true).message } };
  if (!secret)
    return { status: 503, body: { detail: `${PROVIDER_NAMES[route]} webhooks are not configured: set ${WEBHOOK_SECRETS[route]}.` } };
  const event = provider.parseWebhook(rawBody, headers);
  switch (event.kind) {
    case 'rejected':
      return { status: 401, body: { detail: 'Invalid webhook signature.' } };
    case 'ignored':
      return { status: 200, body: { status: 'ignored' } };
    case 'verify': {
      const settlement = await verifyAndSettle(services, provider, event.id);
      if (settlement === 'unavailable')
        return { status: 502, body: { detail: 'The payment provider could not be reached to verify this event.' } };
      return { status: 200, body: { status: settlement.outcome } };
    }
    case 'verified':
      return { status: 200, body: { status: (await settlePayment(services, provider.name, event.verification)).outcome } };
  }
}

/** The fake provider's checkout page, while the fake is on. */
export async function fakeCheckout(services: Services, reference: string) {
  return services.payments.fake ? fakeCheckoutPage(services.db, reference) : undefined;
}

/** The fake's Pay button: where the browser goes next, as a provider would send it. */
export async function payFake(services: Services, reference: string) {
  return services.payments.fake ? payFakeCheckout(services.db, reference, services.now()) : undefined;
}
