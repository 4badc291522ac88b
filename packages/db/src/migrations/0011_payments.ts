import { sql, type Kysely } from 'kysely';

/**
 * Payments for mentorship sessions, whatever the provider (packages/api/src/payments/). Settled
 * only by `settlePayment`; the indexes below are the invariants it relies on.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table payments (
      id bigint generated always as identity primary key,
      -- Restrict: money history outlives nothing it refers to (as the ledger's).
      session_id bigint not null references mentor_sessions (id) on delete restrict,
      payer_id bigint not null references users (id) on delete restrict,
      provider text not null check (provider in ('flutterwave', 'stripe', 'fake')),
      -- Ours, given to the provider (Flutterwave's tx_ref, Stripe's client_reference_id).
      reference text not null unique,
      -- The provider's checkout id (Stripe's cs_…), when it gives one.
      provider_ref text,
      -- The provider's transaction that settled it.
      provider_transaction_id text,
      -- What is charged (minor units of currency), and the session's price in US cents.
      amount_minor bigint not null check (amount_minor > 0),
      currency text not null,
      usd_minor bigint not null check (usd_minor > 0),
      status text not null default 'pending' check (status in ('pending', 'paid', 'failed')),
      -- Why a payment the provider confirmed was not honoured (for support and refunds).
      failure text,
      created_at timestamptz not null default now(),
      paid_at timestamptz,
      check ((status = 'paid') = (paid_at is not null)),
      check (status <> 'paid' or provider_transaction_id is not null)
    )`.execute(db);
  await sql`create unique index payments_provider_ref on payments (provider, provider_ref) where provider_ref is not null`.execute(db);
  // A provider transaction settles at most one payment: replaying it against another reference fails here too.
  await sql`create unique index payments_provider_transaction on payments (provider, provider_transaction_id) where provider_transaction_id is not null`.execute(
    db,
  );
  // A session is paid once, whatever runs concurrently.
  await sql`create unique index payments_one_paid_per_session on payments (session_id) where status = 'paid'`.execute(db);
  await sql`create index payments_by_session on payments (session_id)`.execute(db);
  await sql`create index payments_by_payer on payments (payer_id)`.execute(db);

  // The built-in fake provider's own state (what a real provider keeps on its side): in the
  // database, so that every API process sharing it agrees on what was paid.
  await sql`
    create table fake_checkouts (
      reference text primary key,
      amount_minor bigint not null,
      currency text not null,
      description text not null,
      return_url text not null,
      transaction_id text unique,
      created_at timestamptz not null default now(),
      paid_at timestamptz
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['fake_checkouts', 'payments']) await sql`drop table if exists ${sql.table(table)}`.execute(db);
}
