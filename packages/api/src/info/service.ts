import { isUniqueViolation, sql } from '@careernexus/db';
import { CHOICES, type ChoiceField } from '../choices.js';
import type { Services } from '../context.js';
import {
  existentTitle,
  inexistentContent,
  permitUnchanged,
  readTitleMissing,
  readTitleUnknown,
  unknownChoiceField,
  unknownCountry,
  unknownPermitStatus,
} from './errors.js';

// --- countries and their calling codes ---

export async function listCountries(services: Services, status: string | undefined) {
  let query = services.db.selectFrom('countries').select(['id', 'name as country', 'code', 'iso_code', 'permitted']).orderBy('name');
  if (status !== undefined) {
    const wanted = status.trim().toLowerCase();
    if (wanted !== 'enable' && wanted !== 'disable') throw unknownPermitStatus();
    query = query.where('permitted', '=', wanted === 'enable');
  }
  return query.execute();
}

/** Permits or bars a country's calling codes; the country is named by id or by name. */
export async function setCountryPermit(services: Services, country: string | number, status: 'enable' | 'disable') {
  const query = services.db.selectFrom('countries').select(['id', 'name', 'permitted']);
  const row =
    typeof country === 'number' || /^\d+$/.test(country.trim())
      ? await query.where('id', '=', Number(country)).executeTakeFirst()
      : await query.where(sql`lower(name)`, '=', country.trim().toLowerCase()).executeTakeFirst();
  if (!row) throw unknownCountry(country);
  const permitted = status === 'enable';
  if (row.permitted === permitted) throw permitUnchanged(permitted);
  await services.db.updateTable('countries').set({ permitted }).where('id', '=', row.id).execute();
  return { country: row.name, permitted };
}

/** A dialling code may be used on profiles while some permitted country has it. */
export async function isPermittedCallingCode(services: Services, code: string) {
  const row = await services.db
    .selectFrom('countries')
    .select('id')
    .where('permitted', '=', true)
    .where(sql<boolean>`${code} = any(codes)`)
    .executeTakeFirst();
  return row !== undefined;
}

// --- content pages (terms of service, …) ---

async function titles(services: Services) {
  return (await services.db.selectFrom('info_contents').select('title').orderBy('title').execute()).map((row) => row.title);
}

const CONTENT_COLUMNS = ['title', 'content', 'items', 'updated_at'] as const;
const presentContent = (row: { title: string; content: string | null; items: string[] | null; updated_at: Date }) => ({
  title: row.title,
  content: row.content,
  items: row.items,
  updated: row.updated_at.toISOString().slice(0, 10),
});

export async function readContent(services: Services, title: string | undefined) {
  const available = await titles(services);
  if (!title) throw readTitleMissing(available);
  const row = await services.db.selectFrom('info_contents').select(CONTENT_COLUMNS).where('title', '=', title).executeTakeFirst();
  if (!row) throw readTitleUnknown(available);
  return { status: 'Success' as const, content: presentContent(row), Available_titles: available };
}

/** Titles are stored lower-case with underscores for spaces, as the original did. */
const normalizeTitle = (title: string) => title.trim().toLowerCase().replace(/\s+/g, '_');

export interface ContentInput {
  title?: string | undefined;
  content?: string | undefined;
  items?: string[] | undefined;
}

export async function createContent(services: Services, input: ContentInput & { title: string }) {
  try {
    const row = await services.db
      .insertInto('info_contents')
      .values({
        title: normalizeTitle(input.title),
        content: input.content ?? null,
        items: input.items ? JSON.stringify(input.items) : null,
      })
      .returning(CONTENT_COLUMNS)
      .executeTakeFirstOrThrow();
    return presentContent(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw existentTitle();
    throw error;
  }
}

export async function updateContent(services: Services, title: string, input: ContentInput) {
  const changes = {
    ...(input.title !== undefined ? { title: normalizeTitle(input.title) } : {}),
    ...(input.content !== undefined ? { content: input.content } : {}),
    ...(input.items !== undefined ? { items: JSON.stringify(input.items) } : {}),
  };
  try {
    const row = await services.db
      .updateTable('info_contents')
      .set({ ...changes, updated_at: services.now() })
      .where('title', '=', normalizeTitle(title))
      .returning(CONTENT_COLUMNS)
      .executeTakeFirst();
    if (!row) throw inexistentContent();
    return { status: 'Updated' as const, ...presentContent(row) };
  } catch (error) {
    if (isUniqueViolation(error)) throw existentTitle();
    throw error;
  }
}

export async function deleteContent(services: Services, title: string) {
  const deleted = await services.db.deleteFrom('info_contents').where('title', '=', normalizeTitle(title)).executeTakeFirst();
  if (deleted.numDeletedRows === 0n) throw inexistentContent();
}

// --- the choice lists ---

export function choiceData(fieldName: string | undefined) {
  const names = Object.keys(CHOICES) as ChoiceField[];
  if (fieldName === undefined || fieldName === '') return { field_names: names };
  const field = names.find((name) => name === fieldName.trim());
  if (!field) throw unknownChoiceField(names);
  return { field_name: field, 'Valid options': [...CHOICES[field]] };
}
