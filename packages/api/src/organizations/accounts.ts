import { sql, type Database, type Kysely } from '@careernexus/db';
import { issueTokens, sessionOf, type Viewer } from '../auth/sessions.js';
import type { Services } from '../context.js';
import { required } from '../invariant.js';
import { cardsOf, type Card } from '../posts/read.js';
import { accountNotLinked, switchToSelf } from './errors.js';

/** An account as linked-account and member lists show it, from its profile card (§6.2). */
function accountSummary(card: Card) {
  const name =
    card.user_type === 'employer'
      ? card.first_name
      : [card.first_name, card.middle_name, card.last_name].filter((part) => part.trim() && part !== 'N/A').join(' ');
  return { id: card.id, name, profile_photo: card.profile_photo, extras: card.qualification };
}

/** The summaries of these accounts, in the order given. */
export async function summariesOf(services: Services, ids: readonly number[]) {
  const cards = await cardsOf(services, ids);
  return ids.map((id) => accountSummary(required(cards.get(id), `the card of account ${id}`)));
}

/** Whether a link joins the two accounts, either way round (two lookups of the primary key). */
export async function linked(db: Kysely<Database>, one: number, other: number) {
  const { rows } = await sql<{ linked: boolean }>`
    select exists (select 1 from linked_accounts where main_account_id = ${one} and child_id = ${other})
      or exists (select 1 from linked_accounts where main_account_id = ${other} and child_id = ${one}) as linked`.execute(db);
  return rows[0]?.linked === true;
}

/** The other side of every link of the viewer (a company page sees its creator), oldest link first. */
export async function linkedAccounts(services: Services, viewer: Viewer) {
  const { rows } = await sql<{ id: number }>`
    select id from (
      select child_id as id, created_at from linked_accounts where main_account_id = ${viewer.id}
      union all
      select main_account_id as id, created_at from linked_accounts where child_id = ${viewer.id}
    ) links join users u using (id)
    where u.is_active
    order by created_at, id`.execute(services.db);
  const summaries = await summariesOf(
    services,
    rows.map((row) => Number(row.id)),
  );
  return summaries.map((account) => ({ account }));
}

/**
 * Fresh tokens for a linked account, without its password (a company page has none). The switch
 * is recorded, and the new session hangs under the viewer's: signing the viewer out ends it.
 */
export async function switchAccount(services: Services, viewer: Viewer, accountId: number) {
  if (accountId === viewer.id) throw switchToSelf();
  const target = await services.db
    .selectFrom('users')
    .select(['id', 'email', 'user_type'])
    .where('id', '=', accountId)
    .where('is_active', '=', true)
    .executeTakeFirst();
  if (!target || !(await linked(services.db, viewer.id, target.id))) throw accountNotLinked();
  const parent = await sessionOf(services.db, viewer.token.jti);
  const tokens = await services.db.transaction().execute(async (trx) => {
    await trx.insertInto('account_switches').values({ user_id: viewer.id, account_id: target.id }).execute();
    return issueTokens(services, target.id, trx, { parent });
  });
  return { ...tokens, user_id: target.id, email: target.email, user: target.email, user_type: target.user_type };
}
