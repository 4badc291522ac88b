import {
  eventOf,
  fieldsOf,
  headerOf,
  PaymentProviderError,
  providerJson,
  sameSecret,
  textOf,
  toMinor,
  type PaymentProvider,
  type Verification,
} from './provider.js';

export interface FlutterwaveOptions {
  secretKey: string;
  /** `https://api.flutterwave.com/v3`, or a stand-in in tests. */
  baseUrl: string;
  /** The dashboard's "secret hash"; without it webhooks are refused. */
  webhookHash: string | undefined;
}

/**
 * Flutterwave v3 "Standard" over its HTTP API: a hosted payment link, verification of a
 * transaction by id, and webhooks authenticated by the `verif-hash` header. The hash is a shared
 * secret, not a signature over the body, so a webhook only names a transaction: it is verified
 * through the API before anything is settled, as Flutterwave recommends.
 */
export function flutterwaveProvider(options: FlutterwaveOptions): PaymentProvider {
  const headers = { authorization: `Bearer ${options.secretKey}`, 'content-type': 'application/json', accept: 'application/json' };
  return {
    name: 'flutterwave',

    async createCheckout(input) {
      const { status, body } = await providerJson('Flutterwave payments', `${options.baseUrl}/payments`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          tx_ref: input.reference,
          // Flutterwave takes major units.
          amount: input.amountMinor / 100,
          currency: input.currency,
          redirect_url: input.returnUrl,
          payment_options: 'card, banktransfer',
          customer: { email: input.customer.email, phonenumber: input.customer.phone, name: input.customer.name },
          customizations: { title: 'Career Nexus', description: input.description },
        }),
      });
      const answer = fieldsOf(body);
      const link = fieldsOf(answer.data).link;
      if (status !== 200 || answer.status !== 'success' || typeof link !== 'string') {
        throw new PaymentProviderError(`Flutterwave payments: HTTP ${status}, ${textOf(answer.message ?? answer.status, 'no link')}`);
      }
      return { checkoutUrl: link, providerRef: null };
    },

    async verify(transactionId) {
      if (!/^\d{1,20}$/.test(transactionId)) return { paid: false, reference: null, amountMinor: 0, currency: '', transactionId: null };
      const { status, body } = await providerJson('Flutterwave verify', `${options.baseUrl}/transactions/${transactionId}/verify`, {
        headers,
      });
      // An unknown transaction (400/404) is an answer, not paid; anything else but 200 is a failure to ask.
      if (status !== 200 && status !== 400 && status !== 404) throw new PaymentProviderError(`Flutterwave verify: HTTP ${status}`);
      const answer = fieldsOf(body);
      const data = fieldsOf(answer.data);
      const verification: Verification = {
        paid: status === 200 && answer.status === 'success' && data.status === 'successful',
        reference: typeof data.tx_ref === 'string' ? data.tx_ref : null,
        amountMinor: toMinor(data.amount),
        currency: textOf(data.currency, '').toUpperCase(),
        transactionId: data.id === undefined || data.id === null ? null : textOf(data.id, ''),
      };
      return verification;
    },

    parseWebhook(rawBody, requestHeaders) {
      const hash = headerOf(requestHeaders, 'verif-hash');
      if (!options.webhookHash || hash === undefined || !sameSecret(hash, options.webhookHash))
        return { kind: 'rejected', reason: 'verif-hash does not match' };
      const event = eventOf(rawBody);
      if (!event) return { kind: 'ignored' };
      const id = fieldsOf(event.data).id;
      if (event.event !== 'charge.completed' || (typeof id !== 'number' && typeof id !== 'string')) return { kind: 'ignored' };
      return { kind: 'verify', id: String(id) };
    },
  };
}
