import { sql, type Kysely, type RawBuilder } from '@careernexus/db';
import type { Services } from '../context.js';
import { idFromQuery } from '../validation.js';
import { recordIdMissing, recordNotFound, recordToUpdateNotFound } from './errors.js';

/** Experience, education and certification: lists of records each user keeps on their profile. */
export interface RecordKind {
  table: 'experiences' | 'educations' | 'certifications';
  /** Columns shown to clients, in the documented order (`id` first). */
  columns: readonly string[];
  /** Newest first by this column (text, compared as the original did), then by id. */
  sortBy: 'start_date' | 'issue_date';
  /** Filled in when a create leaves it out. */
  defaults?: Record<string, string>;
  /** Messages of the original, for "not yours or not there". */
  missing: { deleteParam: string; notFound: string; updateNotFound: string };
}

export const EXPERIENCE: RecordKind = {
  table: 'experiences',
  columns: ['id', 'title', 'organization', 'start_date', 'end_date', 'location', 'employment_type', 'detail'],
  sortBy: 'start_date',
  defaults: { end_date: 'Present' },
  missing: { deleteParam: 'No query parameter', notFound: 'Inexistent experience', updateNotFound: 'Experience does not exist' },
};

export const EDUCATION: RecordKind = {
  table: 'educations',
  columns: ['id', 'course', 'school', 'start_date', 'end_date', 'location', 'detail'],
  sortBy: 'start_date',
  defaults: { end_date: 'Present' },
  missing: { deleteParam: 'No query parameter specified', notFound: 'Inexistent education', updateNotFound: 'Education does not exist!' },
};

export const CERTIFICATION: RecordKind = {
  table: 'certifications',
  columns: ['id', 'title', 'school', 'issue_date', 'cert_id', 'skills'],
  sortBy: 'issue_date',
  missing: {
    deleteParam: 'No query parameter specified',
    notFound: 'Inexistent certification',
    updateNotFound: 'Certification does not exist',
  },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of three tables through one untyped query; each procedure's output schema checks their shape
type Row = any;
/** A user's records of one kind as the profile's statement reads them. */
export type RecordRows = Row[];

// The three tables share one shape of query; typing them through a union of table names would
// only add noise, so these few queries see the database untyped.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above: kind.table and kind.columns name the table and columns
const untyped = (services: Services) => services.db as unknown as Kysely<any>;

export function listRecords(services: Services, kind: RecordKind, userId: number): Promise<Row[]> {
  return untyped(services)
    .selectFrom(kind.table)
    .select(kind.columns as string[])
    .where('user_id', '=', userId)
    .orderBy(kind.sortBy, 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** The same list as `listRecords`, as a JSON array inside another statement (`userId`: an SQL expression). */
export function recordsJson(kind: RecordKind, userId: RawBuilder<number>): RawBuilder<Row[]> {
  const columns = sql.join(kind.columns.map((column) => sql.ref(column)));
  return sql<Row[]>`coalesce((
    select json_agg(r order by r.${sql.ref(kind.sortBy)} desc, r.id desc)
    from (select ${columns} from ${sql.table(kind.table)} where user_id = ${userId}) r
  ), '[]')`;
}

export function createRecord(services: Services, kind: RecordKind, userId: number, fields: Record<string, unknown>): Promise<Row> {
  return untyped(services)
    .insertInto(kind.table)
    .values({ ...kind.defaults, ...fields, user_id: userId })
    .returning(kind.columns as string[])
    .executeTakeFirstOrThrow();
}

/** Another user's record and a missing one are the same 404: nothing reveals which. */
export async function updateRecord(services: Services, kind: RecordKind, userId: number, id: number, fields: Record<string, unknown>) {
  const changes = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  const db = untyped(services);
  const row = Object.keys(changes).length
    ? await db
        .updateTable(kind.table)
        .set(changes)
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .returning(kind.columns as string[])
        .executeTakeFirst()
    : await db
        .selectFrom(kind.table)
        .select(kind.columns as string[])
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
  if (!row) throw recordToUpdateNotFound(kind);
  return row;
}

export async function deleteRecord(services: Services, kind: RecordKind, userId: number, rawId: string | undefined) {
  if (rawId === undefined || rawId.trim() === '') throw recordIdMissing(kind);
  const id = idFromQuery(rawId);
  if (id === undefined) throw recordNotFound(kind);
  const deleted = await untyped(services).deleteFrom(kind.table).where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  if (deleted.numDeletedRows === 0n) throw recordNotFound(kind);
}
