import { isUniqueViolation, sql } from '@careernexus/db';
import type { Viewer } from '../auth/sessions.js';
import type { Context, Services } from '../context.js';
import { removeUnusedMedia } from '../media/cleanup.js';
import { checkStoredMedia } from '../media/service.js';
import type { MediaKinds } from '../media/formats.js';
import { paginate, readPage, resolvePage } from '../pagination.js';
import { idFromQuery } from '../validation.js';
import {
  duplicateLibraryTitle,
  libraryContentIdMissing,
  malformedContentIdToDelete,
  malformedLibraryContentId,
  tagsNotTexts,
  tagsOverLimits,
  unknownContentToDelete,
  unknownLibraryContent,
} from './errors.js';

/** A library file is a PDF document (up to MAX_DOCUMENT_BYTES) or an image (up to MAX_IMAGE_BYTES). */
export const LIBRARY_UPLOADS = { file: ['document', 'image'] } satisfies Record<string, MediaKinds>;

export const MAX_TAGS = 50;
export const MAX_TAG_LENGTH = 100;

const COLUMNS = ['id', 'title', 'description', 'tags', 'file'] as const;

/** A query value left out, or blank (compat C4), is no value. */
const given = (raw: string | undefined) => (raw === undefined || raw.trim() === '' ? undefined : raw);

/**
 * Tags as a list of texts: a list, or (multipart forms carry text only) a JSON string holding
 * one. Trimmed; repeats kept once, in their first place.
 */
function readTags(raw: string | string[] | undefined): string[] {
  if (raw === undefined) return [];
  let list: unknown = raw;
  if (typeof raw === 'string') {
    try {
      list = JSON.parse(raw);
    } catch {
      throw tagsNotTexts();
    }
  }
  if (!Array.isArray(list) || !list.every((tag) => typeof tag === 'string')) throw tagsNotTexts();
  const tags = [...new Set(list.map((tag: string) => tag.trim()))];
  if (tags.length > MAX_TAGS || tags.some((tag) => tag.length < 1 || tag.length > MAX_TAG_LENGTH)) {
    throw tagsOverLimits(MAX_TAGS, MAX_TAG_LENGTH);
  }
  return tags;
}

export async function createLibraryItem(
  services: Services,
  viewer: Viewer,
  input: { title: string; description: string; tags?: string | string[] | undefined; file: string },
) {
  const tags = readTags(input.tags);
  const file = await checkStoredMedia(services, 'file', LIBRARY_UPLOADS.file, input.file);
  try {
    return await services.db
      .insertInto('library_items')
      .values({ title: input.title, description: input.description, tags, file, created_by: viewer.id })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
  } catch (error) {
    // The unique index on lower(title) decides, also between concurrent creates.
    if (isUniqueViolation(error)) throw duplicateLibraryTitle();
    throw error;
  }
}

async function libraryItem(services: Services, raw: string) {
  const id = idFromQuery(raw);
  if (id === undefined) throw malformedLibraryContentId();
  const row = await services.db.selectFrom('library_items').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  if (!row) throw unknownLibraryContent();
  return row;
}

/** The library newest first, a page at a time; with `?content_id=`, that one item alone. */
export async function listLibrary(
  ctx: Context,
  input: { content_id?: string | undefined; page?: string | undefined; page_size?: string | undefined },
) {
  const { services } = ctx;
  const contentId = given(input.content_id);
  if (contentId !== undefined) return libraryItem(services, contentId);
  const request = readPage(input);
  const { count } = await services.db
    .selectFrom('library_items')
    .select(sql<number>`count(*)::int`.as('count'))
    .executeTakeFirstOrThrow();
  const page = resolvePage(request, count);
  const rows = await services.db
    .selectFrom('library_items')
    .select(COLUMNS)
    .orderBy('id', 'desc')
    .limit(request.size)
    .offset((page - 1) * request.size)
    .execute();
  return paginate(ctx.url, page, request.size, count, rows);
}

export async function deleteLibraryItem(services: Services, rawId: string | undefined) {
  const text = given(rawId);
  if (text === undefined) throw libraryContentIdMissing();
  const id = idFromQuery(text);
  if (id === undefined) throw malformedContentIdToDelete();
  const deleted = await services.db.deleteFrom('library_items').where('id', '=', id).returning('file').executeTakeFirst();
  if (!deleted) throw unknownContentToDelete();
  await removeUnusedMedia(services, [deleted.file]);
}
