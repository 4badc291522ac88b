import { answers, rest, type RestRoute, type RouteError } from '../rest.js';
import { sessionRef } from '../sessions/schemas.js';
import { notSessionMentee, sessionInState, sessionNotFound } from '../sessions/errors.js';
import { authedProcedure, router } from '../trpc.js';
import { z } from '../validation.js';
import * as paymentErrors from './errors.js';
import { initiatePayment } from './service.js';

const route = (route: Omit<RestRoute, 'tag' | 'protect'>) => rest({ ...route, tag: 'payments', protect: true });

const AFTER =
  'Send the browser to the URL. The provider sends it back to this server, which verifies the payment with the provider and redirects it to ' +
  '`PAYMENT_SUCCESS_URL` or `PAYMENT_FAILURE_URL`; the provider’s webhook settles it too, should the browser never come back (docs/guide.md, “Payments”). ' +
  'Without a configured provider a development server uses its built-in fake checkout page.';

const refusals: Record<number, RouteError> = {
  400: answers(
    'Not accepted yet, already paid, or over',
    paymentErrors.sessionNotAccepted(),
    paymentErrors.sessionAlreadyPaid(),
    sessionInState('CANCELLED'),
  ),
  403: answers('Not the session’s mentee', notSessionMentee()),
  404: answers('No such session', sessionNotFound()),
  502: answers(
    'The provider refused the checkout or could not be reached (the pending payment is kept)',
    paymentErrors.paymentNotInitialized(),
  ),
  503: answers(
    'No payment provider is configured (or, in production, not this one)',
    paymentErrors.paymentsNotConfigured('flutterwave', false),
    paymentErrors.paymentsNotConfigured('flutterwave', true),
  ),
};

export const paymentsRouter = router({
  flutterwave: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/payments/flutterwave/initiate/',
        summary: 'Pay for a session through Flutterwave',
        description:
          '`{"session"}`: the session’s mentee pays for it once the mentor accepted it. The price agreed at booking is charged in your currency where your ' +
          `country has an exchange rate (whole units, as \`amount\` shows it), else in US dollars. Answers the checkout link as \`payment link\` (the web client’s key) and \`url\`. ${AFTER}`,
        errors: refusals,
      }),
    )
    .input(sessionRef)
    .output(z.object({ 'payment link': z.string().describe('The hosted checkout page'), url: z.string().describe('The same link') }))
    .mutation(async ({ ctx, input }) => {
      const checkout = await initiatePayment(ctx.services, ctx.viewer, input.session, 'flutterwave');
      return { 'payment link': checkout.checkoutUrl, url: checkout.checkoutUrl };
    }),

  stripe: authedProcedure
    .meta(
      route({
        method: 'POST',
        path: '/payments/stripe/initiate/',
        summary: 'Pay for a session through Stripe Checkout',
        description: `\`{"session"}\`: as the Flutterwave path, charged in US dollars. Answers the Checkout Session’s id and its URL. ${AFTER}`,
        errors: {
          ...refusals,
          503: answers(
            'No payment provider is configured (or, in production, not this one)',
            paymentErrors.paymentsNotConfigured('stripe', false),
            paymentErrors.paymentsNotConfigured('stripe', true),
          ),
        },
      }),
    )
    .input(sessionRef)
    .output(
      z.object({ session_id: z.string().describe('The Checkout Session (`cs_…`)'), url: z.string().describe('The hosted checkout page') }),
    )
    .mutation(async ({ ctx, input }) => {
      const checkout = await initiatePayment(ctx.services, ctx.viewer, input.session, 'stripe');
      // Stripe always names its checkout; the fake's is the reference.
      return { session_id: checkout.providerRef ?? '', url: checkout.checkoutUrl };
    }),
});
