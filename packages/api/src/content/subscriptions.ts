import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Viewer } from '../auth/sessions.js';
import { digest } from '../auth/tokens.js';
import type { Services } from '../context.js';
import { required } from '../invariant.js';
import { cardsOf } from '../posts/read.js';
import { confirmationMail } from './emails.js';
import {
  emailAlreadySubscribed,
  invalidConfirmationLink,
  invalidUnsubscribeLink,
  memberAlreadySubscribed,
  memberNotSubscribed,
} from './errors.js';

const confirmDigest = (services: Services, token: string) => digest(services.secretKey, 'newsletter-confirm', token);

/**
 * An unsubscribe token names its subscription and is signed, not stored: every newsletter e-mail
 * carries one, written when it is sent. It stops working once its subscription is gone.
 */
export function unsubscribeToken(services: Services, subscriberId: number) {
  return `${subscriberId}.${digest(services.secretKey, 'newsletter-unsubscribe', String(subscriberId)).slice(0, 32)}`;
}

function subscriberOfToken(services: Services, token: string): number | undefined {
  const match = /^(\d{1,15})\.([0-9a-f]{32})$/.exec(token.trim());
  if (!match?.[1]) return undefined;
  const id = Number(match[1]);
  const expected = Buffer.from(unsubscribeToken(services, id));
  const given = Buffer.from(token.trim());
  return expected.length === given.length && timingSafeEqual(expected, given) ? id : undefined;
}

/**
 * The public form: a new or still pending address gets a (new) confirmation link by e-mail and
 * receives nothing else until it is followed; a confirmed one is refused as the original does.
 */
export async function subscribeEmail(services: Services, email: string) {
  const token = randomBytes(32).toString('base64url');
  const pending = await services.db
    .insertInto('newsletter_subscribers')
    .values({ email, confirm_digest: confirmDigest(services, token) })
    .onConflict((oc) =>
      oc
        .column('email')
        .doUpdateSet({ confirm_digest: (eb) => eb.ref('excluded.confirm_digest') })
        .where('newsletter_subscribers.confirmed_at', 'is', null),
    )
    .returning('id')
    .executeTakeFirst();
  if (!pending) throw emailAlreadySubscribed();
  services.mailer.send(confirmationMail(services.config, email, token));
  return { status: 'Subscribed Successfully' };
}

/** Following the mailed link confirms the address; following it again changes nothing. */
export async function confirmEmail(services: Services, token: string | undefined) {
  if (!token?.trim()) throw invalidConfirmationLink();
  const confirmed = await services.db
    .updateTable('newsletter_subscribers')
    .set((eb) => ({ confirmed_at: eb.fn.coalesce('confirmed_at', eb.val(services.now())) }))
    .where('confirm_digest', '=', confirmDigest(services, token.trim()))
    .returning('id')
    .executeTakeFirst();
  if (!confirmed) throw invalidConfirmationLink();
  return { status: 'Subscription confirmed' };
}

/** The link in every newsletter e-mail: no sign-in; following it again (or after another unsubscribe) is no error. */
export async function unsubscribeByLink(services: Services, token: string | undefined) {
  const id = token ? subscriberOfToken(services, token) : undefined;
  if (id === undefined) throw invalidUnsubscribeLink();
  // Its queued e-mails go with it (foreign key cascade).
  await services.db.deleteFrom('newsletter_subscribers').where('id', '=', id).execute();
  return { status: 'Unsubscribed from Newsletter' };
}

export async function subscribeMember(services: Services, viewer: Viewer) {
  const row = await services.db
    .insertInto('newsletter_subscribers')
    .values({ user_id: viewer.id, confirmed_at: services.now() })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .returning('confirmed_at')
    .executeTakeFirst();
  if (!row) throw memberAlreadySubscribed();
  const cards = await cardsOf(services, [viewer.id]);
  return {
    subscriber: required(cards.get(viewer.id), `the card of member ${viewer.id}`),
    subscribed_at: required(row.confirmed_at, 'a member subscription’s time'),
  };
}

export async function unsubscribeMember(services: Services, viewer: Viewer) {
  const deleted = await services.db.deleteFrom('newsletter_subscribers').where('user_id', '=', viewer.id).executeTakeFirst();
  if (deleted.numDeletedRows === 0n) throw memberNotSubscribed();
  return { status: 'Unsubscribed from Newsletter' };
}
