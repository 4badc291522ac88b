import { timingSafeEqual } from 'node:crypto';
import type { PaymentProviderName } from '@careernexus/db';

/**
 * The port every payment provider implements (Flutterwave, Stripe, the built-in fake). Amounts are
 * minor units (hundredths) and currencies ISO codes in upper case, whatever the provider speaks.
 */
export interface PaymentProvider {
  readonly name: PaymentProviderName;
  /** Opens a hosted checkout for our `reference`; the payer's browser comes back to `returnUrl`. */
  createCheckout(input: CheckoutInput): Promise<Checkout>;
  /** Asks the provider what became of a checkout (`providerRef`) or a transaction (its id). */
  verify(id: string): Promise<Verification>;
  /** Authenticates a webhook by its raw body and headers, and says what it asks of us. */
  parseWebhook(rawBody: Buffer, headers: WebhookHeaders): WebhookEvent;
}

interface CheckoutInput {
  reference: string;
  amountMinor: number;
  currency: string;
  customer: { email: string; name: string; phone: string };
  description: string;
  returnUrl: string;
}

export interface Checkout {
  checkoutUrl: string;
  /** The provider's id of the checkout, when it gives one (Stripe's `cs_…`; Flutterwave gives none). */
  providerRef: string | null;
}

/** What the provider says about a payment: only `paid` with matching reference, amount and currency settles one. */
export interface Verification {
  paid: boolean;
  /** Our reference, as the provider recorded it. */
  reference: string | null;
  amountMinor: number;
  currency: string;
  /** The provider's transaction, unique at the provider: it settles at most one of our payments. */
  transactionId: string | null;
}

export type WebhookHeaders = Record<string, string | string[] | undefined>;

type WebhookEvent =
  /** Not from the provider (bad or missing signature): 401, nothing done. */
  | { kind: 'rejected'; reason: string }
  /** Authentic, but about nothing we settle: 200, nothing done. */
  | { kind: 'ignored' }
  /** Authentic but not proof by itself: verify this transaction with the provider's API first. */
  | { kind: 'verify'; id: string }
  /** Authentic and signed over the payment's facts: settle from them. */
  | { kind: 'verified'; verification: Verification };

/** A provider refused or could not be reached; nothing about the payment is known from it. */
export class PaymentProviderError extends Error {
  override name = 'PaymentProviderError';
}

/** The configured providers; the fake only when neither real one is, and never in production. */
export interface PaymentProviders {
  flutterwave?: PaymentProvider | undefined;
  stripe?: PaymentProvider | undefined;
  fake?: PaymentProvider | undefined;
}

/** Compares secrets in constant time (lengths may differ). */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const headerOf = (headers: WebhookHeaders, name: string) => {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};

/** A provider's answer as JSON; anything else (a proxy's HTML page, a timeout) is a provider failure. */
export async function providerJson(what: string, url: string, init: RequestInit): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    // A provider that hangs must not hold the payer's request (or a webhook) for minutes.
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(20_000) });
  } catch (error) {
    throw new PaymentProviderError(`${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const text = await response.text();
  try {
    const body: unknown = JSON.parse(text);
    return { status: response.status, body };
  } catch {
    throw new PaymentProviderError(`${what}: HTTP ${response.status}, not JSON`);
  }
}

/** The fields of a parsed JSON value; none when it is not an object, so an odd answer reads as empty. */
/** A webhook's JSON body as an object; undefined when it is not JSON, which a webhook ignores. */
export function eventOf(rawBody: Buffer): Readonly<Record<string, unknown>> | undefined {
  try {
    return fieldsOf(JSON.parse(rawBody.toString('utf8')));
  } catch {
    return undefined;
  }
}

export const fieldsOf = (value: unknown): Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

/** A parsed JSON value as text: a string itself, a number as written (`12` → "12"), null or absent `fallback`, anything else its JSON. */
export function textOf(value: unknown, fallback: string): string {
  if (value === undefined || value === null) return fallback;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Major units (a provider's `50.5`) as minor units (`5050`). */
export const toMinor = (major: unknown) => Math.round(Number(major) * 100);
