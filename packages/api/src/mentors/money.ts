import { sql, type Database, type Kysely } from '@careernexus/db';
import type { Services } from '../context.js';
import { unknownCountry } from '../info/errors.js';
import { sessionRateTooHigh } from './errors.js';

/**
 * Prices and the currency converter. A price is stored as (amount in minor units, currency), in
 * the platform's central currency: a submitted price is converted once, when it is submitted
 * (never again on later saves, so it cannot shrink), and shown in each viewer's currency.
 * Exchange rates are data kept by administrators (`POST /info/exchange-rate/set/`): units of a
 * country's currency per US dollar, found through a profile's calling code.
 */
export const CENTRAL_CURRENCY = 'USD';

export interface Rate {
  currency: string;
  /** Units of `currency` per US dollar. */
  rate: number;
}

type Db = Kysely<Database>;

/** The rate of the country whose calling code a profile has (its main code first, then the lowest id), if any. */
export async function rateForCallingCode(db: Db, code: string): Promise<Rate | null> {
  const { rows } = await sql<{ currency: string; rate: number }>`
    select r.currency_initials as currency, r.exchange_rate::float8 as rate
    from exchange_rates r join countries c on c.id = r.country_id
    where ${code} = any(c.codes)
    order by (c.code = ${code}) desc, c.id
    limit 1`.execute(db);
  return rows[0] ? { currency: rows[0].currency, rate: Number(rows[0].rate) } : null;
}

/** The rate of a currency by its initials (`NGN`), as some country's rate has it. */
export async function rateForCurrency(db: Db, currency: string): Promise<Rate | null> {
  if (currency === CENTRAL_CURRENCY) return { currency, rate: 1 };
  const { rows } = await sql<{ rate: number }>`
    select r.exchange_rate::float8 as rate from exchange_rates r
    where r.currency_initials = ${currency} order by r.updated_at desc, r.country_id limit 1`.execute(db);
  return rows[0] ? { currency, rate: Number(rows[0].rate) } : null;
}

/**
 * A submitted price in `rate`'s currency (major units, at most two decimals) in central minor
 * units, rounded to the nearest cent (halves up): `75000` NGN at 1500 per dollar is 5000 cents.
 */
export function toCentralMinor(amount: number, rate: Rate | null): number {
  const minor = Math.round(amount * 100);
  const central = rate && rate.currency !== CENTRAL_CURRENCY ? Math.round(minor / rate.rate) : minor;
  if (central > MAX_CENTRAL_MINOR) throw sessionRateTooHigh(MAX_CENTRAL_MINOR / 100, CENTRAL_CURRENCY);
  return central;
}

/** The highest price, in central minor units (a hundred million dollars): a tiny rate cannot make a number JavaScript rounds. */
const MAX_CENTRAL_MINOR = 10_000_000_000;

/** Major units as text: whole amounts without decimals (`50`), others with two (`49.50`). */
const major = (minor: number) => (minor % 100 === 0 ? String(minor / 100) : (minor / 100).toFixed(2));

/**
 * A price as the original wrote it, amount and currency initials run together: `"50USD"`; in the
 * viewer's currency when the viewer's country has a rate, floored to whole units (`"75000NGN"`).
 */
export function showPrice(minor: number, currency: string, viewerRate: Rate | null): string {
  if (viewerRate && viewerRate.currency !== currency && currency === CENTRAL_CURRENCY) {
    return `${Math.floor((minor * viewerRate.rate) / 100)}${viewerRate.currency}`;
  }
  return `${major(minor)}${currency}`;
}

/** SQL for the viewer's rate as JSON `{currency, rate}` (or null), to read with a list in one statement. */
export const viewerRateJson = (viewerId: number) => sql<Rate | null>`(
  select json_build_object('currency', r.currency_initials, 'rate', r.exchange_rate::float8)
  from profiles me join countries c on me.country_code = any(c.codes) join exchange_rates r on r.country_id = c.id
  where me.user_id = ${viewerId}
  order by (c.code = me.country_code) desc, c.id
  limit 1)`;

export const readRate = (value: unknown): Rate | null => {
  if (!value || typeof value !== 'object') return null;
  const { currency, rate } = value as { currency: unknown; rate: unknown };
  return typeof currency === 'string' && Number(rate) > 0 ? { currency, rate: Number(rate) } : null;
};

/** Admins set a country's rate (one per country; setting again replaces it). */
export async function setExchangeRate(
  services: Services,
  input: { country: string | number; currency_name: string; currency_initials: string; exchange_rate: number },
) {
  const query = services.db.selectFrom('countries').select(['id', 'name']);
  const byId = typeof input.country === 'number' || /^\d{1,15}$/.test(input.country.trim());
  const country = byId
    ? await query.where('id', '=', Number(input.country)).executeTakeFirst()
    : await query.where(sql`lower(name)`, '=', String(input.country).trim().toLowerCase()).executeTakeFirst();
  if (!country) throw unknownCountry(input.country);
  const values = {
    currency_name: input.currency_name,
    currency_initials: input.currency_initials,
    exchange_rate: input.exchange_rate,
    updated_at: services.now(),
  };
  await services.db
    .insertInto('exchange_rates')
    .values({ country_id: country.id, ...values })
    .onConflict((oc) => oc.column('country_id').doUpdateSet(values))
    .execute();
  return { status: 'Set' as const };
}
