import type { Selectable, Database } from '@careernexus/db';
import { sql } from '@careernexus/db';
import type { Viewer } from '../auth/sessions.js';
import type { Context, Services } from '../context.js';
import { removeUnusedMedia } from '../media/cleanup.js';
import { checkStoredMedia } from '../media/service.js';
import { paginate, readPage, resolvePage } from '../pagination.js';
import { idFromQuery } from '../validation.js';
import { malformedPortfolioId, malformedUserId, notYourProject, portfolioIdMissing, unknownProject, unknownUser } from './errors.js';
import { PROJECT_UPLOADS, type Project } from './schemas.js';

type ProjectRow = Selectable<Database['projects']>;

const COLUMNS = [
  'p.id',
  'p.owner_id',
  'p.title',
  'p.description',
  'p.image',
  'p.download_material',
  'p.created_at',
  'p.updated_at',
] as const;

/** A project as clients see it; a project without an image shows the default (cover) image. */
function shown(services: Services, row: ProjectRow): Project {
  return {
    id: row.id,
    owner: row.owner_id,
    title: row.title,
    description: row.description,
    image: row.image ?? services.config.DEFAULT_COVER_PHOTO_URL,
    download_material: row.download_material,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** A query value left out, or blank (compat C4), is no value. */
const given = (raw: string | number | undefined) => (raw === undefined || String(raw).trim() === '' ? undefined : String(raw));

/** The id in `raw`, or the given refusal. */
function idOf(raw: string, refusal: () => Error) {
  const id = idFromQuery(raw);
  if (id === undefined) throw refusal();
  return id;
}

/** A project of an active member, or undefined. */
function findProject(services: Services, id: number) {
  return services.db
    .selectFrom('projects as p')
    .innerJoin('users as u', 'u.id', 'p.owner_id')
    .select(COLUMNS)
    .where('p.id', '=', id)
    .where('u.is_active', '=', true)
    .executeTakeFirst();
}

/**
 * Any member's project, by id (any member may read anyone's projects). A malformed id is a 400 in
 * the query; in the path it names no project (`malformed`: unknownProject).
 */
export async function projectById(services: Services, raw: string, malformed: () => Error = malformedPortfolioId) {
  const row = await findProject(services, idOf(raw, malformed));
  if (!row) throw unknownProject();
  return shown(services, row);
}

/**
 * Someone's projects (yours by default), newest first, a page at a time: the page and its count
 * are read from `projects_by_owner`. `portfolio_id` without `user_id` answers that one project.
 */
export async function listProjects(
  ctx: Context,
  viewer: Viewer,
  input: { page?: string | undefined; page_size?: string | undefined; user_id?: string | undefined; portfolio_id?: string | undefined },
) {
  const { services } = ctx;
  const userId = given(input.user_id);
  const portfolioId = given(input.portfolio_id);
  if (userId === undefined && portfolioId !== undefined) return projectById(services, portfolioId);
  let ownerId = viewer.id;
  if (userId !== undefined) {
    ownerId = idOf(userId, malformedUserId);
    const owner = await services.db
      .selectFrom('users')
      .select('id')
      .where('id', '=', ownerId)
      .where('is_active', '=', true)
      .executeTakeFirst();
    if (!owner) throw unknownUser();
  }
  const request = readPage(input);
  const { count } = await services.db
    .selectFrom('projects')
    .select(sql<number>`count(*)::int`.as('count'))
    .where('owner_id', '=', ownerId)
    .executeTakeFirstOrThrow();
  const page = resolvePage(request, count);
  const rows = await services.db
    .selectFrom('projects as p')
    .select(COLUMNS)
    .where('p.owner_id', '=', ownerId)
    .orderBy('p.id', 'desc')
    .limit(request.size)
    .offset((page - 1) * request.size)
    .execute();
  return paginate(
    ctx.url,
    page,
    request.size,
    count,
    rows.map((row) => shown(services, row)),
  );
}

interface FileFields {
  image?: string | null | undefined;
  download_material?: string | null | undefined;
}

/** Each file URL sent must name an uploaded file of its field's kinds, within the size limit; null passes (it removes the file). */
async function checkedFiles(services: Services, fields: FileFields) {
  const checked: FileFields = {};
  for (const field of ['image', 'download_material'] as const) {
    const url = fields[field];
    if (url === undefined) continue;
    checked[field] = url === null ? null : await checkStoredMedia(services, field, PROJECT_UPLOADS[field], url);
  }
  return checked;
}

export async function createProject(
  services: Services,
  viewer: Viewer,
  input: { title: string; description: string; image?: string | undefined; download_material?: string | undefined },
) {
  const files = await checkedFiles(services, input);
  const row = await services.db
    .insertInto('projects')
    .values({ owner_id: viewer.id, title: input.title, description: input.description, ...files })
    .returning(['id', 'owner_id', 'title', 'description', 'image', 'download_material', 'created_at', 'updated_at'])
    .executeTakeFirstOrThrow();
  return shown(services, row);
}

/** A project the viewer owns: a stranger's is 403, none 404, nothing changed. */
async function ownedProject(services: Services, viewer: Viewer, raw: string | number | undefined) {
  const text = given(raw);
  if (text === undefined) throw portfolioIdMissing();
  const id = idOf(text, malformedPortfolioId);
  const row = await findProject(services, id);
  if (!row) throw unknownProject();
  if (row.owner_id !== viewer.id) throw notYourProject();
  return row;
}

/** Changes the fields sent of one of your projects; the others keep their values. */
export async function updateProject(
  services: Services,
  viewer: Viewer,
  input: { portfolio_id?: string | number | undefined; title?: string | undefined; description?: string | undefined } & FileFields,
) {
  const { portfolio_id: rawId, ...fields } = input;
  const project = await ownedProject(services, viewer, rawId);
  const files = await checkedFiles(services, fields);
  const changes = Object.fromEntries(
    Object.entries({ title: fields.title, description: fields.description, ...files }).filter(([, value]) => value !== undefined),
  );
  const row = await services.db
    .updateTable('projects')
    .set({ ...changes, updated_at: services.now() })
    .where('id', '=', project.id)
    .where('owner_id', '=', viewer.id)
    .returning(['id', 'owner_id', 'title', 'description', 'image', 'download_material', 'created_at', 'updated_at'])
    .executeTakeFirst();
  // Deleted meanwhile.
  if (!row) throw unknownProject();
  await removeUnusedMedia(services, [
    files.image !== undefined ? project.image : null,
    files.download_material !== undefined ? project.download_material : null,
  ]);
  return shown(services, row);
}

export async function deleteProject(services: Services, viewer: Viewer, rawId: string | undefined) {
  const { id } = await ownedProject(services, viewer, rawId);
  const deleted = await services.db
    .deleteFrom('projects')
    .where('id', '=', id)
    .where('owner_id', '=', viewer.id)
    .returning(['image', 'download_material'])
    .executeTakeFirst();
  if (deleted) await removeUnusedMedia(services, [deleted.image, deleted.download_material]);
}
