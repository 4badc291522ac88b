import { sql, type Selectable, type Database } from '@careernexus/db';
import type { Viewer } from '../auth/sessions.js';
import type { Context, Services } from '../context.js';
import { checkStoredMedia } from '../media/service.js';
import { paginate, readPage, resolvePage } from '../pagination.js';
import { notSubscribed } from './errors.js';
import { NEWSLETTER_UPLOADS, type Newsletter } from './schemas.js';

/** The archive's page size (the original's). */
const ARCHIVE_PAGE_SIZE = 5;

const shown = (row: Pick<Selectable<Database['newsletters']>, 'id' | 'title' | 'content' | 'image' | 'created_at'>): Newsletter => ({
  id: row.id,
  title: row.title,
  content: row.content,
  image: row.image ?? '',
  timestamp: row.created_at,
});

/**
 * Stores a newsletter and queues one e-mail per recipient in the same transaction: every
 * confirmed e-mail subscriber and every subscribed, active member who accepts marketing e-mail,
 * once per address. The couriers send them (content/delivery.ts); this request does not wait.
 */
export async function createNewsletter(
  services: Services,
  viewer: Viewer,
  input: { title: string; content: string; image?: string | undefined },
) {
  const image = input.image === undefined ? null : await checkStoredMedia(services, 'image', NEWSLETTER_UPLOADS.image, input.image);
  const { row, recipients } = await services.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('newsletters')
      .values({ title: input.title, content: input.content, image, created_by: viewer.id })
      .returning(['id', 'title', 'content', 'image', 'created_at'])
      .executeTakeFirstOrThrow();
    const queued = await sql`
      insert into newsletter_deliveries (newsletter_id, subscriber_id, address)
      select ${row.id}, s.id, coalesce(s.email, u.email)
      from newsletter_subscribers s left join users u on u.id = s.user_id
      where (s.email is not null and s.confirmed_at is not null) or (u.is_active and u.marketing)
      order by s.user_id nulls last, s.id
      on conflict (newsletter_id, address) do nothing`.execute(trx);
    return { row, recipients: Number(queued.numAffectedRows ?? 0n) };
  });
  services.newsletterQueued.notify();
  return { ...shown(row), recipients };
}

/**
 * For subscribed members: the newest newsletter, and the older ones a page at a time (5 a page,
 * newest first, read by primary key).
 */
export async function listNewsletters(ctx: Context, viewer: Viewer, input: { page?: string | undefined; page_size?: string | undefined }) {
  const { db } = ctx.services;
  const subscribed = await db.selectFrom('newsletter_subscribers').select('id').where('user_id', '=', viewer.id).executeTakeFirst();
  if (!subscribed) throw notSubscribed();
  const request = readPage(input, ARCHIVE_PAGE_SIZE);
  const { total } = await db
    .selectFrom('newsletters')
    .select(sql<number>`count(*)::int`.as('total'))
    .executeTakeFirstOrThrow();
  const count = Math.max(0, total - 1);
  const page = resolvePage(request, count);
  const newest = () => db.selectFrom('newsletters').select(['id', 'title', 'content', 'image', 'created_at']).orderBy('id', 'desc');
  const [recent, rows] = await Promise.all([
    newest().limit(1).executeTakeFirst(),
    newest()
      .limit(request.size)
      .offset(1 + (page - 1) * request.size)
      .execute(),
  ]);
  return {
    recent: recent ? shown(recent) : { id: null, title: '', content: '', image: '', timestamp: null },
    archive: paginate(ctx.url, page, request.size, count, rows.map(shown)),
  };
}
