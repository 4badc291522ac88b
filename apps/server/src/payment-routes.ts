import { fakeCheckout, payFake, paymentReturn, receiveWebhook, stripeReturn, type Services } from '@careernexus/api';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { restErrorBody, sendDetail } from './errors.js';

type Query = Record<string, unknown>;

/** A query parameter given once, as text (a repeated one is an array: treated as absent). */
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

const PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

const page = (reply: FastifyReply, status: number, html: string) =>
  reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('Cache-Control', 'no-store')
    .header('Content-Security-Policy', PAGE_POLICY)
    .send(html);

const simplePage = (title: string, text: string) =>
  `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>`;

/**
 * The payment routes a browser or a provider calls, which are no JSON procedures: the browser
 * returns (302 to PAYMENT_SUCCESS_URL or PAYMENT_FAILURE_URL), the webhooks (signed over their
 * raw bytes, so read unparsed), the fake provider's checkout page, and the default landing pages.
 * The JSON initiate paths are procedures (payments/router.ts).
 */
export async function registerPaymentRoutes(app: FastifyInstance, services: Services) {
  const back = (reply: FastifyReply, url: string) => reply.header('Cache-Control', 'no-store').redirect(url, 302);

  // Public: the provider sends the payer's browser here; nothing is believed before the provider confirms it.
  app.get<{ Querystring: Query }>('/payments/callback/', async (request, reply) => {
    const { status, tx_ref, transaction_id } = request.query;
    return back(reply, await paymentReturn(services, { status: text(status), tx_ref: text(tx_ref), transaction_id: text(transaction_id) }));
  });
  // The original's Stripe return path is kept working for checkouts it opened.
  for (const path of ['/payments/stripe/return/', '/payments/test/redirect/']) {
    app.get<{ Querystring: Query }>(path, async (request, reply) =>
      back(reply, await stripeReturn(services, text(request.query.session_id))),
    );
  }

  // Callback style: nothing in this plugin is awaited.
  await app.register((raw, _options, done) => {
    // Signatures cover the exact bytes sent: keep the body as it arrived, whatever its type.
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    for (const route of ['flutterwave', 'stripe'] as const) {
      raw.post(`/payments/${route}/webhook/`, async (request, reply) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const answer = await receiveWebhook(services, route, body, request.headers);
        const message = answer.body.detail ?? answer.body.status ?? '';
        return reply.code(answer.status).send(answer.status >= 400 ? restErrorBody({ message, body: answer.body }) : answer.body);
      });
    }

    // The fake provider's hosted checkout (development only; 404 when the fake is off).
    raw.get<{ Params: { reference: string } }>('/payments/fake/checkout/:reference', async (request, reply) => {
      const html = await fakeCheckout(services, request.params.reference);
      return html ? page(reply, 200, html) : sendDetail(reply, 404, 'Not found.');
    });
    raw.post<{ Params: { reference: string } }>('/payments/fake/checkout/:reference', async (request, reply) => {
      const next = await payFake(services, request.params.reference);
      // 303: the browser follows a form post with a GET.
      return next ? reply.redirect(next, 303) : sendDetail(reply, 404, 'Not found.');
    });
    done();
  });

  // Where the browser lands by default (the web client has its own pages at the same names).
  app.get('/payment-success', async (_request, reply) =>
    page(reply, 200, simplePage('Payment received', 'Your session is paid. You can close this page.')),
  );
  app.get('/payment-failed', async (_request, reply) =>
    page(reply, 200, simplePage('Payment not completed', 'The payment was not completed. You can try again from your sessions.')),
  );
}
