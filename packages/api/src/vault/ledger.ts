import type { Database, Kysely, LedgerAccountKind, LedgerKind, Transaction } from '@careernexus/db';

/**
 * The double-entry ledger (migration 0012). Money moves only by `post`: a set of signed entries
 * (+ credits an account, − debits it) that sums to zero in each currency. Balances are sums of
 * entries; nothing keeps a running total that could drift from them.
 */
export interface LedgerEntry {
  account: LedgerAccountKind;
  /** The mentor's user id, for a 'mentor' account. */
  owner?: number;
  amountMinor: number;
  currency: string;
}

export interface LedgerTransaction {
  kind: LedgerKind;
  sessionId?: number;
  at?: Date;
}

export class UnbalancedLedgerError extends Error {}

/** Why a set of entries may not be posted, if it may not. */
function unbalanced(entries: readonly LedgerEntry[]): string | undefined {
  if (entries.length < 2) return 'a ledger transaction needs at least two entries';
  const sums = new Map<string, number>();
  for (const entry of entries) {
    if (!Number.isSafeInteger(entry.amountMinor) || entry.amountMinor === 0)
      return `entry amounts must be non-zero integers (got ${entry.amountMinor})`;
    if ((entry.account === 'mentor') !== (entry.owner !== undefined)) return 'a mentor account, and only one, names its owner';
    sums.set(entry.currency, (sums.get(entry.currency) ?? 0) + entry.amountMinor);
  }
  const off = [...sums].find(([, sum]) => sum !== 0);
  return off ? `entries do not sum to zero in ${off[0]} (${off[1]})` : undefined;
}

/**
 * Writes one balanced transaction and its entries, in the caller's database transaction. Refuses
 * an unbalanced set before writing anything. Posting the same (kind, session) again writes nothing
 * and answers null: the unique key makes a second credit of a session impossible.
 */
export async function post(
  trx: Transaction<Database> | Kysely<Database>,
  transaction: LedgerTransaction,
  entries: readonly LedgerEntry[],
): Promise<number | null> {
  const refusal = unbalanced(entries);
  if (refusal) throw new UnbalancedLedgerError(refusal);
  const row = await trx
    .insertInto('ledger_transactions')
    .values({
      kind: transaction.kind,
      session_id: transaction.sessionId ?? null,
      ...(transaction.at ? { created_at: transaction.at } : {}),
    })
    .onConflict((oc) => oc.columns(['kind', 'session_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) return null;
  await trx
    .insertInto('ledger_entries')
    .values(
      entries.map((entry) => ({
        transaction_id: row.id,
        account_kind: entry.account,
        owner_id: entry.owner ?? null,
        amount_minor: entry.amountMinor,
        currency: entry.currency,
      })),
    )
    .execute();
  return row.id;
}

/**
 * Records a session's settled payment (in US cents, what the session's price is kept in): the
 * providers hold it for us, and the payments clearing account has it until the session is
 * completed and shared out, so clearing nets to zero per completed session. Called inside the
 * settlement's transaction; a second settlement of the session posts nothing.
 */
export function recordPaymentReceived(trx: Transaction<Database>, payment: { session_id: number; usd_minor: number }, at: Date) {
  return post(trx, { kind: 'payment_received', sessionId: payment.session_id, at }, [
    { account: 'providers', amountMinor: -payment.usd_minor, currency: 'USD' },
    { account: 'payments', amountMinor: payment.usd_minor, currency: 'USD' },
  ]);
}

/** The mentor's share of a session's price, in percent; the platform keeps the rest. */
export const MENTOR_SHARE_PERCENT = 80;

/** A price split in whole minor units: the mentor's share floored, the platform the remainder, so the two sum exactly. */
function splitEarning(priceMinor: number) {
  const mentor = Math.floor((priceMinor * MENTOR_SHARE_PERCENT) / 100);
  return { mentor, platform: priceMinor - mentor };
}

/**
 * Credits a completed session's price (§1.10): the payments clearing account gives it up, the
 * mentor gets 80 % and the platform 20 %. Called inside the completion's transaction, so it
 * happens exactly when the completion does. Free sessions move no money.
 */
export async function creditSessionEarning(
  trx: Transaction<Database>,
  session: { id: number; mentor_id: number; price_minor: number; price_currency: string; is_paid: boolean },
  at: Date,
) {
  if (!session.is_paid || session.price_minor <= 0) return null;
  const { mentor, platform } = splitEarning(session.price_minor);
  const currency = session.price_currency;
  const entries: LedgerEntry[] = [
    { account: 'payments', amountMinor: -session.price_minor, currency },
    { account: 'mentor', owner: session.mentor_id, amountMinor: mentor, currency },
    { account: 'platform', amountMinor: platform, currency },
  ];
  // A 1-cent price gives the mentor nothing: leave out a zero entry rather than refuse it.
  return post(
    trx,
    { kind: 'session_earning', sessionId: session.id, at },
    entries.filter((entry) => entry.amountMinor !== 0),
  );
}
