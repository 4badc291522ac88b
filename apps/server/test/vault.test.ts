import { post, UnbalancedLedgerError } from '@careernexus/api';
import { sql } from '@careernexus/db';
import { describe, expect, it } from 'vitest';
import { useServer } from './support/fixture.js';
import { person, type Person } from './support/people.js';

// The mentor's vault (issue 18 "The vault", original-beyond-seed.md §1.10, §1.14): a completed
// paid session credits 80 % to the mentor and 20 % to the platform in a double-entry ledger.
const t = useServer();

const db = () => t.server.database.db;
const learner = () => person(t.api, t.mailbox);
const mentor = () => person(t.api, t.mailbox, 'technology', 'mentor');

const dayAhead = (days = 3) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const setRate = (who: Person, cents: number) =>
  db().updateTable('profiles').set({ session_rate_minor: cents, session_rate_currency: 'USD' }).where('user_id', '=', who.id).execute();

const vault = (who: Person) => t.api.get('/mentor/vault/', { token: who.token });
const transactions = (who: Person, query = '') => t.api.get(`/mentor/vault/transactions/${query}`, { token: who.token });
const annotate = (who: Person, session: number, rating = 5) =>
  t.api.post('/mentor/annotate/', { session, mark_completed: true, rating }, { token: who.token });

/** Booked with `m` at its current rate and accepted; paid and begun set in the database (payments are another slice's). */
async function readySession(a: Person, m: Person) {
  const booked = await t.api.post(
    '/mentor/sessions/book/',
    { mentor: m.id, session_type: 'individual', date: dayAhead(), time: '09:00', discourse: 'Money' },
    { token: a.token },
  );
  expect(booked.status, JSON.stringify(booked.body)).toBe(201);
  const id = booked.body.id as number;
  expect((await t.api.post('/mentor/sessions/accept-reject/', { session: id, action: 'Accept' }, { token: m.token })).status).toBe(200);
  await db()
    .updateTable('mentor_sessions')
    .set({ is_paid: true, session_at: sql<Date>`now() - interval '1 hour'` })
    .where('id', '=', id)
    .execute();
  return id;
}

async function completedSession(a: Person, m: Person, cents: number) {
  await setRate(m, cents);
  const id = await readySession(a, m);
  const done = await annotate(a, id);
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  return id;
}

/** The ledger's entries of a session's transactions, as [account, owner, cents]. */
async function entriesOf(session: number) {
  const rows = await db()
    .selectFrom('ledger_entries as e')
    .innerJoin('ledger_transactions as t', 't.id', 'e.transaction_id')
    .select(['e.account_kind', 'e.owner_id', 'e.amount_minor', 'e.currency'])
    .where('t.session_id', '=', session)
    .orderBy('e.id')
    .execute();
  return rows.map((row) => [row.account_kind, row.owner_id, Number(row.amount_minor), row.currency]);
}

const transactionCount = async (session: number) =>
  Number(
    (
      await db()
        .selectFrom('ledger_transactions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('session_id', '=', session)
        .executeTakeFirstOrThrow()
    ).n,
  );

/** Ledger transactions whose entries do not sum to zero: none, ever. */
const unbalancedTransactions = async () =>
  (
    await sql<{
      transaction_id: number;
    }>`select transaction_id from ledger_entries group by transaction_id, currency having sum(amount_minor) <> 0`.execute(db())
  ).rows;

describe('crediting a completed session', () => {
  it('a paid $50 session: the mentor’s vault shows 40 USD and one EARN; the platform has 10; entries sum to zero', async () => {
    const [m, a] = [await mentor(), await learner()];
    expect((await vault(m)).body).toEqual({ amount: { amount: 0, currency: 'USD' }, recent_transaction_history: [] });

    const session = await completedSession(a, m, 5_000);
    const shown = await vault(m);
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({
      amount: { amount: 40, currency: 'USD' },
      recent_transaction_history: [
        {
          id: expect.any(Number),
          action: 'EARN',
          amount: { value: 40, currency: 'USD' },
          extra_data: { session_id: session, session_type: 'individual' },
          timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
        },
      ],
    });
    expect(await entriesOf(session)).toEqual([
      ['payments', null, -5_000, 'USD'],
      ['mentor', m.id, 4_000, 'USD'],
      ['platform', null, 1_000, 'USD'],
    ]);
    expect(await unbalancedTransactions()).toEqual([]);
    expect((await transactions(m)).body).toEqual({ count: 1, next: null, previous: null, results: shown.body.recent_transaction_history });
  });

  it('odd cents: the mentor gets the floor of 80 %, the platform the rest', async () => {
    const [m, a] = [await mentor(), await learner()];
    const session = await completedSession(a, m, 1_999);
    expect(await entriesOf(session)).toEqual([
      ['payments', null, -1_999, 'USD'],
      ['mentor', m.id, 1_599, 'USD'],
      ['platform', null, 400, 'USD'],
    ]);
    expect((await vault(m)).body.amount).toEqual({ amount: 15.99, currency: 'USD' });
  });

  it('a mentor in a country with an exchange rate sees the converted amount and currency', async () => {
    const [m, a] = [await mentor(), await learner()];
    const nigeria = await db().selectFrom('countries').select('id').where('name', '=', 'Nigeria').executeTakeFirstOrThrow();
    await db()
      .insertInto('exchange_rates')
      .values({ country_id: nigeria.id, currency_name: 'Naira', currency_initials: 'NGN', exchange_rate: 1500 })
      .onConflict((oc) => oc.column('country_id').doUpdateSet({ exchange_rate: 1500 }))
      .execute();
    expect((await t.api.request('PUT', '/user/profile-update/', { country_code: '+234' }, { token: m.token })).status).toBe(201);
    const session = await completedSession(a, m, 5_000);
    expect((await vault(m)).body).toEqual({
      amount: { amount: 60_000, currency: 'NGN' },
      recent_transaction_history: [
        expect.objectContaining({
          action: 'EARN',
          amount: { value: 60_000, currency: 'NGN' },
          extra_data: { session_id: session, session_type: 'individual' },
        }),
      ],
    });
    // The ledger itself stays in USD.
    expect(await entriesOf(session)).toContainEqual(['mentor', m.id, 4_000, 'USD']);
  });

  it('two completions at once credit once', async () => {
    const [m, a] = [await mentor(), await learner()];
    await setRate(m, 5_000);
    for (let round = 0; round < 3; round++) {
      const session = await readySession(a, m);
      const results = await Promise.all([annotate(a, session, 5), annotate(a, session, 4)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
      expect(await transactionCount(session)).toBe(1);
    }
    expect((await vault(m)).body.amount).toEqual({ amount: 120, currency: 'USD' });
    expect(await unbalancedTransactions()).toEqual([]);
  });

  it('a free session credits nothing', async () => {
    const [m, a] = [await mentor(), await learner()];
    const session = await completedSession(a, m, 0);
    expect(await transactionCount(session)).toBe(0);
    expect((await vault(m)).body).toEqual({ amount: { amount: 0, currency: 'USD' }, recent_transaction_history: [] });
  });
});

describe('who sees the vault', () => {
  it('learners are refused with 403', async () => {
    const a = await learner();
    for (const response of [await vault(a), await transactions(a)]) {
      expect(response.status).toBe(403);
      expect(response.body.detail).toBe('This request is only available to mentors.');
    }
  });

  it('a mentor sees only their own entries', async () => {
    const [m1, m2, a] = [await mentor(), await mentor(), await learner()];
    await completedSession(a, m1, 5_000);
    await completedSession(a, m2, 1_000);
    expect((await vault(m1)).body.amount.amount).toBe(40);
    expect((await vault(m2)).body.amount.amount).toBe(8);
    expect((await vault(m2)).body.recent_transaction_history).toHaveLength(1);
    expect((await transactions(m2)).body.count).toBe(1);
  });
});

describe('history', () => {
  it('the vault shows the 11 newest; the transactions list has all of them, newest first, a page at a time', async () => {
    const [m, a] = [await mentor(), await learner()];
    const sessions: number[] = [];
    for (let i = 1; i <= 12; i++) sessions.push(await completedSession(a, m, i * 100));
    const newestFirst = [...sessions].reverse();

    const shown = (await vault(m)).body;
    expect(shown.amount.amount).toBe((80 * 78) / 100); // 80 % of 1 + 2 + … + 12 dollars
    expect(shown.recent_transaction_history.map((item: { extra_data: { session_id: number } }) => item.extra_data.session_id)).toEqual(
      newestFirst.slice(0, 11),
    );
    expect(shown.recent_transaction_history[0].amount).toEqual({ value: 9.6, currency: 'USD' });

    const first = await transactions(m, '?page_size=5');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ count: 12, previous: null, next: `${t.server.url}/mentor/vault/transactions/?page_size=5&page=2` });
    const pages = [first.body.results];
    let next: string | null = first.body.next;
    while (next) {
      const page = await t.api.get(next, { token: m.token });
      pages.push(page.body.results);
      next = page.body.next;
    }
    expect(pages.map((page) => page.length)).toEqual([5, 5, 2]);
    expect(pages.flat().map((item: { extra_data: { session_id: number } }) => item.extra_data.session_id)).toEqual(newestFirst);
    expect((await transactions(m, '?page=4&page_size=5')).status).toBe(404);
  });
});

describe('the ledger refuses unbalanced transactions', () => {
  it('`post` refuses an unbalanced set and writes nothing; a session is posted at most once', async () => {
    const [m, a] = [await mentor(), await learner()];
    const free = await completedSession(a, m, 0);
    const credited = await completedSession(a, m, 5_000);
    const refused = [
      [
        { account: 'payments', amountMinor: -100, currency: 'USD' },
        { account: 'platform', amountMinor: 99, currency: 'USD' },
      ],
      [
        { account: 'payments', amountMinor: -100, currency: 'USD' },
        { account: 'platform', amountMinor: 100, currency: 'NGN' },
      ],
      [
        { account: 'payments', amountMinor: 0, currency: 'USD' },
        { account: 'platform', amountMinor: 0, currency: 'USD' },
      ],
      [
        { account: 'payments', amountMinor: -100, currency: 'USD' },
        { account: 'mentor', amountMinor: 100, currency: 'USD' },
      ],
      [
        { account: 'payments', amountMinor: -1.5, currency: 'USD' },
        { account: 'platform', amountMinor: 1.5, currency: 'USD' },
      ],
      [],
    ] as const;
    for (const entries of refused) {
      await expect(post(db(), { kind: 'session_earning', sessionId: free }, entries)).rejects.toBeInstanceOf(UnbalancedLedgerError);
    }
    expect(await transactionCount(free)).toBe(0);

    // Posting a session already credited writes nothing.
    const again = await post(db(), { kind: 'session_earning', sessionId: credited }, [
      { account: 'payments', amountMinor: -5_000, currency: 'USD' },
      { account: 'mentor', owner: m.id, amountMinor: 5_000, currency: 'USD' },
    ]);
    expect(again).toBeNull();
    expect(await transactionCount(credited)).toBe(1);
    expect((await vault(m)).body.amount.amount).toBe(40);
  });

  it('the database refuses one too, at commit (deferred constraint trigger), and keeps nothing of it', async () => {
    const [m, a] = [await mentor(), await learner()];
    const free = await completedSession(a, m, 0);
    const attempt = db()
      .transaction()
      .execute(async (trx) => {
        const row = await trx
          .insertInto('ledger_transactions')
          .values({ kind: 'session_earning', session_id: free })
          .returning('id')
          .executeTakeFirstOrThrow();
        await trx.insertInto('ledger_entries').values({ transaction_id: row.id, account_kind: 'payments', amount_minor: -500 }).execute();
        // Unbalanced for a moment inside the transaction is fine: only the commit is checked.
        await trx
          .insertInto('ledger_entries')
          .values({ transaction_id: row.id, account_kind: 'mentor', owner_id: m.id, amount_minor: 499 })
          .execute();
      });
    await expect(attempt).rejects.toMatchObject({ code: '23514' });
    expect(await transactionCount(free)).toBe(0);
    expect(await unbalancedTransactions()).toEqual([]);
  });
});
