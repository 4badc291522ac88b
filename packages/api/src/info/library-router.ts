import { notAdministrator } from '../errors.js';
import { tooLarge, unknownUploadUrl, wrongType } from '../media/errors.js';
import { envelope, pageInput } from '../pagination.js';
import { answers, rest, type RestRoute } from '../rest.js';
import { adminProcedure, authedProcedure, router } from '../trpc.js';
import { z } from '../validation.js';
import * as infoErrors from './errors.js';
import { createLibraryItem, deleteLibraryItem, LIBRARY_UPLOADS, listLibrary, MAX_TAG_LENGTH, MAX_TAGS } from './library.js';

const route = (route: Omit<RestRoute, 'tag' | 'protect'>) => rest({ ...route, tag: 'info', protect: true });
const ADMIN_ONLY = { 403: answers('Only administrators may do this', notAdministrator()) };

const libraryItem = z.object({
  id: z.number().int(),
  title: z.string(),
  description: z.string(),
  tags: z.array(z.string()),
  file: z.string().describe('The URL of the file'),
});

const contentIdQuery = z.string().optional().describe('The id of one library item');

export const libraryRouter = router({
  create: adminProcedure
    .meta({
      ...route({
        method: 'POST',
        path: '/info/library/',
        status: 201,
        summary: 'Add an item to the content library',
        description:
          '`title` (up to 250 characters, unique whatever its case), `description`, `tags` and `file`. ' +
          '`file` is a PDF (up to MAX_DOCUMENT_BYTES, 5 MB by default) or an image (JPEG, PNG, WebP or GIF, up to MAX_IMAGE_BYTES): ' +
          'a file part of a multipart body, or in JSON the URL of a file uploaded through `media.createUpload`; checked by its content, not its name. ' +
          `\`tags\` is a list of texts (at most ${MAX_TAGS}, each up to ${MAX_TAG_LENGTH} characters); in a multipart body, that list as a JSON string (\`["career", "cv"]\`).`,
        errors: {
          400: answers(
            'A duplicate title, tags that are not a list of texts, a field missing or invalid, a file of another kind, or a URL that names no uploaded file',
            infoErrors.duplicateLibraryTitle(),
            infoErrors.tagsNotTexts(),
            infoErrors.tagsOverLimits(MAX_TAGS, MAX_TAG_LENGTH),
            wrongType('file', LIBRARY_UPLOADS.file),
            unknownUploadUrl('file'),
          ),
          ...ADMIN_ONLY,
          413: answers('The file is larger than its kind’s limit', tooLarge('file', 5 * 1_048_576)),
        },
      }),
      uploads: LIBRARY_UPLOADS,
    })
    .input(
      z.object({
        title: z.string().trim().min(1).max(250),
        description: z.string().trim().min(1).max(20_000),
        tags: z
          .union([z.array(z.string()), z.string()], { error: infoErrors.TAGS_NOT_TEXTS })
          .optional()
          .describe('A list of texts; in a multipart body, a JSON string holding one'),
        file: z.string().trim().min(1).max(1000).describe('A PDF or an image: a file part, or in JSON an uploaded file’s URL'),
      }),
    )
    .output(libraryItem)
    .mutation(({ ctx, input }) => createLibraryItem(ctx.services, ctx.viewer, input)),

  list: authedProcedure
    .meta(
      route({
        method: 'GET',
        path: '/info/library/',
        summary: 'The content library',
        description:
          'Every item, newest first, paginated (10 a page, absolute `next`/`previous` links). ' +
          'With `?content_id=`, that one item alone (not in a page).',
        errors: {
          400: answers('A content_id that is not an id', infoErrors.malformedLibraryContentId()),
          404: answers('No such item', infoErrors.unknownLibraryContent()),
        },
      }),
    )
    .input(z.object({ ...pageInput, content_id: contentIdQuery }))
    .output(z.union([envelope(libraryItem), libraryItem]))
    .query(({ ctx, input }) => listLibrary(ctx, input)),

  delete: adminProcedure
    .meta(
      route({
        method: 'DELETE',
        path: '/info/library/',
        status: 204,
        summary: 'Delete a content library item',
        description: '`?content_id=<id>`. 204 with no body.',
        errors: {
          400: answers('No content_id, or not an id', infoErrors.libraryContentIdMissing(), infoErrors.malformedContentIdToDelete()),
          ...ADMIN_ONLY,
          404: answers('No such item', infoErrors.unknownContentToDelete()),
        },
      }),
    )
    .input(z.object({ content_id: contentIdQuery }))
    .output(z.void())
    .mutation(async ({ ctx, input }) => {
      await deleteLibraryItem(ctx.services, input.content_id);
    }),
});
