import { apiError, detailError, fieldError } from '../errors.js';
import type { CheckoutRoute } from './service.js';

/** Every refusal of the payment services, worded once; a session's own refusals (not found, not yours, over) are the sessions domain's. */

const SETTINGS = { flutterwave: 'FLUTTERWAVE_SECRET_KEY', stripe: 'STRIPE_SECRET_KEY' } as const;
export const PROVIDER_NAMES = { flutterwave: 'Flutterwave', stripe: 'Stripe' } as const;

/** 503 naming what to set: no provider at all, or not the one asked for. */
export function paymentsNotConfigured(route: CheckoutRoute, otherConfigured: boolean) {
  const detail = otherConfigured
    ? `${PROVIDER_NAMES[route]} payments are not configured: set ${SETTINGS[route]}.`
    : 'Payments are not configured: set FLUTTERWAVE_SECRET_KEY or STRIPE_SECRET_KEY.';
  return detailError('SERVICE_UNAVAILABLE', detail);
}

export const paymentNotInitialized = () =>
  apiError('BAD_GATEWAY', 'Failed to initialize payment', { error: 'Failed to initialize payment' });

export const sessionNotAccepted = () => fieldError('session', 'This session is yet to be accepted by the mentor.');
export const sessionAlreadyPaid = () => fieldError('session', 'This session has already been paid for.');
