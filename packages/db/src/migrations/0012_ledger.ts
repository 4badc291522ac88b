import { sql, type Kysely } from 'kysely';

/**
 * The money ledger, double-entry: a transaction is a set of entries whose signed amounts sum to
 * zero per currency (+ credits an account, − debits it). Balances are sums of entries, never a
 * counter. Written only by `post` in packages/api/src/vault/ledger.ts, which refuses an
 * unbalanced set; the deferred trigger below makes the database refuse one too, at commit.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table ledger_transactions (
      id bigint generated always as identity primary key,
      kind text not null check (kind in ('payment_received', 'session_earning')),
      -- The session a transaction is about; restrict: money history outlives nothing it refers to.
      session_id bigint references mentor_sessions (id) on delete restrict,
      created_at timestamptz not null default now(),
      check (kind not in ('payment_received', 'session_earning') or session_id is not null),
      -- A session's payment is received, and the session credited, at most once each, whatever the code above does.
      unique (kind, session_id)
    )`.execute(db);

  await sql`
    create table ledger_entries (
      id bigint generated always as identity primary key,
      transaction_id bigint not null references ledger_transactions (id) on delete restrict,
      -- 'mentor' (owner_id: the mentor's user id), 'platform' (the house's 20 %), 'payments' (clearing: paid
      -- for sessions not yet completed), 'providers' (what payment providers hold for us, as a negative balance).
      account_kind text not null check (account_kind in ('mentor', 'platform', 'payments', 'providers')),
      owner_id bigint references users (id) on delete restrict,
      amount_minor bigint not null check (amount_minor <> 0),
      currency text not null default 'USD',
      check ((account_kind = 'mentor') = (owner_id is not null))
    )`.execute(db);
  await sql`create index ledger_entries_by_transaction on ledger_entries (transaction_id)`.execute(db);
  // A mentor's history, newest first, and their balance (the sum over the same rows).
  await sql`create index ledger_entries_by_mentor on ledger_entries (owner_id, transaction_id desc) include (amount_minor) where account_kind = 'mentor'`.execute(
    db,
  );

  // Checked at commit, once all of a transaction's entries are in: a set that does not sum to
  // zero in each currency fails the whole database transaction.
  await sql`
    create function cn_ledger_balanced() returns trigger language plpgsql as $$
    declare
      txn bigint := coalesce(new.transaction_id, old.transaction_id);
    begin
      if exists (select 1 from public.ledger_entries where transaction_id = txn group by currency having sum(amount_minor) <> 0) then
        raise exception 'ledger transaction % does not balance', txn using errcode = '23514';
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create constraint trigger ledger_entries_balanced after insert or update or delete on ledger_entries
    deferrable initially deferred for each row execute function cn_ledger_balanced()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists ledger_entries`.execute(db);
  await sql`drop function if exists cn_ledger_balanced()`.execute(db);
  await sql`drop table if exists ledger_transactions`.execute(db);
}
