import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from '@careernexus/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useServer, type Fixture } from './support/fixture.js';
import { person, type Person } from './support/people.js';

// Payments for mentorship sessions (issue 18, original-beyond-seed.md §2): the real Flutterwave
// and Stripe clients against a local stand-in that answers as their APIs document, the browser
// returns and both webhooks, the refusals settlement must make, the built-in fake end to end, and
// production without a provider.

const FLW_SECRET = 'FLWSECK_TEST-local';
const FLW_HASH = 'local-verif-hash';
const STRIPE_SECRET = 'sk_test_local';
const STRIPE_WHSEC = 'whsec_local';

interface FlwTransaction {
  id: number;
  tx_ref: string;
  amount: number;
  currency: string;
  status: 'successful' | 'failed';
}

/** A local stand-in for Flutterwave v3 (`/flw/v3`) and Stripe (`/stripe`), with what the payer did there. */
class ProviderStandIn {
  server!: Server;
  url = '';
  flwPayments: any[] = [];
  flwTransactions = new Map<number, FlwTransaction>();
  stripeSessions = new Map<string, any>();
  stripeRequests: Array<{ form: URLSearchParams; idempotencyKey: string | undefined }> = [];
  /** Refuse the next checkout, as a provider does for a bad request. */
  refuseNext = false;
  private nextId = 9000;

  async start() {
    this.server = createServer((request, response) => {
      void this.answer(request).then(({ status, body }) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close = () => new Promise((resolve) => this.server.close(resolve));

  /** The payer paid at Flutterwave: a transaction of `tx_ref` (amount in major units). */
  flwPaid(tx_ref: string, amount: number, currency: string): FlwTransaction {
    const transaction = { id: ++this.nextId, tx_ref, amount, currency, status: 'successful' as const };
    this.flwTransactions.set(transaction.id, transaction);
    return transaction;
  }

  /** The payer paid a Stripe Checkout Session. */
  stripePaid(id: string) {
    Object.assign(this.stripeSessions.get(id), { payment_status: 'paid', status: 'complete', payment_intent: `pi_${++this.nextId}` });
    return this.stripeSessions.get(id);
  }

  private async answer(request: IncomingMessage): Promise<{ status: number; body: unknown }> {
    let raw = '';
    for await (const chunk of request) raw += chunk;
    const path = new URL(request.url!, this.url).pathname;
    const auth = request.headers.authorization;
    if (path.startsWith('/flw/v3/')) {
      if (auth !== `Bearer ${FLW_SECRET}`)
        return { status: 401, body: { status: 'error', message: 'Invalid authorization key', data: null } };
      if (request.method === 'POST' && path === '/flw/v3/payments') {
        const body = JSON.parse(raw);
        this.flwPayments.push(body);
        if (this.refuseNext) {
          this.refuseNext = false;
          return { status: 400, body: { status: 'error', message: 'Invalid currency', data: null } };
        }
        return {
          status: 200,
          body: {
            status: 'success',
            message: 'Hosted Link',
            data: { link: `https://checkout.flutterwave.test/v3/hosted/pay/${body.tx_ref}` },
          },
        };
      }
      const verify = /^\/flw\/v3\/transactions\/(\d+)\/verify$/.exec(path);
      if (request.method === 'GET' && verify) {
        const found = this.flwTransactions.get(Number(verify[1]));
        if (!found) return { status: 400, body: { status: 'error', message: 'No transaction was found for this id', data: null } };
        return {
          status: 200,
          body: {
            status: 'success',
            message: 'Transaction fetched successfully',
            data: { ...found, flw_ref: `FLW-${found.id}`, charged_amount: found.amount, customer: {} },
          },
        };
      }
    }
    if (path.startsWith('/stripe/v1/')) {
      if (auth !== `Bearer ${STRIPE_SECRET}`)
        return { status: 401, body: { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } } };
      if (request.method === 'POST' && path === '/stripe/v1/checkout/sessions') {
        const form = new URLSearchParams(raw);
        this.stripeRequests.push({ form, idempotencyKey: request.headers['idempotency-key'] as string | undefined });
        if (this.refuseNext) {
          this.refuseNext = false;
          return { status: 400, body: { error: { type: 'invalid_request_error', message: 'Invalid currency' } } };
        }
        const id = `cs_test_${++this.nextId}`;
        const session = {
          id,
          object: 'checkout.session',
          url: `https://checkout.stripe.test/c/pay/${id}`,
          client_reference_id: form.get('client_reference_id'),
          amount_total: Number(form.get('line_items[0][price_data][unit_amount]')) * Number(form.get('line_items[0][quantity]')),
          currency: form.get('line_items[0][price_data][currency]'),
          mode: 'payment',
          payment_status: 'unpaid',
          status: 'open',
          payment_intent: null,
          metadata: { reference: form.get('metadata[reference]') },
        };
        this.stripeSessions.set(id, session);
        return { status: 200, body: session };
      }
      const retrieve = /^\/stripe\/v1\/checkout\/sessions\/([\w-]+)$/.exec(path);
      if (request.method === 'GET' && retrieve) {
        const found = this.stripeSessions.get(retrieve[1]!);
        return found
          ? { status: 200, body: found }
          : { status: 404, body: { error: { type: 'invalid_request_error', message: `No such checkout.session: '${retrieve[1]}'` } } };
      }
    }
    return { status: 404, body: { error: 'unknown path' } };
  }
}

const provider = new ProviderStandIn();
// Filled in once the stand-in listens, before the server starts (hooks run in order).
const providerEnv: Record<string, string> = {};
beforeAll(async () => {
  await provider.start();
  Object.assign(providerEnv, {
    FLUTTERWAVE_SECRET_KEY: FLW_SECRET,
    FLUTTERWAVE_BASE_URL: `${provider.url}/flw/v3`,
    FLUTTERWAVE_WEBHOOK_HASH: FLW_HASH,
    STRIPE_SECRET_KEY: STRIPE_SECRET,
    STRIPE_BASE_URL: `${provider.url}/stripe`,
    STRIPE_WEBHOOK_SECRET: STRIPE_WHSEC,
  });
});
afterAll(() => provider.close());

const t = useServer(providerEnv);

/** A mentor at `cents`, a learner who booked them, and the session the mentor accepted. */
async function acceptedSession(f: Fixture, cents = 5000, mentee?: Person) {
  const mentor = await person(f.api, f.mailbox, 'technology', 'mentor');
  const learner = mentee ?? (await person(f.api, f.mailbox));
  await f.server.database.db
    .updateTable('profiles')
    .set({ session_rate_minor: cents, session_rate_currency: 'USD' })
    .where('user_id', '=', mentor.id)
    .execute();
  const date = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  const booked = await f.api.post(
    '/mentor/sessions/book/',
    { mentor: mentor.id, session_type: 'individual', date, time: '09:00', discourse: 'Career Coaching' },
    { token: learner.token },
  );
  expect(booked.status, JSON.stringify(booked.body)).toBe(201);
  const accepted = await f.api.post(
    '/mentor/sessions/accept-reject/',
    { session: booked.body.id, action: 'Accept' },
    { token: mentor.token },
  );
  expect(accepted.status).toBe(200);
  return { mentor, learner, session: booked.body.id as number };
}

const initiate = (f: Fixture, route: 'flutterwave' | 'stripe', who: Person, session: number) =>
  f.api.post(`/payments/${route}/initiate/`, { session }, { token: who.token });

/** A GET the browser makes, not following redirects: the status and where it is sent. */
async function browse(f: Fixture, path: string, init: RequestInit = {}) {
  const response = await fetch(new URL(path, f.server.url), { redirect: 'manual', ...init });
  return { status: response.status, location: response.headers.get('location'), text: await response.text() };
}

const paymentsOf = (f: Fixture, session: number) =>
  f.server.database.db.selectFrom('payments').selectAll().where('session_id', '=', session).orderBy('id').execute();
const isPaid = async (f: Fixture, session: number) =>
  (await f.server.database.db.selectFrom('mentor_sessions').select('is_paid').where('id', '=', session).executeTakeFirstOrThrow()).is_paid;
/** The session's ledger entries (vault/ledger.ts), as [kind, account, cents, currency]. */
const ledgerOf = async (f: Fixture, session: number) =>
  (
    await f.server.database.db
      .selectFrom('ledger_entries as e')
      .innerJoin('ledger_transactions as x', 'x.id', 'e.transaction_id')
      .select(['x.kind', 'e.account_kind', 'e.amount_minor', 'e.currency'])
      .where('x.session_id', '=', session)
      .orderBy('e.id')
      .execute()
  ).map((row) => [row.kind, row.account_kind, Number(row.amount_minor), row.currency]);
const RECEIVED_50 = [
  ['payment_received', 'providers', -5_000, 'USD'],
  ['payment_received', 'payments', 5_000, 'USD'],
];
const paidNotices = (f: Fixture, mentor: Person) =>
  f.server.database.db
    .selectFrom('notifications')
    .select(['message', 'data'])
    .where('user_id', '=', mentor.id)
    .where('type', '=', 'session_paid')
    .execute();

/** A webhook as Flutterwave sends it: the dashboard's secret hash in `verif-hash`. */
const flwWebhook = (f: Fixture, event: unknown, hash = FLW_HASH) =>
  fetch(new URL('/payments/flutterwave/webhook/', f.server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'verif-hash': hash },
    body: JSON.stringify(event),
  }).then(async (r) => ({
    status: r.status,
    body: await r.json(),
  }));

/** A Stripe event as Stripe signs it: `t=<now>,v1=HMAC-SHA256(secret, "<t>.<body>")`. */
function stripeWebhook(f: Fixture, event: unknown, options: { secret?: string; at?: number } = {}) {
  const body = JSON.stringify(event);
  const at = options.at ?? Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', options.secret ?? STRIPE_WHSEC)
    .update(`${at}.${body}`)
    .digest('hex');
  return fetch(new URL('/payments/stripe/webhook/', f.server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': `t=${at},v1=${v1}` },
    body,
  }).then(async (r) => ({
    status: r.status,
    body: await r.json(),
  }));
}

const referenceOf = (link: string) => link.split('/').pop()!;

describe('Flutterwave', () => {
  it('initiate answers the hosted link; the browser return verifies with Flutterwave and settles once; the mentor is told', async () => {
    const { mentor, learner, session } = await acceptedSession(t);
    const started = await initiate(t, 'flutterwave', learner, session);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const link = started.body['payment link'];
    expect(started.body).toEqual({ 'payment link': expect.stringMatching(/^https:\/\/checkout\.flutterwave\.test\//), url: link });
    const sent = provider.flwPayments.at(-1);
    const reference = referenceOf(link);
    expect(sent).toMatchObject({
      tx_ref: reference,
      amount: 50,
      currency: 'USD',
      redirect_url: `${t.server.url}/payments/callback/`,
      payment_options: 'card, banktransfer',
      customer: { email: learner.email, name: 'N/A N/A' },
      customizations: { title: 'Career Nexus', description: 'Payment for Mentorship' },
    });
    expect(await paymentsOf(t, session)).toEqual([
      expect.objectContaining({
        provider: 'flutterwave',
        reference,
        status: 'pending',
        amount_minor: 5000,
        currency: 'USD',
        usd_minor: 5000,
        payer_id: learner.id,
        provider_transaction_id: null,
      }),
    ]);

    // Back before paying (cancelled at Flutterwave): the failure page, nothing settled.
    expect(await browse(t, `/payments/callback/?status=cancelled&tx_ref=${reference}`)).toMatchObject({
      status: 302,
      location: `${t.server.url}/payment-failed`,
    });

    const paid = provider.flwPaid(reference, 50, 'USD');
    const back = await browse(t, `/payments/callback/?status=successful&tx_ref=${reference}&transaction_id=${paid.id}`);
    expect(back).toMatchObject({ status: 302, location: `${t.server.url}/payment-success` });
    expect(await isPaid(t, session)).toBe(true);
    expect(await paymentsOf(t, session)).toEqual([
      expect.objectContaining({ status: 'paid', provider_transaction_id: String(paid.id), paid_at: expect.any(Date) }),
    ]);
    expect(await paidNotices(t, mentor)).toEqual([
      { message: 'N/A N/A paid for your session.', data: { session_id: session, user_id: learner.id } },
    ]);

    // Settling again (the browser reloads, the webhook arrives): the same outcome, nothing new.
    expect((await browse(t, `/payments/callback/?status=successful&tx_ref=${reference}&transaction_id=${paid.id}`)).location).toBe(
      `${t.server.url}/payment-success`,
    );
    expect(await flwWebhook(t, { event: 'charge.completed', data: { id: paid.id, tx_ref: reference, status: 'successful' } })).toEqual({
      status: 200,
      body: { status: 'paid' },
    });
    expect((await paymentsOf(t, session)).filter((p) => p.status === 'paid')).toHaveLength(1);
    expect(await paidNotices(t, mentor)).toHaveLength(1);
    // The ledger received the money once: the providers hold it, the clearing account owes it to the session.
    expect(await ledgerOf(t, session)).toEqual(RECEIVED_50);

    // Paid: no second payment is started.
    const again = await initiate(t, 'flutterwave', learner, session);
    expect(again.status).toBe(400);
    expect(again.body.session).toEqual(['This session has already been paid for.']);
  });

  it('charges in the payer’s currency where their country has an exchange rate, in whole units', async () => {
    const db = t.server.database.db;
    const nigeria = await db
      .selectFrom('countries')
      .select('id')
      .where(sql`lower(name)`, '=', 'nigeria')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('exchange_rates')
      .values({ country_id: nigeria.id, currency_name: 'Naira', currency_initials: 'NGN', exchange_rate: 1500.5 })
      .onConflict((oc) => oc.column('country_id').doUpdateSet({ exchange_rate: 1500.5 }))
      .execute();
    const payer = await person(t.api, t.mailbox);
    await t.api.request('PUT', '/user/profile-update/', { country_code: '+234', phone_number: '8012345678' }, { token: payer.token });
    const { session } = await acceptedSession(t, 4999, payer);
    const started = await initiate(t, 'flutterwave', payer, session);
    expect(started.status).toBe(200);
    // 49.99 dollars at 1500.5 is 75009.995 naira: 75009, as the session's amount shows it.
    expect(provider.flwPayments.at(-1)).toMatchObject({ amount: 75009, currency: 'NGN', customer: { phonenumber: '+2348012345678' } });
    expect((await t.api.get('/mentor/sessions/?status=accepted', { token: payer.token })).body.results[0].amount).toBe('75009NGN');
    expect(await paymentsOf(t, session)).toEqual([expect.objectContaining({ amount_minor: 7_500_900, currency: 'NGN', usd_minor: 4999 })]);

    // Paying in dollars what was asked in naira is no payment; nor is too little naira.
    const reference = referenceOf(started.body.url);
    const dollars = provider.flwPaid(reference, 75009, 'USD');
    expect((await browse(t, `/payments/callback/?status=successful&tx_ref=${reference}&transaction_id=${dollars.id}`)).location).toBe(
      `${t.server.url}/payment-failed`,
    );
    expect(await isPaid(t, session)).toBe(false);
    expect(await paymentsOf(t, session)).toEqual([expect.objectContaining({ status: 'failed', failure: 'Paid in USD, NGN expected.' })]);

    const second = await initiate(t, 'flutterwave', payer, session);
    const secondRef = referenceOf(second.body.url);
    const short = provider.flwPaid(secondRef, 75008, 'NGN');
    expect((await browse(t, `/payments/callback/?status=successful&tx_ref=${secondRef}&transaction_id=${short.id}`)).location).toBe(
      `${t.server.url}/payment-failed`,
    );
    expect(await isPaid(t, session)).toBe(false);
    expect((await paymentsOf(t, session))[1]).toMatchObject({
      status: 'failed',
      failure: expect.stringMatching(/^Paid 7500800 minor units of NGN, 7500900 expected/),
    });
    expect(await ledgerOf(t, session)).toEqual([]);

    // The full amount in naira settles; the ledger keeps the session's price in dollars.
    const third = await initiate(t, 'flutterwave', payer, session);
    const thirdRef = referenceOf(third.body.url);
    const naira = provider.flwPaid(thirdRef, 75009, 'NGN');
    expect((await browse(t, `/payments/callback/?status=successful&tx_ref=${thirdRef}&transaction_id=${naira.id}`)).location).toBe(
      `${t.server.url}/payment-success`,
    );
    expect(await ledgerOf(t, session)).toEqual([
      ['payment_received', 'providers', -4_999, 'USD'],
      ['payment_received', 'payments', 4_999, 'USD'],
    ]);
  });

  it('the webhook settles when the browser never comes back; a forged verif-hash is refused and pays nothing', async () => {
    const { session, learner } = await acceptedSession(t);
    const reference = referenceOf((await initiate(t, 'flutterwave', learner, session)).body.url);
    const paid = provider.flwPaid(reference, 50, 'USD');
    const event = {
      event: 'charge.completed',
      data: { id: paid.id, tx_ref: reference, amount: 50, currency: 'USD', status: 'successful' },
    };

    for (const hash of ['wrong-hash', '']) {
      const forged = await flwWebhook(t, event, hash);
      expect(forged.status).toBe(401);
      expect(forged.body).toEqual({ detail: 'Invalid webhook signature.', message: 'Invalid webhook signature.' });
    }
    expect(await isPaid(t, session)).toBe(false);
    expect((await paymentsOf(t, session))[0]!.status).toBe('pending');

    // An authentic hash does not make a body's claims true: the transaction is verified with Flutterwave.
    const invented = await flwWebhook(t, {
      event: 'charge.completed',
      data: { id: 1, tx_ref: reference, amount: 50, currency: 'USD', status: 'successful' },
    });
    expect(invented).toEqual({ status: 200, body: { status: 'unpaid' } });
    expect(await isPaid(t, session)).toBe(false);
    expect(await flwWebhook(t, { event: 'transfer.completed', data: { id: 5 } })).toEqual({ status: 200, body: { status: 'ignored' } });

    expect(await flwWebhook(t, event)).toEqual({ status: 200, body: { status: 'paid' } });
    expect(await isPaid(t, session)).toBe(true);
  });

  it('a transaction id of another payment is refused: replayed on the return URL, or even if the provider named our reference with it', async () => {
    const a = await acceptedSession(t);
    const b = await acceptedSession(t);
    const refA = referenceOf((await initiate(t, 'flutterwave', a.learner, a.session)).body.url);
    const refB = referenceOf((await initiate(t, 'flutterwave', b.learner, b.session)).body.url);
    const paidA = provider.flwPaid(refA, 50, 'USD');
    expect((await browse(t, `/payments/callback/?status=successful&tx_ref=${refA}&transaction_id=${paidA.id}`)).location).toBe(
      `${t.server.url}/payment-success`,
    );

    // The original's hole: any successful transaction id against any pending tx_ref.
    expect((await browse(t, `/payments/callback/?status=successful&tx_ref=${refB}&transaction_id=${paidA.id}`)).location).toBe(
      `${t.server.url}/payment-failed`,
    );
    expect(await isPaid(t, b.session)).toBe(false);
    expect((await paymentsOf(t, b.session))[0]!.status).toBe('pending');

    // Even a provider answering that this transaction was for B settles nothing: it already settled A.
    provider.flwTransactions.get(paidA.id)!.tx_ref = refB;
    expect((await browse(t, `/payments/callback/?status=successful&tx_ref=${refB}&transaction_id=${paidA.id}`)).location).toBe(
      `${t.server.url}/payment-failed`,
    );
    expect(await isPaid(t, b.session)).toBe(false);
    expect((await paymentsOf(t, b.session))[0]!.status).toBe('pending');
    provider.flwTransactions.get(paidA.id)!.tx_ref = refA;

    // B's own transaction still settles it.
    const paidB = provider.flwPaid(refB, 50, 'USD');
    expect((await browse(t, `/payments/callback/?status=successful&tx_ref=${refB}&transaction_id=${paidB.id}`)).location).toBe(
      `${t.server.url}/payment-success`,
    );
    expect(await isPaid(t, b.session)).toBe(true);
  });

  it('concurrent settlements of one payment write once', async () => {
    const { session, learner, mentor } = await acceptedSession(t);
    const reference = referenceOf((await initiate(t, 'flutterwave', learner, session)).body.url);
    const paid = provider.flwPaid(reference, 50, 'USD');
    const event = { event: 'charge.completed', data: { id: paid.id } };
    const answers = await Promise.all([
      browse(t, `/payments/callback/?status=successful&tx_ref=${reference}&transaction_id=${paid.id}`),
      flwWebhook(t, event),
      flwWebhook(t, event),
    ]);
    expect(answers[0]).toMatchObject({ location: `${t.server.url}/payment-success` });
    expect(answers.slice(1)).toEqual([
      { status: 200, body: { status: 'paid' } },
      { status: 200, body: { status: 'paid' } },
    ]);
    expect((await paymentsOf(t, session)).filter((p) => p.status === 'paid')).toHaveLength(1);
    expect(await paidNotices(t, mentor)).toHaveLength(1);
    expect(await ledgerOf(t, session)).toEqual(RECEIVED_50);
  });

  it('a provider refusing the checkout is 502 {"error"}; the pending payment is kept', async () => {
    const { session, learner } = await acceptedSession(t);
    provider.refuseNext = true;
    const refused = await initiate(t, 'flutterwave', learner, session);
    expect(refused.status).toBe(502);
    expect(refused.body).toEqual({ error: 'Failed to initialize payment', message: 'Failed to initialize payment' });
    expect(await paymentsOf(t, session)).toEqual([expect.objectContaining({ status: 'pending' })]);
    // Trying again works.
    expect((await initiate(t, 'flutterwave', learner, session)).status).toBe(200);
  });
});

describe('who may pay, and when', () => {
  it('only the mentee, once accepted, while unpaid; an unknown session is 404', async () => {
    const { mentor, learner, session } = await acceptedSession(t);
    const stranger = await person(t.api, t.mailbox);
    for (const route of ['flutterwave', 'stripe'] as const) {
      for (const who of [stranger, mentor]) {
        const refused = await initiate(t, route, who, session);
        expect(refused.status).toBe(403);
        expect(refused.body).toEqual({
          detail: 'This session was not initiated by you.',
          message: 'This session was not initiated by you.',
        });
      }
      expect((await initiate(t, route, learner, 987_654)).status).toBe(404);
    }

    const mentor2 = await person(t.api, t.mailbox, 'technology', 'mentor');
    await t.server.database.db.updateTable('profiles').set({ session_rate_minor: 5000 }).where('user_id', '=', mentor2.id).execute();
    const date = new Date(Date.now() + 86_400_000 * 2).toISOString().slice(0, 10);
    const pending = (
      await t.api.post(
        '/mentor/sessions/book/',
        { mentor: mentor2.id, session_type: 'individual', date, time: '10:00', discourse: 'CV review' },
        { token: learner.token },
      )
    ).body.id;
    const notAccepted = await initiate(t, 'stripe', learner, pending);
    expect(notAccepted.status).toBe(400);
    expect(notAccepted.body.session).toEqual(['This session is yet to be accepted by the mentor.']);
    expect((await t.api.post('/mentor/session/cancel/', { session: pending }, { token: learner.token })).status).toBe(200);
    expect((await initiate(t, 'stripe', learner, pending)).body.session).toEqual(['This session has been cancelled.']);

    const free = await acceptedSession(t, 0);
    expect((await initiate(t, 'flutterwave', free.learner, free.session)).body.session).toEqual([
      'This session has already been paid for.',
    ]);
    expect(await paymentsOf(t, session)).toEqual([]);
  });

  it('a session cancelled after the checkout opened is not marked paid; the payment is failed for a refund by hand', async () => {
    const { session, learner } = await acceptedSession(t);
    const reference = referenceOf((await initiate(t, 'flutterwave', learner, session)).body.url);
    expect((await t.api.post('/mentor/session/cancel/', { session }, { token: learner.token })).status).toBe(200);
    const paid = provider.flwPaid(reference, 50, 'USD');
    expect((await browse(t, `/payments/callback/?status=successful&tx_ref=${reference}&transaction_id=${paid.id}`)).location).toBe(
      `${t.server.url}/payment-failed`,
    );
    expect(await isPaid(t, session)).toBe(false);
    expect(await paymentsOf(t, session)).toEqual([
      expect.objectContaining({ status: 'failed', failure: expect.stringContaining('could no longer be paid') }),
    ]);
  });
});

describe('Stripe', () => {
  it('initiate opens a Checkout Session in dollars; the return (both paths) retrieves it and settles when paid', async () => {
    const { session, learner, mentor } = await acceptedSession(t, 4250);
    const started = await initiate(t, 'stripe', learner, session);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body).toEqual({
      session_id: expect.stringMatching(/^cs_test_/),
      url: `https://checkout.stripe.test/c/pay/${started.body.session_id}`,
    });
    const { form, idempotencyKey } = provider.stripeRequests.at(-1)!;
    const [payment] = await paymentsOf(t, session);
    expect(payment).toMatchObject({
      provider: 'stripe',
      provider_ref: started.body.session_id,
      amount_minor: 4250,
      currency: 'USD',
      status: 'pending',
    });
    expect(Object.fromEntries(form)).toMatchObject({
      mode: 'payment',
      'line_items[0][price_data][currency]': 'usd',
      'line_items[0][price_data][unit_amount]': '4250',
      'line_items[0][quantity]': '1',
      'line_items[0][price_data][product_data][name]': 'Payment for Mentorship Session.',
      success_url: `${t.server.url}/payments/stripe/return/?session_id={CHECKOUT_SESSION_ID}`,
      client_reference_id: payment!.reference,
      'metadata[reference]': payment!.reference,
      customer_email: learner.email,
    });
    expect(idempotencyKey).toBe(payment!.reference);

    // Not paid yet (or cancelled): the failure page.
    expect((await browse(t, `/payments/stripe/return/?session_id=${started.body.session_id}`)).location).toBe(
      `${t.server.url}/payment-failed`,
    );
    expect((await browse(t, '/payments/stripe/return/')).location).toBe(`${t.server.url}/payment-failed`);
    provider.stripePaid(started.body.session_id);
    expect(await browse(t, `/payments/test/redirect/?session_id=${started.body.session_id}`)).toMatchObject({
      status: 302,
      location: `${t.server.url}/payment-success`,
    });
    expect(await isPaid(t, session)).toBe(true);
    expect((await paymentsOf(t, session))[0]).toMatchObject({ status: 'paid', provider_transaction_id: expect.stringMatching(/^pi_/) });
    expect(await paidNotices(t, mentor)).toHaveLength(1);
  });

  it('a signed checkout.session.completed settles, once; a forged or stale signature is 401 and pays nothing', async () => {
    const { session, learner, mentor } = await acceptedSession(t);
    const started = await initiate(t, 'stripe', learner, session);
    const checkout = provider.stripePaid(started.body.session_id);
    const event = { id: 'evt_1', object: 'event', type: 'checkout.session.completed', data: { object: checkout } };

    const forged = await stripeWebhook(t, event, { secret: 'whsec_someone_else' });
    expect(forged).toEqual({ status: 401, body: { detail: 'Invalid webhook signature.', message: 'Invalid webhook signature.' } });
    expect((await stripeWebhook(t, event, { at: Math.floor(Date.now() / 1000) - 600 })).status).toBe(401);
    const unsigned = await fetch(new URL('/payments/stripe/webhook/', t.server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    expect(unsigned.status).toBe(401);
    // A signature over other bytes: the body was altered on the way.
    const at = Math.floor(Date.now() / 1000);
    const v1 = createHmac('sha256', STRIPE_WHSEC)
      .update(`${at}.${JSON.stringify(event)}`)
      .digest('hex');
    const altered = JSON.stringify({ ...event, data: { object: { ...checkout, amount_total: 1 } } });
    expect(
      (
        await fetch(new URL('/payments/stripe/webhook/', t.server.url), {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'stripe-signature': `t=${at},v1=${v1}` },
          body: altered,
        })
      ).status,
    ).toBe(401);
    expect(await isPaid(t, session)).toBe(false);
    expect((await paymentsOf(t, session))[0]!.status).toBe('pending');

    expect(await stripeWebhook(t, { ...event, type: 'customer.created', data: { object: { object: 'customer' } } })).toEqual({
      status: 200,
      body: { status: 'ignored' },
    });
    expect(await stripeWebhook(t, event)).toEqual({ status: 200, body: { status: 'paid' } });
    expect(await stripeWebhook(t, event)).toEqual({ status: 200, body: { status: 'paid' } });
    expect(await isPaid(t, session)).toBe(true);
    expect((await paymentsOf(t, session)).filter((p) => p.status === 'paid')).toHaveLength(1);
    expect(await paidNotices(t, mentor)).toHaveLength(1);
  });

  it('a signed event for less than the price fails the payment and leaves the session unpaid', async () => {
    const { session, learner } = await acceptedSession(t);
    const started = await initiate(t, 'stripe', learner, session);
    const checkout = { ...provider.stripePaid(started.body.session_id), amount_total: 4999 };
    expect(await stripeWebhook(t, { type: 'checkout.session.completed', data: { object: checkout } })).toEqual({
      status: 200,
      body: { status: 'refused' },
    });
    expect(await isPaid(t, session)).toBe(false);
    expect((await paymentsOf(t, session))[0]).toMatchObject({ status: 'failed' });
  });
});

describe('the built-in fake (no provider configured, development)', () => {
  const fake = useServer();

  it('initiate → checkout page → Pay → back through the return → the session is paid', async () => {
    const { session, learner, mentor } = await acceptedSession(fake);
    const started = await initiate(fake, 'flutterwave', learner, session);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const link: string = started.body['payment link'];
    expect(link).toMatch(new RegExp(`^${fake.server.url}/payments/fake/checkout/cn-${session}-[0-9a-f]+$`));
    expect((await paymentsOf(fake, session))[0]).toMatchObject({ provider: 'fake', status: 'pending' });

    const page = await browse(fake, link);
    expect(page.status).toBe(200);
    expect(page.text).toContain('50.00 USD');
    expect(page.text).toMatch(
      /<form method="post" action="\/payments\/fake\/checkout\/cn-[^"]+"><button type="submit">Pay<\/button><\/form>/,
    );

    const pay = await browse(fake, link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(pay.status).toBe(303);
    const back = new URL(pay.location!);
    expect(`${back.origin}${back.pathname}`).toBe(`${fake.server.url}/payments/callback/`);
    expect(Object.fromEntries(back.searchParams)).toEqual({
      status: 'successful',
      tx_ref: referenceOf(link),
      transaction_id: expect.stringMatching(/^fake_/),
    });
    expect(await isPaid(fake, session)).toBe(false);

    const landed = await browse(fake, pay.location!);
    expect(landed).toMatchObject({ status: 302, location: `${fake.server.url}/payment-success` });
    expect(await isPaid(fake, session)).toBe(true);
    expect(await paidNotices(fake, mentor)).toHaveLength(1);
    expect((await browse(fake, landed.location!)).status).toBe(200);

    // A forged return for another pending payment: the fake knows nothing of it being paid.
    const other = await acceptedSession(fake);
    const otherRef = referenceOf((await initiate(fake, 'flutterwave', other.learner, other.session)).body.url);
    expect(
      (
        await browse(
          fake,
          `/payments/callback/?status=successful&tx_ref=${otherRef}&transaction_id=${back.searchParams.get('transaction_id')}`,
        )
      ).location,
    ).toBe(`${fake.server.url}/payment-failed`);
    expect(await isPaid(fake, other.session)).toBe(false);
  });

  it('stands in for Stripe too, back through the Stripe return', async () => {
    const { session, learner } = await acceptedSession(fake);
    const started = await initiate(fake, 'stripe', learner, session);
    expect(started.body).toEqual({
      session_id: expect.stringMatching(/^cn-/),
      url: `${fake.server.url}/payments/fake/checkout/${started.body.session_id}`,
    });
    const pay = await browse(fake, started.body.url, { method: 'POST' });
    expect(new URL(pay.location!).pathname).toBe('/payments/stripe/return/');
    expect(new URL(pay.location!).searchParams.get('session_id')).toBe(started.body.session_id);
    expect((await browse(fake, pay.location!)).location).toBe(`${fake.server.url}/payment-success`);
    expect(await isPaid(fake, session)).toBe(true);
  });

  it('webhooks without a provider answer 503 naming the setting; unknown checkouts are 404', async () => {
    const answer = await fetch(new URL('/payments/flutterwave/webhook/', fake.server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(answer.status).toBe(503);
    expect((await answer.json()).detail).toBe('Flutterwave payments are not configured: set FLUTTERWAVE_SECRET_KEY.');
    expect((await browse(fake, '/payments/fake/checkout/cn-0-nothing')).status).toBe(404);
  });
});

describe('production without a provider', () => {
  const production = useServer({ NODE_ENV: 'production' });

  it('answers 503 naming the settings, and serves no fake', async () => {
    const { session, learner } = await acceptedSession(production);
    for (const route of ['flutterwave', 'stripe'] as const) {
      const answer = await initiate(production, route, learner, session);
      expect(answer.status).toBe(503);
      expect(answer.body).toEqual({
        detail: 'Payments are not configured: set FLUTTERWAVE_SECRET_KEY or STRIPE_SECRET_KEY.',
        message: 'Payments are not configured: set FLUTTERWAVE_SECRET_KEY or STRIPE_SECRET_KEY.',
      });
    }
    expect(await paymentsOf(production, session)).toEqual([]);
    expect((await browse(production, '/payments/fake/checkout/cn-1-abc')).status).toBe(404);
    // Unauthenticated callers still hear 401 first.
    expect((await production.api.post('/payments/flutterwave/initiate/', { session })).status).toBe(401);
  });
});

describe('one provider configured', () => {
  // Development, Flutterwave only: the fake is not put beside a provider that takes real money.
  const one = useServer({ FLUTTERWAVE_SECRET_KEY: FLW_SECRET, FLUTTERWAVE_BASE_URL: 'http://127.0.0.1:9/v3' });

  it('the other path answers 503 naming its key; no fake checkout', async () => {
    const { session, learner } = await acceptedSession(one);
    const answer = await initiate(one, 'stripe', learner, session);
    expect(answer.status).toBe(503);
    expect(answer.body.detail).toBe('Stripe payments are not configured: set STRIPE_SECRET_KEY.');
    // Flutterwave unreachable (nothing listens on port 9): 502, the pending row kept.
    const unreachable = await initiate(one, 'flutterwave', learner, session);
    expect(unreachable.status).toBe(502);
    expect(await paymentsOf(one, session)).toEqual([expect.objectContaining({ provider: 'flutterwave', status: 'pending' })]);
    expect((await browse(one, `/payments/fake/checkout/${(await paymentsOf(one, session))[0]!.reference}`)).status).toBe(404);
  });
});
